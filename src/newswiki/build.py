"""Build model objects from the tokens of the grammars, while Lark parses.

Each callback receives the tokens of one grammar rule.  A token is a line (or a run of lines)
with the blank lines before it; the terminal's own pattern, compiled on its own, splits it into
values and layout.  Layout is stored only where it differs from the canonical layout, so a
canonical file costs nothing extra.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import attrs
from lark import Token, Transformer

from newswiki.grammar import without_groups
from newswiki.layout import (
    NO_GAP,
    ONE_BLANK,
    PLAIN_DOCUMENT,
    TWO_BLANKS,
    ArticleLayout,
    BlockLayout,
    DocumentLayout,
    EventLayout,
    InfoboxLayout,
    LineLayout,
    ListLayout,
    SectionLayout,
    Span,
)
from newswiki.model import (
    PADDING,
    Article,
    BulletList,
    Event,
    Infobox,
    InfoboxField,
    RelatedEvent,
    Section,
    Source,
)
from newswiki.spelling import canonical_tags, read_tags

__all__ = ["ArticleBuilder", "BuildError", "EventBuilder", "replaced"]

T = TypeVar("T")


def _unchecked(cls: type[T]) -> Callable[..., T]:
    """A constructor for ``cls`` that takes every field in order and skips the validators.

    The grammar already guarantees what the validators check, and they cost a third of
    parsing; the tests check every parsed object against the validators all the same.  The
    constructor is written out field by field and compiled, as attrs writes its own
    ``__init__``: half the cost of a loop over the fields, on the hottest path of parsing.
    Each field is set through its slot's own descriptor, which skips the lookup by name that
    ``object.__setattr__`` makes (a third faster: parsing builds a layout for every part).
    """
    names = [field.name for field in attrs.fields(cls)]  # type: ignore[arg-type]
    lines = [f"def unchecked_{cls.__name__}({', '.join(names)}):", "    instance = new(cls)"]
    lines += [f"    set_{name}(instance, {name})" for name in names]
    lines.append("    return instance")
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    namespace.update({f"set_{name}": getattr(cls, name).__set__ for name in names})
    exec("\n".join(lines), namespace)
    make: Callable[..., T] = namespace[f"unchecked_{cls.__name__}"]
    return make


def replaced(obj: T, **changes: Any) -> T:
    """``obj`` with the fields in ``changes`` replaced, without running the validators (as
    :func:`_unchecked`): for the objects the parser has just built and checked."""
    cls = type(obj)
    new = object.__new__(cls)
    for field in attrs.fields(cls):  # type: ignore[arg-type]
        name = field.name
        object.__setattr__(new, name, changes[name] if name in changes else getattr(obj, name))
    return new


_Event = _unchecked(Event)
_Article = _unchecked(Article)
_Infobox = _unchecked(Infobox)
_Source = _unchecked(Source)
_RelatedEvent = _unchecked(RelatedEvent)
_InfoboxField = _unchecked(InfoboxField)
_Section = _unchecked(Section)
_BulletList = _unchecked(BulletList)
_LineLayout = _unchecked(LineLayout)
_BlockLayout = _unchecked(BlockLayout)
_ListLayout = _unchecked(ListLayout)
_SectionLayout = _unchecked(SectionLayout)
_InfoboxLayout = _unchecked(InfoboxLayout)
_EventLayout = _unchecked(EventLayout)
_ArticleLayout = _unchecked(ArticleLayout)


class BuildError(Exception):
    """A token that matched its terminal but holds an impossible value (a 30 February)."""

    def __init__(self, offset: int, expected: str, found: str) -> None:
        super().__init__(expected)
        self.offset = offset
        self.expected = expected
        self.found = found


# A Span made as a plain tuple is (NamedTuple's own ``__new__`` is Python, four times slower).
_new_tuple: Callable[[type[Span], tuple[int, int]], Span] = tuple.__new__


# The layouts of canonical lines, which hold nothing but their place: frozen, so one per
# line number serves every parse.  Only the first lines of a file are kept (most files are
# shorter), so that the memory kept stays small whatever the files; a longer file makes the
# layouts of its further lines as it reads them.
_PLACES: list[LineLayout] = []
_PLACES_KEPT = 4096


def place(line: int) -> LineLayout:
    """The layout of a canonical line (canonical gap, canonical spelling) on ``line``."""
    if line < len(_PLACES):
        return _PLACES[line]
    if line < _PLACES_KEPT:
        _PLACES.extend(_LineLayout(None, None, n, ()) for n in range(len(_PLACES), line + 1))
        return _PLACES[line]
    return _LineLayout(None, None, line, ())


def line_layout(
    gap: str, canonical_gap: str, text: str | None, values: tuple[object, ...], line: int
) -> LineLayout:
    """Layout for a one-line part on ``line``: its gap (``None`` when canonical), its spelling
    (``text``, ``None`` when canonical), its place, and, when it is not spelled canonically,
    what it was read as (``values``: the writer keeps an unchanged line without reading it
    again).  A canonical line keeps nothing but its place."""
    if text is None:
        if gap == canonical_gap:
            return place(line)
        return _LineLayout(gap, None, line, ())
    return _LineLayout(None if gap == canonical_gap else gap, text, line, values)


def item_layout(gap: str, canonical_gap: str, text: str | None, line: int) -> LineLayout:
    """Layout for a list line (a source, a related event, an infobox field): as
    :func:`line_layout`, without values: what it was read as is the item itself, which the
    header above it remembers (:attr:`LineLayout.reads_as` of the header)."""
    if text is None and gap == canonical_gap:
        return place(line)
    return _LineLayout(None if gap == canonical_gap else gap, text, line, ())


class _Blocks:
    """The blocks of a body, lead or section as they are read: each with its gap and its
    first line.

    The lexer takes a bounded number of lines at a time, so a long block can arrive in
    pieces: :meth:`extend` adds a paragraph's next lines, :meth:`extend_list` a list's next
    items, and the last block is made once, when the next block comes or the blocks are read
    (joining at every piece would be quadratic; a list is made of its items, not of smaller
    lists).  :meth:`finish` hands the blocks over and starts again empty: an article reads the
    blocks of its lead and of every section through one.
    """

    __slots__ = ("blocks", "gaps", "items", "lines", "pieces", "spellings")

    def __init__(self) -> None:
        # The blocks read since the last finish(), and the gap before and first line of each.
        self.blocks: list[Any] = []
        self.gaps: list[str] = []
        self.lines: list[int] = []
        self.pieces: list[str] | None = None  # the lines of a paragraph read in pieces
        self.items: list[str] | None = None  # the items of the list being read
        self.spellings: list[str | None] = []

    def add(self, block: Any, gap: str, line: int) -> None:
        """A paragraph starts on ``line``, after ``gap``."""
        if self.pieces is not None or self.items is not None:
            self.end_block()
        self.blocks.append(block)
        self.gaps.append(gap)
        self.lines.append(line)

    def extend(self, piece: str) -> None:
        """``piece``, lines of the last paragraph, goes on it."""
        if self.pieces is None:
            self.pieces = [self.blocks[-1]]
        self.pieces.append(piece)

    def add_list(self, lines: str, gap: str, line: int) -> None:
        """A list starts on ``line``, after ``gap``, with the item lines ``lines``."""
        self.add(None, gap, line)  # the list is made by end_block()
        self.items = []
        self.spellings = []
        self.extend_list(lines)

    def extend_list(self, lines: str) -> None:
        """``lines`` (each ending in a newline), items of the last list, go on it."""
        items, spellings = self.items, self.spellings
        assert items is not None  # a list is being read
        for line in lines[:-1].split("\n"):
            item = line[2:].strip(PADDING)
            items.append(item)
            spellings.append(None if line[0] == "-" and line[2:] == item else line)

    def end_block(self) -> None:
        """Make the last block of its pieces or items."""
        if self.pieces is not None:
            self.blocks[-1] = "\n".join(self.pieces)
            self.pieces = None
        elif self.items is not None:
            read = tuple(self.items)
            layout = _ListLayout(tuple(self.spellings), self.lines[-1], read)
            self.blocks[-1] = _BulletList(read, layout)
            self.items = None
            self.spellings = []

    def finish(self) -> tuple[tuple[Any, ...], BlockLayout]:
        """The blocks read since the last call, and their layout (which remembers them, to
        pair them after an edit)."""
        if self.pieces is not None or self.items is not None:
            self.end_block()
        if not self.blocks:
            return (), _NO_BLOCKS
        blocks = tuple(self.blocks)
        layout = _BlockLayout(tuple(self.gaps), tuple(self.lines), blocks)
        self.blocks, self.gaps, self.lines = [], [], []
        return blocks, layout


# The layout of no blocks (a section with subsections only): one for every parse.
_NO_BLOCKS = _BlockLayout((), (), ())


class _Items:
    """A list of lines under a header (sources, related events, infobox fields) as it is read,
    a token at a time: the grammar's rule for it takes one token more at each step, so that
    no run of tokens waits on the parser's stack to be read.  The first token holds the
    header and the first items."""

    __slots__ = ("built", "gap", "kind", "last", "line", "spelling")

    def __init__(self, kind: str, header: re.Match[str], line: int) -> None:
        gap, trailing = header.groups()
        self.kind = kind  # the terminal of the first token
        self.gap: str = gap
        self.spelling: str | None = header.group()[len(gap) : -1] if trailing else None
        self.line = line  # the header's
        self.built: list[Any] = []
        self.last = line  # the number of the last line read

    def header(self, canonical_gap: str) -> LineLayout:
        """The header's layout; it remembers the items read under it, so that a header read
        without any is written even without any."""
        gap = None if self.gap == canonical_gap else self.gap
        return _LineLayout(gap, self.spelling, self.line, tuple(self.built))


class _Paragraphs(_Blocks):
    """An event's body as it is read, a token at a time (see :class:`_Items`)."""

    __slots__ = ("end", "last")

    def __init__(self) -> None:
        super().__init__()
        self.end = -1  # where the last token ended
        self.last = 0  # the number of the last line read


