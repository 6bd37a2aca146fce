"""A/B: ``loads`` and ``dumps`` of this tree against another revision, on the same texts.

The other revision is extracted with ``git archive`` into a temporary directory (or given as a
directory holding a tree).  Each round runs both trees, one after the other in fresh
interpreters (the order alternates from round to round, so drift of the machine's load falls on
both alike), over the same texts: a generated corpus of events and articles, and the two real
samples read many times.  Each run times every group several times in CPU time
(:func:`time.process_time`, which other processes' load does not add to) and keeps the median;
the report gives the median of the rounds for each tree and the ratio new/old.  It prints
ratios and asserts nothing: a ratio above 1 means this tree is slower.

Run from the repository root::

    python benchmarks/bench_ab.py --base main         # about 20 s on a quiet machine
    python benchmarks/bench_ab.py --base 661948c --rounds 7
    python benchmarks/bench_ab.py --quick             # smoke run (CI): this tree against HEAD
    python benchmarks/bench_ab.py --base 661948c --instructions   # counted, not timed

``--instructions`` counts executed machine instructions with valgrind's callgrind instead of
timing: each tree runs once per group (about 50 times slower than natively), copied to the same
directory and with a fixed hash seed, so that the count repeats exactly and other processes
do not change it.  Instructions are not time (a cache miss costs more than an addition), but
on a shared machine they answer "did this change add work" where timings cannot.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import corpus
import harness

__all__ = ["extract", "main", "run_tree"]

#: The tree this script belongs to: the "new" side of every comparison.
HERE = Path(__file__).resolve().parents[1]

# How each fresh interpreter starts: newswiki imported from the tree given, and from no other.
_IMPORT = r"""
import sys
tree = sys.argv[1]
sys.path.insert(0, tree + "/src")
import newswiki
if not newswiki.__file__.startswith(tree):
    sys.exit(f"newswiki was imported from {newswiki.__file__}, not from {tree}")
"""

# What each timed interpreter runs: warm the parsers up, then time ``loads`` of every group
# and ``dumps`` of what it read, ``repeats`` times each.
_CHILD = (
    _IMPORT
    + r"""
import json, statistics, time
texts_file, repeats = sys.argv[2], int(sys.argv[3])
with open(texts_file, encoding="utf-8") as file:
    groups = json.load(file)
for texts in groups.values():
    for text in texts[:3]:
        newswiki.dumps(newswiki.loads(text))
result = {}
clock = time.process_time
for name, texts in groups.items():
    loads, dumps = [], []
    for _ in range(repeats):
        start = clock()
        documents = [newswiki.loads(text) for text in texts]
        loads.append(clock() - start)
        start = clock()
        for document in documents:
            newswiki.dumps(document)
        dumps.append(clock() - start)
    result[name] = [statistics.median(loads), statistics.median(dumps)]
print(json.dumps(result))
"""
)


# What runs under callgrind, for one group of texts: the warm-up, a full collection, then the
# group's loads and dumps, each ended by a call of getppid() (which callgrind is told to dump
# its counts before), so that one run gives both counts.  One fresh interpreter per group: in
# one process for all groups, what a group cost moved by up to 15 % with the groups run
# before it (when the garbage collector ran, what the interpreter had specialized).
_COUNTED_CHILD = (
    _IMPORT
    + r"""
import gc, json, os
texts_file, group = sys.argv[2], sys.argv[3]
with open(texts_file, encoding="utf-8") as file:
    texts = json.load(file)[group]
for text in texts[:3]:
    newswiki.dumps(newswiki.loads(text))
gc.collect()
os.getppid()
documents = [newswiki.loads(text) for text in texts]
os.getppid()
for document in documents:
    newswiki.dumps(document)
