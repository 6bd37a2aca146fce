"""What lenient mode saves of broken files: the share of their values read back.

An archive of generated events and articles (:mod:`corpus`) has 1 % of its files broken, as
real archives break: each broken file has one breakage of one kind (a date that is no day, a
date without its zeros, ``#Headline``, a title written as a heading, an empty file, a stray
line, a missing blank line, bullet sources, a truncated file, an infobox field without its
``:``, an unbalanced heading, a heading of level 7).  Each broken file is read with
``strict=False``, and its values (date, paths, headline, every line of text, every source,
related event, infobox field, heading and list item) are compared with those of the file
before it broke.  The breakage says which of the file's lines it broke; the target is that
every value is read back but those that stood on a broken line.  The report gives, per kind,
the values of the broken files, how many were read back, how many were lost on the broken
lines and how many elsewhere (the target: none); the exit status is 1 when any value was
lost elsewhere.  It checks as well that each broken file is written back byte for byte.
Only the broken files are read: the others parse cleanly, which other benchmarks measure.
Run from the repository root::

    python benchmarks/bench_recovery.py                 # 1,000 broken files
    python benchmarks/bench_recovery.py --quick         # 48 (CI)
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import corpus
import harness

import newswiki
from newswiki import Article, Event, Section, UndatedEvent, position

__all__ = ["BREAKAGES", "Broken", "break_file", "main", "recovery", "values_by_line"]

#: A broken file: its text, and the numbers (1-based, in the file before it broke) of the
#: lines that the breakage broke or removed.
Broken = tuple[str, set[int]]
Breakage = Callable[[list[str], random.Random], Broken | None]
Value = tuple[Any, ...]


def _text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def _where(lines: list[str], pattern: str) -> list[int]:
    """The indexes of the lines that match ``pattern``."""
    return [index for index, line in enumerate(lines) if re.match(pattern, line)]


def _replaced(
    lines: list[str], rng: random.Random, pattern: str, change: Callable[[str], str]
) -> Broken | None:
    """One line that matches ``pattern`` changed by ``change``: that line is broken."""
    found = _where(lines, pattern)
    if not found:
        return None
    at = rng.choice(found)
    return _text([*lines[:at], change(lines[at]), *lines[at + 1 :]]), {at + 1}


def _no_day(lines: list[str], rng: random.Random) -> Broken | None:
    return _replaced(lines, rng, r"### \[", lambda line: re.sub(r"-\d\d-\d\d\]", "-02-30]", line))


def _no_zeros(lines: list[str], rng: random.Random) -> Broken | None:
    """A date line written without the zeros of its date: almost right, so nothing is lost."""
    if not re.match(r"### \[\d{4}-(0\d-|\d\d-0)", lines[0]):
        return None
    unpadded = re.sub(r"-0?(\d+)-0?(\d+)\]", r"-\1-\2]", lines[0])
    return _text([unpadded, *lines[1:]]), set()


def _headline(lines: list[str], rng: random.Random) -> Broken | None:
    """``#Headline``: almost right, so nothing is lost."""
    at = _where(lines, "# ")[0]
    return _text([*lines[:at], "#" + lines[at][2:], *lines[at + 1 :]]), set()


def _title(lines: list[str], rng: random.Random) -> Broken | None:
    """``== Title ==`` on the first line: almost right, so nothing is lost."""
    return _text([f"={lines[0]}=", *lines[1:]]), set()


def _empty(lines: list[str], rng: random.Random) -> Broken | None:
    """An empty file: nothing to save."""
    return "", set(range(1, len(lines) + 1))


STRAY = ("see also: TASS", "### Bogus:", "Advertisement", "[edit]", "== Notes", "1. [x")


def _stray(lines: list[str], rng: random.Random) -> Broken | None:
    """A line that belongs nowhere, after the first lines; no line of the file is broken."""
    at = rng.randrange(4, len(lines) + 1)
    return _text([*lines[:at], rng.choice(STRAY), *lines[at:]]), set()


def _no_blank(lines: list[str], rng: random.Random) -> Broken | None:
    """A blank line gone: the line after it is the broken one (it may still fit)."""
    blanks = [at for at in _where(lines, r"\Z") if at > 1]
    if not blanks:
        return None
    at = rng.choice(blanks)
    return _text([*lines[:at], *lines[at + 1 :]]), {at + 2}


def _bullet_sources(lines: list[str], rng: random.Random) -> Broken | None:
    """Every source written as a bullet: each is a broken line."""
    if "### Source:" not in lines:
        return None
    start = lines.index("### Source:")
    sources = [at for at in _where(lines, r"\d+\. \[") if start < at < lines.index("### Related:")]
    bulleted = [re.sub(r"\d+\. ", "- ", line, count=1) for line in lines]
    return _text([bulleted[at] if at in sources else line for at, line in enumerate(lines)]), {
        at + 1 for at in sources
    }


