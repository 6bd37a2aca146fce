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
    ArticleLayout,
    BlockLayout,
    DocumentLayout,
    EventLayout,
    InfoboxLayout,
    LineLayout,
    ListLayout,
    SectionLayout,
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

__all__ = ["ArticleBuilder", "BuildError", "EventBuilder", "canonical_tags", "read_tags"]

# Canonical blank lines before each kind of line (see docs/formats.md, "Canonical layout").
NO_GAP = ""
ONE_BLANK = "\n"
TWO_BLANKS = "\n\n"
# The facts of a file written canonically; one shared instance, as a frozen one can be.
PLAIN_DOCUMENT = DocumentLayout()


T = TypeVar("T")


def _unchecked(cls: type[T]) -> Callable[..., T]:
    """A constructor for ``cls`` that takes every field in order and skips the validators.

    The grammar already guarantees what the validators check, and they cost a third of
    parsing; the tests check every parsed object against the validators all the same.  The
    constructor is written out field by field and compiled, as attrs writes its own
    ``__init__``: half the cost of a loop over the fields, on the hottest path of parsing.
    """
    names = [field.name for field in attrs.fields(cls)]  # type: ignore[arg-type]
    lines = [f"def unchecked_{cls.__name__}({', '.join(names)}):", "    instance = new(cls)"]
    lines += [f"    assign(instance, {name!r}, {name})" for name in names]
    lines.append("    return instance")
    namespace: dict[str, Any] = {"new": object.__new__, "assign": object.__setattr__, "cls": cls}
    exec("\n".join(lines), namespace)
    make: Callable[..., T] = namespace[f"unchecked_{cls.__name__}"]
    return make


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
_SectionLayout = _unchecked(SectionLayout)
_EventLayout = _unchecked(EventLayout)
_ArticleLayout = _unchecked(ArticleLayout)


class BuildError(Exception):
    """A token that matched its terminal but holds an impossible value (a 30 February)."""

    def __init__(self, offset: int, expected: str, found: str) -> None:
        super().__init__(expected)
        self.offset = offset
        self.expected = expected
        self.found = found


def read_tags(raw: str) -> tuple[str, ...]:
    """The tags of a ``_Context: ..._`` text: split at ``", "``, padding and empty tags dropped."""
    return tuple(tag for tag in (part.strip(PADDING) for part in raw.split(", ")) if tag)


def canonical_tags(tags: tuple[str, ...]) -> str:
    """The canonical spelling of ``tags``: joined by ``", "``."""
    return ", ".join(tags)


def line_layout(
    gap: str, canonical_gap: str, text: str | None, reads_as: tuple[object, ...] = ()
) -> LineLayout | None:
    """Layout for a line: ``None`` when both its gap and its spelling (``text``) are canonical."""
    if gap == canonical_gap and text is None:
        return None
    return _LineLayout(
        None if gap == canonical_gap else gap, text, reads_as if text is not None else ()
    )


class _Blocks:
    """The blocks of a body, lead or section as they are read, and whether every gap before
    them is the canonical one (then they need no layout)."""

    __slots__ = ("blocks", "gaps", "plain")

    def __init__(self) -> None:
        self.blocks: list[Any] = []
        self.gaps: list[str] = []
        self.plain = True

    def add(self, block: Any, gap: str, canonical_gap: str) -> None:
        self.blocks.append(block)
        self.gaps.append(gap)
        if gap != canonical_gap:
            self.plain = False

    def layout(self) -> BlockLayout | None:
        return None if self.plain else _BlockLayout(tuple(self.gaps))


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

    def parts(self, terminal: str, tokens: list[Token]) -> Iterator[re.Match[str]]:
        """The lines (or blocks) of coarse tokens, one match of ``terminal`` each."""
        finditer = self.patterns[terminal].finditer
        for token in tokens:
            yield from finditer(token)


