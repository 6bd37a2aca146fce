"""Layout: how a parsed file spelled its values, and where it put them, kept beside them.

Every model class has a ``layout`` field that takes no part in ``==``, ``hash`` or ``repr``.
``None`` means canonical: objects built by hand are written in the canonical layout and have no
position; parsed objects are written back byte for byte and know the lines they came from
(:func:`position`).  The writer keeps each remembered part of a line (the blank lines before
it, its list number, the padding around each value, the separators, trailing spaces) and puts
the current values in, so an object changed with :func:`attrs.evolve` is written with the
layout of everything that did not change, and never with a stale value (see :doc:`/roundtrip`).

Layout objects are made by the parser; build them by hand only to copy them between objects.
:func:`newswiki.canonical` drops all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

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
    "Span",
    "position",
]

# The canonical blank lines before each kind of line (see docs/formats.md, "Canonical layout").
#: No blank line: a list item after the first, an infobox field, a block right after a heading.
NO_GAP = ""
#: One empty line: before the headline, a paragraph, the first item of a list.
ONE_BLANK = "\n"
#: Two empty lines: before an event's first section header.
TWO_BLANKS = "\n\n"

# Blank lines: spaces, tabs, "\r" and newlines, ending in a newline.  One character class, not
# a repeated group: Python's re keeps state per repetition (32 bytes per blank line).
_GAP = re.compile(r"(?:[ \t\r\n]*\n)?\Z")
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


def _check_newline(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if value not in _NEWLINES:
        raise ValueError(f"{attribute.name} must be '\\n' or '\\r\\n', not {value!r}")


def _check_gaps(_: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...] | None) -> None:
    for gap in value or ():
        _check_gap(_, attribute, gap)


class Span(NamedTuple):
    """Where a parsed node sits in the file it was read from: its first and last line, both
    1-based and inclusive (blank lines before and after it are not part of it).

    Line numbers count the lines of the file as read, whatever its line ends; a node of one
    line has ``first == last``.  A span is a tuple: ``first, last = span`` works too.

    - ``first``: the 1-based number of the node's first line.
    - ``last``: the 1-based number of the node's last line.
    """

    first: int
    last: int


# No weak references to layouts: a slot for them costs 8 bytes on every parsed line.
@attrs.frozen(weakref_slot=False)
class LineLayout:
    """How one line was written: the blank lines before it, its own spelling, and where it was.

    The writer takes the parts of :attr:`text` that are layout (list number, padding around
    each value, separators, trailing spaces) and puts the object's current values between
    them; a part that no longer fits falls back to its canonical spelling (see
    :doc:`/roundtrip`).
    """

    #: Blank lines before the line, exactly as written (``"\n"`` is one empty line);
    #: ``None`` for the canonical number.
    gap: str | None = attrs.field(default=None, validator=_check_gap)
    #: The line as written (without its newline), when it differs from the canonical spelling.
    text: str | None = attrs.field(default=None, validator=_check_line)
    #: The 1-based number of the line in the file it was read from (see :attr:`span`);
    #: ``None`` for a line built by hand.
    line: int | None = None
    #: What the parser read the line as, so that an unchanged line is written without being
    #: read again: the values of a headline, title, date line or heading that is not spelled
    #: canonically, the items read under a section header or an ``Infobox`` line (a list
    #: item's values are found there, so its own layout keeps no copy).  Set by the parser
    #: only: a layout built by hand (or copied with :func:`attrs.evolve`) has none, and the
    #: writer checks its :attr:`text` part by part.
    reads_as: tuple[Any, ...] = attrs.field(init=False, default=(), eq=False, repr=False)

    @property
    def span(self) -> Span | None:
        """The line's place in the file it was read from, as a :class:`Span` of one line;
        ``None`` for a line built by hand."""
        line = self.line
        return None if line is None else Span(line, line)


@attrs.frozen(weakref_slot=False)
class ListLayout:
    """How a list block's items were written: one spelling (or ``None``) per item."""

    #: Each item line as written, or ``None`` where it was canonical.
    items: tuple[str | None, ...] = attrs.field(default=(), converter=_as_tuple)
    #: The number of the list's first line in the file it was read from (item ``i`` is on
    #: line ``line + i``); ``None`` for a list built by hand.
    line: int | None = None
    #: The items the spellings were read with; set by the parser only.
    reads_as: tuple[Any, ...] = attrs.field(init=False, default=(), eq=False, repr=False)

    @property
    def span(self) -> Span | None:
        """The list's lines in the file it was read from; ``None`` for a list built by hand."""
        first = self.line
        return None if first is None else Span(first, first + max(len(self.items), 1) - 1)


