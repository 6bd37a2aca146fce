"""Throughput of newswiki against its peers, and how its cost grows with input size.

Parses a generated mixed corpus (thousands of realistic events and articles) with
``newswiki.loads`` and with the peers (markdown-it-py's ``MarkdownIt().parse`` for events,
mwparserfromhell's ``parse`` for articles), writes the objects back with ``newswiki.dumps``,
all round-robin in one process, and prints MB/s, documents/s and the ratios set as targets;
then the same for the two real samples, each read many times; then articles of the samples'
size (2 to 5 KB, a heading every paragraph or two), short articles (1.9 KB, 8 headings) and a
one-line article against mwparserfromhell.  The reading targets (``loads`` against the peers
on files of real size) are then printed together, with the load average of the machine.  Then
it climbs the size ladder (10 KB to 10 MB, plus an event with 100,000 related items) and
prints the time per MB of each step and the ratio of the 10 MB step to the 1 MB one.

It prints; it asserts nothing about time.  Run from the repository root::

    python benchmarks/bench_speed.py            # the full run, a few minutes
    python benchmarks/bench_speed.py --quick    # a tiny corpus in seconds (CI smoke run)

The peers come from the ``bench`` extra (``pip install -e '.[bench]'``); a missing peer is
reported and its rows are left out.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import corpus
import harness

import newswiki

__all__ = [
    "Contender",
    "Step",
    "ladder",
    "main",
    "peers",
    "ratios",
    "reading_targets",
    "round_robin",
    "throughput",
]

#: The groups of the ``sizes`` run, beside the corpus and the samples.
SEED_SIZE = "articles of the samples' size"
SHORT = "short articles"
ONE_LINE = "a one-line article"
#: The one-line article: the sample's title line alone.
ONE_LINE_TEXT = "= 2016 Aktobe shootings =\n"

#: Targets of the corpus and sample runs: (numerator, denominator, at least).
TARGETS: tuple[tuple[str, str, float], ...] = (
    ("newswiki loads, events", "markdown-it-py parse, events", 6.0),
    ("newswiki loads, articles", "mwparserfromhell parse, articles", 1.0),
    ("newswiki dumps, events", "newswiki loads, events", 3.0),
    ("newswiki dumps, articles", "newswiki loads, articles", 3.0),
)
#: The reading targets on files of real size: (row, run, group, peer, at least).  The run is
#: the one whose rounds measured it: ``corpus``, ``samples`` or ``sizes`` (see :func:`main`).
READING_TARGETS: tuple[tuple[str, str, str, str, float], ...] = (
    ("the article sample (3.1 KB)", "samples", "articles", "mwparserfromhell", 1.5),
    ("articles of the samples' size (2-5 KB)", "sizes", SEED_SIZE, "mwparserfromhell", 2.5),
    ("short articles (1.9 KB, 8 headings)", "sizes", SHORT, "mwparserfromhell", 2.0),
    ("the corpus's articles (21 KB)", "corpus", "articles", "mwparserfromhell", 4.0),
    ("the event sample (4.3 KB)", "samples", "events", "markdown-it-py", 12.0),
    ("the corpus's events (5.1 KB)", "corpus", "events", "markdown-it-py", 12.0),
    ("a one-line article", "sizes", ONE_LINE, "mwparserfromhell", 1.0),
)
#: The 10 MB step may cost at most this many times the 1 MB step, per MB.
LINEAR_LIMIT = 1.5
RELATED_ITEMS = 100_000
#: Slices of the corpus the contenders take turns on within a round.
PARTS = 25


@dataclass
class Contender:
    """One thing timed over a list of inputs: its name, the function and its inputs."""

    name: str
    function: Callable[[object], object]
    inputs: Sequence[object]
    megabytes: float
    seconds: list[float] = field(default_factory=list)

    def run(self, part: int = 0, parts: int = 1) -> float:
        """Call the function once on each input of slice ``part`` of ``parts``; return the
        seconds it took."""
        function = self.function
        count = len(self.inputs)
        inputs = self.inputs[part * count // parts : (part + 1) * count // parts]
        start = time.perf_counter()
        for item in inputs:
            function(item)
        return time.perf_counter() - start

    @property
    def median(self) -> float:
        """The median seconds of one pass over the inputs."""
        return harness.median(self.seconds)


def peers() -> dict[str, Callable[[str], object] | None]:
    """The peers' parse functions, ``None`` for a peer that is not installed."""
    found: dict[str, Callable[[str], object] | None] = {}
    try:
        from markdown_it import MarkdownIt

        found["markdown-it-py"] = MarkdownIt().parse
    except ImportError:
        found["markdown-it-py"] = None
    try:
        import mwparserfromhell

        found["mwparserfromhell"] = mwparserfromhell.parse
    except ImportError:
        found["mwparserfromhell"] = None
    return found


