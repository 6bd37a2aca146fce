"""A long fuzz campaign: millions of hostile inputs against newswiki's promises.

Inputs are mutations of realistic generated files (:mod:`corpus`): hostile characters (the
format's markers, ``\\r``, NUL, U+0085, U+2028, a byte order mark, a lone surrogate) inserted
or swapped in, characters deleted, lines duplicated, swapped, cut or re-ended, bytes broken;
random text over the format's alphabet or all of Unicode; and three kinds aimed at what
lenient mode keeps: lone surrogates (alone, in pairs, from undecodable bytes) put in, the
bytes of a file with NULs put in (after every character of its start, as UTF-16 spells ASCII,
or anywhere), and files with runs of bad lines and blank lines set in anywhere, whose lenient
reading must survive ``canonical``.  Each input is checked against the promises:

1. bad text raises only :class:`~newswiki.ParseError` (or :class:`~newswiki.DecodeError`);
2. accepted text is lossless: ``dumps(loads(text)) == text``;
3. lenient mode never raises for a ``str`` and is lossless too;
4. every object ``loads`` returns passes the model's validators, and survives ``canonical``
   (read back equal), ``to_dict``/``from_dict``, ``tabular.from_row`` and ``dump`` to bytes,
   which ``load`` reads back (a lone surrogate is written as its escape, see
   :mod:`newswiki.utf8`);

and the slowest input per byte is reported (a line that backtracks stands out).  Failures
are written to ``--out`` (one JSON line each, with the input) and make the exit status 1.

Run from the repository root::

    python benchmarks/fuzz_campaign.py --count 1000000 --jobs 2    # the long run
    python benchmarks/fuzz_campaign.py --quick                     # a slice, seconds (CI)
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import corpus
import harness

import newswiki
from newswiki.reader import looks_utf16
from newswiki.tabular import article_row, event_row, from_row
from newswiki.utf8 import encoded, escaped

__all__ = ["HOSTILE", "Inputs", "check", "inputs", "main"]

#: Fragments a mutation inserts: the format's markers and characters that break naive code.
HOSTILE = (
    "](", "[", "]", "(", ")", "_", ", ", ": ", "=", "==", "#", "# ", "### ", "- ", "* ",
    "1. [", "](x)", " _Context: ", "_Context: a](", "Infobox", "\r", "\r\n", "\n", "\t",
    "\x00", "\x85", "\u2028", "\u2029", "\ufeff", "\x0b", "\ud800", " ", "\n\n", "\u00a0",
)  # fmt: skip
ALPHABET = "#=[]()-*:_, \n\r\tInfobox0123456789.\x00\x85\u2028\ufeff"
#: Lone surrogates: high, low, a high and a low in a row (JSON would read one character),
#: and those that undecodable bytes become (Python's ``surrogateescape``).
SURROGATES = ("\ud800", "\udfff", "\ud800\udc80", "\udbff\udfff", "\udc80", "\udcff", "\udce9")
#: Lines that lenient mode sets aside, wherever they land.
BAD_LINES = (
    "==", "==x", "=======X=======", "### Bogus:", "- Injuries 40+", "see also: TASS", "1. [x",
    "#", "# second headline", "Infobox", "- [RT](https://rt.com/)", "[edit]",
)  # fmt: skip


class Inputs:
    """A seeded source of hostile inputs (``str``, and now and then ``bytes``)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        #: The kind of the last input made.
        self.kind = ""
        self.generator = corpus.Generator(seed)
        rng = self.rng
        # Small files (a few hundred bytes) with every part: many inputs, each one cheap.
        self.files = [
            self._small(self.generator.event(related=rng.randint(0, 2))) for _ in range(40)
        ]
        self.files += [
            self._small(self.generator.article(sections=rng.randint(0, 2))) for _ in range(40)
        ]

    def _small(self, text: str) -> str:
        """``text`` with its long lines cut to at most 60 characters."""
        rng = self.rng
        return "".join(
            line if len(line) < 60 else line[: rng.randint(10, 60)].rstrip(" \t") + "\n"
            for line in text.splitlines(keepends=True)
        )

    def random_text(self) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return "".join(rng.choices(ALPHABET, k=rng.randint(0, 80)))
        return "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(0, 40)))

    def mutation(self, text: str) -> str:
        rng = self.rng
        for _ in range(rng.randint(1, 4)):
            position = rng.randint(0, len(text))
            action = rng.randrange(9)
            if action <= 2:  # the most fruitful: a hostile fragment anywhere
                text = text[:position] + rng.choice(HOSTILE) + text[position:]
            elif action == 3:
                text = text[:position] + text[position + rng.randint(1, 8) :]
            elif action == 4:
                text = text[:position] + rng.choice(HOSTILE) + text[position + 1 :]
            else:
                lines = text.split("\n")
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                if action == 5:
                    lines.insert(i, lines[j])
                elif action == 6:
                    lines[i], lines[j] = lines[j], lines[i]
                elif action == 7:
                    del lines[i]
                else:
                    lines[i] = lines[i] + rng.choice((" ", "\t", "\r", " \r"))
                text = "\n".join(lines)
        if rng.random() < 0.1:
            text = text.replace("\n", "\r\n")
        if rng.random() < 0.05:
            text = "\ufeff" + text
        if rng.random() < 0.05:
            text = text[: rng.randint(0, len(text))]
        return text

    def with_surrogates(self, text: str) -> str:
        """``text`` with one to three lone surrogates put in anywhere."""
        rng = self.rng
        for _ in range(rng.randint(1, 3)):
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice(SURROGATES) + text[at:]
        return text

    def with_nuls(self, text: str) -> bytes:
        """The bytes of ``text`` with NULs put in: after each of its first characters (as
        UTF-16 spells ASCII), or at one to three places."""
        rng = self.rng
        if rng.random() < 0.5:
            count = rng.randint(1, 8)
            text = "".join(f"{c}\x00" for c in text[:count]) + text[count:]
        else:
            for _ in range(rng.randint(1, 3)):
                at = rng.randint(0, len(text))
                text = text[:at] + "\x00" + text[at:]
        data = text.encode("utf-8", "surrogatepass")  # a mutation may have put one in
        return data[:-1] if rng.random() < 0.5 and data else data  # odd and even lengths

    def with_bad_lines(self, text: str) -> str:
        """``text`` with one to four runs of bad lines set in, blank lines before them."""
        rng = self.rng
        lines = text.split("\n")
        for _ in range(rng.randint(1, 4)):
            run: list[str] = []
            for _ in range(rng.randint(1, 3)):
                run += [rng.choice(("", " ", "\t"))] * rng.randint(0, 2)
                run.append(rng.choice(BAD_LINES))
            at = rng.randrange(len(lines))
            lines[at:at] = run
        return "\n".join(lines)

    def __next__(self) -> str | bytes:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            self.kind = "random text"
            return self.random_text()
        source = rng.choice(self.files)
        if roll < 0.25:
            self.kind = "lone surrogates"
            return self.with_surrogates(self.mutation(source))
        if roll < 0.35:
            self.kind = "NUL bytes"
            return self.with_nuls(self.mutation(source) if rng.random() < 0.5 else source)
        if roll < 0.45:
            self.kind = "bad lines (lenient canonical)"
            return self.with_bad_lines(source)
        self.kind = "mutations"
        text = self.mutation(source)
        if rng.random() < 0.05:
            self.kind = "broken bytes"
            data = bytearray(text.encode("utf-8", "surrogatepass"))
            if data and rng.random() < 0.5:
                data[rng.randrange(len(data))] = rng.randrange(256)
            return bytes(data)
        return text