class _Builder(Transformer[Token, Any]):
    """Shared by both formats: the compiled terminals and the facts of the document."""

    def __init__(self) -> None:
        super().__init__()
        self.patterns: dict[str, re.Pattern[str]] = {}

    def first_or_more(self, children: list[Any], header: str) -> tuple[_Items, Token, int, int]:
        """For ``rule: FIRST | rule MORE``, where FIRST is a header and the first items: the
        items read so far, the token to read more from, and where and on which line its
        items start."""
        if len(children) == 1:
            token = children[0]
            match = self.patterns[header].match(token)
            assert match is not None, header  # the token starts with its header
            line = token.line + match.group(1).count("\n")
            return _Items(token.type, match, line), token, match.end(), line + 1
        items, token = children
        return items, token, 0, token.line

    def groups(self, token: Token) -> tuple[Any, ...]:
        """The groups of a one-line token, read with its terminal's own pattern."""
        match = self.patterns[token.type].match(token)
        assert match is not None, token.type  # the lexer matched this very pattern
        return match.groups()

    def paragraphs(self, token: Token) -> Iterator[tuple[re.Match[str], int]]:
        """The paragraphs of a PARAGRAPHS token, one match of PARAGRAPH each, with the number
        of the line it starts on after its gap (group 1).  Only line ends are counted: a long
        line costs nothing."""
        line: int = token.line  # type: ignore[assignment]
        count = token.count
        for match in self.patterns["PARAGRAPH"].finditer(token):
            gap_end = match.end(1)
            if gap_end > match.start():
                line += count("\n", match.start(), gap_end)
            yield match, line
            line += count("\n", gap_end, match.end())


