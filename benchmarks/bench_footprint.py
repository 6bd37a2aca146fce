"""Cold start and peak memory of newswiki (issues 7 and 4).

Cold start: fresh interpreters run ``python -c "import lark"`` and
``python -c "import newswiki; newswiki.loads(sample)"`` (with each real sample inline),
round-robin, and the median difference is compared with the 100 ms target.  Those starts read
the parsers from newswiki's cache; the first start on a machine, which builds them, is timed
too (the cache turned off).

Memory: :mod:`tracemalloc` records the peak of what Python allocates while ``newswiki.loads``
reads a 10 MB document (an article, an event with tens of thousands of related items, and a
broken file in lenient mode) and while ``newswiki.dumps`` writes it back; the input is made
before tracing starts, so the peak is what parsing adds.  The target is at most 10 times the
input's size in UTF-8; the peers are measured the same way for comparison.

It prints; it asserts nothing about time or memory.  Run from the repository root::

    python benchmarks/bench_footprint.py            # full run
    python benchmarks/bench_footprint.py --quick    # CI smoke run: a few starts, 100 KB files
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial

import corpus
import harness

import newswiki

__all__ = ["cold_start", "main", "peak_memory"]

#: Issue 7: ``import newswiki`` and one ``loads`` may take this much longer than ``import lark``.
COLD_START_LIMIT = 0.100
#: A start slower than this many seconds is timed once only.
SLOW_START = 10.0
#: Issue 7: the peak while parsing may be at most this many times the input.
MEMORY_LIMIT = 10.0


def _start_commands() -> dict[str, tuple[str, dict[str, str]]]:
    """The ``python -c`` programs timed from a cold interpreter, by name, with the environment
    variables each sets."""
    event = corpus.EVENT_SAMPLE.read_text(encoding="utf-8")
    article = corpus.ARTICLE_SAMPLE.read_text(encoding="utf-8")
    load_event = f"import newswiki; newswiki.loads({event!r})"
    return {
        "python -c pass": ("pass", {}),
        "import lark": ("import lark", {}),
        "import newswiki": ("import newswiki", {}),
        "import newswiki; loads(event sample)": (load_event, {}),
        "import newswiki; loads(article sample)": (
            f"import newswiki; newswiki.loads({article!r})",
            {},
        ),
        # The first start on a machine builds the parser; later ones read it from the cache.
        "same, event, no parser cache": (load_event, {"NEWSWIKI_CACHE_DIR": ""}),
        # interegular comes with the test extra; when Lark finds it, it checks its own
        # meta-grammar (and ours) for collisions while building a parser.  Users may not have it.
        "same, event, no parser cache, no interegular": (
            f"import sys; sys.modules['interegular'] = None; {load_event}",
            {"NEWSWIKI_CACHE_DIR": ""},
        ),
    }


def _run(program: str, environment: dict[str, str]) -> float:
    """Seconds a fresh interpreter takes to run ``program`` and exit."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", program], check=True, env=environment)
    return time.perf_counter() - start


def cold_start(rounds: int, budget: float = SLOW_START) -> dict[str, list[float]]:
    """Wall-clock seconds of each program of :func:`_start_commands`, ``rounds`` times each,
    round-robin, after one untimed run of each (which writes any missing bytecode caches and
    fills the parser cache, a temporary directory of this run's own).

    A program that once took longer than ``budget`` seconds is not run again: one run of a
    start that slow says enough.
    """
    programs = _start_commands()
    times: dict[str, list[float]] = {name: [] for name in programs}
    with tempfile.TemporaryDirectory(prefix="newswiki-cache-") as directory:
        environments = {
            name: {**os.environ, "NEWSWIKI_CACHE_DIR": directory, **overrides}
            for name, (_, overrides) in programs.items()
        }
        for name, (program, _) in programs.items():
            _run(program, environments[name])
        for _ in range(rounds):
            for name, (program, _) in programs.items():
                if not times[name] or max(times[name]) <= budget:
                    times[name].append(_run(program, environments[name]))
    return times