def throughput(events: list[str], articles: list[str], rounds: int) -> list[Contender]:
    """Time newswiki and the peers over the corpus, round-robin, ``rounds`` times.

    Each round runs every contender once over all its inputs, taking turns slice by slice
    (:data:`PARTS` slices, in an order rotated from slice to slice), so a slow patch of a
    shared machine is spread over all of them.
    """
    event_mb = sum(map(corpus.utf8_size, events)) / harness.MB
    article_mb = sum(map(corpus.utf8_size, articles)) / harness.MB
    # Every document is checked once, outside the timing: parsed, and written back exactly.
    event_objects = [newswiki.loads(text) for text in events]
    article_objects = [newswiki.loads(text) for text in articles]
    for text, obj in zip(events + articles, event_objects + article_objects, strict=True):
        if newswiki.dumps(obj) != text:
            raise AssertionError("the corpus does not round-trip")
    contenders = [
        Contender("newswiki loads, events", newswiki.loads, events, event_mb),
        Contender("newswiki loads, articles", newswiki.loads, articles, article_mb),
        Contender("newswiki dumps, events", newswiki.dumps, event_objects, event_mb),
        Contender("newswiki dumps, articles", newswiki.dumps, article_objects, article_mb),
    ]
    found = peers()
    if found["markdown-it-py"] is not None:
        contenders.append(
            Contender("markdown-it-py parse, events", found["markdown-it-py"], events, event_mb)
        )
    if found["mwparserfromhell"] is not None:
        contenders.append(
            Contender(
                "mwparserfromhell parse, articles", found["mwparserfromhell"], articles, article_mb
            )
        )
    return round_robin(contenders, rounds)


def round_robin(contenders: list[Contender], rounds: int) -> list[Contender]:
    """Time ``contenders`` over their inputs, ``rounds`` times, taking turns slice by slice
    (:data:`PARTS` slices, in an order rotated from slice to slice)."""
    for contender in contenders:
        contender.run()  # warm-up: caches, lazily built parsers
    parts = min(PARTS, *(len(contender.inputs) for contender in contenders))
    for round_number in range(rounds):
        gc.collect()
        totals = dict.fromkeys((c.name for c in contenders), 0.0)
        # Round-robin in small slices, so a burst of load from a neighbour on a shared
        # machine falls on every contender alike, not on whichever ran at the time.
        for part in range(parts):
            shift = (round_number + part) % len(contenders)
            for contender in contenders[shift:] + contenders[:shift]:
                totals[contender.name] += contender.run(part, parts)
        for contender in contenders:
            contender.seconds.append(totals[contender.name])
    return contenders


def sizes_run(args: argparse.Namespace) -> list[Contender]:
    """``loads`` against mwparserfromhell on articles of the samples' size, short articles and
    a one-line article, round-robin."""
    generator = corpus.Generator(args.seed)
    groups = {
        SEED_SIZE: [generator.seed_article() for _ in range(args.seed_articles)],
        SHORT: [generator.short_article() for _ in range(args.short_articles)],
        ONE_LINE: [ONE_LINE_TEXT] * args.sample_copies,
    }
    peer = peers()["mwparserfromhell"]
    contenders = []
    for group, texts in groups.items():
        megabytes = sum(map(corpus.utf8_size, texts)) / harness.MB
        contenders.append(Contender(f"newswiki loads, {group}", newswiki.loads, texts, megabytes))
        if peer is not None:
            contenders.append(Contender(f"mwparserfromhell parse, {group}", peer, texts, megabytes))
    return round_robin(contenders, args.rounds)


