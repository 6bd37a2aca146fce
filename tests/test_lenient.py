"""Lenient mode: never raises on text, loses nothing, says what it could not place."""

from __future__ import annotations

import datetime
import functools
import json
import signal
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark.parsers.lalr_analysis import Shift

import newswiki
from newswiki import Diagnostic, tabular
from newswiki import strategies as nws
from newswiki.corpus import CorpusIndex
from newswiki.reader import parser
from tests.test_errors import mutated

#: The most seconds a test of lenient parsing may take (the slowest of the default run takes
#: some 7; a test marked ``fuzz`` or ``slow``, ten times as many): a parse that loops forever
#: fails its test instead of hanging the suite.
TIME_LIMIT = 30


class TimeLimitExceeded(BaseException):
    """A test ran past :data:`TIME_LIMIT`.  Not an :class:`Exception`, so that hypothesis does
    not catch it to replay and shrink the example, which would loop forever again."""


@pytest.fixture(autouse=True)
def _time_limit(request: pytest.FixtureRequest) -> Iterator[None]:
    if not hasattr(signal, "SIGALRM"):  # no alarm signal on Windows: no limit there
        yield
        return
    long = any(request.node.get_closest_marker(name) for name in ("fuzz", "slow"))
    limit = TIME_LIMIT * 10 if long else TIME_LIMIT

    def expire(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(f"over {limit} s: lenient parsing must never hang")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(limit)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


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
    ["", "just text\n", "### [2016-02-30](/x)\n", "### [2016-07-18](/x)\n", "\x00\x01"],
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
            "an infobox field `- KEY: VALUE` or a blank line closing the infobox",
            "'- Injuries 40+'",
        ),
        Diagnostic(
            8,
            1,
            "a paragraph, a list item `- TEXT`, a heading `==TITLE==` (2 to 6 `=` on both sides)"
            " or the end of the file",
            "'==B'",
        ),
    )
    assert article.diagnostics[1].message == (
        "expected a paragraph, a list item `- TEXT`, a heading `==TITLE==` (2 to 6 `=` on"
        " both sides) or the end of the file, found '==B'"
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
            "### [2016-02-30](/x)\nBody\n",
            [
                (1, 6, "expected a real calendar date YYYY-MM-DD, found '2016-02-30'"),
                (3, 1, "expected a headline `# TEXT`, found the end of the file"),
            ],
            id="a 30 February, then no headline",
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
    assert [(d.line, d.column, d.message) for d in document.diagnostics] == diagnostics
    assert document.text == text
    assert newswiki.dumps(document) == text


def _check_lenient(text: str) -> None:
    document = newswiki.loads(text, strict=False)
    assert newswiki.dumps(document) == text
    if not isinstance(document, newswiki.UnparsedDocument):
        assert newswiki.loads(newswiki.dumps(document), strict=False) == document
        plain = newswiki.canonical(document)
        assert newswiki.loads(newswiki.dumps(plain), strict=False) == plain


@given(st.one_of(st.text(), mutated()))
def test_lenient_never_raises_and_loses_nothing(text: str) -> None:
    _check_lenient(text)


@given(nws.texts_of(st.one_of(nws.events(), nws.articles())))
def test_lenient_agrees_with_strict_on_valid_files(pair: tuple[object, str]) -> None:
    document = newswiki.loads(pair[1], strict=False)
    assert document == pair[0]
    assert isinstance(document, (newswiki.Event, newswiki.Article))
    assert document.diagnostics == ()  # a valid file's spellings, however odd, are the format's


@pytest.mark.fuzz
@settings(max_examples=800)
@given(st.one_of(st.text(), mutated()))
def test_fuzz_lenient(text: str) -> None:
    _check_lenient(text)


EVENT_HEAD = "### [2016-07-18](/x)\n\n# H\n\n"
AFTER_SOURCE = "a source line `N. [NAME](URL)`, a `### Related:` line or the end of the file"
IN_BODY = (
    "a paragraph, a list item `- TEXT`, a heading `==TITLE==` (2 to 6 `=` on both sides)"
    " or the end of the file"
)


@pytest.mark.parametrize(
    ("text", "blocks", "diagnostics"),
    [
        pytest.param(
            EVENT_HEAD + "### Source:\n\n1. [A](a)\nbad one\n\nbad two\n  \nbad three\n"
            "1. [B](b)\nbad four\n",
            [(8, "bad one\n\nbad two\n  \nbad three"), (14, "bad four")],
            [(8, 1, AFTER_SOURCE, "'bad one'"), (14, 1, AFTER_SOURCE, "'bad four'")],
            id="runs between source lines",
        ),
        pytest.param(
            EVENT_HEAD + "Body.\n\n### Bogus:\n### Other:\n\nMore.\n",
            [(6, "\n### Bogus:\n### Other:")],
            [
                (
                    7,
                    1,
                    "a paragraph, a `### Source:` line, a `### Related:` line or the end of the"
                    " file",
                    "'### Bogus:'",
                )
            ],
            id="blank lines before the run",
        ),
        pytest.param(
            "= T =\n\nInfobox\n- a: b\n- bad\n\n==bad\n",
            [(5, "- bad"), (7, "==bad")],
            [
                (
                    5,
                    1,
                    "an infobox field `- KEY: VALUE` or a blank line closing the infobox",
                    "'- bad'",
                ),
                (7, 1, IN_BODY, "'==bad'"),
            ],
            id="a blank line read between: two problems",
        ),
        pytest.param(
            "= T =\n\n==a\n==b\n\n\n",
            [(2, "\n==a\n==b")],
            [(3, 1, "an `Infobox` line, " + IN_BODY, "'==a'")],
            id="a run before the end gap",
        ),
    ],
)
def test_a_run_of_bad_lines_is_one_block(
    text: str, blocks: list[tuple[int, str]], diagnostics: list[tuple[int, int, str, str]]
) -> None:
    document = newswiki.loads(text, strict=False)
    assert isinstance(document, (newswiki.Event, newswiki.Article))
    assert [(block.line, block.text) for block in document.unparsed] == blocks
    assert document.diagnostics == tuple(Diagnostic(*d) for d in diagnostics)
    assert newswiki.dumps(document) == text


def test_a_run_is_one_problem_of_an_unparsed_document() -> None:
    document = newswiki.loads("### [2016-07-18](/x)\nbad\n\nworse\n", strict=False)
    assert isinstance(document, newswiki.UnparsedDocument)
    assert [(d.line, d.column, d.message) for d in document.diagnostics] == [
        (2, 1, "expected a headline `# TEXT`, found 'bad'"),
        (5, 1, "expected a headline `# TEXT`, found the end of the file"),
    ]


def _file_lines(text: str) -> list[str]:
    """The lines of a file as the format reads them: after a byte order mark, split at
    ``\r\n`` when every line ends so, else at ``\n``."""
    text = text.removeprefix("\ufeff")
    return text.split("\r\n" if text.count("\n") == text.count("\r\n") > 0 else "\n")


def _quoted(line: str) -> str:
    return repr(line) if len(line) <= 40 else repr(line[:37] + "...")


@given(nws.broken_texts())
def test_set_aside_lines_are_where_the_file_has_them(text: str) -> None:
    document = newswiki.loads(text, strict=False)
    assert newswiki.dumps(document) == text
    if isinstance(document, newswiki.UnparsedDocument):
        return
    lines = _file_lines(text)
    read_to = -1  # the last line of the previous block
    for block in document.unparsed:
        own = block.text.split("\n")
        assert lines[block.line - 1 : block.line - 1 + len(own)] == own
        assert block.line > read_to + 1  # a line was read since the last block
        blank = [not line.strip(" \t\r") for line in own]
        assert not blank[-1]
        diagnostic = block.diagnostic
        assert diagnostic is not None
        assert (diagnostic.line, diagnostic.column) == (block.line + blank.index(False), 1)
        assert diagnostic.found == _quoted(lines[diagnostic.line - 1])
        read_to = block.line + len(own) - 1
    plain = newswiki.canonical(document)
    assert newswiki.loads(newswiki.dumps(plain), strict=False) == plain


@pytest.mark.parametrize(
    ("text", "written"),
    [
        # Before the first line.
        ("==x\n= T =\n", "==x\n= T =\n"),
        # Right after the date line: before the blank line that canonical adds there.
        ("### [2016-07-18](/p)\nbad\n# H\n", "### [2016-07-18](/p)\nbad\n\n# H\n"),
        # After the last line, which canonical moves down a line.
        ("= T =\nx\n==x\n", "= T =\n\nx\n==x\n"),
        # After the infobox's closing line, which canonical keeps ...
        (
            "= T =\nInfobox\n- a: b\n\n==x\n==B==\nq\n",
            "= T =\n\nInfobox\n- a: b\n\n==x\n==B==\nq\n",
        ),
        # ... also when only set-aside lines follow the infobox ...
        ("= T =\nInfobox\n- a: b\n\n==x\n", "= T =\n\nInfobox\n- a: b\n\n==x\n"),
        # ... which may start with a blank line, not to be read as the closing line ...
        ("= T =\n\nInfobox\n\n\n==\n", "= T =\n\nInfobox\n\n\n==\n"),
        # ... and none where the file had none, when nothing but set-aside lines follow.
        ("= T =\nInfobox\n- a: b\n==x\n", "= T =\n\nInfobox\n- a: b\n==x\n"),
        # Before the infobox, set-aside lines make no closing line.
        ("= T =\n==x\nInfobox\n- a: b\n", "= T =\n==x\n\nInfobox\n- a: b\n"),
    ],
)
def test_canonical_keeps_set_aside_lines_between_the_same_lines(text: str, written: str) -> None:
    plain = newswiki.canonical(newswiki.loads(text, strict=False))
    assert newswiki.dumps(plain) == written


def test_set_aside_lines_keep_the_blank_lines_before_them_that_canonical_has() -> None:
    day = datetime.date(2016, 7, 18)
    values = {"date": day, "path": "/p", "headline": "H", "body": ("p",)}
    sources = (newswiki.Source("a", "b"),)
    # After the two blank lines before the first section header: after both, as before.
    canonical = "### [2016-07-18](/p)\n\n# H\n\np\n\n\n### x\n### Source:\n\n1. [a](b)\n"
    built = newswiki.Event(**values, sources=sources, unparsed=[newswiki.Unparsed(8, "### x")])
    assert newswiki.dumps(built) == canonical
    assert newswiki.dumps(newswiki.canonical(built)) == canonical
    # After one blank line, where canonical has two: after the first of them.
    header = newswiki.LineLayout(gap="\n")
    spaced = newswiki.Event(
        **values,
        sources=sources,
        unparsed=[newswiki.Unparsed(7, "### x")],
        layout=newswiki.EventLayout(sources_header=header),
    )
    assert newswiki.dumps(spaced) == canonical.replace("\n\n\n### x", "\n\n### x")
    assert newswiki.dumps(newswiki.canonical(spaced)) == canonical.replace(
        "\n\n\n### x\n", "\n\n### x\n\n"
    )


def _configurations(
    states: dict[int, dict[str, tuple[Any, Any]]], start: int
) -> Iterator[tuple[tuple[int, ...], str, tuple[int, ...] | None]]:
    """Every stack of states an LALR parser with the table ``states`` reaches from ``start``,
    each terminal its state offers the lexer, and the stack after taking it (``None``:
    refused)."""

    def take(stack: tuple[int, ...], terminal: str) -> tuple[int, ...] | None:
        stack_ = list(stack)
        while terminal in states[stack_[-1]]:
            action, arg = states[stack_[-1]][terminal]
            if action is Shift:
                return (*stack_, arg)
            del stack_[len(stack_) - len(arg.expansion) :]  # reduce by the rule ``arg``
            stack_.append(states[stack_[-1]][arg.origin.name][1])
        return None

    seen: set[tuple[int, ...]] = set()
    todo = [(start,)]
    while todo:
        stack = todo.pop()
        if stack in seen:
            continue
        seen.add(stack)
        for terminal in states[stack[-1]]:
            # A terminal (not a rule's goto, nor the end of the text, which is no line).
            if terminal.isupper() and terminal != "$END":
                after = take(stack, terminal)
                yield stack, terminal, after
                if after is not None:
                    todo.append(after)


@pytest.mark.parametrize("kind", ["event", "article"])
def test_the_parser_takes_every_token_the_lexer_offers(kind: str) -> None:
    # Lenient parsing sets aside the lines no terminal of the parser's state starts; the
    # contextual lexer reads only terminals the state has an action for.  An LALR table can
    # still reduce on a terminal and then refuse it; lenient mode would then keep the whole
    # text as an UnparsedDocument.  Every configuration the grammars can reach is checked.
    table = parser(kind).parser.parser.parser.parse_table
    configurations = list(_configurations(table.states, table.start_states["start"]))
    # The lexer is asked for a token after a shift only: every state a shift of a terminal
    # leads to is met.
    shifted = {
        arg
        for actions in table.states.values()
        for name, (action, arg) in actions.items()
        if action is Shift and name.isupper()
    }
    assert shifted <= {after[-1] for _, _, after in configurations if after is not None}
    refused = [(stack, t) for stack, t, after in configurations if after is None]
    assert refused == []


def test_a_diagnostic_written_by_version_0_1_0_still_loads() -> None:
    # 0.1.0 wrote one `message`; its parts come back exactly (diagnostics take no part in ==).
    text = "### [2016-07-18](/p)\n\n# H\n\n\n### Source:\n\nbad line, found here\n"
    document = newswiki.loads(text, strict=False)
    data = newswiki.to_dict(document)
    [block] = data["unparsed"]
    diagnostic = block["diagnostic"]
    block["diagnostic"] = {
        "line": 8,
        "column": 1,
        "message": "expected a source line `N. [NAME](URL)`, a `### Related:` line or the end"
        " of the file, found 'bad line, found here'",
    }
    read = newswiki.from_dict(data)
    assert read == document
    assert read.unparsed[0].diagnostic == newswiki.Diagnostic(**diagnostic)
    assert diagnostic["found"] == "'bad line, found here'"
    block["diagnostic"] = {"line": 8, "column": 1, "message": "expected a paragraph"}
    assert newswiki.from_dict(data).unparsed[0].diagnostic == newswiki.Diagnostic(
        8, 1, "a paragraph", ""
    )
    block["diagnostic"] = {"line": 8, "column": 1, "message": 3}
    with pytest.raises(ValueError, match="expected"):
        newswiki.from_dict(data)


# -- the first lines: almost right, read as their values; a date that is no day, set aside --

ARCHIVE_TAIL = (
    "\n# Kazakhstan: Police kill a suspect.\n\nFirst paragraph.\n\n\n### Source:\n\n"
    "1. [RT](https://www.rt.com/news/351790/)\n\n### Related:\n\n"
    "1. [Aktobe shootings](/news/2012/01/7/aktobe.md) _Context: Kazakhstan_\n"
)


def _tail_values(document: Any) -> tuple[Any, ...]:
    return (
        document.headline,
        document.body,
        [(s.name, s.url) for s in document.sources],
        [(r.title, r.path, r.context) for r in document.related],
    )


TAIL_VALUES = (
    "Kazakhstan: Police kill a suspect.",
    ("First paragraph.",),
    [("RT", "https://www.rt.com/news/351790/")],
    [("Aktobe shootings", "/news/2012/01/7/aktobe.md", ("Kazakhstan",))],
)


def test_a_date_that_is_no_day_is_set_aside_and_the_rest_is_read() -> None:
    text = "### [2012-02-30](/news/2012/02/30/index.md)\n" + ARCHIVE_TAIL
    document = newswiki.loads(text, strict=False)
    assert isinstance(document, newswiki.UndatedEvent)
    assert _tail_values(document) == TAIL_VALUES
    assert document.topics == ("Kazakhstan",)
    assert [(u.line, u.text) for u in document.unparsed] == [
        (1, "### [2012-02-30](/news/2012/02/30/index.md)")
    ]
    assert document.diagnostics == (
        Diagnostic(1, 6, "a real calendar date YYYY-MM-DD", "'2012-02-30'"),
    )
    assert newswiki.dumps(document) == text
    assert newswiki.position(document) == newswiki.Span(3, 14)
    # Strict mode still refuses it, and parse_event still promises an Event.
    with pytest.raises(newswiki.ParseError, match="real calendar date"):
        newswiki.loads(text)
    with pytest.raises(newswiki.ParseError, match="real calendar date"):
        newswiki.parse_event(text, strict=False)


def test_a_first_line_that_is_no_date_line_is_set_aside_and_the_rest_is_read() -> None:
    text = "### 2012-01-07\nnot a headline either\n" + ARCHIVE_TAIL
    document = newswiki.loads(text, strict=False)
    assert isinstance(document, newswiki.UndatedEvent)
    assert _tail_values(document) == TAIL_VALUES
    # The bad lines before the headline are one problem, told once.
    assert [(u.line, u.text) for u in document.unparsed] == [
        (1, "### 2012-01-07\nnot a headline either")
    ]
    assert [d.message for d in document.diagnostics] == [
        "expected a date line `### [YYYY-MM-DD](PATH)`, found '### 2012-01-07'"
    ]
    assert newswiki.dumps(document) == text


def test_a_stray_line_before_the_date_line_is_set_aside_as_before() -> None:
    text = "## stray\n### [2012-01-07](/p)\n" + ARCHIVE_TAIL
    document = newswiki.loads(text, strict=False)
    assert isinstance(document, newswiki.Event)
    assert document.date == datetime.date(2012, 1, 7)
    assert [(u.line, u.text) for u in document.unparsed] == [(1, "## stray")]


@pytest.mark.parametrize(
    ("date_line", "date", "found"),
    [
        (
            "### [2012-1-7](/news/2012/1/7/index.md)",
            datetime.date(2012, 1, 7),
            "'### [2012-1-7](/news/2012/1/7/index.md)'",
        ),
        ("### [2016-07-8](/p)  ", datetime.date(2016, 7, 8), "'### [2016-07-8](/p)  '"),
        ("###[2016-07-18](/p)", datetime.date(2016, 7, 18), "'###[2016-07-18](/p)'"),
    ],
)
def test_a_date_line_without_its_zeros_is_read_as_its_date(
    date_line: str, date: datetime.date, found: str
) -> None:
    text = date_line + "\n" + ARCHIVE_TAIL
    event = newswiki.loads(text, strict=False)
    assert isinstance(event, newswiki.Event)
    assert (event.date, _tail_values(event), event.unparsed) == (date, TAIL_VALUES, ())
    assert len(event.diagnostics) == 1
    assert (event.diagnostics[0].line, event.diagnostics[0].column) == (1, 1)
    assert event.diagnostics[0].found == found
    assert event.diagnostics[0].expected.startswith("a date line `### [YYYY-MM-DD](PATH)`")
    assert newswiki.dumps(event) == text
    with pytest.raises(newswiki.ParseError):
        newswiki.loads(text)


def test_an_almost_right_line_edited_is_written_canonically_and_told_no_more() -> None:
    text = "### [2012-1-7](/news/2012/1/7/index.md)\n\n#Headline\n"
    event = newswiki.loads(text, strict=False)
    assert isinstance(event, newswiki.Event)
    assert [(d.line, d.message) for d in event.diagnostics] == [
        (
            1,
            "expected a date line `### [YYYY-MM-DD](PATH)` (the date in digits, YYYY-MM-DD;"
            " a PATH without spaces or tabs), found '### [2012-1-7](/news/2012/1/7/index.md)'",
        ),
        (3, "expected a headline `# TEXT`, found '#Headline'"),
    ]
    edited = attrs.evolve(event, date=datetime.date(2012, 1, 8))
    assert newswiki.dumps(edited) == "### [2012-01-08](/news/2012/1/7/index.md)\n\n#Headline\n"
    assert [d.line for d in edited.diagnostics] == [3]
    assert newswiki.dumps(newswiki.canonical(event)) == (
        "### [2012-01-07](/news/2012/1/7/index.md)\n\n# Headline\n"
    )
    assert newswiki.canonical(event).diagnostics == ()


@pytest.mark.parametrize("headline", ["#Headline", "#Headline  ", "#\tHeadline"])
def test_a_headline_without_its_space_is_read_as_the_headline(headline: str) -> None:
    text = f"### [2016-07-18](/p)\n\n{headline}\n\nBody.\n"
    event = newswiki.loads(text, strict=False)
    assert isinstance(event, newswiki.Event)
    assert (event.headline, event.body, event.unparsed) == ("Headline", ("Body.",), ())
    assert event.diagnostics == (Diagnostic(3, 1, "a headline `# TEXT`", repr(headline)),)
    assert newswiki.dumps(event) == text
    with pytest.raises(newswiki.ParseError):
        newswiki.loads(text)


@pytest.mark.parametrize("title_line", ["== Title ==", "==Title==", "====== Title ======  "])
def test_a_title_written_as_a_heading_is_read_as_the_title(title_line: str) -> None:
    text = f"{title_line}\n\nInfobox\n- Key: value\n\nLead.\n\n==Section==\nText.\n"
    article = newswiki.loads(text, strict=False)
    assert isinstance(article, newswiki.Article)
    assert article.title == "Title"
    assert article.infobox == newswiki.Infobox((newswiki.InfoboxField("Key", "value"),))
    assert (article.lead, article.unparsed) == (("Lead.",), ())
    assert article.section("Section").blocks == ("Text.",)
    assert article.diagnostics == (Diagnostic(1, 1, "a title line `= TITLE =`", repr(title_line)),)
    assert newswiki.dumps(article) == text
    with pytest.raises(newswiki.ParseError):
        newswiki.loads(text)


def test_a_title_line_that_is_no_heading_either_still_leaves_nothing_to_read() -> None:
    # ``==x`` is neither a title nor a heading: what follows may hold the title.
    document = newswiki.loads("==x\n= T =\n", strict=False)
    assert isinstance(document, newswiki.Article)
    assert (document.title, [u.text for u in document.unparsed]) == ("T", ["==x"])


def test_an_undated_event_goes_through_dicts_and_tables_and_back() -> None:
    pytest.importorskip("pyarrow")
    text = "### [2012-02-30](/news/2012/02/30/index.md)\n" + ARCHIVE_TAIL
    document = newswiki.loads(text, strict=False)
    data = newswiki.to_dict(document)
    assert (data["kind"], data["headline"], data["body"]) == (
        "undated",
        "Kazakhstan: Police kill a suspect.",
        ["First paragraph."],
    )
    assert "date" not in data
    assert newswiki.from_dict(json.loads(json.dumps(data))) == document
    rows = tabular.rows(document, "a.md")
    assert list(rows) == ["events"]
    row = rows["events"][0]
    assert (row["date"], row["day_path"], row["topics"]) == (None, None, ["Kazakhstan"])
    assert tabular.from_row(json.loads(tabular.json_line(row))) == document
    table = tabular.to_arrow(rows["events"], "events")
    assert tabular.from_row(table.to_pylist()[0]) == document


def _same_check(one: Any, other: Any) -> bool:
    """Whether two validators are the same check (a partial is compared by its parts)."""
    if isinstance(one, functools.partial) and isinstance(other, functools.partial):
        return (one.func, one.args, one.keywords) == (other.func, other.args, other.keywords)
    return bool(one == other)


def test_an_undated_event_holds_and_checks_what_an_event_does_but_its_date_line() -> None:
    # UndatedEvent declares the fields of Event but date and path: the same checks, kept so.
    event = attrs.fields_dict(newswiki.Event)
    undated = attrs.fields_dict(newswiki.UndatedEvent)
    assert list(undated) == [name for name in event if name not in ("date", "path")]
    for name, field in undated.items():
        twin = event[name]
        assert (field.default, field.converter, field.eq, field.repr) == (
            twin.default,
            twin.converter,
            twin.eq,
            twin.repr,
        ), name
        assert _same_check(field.validator, twin.validator), name
    with pytest.raises(ValueError, match="single line"):
        newswiki.UndatedEvent(headline="two\nlines")
    with pytest.raises(ValueError, match="starts with '# '"):
        newswiki.UndatedEvent(headline="H", body=["# not a paragraph"])
    with pytest.raises(TypeError, match="body takes a sequence"):
        newswiki.UndatedEvent(headline="H", body="One paragraph")


def test_an_undated_event_is_in_the_link_index() -> None:
    undated = newswiki.loads(
        "### [2016-02-30](/news/2016/02/30/index.md)\n\n# H\n\n\n### Related:\n\n"
        "1. [Other](/news/2016/03/1/other.md)\n",
        strict=False,
    )
    other = newswiki.loads(
        "### [2016-03-01](/news/2016/03/01/index.md)\n\n# Other\n\n\n### Related:\n\n"
        "1. [H](/news/2016/02/30/h.md)\n"
    )
    index = CorpusIndex()
    index.add("news/2016/02/30/h.md", undated)
    index.add("news/2016/03/01/other.md", other)
    assert [(link.source, link.resolved, link.line) for link in index.links()] == [
        ("news/2016/02/30/h.md", "news/2016/03/01/other.md", 8),
        ("news/2016/03/01/other.md", "news/2016/02/30/h.md", 8),
    ]
    assert index.days() == [datetime.date(2016, 3, 1)]  # it has no day of its own


def test_a_line_of_another_marker_where_the_headline_goes_is_no_headline() -> None:
    text = "### [2016-07-18](/p)\n\n## Not a headline\n\n# H\n\nBody.\n"
    event = newswiki.loads(text, strict=False)
    assert isinstance(event, newswiki.Event)
    assert (event.headline, event.body) == ("H", ("Body.",))
    assert [(u.line, u.text) for u in event.unparsed] == [(2, "\n## Not a headline")]
    assert newswiki.dumps(event) == text


@pytest.mark.parametrize(
    ("date_line", "column", "found"),
    [
        ("### [2012-02-30](/p)", 6, "'2012-02-30'"),
        ("###[2012-02-30](/p)", 5, "'2012-02-30'"),
        ("### [2012-2-30](/p)", 6, "'2012-2-30'"),
        ("  \n### [2012-13-01](/p)", 6, "'2012-13-01'"),
    ],
)
def test_a_date_that_is_no_day_is_told_where_it_is(date_line: str, column: int, found: str) -> None:
    text = f"{date_line}\n\n# H\n"
    document = newswiki.loads(text, strict=False)
    assert isinstance(document, newswiki.UndatedEvent)
    assert document.headline == "H"
    line = date_line.count("\n") + 1
    assert document.diagnostics == (
        Diagnostic(line, column, "a real calendar date YYYY-MM-DD", found),
    )
    assert [(u.line, u.text) for u in document.unparsed] == [(1, date_line)]
    assert newswiki.dumps(document) == text


def test_the_link_index_takes_the_topics_of_lenient_first_lines() -> None:
    # "#Headline" is read leniently: its topic starts right after the "#".
    almost = newswiki.loads("### [2016-07-18](/p)\n\n#Almaty: Police attacked.\n", strict=False)
    undated = newswiki.loads("### [2016-02-30](/p)\n\n# Aktobe: Shootings.\n", strict=False)
    index = CorpusIndex()
    index.add("news/2016/07/18/a.md", almost)
    index.add("news/2016/02/30/b.md", undated)
    assert [(t.source, t.topic, t.line, t.column, t.date) for t in index.topic_links()] == [
        ("news/2016/07/18/a.md", "Almaty", 3, 2, datetime.date(2016, 7, 18)),
        ("news/2016/02/30/b.md", "Aktobe", 3, 3, None),
    ]
