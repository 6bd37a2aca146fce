"""Where ``loads`` and ``dumps`` spend their time: a profile and a breakdown by component.

For events and articles of the generated corpus it prints

- the top functions of a :mod:`cProfile` run (own time, and the share of the total), and
- a breakdown measured without a profiler (round-robin, medians): the whole ``loads``; the same
  with attrs validators switched off; Lark's contextual lexer alone (replaying the lexer states
  the parser asked for); the Lark parse building a plain tree instead of objects; the second
  regular-expression match that ``build.py`` runs on every token to read its groups; and the
  text preparation before the grammar runs.

The breakdown reaches into newswiki's internals (``newswiki.grammar``, ``newswiki.parse``); a
part that no longer fits the code prints ``n/a`` and why, never fails.  Run::

    python benchmarks/profile_hotspots.py            # 1500 events, 400 articles
    python benchmarks/profile_hotspots.py --quick    # smoke run
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
from collections.abc import Callable
from typing import Any

import attrs
import corpus
import harness
from lark import Lark, Token
from lark.lexer import LexerState
from lark.utils import TextSlice

import newswiki

__all__ = ["breakdown", "main", "top_functions"]


def top_functions(function: Callable[[], object], count: int) -> list[list[str]]:
    """The ``count`` functions with the most own time under :mod:`cProfile` while
    ``function`` runs: name, calls, own seconds, share of own time, cumulative seconds."""
    profiler = cProfile.Profile()
    profiler.runcall(function)
    stats = pstats.Stats(profiler, stream=io.StringIO())
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in entries.values())
    rows = []
    ranked = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)[:count]
    for (filename, line, name), (_, calls, own, cumulative, _) in ranked:
        short = filename.rsplit("site-packages/", 1)[-1].rsplit("src/", 1)[-1]
        where = f"{short}:{line}" if line else "built-in"
        rows.append(
            [
                f"{name} ({where})",
                f"{calls:,}",
                f"{own:.3f}",
                f"{100 * own / total:.1f}%",
                f"{cumulative:.3f}",
            ]
        )
    return rows


def _lexer_replay(kind: str, texts: list[str]) -> Callable[[], object]:
    """Lark's contextual lexer alone: record which lexer state the parser asks for before each
    token, then replay those states over the same texts without the parser."""
    from newswiki.reader import prepare as _prepare

    lark = newswiki.grammar.build_parser(kind)
    lexer: Any = lark.parser.lexer  # type: ignore[attr-defined]
    asked: list[int] = []

    class Recording(dict[int, Any]):
        def __getitem__(self, state: int) -> Any:
            asked.append(state)
            return super().__getitem__(state)

    plain = lexer.lexers
    prepared = [_prepare(text)[0] for text in texts]
    plan = []
    lexer.lexers = Recording(plain)
    try:
        for text in prepared:
            asked.clear()
            lark.parse(text)
            plan.append((text, [plain[state] for state in asked[:-1]]))
    finally:
        lexer.lexers = plain

    def replay() -> None:
        for text, lexers in plan:
            state = LexerState(TextSlice(text, 0, len(text)))
            for state_lexer in lexers:
                state_lexer.next_token(state, None)

    return replay


def _tree_parse(kind: str, texts: list[str]) -> Callable[[], object]:
    """The Lark parse with the same grammar, building a plain tree instead of objects."""
    from newswiki.reader import prepare as _prepare

    lark: Lark = newswiki.grammar.build_parser(kind)
    prepared = [_prepare(text)[0] for text in texts]

    def parse() -> None:
        for text in prepared:
            lark.parse(text)

    return parse


def _group_rematch(kind: str, texts: list[str]) -> Callable[[], object]:
    """The second match ``build.py`` runs on each token (the terminal's own pattern, for its
    groups), over the tokens of the texts."""
    from newswiki.reader import prepare as _prepare

    lark = newswiki.grammar.build_parser(kind)
    patterns = newswiki.grammar.terminal_patterns(lark)
    tokens = [
        token
        for text in texts
        for token in lark.parse(_prepare(text)[0]).scan_values(lambda v: isinstance(v, Token))
    ]

    def rematch() -> None:
        for token in tokens:
            patterns[token.type].match(token).groups()  # type: ignore[union-attr]

    return rematch


def _without_validators(texts: list[str]) -> Callable[[], object]:
    def parse() -> None:
        attrs.validators.set_disabled(True)
        try:
            for text in texts:
                newswiki.loads(text)
        finally:
            attrs.validators.set_disabled(False)

    return parse


def _prepare_only(texts: list[str]) -> Callable[[], object]:
    from newswiki.reader import prepare as _prepare

    def prepare() -> None:
        for text in texts:
            _prepare(text)

    return prepare


def breakdown(kind: str, texts: list[str], rounds: int) -> list[list[str]]:
    """Time ``loads`` and its components on ``texts``, round-robin, and give each one's share
    of ``loads`` (parts overlap: the tree parse contains the lexer)."""
    parts: dict[str, Callable[[], object] | str] = {
        "newswiki.loads": lambda: [newswiki.loads(text) for text in texts],
    }
    makers: dict[str, Callable[[], Callable[[], object]]] = {
        "loads, attrs validators disabled": lambda: _without_validators(texts),
        "Lark contextual lexer alone": lambda: _lexer_replay(kind, texts),
        "Lark parse to a plain tree (lexer + LALR)": lambda: _tree_parse(kind, texts),
        "build.py: second regex match per token": lambda: _group_rematch(kind, texts),
        "_prepare (BOM, CRLF, final newline)": lambda: _prepare_only(texts),
    }
    for name, make in makers.items():
        try:
            parts[name] = make()
        except Exception as error:  # the internals may have moved on
            parts[name] = f"n/a ({type(error).__name__}: {error})"[:90]
    timed = {name: part for name, part in parts.items() if callable(part)}
    seconds: dict[str, list[float]] = {name: [] for name in timed}
    for part in timed.values():
        part()  # warm-up
    for _ in range(rounds):
        for name, part in timed.items():
            seconds[name].append(harness.timed(part))
    megabytes = sum(map(corpus.utf8_size, texts)) / harness.MB
    whole = harness.median(seconds["newswiki.loads"])
    rows = []
    for name, part in parts.items():
        if not callable(part):
            rows.append([name, part, "", ""])
            continue
        median = harness.median(seconds[name])
        share = f"{100 * median / whole:.0f}%"
        rows.append([name, f"{median:.3f}", f"{megabytes / median:.1f}", share])
    return rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: corpus size, rounds and rows, or ``--quick`` for a smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1500)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--top", type=int, default=15, help="functions listed per profile")
    quick = {"events": 20, "articles": 8, "rounds": 1, "top": 5}
    return harness.command_line(parser, argv, quick)


def main(argv: list[str] | None = None) -> None:
    """Profile loads and dumps on events and articles, then print the breakdowns."""
    args = parse_args(argv)
    print(f"# Hotspots: {harness.subject()}\n\n{harness.machine()}")
    events, articles = corpus.mixed_corpus(args.events, args.articles, args.seed)
    for kind, texts in (("event", events), ("article", articles)):
        objects = [newswiki.loads(text) for text in texts]  # also builds the parser
        header = ["function (file:line)", "calls", "own s", "own %", "cumulative s"]
        print(
            f"\n## cProfile, loads, {len(texts)} {kind}s (own time; profiler overhead inflates"
            " small functions)\n"
        )
        harness.print_table(
            header, top_functions(lambda t=texts: [newswiki.loads(x) for x in t], args.top)
        )
        print(f"\n## cProfile, dumps, {len(texts)} {kind}s\n")
        harness.print_table(
            header, top_functions(lambda o=objects: [newswiki.dumps(x) for x in o], args.top)
        )
        print(f"\n## Breakdown of loads, {len(texts)} {kind}s, {args.rounds} rounds, medians\n")
        harness.print_table(
            ["part", "median s", "MB/s", "of loads"], breakdown(kind, texts, args.rounds)
        )


if __name__ == "__main__":
    main()
