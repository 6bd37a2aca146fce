"""Bytes, files and the facts of a document: encodings, line ends, BOM, final newline."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest

import newswiki

SAMPLE = Path(__file__).parent / "data" / "event-almaty-2016-07-18.md"


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda t: t, id="as is"),
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: "\ufeff" + t, id="bom"),
        pytest.param(lambda t: t[:-1], id="no final newline"),
        pytest.param(lambda t: "\ufeff" + t[:-1].replace("\n", "\r\n") + "\r\n\r\n  ", id="all"),
        pytest.param(lambda t: "\n\n" + t + "\n \n\t\n", id="blank lines around"),
    ],
)
def test_document_facts_survive(transform: object, event_text: str) -> None:
    text = transform(event_text)  # type: ignore[operator]
    event = newswiki.loads(text)
    assert newswiki.dumps(event) == text
    assert event == newswiki.loads(event_text)
    assert newswiki.dumps(newswiki.loads(text.encode("utf-8"))) == text


def test_mixed_line_ends_parse_and_come_back() -> None:
    text = "= T =\r\n\nA paragraph\r\n\n==H==\r\n"
    article = newswiki.parse_article(text)
    assert article.title == "T"
    assert article.sections[0].title == "H"
    assert article.lead == ("A paragraph\r",)  # in a paragraph, "\r" is text
    assert newswiki.dumps(article) == text


def test_load_and_dump_keep_crlf_through_files(tmp_path: Path, event_text: str) -> None:
    data = event_text.replace("\n", "\r\n").encode("utf-8")
    path = tmp_path / "event.md"
    path.write_bytes(data)
    event = newswiki.load(path)
    with open(path, "rb") as binary:
        assert newswiki.load(binary) == event
    out = tmp_path / "out.md"
    with open(out, "wb") as binary:
        newswiki.dump(event, binary)
    assert out.read_bytes() == data
    with open(out, "w", encoding="utf-8", newline="") as text_file:
        newswiki.dump(event, text_file)
    assert out.read_bytes() == data
    buffer = io.StringIO(newline="")
    newswiki.dump(event, buffer)
    assert buffer.getvalue().encode("utf-8") == data


def test_dump_writes_text_to_text_writers_and_bytes_to_the_rest(tmp_path: Path) -> None:
    article = newswiki.Article(title="Café", lead=["naïve"])
    expected = b"= Caf\xc3\xa9 =\n\nna\xc3\xafve\n"
    path = tmp_path / "article.txt"
    # codecs.open's writer takes text, though its mode holds a "b".
    with codecs.open(str(path), "w", encoding="utf-8") as writer:
        assert "b" in writer.mode
        newswiki.dump(article, writer)
    assert path.read_bytes() == expected
    # A binary stream with an encoding attribute of its own still takes bytes.
    binary = io.BytesIO()
    binary.encoding = "latin-1"  # type: ignore[attr-defined]
    newswiki.dump(article, binary)
    assert binary.getvalue() == expected

    class Sink:  # neither kind of io stream, no encoding: bytes
        def __init__(self) -> None:
            self.written: list[object] = []

        def write(self, data: object) -> None:
            self.written.append(data)

    sink = Sink()
    newswiki.dump(article, sink)  # type: ignore[arg-type]
    assert sink.written == [expected]


def test_invalid_utf8_names_the_byte_offset() -> None:
    data = b"### [2016-07-18](/x)\n\n# Caf" + b"\xe9\n"
    with pytest.raises(newswiki.DecodeError) as caught:
        newswiki.loads(data)
    error = caught.value
    assert isinstance(error, newswiki.ParseError)
    assert error.offset == len(data) - 2
    assert (error.line, error.column) == (3, 6)
    assert "0xe9" in str(error)


@pytest.mark.parametrize(
    ("data", "offset", "line", "column", "expected", "source_line"),
    [
        pytest.param(
            b"= T =\n\nab\xff\xfecd\n",
            9,
            3,
            3,
            "UTF-8 text, found the byte 0xff at offset 9 (b'\\xff\\xfecd' is not UTF-8)",
            "ab",
            id="in the third line",
        ),
        pytest.param(
            b"\xc3",
            0,
            1,
            1,
            "UTF-8 text, found the byte 0xc3 at offset 0 (b'\\xc3' is not UTF-8)",
            "",
            id="cut in the first character",
        ),
        # A lone surrogate spelled in UTF-8's way: the decoder refuses it, so loads(bytes)
        # need not look for surrogates again, as it must in a str.
        pytest.param(
            b"= T =\n\nx\xed\xa0\x80y\n",
            8,
            3,
            2,
            "UTF-8 text, found the byte 0xed at offset 8 (b'\\xed\\xa0\\x80y' is not UTF-8)",
            "x",
            id="a lone surrogate",
        ),
    ],
)
def test_invalid_utf8_is_located_and_shown(
    data: bytes, offset: int, line: int, column: int, expected: str, source_line: str
) -> None:
    with pytest.raises(newswiki.DecodeError) as caught:
        newswiki.loads(data)
    error = caught.value
    assert (error.offset, error.line, error.column) == (offset, line, column)
    assert error.expected == expected
    assert error.source_line == source_line
    assert error.encoding is None


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named(encoding: str, event_text: str) -> None:
    with pytest.raises(newswiki.DecodeError, match="UTF-16"):
        newswiki.loads(event_text.encode(encoding))


def test_loads_refuses_other_types() -> None:
    with pytest.raises(TypeError) as caught:
        newswiki.loads(42)  # type: ignore[call-overload]
    assert str(caught.value) == "newswiki reads str or bytes, not int"


def test_dumps_refuses_other_types() -> None:
    with pytest.raises(TypeError) as caught:
        newswiki.dumps("text")  # type: ignore[arg-type]
    assert str(caught.value) == (
        "newswiki.dumps() takes an Event, Article, UndatedEvent or UnparsedDocument, not str"
    )


def test_dump_to_a_path_writes_utf_8(tmp_path: Path) -> None:
    article = newswiki.Article(title="Café", lead=["naïve"])
    path = tmp_path / "article.txt"
    newswiki.dump(article, path)
    assert path.read_bytes() == b"= Caf\xc3\xa9 =\n\nna\xc3\xafve\n"
    newswiki.dump(article, str(path))
    assert path.read_bytes() == b"= Caf\xc3\xa9 =\n\nna\xc3\xafve\n"


# Blank lines that hold a stray "\r" (a file with mixed line ends) are still blank lines: before
# a line (GAP), closing the infobox (INFOBOX_END) and at the end of the file (END_GAP).
CR_IN_BLANK_LINES = [
    pytest.param(
        "### [2016-07-18](/x)\n\r\n# H\n\r\nBody\n \r\n\r\n### Source:\n\r\n1. [a](b)\n\r\n",
        id="event gaps and end gap",
    ),
    pytest.param(
        "### [2016-07-18](/x)\n\n# H\n\n\r\n### Related:\n\n1. [T](/p) _Context: a_\n",
        id="event gap before a section",
    ),
    pytest.param(
        "= T =\n\nInfobox\n- a: b\n\r\n==H==\nText\n\r\n\t\r\n", id="infobox end, end gap"
    ),
    pytest.param("= T =\n\r\nLead\n\r\n==H==\nText\n\r\n===I===\n", id="article gaps"),
    pytest.param("= T =\n\nInfobox\n- a: b\n\r\n", id="infobox end at the end"),
]


@pytest.mark.parametrize("text", CR_IN_BLANK_LINES)
def test_a_carriage_return_in_a_blank_line_keeps_it_blank(text: str) -> None:
    document = newswiki.loads(text)
    assert newswiki.dumps(document) == text
    # The same file without the stray "\r" holds the same values.
    lines = text.split("\n")
    plain = "\n".join(line if line.strip(" \t\r") else line.replace("\r", "") for line in lines)
    assert plain != text
    assert document == newswiki.loads(plain)
    assert newswiki.dumps(newswiki.canonical(document)) == newswiki.dumps(
        newswiki.canonical(newswiki.loads(plain))
    )


def test_load_of_an_open_file_names_it_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "broken.md"
    path.write_bytes(b"### [2016-07-18](/x)\n\nno headline\n")
    with open(path, "rb") as binary, pytest.raises(newswiki.ParseError) as caught:
        newswiki.load(binary)
    assert caught.value.filename == str(path)
    assert (caught.value.line, caught.value.column) == (3, 1)
    assert str(caught.value).startswith(f"{path}:3:1: expected a headline `# TEXT`")
    with pytest.raises(newswiki.ParseError) as caught:
        newswiki.load(io.BytesIO(path.read_bytes()))  # no name to give
    assert caught.value.filename is None
    assert str(caught.value).startswith("<string>:3:1: expected a headline")


def test_load_in_lenient_mode_reads_an_open_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.md"
    text = "### [2016-07-18](/x)\n\n# H\n\nBody\n### x\n"
    path.write_text(text, encoding="utf-8")
    with open(path, "rb") as binary:
        event = newswiki.load(binary, strict=False)
    assert isinstance(event, newswiki.Event)
    assert [(u.line, u.text) for u in event.unparsed] == [(6, "### x")]
    assert newswiki.dumps(event) == text


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xff\xfe", id="little-endian byte order mark alone"),
        pytest.param(b"\xfe\xff", id="big-endian byte order mark alone"),
        pytest.param("=".encode("utf-16"), id="one character"),
    ],
)
def test_short_utf16_input_is_named(data: bytes) -> None:
    with pytest.raises(newswiki.DecodeError) as caught:
        newswiki.loads(data)
    error = caught.value
    assert (error.line, error.column, error.offset) == (1, 1, 0)
    assert error.expected.startswith("UTF-8 text, found UTF-16")
    assert error.encoding == "UTF-16"


def test_a_nul_after_the_first_two_bytes_is_text() -> None:
    assert newswiki.loads(b"= T =\n\nA\x00B\n").lead == ("A\x00B",)


def test_one_byte_is_read_as_utf8() -> None:
    with pytest.raises(newswiki.ParseError) as caught:
        newswiki.loads(b"=")
    assert type(caught.value) is newswiki.ParseError
    assert (caught.value.line, caught.value.column) == (1, 1)
    assert caught.value.expected == "a title line `= TITLE =`"
    assert caught.value.found == "'='"


# A "\r" at the end of a structural line of a file with mixed line ends is trailing padding
# (layout), as a space would be; the values are those of the file without it.
CR_ENDING_LINES = [
    pytest.param(
        "### [2016-07-18](/x)\r\n\n# H\n\n\n### Source:\r\n\n1. [a](b)\r\n\n"
        "### Related:\r\n\n1. [T](/p)\r\n2. [U](/q) _Context: c_\r\n",
        "### [2016-07-18](/x)\n\n# H\n\n\n### Source:\n\n1. [a](b)\n\n"
        "### Related:\n\n1. [T](/p)\n2. [U](/q) _Context: c_\n",
        id="event",
    ),
    pytest.param(
        "= T =\r\n\nInfobox\r\n- a: b\r\n- c:\r\n\n==H==\r\nText\n\n===I=== \r\n",
        "= T =\n\nInfobox\n- a: b\n- c:\n\n==H==\nText\n\n===I===\n",
        id="article",
    ),
]


@pytest.mark.parametrize(("text", "plain"), CR_ENDING_LINES)
def test_a_carriage_return_ending_a_structural_line_is_padding(text: str, plain: str) -> None:
    document = newswiki.loads(text)
    assert document == newswiki.loads(plain)
    assert newswiki.dumps(document) == text
    assert newswiki.dumps(newswiki.canonical(document)) == plain
