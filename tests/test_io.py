"""Bytes, files and the facts of a document: encodings, line ends, BOM, final newline."""

from __future__ import annotations

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


def test_invalid_utf8_names_the_byte_offset() -> None:
    data = b"### [2016-07-18](/x)\n\n# Caf" + b"\xe9\n"
    with pytest.raises(newswiki.DecodeError) as caught:
        newswiki.loads(data)
    error = caught.value
    assert isinstance(error, newswiki.ParseError)
    assert error.offset == len(data) - 2
    assert (error.line, error.column) == (3, 6)
    assert "0xe9" in str(error)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named(encoding: str, event_text: str) -> None:
    with pytest.raises(newswiki.DecodeError, match="UTF-16"):
        newswiki.loads(event_text.encode(encoding))


def test_loads_refuses_other_types() -> None:
    with pytest.raises(TypeError):
        newswiki.loads(42)  # type: ignore[call-overload]


def test_dumps_refuses_other_types() -> None:
    with pytest.raises(TypeError):
        newswiki.dumps("text")  # type: ignore[arg-type]
