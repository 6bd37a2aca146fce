"""What two worker processes buy over one: ``check``, ``convert``, ``Corpus.map``,
``map_batches`` and plain ``Corpus`` iteration, ``-j 1`` against ``-j 2``.

Every row runs in this process (the command through :func:`newswiki.cli.main`, output thrown
away), ``-j 1`` and ``-j 2`` taking turns round after round, so both meet the same machine
load; the report gives the median of each and their ratio (the speed-up: 2.00x is the ceiling
on two idle cores), and splits the CPU seconds of a ``-j 2`` run between this process (the
parent: walking the folders, handing out chunks, taking results back, writing) and its
workers; from those, the speed-up two idle cores allow for that much work (the CPU bound).
It asserts nothing about time.  Run from the repository root::

    python benchmarks/bench_parallel.py              # 6,000 files (49 MB), a few minutes
    python benchmarks/bench_parallel.py --quick      # 300 files, one round (CI smoke run)

The archive is written once by ``benchmarks/corpus.py`` under ``benchmarks/_corpus/`` (ignored
by git) and reused.  On a machine others are using, the load average printed at the start and
at the end says how far to trust a row.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import harness
from bench_convert import CACHE, write_archive

import newswiki
from newswiki.cli import main as newswiki_command
from newswiki.corpus import Corpus, map_batches, walk

__all__ = ["main"]


def _command(*args: str) -> Callable[[int], object]:
    """A row that runs ``newswiki ARGS -j N`` in this process, its output thrown away."""

    def run(jobs: int) -> object:
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            status = newswiki_command([*args, "-j", str(jobs), "--no-progress"])
        if status not in (0, 1):
            raise SystemExit(f"newswiki {' '.join(args)} failed ({status}):\n{sink.getvalue()}")
        return status

    return run


def source_count(path: str, data: bytes) -> int:
    """What a user's function might compute in the workers: a small value per file."""
    document = newswiki.loads(data)
    return len(document.sources) if isinstance(document, newswiki.Event) else 0


def word_counts(path: str, data: bytes) -> collections.Counter[str]:
    """A value per file that is worth packing: the words of its headline or title."""
    document = newswiki.loads(data)
    title = document.headline if isinstance(document, newswiki.Event) else document.title
    return collections.Counter(title.lower().split())


def merged(counts: list[collections.Counter[str]]) -> collections.Counter[str]:
    """The ``pack`` of :func:`word_counts`: one counter per chunk crosses back."""
    total: collections.Counter[str] = collections.Counter()
    for count in counts:
        total.update(count)
    return total


def _corpus_map(archive: Path) -> Callable[[int], object]:
    return lambda jobs: sum(o.value or 0 for o in Corpus(archive, jobs=jobs).map(source_count))


def _map_batches(archive: Path) -> Callable[[int], object]:
    def run(jobs: int) -> object:
        total: collections.Counter[str] = collections.Counter()
        for batch in map_batches(word_counts, merged, walk(archive), jobs=jobs):
            total.update(batch.value)
        return total.most_common(1)

    return run


def _corpus_iteration(archive: Path) -> Callable[[int], object]:
    return lambda jobs: sum(1 for _ in Corpus(archive, jobs=jobs))


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its finished children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _timed(run: Callable[[int], object], jobs: int) -> tuple[float, float, float]:
    """Wall-clock seconds of ``run(jobs)``, and the CPU seconds of this process and workers."""
    own, children = _cpu()
    start = time.perf_counter()
    run(jobs)
    elapsed = time.perf_counter() - start
    own_after, children_after = _cpu()
    return elapsed, own_after - own, children_after - children