@attrs.frozen(weakref_slot=False)
class BlockLayout:
    """Blank lines before each block (paragraph or list) of a body, lead or section."""

    #: One gap per block, as written.
    gaps: tuple[str, ...] = attrs.field(default=(), converter=_as_tuple, validator=_check_gaps)
    #: The number of each block's first line in the file it was read from (see :attr:`spans`).
    lines: tuple[int, ...] = attrs.field(default=(), converter=_as_tuple)
    #: The blocks the gaps were read with; set by the parser only.
    reads_as: tuple[Any, ...] = attrs.field(init=False, default=(), eq=False, repr=False)

    @property
    def spans(self) -> tuple[Span, ...]:
        """One :class:`Span` per block read (a paragraph is a ``str`` and has no layout of its
        own); empty for a layout built by hand.  Made when asked: parsing keeps first lines."""
        return tuple(
            Span(
                first,
                first + (block.count("\n") if isinstance(block, str) else len(block.items) - 1),
            )
            for first, block in zip(self.lines, self.reads_as, strict=False)
        )


@attrs.frozen(kw_only=True)
class DocumentLayout:
    """Facts of the whole file: byte order mark, line ends, final newline, blank lines at end."""

    #: The file started with a UTF-8 byte order mark (U+FEFF).
    bom: bool = False
    #: The line end used throughout: ``"\n"`` or ``"\r\n"``.
    newline: str = attrs.field(default="\n", validator=_check_newline)
    #: The last line ended with a newline.
    final_newline: bool = True
    #: Blank lines after the last line.
    end_gap: str = attrs.field(default="", validator=_check_gap)


#: The facts of a file written canonically; one shared instance, as a frozen one can be.
PLAIN_DOCUMENT = DocumentLayout()


@attrs.frozen(kw_only=True)
class EventLayout:
    """Layout of an :class:`~newswiki.Event` outside its sources and related events."""

    #: Byte order mark, line ends, final newline, blank lines at the end.
    document: DocumentLayout = PLAIN_DOCUMENT
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
    #: The event's lines, from the date line to its last non-blank line.
    span: Span | None = None


@attrs.frozen(kw_only=True)
class InfoboxLayout:
    """Layout of an :class:`~newswiki.Infobox`: its ``Infobox`` line and closing blank line."""

    #: The ``Infobox`` line.
    line: LineLayout | None = None
    #: The blank line that closes the infobox, as written.  ``None`` is canonical: one empty
    #: line when something follows the infobox, nothing when it ends the file.
    end: str | None = attrs.field(default=None, validator=_check_gap)
    #: The infobox's lines, from the ``Infobox`` line to its last field.
    span: Span | None = None


@attrs.frozen(kw_only=True)
class ArticleLayout:
    """Layout of an :class:`~newswiki.Article` outside its infobox and sections."""

    #: Byte order mark, line ends, final newline, blank lines at the end.
    document: DocumentLayout = PLAIN_DOCUMENT
    #: The title line ``= TITLE =``.
    title_line: LineLayout | None = None
    #: Blank lines before each block of the lead.
    lead: BlockLayout | None = None
    #: The article's lines, from the title line to its last non-blank line.
    span: Span | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class SectionLayout:
    """Layout of a :class:`~newswiki.Section`: its heading line and the gaps of its blocks."""

    #: The heading line ``==TITLE==``.
    heading: LineLayout | None = None
    #: Blank lines before each block of the section.
    blocks: BlockLayout | None = None
    #: The number of the section's last line (of its last block or subsection) in the file it
    #: was read from; ``None`` for a section built by hand.
    last: int | None = None

    @property
    def span(self) -> Span | None:
        """The section's lines, from its heading to the last line of its last block or
        subsection; ``None`` for a section built by hand."""
        first = self.heading.line if self.heading is not None else None
        last = self.last
        return None if first is None or last is None else Span(first, last)


def position(node: object) -> Span | None:
    """The lines ``node`` was read from, or ``None`` for a node built by hand.

    ``node`` is anything with a ``layout``: an :class:`~newswiki.Event` or
    :class:`~newswiki.Article` (the whole document), a :class:`~newswiki.Source`,
    :class:`~newswiki.RelatedEvent`, :class:`~newswiki.InfoboxField` (one line each), an
    :class:`~newswiki.Infobox`, a :class:`~newswiki.Section` (its heading down to its last
    line) or a :class:`~newswiki.BulletList`.  Paragraphs are ``str``: their spans are in
    :attr:`BlockLayout.spans`.  Positions survive :func:`attrs.evolve` (an edited node still
    says where it was read from) and are dropped by :func:`~newswiki.canonical`.

    >>> import newswiki
    >>> event = newswiki.loads(open("examples/event-almaty-2016-07-18.md", "rb").read())
    >>> newswiki.position(event.related[0]), newswiki.position(event)
    (Span(first=14, last=14), Span(first=1, last=23))
    >>> newswiki.position(event.related[0]).first
    14
    """
    layout = getattr(node, "layout", None)
    span = getattr(layout, "span", None)
    return span if isinstance(span, Span) else None