def ratio(contenders: list[Contender], fast: str, slow: str) -> float | None:
    """How many times as fast ``fast`` was as ``slow`` on the same inputs, or ``None`` when one
    of them did not run.  A ratio of speeds is the inverse ratio of times; it is taken round by
    round (both sides measured minutes apart at most) and the median of the rounds reported."""
    by_name = {c.name: c for c in contenders}
    if fast not in by_name or slow not in by_name:
        return None
    pairs = zip(by_name[fast].seconds, by_name[slow].seconds, strict=True)
    return harness.median([s / f for f, s in pairs])


def ratios(contenders: list[Contender]) -> list[tuple[str, float, float]]:
    """The target ratios of :data:`TARGETS` that can be computed: (name, measured, target)."""
    measured = []
    for fast, slow, target in TARGETS:
        value = ratio(contenders, fast, slow)
        if value is not None:
            measured.append((f"{fast} / {slow}", value, target))
    return measured


def reading_targets(
    runs: dict[str, list[Contender]],
) -> list[tuple[str, float, float, float, str, float]]:
    """The rows of :data:`READING_TARGETS` whose peer ran: (row, newswiki's µs per document,
    the peer's, ratio of speeds, peer, target)."""
    rows = []
    for row, run, group, peer, target in READING_TARGETS:
        contenders = {c.name: c for c in runs.get(run, [])}
        ours, theirs = f"newswiki loads, {group}", f"{peer} parse, {group}"
        value = ratio(runs.get(run, []), ours, theirs)
        if value is None:
            continue
        per_document = [
            1e6 * contenders[name].median / len(contenders[name].inputs) for name in (ours, theirs)
        ]
        rows.append((row, *per_document, value, peer, target))
    return rows


def print_reading_targets(runs: dict[str, list[Contender]]) -> None:
    """Print the reading targets: each row's times per document, ratio and verdict."""
    rows = [
        [
            row,
            f"{ours:.0f}",
            f"{theirs:.0f} ({peer})",
            f"{value:.2f}x",
            f">= {target:g}x",
            "met" if value >= target else "MISSED",
        ]
        for row, ours, theirs, value, peer, target in reading_targets(runs)
    ]
    header = ["reading target: loads / peer", "loads us/doc", "peer us/doc", "ratio", "target", ""]
    harness.print_table(header, rows)


def print_throughput(contenders: list[Contender]) -> None:
    """Print MB/s and documents/s of every contender, then the ratios against the targets."""
    rows = []
    for contender in contenders:
        seconds = contender.median
        count = len(contender.inputs)
        rows.append(
            [
                contender.name,
                f"{contender.megabytes / seconds:.2f}",
                f"{count / seconds:,.0f}",
                f"{seconds:.3f}",
                f"{min(contender.seconds):.3f}",
            ]
        )
    harness.print_table(["contender", "MB/s", "docs/s", "median s", "best s"], rows)
    rows = [
        [name, f"{value:.2f}x", f">= {target:g}x", "met" if value >= target else "MISSED"]
        for name, value, target in ratios(contenders)
    ]
    if rows:
        print()
        header = ["ratio of speeds (same inputs, per round)", "measured", "target", ""]
        harness.print_table(header, rows)
    missing = [name for name, function in peers().items() if function is None]
    for name in missing:
        print(f"({name} is not installed: pip install -e '.[bench]' to compare with it)")


@dataclass
class Step:
    """One rung of the ladder: what the timed function is called with, and its size."""

    label: str
    argument: object
    megabytes: float
    repeats: int = 1
    seconds: list[float] = field(default_factory=list)
    skipped: str = ""

    def ms_per_mb(self, best: bool = False) -> float:
        """Median (or ``best``: lowest) milliseconds per MB."""
        seconds = min(self.seconds) if best else harness.median(self.seconds)
        return 1000 * seconds / self.megabytes


def size_label(size: int) -> str:
    """``10 KB``, ``1 MB``: the label of a ladder size."""
    return f"{size // harness.MB} MB" if size >= harness.MB else f"{size // 1000} KB"


