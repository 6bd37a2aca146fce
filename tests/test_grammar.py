"""The grammar files: LALR, collision-free, lossless, and a source of valid texts."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import lark
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

import newswiki
from newswiki.grammar import (
    FORMATS,
    build_parser,
    grammar_text,
    terminal_patterns,
    without_groups,
)
from newswiki.strategies import TRICKY


@pytest.mark.parametrize("name", FORMATS)
def test_grammar_builds_strict_without_terminal_collisions(name: str) -> None:
    # strict=True (with lark[interegular]) fails on any two terminals that can match the same
    # text in one lexer state, and on any LALR conflict.
    parser = build_parser(name, strict=True)
    assert parser.options.parser == "lalr"


@pytest.mark.parametrize("name", FORMATS)
def test_grammar_hides_no_text(name: str) -> None:
    text = grammar_text(name)
    code = "\n".join(line.split("//")[0] for line in text.split("\n"))
    assert "%ignore" not in code
    parser = build_parser(name)
    # Every terminal the rules use is named: no anonymous literals, no filtered _TERMINALS.
    used = {t.name for t in parser.terminals}
    assert not [n for n in used if n.startswith(("__ANON", "_"))]


# The terminals each sample is read with, in order, runs of one terminal counted once (the
# coarse terminals hold a bounded number of lines each, so a long run takes several tokens).
SAMPLE_TERMINALS = {
    "event": [
        "DATE_LINE",
        "HEADLINE",
        "PARAGRAPHS",
        "SOURCES",
        "RELATED",
        "RELATED_ITEMS",
    ],
    "article": ["TITLE_LINE", "INFOBOX", "INFOBOX_END", "BODY"],
}


@pytest.mark.parametrize("name", FORMATS)
def test_every_byte_lands_in_a_named_terminal(name: str, request: pytest.FixtureRequest) -> None:
    text = request.getfixturevalue(f"{name}_text")
    tokens = list(build_parser(name).parse(text).scan_values(lambda v: isinstance(v, lark.Token)))
    assert "".join(tokens) == text
    runs = [t.type for i, t in enumerate(tokens) if i == 0 or tokens[i - 1].type != t.type]
    assert runs == SAMPLE_TERMINALS[name]


_VALID_DATE_LINE = st.dates().map(lambda d: f"### [{d.isoformat()}](/news/{d:%Y/%m/%d}/index.md)\n")


@given(from_lark(build_parser("event"), explicit={"DATE_LINE": _VALID_DATE_LINE}))
def test_texts_generated_from_the_event_grammar_round_trip(text: str) -> None:
    assert newswiki.dumps(newswiki.parse_event(text)) == text


@given(from_lark(build_parser("article")))
def test_texts_generated_from_the_article_grammar_round_trip(text: str) -> None:
    # from_lark ignores lexer priorities: a generated lead paragraph whose first line is
    # `Infobox` is read as the infobox (documented), the one place that may then fail.
    try:
        article = newswiki.parse_article(text)
    except newswiki.ParseError:
        assert re.search(r"^= ?.*=?[ \t]*\n(?:[ \t]*\n)*Infobox[ \t]*\n", text)
        return
    assert newswiki.dumps(article) == text


def test_strict_build_would_catch_the_one_deliberate_overlap() -> None:
    # The article grammar's only overlap (an `Infobox` line right after the title) is settled
    # by a priority; without it, the strict build must refuse the grammar.
    original = grammar_text("article")
    assert original.count("INFOBOX.2:") == 1
    text = original.replace("INFOBOX.2:", "INFOBOX:")
    with pytest.raises(lark.exceptions.LexError, match="Collision"):
        lark.Lark(text, parser="lalr", strict=True)


@pytest.mark.parametrize("name", FORMATS)
def test_every_terminal_has_words_for_error_messages(name: str) -> None:
    from newswiki.reader import EXPECTED_WORDS

    assert {t.name for t in build_parser(name).terminals} <= set(EXPECTED_WORDS)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(a)(?:b)", r"(?:a)(?:b)"),
        (r"(?P<name>a)b", r"(?:a)b"),
        (r"(?=a)(?!b)(?<=c)(?<!d)(e)", r"(?=a)(?!b)(?<=c)(?<!d)(?:e)"),
        (r"\((a)\)", r"\((?:a)\)"),
        (r"[(](a)", r"[(](?:a)"),
        (r"[]()](a)", r"[]()](?:a)"),
        (r"[^]()](a)", r"[^]()](?:a)"),
        (r"[\](](a)", r"[\](](?:a)"),
        (r"((a)(b))*", r"(?:(?:a)(?:b))*"),
        (r"[^(]*", r"[^(]*"),
    ],
)
def test_without_groups_makes_every_group_non_capturing(pattern: str, expected: str) -> None:
    assert without_groups(pattern) == expected


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?P<x>a)(?P=x)", r"(a)b\9", r"(a)\1b"])
def test_without_groups_refuses_backreferences(pattern: str) -> None:
    with pytest.raises(ValueError, match="backreference"):
        without_groups(pattern)


def test_without_groups_keeps_escaped_digits_in_classes_and_octal_zero() -> None:
    assert without_groups(r"[\1](a)\0") == r"[\1](?:a)\0"


@functools.cache
def _terminals() -> list[tuple[str, str]]:
    """Every terminal of both grammars as the grammar spells it, its capture groups in.

    Made when a test first asks (not when the module is collected), from the parsers the
    library builds: a strict build of a broken grammar can take minutes to check."""
    return [
        (name, pattern.pattern)
        for grammar in FORMATS
        for name, pattern in terminal_patterns(build_parser(grammar)).items()
    ]


def test_the_grammars_capture_groups_the_lexer_need_not() -> None:
    captured = [name for name, pattern in _terminals() if re.compile(pattern).groups]
    assert {"BODY", "PARAGRAPHS", "SOURCE_ITEMS", "RELATED_ITEMS", "FIELDS"} <= set(captured)
    assert not [n for n, p in _terminals() if re.compile(without_groups(p)).groups]


# The lines of both formats, and the characters that make their terminals branch.
_LINE_PIECES = st.sampled_from(
    [*TRICKY, "\n", " ", "a", "x", "2016-07-18", "### [", "### Source:", "= T =", "==a==", "- k: v"]
)


@given(text=st.lists(_LINE_PIECES, max_size=30).map("".join))
def test_terminals_without_groups_match_the_same_text(text: str) -> None:
    # The lexer reads with the patterns made non-capturing: each must end where the grammar's
    # own pattern ends, at every line start of any text.
    starts = [0, *(i + 1 for i, char in enumerate(text) if char == "\n")]
    for _, pattern in _terminals():
        original, stripped = re.compile(pattern), re.compile(without_groups(pattern))
        for start in starts:
            match, same = original.match(text, start), stripped.match(text, start)
            assert (match and match.end()) == (same and same.end()), (pattern, start)


@pytest.mark.parametrize("name", FORMATS)
def test_the_lexer_captures_no_groups_built_or_read_from_the_cache(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("NEWSWIKI_CACHE_DIR", str(tmp_path))
    text = request.getfixturevalue(f"{name}_text")
    for _ in ("built, then cached", "read from the cache"):
        parser = build_parser(name, cache=True)
        parser.parse(text)  # the lexers of the states met make their scanners
        lexers = parser.parser.lexer.lexers.values()
        # Each scanner's patterns hold Lark's named group around each terminal, and no other.
        scanners = [lexer._scanner for lexer in lexers if lexer._scanner is not None]
        assert scanners
        assert all(p.groups == len(p.groupindex) for s in scanners for p in s._mres)
    assert len(list(tmp_path.iterdir())) == 1
