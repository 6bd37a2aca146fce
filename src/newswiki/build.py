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
    Block,
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
# Layouts of lines written canonically, which hold only their place (and a list line its
# index): frozen, so one per line number serves every parse.  Bounded: a file longer than
# this builds its further lines' layouts as it reads them.
_PLACES: dict[int | tuple[int, int], LineLayout] = {}
_PLACES_KEPT = 1 << 16


def line_layout(
    gap: str,
    canonical_gap: str,
    text: str | None,
    values: tuple[object, ...],
    line: int,
    index: int | None = None,
) -> LineLayout:
    """Layout for a one-line part on ``line``: its gap (``None`` when canonical), its spelling
    (``text``, ``None`` when canonical), its place, and what it was read as: ``values``, and
    for a list line its ``index`` too (the writer keeps its number while it stays there)."""
    if text is None and gap == canonical_gap:
        key = line if index is None else (line, index)
        layout = _PLACES.get(key)
        if layout is None:
            read: tuple[object, ...] = () if index is None else (index,)
            layout = _LineLayout(None, None, _new_tuple(Span, (line, line)), read)
            if len(_PLACES) < _PLACES_KEPT:
                _PLACES[key] = layout
        return layout
    read = values if index is None else (index, values)
    span = _new_tuple(Span, (line, line))
    return _LineLayout(None if gap == canonical_gap else gap, text, span, read)


class _Blocks:
    """The blocks of a body, lead or section as they are read: their gaps and their lines.

    The lexer takes a bounded number of lines at a time, so a long block can arrive in
    pieces: :meth:`extend` adds a piece to the last block, and the pieces are joined once, when
    the next block comes or the blocks are read (joining at every piece would be quadratic).
    """

    __slots__ = ("blocks", "gaps", "lines", "pieces")

    def __init__(self) -> None:
        self.blocks: list[Any] = []
        self.gaps: list[str] = []
        self.lines: list[int] = []
        self.pieces: list[Any] = []

    def add(self, block: Any, gap: str, line: int) -> None:
        if self.pieces:
            self.join()
        self.blocks.append(block)
        self.gaps.append(gap)
        self.lines.append(line)

    def extend(self, piece: Any) -> None:
        """``piece`` (a paragraph's lines or a list's items) goes on the last block."""
        if not self.pieces:
            self.pieces.append(self.blocks[-1])
        self.pieces.append(piece)

    def join(self) -> None:
        """Join the pieces of the last block."""
        pieces = self.pieces
        self.blocks[-1] = "\n".join(pieces) if isinstance(pieces[0], str) else _joined(pieces)
        self.pieces = []

    def finish(self) -> tuple[tuple[Any, ...], BlockLayout]:
        """The blocks, and their layout (which remembers them, to pair them after an edit)."""
        if self.pieces:
            self.join()
        if not self.blocks:
            return (), _NO_BLOCKS
        blocks = tuple(self.blocks)
        return blocks, _BlockLayout(tuple(self.gaps), tuple(self.lines), blocks)


# The layout of no blocks (a section with subsections only): one for every parse.
_NO_BLOCKS = _BlockLayout((), (), ())


def _joined(pieces: list[BulletList]) -> BulletList:
    """One list of the items of ``pieces`` (each read with its spellings and lines)."""
    items = tuple(item for piece in pieces for item in piece.items)
    spellings = tuple(spelling for piece in pieces for spelling in piece.layout.items)  # type: ignore[union-attr]
    first = pieces[0].layout.span.first  # type: ignore[union-attr]
    span = _new_tuple(Span, (first, first + len(items) - 1))
    return _BulletList(items, _ListLayout(spellings, span, items))


