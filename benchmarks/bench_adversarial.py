"""Adversarial inputs: the worst line of every terminal family, and bad lines everywhere.

Each shape is a document built to make a regular expression backtrack, a token grow without
bound or an error path repeat: one hostile line that grows (a related line of many ``](``
tails, a heading of many ``==``, a field of many ``:`` ...), a paragraph or list of many short
lines, and lenient mode with a bad line after every good one.  Every shape is read at four
sizes, 10 KB to 1 MB, and the report prints the time per byte of each size as a ratio to the
smallest (flat = linear; a quadratic shape doubles its ratio with every doubling of size).
Then ``tracemalloc``'s peak while reading the largest size, as a multiple of the input's
UTF-8 size (target: at most 10).

It prints; it asserts nothing about time.  Run from the repository root::

    python benchmarks/bench_adversarial.py            # the full run, a few minutes
    python benchmarks/bench_adversarial.py --quick    # small sizes, seconds (CI smoke run)
    python benchmarks/bench_adversarial.py --match lenient --cpu   # lenient rows, busy machine

``--cpu`` times each size by the median of its runs' CPU time (``time.process_time``) instead
of the best of their wall-clock times: on a machine shared with other work, the time other
processes take is then not counted.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import corpus
import harness

import newswiki

__all__ = ["SHAPES", "Shape", "main", "peak_ratio", "per_byte_ratios"]

DATE = "### [2016-07-18](/news/2016/07/18/index.md)\n\n# Headline\n\n"
SOURCES = DATE + "\n### Source:\n\n"
RELATED = DATE + "\n### Related:\n\n"
TITLE = "= Title =\n\n"


def _repeat(head: str, unit: str, tail: str, size: int) -> str:
    """``head``, ``unit`` repeated until the text is about ``size`` characters, ``tail``."""
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def _realistic_broken(size: int) -> str:
    """A generated event whose related list has a broken line after every 60 items."""
    generator = corpus.Generator(seed=1)
    lines = [*generator.event_head(), "", "### Related:", ""]
    number = 0
    length = sum(map(len, lines)) + len(lines)
    while length < size:
        number += 1
        line = generator.related_line(number) if number % 61 else "see also: the archive"
        lines.append(line)
        length += len(line) + 1
    return "\n".join(lines) + "\n"


def _list_of(head: str, line: Callable[[corpus.Generator, int], str]) -> Callable[[int], str]:
    """A document of ``head`` and then lines ``line(generator, number)`` up to a size."""

    def make(size: int) -> str:
        generator = corpus.Generator(seed=2)
        lines = [head]
        length = len(head)
        while length < size:
            lines.append(line(generator, len(lines)) + "\n")
            length += len(lines[-1])
        return "".join(lines)

    return make


def _source_line(generator: corpus.Generator, number: int) -> str:
    """A source line as the archive writes them: ``N. [Reuters](https://...)``."""
    site = generator.rng.choice(("https://www.reuters.com/world/", "https://www.bbc.co.uk/news/"))
    name = generator.rng.choice(("Reuters", "BBC News", "Al Jazeera English", "RT"))
    return f"{number}. [{name}]({site}{generator.line(10, 40)[:30].replace(' ', '-')})"


def _field_line(generator: corpus.Generator, number: int) -> str:
    """An infobox field: a short key, a value of 5 to 60 characters."""
    key = generator.rng.choice(("Location", "Date", "Target", "Type", "Fatalities", "Perps"))
    return f"- {key}: {generator.line(5, 60)[: generator.rng.randint(5, 60)].rstrip(' .')}"


@dataclass(frozen=True)
class Shape:
    """A document shape: how to make it at a size, and how to read it."""

    name: str
    make: Callable[[int], str]
    strict: bool = True
    #: Also time ``dumps`` of what was read (lenient documents with many set-aside lines).
    dump: bool = False


SHAPES: tuple[Shape, ...] = (
    # Each kind of line of the event format (a terminal of its grammar), on its worst line.
    Shape(
        "related line: many `](x) _Context:` tails",
        lambda n: _repeat(RELATED + "1. [T", "](x) _Context: a", "](/p) _Context: b_\n", n),
    ),
    Shape(
        "related line: no valid tail (error)",
        lambda n: _repeat(RELATED + "1. [T", "](x) _Context: a", "\n", n),
    ),
    Shape(
        "source line: many `](` in the name",
        lambda n: _repeat(SOURCES + "1. [", "](a", "](u)\n", n),
    ),
    Shape(
        "link target: runs of `)` and `]`",
        lambda n: _repeat(SOURCES + "1. [a](", ")]x", ")\n", n),
    ),
    Shape(
        "date line: a path of `)` and `\\r`",
        lambda n: _repeat("### [2016-07-18](", ")\r", ")\n\n# H\n", n),
    ),
    Shape(
        "headline: one long line", lambda n: _repeat("### [2016-07-18](/p)\n\n# ", "x ", "\n", n)
    ),
    Shape("event body: one long line", lambda n: _repeat(DATE, "#x ", "\n", n)),
    Shape("event body: a paragraph of one-character lines", lambda n: _repeat(DATE, "p\n", "", n)),
    Shape("blank lines of spaces, tabs and `\\r`", lambda n: _repeat(DATE, " \t\r\n", "p\n", n)),
    Shape("blank lines at the end of the file", lambda n: _repeat(DATE + "p\n", " \t\r\n", "", n)),
    # The article format's kinds of line.
    Shape("article title: many `= `", lambda n: _repeat("= ", "= ", "x =\n", n)),
    Shape("heading: many `==` inside", lambda n: _repeat(TITLE + "==", "a==", "a==\n", n)),
    Shape("heading: unclosed (error)", lambda n: _repeat(TITLE + "==", "a= ", "\n", n)),
    Shape(
        "infobox field: many `:` in the key",
        lambda n: _repeat(TITLE + "Infobox\n- ", ":x", ": v\n", n),
    ),
    Shape(
        "article body: a paragraph of one-character lines", lambda n: _repeat(TITLE, "p\n", "", n)
    ),
    Shape("article list: one-character items", lambda n: _repeat(TITLE, "- i\n", "", n)),
    # Long lists of realistic lines, and of the shortest line a list can hold.
    Shape("realistic sources", _list_of(SOURCES, _source_line)),
    Shape("realistic related events", _list_of(RELATED, lambda g, n: g.related_line(n))),
    Shape("realistic infobox fields", _list_of(TITLE + "Infobox\n", _field_line)),
    Shape("realistic list items", _list_of(TITLE, lambda g, n: f"- {g.line(20, 120)}")),
    Shape("sources `1. [A](a)`", lambda n: _repeat(SOURCES, "1. [A](a)\n", "", n)),
    # Lenient mode: bad lines everywhere.
    Shape(
        "lenient: every line bad (source section)",
        lambda n: _repeat(SOURCES, "text line\n", "", n),
        strict=False,
        dump=True,
    ),
    Shape(
        "lenient: every other line bad (sources)",
        lambda n: _repeat(SOURCES, "1. [A](a)\nbad\n", "", n),
        strict=False,
        dump=True,
    ),
    Shape(
        "lenient: headings then paragraph lines",
        lambda n: TITLE + "==x\n" * (n // 8) + "p\n" * (n // 4),
        strict=False,
        dump=True,
    ),
    Shape(
        "lenient: infobox, every other field bad",
        lambda n: _repeat(TITLE + "Infobox\n", "- bad\n- k: v\n", "", n),
        strict=False,
        dump=True,
    ),
    Shape(
        "lenient: realistic event, a bad line per 60 items",
        _realistic_broken,
        strict=False,
        dump=True,
    ),
)


def _read(shape: Shape) -> Callable[[str], object]:
    strict = shape.strict

    def read(text: str) -> object:
        try:
            return newswiki.loads(text, strict=strict)
        except newswiki.ParseError as error:  # the error shapes: the time to the error
            return error

    return read


def _best(function: Callable[[], object], budget: float) -> float:
    """The best of as many calls as fit in about ``budget`` seconds (at least three)."""
    times = []
    spent = 0.0
    while len(times) < 3 or spent < budget:
        took = harness.timed(function)
        times.append(took)
        spent += took
    return min(times)


def _median_cpu(function: Callable[[], object], budget: float) -> float:
    """The median CPU time of as many calls as fit in about ``budget`` seconds (at least
    five), each after a full garbage collection."""
    times = []
    while len(times) < 5 or sum(times) < budget:
        gc.collect()
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times)


def per_byte_ratios(
    inputs: list[tuple[object, int]],
    run: Callable[[Any], object],
    budget: float,
    measure: Callable[[Callable[[], object], float], float] = _best,
) -> tuple[list[float], list[float]]:
    """Seconds ``run`` takes on each of ``inputs`` (each with its size in bytes), as
    ``measure`` takes them, and the seconds per byte of each as a ratio to the first's."""
    seconds = [measure(lambda item=item: run(item), budget) for item, _ in inputs]  # type: ignore[misc]
    base = seconds[0] / inputs[0][1]
    return seconds, [s / size / base for s, (_, size) in zip(seconds, inputs, strict=True)]


def peak_ratio(text: str, run: Callable[[str], object]) -> float:
    """``tracemalloc``'s peak while ``run`` reads ``text``, over the text's UTF-8 size."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = run(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak / corpus.utf8_size(text)


def _check(shape: Shape, text: str) -> None:
    """Every shape reads as it should: lenient documents and accepted texts come back."""
    read = _read(shape)(text)
    if isinstance(read, newswiki.ParseError):
        if not shape.strict:
            raise AssertionError(f"{shape.name}: lenient mode raised")
        return
    if newswiki.dumps(read) != text:  # type: ignore[arg-type]
        raise AssertionError(f"{shape.name}: not written back byte for byte")


def main(argv: list[str] | None = None) -> None:
    """Time every shape at every size and print the per-byte ratios and memory peaks."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs=4,
        default=[10_000, 100_000, 300_000, 1_000_000],
        help="the four sizes, in characters",
    )
    parser.add_argument("--budget", type=float, default=0.5, help="seconds of runs per size")
    parser.add_argument("--match", default="", help="only the shapes whose name holds this text")
    parser.add_argument(
        "--cpu", action="store_true", help="median CPU time instead of best wall time"
    )
    args = harness.command_line(
        parser, argv, {"sizes": [2_000, 4_000, 8_000, 16_000], "budget": 0.0}
    )
    random.seed(args.seed)
    sizes = sorted(args.sizes)
    measure = _median_cpu if args.cpu else _best
    clock = "median CPU time" if args.cpu else "best wall-clock time"
    print(f"# Adversarial inputs: {harness.subject()}\n\n{harness.machine()}; {clock}\n")
    labels = [f"{size // 1000:,} KB" for size in sizes]
    rows = []
    dump_rows = []
    for shape in (shape for shape in SHAPES if args.match in shape.name):
        texts = [shape.make(size) for size in sizes]
        _check(shape, texts[-1])
        read = _read(shape)
        inputs = [(text, corpus.utf8_size(text)) for text in texts]
        seconds, ratios = per_byte_ratios(inputs, read, args.budget, measure)
        peak = peak_ratio(texts[-1], read)
        rows.append(
            [shape.name]
            + [f"{s * 1000:.1f}" for s in seconds]
            + [f"{r:.2f}" for r in ratios[1:]]
            + [f"{peak:.1f}"]
        )
        if shape.dump:
            documents = [(read(text), size) for text, (_, size) in zip(texts, inputs, strict=True)]
            seconds, ratios = per_byte_ratios(documents, newswiki.dumps, args.budget, measure)
            dump_rows.append(
                [shape.name]
                + [f"{s * 1000:.1f}" for s in seconds]
                + [f"{r:.2f}" for r in ratios[1:]]
            )
        print(f"... {shape.name}", flush=True)
    print("\n## Reading: ms per run at each size; per-byte time as a ratio to the smallest\n")
    harness.print_table(
        [
            "shape",
            *(f"ms {label}" for label in labels),
            *(f"per byte {label}" for label in labels[1:]),
            "peak / input",
        ],
        rows,
    )
    print("\n## Writing lenient documents back (dumps): the same\n")
    harness.print_table(
        [
            "shape",
            *(f"ms {label}" for label in labels),
            *(f"per byte {label}" for label in labels[1:]),
        ],
        dump_rows,
    )


if __name__ == "__main__":
    main()