def ladder(
    steps: list[Step],
    function: Callable[[object], object],
    rounds: int,
    budget: float,
    min_time: float = 0.2,
) -> list[Step]:
    """Time ``function`` on each step's argument, round-robin over the steps, ``rounds`` times.

    Small steps are repeated to last about ``min_time`` seconds per measurement.  A step whose
    projected time (the step before it, scaled by the growth seen between the two steps before
    it, times ``rounds``) exceeds ``budget`` seconds is skipped and says so; that only happens
    when the cost is far from linear.
    """
    previous: Step | None = None
    growth = 1.0  # how time grows with size: 1 is linear, 2 quadratic
    for index, step in enumerate(steps):
        if previous is not None and previous.skipped:
            step.skipped = previous.skipped
        elif previous is not None:
            if index >= 2 and steps[index - 2].seconds:
                before = steps[index - 2]
                growth = max(
                    1.0,
                    math.log(previous.seconds[0] / before.seconds[0])
                    / math.log(previous.megabytes / before.megabytes),
                )
            scale = (step.megabytes / previous.megabytes) ** growth
            projected = previous.seconds[0] * scale * rounds
            if projected > budget:
                step.skipped = f"skipped: projected {projected:.0f} s > budget {budget:.0f} s"
        if not step.skipped:
            call = partial(function, step.argument)
            step.repeats, once = harness.calibrate(call, min_time)
            step.seconds.append(once if step.repeats == 1 else harness.timed(call, step.repeats))
        previous = step
    for _ in range(rounds - 1):
        for step in steps:
            if not step.skipped:
                step.seconds.append(harness.timed(partial(function, step.argument), step.repeats))
    for step in steps:
        step.argument = None  # the results keep the figures, not the documents
    return steps


def _figure(value: float) -> str:
    """A figure with two significant digits at least: ``312``, ``7.4``, ``0.19``."""
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def print_ladder(results: list[tuple[str, list[Step]]], base: str, top: str) -> None:
    """Print ms/MB of every step and the ratio ``top`` / ``base`` per kind."""
    labels = list(dict.fromkeys(step.label for _, steps in results for step in steps))
    rows = []
    for name, steps in results:
        by_label = {step.label: step for step in steps}
        row = [name]
        for label in labels:
            step = by_label.get(label)
            if step is None:
                row.append("")
            else:
                row.append("skipped" if step.skipped else _figure(step.ms_per_mb()))
        low, high = by_label.get(base), by_label.get(top)
        if low and high and low.seconds and high.seconds:
            ratio = high.ms_per_mb() / low.ms_per_mb()
            verdict = "met" if ratio < LINEAR_LIMIT else "MISSED"
            # Only newswiki's own rows have a target; baselines and comparisons explain them.
            row.append(
                f"{ratio:.2f} {verdict}" if name.startswith(("loads", "dumps")) else f"{ratio:.2f}"
            )
            row.append(f"{high.ms_per_mb(best=True) / low.ms_per_mb(best=True):.2f}")
        else:
            row += ["n/a", "n/a"]
        rows.append(row)
    header = [
        "ms per MB (median)",
        *labels,
        f"{top} / {base} (< {LINEAR_LIMIT:g})",
        "same, best rounds",
    ]
    harness.print_table(header, rows)
    for name, steps in results:
        base_step = next((s for s in steps if s.label == base), None)
        for step in steps:
            if step.skipped:
                print(f"- {name}, {step.label}: {step.skipped}")
            elif step.label.endswith("items") and base_step is not None and base_step.seconds:
                print(
                    f"- {name}, {step.label} ({step.megabytes:.1f} MB):"
                    f" {step.ms_per_mb():.0f} ms/MB,"
                    f" {step.ms_per_mb() / base_step.ms_per_mb():.2f} x the {base} step"
                )


def _copy(text: object) -> object:
    """A fresh copy of ``text``: the baseline of the ladder."""
    assert isinstance(text, str)
    return text[1:]


def _without_collector(function: Callable[[object], object], argument: object) -> object:
    """``function(argument)`` with the cyclic garbage collector off (benchmarks only)."""
    gc.disable()
    try:
        return function(argument)
    finally:
        gc.enable()