os.getppid()
"""
)


def extract(revision: str, into: Path) -> Path:
    """The tree of ``revision`` (of this repository) written into ``into``; a directory given
    as ``revision`` is used as it is."""
    if Path(revision).is_dir():
        return Path(revision).resolve()
    archive = subprocess.run(
        ["git", "-C", str(HERE), "archive", "--format=tar", revision],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _child_env(cache: Path, **extra: str) -> dict[str, str]:
    """The environment of a child interpreter: its parsers cached in ``cache``, no
    ``PYTHONPATH`` that could bring in another newswiki, and ``extra``."""
    env = {**os.environ, "NEWSWIKI_CACHE_DIR": str(cache), **extra}
    env.pop("PYTHONPATH", None)
    return env


def run_tree(tree: Path, texts_file: Path, repeats: int, cache: Path) -> dict[str, list[float]]:
    """CPU seconds of ``loads`` and ``dumps`` per group of texts, in a fresh interpreter that
    imports newswiki from ``tree``; its parsers are cached in ``cache``."""
    env = _child_env(cache)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tree), str(texts_file), str(repeats)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the run of {tree} failed:\n{done.stderr}")
    result: dict[str, list[float]] = json.loads(done.stdout)
    return result


def count_tree(tree: Path, texts_file: Path, work: Path) -> dict[str, list[float]]:
    """Machine instructions of ``loads`` and ``dumps`` per group of texts, counted by
    callgrind in a fresh interpreter per group that imports newswiki from ``tree``.

    Each tree is copied to the same directory first, and the hash seed is fixed: with them,
    a count repeats to the instruction (a tree's path alone moved counts by 3 %)."""
    slot = work / "slot"
    shutil.rmtree(slot, ignore_errors=True)
    for part in ("src", "grammars"):
        shutil.copytree(tree / part, slot / part, ignore=shutil.ignore_patterns("__pycache__"))
    env = _child_env(work / "cache", PYTHONHASHSEED="0")
    counts = {}
    for group in json.loads(texts_file.read_text(encoding="utf-8")):
        child = [sys.executable, "-c", _COUNTED_CHILD, str(slot), str(texts_file), group]
        subprocess.run(child, capture_output=True, check=True, env=env)  # the parser cache
        out = work / "callgrind"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        command = ["valgrind", "--tool=callgrind", "--dump-before=getppid"]
        command.append(f"--callgrind-out-file={out / 'counts'}")
        done = subprocess.run(command + child, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise SystemExit(f"the counted run of {tree} failed:\n{done.stderr}")
        # The parts: the start, warm-up and collection; the loads; the dumps; the exit.
        parts = sorted(out.glob("counts.*"), key=lambda path: int(path.suffix[1:]))
        counts[group] = [_summary(parts[1]), _summary(parts[2])]
    return counts


def _summary(path: Path) -> float:
    """The instructions a callgrind dump counted."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("summary:"):
            return float(line.split()[1])
    raise SystemExit(f"no summary in {path}")


def _texts(events: int, articles: int, copies: int, seed: int) -> dict[str, list[str]]:
    """The groups of texts both trees read: a generated corpus (with articles of the samples'
    size, and short ones) and the real samples."""
    generated_events, generated_articles = corpus.mixed_corpus(events, articles, seed=seed)
    generator = corpus.Generator(seed)
    event_sample = corpus.EVENT_SAMPLE.read_text(encoding="utf-8")
    article_sample = corpus.ARTICLE_SAMPLE.read_text(encoding="utf-8")
    return {
        "events": generated_events,
        "articles": generated_articles,
        "seed-size articles": [generator.seed_article() for _ in range(articles)],
        "short articles": [generator.short_article() for _ in range(articles)],
        "event sample": [event_sample] * copies,
        "article sample": [article_sample] * copies,
    }


def main(argv: list[str] | None = None) -> None:
    """Run the rounds and print the medians and the ratios new/old."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base", default="HEAD", help="the old side: a git revision, or a directory with a tree"
    )
    parser.add_argument("--rounds", type=int, default=3, help="fresh interpreters per tree")
    parser.add_argument("--repeats", type=int, default=5, help="timings per group and run")
    parser.add_argument("--events", type=int, default=300, help="generated events")
    parser.add_argument("--articles", type=int, default=120, help="generated articles")
    parser.add_argument("--copies", type=int, default=200, help="reads of each real sample")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count machine instructions with valgrind's callgrind instead of timing: one run"
        " per tree, slow, and the same on a busy machine",
    )
    args = harness.command_line(
        parser,
        argv,
        {"rounds": 1, "repeats": 1, "events": 20, "articles": 8, "copies": 10},
    )
    print(f"# A/B against {args.base}: {harness.subject()}\n\n{harness.machine()}\n")
    with tempfile.TemporaryDirectory(prefix="newswiki-ab-") as temporary:
        work = Path(temporary)
        (work / "base").mkdir()
        base = extract(args.base, work / "base")
        texts_file = work / "texts.json"
        texts = _texts(args.events, args.articles, args.copies, args.seed)
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        sides = {"new": HERE, "old": base}
        runs: dict[str, list[dict[str, list[float]]]] = {"new": [], "old": []}
        if args.instructions:
            if shutil.which("valgrind") is None:
                raise SystemExit("--instructions needs valgrind (e.g. apt install valgrind)")
            (work / "cache").mkdir(mode=0o700)
            for side, tree in sides.items():
                runs[side].append(count_tree(tree, texts_file, work))
            unit, scale = "millions of instructions", 1e-6
            how = (
                "a callgrind run per tree and group, hash seed 0, both trees in the same directory"
            )
        else:
            for side in sides:  # build each tree's parser cache once, untimed
                (work / f"cache-{side}").mkdir(mode=0o700)
            for round_number in range(args.rounds):
                order = ("new", "old") if round_number % 2 == 0 else ("old", "new")
                for side in order:
                    cache = work / f"cache-{side}"
                    runs[side].append(run_tree(sides[side], texts_file, args.repeats, cache))
            unit, scale = "CPU ms", 1000.0
            how = f"medians of {args.rounds} rounds (each the median of {args.repeats} timings)"
    rows = []
    for group in texts:
        row = [f"{group} ({len(texts[group])})"]
        ratios = []
        for column in (0, 1):  # loads, dumps
            new = statistics.median(run[group][column] for run in runs["new"])
            old = statistics.median(run[group][column] for run in runs["old"])
            row += [f"{new * scale:.1f}", f"{old * scale:.1f}"]
            ratios.append(f"{new / old:.3f}" if old else "n/a")
        rows.append(row + ratios)
    print(f"{unit} per group: {how}; new = {HERE}, old = {args.base}\n")
    harness.print_table(
        [
            "texts",
            "loads new",
            "loads old",
            "dumps new",
            "dumps old",
            "loads new/old",
            "dumps new/old",
        ],
        rows,
    )
    print(f"\n{harness.machine()} (at the end)")


if __name__ == "__main__":
    main()
