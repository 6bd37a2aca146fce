"""Read text into model objects: the entry points (the steps are in :mod:`newswiki.reader`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import IO, Any, Literal, TypeVar, overload

from newswiki.errors import ParseError
from newswiki.lenient import parse_lenient
from newswiki.model import Article, Document, Event, UnparsedDocument
from newswiki.reader import (
    detect,
    looks_utf16,
    parse_prepared,
    prepare,
    source_text,
    unencodable,
    unknown_format,
    utf16_error,
)

T = TypeVar("T")

__all__ = ["load", "loads", "parse_article", "parse_event"]


def _parse(source: str, kind: str | None, decoded: bool) -> Any:
    """Read ``source`` in strict mode, as ``kind`` or as the format its first line shows;
    ``decoded`` when it was decoded from UTF-8, which leaves no lone surrogate to look for."""
    text, document = prepare(source)
    kind = kind or detect(text)
    if kind is None:
        raise unknown_format(text)
    refused = None if decoded else unencodable(text)
    if refused is not None:
        raise refused
    return parse_prepared(kind, text, document)


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
    if not strict:
        return _read(text, lambda source: parse_lenient(source, None))
    result: Event | Article = _read(
        text, lambda source: _parse(source, None, isinstance(text, bytes))
    )
    return result


def _read(text: str | bytes, read: Callable[[str], T]) -> T:
    """``read`` of ``text`` as a ``str``; bytes that look like UTF-16 (and are UTF-8 all
    the same) are refused as UTF-16 when they give nothing: a :class:`ParseError`, or an
    :class:`~newswiki.UnparsedDocument`."""
    source = source_text(text)
    if not isinstance(text, bytes) or not looks_utf16(text):
        return read(source)
    try:
        result = read(source)
    except ParseError:
        result = None
    if result is None or isinstance(result, UnparsedDocument):
        raise utf16_error()
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
    def read(source: str) -> Any:
        if strict:
            return _parse(source, kind, isinstance(text, bytes))
        result = parse_lenient(source, kind)
        if not isinstance(result, cls):
            return _parse(
                source, kind, isinstance(text, bytes)
            )  # raises the strict ParseError, which says why
        return result

    return _read(text, read)


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