class EventBuilder(_Builder):
    """Callbacks for ``grammars/event.lark``."""

    def sources(self, children: list[Token]) -> tuple[Any, ...]:
        built = []
        for index, match in enumerate(self.parts("SOURCE_ITEM", children[1:])):
            gap, number, raw, url, end = match.groups()
            name = raw.strip(PADDING)
            spelled = raw == name and not end and number == str(index + 1)
            text = None if spelled else match.group()[len(gap) : -1]
            layout = line_layout(gap, NO_GAP if index else ONE_BLANK, text, (name, url))
            built.append(_Source(name, url, layout))
        return ("sources", children[0], tuple(built))

    def related(self, children: list[Token]) -> tuple[Any, ...]:
        built = []
        for index, match in enumerate(self.parts("RELATED_ITEM", children[1:])):
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
            layout = line_layout(gap, NO_GAP if index else ONE_BLANK, text, (title, path, tags))
            built.append(_RelatedEvent(title, path, tags, layout))
        return ("related", children[0], tuple(built))

    def _header(self, token: Token, canonical_gap: str, empty: bool) -> LineLayout | None:
        gap, end = self.groups(token)
        layout = line_layout(gap, canonical_gap, token[len(gap) : -1] if end else None)
        # An empty section is kept: a layout, even a canonical one, says it was there.
        return LineLayout() if layout is None and empty else layout

    def start(self, children: list[Any]) -> Event:
        date_token, headline_token = children[0], children[1]
        gap, iso, path, end = self.groups(date_token)
        try:
            date = datetime.date.fromisoformat(iso)
        except ValueError:
            offset = date_token.start_pos + len(gap) + len("### [")
            raise BuildError(offset, "a real calendar date YYYY-MM-DD", repr(iso)) from None
        spelling = date_token[len(gap) : -1] if end else None
        date_layout = line_layout(gap, NO_GAP, spelling, (date, path))

        gap, raw = self.groups(headline_token)
        headline = raw.strip(PADDING)
        spelling = None if raw == headline else headline_token[len(gap) : -1]
        headline_layout = line_layout(gap, ONE_BLANK, spelling, (headline,))

        body = _Blocks()
        sources: tuple[Source, ...] = ()
        related: tuple[RelatedEvent, ...] = ()
        sources_header = related_header = None
        has_sources = False
        end_gap = ""
        for child in children[2:]:
            if isinstance(child, tuple):
                kind, header, items = child
                if kind == "sources":
                    sources_header = self._header(header, TWO_BLANKS, not items)
                    sources = items
                    has_sources = True
                else:
                    canonical_gap = ONE_BLANK if has_sources else TWO_BLANKS
                    related_header = self._header(header, canonical_gap, not items)
                    related = items
            elif child.type == "PARAGRAPHS":
                for match in self.parts("PARAGRAPH", [child]):
                    gap = match.group(1)
                    body.add(match.group()[len(gap) : -1], gap, ONE_BLANK)
            else:  # END_GAP
                end_gap = str(child)

        layout = _EventLayout(
            DocumentLayout(end_gap=end_gap) if end_gap else PLAIN_DOCUMENT,
            date_layout,
            headline_layout,
            body.layout(),
            sources_header,
            related_header,
        )
        return _Event(date, path, headline, tuple(body.blocks), sources, related, (), layout)


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

    def __init__(self, level: int, title: str, heading: LineLayout | None) -> None:
        super().__init__()
        self.level = level
        self.title = title
        self.heading = heading
        self.subsections: list[Section] = []

    def close(self) -> Section:
        blocks = self.layout()
        layout = (
            None
            if self.heading is None and blocks is None
            else _SectionLayout(self.heading, blocks)
        )
        return _Section(self.title, self.level, tuple(self.blocks), tuple(self.subsections), layout)


def _close(stack: list[_OpenSection], top: list[Section], level: int) -> None:
    """Close the open sections of ``level`` or deeper, each into its parent (or ``top``)."""
    while stack and stack[-1].level >= level:
        closed = stack.pop().close()
        (stack[-1].subsections if stack else top).append(closed)