class _Builder(Transformer[Token, Any]):
    """Shared by both formats: the compiled terminals and the facts of the document."""

    def __init__(self) -> None:
        super().__init__()
        self.patterns: dict[str, re.Pattern[str]] = {}

    def groups(self, token: Token) -> tuple[Any, ...]:
        """The groups of a one-line token, read with its terminal's own pattern."""
        match = self.patterns[token.type].match(token)
        assert match is not None, token.type  # the lexer matched this very pattern
        return match.groups()

    def parts(
        self, terminal: str, tokens: list[Token], one_line: bool = True
    ) -> Iterator[tuple[re.Match[str], int]]:
        """The lines (or blocks) of coarse tokens, one match of ``terminal`` each, with the
        number of the line it starts on after its gap (group 1).  Only the gap is searched
        for line ends, and a block's own text unless ``one_line``: a long line costs nothing."""
        finditer = self.patterns[terminal].finditer
        for token in tokens:
            line: int = token.line  # type: ignore[assignment]
            count = token.count
            for match in finditer(token):
                gap_end = match.end(1)
                if gap_end > match.start():
                    line += count("\n", match.start(), gap_end)
                yield match, line
                line += 1 if one_line else count("\n", gap_end, match.end())


class EventBuilder(_Builder):
    """Callbacks for ``grammars/event.lark``."""

    def sources(self, children: list[Token]) -> tuple[Any, ...]:
        built = []
        last = children[0].end_line - 1  # type: ignore[operator]
        for index, (match, line) in enumerate(self.parts("SOURCE_ITEM", children[1:])):
            gap, number, raw, url, end = match.groups()
            name = raw.strip(PADDING)
            spelled = raw == name and not end and number == str(index + 1)
            text = None if spelled else match.group()[len(gap) : -1]
            last = line
            canonical_gap = NO_GAP if index else ONE_BLANK
            layout = line_layout(gap, canonical_gap, text, (name, url), last, index)
            built.append(_Source(name, url, layout))
        items = tuple(built)
        return ("sources", children[0], items, last)

    def related(self, children: list[Token]) -> tuple[Any, ...]:
        built = []
        last = children[0].end_line - 1  # type: ignore[operator]
        for index, (match, line) in enumerate(self.parts("RELATED_ITEM", children[1:])):
            gap, number, raw, path, context, end = match.groups()
            title = raw.strip(PADDING)
            tags = read_tags(context) if context is not None else ()
            spelled = (
                raw == title
                and not end
                and number == str(index + 1)
                and (context == canonical_tags(tags) if tags else context is None)
            )
            text = None if spelled else match.group()[len(gap) : -1]
            last = line
            canonical_gap = NO_GAP if index else ONE_BLANK
            values = (title, path, tags)
            layout = line_layout(gap, canonical_gap, text, values, last, index)
            built.append(_RelatedEvent(title, path, tags, layout))
        items = tuple(built)
        return ("related", children[0], items, last)

    def _header(self, token: Token, canonical_gap: str, items: tuple[Any, ...]) -> LineLayout:
        """A section header's layout; it remembers the items read under it, so that a header
        read without any is written even without any."""
        gap, end = self.groups(token)
        line = token.end_line - 1  # type: ignore[operator]
        text = token[len(gap) : -1] if end else None
        span = _new_tuple(Span, (line, line))
        return _LineLayout(None if gap == canonical_gap else gap, text, span, items)

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

        body = _Blocks()
        sources: tuple[Source, ...] = ()
        related: tuple[RelatedEvent, ...] = ()
        sources_header = related_header = None
        end_gap = ""
        paragraphs_end = -1
        for child in children[2:]:
            if isinstance(child, tuple):
                kind, header, items, last = child
                if kind == "sources":
                    sources_header = self._header(header, TWO_BLANKS, items)
                    sources = items
                else:
                    canonical_gap = TWO_BLANKS if sources_header is None else ONE_BLANK
                    related_header = self._header(header, canonical_gap, items)
                    related = items
            elif child.type == "PARAGRAPHS":
                # A token that starts right where the last one ended, without a blank line,
                # goes on with its paragraph (a set-aside line between them ends it).
                goes_on = child.start_pos == paragraphs_end
                for match, line in self.parts("PARAGRAPH", [child], one_line=False):
                    gap = match.group(1)
                    if goes_on and not gap:
                        body.extend(match.group()[:-1])
                    else:
                        body.add(match.group()[len(gap) : -1], gap, line)
                    goes_on = False
                paragraphs_end = child.end_pos
                last = child.end_line - 1
            else:  # END_GAP
                end_gap = str(child)

        blocks, body_layout = body.finish()
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
    """Level, title and (when not canonical) spelling of a heading line the lexer matched."""
    core = line.rstrip(" \t\r")
    level = len(core) - len(core.lstrip("="))
    title = core[level:-level].strip(PADDING)
    canonical = len(core) == len(line) and len(title) == len(core) - 2 * level
    return level, title, None if canonical else line