def inputs(seed: int) -> Inputs:
    """The inputs of one worker (``seed`` decides them all)."""
    return Inputs(seed)


def _rebuilt(obj: Any) -> Any:
    """``obj`` rebuilt through ``__init__``: every validator runs on every node."""
    if isinstance(obj, tuple):
        return tuple(_rebuilt(item) for item in obj)
    if not attrs.has(type(obj)):
        return obj
    values = {a.name: _rebuilt(getattr(obj, a.name)) for a in attrs.fields(type(obj)) if a.init}
    return type(obj)(**values)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _survives(obj: Any) -> None:
    """Promise 4 for one object ``loads`` returned."""
    if _rebuilt(obj) != obj:
        raise AssertionError("the validators rebuild another object")
    out = io.BytesIO()
    newswiki.dump(obj, out)  # a lone surrogate is written as its escape
    written = out.getvalue()
    if written != encoded(newswiki.dumps(obj)):
        raise AssertionError("dump to bytes differs from dumps")
    if isinstance(obj, newswiki.UnparsedDocument):
        data = json.loads(json.dumps(newswiki.to_dict(obj)))
        if newswiki.from_dict(data) != newswiki.UnparsedDocument(escaped(obj.text)):
            raise AssertionError("to_dict() does not escape lone surrogates as dump does")
        if _encodable(obj.text):
            try:
                again = newswiki.loads(written, strict=False)
            except newswiki.DecodeError:
                if looks_utf16(written):  # text that does not parse and looks like UTF-16
                    return
                raise
            if newswiki.dumps(again) != obj.text:
                raise AssertionError("load does not read back what dump wrote")
        return
    if newswiki.loads(written, strict=False) != obj:
        raise AssertionError("load does not read back what dump wrote")
    plain = newswiki.canonical(obj)
    if newswiki.loads(newswiki.dumps(plain), strict=False) != plain:
        raise AssertionError("canonical() does not read back equal")
    if newswiki.from_dict(json.loads(json.dumps(newswiki.to_dict(obj)))) != obj:
        raise AssertionError("from_dict(to_dict()) differs")
    if not obj.unparsed:
        row = event_row(obj) if isinstance(obj, newswiki.Event) else article_row(obj)
        if from_row(json.loads(json.dumps(row, default=str))) != obj:
            raise AssertionError("from_row(row) differs")