def _truncated(lines: list[str], rng: random.Random) -> Broken | None:
    """The file cut in its second half, maybe inside a line: that line and the rest are lost."""
    text = _text(lines)
    cut = rng.randrange(len(text) // 2, len(text) - 1)
    broken_line = text.count("\n", 0, cut) + 1
    return text[:cut], set(range(broken_line, len(lines) + 1))


def _field(lines: list[str], rng: random.Random) -> Broken | None:
    return _replaced(lines, rng, r"- [^:]+: ", lambda line: line.replace(": ", " ", 1))


def _unbalanced(lines: list[str], rng: random.Random) -> Broken | None:
    return _replaced(lines, rng, r"==[^=]", lambda line: line.rstrip("="))


def _level_7(lines: list[str], rng: random.Random) -> Broken | None:
    return _replaced(lines, rng, r"==[^=]", lambda line: f"====={line}=====")


#: The kinds of breakage, each for the format it breaks.
BREAKAGES: dict[str, tuple[str, Breakage]] = {
    "a date that is no day": ("event", _no_day),
    "a date without its zeros": ("event", _no_zeros),
    "#Headline": ("event", _headline),
    "a title written as a heading": ("article", _title),
    "an empty file": ("either", _empty),
    "a stray line": ("either", _stray),
    "a missing blank line": ("either", _no_blank),
    "bullet sources": ("event", _bullet_sources),
    "a truncated file": ("either", _truncated),
    "an infobox field without `:`": ("article", _field),
    "an unbalanced heading": ("article", _unbalanced),
    "a heading of level 7": ("article", _level_7),
}


def _paragraph_lines(blocks: tuple[Any, ...], layout: Any) -> Iterator[tuple[int, Value]]:
    """The values of blocks read from a file: one per line of text, one per list item."""
    if layout is None:
        return
    for span, block in zip(layout.spans, blocks, strict=True):
        parts = block.split("\n") if isinstance(block, str) else block.items
        kind = "text" if isinstance(block, str) else "item"
        for offset, part in enumerate(parts):
            yield span.first + offset, (kind, part)


def _section_values(section: Section) -> Iterator[tuple[int, Value]]:
    layout = section.layout
    assert layout is not None
    heading = layout.heading
    assert heading is not None
    assert heading.line is not None
    yield heading.line, ("heading", section.level, section.title)
    yield from _paragraph_lines(section.blocks, layout.blocks)
    for subsection in section.subsections:
        yield from _section_values(subsection)


def _line(node: Any) -> int:
    span = position(node)
    assert span is not None
    return span.first


def values_by_line(document: Any) -> list[tuple[int, Value]]:
    """Every value of a parsed ``document``, with the number of the line it stands on."""
    found: list[tuple[int, Value]] = []
    if isinstance(document, (Event, UndatedEvent)):
        layout = document.layout
        assert layout is not None
        if isinstance(document, Event):
            assert layout.date_line is not None
            line = layout.date_line.line
            found += [(line, ("date", document.date)), (line, ("day path", document.path))]
        assert layout.headline is not None
        found.append((layout.headline.line, ("headline", document.headline)))
        found += _paragraph_lines(document.body, layout.body)
        found += [(_line(s), ("source", s.name, s.url)) for s in document.sources]
        found += [(_line(r), ("related", r.title, r.path, r.context)) for r in document.related]
    elif isinstance(document, Article):
        layout = document.layout
        assert layout is not None
        assert layout.title_line is not None
        found.append((layout.title_line.line, ("title", document.title)))
        if document.infobox is not None:
            found += [(_line(f), ("field", f.key, f.value)) for f in document.infobox.fields]
        found += _paragraph_lines(document.lead, layout.lead)
        for section in document.sections:
            found += _section_values(section)
    return found  # type: ignore[return-value]


def break_file(
    kind: str, generator: corpus.Generator, rng: random.Random
) -> tuple[str, str, set[int]]:
    """A file broken by the breakage ``kind``: its text before, after, and its broken lines."""
    form, breakage = BREAKAGES[kind]
    while True:
        event = form == "event" or (form == "either" and rng.random() < 0.5)
        text = generator.event() if event else generator.article()
        broken = breakage(text[:-1].split("\n"), rng)
        if broken is not None:
            return text, *broken


def recovery(files: int, seed: int) -> dict[str, Counter[str]]:
    """Break ``files`` files, each kind in turn, and count per kind: ``files``, ``values``,
    ``recovered``, ``lost on broken lines``, ``lost elsewhere`` and ``not written back``."""
    generator = corpus.Generator(seed)
    rng = random.Random(seed)
    kinds = list(BREAKAGES)
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in kinds}
    for index in range(files):
        kind = kinds[index % len(kinds)]
        text, broken_text, broken_lines = break_file(kind, generator, rng)
        before = values_by_line(newswiki.loads(text))
        document = newswiki.loads(broken_text, strict=False)
        after = Counter(value for _, value in values_by_line(document))
        count = counts[kind]
        count["files"] += 1
        count["not written back"] += newswiki.dumps(document) != broken_text
        for line, value in before:
            count["values"] += 1
            if after[value] > 0:
                after[value] -= 1
                count["recovered"] += 1
            elif line in broken_lines:
                count["lost on broken lines"] += 1
            else:
                count["lost elsewhere"] += 1
    return counts


_COLUMNS = ("files", "values", "recovered", "lost on broken lines", "lost elsewhere")


def main(argv: list[str] | None = None) -> None:
    """The command line: how many broken files."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="broken files (1 %% of all)")
    args = harness.command_line(parser, argv, {"files": 48})
    print(f"lenient recovery of broken files; {harness.machine()}")
    print(harness.subject())
    print()
    counts = recovery(args.files, args.seed)
    total: Counter[str] = sum(counts.values(), Counter())
    rows = [[kind, *(f"{count[c]:,}" for c in _COLUMNS)] for kind, count in counts.items()]
    rows.append(["all", *(f"{total[c]:,}" for c in _COLUMNS)])
    harness.print_table(["breakage", *_COLUMNS], rows)
    print()
    share = total["recovered"] / total["values"]
    print(
        f"{args.files:,} broken files of an archive of {args.files * 100:,}: recovered"
        f" {total['recovered']:,} of {total['values']:,} values ({share:.2%}); lost on the"
        f" broken lines {total['lost on broken lines']:,}, elsewhere {total['lost elsewhere']:,};"
        f" written back byte for byte: {total['files'] - total['not written back']:,}"
        f" of {total['files']:,}"
    )
    if total["lost elsewhere"] or total["not written back"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
