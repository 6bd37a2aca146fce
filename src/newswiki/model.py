"""The typed objects newswiki reads into and writes from.

All classes are frozen, slotted :mod:`attrs` classes holding tuples.  Values are clean (no
padding spaces); how the file spelled them is kept in a ``layout`` field that takes no part in
``==``.  Validators refuse any value the writer could not write and read back unchanged.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs

from newswiki.layout import (
    ArticleLayout,
    EventLayout,
    InfoboxLayout,
    LineLayout,
    ListLayout,
    SectionLayout,
)
from newswiki.text import split_topics

__all__ = [
    "Article",
    "Block",
    "BulletList",
    "Diagnostic",
    "Document",
    "Event",
    "Infobox",
    "InfoboxField",
    "RelatedEvent",
    "Section",
    "Source",
    "UndatedEvent",
    "Unparsed",
    "UnparsedDocument",
    "canonical",
]

#: What a single-line value may not start or end with: the padding around it is layout.
PADDING = " \t\r"
#: The most ``]`` a link target (or the tags of a related line, in all) may hold: the grammar
#: reads them with a bounded pattern, so that memory stays small on any line.
MAX_BRACKETS = 8
_RELATED_DATE = re.compile(r"/news/([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})/")


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _got(value: object) -> str:
    """What a check was given, for its message: the type, and the value if it is short."""
    if value is None:
        return "None"
    kind, shown = type(value).__name__, repr(value)
    if len(shown) > 40:
        return kind
    if shown.startswith(kind):  # Source(name=...), not Source Source(name=...)
        return shown
    return f"{kind} {shown}"


def _kinds(wanted: Any) -> str:
    """``Source`` for a class, ``str or BulletList`` for a union."""
    return " or ".join(kind.__name__ for kind in typing.get_args(wanted)) or wanted.__name__


_I = TypeVar("_I")


def _as_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(items)


class _TupleOf(Generic[_I]):
    """The converter of a sequence field: ``converter=_TupleOf[Source]``.

    mypy's attrs plugin reads it as a converter that takes ``Iterable[Source]``, so the
    constructor's argument is typed by the field's items (``sources=["RT"]`` is a type error);
    at run time ``_TupleOf[Source]`` is ``_as_tuple``, a plain function (attrs reads a
    converter's signature when it makes a class: a Python function's is cheap to read, where
    ``tuple``'s would be parsed from text at every import).
    """

    def __init__(self, items: Iterable[_I]) -> None:  # what mypy reads; never called
        raise NotImplementedError

    def __class_getitem__(cls, item: object) -> Callable[[Iterable[Any]], tuple[Any, ...]]:
        return _as_tuple


@functools.cache
def _sequence_fields(cls: type) -> tuple[tuple[int, str, Any], ...]:
    """``(position, name, item type)`` of each sequence field of ``cls``, in ``__init__``."""
    hints = typing.get_type_hints(cls)
    init = [a for a in attrs.fields(cls) if a.init]
    return tuple(
        (position, a.name, typing.get_args(hints[a.name])[0])
        for position, a in enumerate(init)
        if a.converter is _as_tuple
    )


def _no_bare_str(self: Any, *args: Any, **kwargs: Any) -> None:
    """Refuse a ``str`` given where a sequence of values is wanted, naming the field."""
    # Run before the converters, which would take a str, an iterable of characters: given
    # where a sequence is wanted (context="Kazakhstan", body="One paragraph") it is always a
    # mistake that would be stored one character per item.  Python's types cannot say "a
    # sequence of str that is not a str", so mypy lets it through.  attrs passes every
    # argument: the positional fields' by position, the others by name.
    for position, name, item in _sequence_fields(self.__class__):
        value = args[position] if position < len(args) else kwargs.get(name)
        if isinstance(value, str):
            advice = f": to give one, write [{_shown(value)}]" if item is str else ""
            raise TypeError(
                f"{name} takes a sequence of {_kinds(item)}, not the str {_shown(value)}{advice}"
            )


def _items_are(wanted: type, _: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Every item of the sequence is a ``wanted`` (a validator, with ``wanted`` bound)."""
    for index, item in enumerate(value):
        if not isinstance(item, wanted):
            raise TypeError(
                f"{attribute.name} must hold {wanted.__name__} objects, not {_got(item)}"
                f" (item {index})"
            )


def _encodable(name: str, value: str) -> None:
    """No lone surrogate: no UTF-8 file can hold one, so ``loads`` refuses them too."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValueError(
                f"{name} must hold no lone surrogate (UTF-8 cannot hold"
                f" {value[error.start]!r}): {value!r}"
            ) from None


def _is_str(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be a str, not {_got(value)}")


def _text(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """A ``str`` that UTF-8 can hold."""
    if not isinstance(value, str):
        _is_str(_, attribute, value)  # raises, naming the field
    if not value.isascii():
        _encodable(attribute.name, value)


def _line(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """A single-line value without padding spaces."""
    _text(_, attribute, value)
    if "\n" in value:
        raise ValueError(f"{attribute.name} must be a single line: {value!r}")
    if value != value.strip(PADDING):
        raise ValueError(
            f"{attribute.name} must not start or end with spaces, tabs or CR: {value!r}"
        )


def _target(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """A link target: no spaces, tabs or newlines, and no ``](`` (it ends the link text)."""
    _text(_, attribute, value)
    if any(c in value for c in " \t\n") or "](" in value:
        raise ValueError(f"{attribute.name} must hold no spaces, tabs, newlines or '](': {value!r}")
    if value.count("]") > MAX_BRACKETS:
        raise ValueError(f"{attribute.name} must hold at most {MAX_BRACKETS} ']': {value!r}")


def _day_path(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """The date line's path: no spaces, tabs or newlines.  It may hold ``](``: the date before
    it has a fixed width, so the path is read from there to the line's last ``)``."""
    _text(_, attribute, value)
    if any(c in value for c in " \t\n"):
        raise ValueError(f"{attribute.name} must hold no spaces, tabs or newlines: {value!r}")


def _check_tags(inst: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for tag in value:
        _line(inst, attribute, tag)
        if not tag or ", " in tag or "](" in tag:
            raise ValueError(
                f"{attribute.name} must hold tags that are non-empty and hold no ', ' or '](':"
                f" {tag!r}"
            )
    if sum(tag.count("]") for tag in value) > MAX_BRACKETS:
        raise ValueError(
            f"{attribute.name} must hold at most {MAX_BRACKETS} ']' in all its tags: {value!r}"
        )


def _paragraph_lines(
    attribute: attrs.Attribute[Any], index: int, value: object, kinds: str
) -> list[str]:
    """The lines of ``value``, item ``index`` of a field of ``kinds``, none of them blank."""
    if not isinstance(value, str):
        raise TypeError(f"{attribute.name} must hold {kinds}, not {_got(value)} (item {index})")
    _encodable(attribute.name, value)
    lines = value.split("\n")
    for line in lines:
        if not line.strip(PADDING):
            raise ValueError(
                f"{attribute.name} must hold paragraphs without blank lines, not {value!r}"
                f" (item {index})"
            )
    return lines


def _event_paragraphs(_: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for index, paragraph in enumerate(value):
        for line in _paragraph_lines(attribute, index, paragraph, "str paragraphs"):
            if line.startswith(("# ", "### ")):
                raise ValueError(
                    f"{attribute.name} must hold no line that starts with '# ' or '### ':"
                    f" {line!r} (item {index})"
                )


def _article_blocks(_: Any, attribute: attrs.Attribute[Any], value: tuple[Block, ...]) -> None:
    for index, block in enumerate(value):
        if isinstance(block, BulletList):
            continue
        for line in _paragraph_lines(attribute, index, block, "str or BulletList blocks"):
            if line.startswith(("==", "- ", "* ")):
                raise ValueError(
                    f"{attribute.name} must hold no paragraph line that starts with '==', '- '"
                    f" or '* ': {line!r} (item {index})"
                )


def _check_levels(
    parent_level: int, attribute: attrs.Attribute[Any], sections: tuple[Section, ...]
) -> None:
    """Sibling sections must read back as siblings: each deeper than the parent, none deeper
    than the sibling before it (a deeper one would be read as that sibling's subsection)."""
    _items_are(Section, None, attribute, sections)
    previous = 7
    for section in sections:
        if section.level <= parent_level:
            raise ValueError(
                f"{attribute.name} must hold sections deeper than level {parent_level}, not"
                f" section {section.title!r} (level {section.level})"
            )
        if section.level > previous:
            raise ValueError(
                f"{attribute.name} must hold no section deeper than the one before it:"
                f" section {section.title!r} (level {section.level}) would be read as a"
                f" subsection of the section before it (level {previous})"
            )
        previous = section.level


@attrs.frozen
class Source:
    """A numbered line of the ``### Source:`` section: ``N. [NAME](URL)``.

    Attributes:
        name: The link text, e.g. ``"RT"``.
        url: The address, exactly as written.
        layout: How the line was written, when not canonically (see :doc:`/roundtrip`); no
            part of ``==``.
    """

    name: str = attrs.field(validator=_line)
    url: str = attrs.field(validator=_target)
    layout: LineLayout | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class RelatedEvent:
    """A numbered line of the ``### Related:`` section.

    ``N. [TITLE](PATH) _Context: TAG, TAG_``; :attr:`date` comes from the path.

    >>> item = RelatedEvent(title="T", path="/news/2016/06/7/t.md", context=["Kazakhstan"])
    >>> item.date
    datetime.date(2016, 6, 7)

    Attributes:
        title: The linked event's headline, without padding spaces.
        path: The linked event's file, e.g. ``/news/2016/06/7/slug.md``, exactly as written.
        context: The context tags, in order.  The format has no escape, so a tag holds no
            ``", "``.
        layout: How the line was written, when not canonically (see :doc:`/roundtrip`); no
            part of ``==``.
    """

    __attrs_pre_init__ = _no_bare_str

    title: str = attrs.field(validator=_line)
    path: str = attrs.field(validator=_target)
    context: tuple[str, ...] = attrs.field(
        default=(), converter=_TupleOf[str], validator=_check_tags
    )
    layout: LineLayout | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def date(self) -> datetime.date | None:
        """The date in :attr:`path` (``/news/YYYY/MM/D/...``, day not always zero-padded),
        or ``None`` when the path carries no valid date."""
        return _related_date(self.path)


@attrs.frozen
class Diagnostic:
    """A problem lenient parsing met: where it is, what was expected there and what was found.

    The parts are those of a :class:`~newswiki.ParseError`.  A document with many bad lines
    holds one diagnostic for each: the words of :attr:`expected` are shared by every line where
    the parser expected the same things, and :attr:`message` is made from the parts when asked.

    Attributes:
        line: The 1-based line number of the offending line.
        column: The 1-based column number.
        expected: What the format allows there, in words, as :attr:`ParseError.expected
            <newswiki.ParseError.expected>`.
        found: What is there instead, as :attr:`ParseError.found <newswiki.ParseError.found>`:
            the start of the line, quoted, or ``"the end of the file"``.
    """

    line: int
    column: int
    expected: str
    found: str = ""

    @property
    def message(self) -> str:
        """What was expected and what was found, as :attr:`ParseError.message
        <newswiki.ParseError.message>`.

        >>> Diagnostic(3, 1, "a headline `# TEXT`", "'Hello'").message
        "expected a headline `# TEXT`, found 'Hello'"
        """
        found = f", found {self.found}" if self.found else ""
        return f"expected {self.expected}{found}"


def _whole(attribute: attrs.Attribute[Any], value: object, low: int, high: int | None) -> None:
    """An ``int`` (not a ``bool``) from ``low`` to ``high`` (or more, without one)."""
    if type(value) is not int:
        raise TypeError(f"{attribute.name} must be an int, not {_got(value)}")
    if value < low or (high is not None and value > high):
        wanted = f"an int from {low} to {high}" if high is not None else f"an int of {low} or more"
        raise ValueError(f"{attribute.name} must be {wanted}, not {value}")


def _line_number(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    _whole(attribute, value, 1, None)


@attrs.frozen
class Unparsed:
    """Lines that lenient parsing could not place, kept exactly and put back by the writer.

    A run of bad lines with nothing placed between them (blank lines at most) is one block:
    one problem to a reader, told once, by the :attr:`diagnostic` of its first bad line.

    Attributes:
        line: The 1-based number, in the file as read, of the first line of :attr:`text`.
        text: The lines: the blank lines before the first bad one, then the run of bad lines
            and the blank lines between them, joined by ``"\\n"``.  No lone surrogate (lenient
            parsing keeps a text holding one whole, as an :class:`UnparsedDocument`).
        diagnostic: Why they could not be placed: the first bad line's problem.
    """

    line: int = attrs.field(validator=_line_number)
    text: str = attrs.field(validator=_is_str)

    @text.validator
    def _text_is_utf8(self, attribute: attrs.Attribute[str], value: str) -> None:
        _encodable(attribute.name, value)

    diagnostic: Diagnostic | None = attrs.field(default=None, eq=False)


def _related_date(path: str) -> datetime.date | None:
    """The date in a related event's path (``/news/YYYY/MM/D/...``), or ``None``."""
    match = _RELATED_DATE.match(path)
    if match is None:
        return None
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        return None


def _default_day_path(event: Event) -> str:
    day = event.date
    _check_date(event, None, day)  # the default path is made before the validators run
    return f"/news/{day.year:04d}/{day.month:02d}/{day.day:02d}/index.md"


def _check_date(_: Any, attribute: attrs.Attribute[Any] | None, value: object) -> None:
    if type(value) is not datetime.date:
        hint = ": read it with datetime.date.fromisoformat()" if isinstance(value, str) else ""
        raise TypeError(f"date must be a datetime.date, not {_got(value)}{hint}")


def _check_unparsed(_: Any, attribute: attrs.Attribute[Any], value: tuple[Unparsed, ...]) -> None:
    _items_are(Unparsed, _, attribute, value)
    lines = [u.line for u in value]
    if lines != sorted(lines):
        raise ValueError(f"{attribute.name} must hold its blocks in line order, not {lines}")


class _Told:
    """What lenient parsing tells of a document: its :attr:`diagnostics`."""

    __slots__ = ()
    unparsed: tuple[Unparsed, ...]

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """What lenient parsing met, in line order: one entry per :class:`Unparsed` block, and
        one per line read although the format does not spell it so (a date line without the
        zeros of its date, ``#Headline``), for as long as the writer writes it as read."""
        from newswiki.lenient import respelled

        told = [u.diagnostic for u in self.unparsed if u.diagnostic is not None]
        return tuple(sorted(told + respelled(self), key=lambda d: d.line))


class _Headlined(_Told):
    """The parts of an event that its headline gives."""

    __slots__ = ()
    headline: str

    @property
    def topics(self) -> tuple[str, ...]:
        """The topic prefixes of the headline (see :func:`newswiki.split_topics`)."""
        return split_topics(self.headline)[0]

    @property
    def sentence(self) -> str:
        """The headline without its topic prefixes."""
        return split_topics(self.headline)[1]


@attrs.frozen(kw_only=True)
class Event(_Headlined):
    """One news event: a date, a headline, a body, its sources and related events.

    Attributes:
        date: The day of the event.
        path: The day's index page; by default ``/news/YYYY/MM/DD/index.md``.
        headline: The headline, often led by topics (see :attr:`topics`).
        body: The paragraphs of the body; a paragraph may span lines (joined by ``"\\n"``).
        sources: The lines of the ``### Source:`` section.
        related: The lines of the ``### Related:`` section.
        unparsed: Lines lenient parsing could not place (always empty in strict mode).
        layout: How the file was written, where not canonically; no part of ``==``.
    """

    __attrs_pre_init__ = _no_bare_str

    date: datetime.date = attrs.field(validator=_check_date)
    path: str = attrs.field(
        default=attrs.Factory(_default_day_path, takes_self=True), validator=_day_path
    )
    headline: str = attrs.field(validator=_line)
    body: tuple[str, ...] = attrs.field(
        default=(), converter=_TupleOf[str], validator=_event_paragraphs
    )
    sources: tuple[Source, ...] = attrs.field(
        default=(), converter=_TupleOf[Source], validator=functools.partial(_items_are, Source)
    )
    related: tuple[RelatedEvent, ...] = attrs.field(
        default=(),
        converter=_TupleOf[RelatedEvent],
        validator=functools.partial(_items_are, RelatedEvent),
    )
    unparsed: tuple[Unparsed, ...] = attrs.field(
        default=(), converter=_TupleOf[Unparsed], validator=_check_unparsed
    )
    layout: EventLayout | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class UndatedEvent(_Headlined):
    """An event whose date line lenient parsing had to set aside: a date that is no day
    (``### [2012-02-30](...)``), or a first line that is no date line at all.

    It holds every part of an :class:`Event` but the date line's two values, :attr:`Event.date`
    and :attr:`Event.path`: the line itself is the first of :attr:`unparsed`, kept exactly.
    Strict parsing never gives one (it raises); with ``strict=False`` it is one more kind of
    document beside :class:`Event`, :class:`Article` and :class:`UnparsedDocument`.

    Attributes:
        headline: The headline, often led by topics (see :attr:`topics`).
        body: The paragraphs of the body, as :attr:`Event.body`.
        sources: The lines of the ``### Source:`` section.
        related: The lines of the ``### Related:`` section.
        unparsed: Lines lenient parsing could not place; the first holds the date line.
        layout: How the file was written, where not canonically (its ``date_line`` is
            ``None``); no part of ``==``.
    """

    __attrs_pre_init__ = _no_bare_str

    headline: str = attrs.field(validator=_line)
    body: tuple[str, ...] = attrs.field(
        default=(), converter=_TupleOf[str], validator=_event_paragraphs
    )
    sources: tuple[Source, ...] = attrs.field(
        default=(), converter=_TupleOf[Source], validator=functools.partial(_items_are, Source)
    )
    related: tuple[RelatedEvent, ...] = attrs.field(
        default=(),
        converter=_TupleOf[RelatedEvent],
        validator=functools.partial(_items_are, RelatedEvent),
    )
    unparsed: tuple[Unparsed, ...] = attrs.field(
        default=(), converter=_TupleOf[Unparsed], validator=_check_unparsed
    )
    layout: EventLayout | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class InfoboxField:
    """One ``- KEY: VALUE`` line of an infobox.

    Attributes:
        key: The key; it ends at the first ``": "``, so it holds none.
        value: The value, free text; may hold ``": "`` and may be empty.
        layout: How the line was written, when not canonically (see :doc:`/roundtrip`); no
            part of ``==``.
    """

    key: str = attrs.field(validator=_line)
    value: str = attrs.field(validator=_line)
    layout: LineLayout | None = attrs.field(default=None, eq=False, repr=False)

    @key.validator
    def _key_has_no_separator(self, attribute: attrs.Attribute[str], value: str) -> None:
        if ": " in value:
            raise ValueError(f"{attribute.name} must not hold ': ': {value!r}")


@attrs.frozen
class Infobox(Mapping[str, str]):
    """The ``Infobox`` block: ordered fields, with a read-only mapping view.

    Keys may repeat: ``infobox[key]`` and ``infobox.get(key)`` give the first value,
    :meth:`get_all` every value in order.

    >>> box = Infobox((InfoboxField("Date", "5–10 June 2016"), InfoboxField("Date", "2017")))
    >>> box["Date"], box.get_all("Date"), len(box)
    ('5–10 June 2016', ('5–10 June 2016', '2017'), 1)

    Attributes:
        fields: The fields, in file order.
        layout: How the ``Infobox`` line and the closing blank line were written; no part of
            ``==``.
    """

    __attrs_pre_init__ = _no_bare_str

    fields: tuple[InfoboxField, ...] = attrs.field(
        default=(),
        converter=_TupleOf[InfoboxField],
        validator=functools.partial(_items_are, InfoboxField),
    )
    layout: InfoboxLayout | None = attrs.field(default=None, eq=False, repr=False)

    def __getitem__(self, key: str) -> str:
        for item in self.fields:
            if item.key == key:
                return item.value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(item.key for item in self.fields))

    def __len__(self) -> int:
        return len({item.key for item in self.fields})

    def get_all(self, key: str) -> tuple[str, ...]:
        """Every value for ``key``, in file order (empty when the key is absent)."""
        return tuple(item.value for item in self.fields if item.key == key)


def _check_items(_: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    if not value:
        raise ValueError(f"{attribute.name} must hold at least one item, not {value!r}")
    for item in value:
        _line(_, attribute, item)


@attrs.frozen
class BulletList:
    """A list in an article's lead or section: a run of lines that start with ``-`` (or
    ``*``) and a space, one item each.

    Attributes:
        items: The item texts, in order.
        layout: How the item lines were written (a ``*``, spaces); no part of ``==``.
    """

    __attrs_pre_init__ = _no_bare_str

    items: tuple[str, ...] = attrs.field(converter=_TupleOf[str], validator=_check_items)
    layout: ListLayout | None = attrs.field(default=None, eq=False, repr=False)


#: A block of an article's lead or section: a paragraph (``str``) or a :class:`BulletList`.
Block = str | BulletList


def _check_heading(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    _line(_, attribute, value)
    if not value or value[0] == "=" or value[-1] == "=":
        raise ValueError(
            f"{attribute.name} must be non-empty and not start or end with '=': {value!r}"
        )


def _heading_level(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    _whole(attribute, value, 2, 6)


@attrs.frozen(kw_only=True)
class Section:
    """A heading (``==Title==``, level 2 to 6) with its blocks and subsections.

    Attributes:
        title: The heading's text, without the ``=`` marks and the spaces inside them.
        level: 2 for ``==Title==`` down to 6 for ``======Title======``.
        blocks: Paragraphs (``str``, lines joined by ``"\\n"``) and :class:`BulletList`
            blocks, in order.
        subsections: The sections one level down, each deeper than this one.
        layout: How the heading line and the blank lines between the blocks were written; no
            part of ``==``.
    """

    __attrs_pre_init__ = _no_bare_str

    title: str = attrs.field(validator=_check_heading)
    level: int = attrs.field(default=2, validator=_heading_level)
    blocks: tuple[Block, ...] = attrs.field(
        default=(), converter=_TupleOf[Block], validator=_article_blocks
    )
    # The class is not defined yet: its name, which mypy reads as the class.
    subsections: tuple[Section, ...] = attrs.field(default=(), converter=_TupleOf["Section"])
    layout: SectionLayout | None = attrs.field(default=None, eq=False, repr=False)

    @subsections.validator
    def _subsections_nest(
        self, attribute: attrs.Attribute[Any], value: tuple[Section, ...]
    ) -> None:
        _check_levels(self.level, attribute, value)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The paragraphs among :attr:`blocks`."""
        return tuple(b for b in self.blocks if isinstance(b, str))

    def walk(self) -> Iterator[tuple[tuple[str, ...], Section]]:
        """Yield ``(path, section)`` for this section and every one below it, in file order.

        ``path`` is the tuple of titles from this section down; its length is the depth.
        """
        stack: list[tuple[tuple[str, ...], Section]] = [((self.title,), self)]
        while stack:
            path, section = stack.pop()
            yield path, section
            stack.extend(((*path, s.title), s) for s in reversed(section.subsections))


def _optional_infobox(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Infobox):
        raise TypeError(f"{attribute.name} must be an Infobox or None, not {_got(value)}")


@attrs.frozen(kw_only=True)
class Article(_Told):
    """An encyclopedia article: title, optional infobox, lead blocks and a tree of sections.

    Attributes:
        title: The text of the title line ``= TITLE =``.
        infobox: The infobox; ``None`` when the file has none (an empty one is an empty
            :class:`Infobox`).
        lead: Blocks before the first heading.
        sections: The top-level sections; each holds its subsections.
        unparsed: Lines lenient parsing could not place (always empty in strict mode).
        layout: How the file was written, where not canonically; no part of ``==``.
    """

    __attrs_pre_init__ = _no_bare_str

    title: str = attrs.field(validator=_line)
    infobox: Infobox | None = attrs.field(default=None, validator=_optional_infobox)
    lead: tuple[Block, ...] = attrs.field(
        default=(), converter=_TupleOf[Block], validator=_article_blocks
    )
    sections: tuple[Section, ...] = attrs.field(default=(), converter=_TupleOf[Section])
    unparsed: tuple[Unparsed, ...] = attrs.field(
        default=(), converter=_TupleOf[Unparsed], validator=_check_unparsed
    )
    layout: ArticleLayout | None = attrs.field(default=None, eq=False, repr=False)

    @sections.validator
    def _sections_nest(self, attribute: attrs.Attribute[Any], value: tuple[Section, ...]) -> None:
        _check_levels(1, attribute, value)

    def __attrs_post_init__(self) -> None:
        first = self.lead[0] if self.lead else None
        if (
            self.infobox is None
            and isinstance(first, str)
            and first.startswith("Infobox")  # before the split, which copies the whole block
            and first.split("\n", 1)[0].rstrip(PADDING) == "Infobox"
        ):
            raise ValueError(
                "lead must not start with the line 'Infobox' when infobox is None (it would be"
                f" read as the infobox): {first!r}"
            )

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The paragraphs of the lead."""
        return tuple(b for b in self.lead if isinstance(b, str))

    def walk(self) -> Iterator[tuple[tuple[str, ...], Section]]:
        """Yield ``(path, section)`` for every section in file order (the flat view).

        >>> article = Article(title="T", sections=[Section(title="A", subsections=[
        ...     Section(title="B", level=3)])])
        >>> [path for path, _ in article.walk()]
        [('A',), ('A', 'B')]
        """
        for section in self.sections:
            yield from section.walk()

    def section(self, *path: str) -> Section:
        """The first section, in file order, whose titles from the top end with ``path``.

        ``article.section("Shootings")`` finds a section at any depth;
        ``article.section("Shootings", "Initial shootings")`` one whose parent is
        ``Shootings``.

        Raises:
            KeyError: there is none; the message names what was looked for and the sections
                there are.
        """
        if path:
            for found, section in self.walk():
                if found[-len(path) :] == path:
                    return section
        titles = [" > ".join(found) for found, _ in self.walk()]
        there = f"its sections: {'; '.join(titles)}" if titles else "it has no sections"
        raise KeyError(f"no section {' > '.join(path)!r} in the article {self.title!r} ({there})")


@attrs.frozen
class UnparsedDocument:
    """Text that lenient parsing could not read as an event or an article, kept whole.

    Attributes:
        text: The text exactly as given.
        diagnostics: Why it could not be read: one entry per problem met; no part of ``==``.
    """

    __attrs_pre_init__ = _no_bare_str

    text: str = attrs.field(validator=_is_str)
    diagnostics: tuple[Diagnostic, ...] = attrs.field(
        default=(),
        converter=_TupleOf[Diagnostic],
        validator=functools.partial(_items_are, Diagnostic),
        eq=False,
    )


#: What :func:`newswiki.loads` returns: an event or an article, or with ``strict=False`` also
#: an :class:`UndatedEvent` or an :class:`UnparsedDocument`.
Document = Event | Article | UndatedEvent | UnparsedDocument


_T = TypeVar("_T")


def canonical(obj: _T) -> _T:
    """``obj`` with every remembered layout dropped: it is written in the canonical layout.

    Takes any model object (an :class:`Event`, a :class:`Section` ...) or a tuple of them, and
    gives back one of the same type; anything else comes back as it is.

    Lines that lenient parsing set aside stay between the same neighbours (in such a document,
    the header of a section without items stays too, canonically spelled).

    >>> import newswiki
    >>> event = newswiki.loads("### [2016-07-18](/news/2016/07/18/index.md)\\n# Hi  \\n")
    >>> newswiki.dumps(canonical(event))
    '### [2016-07-18](/news/2016/07/18/index.md)\\n\\n# Hi\\n'
    """
    result: _T = _without_layout(obj)
    return result


def _without_layout(obj: Any) -> Any:
    if isinstance(obj, tuple):
        return tuple(_without_layout(item) for item in obj)
    if not attrs.has(type(obj)):
        return obj
    changes = {
        a.name: None if a.name == "layout" else _without_layout(getattr(obj, a.name))
        for a in attrs.fields(type(obj))
        if a.init
    }
    result = attrs.evolve(obj, **changes)
    if isinstance(obj, (Event, UndatedEvent)) and obj.unparsed and obj.layout is not None:
        # A section without items is there only in its header's layout: where lines were set
        # aside, keep the header (canonically spelled), which may be their neighbour.
        layout = obj.layout
        sources = LineLayout() if layout.sources_header is not None and not obj.sources else None
        related = LineLayout() if layout.related_header is not None and not obj.related else None
        if sources or related:
            kept = EventLayout(sources_header=sources, related_header=related)
            result = attrs.evolve(result, layout=kept)
    if isinstance(obj, Article) and obj.unparsed and result.infobox is not None:
        # Nothing but set-aside lines after an infobox: its closing line is there only in its
        # layout.  It stays (canonically spelled), or the first blank line of those lines
        # would be read as it.
        box = obj.infobox.layout if obj.infobox is not None else None
        if box is not None and box.end and not (obj.lead or obj.sections):
            closed = attrs.evolve(result.infobox, layout=InfoboxLayout(end="\n"))
            result = attrs.evolve(result, infobox=closed)
    if isinstance(obj, (Event, UndatedEvent, Article)) and obj.unparsed:
        # Lines that lenient parsing set aside stay between the same neighbours.
        from newswiki.write import placed_unparsed

        result = attrs.evolve(result, unparsed=placed_unparsed(obj, result))
    return result


class _Computed:
    """The default of a field computed from others (``Event.path``), as signatures show it."""

    def __repr__(self) -> str:
        return "..."


def _readable_signature(cls: type) -> None:
    """Give ``cls.__init__`` the signature ``help()`` and the API page show: the types
    themselves, not the strings of the annotations; a sequence field taking any iterable of
    its items (what its converter takes); a computed default as ``...``, not attrs'
    ``NOTHING``."""
    hints = typing.get_type_hints(cls, globals())
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for field in attrs.fields(cls):
        if not field.init:
            continue
        annotation = hints[field.name]
        if field.converter is _as_tuple:  # a sequence field (see _TupleOf)
            annotation = types.GenericAlias(Iterable, typing.get_args(annotation)[:1])
        default: object = field.default
        if default is attrs.NOTHING:
            default = inspect.Parameter.empty
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = _Computed()
        kind = (
            inspect.Parameter.KEYWORD_ONLY
            if field.kw_only
            else inspect.Parameter.POSITIONAL_OR_KEYWORD
        )
        parameters.append(
            inspect.Parameter(field.name, kind, default=default, annotation=annotation)
        )
    init: Any = cls.__dict__["__init__"]
    init.__signature__ = inspect.Signature(parameters, return_annotation=None)


for _cls in [c for c in list(globals().values()) if attrs.has(c) and c.__module__ == __name__]:
    _readable_signature(_cls)
