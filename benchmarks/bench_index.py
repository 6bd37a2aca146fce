"""What the topic graph costs: building a :class:`~newswiki.corpus.CorpusIndex` with the topics
of every event against building it without them, on a generated archive.

Both builds run in this process (``jobs=1``: walking, reading, parsing and indexing every
file), taking turns round after round so that both meet the same machine load; "without
topics" is the same index with the step that collects an event's topics left out (it keeps
related links, days and titles, as the index did before it had topics).  The report gives,
for archives of 2,500, 5,000 and 10,000 files, the median CPU time of each build (the CPU
time of this process: on a machine others are using, wall-clock time counts their work too),
their ratio (the target: at most 1.10), and the time per file (flat when the build is
linear); then the memory the index holds per event (``tracemalloc``), with and without
topics, and the time to resolve every topic once the index is built.  ``--instructions``
counts machine instructions instead, with valgrind's callgrind (a fresh interpreter per
build, hash seed 0): a ratio that other work on the machine does not move.  It asserts
nothing about time.  Run from the repository root::

    python benchmarks/bench_index.py                  # 10,000 files, a few minutes
    python benchmarks/bench_index.py --instructions   # 2,500 files under callgrind
    python benchmarks/bench_index.py --quick          # 400 files, one round (CI smoke run)

The archive is written once by ``benchmarks/corpus.py`` under ``benchmarks/_corpus/`` (ignored
by git) and reused; the smaller archives are its first files in walk order.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import harness
from bench_convert import CACHE, write_archive

from newswiki import graph
from newswiki.corpus import Corpus, CorpusIndex, walk

__all__ = ["main"]


@contextlib.contextmanager
def without_topics() -> Iterator[None]:
    """The index as it was before topics: no event's topics are collected."""
    collect = graph._topic_facts
    graph._topic_facts = lambda event: ()
    try:
        yield
    finally:
        graph._topic_facts = collect


def build(paths: list[str], topics: bool) -> CorpusIndex:
    """The index of ``paths``, read in this process, with or without topics."""
    if topics:
        return Corpus(*paths).index()
    with without_topics():
        return Corpus(*paths).index()


def timed(paths: list[str], topics: bool) -> float:
    """CPU seconds one build takes (a full collection first, so the other's garbage is not
    charged to it)."""
    gc.collect()
    start = time.process_time()
    build(paths, topics)
    return time.process_time() - start


# What runs under callgrind: a warm-up build, a full collection, then the build counted,
# between two calls of getppid() (which callgrind is told to dump its counts before).
_COUNTED = """
import gc, json, os, sys
sys.path.insert(0, sys.argv[1])
from bench_index import build
with open(sys.argv[2], encoding="utf-8") as file:
    paths = json.load(file)
topics = sys.argv[3] == "topics"
build(paths[:20], topics)
gc.collect()
os.getppid()
build(paths, topics)
os.getppid()
"""


def counted(paths: list[str], topics: bool) -> float:
    """Machine instructions one build takes, counted by callgrind in a fresh interpreter."""
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "counts"
        listed = Path(work) / "paths.json"
        listed.write_text(json.dumps(paths), encoding="utf-8")
        command = ["valgrind", "--tool=callgrind", "--dump-before=getppid"]
        command += [f"--callgrind-out-file={out}", sys.executable, "-c", _COUNTED]
        command += [str(Path(__file__).parent), str(listed), "topics" if topics else "-"]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            raise SystemExit(f"the counted build failed:\n{done.stderr}")
        # The parts: the start, warm-up and collection; the build; the exit.
        parts = sorted(out.parent.glob("counts.*"), key=lambda path: int(path.suffix[1:]))
        for line in parts[1].read_text(encoding="utf-8").splitlines():
            if line.startswith("summary:"):
                return float(line.split()[1])
    raise SystemExit("callgrind wrote no summary")


def held(paths: list[str], topics: bool) -> int:
    """Bytes the index of ``paths`` holds once built: what is left allocated after the
    build, the index kept alive."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = build(paths, topics)
    gc.collect()
    size = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert index.events  # kept alive up to here
    return size


def sample(paths: list[str], size: int) -> list[str]:
    """``size`` of ``paths``, events and articles mixed as in the whole archive: every n-th
    file, not the first ones (the events come first in walk order)."""
    return paths[:: max(1, len(paths) // size)][:size]


def main(argv: list[str] | None = None) -> None:
    """The command line: archive sizes and rounds, or ``--quick`` for a smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[2_500, 5_000, 10_000],
        help="files in each archive (the first files of the largest)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="builds of each kind and size")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count machine instructions with valgrind's callgrind (the smallest size only)",
    )
    args = harness.command_line(parser, argv, {"sizes": [100, 200, 400], "rounds": 1})
    largest = max(args.sizes)
    events = largest * 4 // 5  # archives hold many more events than articles
    archive = CACHE / f"index-{events}-{largest - events}"
    write_archive(archive, events, largest - events, args.seed)
    every = list(walk(str(archive)))
    if args.instructions:
        if shutil.which("valgrind") is None:
            raise SystemExit("--instructions needs valgrind (e.g. apt install valgrind)")
        paths = sample(every, min(args.sizes))
        before, after = counted(paths, False), counted(paths, True)
        print(f"CorpusIndex of {len(paths):,} files, machine instructions (callgrind):")
        print(harness.subject())
        print(f"without topics {before:,.0f}, with topics {after:,.0f}: ratio {after / before:.3f}")
        return
    print(f"CorpusIndex with topics against without: archives of {', '.join(map(str, args.sizes))}")
    print(harness.machine())
    print(harness.subject())
    print(f"median of {args.rounds} round(s); the two builds take turns in each round")
    print()
    rows = []
    for size in sorted(args.sizes):
        paths = sample(every, size)
        times: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(args.rounds):
            for topics in (False, True):
                times[topics].append(timed(paths, topics))
        before, after = harness.median(times[False]), harness.median(times[True])
        rows.append(
            [
                f"{len(paths):,}",
                f"{before:.2f}",
                f"{after:.2f}",
                f"{after / before:.3f}",
                f"{1e6 * before / len(paths):.0f}",
                f"{1e6 * after / len(paths):.0f}",
            ]
        )
    header = ["files", "without topics CPU s", "with topics CPU s", "ratio"]
    header += ["without µs/file", "with µs/file"]
    harness.print_table(header, rows)
    print()
    paths = sample(every, min(args.sizes))
    index = build(paths, True)
    sizes = {topics: held(paths, topics) for topics in (False, True)}
    print(
        f"memory held per event ({index.events:,} events, {index.articles:,} articles,"
        f" tracemalloc): {sizes[False] / index.events:,.0f} bytes without topics,"
        f" {sizes[True] / index.events:,.0f} with"
    )
    start = time.perf_counter()
    links = sum(1 for _ in index.topic_links())
    elapsed = time.perf_counter() - start
    print(
        f"resolving every topic once built: {links:,} topic links in {elapsed:.3f} s"
        f" ({1e6 * elapsed / max(links, 1):.1f} µs each)"
    )


if __name__ == "__main__":
    main()
