"""Layout: how a parsed file spelled its values, kept beside them.

Every model class has a ``layout`` field that takes no part in ``==``, ``hash`` or ``repr``.
``None`` means canonical: objects built by hand are written in the canonical layout, parsed
objects are written back byte for byte.  The writer reuses a remembered spelling only while it
still reads back as the current value (see :class:`LineLayout`), so an object changed with
:func:`attrs.evolve` is written with the layout of everything that did not change, and never
with a stale spelling.

Layout objects are made by the parser; build them by hand only to copy them between objects.
:func:`newswiki.canonical` drops all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

__all__ = [
    "ArticleLayout",
    "BlockLayout",
    "DocumentLayout",
    "EventLayout",
    "InfoboxLayout",
    "LineLayout",
    "ListLayout",
    "SectionLayout",
]

_GAP = re.compile(r"(?:[ \t\r]*\n)*\Z")
_NEWLINES = ("\n", "\r\n")


def _as_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(items)


def _check_gap(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and not _GAP.match(value):
        raise ValueError(
            f"{attribute.name} must be blank lines (spaces, tabs, newlines): {value!r}"
        )


def _check_line(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and "\n" in value:
        raise ValueError(f"{attribute.name} must be a single line: {value!r}")


def _check_gaps(_: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...] | None) -> None:
    for gap in value or ():
        _check_gap(_, attribute, gap)


@attrs.frozen
class LineLayout:
    """How one line was written: the blank lines before it and its own spelling."""

    #: Blank lines before the line, exactly as written (``"\n"`` is one empty line);
    #: ``None`` for the canonical number.
    gap: str | None = attrs.field(default=None, validator=_check_gap)
    #: The line as written (without its newline), when it differs from the canonical spelling.
    text: str | None = attrs.field(default=None, validator=_check_line)
    #: The values :attr:`text` reads as; the writer uses :attr:`text` only while the object
    #: still holds exactly these values.
    reads_as: tuple[object, ...] = ()


@attrs.frozen
class ListLayout:
    """How a list block's items were written: one spelling (or ``None``) per item."""

    #: Each item line as written, or ``None`` where it was canonical.
    items: tuple[str | None, ...] = attrs.field(default=(), converter=_as_tuple)


@attrs.frozen
class BlockLayout:
    """Blank lines before each block (paragraph or list) of a body, lead or section."""

    #: One gap per block, as written.
    gaps: tuple[str, ...] = attrs.field(default=(), converter=_as_tuple, validator=_check_gaps)


@attrs.frozen(kw_only=True)
class DocumentLayout:
    """Facts of the whole file: byte order mark, line ends, final newline, blank lines at end."""

    #: The file started with a UTF-8 byte order mark (U+FEFF).
    bom: bool = False
    #: The line end used throughout: ``"\n"`` or ``"\r\n"``.
    newline: str = attrs.field(default="\n", validator=attrs.validators.in_(_NEWLINES))
    #: The last line ended with a newline.
    final_newline: bool = True
    #: Blank lines after the last line.
    end_gap: str = attrs.field(default="", validator=_check_gap)


@attrs.frozen(kw_only=True)
class EventLayout:
    """Layout of an :class:`~newswiki.Event` outside its sources and related events."""

    #: Byte order mark, line ends, final newline, blank lines at the end.
    document: DocumentLayout = DocumentLayout()
    #: The date line ``### [YYYY-MM-DD](PATH)``.
    date_line: LineLayout | None = None
    #: The headline ``# TEXT``.
    headline: LineLayout | None = None
    #: Blank lines before each paragraph of the body.
    body: BlockLayout | None = None
    #: The ``### Source:`` line; kept also when the section has no items.
    sources_header: LineLayout | None = None
    #: The ``### Related:`` line; kept also when the section has no items.
    related_header: LineLayout | None = None


@attrs.frozen(kw_only=True)
class InfoboxLayout:
    """Layout of an :class:`~newswiki.Infobox`: its ``Infobox`` line and closing blank line."""

    #: The ``Infobox`` line.
    line: LineLayout | None = None
    #: The blank line that closes the infobox, as written.  ``None`` is canonical: one empty
    #: line when something follows the infobox, nothing when it ends the file.
    end: str | None = attrs.field(default=None, validator=_check_gap)


@attrs.frozen(kw_only=True)
class ArticleLayout:
    """Layout of an :class:`~newswiki.Article` outside its infobox and sections."""

    #: Byte order mark, line ends, final newline, blank lines at the end.
    document: DocumentLayout = DocumentLayout()
    #: The title line ``= TITLE =``.
    title_line: LineLayout | None = None
    #: Blank lines before each block of the lead.
    lead: BlockLayout | None = None


@attrs.frozen(kw_only=True)
class SectionLayout:
    """Layout of a :class:`~newswiki.Section`: its heading line and the gaps of its blocks."""

    #: The heading line ``==TITLE==``.
    heading: LineLayout | None = None
    #: Blank lines before each block of the section.
    blocks: BlockLayout | None = None