class _OpenSection(_Blocks):
    """A section whose heading has been read and whose end has not."""

    __slots__ = ("heading", "level", "subsections", "title")

    def __init__(self, level: int, title: str, heading: LineLayout) -> None:
        # _Blocks.__init__ written out: one call fewer per heading.
        self.blocks: list[Any] = []
        self.gaps: list[str] = []
        self.lines: list[int] = []
        self.pieces: list[Any] = []
        self.level = level
        self.title = title
        self.heading = heading
        self.subsections: list[Section] = []

    def close(self, last: int) -> Section:
        """The section, which ends on line ``last``."""
        blocks, layout = self.finish()
        first = self.heading.span.first  # type: ignore[union-attr]
        span = _new_tuple(Span, (first, last))
        return _Section(
            self.title,
            self.level,
            blocks,
            tuple(self.subsections),
            _SectionLayout(self.heading, layout, span),
        )


def _close(stack: list[_OpenSection], top: list[Section], level: int, last: int) -> None:
    """Close the open sections of ``level`` or deeper, each into its parent (or ``top``);
    they end on line ``last``."""
    while stack and stack[-1].level >= level:
        section = stack.pop().close(last)
        (stack[-1].subsections if stack else top).append(section)


class ArticleBuilder(_Builder):
    """Callbacks for ``grammars/article.lark``."""

    def infobox(self, children: list[Token]) -> tuple[Any, ...]:
        fields = []
        finditer = self.patterns["FIELD"].finditer
        for token in children[1:]:
            line: int = token.line  # type: ignore[assignment]
            for match in finditer(token):  # one line each, no blank lines between
                raw_key, raw_value, end = match.groups()
                key = raw_key.strip(PADDING)
                value = (raw_value or "").strip(PADDING)
                spelled = raw_key == key and not end and raw_value == (value or None)
                layout = _PLACES.get(line) if spelled else None
                if layout is None:
                    text = None if spelled else match.group()[:-1]
                    layout = line_layout("", "", text, (key, value), line)
                fields.append(_InfoboxField(key, value, layout))
                line += 1
        return ("infobox", children[0], tuple(fields))

    @functools.cached_property
    def _part(self) -> tuple[Callable[[str, int], re.Match[str] | None], int]:
        """One pattern for a block or a heading of a BODY token, and the number of the group
        that holds a block's gap (a heading's is group 1): one match per part, where trying
        BLOCK and then HEADING took two for every heading."""
        heading, block = self.patterns["HEADING"], self.patterns["BLOCK"]
        part = re.compile(f"(?:{heading.pattern})|(?:{block.pattern})")
        return part.match, heading.groups + 1

    def _list(self, lines: str, first: int) -> BulletList:
        """A list block whose first item is on line ``first``."""
        items = []
        spellings: list[str | None] = []
        for line in lines[:-1].split("\n"):
            item = line[2:].strip(PADDING)
            items.append(item)
            spellings.append(None if line[0] == "-" and line[2:] == item else line)
        read = tuple(items)
        span = _new_tuple(Span, (first, first + len(read) - 1))
        return _BulletList(read, _ListLayout(tuple(spellings), span, read))

    def start(self, children: list[Any]) -> Article:
        title_token = children[0]
        gap, content, end = self.groups(title_token)
        title = content.strip(PADDING)
        spelled = content == f" {title} " and not end
        last = title_token.end_line - 1
        spelling = None if spelled else title_token[len(gap) : -1]
        title_layout = line_layout(gap, NO_GAP, spelling, (title,), last)
        infobox_parts: tuple[Any, ...] | None = None
        infobox_end: str | None = None
        # A block or heading right after a heading or the infobox's end has no blank line
        # before it in canonical form; after the title or a block, one.
        canonical_gap = ONE_BLANK
        lead = _Blocks()
        stack: list[_OpenSection] = []
        top: list[Section] = []
        end_gap = ""
        body_end = -1
        last_kind = ""
        for child in children[1:]:
            if isinstance(child, tuple):
                infobox_parts = child
                fields = child[2]
                last = fields[-1].layout.span.last if fields else child[1].end_line - 1
                continue
            kind = child.type
            if kind == "INFOBOX_END":
                infobox_end = str(child)
                canonical_gap = NO_GAP
                continue
            if kind == "END_GAP":
                end_gap = str(child)
                continue
            part, block_gap = self._part
            position, size = 0, len(child)
            line = child.line
            # The block before goes on when this token starts where the last one ended (no
            # line set aside between them) with a line of its kind and no blank line.
            goes_on = child.start_pos == body_end
            body_end = child.end_pos
            while position < size:
                match = part(child, position)
                assert match is not None  # the lexer matched BODY, made of blocks and headings
                end = position = match.end()
                heading = match.start(1) >= 0  # the heading's gap group takes part
                gap_group = 1 if heading else block_gap
                gap, start = match.group(gap_group), match.end(gap_group)
                first = line + gap.count("\n")
                if heading:
                    level, heading_title, spelling = _heading(child[start : end - 1])
                    plain = spelling is None and gap == canonical_gap
                    layout = _PLACES.get(first) if plain else None
                    if layout is None:
                        values = (level, heading_title)
                        layout = line_layout(gap, canonical_gap, spelling, values, first)
                    _close(stack, top, level, last)
                    stack.append(_OpenSection(level, heading_title, layout))
                    canonical_gap = NO_GAP
                    line = last = first
                    line += 1
                    last_kind = "heading"
                    goes_on = False
                    continue
                block: Block
                if child.startswith(("- ", "* "), start):
                    block = self._list(child[start:end], first)
                    last = first + len(block.items) - 1
                    block_kind = "list"
                else:
                    text = child[start : end - 1]
                    block, last = text, first + text.count("\n")
                    block_kind = "paragraph"
                into = stack[-1] if stack else lead  # _Blocks.add, written out
                if goes_on and not gap and block_kind == last_kind:
                    into.extend(block)
                else:
                    if into.pieces:
                        into.join()
                    into.blocks.append(block)
                    into.gaps.append(gap)
                    into.lines.append(first)
                last_kind = block_kind
                goes_on = False
                line = last + 1
                canonical_gap = ONE_BLANK
        _close(stack, top, 0, last)
        if infobox_end == ONE_BLANK and (lead.blocks or top):
            infobox_end = None  # canonical
        infobox = None if infobox_parts is None else self._infobox(infobox_parts, infobox_end)
        blocks, lead_layout = lead.finish()
        article_layout = _ArticleLayout(
            DocumentLayout(end_gap=end_gap) if end_gap else PLAIN_DOCUMENT,
            title_layout,
            lead_layout,
            _new_tuple(Span, (title_layout.span.first, last)),  # type: ignore[union-attr]
        )
        return _Article(title, infobox, blocks, tuple(top), (), article_layout)

    def _infobox(self, parts: tuple[Any, ...], end: str | None) -> Infobox:
        _, token, fields = parts
        gap, trailing = self.groups(token)
        first = token.end_line - 1
        line = line_layout(gap, ONE_BLANK, token[len(gap) : -1] if trailing else None, (), first)
        last = fields[-1].layout.span.last if fields else first
        return _Infobox(fields, _InfoboxLayout(line, end, _new_tuple(Span, (first, last))))