def _source(match: re.Match[str], index: int, line: int) -> Source:
    """The source read from ``match`` of SOURCE_ITEM, the ``index``-th of its list."""
    gap, number, bracketed, url, end = match.groups()
    raw = bracketed[:-1]  # LINK_TEXT's group holds the closing "]"
    name = raw.strip(PADDING)
    spelled = raw == name and not end and number == str(index + 1)
    text = None if spelled else match.group()[len(gap) : -1]
    return _Source(name, url, item_layout(gap, NO_GAP if index else ONE_BLANK, text, line))


def _related(match: re.Match[str], index: int, line: int) -> RelatedEvent:
    """The related event read from ``match`` of RELATED_ITEM, the ``index``-th of its list."""
    gap, number, bracketed, path, context, end = match.groups()
    raw = bracketed[:-1]  # LINK_TEXT's group holds the closing "]"
    title = raw.strip(PADDING)
    tags = read_tags(context) if context is not None else ()
    spelled = (
        raw == title
        and not end
        and number == str(index + 1)
        and (context == canonical_tags(tags) if tags else context is None)
    )
    text = None if spelled else match.group()[len(gap) : -1]
    layout = item_layout(gap, NO_GAP if index else ONE_BLANK, text, line)
    return _RelatedEvent(title, path, tags, layout)


