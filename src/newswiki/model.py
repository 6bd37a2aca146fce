"""The typed objects newswiki reads into and writes from.

All classes are frozen, slotted :mod:`attrs` classes holding tuples.  Values are clean (no
padding spaces); how the file spelled them is kept in a ``layout`` field that takes no part in
``==``.  Validators refuse any value the writer could not write and read back unchanged.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

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


def as_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    """Store any iterable as a tuple (validators check the items; ``Any`` keeps mypy's attrs
    plugin from leaking a type variable into ``__init__``).

    A ``str`` is refused: it is an iterable of characters, and a value where a sequence of
    values is wanted (``context="Kazakhstan"``, ``body="One paragraph"``) is always a mistake
    that would otherwise be stored one character per item.  (Python's types cannot say "a
    sequence of ``str`` that is not a ``str``", so the check is made here.)
    """
    if isinstance(items, str):
        raise TypeError(
            f"a sequence of values is wanted here, not the str {_shown(items)}:"
            f" to give one value, write [{_shown(items)}]"
        )
    return tuple(items)


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


def _line(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """A single-line value without padding spaces."""
    if not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be a str, not {type(value).__name__}")
    _encodable(attribute.name, value)
    if "\n" in value:
        raise ValueError(f"{attribute.name} must be a single line: {value!r}")
    if value != value.strip(PADDING):
        raise ValueError(
            f"{attribute.name} must not start or end with spaces, tabs or CR: {value!r}"
        )


def _target(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """A link target: no spaces, tabs or newlines, and no ``](`` (it ends the link text)."""
    if not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be a str, not {type(value).__name__}")
    _encodable(attribute.name, value)
    if any(c in value for c in " \t\n") or "](" in value:
        raise ValueError(f"{attribute.name} must hold no spaces, tabs, newlines or '](': {value!r}")
    if value.count("]") > MAX_BRACKETS:
        raise ValueError(f"{attribute.name} must hold at most {MAX_BRACKETS} ']': {value!r}")


def _day_path(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """The date line's path: no spaces, tabs or newlines.  It may hold ``](``: the date before
    it has a fixed width, so the path is read from there to the line's last ``)``."""
    if not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be a str, not {type(value).__name__}")
    _encodable(attribute.name, value)
    if any(c in value for c in " \t\n"):
        raise ValueError(f"{attribute.name} must hold no spaces, tabs or newlines: {value!r}")


def _check_tags(inst: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for tag in value:
        _line(inst, attribute, tag)
        if not tag or ", " in tag or "](" in tag:
            raise ValueError(f"a tag must be non-empty and hold no ', ' or '](': {tag!r}")
    if sum(tag.count("]") for tag in value) > MAX_BRACKETS:
        raise ValueError(f"the tags must hold at most {MAX_BRACKETS} ']' in all: {value!r}")


def _lines_of(value: object, name: str) -> list[str]:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    _encodable(name, value)
    lines = value.split("\n")
    for line in lines:
        if not line.strip(PADDING):
            raise ValueError(f"{name} must not hold blank lines: {value!r}")
    return lines


def _event_paragraphs(_: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for paragraph in value:
        for line in _lines_of(paragraph, "a paragraph"):
            if line.startswith(("# ", "### ")):
                raise ValueError(f"a body line must not start with '# ' or '### ': {line!r}")


def _article_blocks(_: Any, attribute: attrs.Attribute[Any], value: tuple[Block, ...]) -> None:
    for block in value:
        if isinstance(block, BulletList):
            continue
        for line in _lines_of(block, "a paragraph"):
            if line.startswith(("==", "- ", "* ")):
                raise ValueError(
                    f"a paragraph line must not start with '==', '- ' or '* ': {line!r}"
                )


def _check_levels(parent_level: int, sections: tuple[Section, ...]) -> None:
    """Sibling sections must read back as siblings: each deeper than the parent, none deeper
    than the sibling before it (a deeper one would be read as that sibling's subsection)."""
    previous = 7
    for section in sections:
        if not isinstance(section, Section):
            raise TypeError(f"a subsection must be a Section, not {type(section).__name__}")
        if section.level <= parent_level:
            raise ValueError(
                f"section {section.title!r} (level {section.level}) must be deeper than"
                f" level {parent_level} to belong here"
            )
        if section.level > previous:
            raise ValueError(
                f"section {section.title!r} (level {section.level}) would be read as a"
                f" subsection of the section before it (level {previous})"
            )
        previous = section.level


@attrs.frozen
class Source:
    """A numbered line of the ``### Source:`` section: ``N. [NAME](URL)``."""

    #: The link text, e.g. ``"RT"``.
    name: str = attrs.field(validator=_line)
    #: The address, exactly as written.
    url: str = attrs.field(validator=_target)
    #: How the line was written, when not canonically (see :doc:`/roundtrip`); no part of ``==``.
    layout: LineLayout | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class RelatedEvent:
    """A numbered line of the ``### Related:`` section.

    ``N. [TITLE](PATH) _Context: TAG, TAG_``; :attr:`date` comes from the path.

    >>> item = RelatedEvent(title="T", path="/news/2016/06/7/t.md", context=["Kazakhstan"])
    >>> item.date
    datetime.date(2016, 6, 7)
    """

    #: The linked event's headline, without padding spaces.
    title: str = attrs.field(validator=_line)
    #: The linked event's file, e.g. ``/news/2016/06/7/slug.md``, exactly as written.
    path: str = attrs.field(validator=_target)
    #: The context tags, in order.  The format has no escape, so a tag holds no ``", "``.
    context: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=_check_tags)
    #: How the line was written, when not canonically (see :doc:`/roundtrip`); no part of ``==``.
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
    """

    #: The 1-based line number of the offending line.
    line: int
    #: The 1-based column number.
    column: int
    #: What the format allows there, in words, as :attr:`ParseError.expected
    #: <newswiki.ParseError.expected>`.
    expected: str
    #: What is there instead, as :attr:`ParseError.found <newswiki.ParseError.found>`: the
    #: start of the line, quoted, or ``"the end of the file"``.
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


@attrs.frozen
class Unparsed:
    """Lines that lenient parsing could not place, kept exactly and put back by the writer.

    A run of bad lines with nothing placed between them (blank lines at most) is one block:
    one problem to a reader, told once, by the :attr:`diagnostic` of its first bad line.
    """

    #: The 1-based number, in the file as read, of the first line of :attr:`text`.
    line: int = attrs.field(validator=attrs.validators.ge(1))
    #: The lines: the blank lines before the first bad one, then the run of bad lines and the
    #: blank lines between them, joined by ``"\n"``.  No lone surrogate (lenient parsing
    #: keeps a text holding one whole, as an :class:`UnparsedDocument`).
    text: str = attrs.field(validator=attrs.validators.instance_of(str))

    @text.validator
    def _text_is_utf8(self, attribute: attrs.Attribute[str], value: str) -> None:
        _encodable(attribute.name, value)

    #: Why they could not be placed: the first bad line's problem.
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
        raise TypeError(f"date must be a datetime.date, not {type(value).__name__}{hint}")


def _check_unparsed(_: Any, attribute: attrs.Attribute[Any], value: tuple[Unparsed, ...]) -> None:
    lines = [u.line for u in value]
    if lines != sorted(lines):
        raise ValueError("unparsed blocks must be in line order")


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
    """One news event: a date, a headline, a body, its sources and related events."""

    #: The day of the event.
    date: datetime.date = attrs.field(validator=_check_date)
    #: The day's index page; by default ``/news/YYYY/MM/DD/index.md``.
    path: str = attrs.field(
        default=attrs.Factory(_default_day_path, takes_self=True), validator=_day_path
    )
    #: The headline, often led by topics (see :attr:`topics`).
    headline: str = attrs.field(validator=_line)
    #: The paragraphs of the body; a paragraph may span lines (joined by ``"\n"``).
    body: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=_event_paragraphs)
    #: The lines of the ``### Source:`` section.
    sources: tuple[Source, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=attrs.validators.deep_iterable(attrs.validators.instance_of(Source)),
    )
    #: The lines of the ``### Related:`` section.
    related: tuple[RelatedEvent, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=attrs.validators.deep_iterable(attrs.validators.instance_of(RelatedEvent)),
    )
    #: Lines lenient parsing could not place (always empty in strict mode).
    unparsed: tuple[Unparsed, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_check_unparsed
    )
    #: How the file was written, where not canonically; no part of ``==``.
    layout: EventLayout | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class UndatedEvent(_Headlined):
    """An event whose date line lenient parsing had to set aside: a date that is no day
    (``### [2012-02-30](...)``), or a first line that is no date line at all.

    It holds every part of an :class:`Event` but the date line's two values, :attr:`Event.date`
    and :attr:`Event.path`: the line itself is the first of :attr:`unparsed`, kept exactly.
    Strict parsing never gives one (it raises); with ``strict=False`` it is one more kind of
    document beside :class:`Event`, :class:`Article` and :class:`UnparsedDocument`.
    """

    #: The headline, often led by topics (see :attr:`topics`).
    headline: str = attrs.field(validator=_line)
    #: The paragraphs of the body, as :attr:`Event.body`.
    body: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=_event_paragraphs)
    #: The lines of the ``### Source:`` section.
    sources: tuple[Source, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=attrs.validators.deep_iterable(attrs.validators.instance_of(Source)),
    )
    #: The lines of the ``### Related:`` section.
    related: tuple[RelatedEvent, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=attrs.validators.deep_iterable(attrs.validators.instance_of(RelatedEvent)),
    )
    #: Lines lenient parsing could not place; the first holds the date line.
    unparsed: tuple[Unparsed, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_check_unparsed
    )
    #: How the file was written, where not canonically (its ``date_line`` is ``None``); no
    #: part of ``==``.
    layout: EventLayout | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class InfoboxField:
    """One ``- KEY: VALUE`` line of an infobox."""

    #: The key; it ends at the first ``": "``, so it holds none.
    key: str = attrs.field(validator=_line)
    #: The value, free text; may hold ``": "`` and may be empty.
    value: str = attrs.field(validator=_line)
    #: How the line was written, when not canonically (see :doc:`/roundtrip`); no part of ``==``.
    layout: LineLayout | None = attrs.field(default=None, eq=False, repr=False)

    @key.validator
    def _key_has_no_separator(self, attribute: attrs.Attribute[str], value: str) -> None:
        if ": " in value:
            raise ValueError(f"an infobox key must not hold ': ': {value!r}")


@attrs.frozen
class Infobox(Mapping[str, str]):
    """The ``Infobox`` block: ordered fields, with a read-only mapping view.

    Keys may repeat: ``infobox[key]`` and ``infobox.get(key)`` give the first value,
    :meth:`get_all` every value in order.

    >>> box = Infobox((InfoboxField("Date", "5–10 June 2016"), InfoboxField("Date", "2017")))
    >>> box["Date"], box.get_all("Date"), len(box)
    ('5–10 June 2016', ('5–10 June 2016', '2017'), 1)
    """

    #: The fields, in file order.
    fields: tuple[InfoboxField, ...] = attrs.field(
        default=(),
        converter=as_tuple,
        validator=attrs.validators.deep_iterable(attrs.validators.instance_of(InfoboxField)),
    )
    #: How the ``Infobox`` line and the closing blank line were written; no part of ``==``.
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
        raise ValueError("a list needs at least one item")
    for item in value:
        _line(_, attribute, item)


@attrs.frozen
class BulletList:
    """A list in an article's lead or section: a run of lines that start with ``-`` (or
    ``*``) and a space, one item each."""

    #: The item texts, in order.
    items: tuple[str, ...] = attrs.field(converter=as_tuple, validator=_check_items)
    #: How the item lines were written (a ``*``, spaces); no part of ``==``.
    layout: ListLayout | None = attrs.field(default=None, eq=False, repr=False)


#: A block of an article's lead or section: a paragraph (``str``) or a :class:`BulletList`.
Block = str | BulletList


def _check_heading(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    _line(_, attribute, value)
    if not value or value[0] == "=" or value[-1] == "=":
        raise ValueError(f"a heading must be non-empty and not start or end with '=': {value!r}")


@attrs.frozen(kw_only=True)
class Section:
    """A heading (``==Title==``, level 2 to 6) with its blocks and subsections."""

    #: The heading's text, without the ``=`` marks and the spaces inside them.
    title: str = attrs.field(validator=_check_heading)
    #: 2 for ``==Title==`` down to 6 for ``======Title======``.
    level: int = attrs.field(
        default=2, validator=[attrs.validators.instance_of(int), attrs.validators.in_(range(2, 7))]
    )
    #: Paragraphs (``str``, lines joined by ``"\n"``) and :class:`BulletList` blocks, in order.
    blocks: tuple[Block, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_article_blocks
    )
    #: The sections one level down, each deeper than this one.
    subsections: tuple[Section, ...] = attrs.field(default=(), converter=as_tuple)
    #: How the heading line and the blank lines between the blocks were written; no part of
    #: ``==``.
    layout: SectionLayout | None = attrs.field(default=None, eq=False, repr=False)

    @subsections.validator
    def _subsections_nest(
        self, attribute: attrs.Attribute[Any], value: tuple[Section, ...]
    ) -> None:
        _check_levels(self.level, value)

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


@attrs.frozen(kw_only=True)
class Article(_Told):
    """An encyclopedia article: title, optional infobox, lead blocks and a tree of sections."""

    #: The text of the title line ``= TITLE =``.
    title: str = attrs.field(validator=_line)
    #: The infobox; ``None`` when the file has none (an empty one is an empty :class:`Infobox`).
    infobox: Infobox | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Infobox))
    )
    #: Blocks before the first heading.
    lead: tuple[Block, ...] = attrs.field(default=(), converter=as_tuple, validator=_article_blocks)
    #: The top-level sections; each holds its subsections.
    sections: tuple[Section, ...] = attrs.field(default=(), converter=as_tuple)
    #: Lines lenient parsing could not place (always empty in strict mode).
    unparsed: tuple[Unparsed, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_check_unparsed
    )
    #: How the file was written, where not canonically; no part of ``==``.
    layout: ArticleLayout | None = attrs.field(default=None, eq=False, repr=False)

    @sections.validator
    def _sections_nest(self, attribute: attrs.Attribute[Any], value: tuple[Section, ...]) -> None:
        _check_levels(1, value)

    def __attrs_post_init__(self) -> None:
        first = self.lead[0] if self.lead else None
        if (
            self.infobox is None
            and isinstance(first, str)
            and first.startswith("Infobox")  # before the split, which copies the whole block
            and first.split("\n", 1)[0].rstrip(PADDING) == "Infobox"
        ):
            raise ValueError("without an infobox, the lead cannot start with the line 'Infobox'")

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
        ``Shootings``.  Raises :class:`KeyError` when there is none.
        """
        if path:
            for found, section in self.walk():
                if found[-len(path) :] == path:
                    return section
        raise KeyError(path)


@attrs.frozen
class UnparsedDocument:
    """Text that lenient parsing could not read as an event or an article, kept whole."""

    #: The text exactly as given.
    text: str = attrs.field(validator=attrs.validators.instance_of(str))
    #: Why it could not be read: one entry per problem met; no part of ``==``.
    diagnostics: tuple[Diagnostic, ...] = attrs.field(default=(), converter=as_tuple, eq=False)


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