def ladder_runs(args: argparse.Namespace) -> tuple[list[tuple[str, list[Step]]], str, str]:
    """Make every ladder document, check it round-trips, and time loads (and dumps for the
    article and event ladders), with the baselines and the comparison some ladders get.
    Returns the results and the labels of the ratio's steps."""
    sizes = [size for size in corpus.LADDER if size <= args.max_size]
    generator = corpus.Generator(args.seed)
    results: list[tuple[str, list[Step]]] = []

    def climb(
        title: str,
        function: Callable[[object], object],
        arguments: Sequence[object],
        labels: list[str],
        megabytes: list[float],
    ) -> None:
        steps = [Step(*rung) for rung in zip(labels, arguments, megabytes, strict=True)]
        steps = ladder(steps, function, args.ladder_rounds, args.budget, args.min_time)
        results.append((title, steps))

    for name, make in corpus.LADDER_KINDS.items():
        labels = [size_label(size) for size in sizes]
        texts = [make(generator, size) for size in sizes]
        if name == corpus.EVENT_LADDER:
            labels.append(f"{args.related:,} items")
            texts.append(generator.event_with_related(args.related))
        load = partial(newswiki.loads, strict=name not in corpus.LENIENT_KINDS)
        megabytes = [corpus.utf8_size(text) / harness.MB for text in texts]
        # Only the texts are alive while loads is timed: objects held from other steps would
        # make every full garbage collection during the parse slower.
        climb(f"loads, {name}", load, texts, labels, megabytes)
        objects = [load(text) for text in texts]
        if [newswiki.dumps(obj) for obj in objects] != texts:
            raise AssertionError(f"the {name} ladder does not round-trip")
        if name in corpus.WRITE_LADDERS:
            climb(f"dumps, {name}", newswiki.dumps, objects, labels, megabytes)
        sections = []
        if name == corpus.COLLECTOR_LADDER:
            sections = [json.dumps(newswiki.to_dict(obj)["sections"]) for obj in objects]
        del objects
        if name == corpus.BASELINE_LADDER:
            # The machine's own growth, in the same process on the same texts: one copy of the
            # text is the least a parser that keeps its values can do.  At 10 MB a copy leaves
            # the processor's caches (and glibc hands out fresh pages), at 1 MB it does not.
            climb(f"baseline: one copy of the text ({name})", _copy, texts, labels, megabytes)
        if name == corpus.COLLECTOR_LADDER:
            # Python's own C parser of JSON, reading the same sections as JSON (to_dict's), and
            # newswiki with the cyclic garbage collector off: the collector's full collections
            # walk every live object, and 500,000 small sections bring many.
            json_megabytes = [corpus.utf8_size(text) / harness.MB for text in sections]
            climb(
                f"baseline: json.loads, the same sections as JSON ({name})",
                json.loads,
                sections,
                labels,
                json_megabytes,
            )
            climb(
                f"comparison: {name}, garbage collector off",
                partial(_without_collector, load),
                texts,
                labels,
                megabytes,
            )
        del texts, sections
    top = size_label(sizes[-1])
    base = size_label(sizes[-2]) if len(sizes) > 1 else top
    return results, base, top


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: sizes and rounds, or ``--quick`` for a smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1500, help="events in the corpus")
    parser.add_argument("--articles", type=int, default=500, help="articles in the corpus")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the corpus run")
    parser.add_argument("--ladder-rounds", type=int, default=5, help="rounds of the ladder")
    parser.add_argument("--sample-copies", type=int, default=2000, help="reads of each sample")
    parser.add_argument(
        "--seed-articles", type=int, default=300, help="articles of the samples' size (2-5 KB)"
    )
    parser.add_argument(
        "--short-articles", type=int, default=1050, help="short articles (1.9 KB, 8 headings)"
    )
    parser.add_argument("--max-size", type=int, default=corpus.LADDER[-1], help="top of ladder")
    parser.add_argument("--related", type=int, default=RELATED_ITEMS, help="the big event's items")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds one step may take")
    parser.add_argument("--min-time", type=float, default=0.2, help="seconds per measurement")
    parser.add_argument(
        "--charts",
        metavar="DIR",
        type=Path,
        help="also draw the figures as SVG charts in DIR (matplotlib, in the bench extra)",
    )
    quick = {
        "events": 40,
        "articles": 15,
        "rounds": 2,
        "ladder_rounds": 2,
        "sample_copies": 20,
        "seed_articles": 10,
        "short_articles": 20,
        "max_size": 100_000,
        "related": 1_000,
        "budget": 10.0,
        "min_time": 0.01,
    }
    return harness.command_line(parser, argv, quick)


