"""What each system call of a file write costs: a plain write's against a safe write's.

``bench_write.py`` times whole runs; this script says where the time of one file goes.  On a
fresh copy of the same archive of events (one folder per day), with the edited texts ready in
memory, it writes every file in one of four ways and times each call, in microseconds per file:

- **plain**: ``open`` (which empties the file), ``write``, ``close``: the user's plain loop;
- **safe, none**: the calls of :class:`newswiki.files.WriteBatch` with ``durability="none"``:
  ``lstat`` the file, create the temporary file (``O_EXCL``), lock it, write it, give it the
  old file's owner and mode and look for extended attributes (``fstat``, ``fchmod``,
  ``listxattr``), then rename every temporary file over its file, one by one;
- **safe, durable**: the same with one ``syncfs`` before the renames and one after;
- **safe, old file held**: as durable, with each old file held open across its rename, so
  that the rename only renames and the ``close`` afterwards frees the old file.

The ways take turns round after round, each on a copy of its own (copied untimed, deleted at
the end: see ``bench_write.py`` on why not before); the table gives the median of the rounds.
Run from the repository root::

    python benchmarks/bench_write_calls.py            # 1,500 files, 5 rounds
    python benchmarks/bench_write_calls.py --quick    # 100 files, one round
"""

from __future__ import annotations

import argparse
import collections
import fcntl
import os
import shutil
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path

import harness
from bench_convert import CACHE, write_archive
from bench_write import _copy, lower_tags

import newswiki
from newswiki.files import _syncfs, _temporary_name

__all__ = ["main"]


class Calls:
    """Each call made through :meth:`time`, with the seconds it took in all."""

    def __init__(self) -> None:
        self.seconds: collections.Counter[str] = collections.Counter()

    def time(self, name: str, call: Callable[..., object], *args: object) -> object:
        start = time.perf_counter()
        result = call(*args)
        self.seconds[name] += time.perf_counter() - start
        return result


def plain(files: list[tuple[str, bytes]], calls: Calls) -> None:
    for path, data in files:
        flags = os.O_WRONLY | os.O_TRUNC | os.O_CLOEXEC
        fd = calls.time("open the file (emptied)", os.open, path, flags)
        calls.time("write", os.write, fd, data)
        calls.time("close", os.close, fd)


def safe(how: str) -> Callable[[list[tuple[str, bytes]], Calls], None]:
    """WriteBatch's calls: ``how`` is ``"none"``, ``"durable"`` or ``"old file held"``."""

    def run(files: list[tuple[str, bytes]], calls: Calls) -> None:
        staged = []
        for path, data in files:
            status = calls.time("lstat", os.lstat, path)
            folder, name = os.path.split(path)
            temporary = os.path.join(folder, _temporary_name(name))
            flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
            fd = calls.time("create the temporary file", os.open, temporary, flags, 0o600)
            calls.time("lock", fcntl.flock, fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            calls.time("write", os.write, fd, data)
            calls.time("keep owner, mode, attributes", keep, fd, path, status)
            staged.append((path, temporary, fd))
        syncfs = _syncfs()
        if how != "none" and syncfs is not None:
            calls.time("syncfs (the data)", syncfs, staged[0][2])
        for path, temporary, _ in staged:
            old = os.open(path, os.O_RDONLY | os.O_CLOEXEC) if how == "old file held" else None
            calls.time("rename", os.replace, temporary, path)
            if old is not None:
                calls.time("close the old file (frees it)", os.close, old)
        if how != "none" and syncfs is not None:
            calls.time("syncfs (the names)", syncfs, staged[0][2])
        for _, _, fd in staged:
            calls.time("close the temporary file", os.close, fd)

    return run


def keep(fd: int, path: str, status: os.stat_result) -> None:
    os.fstat(fd)
    os.fchmod(fd, stat.S_IMODE(status.st_mode))
    os.listxattr(path)


def main(argv: list[str] | None = None) -> None:
    """The command line: files and rounds, or ``--quick`` for a smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1_500, help="event files to write")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each way")
    parser.add_argument("--scratch", type=Path, default=CACHE, help="where files are written")
    args = harness.command_line(parser, argv, {"files": 100, "rounds": 1})
    source = CACHE / f"write-{args.files}-events"
    count, _ = write_archive(source, args.files, 0, args.seed)
    scratch = args.scratch / f"bench-write-calls-{os.getpid()}"
    ways = {
        "plain": plain,
        "safe, none": safe("none"),
        "safe, durable": safe("durable"),
        "safe, old file held": safe("old file held"),
    }
    per_file: dict[str, dict[str, list[float]]] = {way: {} for way in ways}
    try:
        for _ in range(args.rounds):
            for way, run in ways.items():
                paths = _copy(source, scratch, delete=False)
                files = [
                    (path, newswiki.dumps(lower_tags(newswiki.load(path))).encode())
                    for path in paths
                ]
                os.sync()  # the copy's dirty pages are not charged to the way
                calls = Calls()
                run(files, calls)
                for name, seconds in calls.seconds.items():
                    per_file[way].setdefault(name, []).append(seconds / len(files) * 1e6)
            print("  round done", file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"writing {count:,} event files, call by call (µs per file, median of rounds)")
    print(harness.machine())
    print(harness.subject())
    print()
    names = list(dict.fromkeys(name for calls in per_file.values() for name in calls))
    rows = [[name, *(_cell(per_file[way].get(name)) for way in ways)] for name in names]
    totals = [sum(harness.median(values) for values in per_file[way].values()) for way in ways]
    rows.append(["total", *(f"{total:.1f}" for total in totals)])
    harness.print_table(["call", *ways], rows)
    print()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average at the end: {load}")


def _cell(values: list[float] | None) -> str:
    return "" if values is None else f"{harness.median(values):.1f}"


if __name__ == "__main__":
    main()
