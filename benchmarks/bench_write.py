"""Writing files back: ``newswiki fmt`` and a bulk edit through the API, against a plain loop.

A user who rewrites an archive could write a loop of their own: ``load`` each file, change
it, ``dumps`` it and ``open(path, "w").write`` the text.  That loop is fast and unsafe (a
crash leaves a half-written file, a symbolic link becomes a regular file, the owner, mode and
attributes of a file written by someone else are lost).  This script measures what newswiki's
safe writes cost on top of it, on event files of real size that all need rewriting:

- ``fmt -j 1``: the command (through :func:`newswiki.cli.main`, in this process) against the
  loop ``load``, ``canonical``, ``dumps``, plain write;
- a bulk edit (every tag lower-cased) written with :class:`newswiki.files.WriteBatch`
  (durable, and with ``durability="none"``), and one ``dump(document, path)`` per file,
  against the same edit written with plain writes.

Every run starts from a fresh copy of the archive (the copy is not timed), and the contenders
take turns round after round, so all meet the same machine load; the report gives each median
and the median of the per-round ratios against the plain loop.  It asserts nothing about time.
Run from the repository root::

    python benchmarks/bench_write.py              # 1,500 event files (7.5 MB), 5 rounds
    python benchmarks/bench_write.py --quick      # 100 files, one round (CI smoke run)

The copies are deleted at the end, not before each run: deleting the last copy would free
some 3,000 files and folders just before each contender, and a file system that waits before
reusing freed inodes (ext4 without a journal keeps each aside for one to six minutes, and
checks each of them again for every file it creates nearby) would charge that to the writers
that create files, which the plain loop does not.  A user's archive has not just been
deleted beside itself; ``--delete-copies`` measures as if it had.

The files are written on the file system of ``--scratch`` (default: beside this script,
``benchmarks/_corpus/``, ignored by git), since the cost of syncing depends on the disk.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import attrs
import harness
from bench_convert import CACHE, write_archive

import newswiki
from newswiki.cli import main as newswiki_command
from newswiki.files import Durability, WriteBatch
from newswiki.walk import walk

__all__ = ["main"]

Run = Callable[[list[str]], object]


def plain_fmt(paths: list[str]) -> object:
    """What ``fmt`` does, as a user's loop would: parse, canonical layout, plain write."""
    for path in paths:
        text = newswiki.dumps(newswiki.canonical(newswiki.load(path)))
        with open(path, "w", encoding="utf-8", newline="") as file:
            file.write(text)
    return None


def fmt_command(paths: list[str]) -> object:
    """``newswiki fmt -j 1`` over the folder, its output thrown away."""
    folder = os.path.commonpath(paths)
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        status = newswiki_command(["fmt", folder, "-j", "1", "--no-progress"])
    if status != 0:
        raise SystemExit(f"newswiki fmt failed ({status}):\n{sink.getvalue()}")
    return None


def lower_tags(document: newswiki.Document) -> newswiki.Document:
    """The bulk edit: every tag of an event's related items lower-cased."""
    if not isinstance(document, newswiki.Event):
        return document
    related = [
        attrs.evolve(item, context=[tag.lower() for tag in item.context])
        for item in document.related
    ]
    return attrs.evolve(document, related=related)


def plain_edit(paths: list[str]) -> object:
    """The edit, written with plain writes."""
    for path in paths:
        text = newswiki.dumps(lower_tags(newswiki.load(path)))
        with open(path, "w", encoding="utf-8", newline="") as file:
            file.write(text)
    return None


def batch_edit(durability: Durability) -> Run:
    """The edit, written the way the docs recommend for many files: one batch."""

    def run(paths: list[str]) -> object:
        with WriteBatch(durability=durability) as batch:
            for path in paths:
                batch.write(path, newswiki.dumps(lower_tags(newswiki.load(path))).encode())
        return None

    return run


def dump_edit(paths: list[str]) -> object:
    """The edit, one ``dump(document, path)`` per file: each file durable by itself."""
    for path in paths:
        newswiki.dump(lower_tags(newswiki.load(path)), path)
    return None


def _copy(source: Path, scratch: Path, *, delete: bool) -> list[str]:
    """A fresh copy of the archive in a new folder of ``scratch``, its files listed; with
    ``delete``, the copies made before are deleted first."""
    if delete:
        shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True, exist_ok=True)
    copy = Path(tempfile.mkdtemp(dir=scratch))
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns(".complete"), dirs_exist_ok=True)
    return sorted(walk(copy))


