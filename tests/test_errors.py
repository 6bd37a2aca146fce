"""Bad input: a ParseError that says where and what, and never any other exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newswiki
from newswiki import strategies as nws

EVENT = "### [2016-07-18](/news/2016/07/18/index.md)\n\n# Headline\n\nBody.\n"

# (text, line, column, words the expectation must contain, what was found)
MALFORMED = [
    pytest.param("", 1, 1, "date line", "an empty file", id="empty file"),
    pytest.param("\n  \n", 1, 1, "title line", "an empty file", id="blank file"),
    pytest.param("Hello\n", 1, 1, "date line", "'Hello'", id="neither format"),
    pytest.param(
        "### [2016-02-30](/news/2016/02/30/index.md)\n\n# H\n",
        1,
        6,
        "real calendar date",
        "'2016-02-30'",
        id="bad date",
    ),
    pytest.param(
        "\n \n### [2016-02-30](/p)\n\n# H\n",
        3,
        6,
        "real calendar date",
        "'2016-02-30'",
        id="bad date after blank lines",
    ),
    pytest.param(
        "### [2016-07-18](/x)\n\nNo headline here\n",
        3,
        1,
        "headline `# TEXT`",
        "'No headline here'",
        id="missing headline",
    ),
    pytest.param(
        "### [2016-07-18](/x)\n",
        2,
        1,
        "headline",
        "the end of the file",
        id="headline at end",
    ),
    pytest.param(
        EVENT + "\n\n### Source:\n\n1. [RT](https://rt.com/x)\n2. [RT] https://rt.com\n",
        11,
        1,
        "source line `N. [NAME](URL)`",
        "'2. [RT] https://rt.com'",
        id="broken source line",
    ),
    pytest.param(
        EVENT + "\n\n### Sources:\n\n1. [RT](https://rt.com/x)\n",
        8,
        1,
        "`### Source:` line",
        "'### Sources:'",
        id="unknown section",
    ),
    pytest.param(
        EVENT + "# Second headline\n",
        6,
        1,
        "paragraph",
        "'# Second headline'",
        id="headline in body",
    ),
    pytest.param(
        EVENT + "\n### Related:\n\n1. [T](/news/2016/06/7/t.md) _Context Kazakhstan_\n",
        9,
        1,
        "related line",
        None,
        id="broken context",
    ),
    pytest.param("Infobox\n- a: b\n", 1, 1, "title line", "'Infobox'", id="no title line"),
    pytest.param(
        "= T =\n\nInfobox\n- Title: T\n- Injuries 40+\n",
        5,
        1,
        "infobox field `- KEY: VALUE`",
        "'- Injuries 40+'",
        id="field without colon",
    ),
    pytest.param(
        "= T =\n\n=======Deep=======\nText\n",
        3,
        1,
        "heading `==TITLE==`",
        "'=======Deep======='",
        id="heading level 7",
    ),
    pytest.param(
        "= T =\n\nLead.\n\n==Background\nText\n",
        5,
        1,
        "heading",
        "'==Background'",
        id="unclosed heading",
    ),
    pytest.param(
        "= T =\n\n===Mismatched==\n",
        3,
        1,
        "heading",
        None,
        id="mismatched heading",
    ),
    pytest.param("== T ==\n", 1, 1, "title line", None, id="heading as title"),
    pytest.param("==x=\n", 1, 1, "title line `= TITLE =`", "'==x='", id="title opening with ="),
    pytest.param("=x==\n", 1, 1, "title line `= TITLE =`", "'=x=='", id="title ending with ="),
    pytest.param(
        "### [2016-07-18](/a b)\n\n# H\n",
        1,
        1,
        "a date line `### [YYYY-MM-DD](PATH)` (the date in digits, YYYY-MM-DD; a PATH without"
        " spaces or tabs)",
        "'### [2016-07-18](/a b)'",
        id="space in the date line's path",
    ),
    pytest.param(
        "### [2016-7-18](/x)\n\n# H\n",
        1,
        1,
        "a date line `### [YYYY-MM-DD](PATH)` (the date in digits, YYYY-MM-DD; a PATH without"
        " spaces or tabs)",
        "'### [2016-7-18](/x)'",
        id="short month",
    ),
    pytest.param("### [2016-07-8](/x)\n\n# H\n", 1, 1, "date line", None, id="short day"),
    pytest.param("### [16-07-18](/x)\n\n# H\n", 1, 1, "date line", None, id="short year"),
    pytest.param(
        EVENT + "### x\n",
        6,
        1,
        "a paragraph, a `### Source:` line, a `### Related:` line or the end of the file",
        "'### x'",
        id="section-like body line",
    ),
    pytest.param(
        EVENT + "\n\n### Source:\n\n1. [a](b)\n### x\n",
        11,
        1,
        "a source line `N. [NAME](URL)`, a `### Related:` line or the end of the file",
        "'### x'",
        id="section-like line after a source",
    ),
    pytest.param(
        "= T =\n\nLead.\n\n==H==\n= x\n==x\n",
        7,
        1,
        "a paragraph, a list item `- TEXT`, a heading `==TITLE==` (2 to 6 `=` on both sides)"
        " or the end of the file",
        "'==x'",
        id="heading-like line in a section",
    ),
    pytest.param(
        "= T =\n\nInfobox\n-Title: T\n",
        4,
        1,
        "an infobox field `- KEY: VALUE` or a blank line closing the infobox",
        "'-Title: T'",
        id="field without its space",
    ),
    pytest.param("# [2016-07-18](/x)\n\n# H\n", 1, 1, "date line", None, id="date line of one #"),
    pytest.param(
        EVENT + "\n\n### Related:\n\n1. [T](/p) _Context:x_\n",
        10,
        1,
        "related line",
        "'1. [T](/p) _Context:x_'",
        id="context without its space",
    ),
    pytest.param(
        "= T =\n\n==x\n",
        3,
        1,
        "an `Infobox` line, a paragraph, a list item `- TEXT`, a heading `==TITLE==` (2 to 6 `=`"
        " on both sides) or the end of the file",
        "'==x'",
        id="heading-like line after the title",
    ),
    pytest.param(
        EVENT + "\n\n### Related:\n\n1. [a](b)\n### Source:\n",
        11,
        1,
        "a related line `N. [TITLE](PATH) _Context: TAGS_` or the end of the file",
        "'### Source:'",
        id="Source after Related",
    ),
    pytest.param(
        "### [2016-07-18](/x)\n\n" + "X" * 40 + "\n",
        3,
        1,
        "headline",
        "'" + "X" * 40 + "'",
        id="a found line of 40 characters is shown whole",
    ),
    pytest.param(
        "### [2016-07-18](/x)\n\n" + "X" * 41 + "\n",
        3,
        1,
        "headline",
        "'" + "X" * 37 + "...'",
        id="a found line of 41 characters is cut",
    ),
    pytest.param(
        EVENT + "\n\n### Source:\n\n. [a](b)\n",
        10,
        1,
        "a source line `N. [NAME](URL)`, a `### Related:` line or the end of the file",
        "'. [a](b)'",
        id="source line without a number",
    ),
    pytest.param(
        EVENT + "\n\n### Source:\n\n1. [a](b c)\n",
        10,
        1,
        "a source line `N. [NAME](URL)` (a URL without spaces or `](`, and at most eight `]`),"
        " a `### Related:` line or the end of the file",
        "'1. [a](b c)'",
        id="space in a source URL",
    ),
    pytest.param(
        EVENT + "\n\n### Related:\n\n1. [a](/p q.md)\n",
        10,
        1,
        "a related line `N. [TITLE](PATH) _Context: TAGS_` (a PATH without spaces or `](`,"
        " TAGS without `](`, each with at most eight `]`) or the end of the file",
        "'1. [a](/p q.md)'",
        id="space in a related path",
    ),
]


@pytest.mark.parametrize(("text", "line", "column", "expected", "found"), MALFORMED)
def test_malformed_input_is_located_and_explained(
    text: str, line: int, column: int, expected: str, found: str | None
) -> None:
    with pytest.raises(newswiki.ParseError) as caught:
        newswiki.loads(text)
    error = caught.value
    assert (error.line, error.column) == (line, column)
    assert expected in error.expected
    assert "__ANON" not in error.expected
    assert "_LINE" not in error.expected
    if found is not None:
        assert error.found == found
    shown = str(error).split("\n")
    assert shown[0].startswith(f"<string>:{line}:{column}: expected ")
    assert shown[1].endswith(f"| {error.source_line}")
    assert shown[2].index("^") == shown[1].index("|") + 1 + column


def _shown(error: newswiki.ParseError) -> list[str]:
    return str(error).split("\n")[1:]


def test_a_long_line_is_shown_as_a_window_around_the_column() -> None:
    line = "a" * 200 + "b" + "c" * 200
    error = newswiki.ParseError("x", line=7, column=201, found="'b'", source_line=line)
    assert _shown(error) == [
        "    7 | ..." + "a" * 40 + "b" + "c" * 39 + "...",
        "      | " + " " * 43 + "^",
    ]
    start = newswiki.ParseError("x", line=7, column=3, source_line=line)
    assert _shown(start) == ["    7 | " + "a" * 80 + "...", "      |   ^"]
    end = newswiki.ParseError("x", line=7, column=401, source_line=line)
    assert _shown(end) == ["    7 | ..." + "c" * 80, "      | " + " " * 82 + "^"]
    exact = newswiki.ParseError("x", line=7, column=100, source_line="d" * 100)
    assert _shown(exact) == ["    7 | " + "d" * 100, "      | " + " " * 99 + "^"]


@pytest.mark.parametrize(
    ("line", "column", "shown", "caret"),
    [
        ("a\rb x", 5, "a\\rb x", 5),
        ("\x00\u2028\ufeff\x85 x", 6, "\\x00\\u2028\\ufeff\\x85 x", 21),
        ("\tx", 2, " x", 1),
        ("日本 x", 4, "日本 x", 5),
        ("e\u0301 x", 4, "e\u0301 x", 2),
    ],
    ids=["carriage return", "controls and separators", "tab", "wide", "combining"],
)
def test_the_shown_line_can_neither_move_the_cursor_nor_misplace_the_caret(
    line: str, column: int, shown: str, caret: int
) -> None:
    error = newswiki.ParseError("x", line=1, column=column, source_line=line)
    assert _shown(error) == [f"    1 | {shown}", "      | " + " " * caret + "^"]


def test_a_hostile_line_from_the_parser_is_shown_on_one_line() -> None:
    text = "### [2016-07-18](/p)\n\n# H\n\n\n### Source:\n\nab\rcd\u2028x" + "y" * 300 + "\n"
    with pytest.raises(newswiki.ParseError) as caught:
        newswiki.loads(text)
    assert caught.value.source_line == "ab\rcd\u2028x" + "y" * 300
    assert _shown(caught.value) == [
        "    8 | ab\\rcd\\u2028x" + "y" * 73 + "...",
        "      | ^",
    ]


def test_errors_carry_the_file_name(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "broken.md"  # type: ignore[operator]
    path.write_bytes(b"### [2016-07-18](/x)\n\nno headline\n")
    with pytest.raises(newswiki.ParseError) as caught:
        newswiki.load(path)
    assert caught.value.filename == str(path)
    assert str(caught.value).startswith(f"{path}:3:1: expected a headline")


def test_naming_the_file_gives_the_same_error_back() -> None:
    error = newswiki.ParseError("a headline", line=3, column=1, source_line="x")
    assert error.with_filename("a.md") is error
    assert str(error) == "a.md:3:1: expected a headline\n    3 | x\n      | ^"


def test_an_error_without_a_found_part_or_a_line_shows_neither() -> None:
    # UTF-16 is refused before any line is read: nothing found, no line to show.
    with pytest.raises(newswiki.DecodeError) as caught:
        newswiki.loads("= T =\n".encode("utf-16-le"))
    assert str(caught.value) == (
        "<string>:1:1: expected UTF-8 text, found UTF-16 (decode it, e.g. data.decode('utf-16'),"
        " and pass the str)\n"
        "    1 | \n"
        "      | ^"
    )


def test_parse_error_is_a_value_error_and_pickles() -> None:
    import pickle

    with pytest.raises(ValueError, match="expected") as caught:
        newswiki.loads("nonsense")
    again = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(again, newswiki.ParseError)
    assert (again.line, again.column, str(again)) == (1, 1, str(caught.value))


def test_forcing_the_wrong_format_is_an_error() -> None:
    with pytest.raises(newswiki.ParseError) as caught:
        newswiki.parse_article(EVENT)
    error = caught.value
    assert (error.line, error.column) == (1, 1)
    # What was found is shown up to 40 characters: 37 and "...".
    assert (
        error.message
        == "expected a title line `= TITLE =`, found '### [2016-07-18](/news/2016/07/18/ind...'"
    )
    with pytest.raises(newswiki.ParseError) as caught:
        newswiki.parse_event("\n= T =\n")
    error = caught.value
    assert (error.line, error.column) == (2, 1)
    assert error.message == "expected a date line `### [YYYY-MM-DD](PATH)`, found '= T ='"


def _check_any_text(text: str) -> None:
    try:
        obj = newswiki.loads(text)
    except newswiki.ParseError as error:
        failure = error
    else:
        assert newswiki.dumps(obj) == text
        return
    assert failure.line >= 1
    assert failure.column >= 1
    assert failure.expected
    # Whatever the text holds, the message is three lines a terminal shows as such.
    message = str(failure).splitlines()
    assert len(message) == 3, message
    assert message[2].rstrip(" ^") == " " * (5 + len(str(failure.line))) + "|", message[2]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid file with lines or characters inserted, deleted, duplicated, swapped or cut."""
    text = draw(st.one_of(nws.event_texts(), nws.article_texts()))
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["insert", "delete", "duplicate", "swap", "chars", "cut"]))
        if action == "insert":
            lines.insert(i, draw(st.one_of(nws.lines(), st.sampled_from(nws.TRICKY))))
        elif action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[j])
        elif action == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "chars":
            line = lines[i]
            k = draw(st.integers(0, len(line)))
            junk = draw(st.text(max_size=3))
            lines[i] = line[:k] + junk + line[k + draw(st.integers(0, 2)) :]
        else:
            return "\n".join(lines)[: draw(st.integers(0, len(text)))]
    return "\n".join(lines)


@given(st.text())
def test_any_text_parses_and_round_trips_or_raises_parse_error(text: str) -> None:
    _check_any_text(text)


@given(mutated())
def test_mutated_files_round_trip_or_raise_parse_error(text: str) -> None:
    _check_any_text(text)


@given(st.binary())
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    try:
        obj = newswiki.loads(data)
    except newswiki.ParseError:
        return
    assert newswiki.dumps(obj).encode("utf-8") == data


MARKUP = st.text(st.sampled_from("#=[]()-*: \n\r\t_Infobox0123."))


@pytest.mark.fuzz
@settings(max_examples=2000)
@given(st.one_of(st.text(), MARKUP))
def test_fuzz_strict_on_text(text: str) -> None:
    _check_any_text(text)


@pytest.mark.fuzz
@settings(max_examples=400)
@given(mutated())
def test_fuzz_strict_on_mutated_files(text: str) -> None:
    _check_any_text(text)