class EventBuilder(_Builder):
    """Callbacks for ``grammars/event.lark``."""

    def _more(
        self,
        children: list[Any],
        header: str,
        terminal: str,
        make: Callable[[re.Match[str], int, int], Any],
    ) -> _Items:
        """``rule: SECTION | rule ITEMS``: read a section's header and first items, or one
        more token of items, each line made by ``make(match, index, line)``."""
        items, token, start, line = self.first_or_more(children, header)
        built = items.built
        for match in self.patterns[terminal].finditer(token, start):  # one line each
            gap = match.group(1)
            if gap:
                line += gap.count("\n")
            built.append(make(match, len(built), line))
            line += 1
        items.last = line - 1
        return items

    def sources(self, children: list[Any]) -> _Items:
        """``sources: SOURCES | sources SOURCE_ITEMS``."""
        return self._more(children, "SOURCE_HEADER", "SOURCE_ITEM", _source)

    def related(self, children: list[Any]) -> _Items:
        """``related: RELATED | related RELATED_ITEMS``."""
        return self._more(children, "RELATED_HEADER", "RELATED_ITEM", _related)

    def body(self, children: list[Any]) -> _Paragraphs:
        """``body: PARAGRAPHS | body PARAGRAPHS``: read one more token of paragraphs."""
        if len(children) == 1:
            body, token = _Paragraphs(), children[0]
        else:
            body, token = children
        # A token that starts right where the last one ended, without a blank line, goes on
        # with its paragraph (a set-aside line between them ends it).
        goes_on = token.start_pos == body.end
        for match, line in self.paragraphs(token):
            gap = match.group(1)
            if goes_on and not gap:
                body.extend(match.group()[:-1])
            else:
                body.add(match.group()[len(gap) : -1], gap, line)
            goes_on = False
        body.end = token.end_pos
        body.last = token.end_line - 1
        return body

    def start(self, children: list[Any]) -> Event:
        date_token, headline_token = children[0], children[1]
        gap, iso, path, end = self.groups(date_token)
        try:
            date = datetime.date.fromisoformat(iso)
        except ValueError:
            offset = date_token.start_pos + len(gap) + len("### [")
            raise BuildError(offset, "a real calendar date YYYY-MM-DD", repr(iso)) from None
        spelling = date_token[len(gap) : -1] if end else None
        first = date_token.end_line - 1
        date_layout = line_layout(gap, NO_GAP, spelling, (iso, path), first)

        gap, raw = self.groups(headline_token)
        headline = raw.strip(PADDING)
        spelling = None if raw == headline else headline_token[len(gap) : -1]
        last = headline_token.end_line - 1
        headline_layout = line_layout(gap, ONE_BLANK, spelling, (headline,), last)

        blocks: tuple[str, ...] = ()
        body_layout = _NO_BLOCKS
        sources: tuple[Source, ...] = ()
        related: tuple[RelatedEvent, ...] = ()
        sources_header = related_header = None
        end_gap = ""
        for child in children[2:]:
            if isinstance(child, _Paragraphs):
                blocks, body_layout = child.finish()
                last = child.last
            elif isinstance(child, _Items):
                last = child.last
                if child.kind == "SOURCES":
                    sources_header = child.header(TWO_BLANKS)
                    sources = sources_header.reads_as
                else:
                    canonical_gap = TWO_BLANKS if sources_header is None else ONE_BLANK
                    related_header = child.header(canonical_gap)
                    related = related_header.reads_as
            else:  # END_GAP
                end_gap = str(child)

        layout = _EventLayout(
            DocumentLayout(end_gap=end_gap) if end_gap else PLAIN_DOCUMENT,
            date_layout,
            headline_layout,
            body_layout,
            sources_header,
            related_header,
            _new_tuple(Span, (first, last)),
        )
        return _Event(date, path, headline, blocks, sources, related, (), layout)