def _timed(run: Run, source: Path, scratch: Path, *, delete: bool) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``run`` over a fresh copy of the archive."""
    paths = _copy(source, scratch, delete=delete)
    os.sync()  # the copy's dirty pages are not charged to the contender
    cpu = time.process_time()
    start = time.perf_counter()
    run(paths)
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv: list[str] | None = None) -> None:
    """The command line: files and rounds, or ``--quick`` for a smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1_500, help="event files to rewrite")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each contender")
    parser.add_argument("--scratch", type=Path, default=CACHE, help="where files are written")
    parser.add_argument(
        "--delete-copies",
        action="store_true",
        help="delete the copies made before each run, not only at the end",
    )
    parser.add_argument(
        "--charts",
        metavar="DIR",
        type=Path,
        help="also draw the figures as an SVG chart, DIR/write.svg (matplotlib, bench extra)",
    )
    args = harness.command_line(parser, argv, {"files": 100, "rounds": 1})
    source = CACHE / f"write-{args.files}-events"
    files, size = write_archive(source, args.files, 0, args.seed)
    scratch = args.scratch / f"bench-write-{os.getpid()}"
    groups: dict[str, tuple[Run, dict[str, Run]]] = {
        "fmt": (plain_fmt, {"newswiki fmt -j 1": fmt_command}),
        "bulk edit": (
            plain_edit,
            {
                "bulk edit, WriteBatch (durable)": batch_edit("durable"),
                "bulk edit, WriteBatch (durability none)": batch_edit("none"),
                "bulk edit, dump(document, path) per file": dump_edit,
            },
        ),
    }
    print(f"writing back {files:,} event files ({size / harness.MB:.1f} MB) that all change")
    started = harness.machine()
    print(started)
    print(harness.subject())
    print(f"median of {args.rounds} round(s); the contenders take turns in each round")
    deleted = "just before it" if args.delete_copies else "at the end"
    print(f"each run rewrites a fresh copy of the archive; the copies are deleted {deleted}")
    print()
    rows = []
    multiples: dict[str, float] = {}  # time / plain loop, by run
    try:
        for group, (baseline, contenders) in groups.items():
            names = ["plain loop", *contenders]
            runs = {"plain loop": baseline, **contenders}
            times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
            for _ in range(args.rounds):
                for name in names:
                    times[name].append(
                        _timed(runs[name], source, scratch, delete=args.delete_copies)
                    )
            for name in names:
                # Ratios round by round: each run against the plain loop of the same round.
                pairs = list(zip(times[name], times["plain loop"], strict=True))
                wall = harness.median([own[0] / base[0] for own, base in pairs])
                cpu = harness.median([own[1] / base[1] for own, base in pairs])
                label = f"{group}: plain loop" if name == "plain loop" else name
                multiples[label] = wall
                median = harness.median([seconds for seconds, _ in times[name]])
                rows.append(
                    [
                        label,
                        f"{median:.3f}",
                        f"{files / median:,.0f}",
                        f"{wall:.2f}x",
                        f"{cpu:.2f}x",
                    ]
                )
            print(f"  {group}: done", file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    header = ["run", "seconds", "files/s", "time / plain loop", "CPU / plain loop"]
    harness.print_table(header, rows)
    print()
    print("time / plain loop: the median of the per-round ratios of each run's wall-clock time")
    print("to that of the plain loop of its group (parse, edit or canonical layout, dumps,")
    print("open(path, 'w').write), which makes nothing durable and keeps no link, owner, mode or")
    print("attribute; CPU / plain loop: the same with this process' CPU time, which other jobs")
    print("on the machine change less (waiting for the disk is in the time, not in the CPU).")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average at the end: {load}")
    if args.charts is not None:
        draw_chart(args.charts / "write.svg", multiples, args.delete_copies, started)
        print(f"\nChart written to {args.charts / 'write.svg'}")


#: The runs the chart shows, each with its target (time / plain loop, at most), if any.
CHART_ROWS: dict[str, float | None] = {
    "newswiki fmt -j 1": 1.3,
    "bulk edit, WriteBatch (durable)": 1.3,
    "bulk edit, WriteBatch (durability none)": None,
    "bulk edit, dump(document, path) per file": None,
}


def draw_chart(path: Path, multiples: dict[str, float], deleted: bool, started: str) -> None:
    """``write.svg``: each safe way of writing back, its time as a multiple of the plain loop's."""
    import charts

    rows = [(name, multiples[name], target) for name, target in CHART_ROWS.items()]
    setup = ", copies deleted before each run" if deleted else ""
    title = f"Writing back 1,500 changed files: time against a plain unsafe loop{setup}"
    axis = "time as a multiple of the plain loop's, in the same rounds (lower is faster)"
    charts.multiples(path, title, rows, axis, [(1.0, "plain loop")], harness.caption(started))


if __name__ == "__main__":
    main()
