"""Timing and printing shared by the benchmark scripts: plain ``time.perf_counter``, medians."""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = [
    "MB",
    "calibrate",
    "caption",
    "command_line",
    "machine",
    "median",
    "print_table",
    "subject",
    "timed",
]

#: A megabyte, 10**6 bytes of UTF-8: every MB/s and ms/MB figure uses it.
MB = 1_000_000


def timed(function: Callable[[], object], repeats: int = 1) -> float:
    """Seconds one call of ``function`` takes, averaged over ``repeats`` calls in a row.

    A full garbage collection runs first, so garbage left by the previous contender is not
    charged to this one; the collector stays on while timing, as it is for users.
    """
    gc.collect()
    start = time.perf_counter()
    for _ in range(repeats):
        function()
    return (time.perf_counter() - start) / repeats


def calibrate(function: Callable[[], object], at_least: float) -> tuple[int, float]:
    """Run ``function`` once (a warm-up) and return how many calls in a row take about
    ``at_least`` seconds, with the warm-up's time."""
    once = timed(function)
    return max(1, round(at_least / once)) if once < at_least else 1, once


def command_line(
    parser: argparse.ArgumentParser, argv: list[str] | None, quick: dict[str, object]
) -> argparse.Namespace:
    """Parse ``argv`` with ``parser`` plus the options every benchmark has: ``--seed`` and
    ``--quick``, which sets the options named in ``quick`` for a smoke run of a few seconds."""
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds (CI)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated documents")
    args = parser.parse_args(argv)
    if args.quick:
        for name, value in quick.items():
            setattr(args, name, value)
    return args


def median(values: Sequence[float]) -> float:
    """The median of ``values`` (the middle of an odd count, the mean of the two middles)."""
    return statistics.median(values)


def machine() -> str:
    """One line naming the machine, the Python and the date, for the top of every report."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = (
        ", load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
        if hasattr(os, "getloadavg")
        else ""
    )
    return (
        f"{datetime.date.today().isoformat()}, {platform.machine()}, {cpus} CPUs (nproc),"
        f" {platform.python_implementation()} {platform.python_version()},"
        f" {platform.system()} {platform.release()}{load}"
    )


def caption(started: str) -> str:
    """The last line of a chart: which newswiki, when, on what (``started``: the
    :func:`machine` line of the run's start, with its load), and the load average at the end."""
    import newswiki

    ended = machine().rpartition("load average ")[2]
    return f"newswiki {newswiki.__version__}; {started}; at the end {ended}"


def subject() -> str:
    """Which newswiki is measured: its version, where it was imported from, and the git commit
    of that tree (``+dirty`` when its sources or grammars differ from the commit)."""
    import newswiki

    where = Path(newswiki.__file__).resolve().parents[2]
    described = ""
    try:
        commit = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(where), "status", "--porcelain", "--", "src", "grammars"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        described = f", commit {commit}{'+dirty' if dirty else ''}"
    except (OSError, subprocess.CalledProcessError):
        pass
    return f"newswiki {newswiki.__version__} from {where}{described}"


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print ``rows`` under ``header`` in aligned columns (the first left-, the others
    right-aligned), in Markdown pipe-table syntax so a report pastes into the docs."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.ljust(width) if index == 0 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    print(line(header))
    rules = [
        "-" * (width + 2) if index == 0 else "-" * (width + 1) + ":"
        for index, width in enumerate(widths)
    ]
    print("|" + "|".join(rules) + "|")
    for row in rows:
        print(line(row))