def _heading(line: str) -> tuple[int, str, str | None]:
    """Level, title and (when not canonical) spelling of a heading line the lexer matched,
    with its newline."""
    # HEADING_LINE's title neither starts nor ends with `=` or padding, and only marks,
    # padding and the newline are around it: stripped of those, the line is the title.
    title = line.strip(" \t\r\n=")
    level = len(line) - len(line.lstrip("="))
    canonical = len(line) == 2 * level + len(title) + 1  # no padding anywhere
    return level, title, None if canonical else line[:-1]


# A heading read with its blocks, whose section is not closed yet: level, title, heading
# layout, blocks, their layout, and where its subsections start among the closed sections.
_OpenSection = tuple[int, str, LineLayout, tuple[Any, ...], BlockLayout, int]


class _ArticleBody:
    """An article's infobox, lead and sections as they are read, a token at a time (see
    :class:`_Items`), and what the next part's canonical gap and continuation depend on.

    The file is a flat run of headings and blocks.  All blocks are read into one
    :class:`_Blocks`; a heading hands the blocks read before it to the heading before it (or
    to the lead), and closes the sections of its level and deeper.  A closed section waits in
    :attr:`closed` for its parent, which takes the sections after its own place there as its
    subsections; at the end, those left are the top-level sections.
    """

    __slots__ = (
        "blocks",
        "canonical_gap",
        "closed",
        "end",
        "heading",
        "infobox",
        "infobox_end",
        "last",
        "last_kind",
        "lead",
        "open",
    )

    def __init__(self, infobox: _Items | None = None, infobox_end: str | None = None) -> None:
        self.infobox = infobox
        self.infobox_end = infobox_end
        # A block or heading right after a heading or the infobox's end has no blank line
        # before it in canonical form; after the title or a block, one.
        self.canonical_gap = ONE_BLANK if infobox is None else NO_GAP
        self.blocks = _Blocks()
        #: The heading whose blocks are being read (level, title, layout); None in the lead.
        self.heading: tuple[int, str, LineLayout] | None = None
        self.lead: tuple[tuple[Any, ...], BlockLayout] = ((), _NO_BLOCKS)
        self.open: list[_OpenSection] = []
        self.closed: list[Section] = []
        self.end = -1  # where the last token ended
        self.last = 0 if infobox is None else infobox.last  # the number of the last line read
        self.last_kind = ""

    def start_section(self, level: int, title: str, layout: LineLayout, last: int) -> None:
        """A heading: the sections of its level and deeper end on line ``last``."""
        self._hand_over()
        self._close(level, last)
        self.heading = (level, title, layout)

    def finish(self, last: int) -> tuple[Section, ...]:
        """The top-level sections, all closed on line ``last`` (the lead is :attr:`lead`)."""
        self._hand_over()
        self._close(0, last)
        return tuple(self.closed)

    def _hand_over(self) -> None:
        """The blocks read since the last heading go to it, or to the lead."""
        blocks, layout = self.blocks.finish()
        if self.heading is None:
            self.lead = (blocks, layout)
        else:
            self.open.append((*self.heading, blocks, layout, len(self.closed)))

    def _close(self, level: int, last: int) -> None:
        """Close the open sections of ``level`` or deeper, innermost first, on line ``last``."""
        open_sections, closed = self.open, self.closed
        while open_sections and open_sections[-1][0] >= level:
            section_level, title, heading, blocks, layout, first = open_sections.pop()
            subsections = tuple(closed[first:])
            del closed[first:]
            section_layout = _SectionLayout(heading, layout, last)
            closed.append(_Section(title, section_level, blocks, subsections, section_layout))