class ArticleBuilder(_Builder):
    """Callbacks for ``grammars/article.lark``."""

    def infobox(self, children: list[Token]) -> tuple[Any, ...]:
        fields = []
        for match in self.parts("FIELD", children[1:]):
            raw_key, raw_value, end = match.groups()
            key = raw_key.strip(PADDING)
            value = (raw_value or "").strip(PADDING)
            spelled = (
                raw_key == key and not end and (raw_value == value if value else raw_value is None)
            )
            text = None if spelled else match.group()[:-1]
            layout = None if text is None else _LineLayout(None, text, (key, value))
            fields.append(_InfoboxField(key, value, layout))
        return ("infobox", children[0], tuple(fields))

    @functools.cached_property
    def _part(self) -> tuple[Callable[[str, int], re.Match[str] | None], int]:
        """One pattern for a block or a heading of a BODY token, and the number of the group
        that holds a block's gap (a heading's is group 1): one match per part, where trying
        BLOCK and then HEADING took two for every heading."""
        heading, block = self.patterns["HEADING"], self.patterns["BLOCK"]
        part = re.compile(f"(?:{heading.pattern})|(?:{block.pattern})")
        return part.match, heading.groups + 1

    def _list(self, lines: str) -> BulletList:
        items = []
        spellings: list[str | None] = []
        for line in lines[:-1].split("\n"):
            item = line[2:].strip(PADDING)
            items.append(item)
            spellings.append(None if line[0] == "-" and line[2:] == item else line)
        layout = ListLayout(spellings) if any(s is not None for s in spellings) else None
        return _BulletList(tuple(items), layout)

    def start(self, children: list[Any]) -> Article:
        gap, content, end = self.groups(children[0])
        title = content.strip(PADDING)
        spelled = content == f" {title} " and not end
        title_layout = line_layout(
            gap, NO_GAP, None if spelled else children[0][len(gap) : -1], (title,)
        )
        infobox_parts: tuple[Any, ...] | None = None
        infobox_end: str | None = None
        # A block or heading right after a heading or the infobox's end has no blank line
        # before it in canonical form; after the title or a block, one.
        canonical_gap = ONE_BLANK
        lead = _Blocks()
        stack: list[_OpenSection] = []
        top: list[Section] = []
        end_gap = ""
        for child in children[1:]:
            if isinstance(child, tuple):
                infobox_parts = child
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
            while position < size:
                match = part(child, position)
                assert match is not None  # the lexer matched BODY, made of blocks and headings
                end = position = match.end()
                heading = match.start(1) >= 0  # the heading's gap group takes part
                gap_group = 1 if heading else block_gap
                gap, start = match.group(gap_group), match.end(gap_group)
                if heading:
                    level, heading_title, spelling = _heading(child[start : end - 1])
                    layout = line_layout(gap, canonical_gap, spelling, (level, heading_title))
                    _close(stack, top, level)
                    stack.append(_OpenSection(level, heading_title, layout))
                    canonical_gap = NO_GAP
                    continue
                if child.startswith(("- ", "* "), start):
                    block: Block = self._list(child[start:end])
                else:
                    block = child[start : end - 1]
                (stack[-1] if stack else lead).add(block, gap, canonical_gap)
                canonical_gap = ONE_BLANK
        _close(stack, top, 0)
        if infobox_end == ONE_BLANK and (lead.blocks or top):
            infobox_end = None  # canonical
        infobox = None if infobox_parts is None else self._infobox(infobox_parts, infobox_end)
        article_layout = _ArticleLayout(
            DocumentLayout(end_gap=end_gap) if end_gap else PLAIN_DOCUMENT,
            title_layout,
            lead.layout(),
        )
        return _Article(title, infobox, tuple(lead.blocks), tuple(top), (), article_layout)

    def _infobox(self, parts: tuple[Any, ...], end: str | None) -> Infobox:
        _, token, fields = parts
        gap, trailing = self.groups(token)
        line = line_layout(gap, ONE_BLANK, token[len(gap) : -1] if trailing else None)
        if line is None and end is None:
            return _Infobox(fields, None)
        return _Infobox(fields, InfoboxLayout(line=line, end=end))
