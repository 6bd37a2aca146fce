"""Read text into model objects: detect the format, run its Lark parser, report errors in words."""

from __future__ import annotations

import bisect
import os
import re
from functools import cache
from typing import IO, Any, Literal, overload

import attrs
import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from newswiki.build import ArticleBuilder, BuildError, EventBuilder
from newswiki.errors import DecodeError, ParseError
from newswiki.grammar import build_parser, terminal_patterns
from newswiki.layout import PLAIN_DOCUMENT, DocumentLayout
from newswiki.model import Article, Document, Event

__all__ = ["load", "loads", "parse_article", "parse_event"]

_BLANK_LINES = re.compile(r"(?:[ \t]*\n)*")
_FORMAT_WORDS = {
    "event": "an event's date line `### [YYYY-MM-DD](PATH)`",
    "article": "an article's title line `= TITLE =`",
}
# What each terminal means to someone who writes these files (never Lark's own names).
_EXPECTED_WORDS: dict[str, tuple[str, ...]] = {
    "DATE_LINE": ("a date line `### [YYYY-MM-DD](PATH)`",),
    "HEADLINE": ("a headline `# TEXT`",),
    "TITLE_LINE": ("a title line `= TITLE =`",),
    "INFOBOX_LINE": ("an `Infobox` line",),
    "FIELDS": ("an infobox field `- KEY: VALUE`",),
    "INFOBOX_END": ("a blank line closing the infobox",),
    "PARAGRAPHS": ("a paragraph",),
    "BODY": (
        "a paragraph",
        "a list item `- TEXT`",
        "a heading `==TITLE==` (2 to 6 `=` on both sides)",
    ),
    "SOURCE_HEADER": ("a `### Source:` line",),
    "SOURCE_ITEMS": ("a source line `N. [NAME](URL)`",),
    "RELATED_HEADER": ("a `### Related:` line",),
    "RELATED_ITEMS": ("a related line `N. [TITLE](PATH) _Context: TAGS_`",),
    "END_GAP": ("the end of the file",),
    "$END": ("the end of the file",),
}
_ORDER = list(_EXPECTED_WORDS)


@cache
def _parser(kind: str) -> lark.Lark:
    """The parser for ``kind``, built on first use and kept for the life of the process."""
    builder = EventBuilder() if kind == "event" else ArticleBuilder()
    parser = build_parser(kind, transformer=builder, cache=True)
    builder.patterns = terminal_patterns(parser)
    return parser


def _prepare(text: str) -> tuple[str, DocumentLayout]:
    """Fold the facts of the whole document out of the text, for the grammar to see only "\\n"."""
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    newline = "\n"
    # "\r\n" is the line end only when every line ends so; otherwise "\r" is text.  Looking
    # for "\r" alone first is some 50 times faster than for "\r\n" on text without any.
    if "\r" in text and "\r\n" in text and text.count("\n") == text.count("\r\n"):
        newline = "\r\n"
        text = text.replace("\r\n", "\n")
    final_newline = text.endswith("\n")
    if not final_newline:
        text += "\n"
    elif not bom and newline == "\n":
        return text, PLAIN_DOCUMENT
    return text, DocumentLayout(bom=bom, newline=newline, final_newline=final_newline)