def main(argv: list[str] | None = None) -> None:
    """Run the corpus round-robin, then the ladder, and print both reports."""
    args = parse_args(argv)
    started = harness.machine()
    print(f"# Speed benchmark: {harness.subject()}\n\n{started}")
    events, articles = corpus.mixed_corpus(args.events, args.articles, args.seed)
    contenders = corpus_run = throughput(events, articles, args.rounds)
    print(
        f"\n## Corpus: {len(events)} events, {len(articles)} articles;"
        f" {args.rounds} rounds round-robin, medians\n"
    )
    print_throughput(contenders)
    event = corpus.EVENT_SAMPLE.read_text(encoding="utf-8")
    article = corpus.ARTICLE_SAMPLE.read_text(encoding="utf-8")
    copies = args.sample_copies
    contenders = samples_run = throughput([event] * copies, [article] * copies, args.rounds)
    print(
        f"\n## The real samples ({corpus.utf8_size(event):,} and {corpus.utf8_size(article):,}"
        f" bytes), {copies} times each; {args.rounds} rounds round-robin, medians\n"
    )
    print_throughput(contenders)
    contenders = sizes = sizes_run(args)
    print(
        f"\n## Articles of real size: {args.seed_articles} of the samples' size,"
        f" {args.short_articles} short ones, a one-line one {copies} times;"
        f" {args.rounds} rounds round-robin, medians\n"
    )
    print_throughput(contenders)
    runs = {"corpus": corpus_run, "samples": samples_run, "sizes": sizes}
    print("\n## Reading targets: files of real size, medians of per-round ratios\n")
    print_reading_targets(runs)
    print(f"\nMeasured from the start above to now: {harness.machine()}")
    results, base, top = ladder_runs(args)
    print(
        f"\n## Size ladder: {args.ladder_rounds} rounds round-robin over the steps, medians"
        " (1 MB = 10^6 bytes of UTF-8)\n"
    )
    print_ladder(results, base, top)
    if args.charts is not None:
        draw_charts(args.charts, runs, started)
        draw_ladder_chart(args.charts, results, base, started)
        print(f"\nCharts written to {args.charts}/throughput.svg and {args.charts}/ladder.svg")


def draw_charts(folder: Path, runs: dict[str, list[Contender]], started: str) -> None:
    """``throughput.svg``: newswiki's ``loads`` against each peer on every row of the reading
    targets (per-round ratios, medians), each with its target."""
    import charts

    rows = [(row, value, peer, target) for row, _, _, value, peer, target in reading_targets(runs)]
    if rows:
        title = "Reading speed against the peers, files of real size (medians of per-round ratios)"
        charts.bars(folder / "throughput.svg", title, rows, harness.caption(started))


def draw_ladder_chart(
    folder: Path, results: list[tuple[str, list[Step]]], base: str, started: str
) -> None:
    """``ladder.svg``: the cost per MB of newswiki's own ladders, as a multiple of each one's
    ``base`` step: a flat line is linear time."""
    import charts

    labels = [step.label for step in results[0][1] if step.label.endswith("B")]
    series = []
    for name, steps in results:
        if not name.startswith(("loads", "dumps")):
            continue  # baselines and comparisons explain a row; the chart shows newswiki
        by_label = {step.label: step for step in steps if step.seconds}
        if base not in by_label:
            continue
        unit = by_label[base].ms_per_mb()
        values = [by_label[x].ms_per_mb() / unit if x in by_label else None for x in labels]
        series.append((name, values))
    title = f"Cost per MB across the size ladder (1 = the same as at {base}; flat is linear)"
    caption = harness.caption(started)
    charts.lines(folder / "ladder.svg", title, labels, series, LINEAR_LIMIT, base, caption)


if __name__ == "__main__":
    main()