def print_cold_start(times: dict[str, list[float]]) -> None:
    """Print the median start times and the deltas to ``import lark``."""
    lark = harness.median(times["import lark"])
    rows = []
    for name, seconds in times.items():
        value = harness.median(seconds)
        delta = value - lark
        verdict = ""
        if "loads" in name or name.startswith("same"):
            verdict = "met" if delta <= COLD_START_LIMIT else "MISSED"
        if len(seconds) == 1 and value > SLOW_START:
            verdict += f" (1 run: over {SLOW_START:g} s)"
        rows.append(
            [
                name,
                f"{1000 * value:.0f}",
                f"{1000 * min(seconds):.0f}",
                f"{1000 * delta:+.0f}",
                verdict,
            ]
        )
    harness.print_table(
        ["python -c ...", "median ms", "best ms", "vs import lark, ms (<= +100)", ""], rows
    )


def peak_memory(function: Callable[[], object]) -> tuple[int, int]:
    """The peak bytes Python allocates while ``function`` runs, and the bytes still held after
    it returns (its result, kept alive until then)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = function()
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak, held


def _documents(size: int, seed: int) -> dict[str, tuple[str, bool]]:
    """The documents whose parsing is measured: name -> (text, strict)."""
    generator = corpus.Generator(seed)
    return {
        "article": (generator.article_of_size(size), True),
        "event (related items)": (generator.event_of_size(size), True),
        "broken lines (lenient)": (generator.broken_article(size), False),
    }


def memory_rows(size: int, seed: int, peers: bool) -> list[list[str]]:
    """Measure the peaks of loads and dumps (and of the peers) on documents of ``size``."""
    newswiki.loads(corpus.EVENT_SAMPLE.read_text(encoding="utf-8"))  # build the parsers first
    newswiki.loads(corpus.ARTICLE_SAMPLE.read_text(encoding="utf-8"))
    runs: list[tuple[str, str, Callable[[], object]]] = []
    for name, (text, strict) in _documents(size, seed).items():
        runs.append((f"loads, {name}", text, partial(newswiki.loads, text, strict=strict)))
        if strict:
            runs.append((f"dumps, {name}", text, partial(newswiki.dumps, newswiki.loads(text))))
        if peers and name == "article":
            try:
                import mwparserfromhell
            except ImportError:
                continue
            runs.append(
                ("mwparserfromhell parse, article", text, partial(mwparserfromhell.parse, text))
            )
        if peers and name == "event (related items)":
            try:
                from markdown_it import MarkdownIt
            except ImportError:
                continue
            runs.append(("markdown-it-py parse, event", text, partial(MarkdownIt().parse, text)))
    rows = []
    for name, text, function in runs:
        size_bytes = corpus.utf8_size(text)
        peak, held = peak_memory(function)
        ratio = peak / size_bytes
        verdict = ("met" if ratio <= MEMORY_LIMIT else "MISSED") if name.startswith("loads") else ""
        rows.append(
            [
                name,
                f"{size_bytes / harness.MB:.1f}",
                f"{sys.getsizeof(text) / harness.MB:.1f}",
                f"{peak / harness.MB:.1f}",
                f"{held / harness.MB:.1f}",
                f"{ratio:.1f}x",
                verdict,
            ]
        )
    return rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: rounds and size, or ``--quick`` for a smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--starts", type=int, default=15, help="rounds of cold starts")
    parser.add_argument("--size", type=int, default=10_000_000, help="bytes of each document")
    parser.add_argument("--no-peers", action="store_true", help="skip the peers' memory")
    return harness.command_line(parser, argv, {"starts": 1, "size": 100_000})


def main(argv: list[str] | None = None) -> None:
    """Measure cold start and peak memory and print both reports."""
    args = parse_args(argv)
    print(f"# Footprint benchmark: {harness.subject()}\n\n{harness.machine()}")
    print(f"\n## Cold start: {args.starts} rounds round-robin of fresh interpreters, medians\n")
    print_cold_start(cold_start(args.starts))
    print(f"\n## Peak memory (tracemalloc) on documents of {args.size:,} bytes\n")
    rows = memory_rows(args.size, args.seed, peers=not args.no_peers)
    harness.print_table(
        ["run", "input MB", "input str MB", "peak MB", "result MB", "peak / input (<= 10)", ""],
        rows,
    )


if __name__ == "__main__":
    main()
