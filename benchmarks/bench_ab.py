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
"""

from __future__ import annotations

import argparse
import json
import os
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

# What each fresh interpreter runs: import newswiki from the tree given, warm the parsers up,
# then time ``loads`` of every group and ``dumps`` of what it read, ``repeats`` times each.
_CHILD = r"""
import json, statistics, sys, time
tree, texts_file, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, tree + "/src")
import newswiki
if not newswiki.__file__.startswith(tree):
    sys.exit(f"newswiki was imported from {newswiki.__file__}, not from {tree}")
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


def run_tree(tree: Path, texts_file: Path, repeats: int, cache: Path) -> dict[str, list[float]]:
    """CPU seconds of ``loads`` and ``dumps`` per group of texts, in a fresh interpreter that
    imports newswiki from ``tree``; its parsers are cached in ``cache``."""
    env = {**os.environ, "NEWSWIKI_CACHE_DIR": str(cache)}
    env.pop("PYTHONPATH", None)
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


def _texts(events: int, articles: int, copies: int, seed: int) -> dict[str, list[str]]:
    """The groups of texts both trees read: a generated corpus and the real samples."""
    generated_events, generated_articles = corpus.mixed_corpus(events, articles, seed=seed)
    event_sample = corpus.EVENT_SAMPLE.read_text(encoding="utf-8")
    article_sample = corpus.ARTICLE_SAMPLE.read_text(encoding="utf-8")
    return {
        "events": generated_events,
        "articles": generated_articles,
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
        for side in sides:  # build each tree's parser cache once, untimed
            (work / f"cache-{side}").mkdir(mode=0o700)
        for round_number in range(args.rounds):
            order = ("new", "old") if round_number % 2 == 0 else ("old", "new")
            for side in order:
                cache = work / f"cache-{side}"
                runs[side].append(run_tree(sides[side], texts_file, args.repeats, cache))
    rows = []
    for group in texts:
        row = [f"{group} ({len(texts[group])})"]
        ratios = []
        for column in (0, 1):  # loads, dumps
            new = statistics.median(run[group][column] for run in runs["new"])
            old = statistics.median(run[group][column] for run in runs["old"])
            row += [f"{new * 1000:.1f}", f"{old * 1000:.1f}"]
            ratios.append(f"{new / old:.2f}" if old else "n/a")
        rows.append(row + ratios)
    print(
        f"CPU ms per group: medians of {args.rounds} rounds (each the median of"
        f" {args.repeats} timings); new = {HERE}, old = {args.base}\n"
    )
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
