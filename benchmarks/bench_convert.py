"""Throughput of ``newswiki convert`` over a generated archive, with one worker and with two.

Issue 6: writes a corpus of 20,000 mixed files (events in ``news/YYYY/MM/D/*.md`` folders,
articles in ``wiki/*.txt``) made by ``benchmarks/corpus.py``, runs the real command
(``python -m newswiki convert ... -j N``, a fresh process each time, so start-up is counted as a
user would feel it) to Parquet and to JSON Lines with ``-j 1`` and ``-j 2``, and prints files/s,
MB/s and the speed-up of two workers over one.

It prints; it asserts nothing about time.  Run from the repository root::

    python benchmarks/bench_convert.py             # 20,000 files, a few minutes
    python benchmarks/bench_convert.py --quick     # 400 files in seconds (CI smoke run)

The corpus is written once to ``benchmarks/_corpus/`` (ignored by git) and reused.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import corpus
import harness

__all__ = ["main", "run_convert", "write_archive"]

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).resolve().parent / "_corpus"
_DATE = re.compile(r"### \[(\d{4})-(\d{2})-(\d{2})\]")


def write_archive(folder: Path, events: int, articles: int, seed: int = 0) -> tuple[int, int]:
    """Write an archive of ``events`` events and ``articles`` articles to ``folder`` (unless
    a complete one is there already); return its file count and size in bytes."""
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        event_texts, article_texts = corpus.mixed_corpus(events, articles, seed)
        for index, text in enumerate(event_texts):
            match = _DATE.match(text)
            assert match is not None, "the generator writes a date line first"
            year, month, day = match.groups()
            day_folder = folder / "news" / year / month / str(int(day))  # days are not padded
            day_folder.mkdir(parents=True, exist_ok=True)
            (day_folder / f"event-{index:06d}.md").write_bytes(text.encode("utf-8"))
        (folder / "wiki").mkdir(parents=True, exist_ok=True)
        for index, text in enumerate(article_texts):
            (folder / "wiki" / f"article-{index:06d}.txt").write_bytes(text.encode("utf-8"))
        done.touch()
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != ".complete"]
    return len(files), sum(p.stat().st_size for p in files)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_convert(archive: Path, fmt: str, jobs: int, out: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one ``newswiki convert`` run, start-up included (the
    CPU time is that of the command and its worker processes)."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "newswiki", "convert", str(archive)]
    command += ["--to", fmt, "-o", str(out), "-j", str(jobs), "--no-progress"]
    cpu = _cpu_seconds()
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"newswiki convert failed ({done.returncode}):\n{done.stderr}")
    return elapsed, _cpu_seconds() - cpu


def main(argv: list[str] | None = None) -> None:
    """The command line: corpus size and rounds, or ``--quick`` for a smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="400 files, one round (CI)")
    parser.add_argument("--files", type=int, default=20_000, help="files in the corpus")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each row (the median)")
    args = parser.parse_args(argv)
    total, rounds = (400, 1) if args.quick else (args.files, args.rounds)
    events = total * 4 // 5  # archives hold many more events than articles
    archive = CACHE / f"convert-{events}-events-{total - events}-articles"
    files, size = write_archive(archive, events, total - events)

    print(f"newswiki convert: {files:,} files, {size / harness.MB:.1f} MB; {harness.machine()}")
    print(f"median of {rounds} run(s) per row; each run is a fresh process (start-up counted)")
    print()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for fmt in ("parquet", "jsonl"):
            timings = {}
            for jobs in (1, 2):
                runs = [
                    run_convert(archive, fmt, jobs, Path(scratch) / "out") for _ in range(rounds)
                ]
                timings[jobs] = seconds = harness.median([wall for wall, _ in runs])
                cpu = harness.median([cpu for _, cpu in runs])
                rows.append(
                    [
                        f"convert --to {fmt} -j {jobs}",
                        f"{seconds:.2f}",
                        f"{cpu:.2f}",
                        f"{files / seconds:,.0f}",
                        f"{size / harness.MB / seconds:.2f}",
                        f"{timings[1] / seconds:.2f}x",
                    ]
                )
    harness.print_table(["run", "seconds", "CPU s", "files/s", "MB/s", "speed-up"], rows)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print()
    print(f"speed-up: -j 2 over -j 1 in wall-clock time, on {cpus} CPU(s); the ceiling is 2.00x")
    print("on two idle cores. CPU s adds up the command and its workers: the cost of the work")
    print("and of handing it out, whatever else the machine is doing.")


if __name__ == "__main__":
    main()