def _detect(text: str) -> str | None:
    first = _BLANK_LINES.match(text).end()  # type: ignore[union-attr]
    if text.startswith("#", first):
        return "event"
    if text.startswith(("=", "Infobox"), first):
        return "article"
    return None


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 1 and b"\x00" in data[:2]):
        raise DecodeError(
            "UTF-8 text, found UTF-16 (decode it, e.g. data.decode('utf-16'), and pass the str)",
            offset=0,
            line=1,
            column=1,
            encoding="UTF-16",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        start = error.start
    # Raised outside the handler, as every ParseError: plain, with no context to pickle.
    before = data[:start].decode("utf-8")
    line = before.count("\n") + 1
    line_start = before.rfind("\n") + 1
    shown = data[start : start + 4]
    raise DecodeError(
        f"UTF-8 text, found the byte {data[start]:#04x} at offset {start} ({shown!r} is not UTF-8)",
        offset=start,
        line=line,
        column=len(before) - line_start + 1,
        source_line=before[line_start:],
    )


class LineIndex:
    """Where each line of a text starts, to find many positions in one pass (lenient mode)."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def line_of(self, offset: int) -> int:
        """The 1-based line holding ``offset``."""
        return bisect.bisect_right(self.starts, offset)


def _position(text: str, offset: int, index: LineIndex | None = None) -> tuple[int, int, str]:
    """1-based line and column of ``offset``, and that line's text."""
    if index is None:
        line = text.count("\n", 0, offset) + 1
        start = text.rfind("\n", 0, offset) + 1
    else:
        line = index.line_of(offset)
        start = index.starts[line - 1]
    end = text.find("\n", offset)
    return (
        line,
        offset - start + 1,
        text[start : end if end >= 0 else None],
    )


def _words(terminals: set[str] | frozenset[str]) -> str:
    ranked = sorted((t for t in terminals if t in _EXPECTED_WORDS), key=_ORDER.index)
    words = list(dict.fromkeys(word for t in ranked for word in _EXPECTED_WORDS[t]))
    if not words:
        return "nothing more"
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def error_at(
    text: str,
    offset: int,
    expected: str,
    found: str | None = None,
    *,
    token_start: bool = False,
    index: LineIndex | None = None,
) -> ParseError:
    """A :class:`ParseError` at ``offset`` of the prepared ``text``."""
    if token_start:
        # Tokens begin with the blank lines before them: point at the line that is wrong.
        offset = _BLANK_LINES.match(text, offset).end()  # type: ignore[union-attr]
    line, column, source_line = _position(text, offset, index)
    if found is None:
        found = "the end of the file" if offset >= len(text) else _show(source_line[column - 1 :])
    return ParseError(expected, line=line, column=column, found=found, source_line=source_line)


def unknown_format(text: str) -> ParseError:
    """The error for prepared ``text`` that is in neither format (or empty)."""
    expected = " or ".join(_FORMAT_WORDS.values())
    if _BLANK_LINES.match(text).end() == len(text):  # type: ignore[union-attr]
        return ParseError(expected, line=1, column=1, found="an empty file")
    return error_at(text, 0, expected, token_start=True)


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def translate(error: Exception, text: str, index: LineIndex | None = None) -> ParseError:
    """Turn what Lark (or a builder) raised into a :class:`ParseError` that speaks the format."""
    if isinstance(error, BuildError):
        return error_at(text, error.offset, error.expected, error.found, index=index)
    if isinstance(error, UnexpectedCharacters):
        offset = error.pos_in_stream or 0
        return error_at(text, offset, _words(error.allowed), token_start=True, index=index)
    if isinstance(error, UnexpectedToken):
        token = error.token
        offset = len(text) if token.type == "$END" else token.start_pos
        return error_at(text, offset, _words(error.expected), token_start=True, index=index)
    if isinstance(error, UnexpectedEOF):
        return error_at(text, len(text), _words(set(error.expected)), index=index)
    raise error  # pragma: no cover - every Lark error is an UnexpectedInput above


def _parse(kind: str, text: str, prepared: tuple[str, DocumentLayout] | None = None) -> Any:
    body, document = prepared or _prepare(text)
    try:
        obj = _parser(kind).parse(body)
    except (UnexpectedInput, BuildError) as error:
        failure = translate(error, body)
    else:
        return _with_document(obj, document)
    # Raised outside the handler: Lark's exception holds the parser, which does not pickle,
    # and ``from None`` only hides it (tblib, which dask.distributed installs, pickles the
    # context of every exception that crosses processes).
    raise failure


def _with_document(obj: Any, document: DocumentLayout) -> Any:
    """Put the facts read before the grammar ran onto the object's layout."""
    if document is PLAIN_DOCUMENT:
        return obj
    document = attrs.evolve(document, end_gap=obj.layout.document.end_gap)
    return attrs.evolve(obj, layout=attrs.evolve(obj.layout, document=document))


def _text(text: str | bytes) -> str:
    if isinstance(text, bytes):
        return _decode(text)
    if not isinstance(text, str):
        raise TypeError(f"newswiki reads str or bytes, not {type(text).__name__}")
    return text


@overload
def loads(text: str | bytes, *, strict: Literal[True] = True) -> Event | Article: ...
@overload
def loads(text: str | bytes, *, strict: bool) -> Document: ...
def loads(text: str | bytes, *, strict: bool = True) -> Document:
    """Read an event or an article from ``text``; the format is detected from its first line.

    ``bytes`` are decoded as UTF-8 (a byte order mark is kept as layout).  In strict mode (the
    default) text that breaks the format raises :class:`ParseError`; with ``strict=False``
    nothing is raised for text: lines that cannot be placed are kept as
    :class:`~newswiki.Unparsed` blocks (see :doc:`/errors`).

    >>> event = loads("### [2016-07-18](/news/2016/07/18/index.md)\\n\\n# Hello \\n")
    >>> event.date, event.headline
    (datetime.date(2016, 7, 18), 'Hello')
    """
    source = _text(text)
    if not strict:
        from newswiki.lenient import parse_lenient

        return parse_lenient(source, None)
    prepared = _prepare(source)
    kind = _detect(prepared[0])
    if kind is None:
        raise unknown_format(prepared[0])
    result: Event | Article = _parse(kind, source, prepared)
    return result


def parse_event(text: str | bytes, *, strict: bool = True) -> Event:
    """Read ``text`` as an event (see :func:`loads`); raise :class:`ParseError` otherwise.

    With ``strict=False``, text that cannot be read as an event at all still raises.
    """
    event: Event = _parse_as("event", Event, text, strict)
    return event


def parse_article(text: str | bytes, *, strict: bool = True) -> Article:
    """Read ``text`` as an article (see :func:`loads`); raise :class:`ParseError` otherwise.

    With ``strict=False``, text that cannot be read as an article at all still raises.
    """
    article: Article = _parse_as("article", Article, text, strict)
    return article


def _parse_as(kind: str, cls: type[Any], text: str | bytes, strict: bool) -> Any:
    source = _text(text)
    if strict:
        return _parse(kind, source)
    from newswiki.lenient import parse_lenient

    result = parse_lenient(source, kind)
    if not isinstance(result, cls):
        return _parse(kind, source)  # raises the strict ParseError, which says why
    return result


@overload
def load(
    fp: IO[Any] | str | os.PathLike[str], *, strict: Literal[True] = True
) -> Event | Article: ...
@overload
def load(fp: IO[Any] | str | os.PathLike[str], *, strict: bool) -> Document: ...
def load(fp: IO[Any] | str | os.PathLike[str], *, strict: bool = True) -> Document:
    """Read an event or an article from a path or an open file (see :func:`loads`).

    Files are best opened in binary mode: a text-mode file opened without ``newline=""``
    has its ``"\\r\\n"`` turned into ``"\\n"`` by Python before newswiki sees it.  Errors name
    the file (:attr:`ParseError.filename`).
    """
    name: object
    if isinstance(fp, (str, os.PathLike)):
        name = os.fspath(fp)
        with open(name, "rb") as file:
            data: str | bytes = file.read()
    else:
        name = getattr(fp, "name", None)
        data = fp.read()
    try:
        return loads(data, strict=strict)
    except ParseError as error:
        if isinstance(name, str):
            error.with_filename(name)
        raise