class ArticleBuilder(_Builder):
    """Callbacks for ``grammars/article.lark``."""

    def infobox(self, children: list[Any]) -> _Items:
        """``infobox: INFOBOX | infobox FIELDS``: read the ``Infobox`` line and the first
        fields, or one more token of fields."""
        fields, token, start, line = self.first_or_more(children, "INFOBOX_LINE")
        built = fields.built
        for match in self.patterns["FIELD"].finditer(token, start):  # one line each, no gaps
            raw_key, raw_value, end = match.groups()
            key = raw_key.strip(PADDING)
            value = (raw_value or "").strip(PADDING)
            spelled = raw_key == key and not end and raw_value == (value or None)
            layout = place(line) if spelled else _LineLayout(None, match.group()[:-1], line, ())
            built.append(_InfoboxField(key, value, layout))
            line += 1
        fields.last = line - 1
        return fields

    @functools.cached_property
    def _parts(self) -> Callable[[str], list[tuple[str, str, str]]]:
        """The blocks and headings of a BODY token, each with the blank lines before it, all
        read at once: (gap, heading line, "") for a heading, (gap, "", block lines) for a
        block.  One match per part (trying a block and then a heading took two for every
        heading), and no group inside either: a heading is read apart, and the
        regular-expression engine saves every group at every branch."""
        heading = without_groups(self.patterns["HEADING_LINE"].pattern)
        block = without_groups(self.patterns["BLOCK_LINES"].pattern)
        return re.compile(f"{self.patterns['GAP'].pattern}(?:({heading})|({block}))").findall

    def body(self, children: list[Any]) -> _ArticleBody:
        """``body: BODY | infobox INFOBOX_END | body BODY``: read one more token of the lead
        and the sections (or start with the infobox and its closing line)."""
        if len(children) == 1:
            body, token = _ArticleBody(), children[0]
        elif isinstance(children[0], _Items):
            return _ArticleBody(children[0], str(children[1]))
        else:
            body, token = children
        line: int = token.line
        blocks = body.blocks
        canonical_gap, last, last_kind = body.canonical_gap, body.last, body.last_kind
        # The block before goes on when this token starts where the last one ended (no line
        # set aside between them) with a line of its kind and no blank line.
        goes_on = token.start_pos == body.end
        for gap, heading, block in self._parts(token):
            first = line + gap.count("\n") if gap else line
            if heading:
                level, title, spelling = _heading(heading)
                values = (level, title) if spelling is not None else ()
                layout = line_layout(gap, canonical_gap, spelling, values, first)
                body.start_section(level, title, layout, last)
                canonical_gap = NO_GAP
                last = first
                last_kind = "heading"
            elif block.startswith(("- ", "* ")):
                if goes_on and not gap and last_kind == "list":
                    blocks.extend_list(block)
                else:
                    blocks.add_list(block, gap, first)
                last = first + block.count("\n") - 1
                last_kind = "list"
                canonical_gap = ONE_BLANK
            else:
                text = block[:-1]
                if goes_on and not gap and last_kind == "paragraph":
                    blocks.extend(text)
                else:
                    blocks.add(text, gap, first)
                last = first + text.count("\n")
                last_kind = "paragraph"
                canonical_gap = ONE_BLANK
            goes_on = False
            line = last + 1
        body.canonical_gap, body.last, body.last_kind = canonical_gap, last, last_kind
        body.end = token.end_pos
        return body

    def start(self, children: list[Any]) -> Article:
        title_token = children[0]
        gap, content, end = self.groups(title_token)
        title = content.strip(PADDING)
        spelled = content == f" {title} " and not end
        first = title_token.end_line - 1
        spelling = None if spelled else title_token[len(gap) : -1]
        title_layout = line_layout(gap, NO_GAP, spelling, (title,), first)
        body = None
        end_gap = ""
        for child in children[1:]:
            if isinstance(child, _ArticleBody):
                body = child
            elif isinstance(child, _Items):  # an infobox that ends the file
                body = _ArticleBody(child)
            else:  # END_GAP
                end_gap = str(child)
        if body is None:  # a title alone
            body = _ArticleBody()
        last = body.last or first
        sections = body.finish(last)
        blocks, lead_layout = body.lead
        infobox_end = body.infobox_end
        if infobox_end == ONE_BLANK and (blocks or sections):
            infobox_end = None  # canonical
        box = body.infobox
        infobox = None if box is None else self._infobox(box, infobox_end)
        article_layout = _ArticleLayout(
            DocumentLayout(end_gap=end_gap) if end_gap else PLAIN_DOCUMENT,
            title_layout,
            lead_layout,
            _new_tuple(Span, (first, last)),
        )
        return _Article(title, infobox, blocks, sections, (), article_layout)

    def _infobox(self, box: _Items, end: str | None) -> Infobox:
        # The Infobox line remembers the fields read under it, as a section header its items.
        line = box.header(ONE_BLANK)
        span = _new_tuple(Span, (box.line, box.last))
        return _Infobox(line.reads_as, _InfoboxLayout(line, end, span))