def check(data: str | bytes, *, survive: bool = True) -> str:
    """Check the promises on one input (promise 4 only with ``survive``); return how it read
    (``"accepted"``, ``"refused"``, ``"partial"``: lenient set lines aside, ``"unparsed"``:
    in neither format).  Any broken promise raises."""
    try:
        strict = newswiki.loads(data)
    except newswiki.ParseError as error:
        if error.line < 1 or error.column < 1 or not error.expected:
            raise AssertionError(f"an error without a place: {error!r}") from None
        strict = None
    # What was read: bytes that decode (others must have raised DecodeError).
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    if strict is not None:
        if newswiki.dumps(strict) != text:
            raise AssertionError("accepted text not written back byte for byte")
        if survive:
            _survives(strict)
    try:
        lenient = newswiki.loads(data, strict=False)
    except newswiki.DecodeError:
        if isinstance(data, str):
            raise
        return "refused"
    if newswiki.dumps(lenient) != text:
        raise AssertionError("lenient document not written back byte for byte")
    if strict is not None:
        if lenient != strict:
            raise AssertionError("lenient and strict read accepted text differently")
        return "accepted"  # the same object: it survived above
    if survive:
        _survives(lenient)
    if isinstance(lenient, newswiki.UnparsedDocument):
        return "unparsed"
    return "partial"


# Outcomes that count inputs by kind, not by how they read: left out of the total.
_KIND = "input: "