def main(argv: list[str] | None = None) -> None:
    """The command line: archive size and rounds, or ``--quick`` for a smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=6_000, help="files in the archive")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each row and -j")
    parser.add_argument("--only", help="run only the rows whose name contains this")
    parser.add_argument(
        "--charts",
        metavar="DIR",
        type=Path,
        help="also draw the figures as an SVG chart, DIR/parallel.svg (matplotlib, bench extra)",
    )
    args = harness.command_line(parser, argv, {"files": 300, "rounds": 1})
    events = args.files * 4 // 5  # archives hold many more events than articles
    archive = CACHE / f"par-{events}-{args.files - events}"
    files, size = write_archive(archive, events, args.files - events, args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="bench-parallel-"))
    rows_to_run = {
        "check": _command("check", str(archive)),
        "convert --to parquet": _command(
            "convert", str(archive), "--to", "parquet", "-o", str(scratch / "out")
        ),
        "convert --to jsonl": _command(
            "convert", str(archive), "--to", "jsonl", "-o", str(scratch / "out")
        ),
        "Corpus.map (a number per file)": _corpus_map(archive),
        "map_batches (packed counters)": _map_batches(archive),
        "Corpus iteration (documents)": _corpus_iteration(archive),
    }
    print(f"newswiki -j 1 against -j 2: {files:,} files, {size / harness.MB:.1f} MB")
    started = harness.machine()
    print(started)
    print(harness.subject())
    print(f"median of {args.rounds} round(s); -j 1 and -j 2 take turns in each round")
    print()
    rows = []
    speed_ups: dict[str, float] = {}
    try:
        for name, run in rows_to_run.items():
            if args.only and args.only not in name:
                continue
            timings: dict[int, list[tuple[float, float, float]]] = {1: [], 2: []}
            for _ in range(args.rounds):
                for jobs in (1, 2):
                    timings[jobs].append(_timed(run, jobs))
            one = harness.median([wall for wall, _, _ in timings[1]])
            two = harness.median([wall for wall, _, _ in timings[2]])
            parent = harness.median([own for _, own, _ in timings[2]])
            workers = harness.median([kids for _, _, kids in timings[2]])
            serial_cpu = harness.median([own + kids for _, own, kids in timings[1]])
            speed_ups[name] = one / two
            rows.append(
                [
                    name,
                    f"{files / one:,.0f}",
                    f"{files / two:,.0f}",
                    f"{one / two:.2f}x",
                    f"{serial_cpu:.2f}",
                    f"{parent:.2f}",
                    f"{workers:.2f}",
                    f"{2 * serial_cpu / (parent + workers):.2f}x",
                ]
            )
            print(f"  {name}: done", file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    header = ["run", "-j 1 files/s", "-j 2 files/s", "speed-up", "-j 1 CPU s"]
    header += ["-j 2 parent CPU s", "-j 2 workers CPU s", "CPU bound"]
    harness.print_table(header, rows)
    print()
    print("speed-up: -j 1 time over -j 2 time, the same work in the same process; the ceiling")
    print("is 2.00x on two idle cores. The CPU columns add up user and system time. CPU bound:")
    print("the speed-up two idle cores allow for this much work, 2 x (-j 1 CPU) / (-j 2 CPU),")
    print("which other jobs on the machine do not change as much as they change the times.")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average at the end: {load}")
    if args.charts is not None:
        draw_chart(args.charts / "parallel.svg", speed_ups, files, started)
        print(f"\nChart written to {args.charts / 'parallel.svg'}")


#: The rows with a target: -j 2 at least this many times as fast as -j 1.
TARGETS = {"check": 1.7, "convert --to parquet": 1.7}


def draw_chart(path: Path, speed_ups: dict[str, float], files: int, started: str) -> None:
    """``parallel.svg``: what ``-j 2`` gives each row, against ``-j 1`` and the ceiling."""
    import charts

    rows = [(name, value, TARGETS.get(name)) for name, value in speed_ups.items()]
    title = f"What a second core gives: -j 2 against -j 1, {files:,} files"
    axis = "-j 2 speed as a multiple of -j 1's, in the same rounds (higher is faster)"
    references = [(1.0, "-j 1"), (2.0, "two idle cores at most")]
    charts.multiples(path, title, rows, axis, references, harness.caption(started))


if __name__ == "__main__":
    main()
