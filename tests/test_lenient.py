"""Lenient mode: never raises on text, loses nothing, says what it could not place."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newswiki
from newswiki import Diagnostic
from newswiki import strategies as nws
from tests.test_errors import mutated

BROKEN_EVENT = (
    "### [2016-07-18](/news/2016/07/18/index.md)\n\n# Headline\n\nBody.\n### Bogus:\nMore.\n\n"
    "### Source:\n\n1. [RT](https://rt.com/a)\n2. broken line\n3. [BBC](https://bbc.com/b)\n"
)


def test_broken_lines_become_unparsed_blocks() -> None:
    event = newswiki.loads(BROKEN_EVENT, strict=False)
    assert isinstance(event, newswiki.Event)
    assert [(u.line, u.text) for u in event.unparsed] == [(6, "### Bogus:"), (12, "2. broken line")]
    assert [s.name for s in event.sources] == ["RT", "BBC"]
    assert [(d.line, d.column) for d in event.diagnostics] == [(6, 1), (12, 1)]
    assert "`### Source:` line" in event.diagnostics[0].message
    assert newswiki.dumps(event) == BROKEN_EVENT


def test_a_bad_infobox_field_keeps_the_rest_of_the_infobox() -> None:
    text = "= T =\n\nInfobox\n- Title: T\n- Injuries 40+\n- Perps: unknown\n\n==A==\nText\n"
    article = newswiki.parse_article(text, strict=False)
    assert article.infobox is not None
    assert article.infobox.get_all("Perps") == ("unknown",)
    assert [u.text for u in article.unparsed] == ["- Injuries 40+"]
    assert newswiki.dumps(article) == text


@pytest.mark.parametrize(
    "text",
    ["", "just text\n", "### [2016-02-30](/x)\n\n# H\n", "### [2016-07-18](/x)\n", "\x00\x01"],
)
def test_text_in_neither_format_is_kept_whole(text: str) -> None:
    document = newswiki.loads(text, strict=False)
    assert isinstance(document, newswiki.UnparsedDocument)
    assert document.text == text
    assert document.diagnostics
    assert document.diagnostics[0].message.startswith("expected")
    assert newswiki.dumps(document) == text


BOGUS_LINE = (
    "expected a paragraph, a `### Source:` line, a `### Related:` line or the end of the file,"
    " found '### Bogus:'"
)


@pytest.mark.parametrize(
    "parse",
    [newswiki.loads, newswiki.parse_event],
    ids=["loads", "parse_event"],
)
def test_strict_stays_the_default(parse: Any) -> None:
    with pytest.raises(newswiki.ParseError) as caught:
        parse(BROKEN_EVENT)
    assert (caught.value.line, caught.value.column) == (6, 1)
    assert caught.value.message == BOGUS_LINE


def test_parse_article_is_strict_by_default() -> None:
    text = "= T =\n\nInfobox\n- Title: T\n- Injuries 40+\n"
    with pytest.raises(newswiki.ParseError) as caught:
        newswiki.parse_article(text)
    assert (caught.value.line, caught.value.column) == (5, 1)
    assert caught.value.found == "'- Injuries 40+'"


def test_lenient_forced_format_still_raises_when_nothing_fits() -> None:
    with pytest.raises(newswiki.ParseError) as caught:
        newswiki.parse_event("= An article =\n", strict=False)
    assert (caught.value.line, caught.value.column) == (1, 1)
    assert caught.value.message == (
        "expected a date line `### [YYYY-MM-DD](PATH)`, found '= An article ='"
    )
    with pytest.raises(newswiki.ParseError) as caught:
        newswiki.parse_article("### [2016-07-18](/x)\n\n# H\n", strict=False)
    assert (caught.value.line, caught.value.column) == (1, 1)
    assert caught.value.expected == "a title line `= TITLE =`"


def test_article_diagnostics_say_where_and_what() -> None:
    text = "= T =\n\nInfobox\n- Title: T\n- Injuries 40+\n\n==A==\n==B\nText\n"
    article = newswiki.loads(text, strict=False)
    assert isinstance(article, newswiki.Article)
    assert article.diagnostics == (
        Diagnostic(
            5,
            1,
            "expected an infobox field `- KEY: VALUE` or a blank line closing the infobox,"
            " found '- Injuries 40+'",
        ),
        Diagnostic(
            8,
            1,
            "expected a paragraph, a list item `- TEXT`, a heading `==TITLE==` (2 to 6 `=` on"
            " both sides) or the end of the file, found '==B'",
        ),
    )
    assert [(u.line, u.text) for u in article.unparsed] == [(5, "- Injuries 40+"), (8, "==B")]
    assert article.section("A").blocks == ("Text",)
    assert newswiki.dumps(article) == text


@pytest.mark.parametrize(
    ("text", "diagnostics"),
    [
        pytest.param(
            "### [2016-07-18](/x)\nbad line\n",
            [
                (2, 1, "expected a headline `# TEXT`, found 'bad line'"),
                (3, 1, "expected a headline `# TEXT`, found the end of the file"),
            ],
            id="no headline",
        ),
        pytest.param(
            "### [2016-02-30](/x)\n\n# H\n\nBody\n### Bogus:\nmore\n",
            [
                (6, 1, BOGUS_LINE),
                (1, 6, "expected a real calendar date YYYY-MM-DD, found '2016-02-30'"),
            ],
            id="bad line, then a 30 February",
        ),
        pytest.param(
            "just text\n",
            [
                (
                    1,
                    1,
                    "expected an event's date line `### [YYYY-MM-DD](PATH)` or an article's"
                    " title line `= TITLE =`, found 'just text'",
                )
            ],
            id="neither format",
        ),
    ],
)
def test_unparsed_documents_list_each_problem_once(
    text: str, diagnostics: list[tuple[int, int, str]]
) -> None:
    document = newswiki.loads(text, strict=False)
    assert isinstance(document, newswiki.UnparsedDocument)
    assert document.diagnostics == tuple(Diagnostic(*d) for d in diagnostics)
    assert document.text == text
    assert newswiki.dumps(document) == text


def _check_lenient(text: str) -> None:
    document = newswiki.loads(text, strict=False)
    assert newswiki.dumps(document) == text
    if isinstance(document, (newswiki.Event, newswiki.Article)):
        assert newswiki.loads(newswiki.dumps(document), strict=False) == document


@given(st.one_of(st.text(), mutated()))
def test_lenient_never_raises_and_loses_nothing(text: str) -> None:
    _check_lenient(text)


@given(nws.texts_of(st.one_of(nws.events(), nws.articles())))
def test_lenient_agrees_with_strict_on_valid_files(pair: tuple[object, str]) -> None:
    assert newswiki.loads(pair[1], strict=False) == pair[0]


@pytest.mark.fuzz
@settings(max_examples=800)
@given(st.one_of(st.text(), mutated()))
def test_fuzz_lenient(text: str) -> None:
    _check_lenient(text)