def _work(job: tuple[int, int, int]) -> dict[str, Any]:
    """Check ``count`` inputs of worker ``seed`` (promise 4 on one in ``every``): outcome
    counts, failures, the slowest input per byte."""
    seed, count, every = job
    source = inputs(seed)
    # Builds the parsers and imports what promise 4 uses, which is not the input's time.
    check(next(source), survive=True)
    outcomes: Counter[str] = Counter()
    failures = []
    slowest = (0.0, "")
    for index in range(count):
        data = next(source)
        survive = index % every == 0
        outcomes[f"{_KIND}{source.kind}"] += 1
        outcomes["promise 4 checked"] += survive
        start = time.perf_counter()
        try:
            outcomes[check(data, survive=survive)] += 1
        except Exception as error:  # every broken promise, and any other exception
            outcomes["FAILED"] += 1
            failures.append(
                {
                    "input": data if isinstance(data, str) else data.hex(),
                    "bytes": isinstance(data, bytes),
                    "error": "".join(traceback.format_exception_only(error)).strip(),
                }
            )
        took = time.perf_counter() - start
        per_byte = took / max(len(data), 100)
        if per_byte > slowest[0]:
            slowest = (per_byte, repr(data[:60]))
    return {"outcomes": outcomes, "failures": failures, "slowest": slowest}


def main(argv: list[str] | None = None) -> int:
    """Run the campaign and print what it found."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="inputs in all")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--chunk", type=int, default=5_000, help="inputs per task")
    parser.add_argument("--out", type=Path, default=None, help="JSON lines of the failures")
    parser.add_argument(
        "--survive-every", type=int, default=1, help="check promise 4 on one input in N"
    )
    args = harness.command_line(parser, argv, {"count": 2_000, "chunk": 500})
    print(f"# Fuzz campaign: {harness.subject()}\n\n{harness.machine()}\n", flush=True)
    tasks = [
        (args.seed * 1_000_003 + index, min(args.chunk, args.count - start), args.survive_every)
        for index, start in enumerate(range(0, args.count, args.chunk))
    ]
    outcomes: Counter[str] = Counter()
    failures: list[dict[str, Any]] = []
    slowest = (0.0, "")
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with context.Pool(args.jobs) if args.jobs > 1 else _Serial() as pool:
        for done, result in enumerate(pool.imap_unordered(_work, tasks), 1):
            outcomes.update(result["outcomes"])
            failures += result["failures"]
            slowest = max(slowest, result["slowest"])
            checked = _read(outcomes)
            if done % max(1, len(tasks) // 20) == 0 or done == len(tasks):
                rate = checked / (time.perf_counter() - start)
                print(
                    f"... {checked:,} inputs, {rate:,.0f}/s, {len(failures)} failures", flush=True
                )
    seconds = time.perf_counter() - start
    total = _read(outcomes)
    print(f"\n{total:,} inputs in {seconds:,.0f} s (seed {args.seed})\n")
    harness.print_table(
        ["outcome", "inputs"], [[name, f"{count:,}"] for name, count in sorted(outcomes.items())]
    )
    print(f"\nslowest per byte: {slowest[0] * 1e9:,.0f} ns/byte on {slowest[1]}")
    if args.out is not None:
        with args.out.open("w", encoding="utf-8") as file:
            for failure in failures:
                file.write(json.dumps(failure) + "\n")
    for failure in failures[:10]:
        print(f"\nFAILED: {failure['error']}\n  input: {failure['input'][:300]!r}")
    return 1 if failures else 0


def _read(outcomes: Counter[str]) -> int:
    """How many inputs ``outcomes`` counts (each has one outcome of how it read)."""
    counted = ("promise 4 checked", *(name for name in outcomes if name.startswith(_KIND)))
    return sum(outcomes.values()) - sum(outcomes[name] for name in counted)


class _Serial:
    """The pool's interface, in this process (``--jobs 1``)."""

    def __enter__(self) -> _Serial:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def imap_unordered(self, function: Any, tasks: list[tuple[int, int, int]]) -> Any:
        return map(function, tasks)


if __name__ == "__main__":
    sys.exit(main())
