"""Write model objects back to text: each remembered part of a line where it still fits, else
canonical (see :doc:`/roundtrip`)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from typing import IO, Any

from newswiki.files import write_file
from newswiki.layout import (
    NO_GAP,
    ONE_BLANK,
    PLAIN_DOCUMENT,
    TWO_BLANKS,
    BlockLayout,
    DocumentLayout,
    EventLayout,
    LineLayout,
)
from newswiki.model import (
    PADDING,
    Article,
    Block,
    BulletList,
    Document,
    Event,
    InfoboxField,
    RelatedEvent,
    Section,
    Source,
    UndatedEvent,
    Unparsed,
    UnparsedDocument,
)
from newswiki.spelling import canonical_tags, reads, respell
from newswiki.utf8 import encoded, escaped

__all__ = ["dump", "dumps"]

_CANONICAL_EVENT = EventLayout()
# What a line or block follows decides its canonical gap, and which remembered gaps are safe.
_AFTER_HEADING = "heading"
_AFTER_INFOBOX = "infobox end"


def dumps(obj: Document) -> str:
    """Write an :class:`~newswiki.Event`, :class:`~newswiki.Article`,
    :class:`~newswiki.UndatedEvent` or :class:`~newswiki.UnparsedDocument` as text.

    A parsed object comes back byte for byte (``dumps(loads(text)) == text``); a built one is
    written in the canonical layout; an edited one with the layout of what did not change,
    down to the parts of each line (see :doc:`/roundtrip`).  Raises :class:`TypeError` for any
    other object.

    >>> import datetime, newswiki
    >>> print(newswiki.dumps(newswiki.Event(date=datetime.date(2016, 7, 18), headline="Hi")))
    ### [2016-07-18](/news/2016/07/18/index.md)
    <BLANKLINE>
    # Hi
    <BLANKLINE>
    """
    if isinstance(obj, (Event, Article, UndatedEvent)):
        text, document = _logical(obj)
        return _finish(text, document, obj.unparsed)
    if isinstance(obj, UnparsedDocument):
        return obj.text
    raise TypeError(
        "newswiki.dumps() takes an Event, Article, UndatedEvent or UnparsedDocument,"
        f" not {type(obj).__name__}"
    )


def _logical(obj: Event | UndatedEvent | Article) -> tuple[str, DocumentLayout]:
    """The text of ``obj`` with "\n" line ends and without its unparsed lines, and the facts
    of the document that :func:`_finish` applies to it."""
    if not isinstance(obj, Article):
        layout = obj.layout or _CANONICAL_EVENT
        parts, document = _event(obj, layout), layout.document
    else:
        parts = _article(obj)
        document = obj.layout.document if obj.layout else PLAIN_DOCUMENT
    parts.append(document.end_gap)
    return "".join(parts), document


def dump(obj: Document, fp: IO[Any] | str | os.PathLike[str]) -> None:
    """Write ``obj`` to ``fp``: a path, or an open binary file (UTF-8 is written) or text file.

    A path is written as ``newswiki fmt`` writes files, with
    :func:`newswiki.files.write_file`: the file is replaced in one step where it can be, and
    keeps its links, owner, group, mode and extended attributes.  Open a text file with
    ``newline=""``: otherwise Python translates ``"\\n"`` on the way out and the file's line
    ends are not the ones remembered.

    A file takes text when it is a text stream (``io.TextIOBase``) or, not being one of
    ``io``'s binary streams, has an ``encoding`` (as the writers of ``codecs.open``, whose
    ``mode`` says ``"b"`` all the same); any other file takes bytes.

    No UTF-8 file can hold a lone surrogate, which a document read with ``strict=False`` from
    a ``str`` may hold: each is written as its escape, the text ``\\udXXX`` (see
    :mod:`newswiki.utf8`).
    """
    if isinstance(fp, (str, os.PathLike)):
        write_file(fp, encoded(dumps(obj)))
        return
    text = dumps(obj)
    if isinstance(fp, io.TextIOBase) or (
        not isinstance(fp, (io.RawIOBase, io.BufferedIOBase)) and hasattr(fp, "encoding")
    ):
        fp.write(escaped(text))
    else:
        fp.write(encoded(text))


def _spelled(layout: LineLayout, kind: str, values: tuple[object, ...]) -> str | None:
    """The remembered spelling of a line holding ``values``, or ``None`` for the canonical one."""
    text = layout.text
    if text is None or layout.reads_as == values:
        return text
    return respell(kind, text, values)


def _put(
    out: list[str],
    layout: LineLayout | None,
    gap: str,
    kind: str,
    values: tuple[object, ...],
    canonical: str,
) -> None:
    """Write one line: its remembered gap, and its remembered parts around the values."""
    if layout is not None:
        if layout.gap is not None:
            gap = layout.gap
        text = layout.text
        if text is not None:  # _spelled, written out: this runs for most lines
            canonical = (
                text if layout.reads_as == values else respell(kind, text, values) or canonical
            )
    out.append(gap)
    out.append(canonical)
    out.append("\n")


def _header(out: list[str], layout: LineLayout | None, gap: str, line: str) -> None:
    """A section header: its remembered gap, and its trailing spaces."""
    if layout is not None:
        if layout.gap is not None:
            gap = layout.gap
        text = layout.text
        if text is not None and text.startswith(line) and not text[len(line) :].strip(" \t\r"):
            line = text
    out.append(gap)
    out.append(line)
    out.append("\n")


def _kept(items: Sequence[Any], header: LineLayout | None) -> bool:
    """Whether a section is written: it has items, or it was read empty (or built with a
    header layout): a header whose items were all removed goes with them."""
    return bool(items) or (header is not None and not header.reads_as)


def _event(event: Event | UndatedEvent, layout: EventLayout) -> list[str]:
    out: list[str] = []
    if isinstance(event, Event):  # an undated event's date line is among its unparsed lines
        iso, path = event.date.isoformat(), event.path
        _put(out, layout.date_line, NO_GAP, "date", (iso, path), f"### [{iso}]({path})")
    headline = event.headline
    _put(out, layout.headline, ONE_BLANK, "headline", (headline,), f"# {headline}")
    # A remembered "" is safe only before the first paragraph: two would merge.
    _blocks(out, event.body, layout.body, ONE_BLANK, "headline", bool(event.unparsed))
    has_sources = _kept(event.sources, layout.sources_header)
    if has_sources:
        _header(out, layout.sources_header, TWO_BLANKS, "### Source:")
        read = _read_under(layout.sources_header)
        _numbered(out, event.sources, read, "source", _source_values, _source_line)
    if _kept(event.related, layout.related_header):
        gap = ONE_BLANK if has_sources else TWO_BLANKS
        _header(out, layout.related_header, gap, "### Related:")
        read = _read_under(layout.related_header)
        _numbered(out, event.related, read, "related", _related_values, _related_line)
    return out


def _read_under(header: LineLayout | None) -> tuple[Any, ...]:
    """The items read under a section header or an ``Infobox`` line (none if built by hand)."""
    return header.reads_as if header is not None else ()


def _source_values(item: Source) -> tuple[object, ...]:
    return (item.name, item.url)


def _source_line(number: int, values: tuple[Any, ...]) -> str:
    return f"{number}. [{values[0]}]({values[1]})"


def _related_values(item: RelatedEvent) -> tuple[object, ...]:
    return (item.title, item.path, item.context)


def _related_line(number: int, values: tuple[Any, ...]) -> str:
    title, path, tags = values
    if tags:
        return f"{number}. [{title}]({path}) _Context: {canonical_tags(tags)}_"
    return f"{number}. [{title}]({path})"


def _first_gap(read: tuple[Any, ...]) -> str:
    """The gap before a list's first line, as read (``read``: the items read): it stays with
    the place (after the header) when the first item is removed or moved."""
    layout = read[0].layout if read else None
    gap = layout.gap if layout is not None else None
    return ONE_BLANK if gap is None else gap


def _number_of(line: str) -> int:
    return int(line[: line.index(".")])


# Placeholder values that show a line's style: its spelling with the values taken out.
_PLACEHOLDERS: dict[str, Callable[[tuple[Any, ...]], tuple[object, ...]]] = {
    "source": lambda read: ("x", "y"),
    "related": lambda read: ("x", "y", ("t",) * len(read[2])),
    "field": lambda read: ("k", "v" if read[1] else ""),
    "heading": lambda read: (read[0], "x"),
}
# How many siblings on each side of a new item vote on its style.
_NEIGHBOURS = 4


def _style(kind: str, layout: LineLayout) -> str | None:
    """What a parsed line's spelling looks like without its values (``None``: canonical)."""
    text = layout.text
    if text is None:
        return None
    read = reads(kind, text)
    if read is None:
        return text
    return respell(kind, text, _PLACEHOLDERS[kind](read), "0") or text


def _line_layout(item: Any) -> LineLayout | None:
    return item.layout  # type: ignore[no-any-return]


def _heading_layout(section: Section) -> LineLayout | None:
    return section.layout.heading if section.layout is not None else None


def _sibling(
    kind: str,
    items: Sequence[Any],
    index: int,
    layout_of: Callable[[Any], LineLayout | None] = _line_layout,
) -> Any | None:
    """The sibling a new item copies: of its nearest parsed siblings, one whose spelling
    most of them share (the nearest one among them on a tie); ``None`` when none is parsed."""
    near = sorted(
        (at for at in range(index - _NEIGHBOURS, index + _NEIGHBOURS + 1) if at != index),
        key=lambda at: (abs(at - index), at > index),
    )
    votes: dict[str | None, list[Any]] = {}
    for at in near:
        sibling = items[at] if 0 <= at < len(items) else None
        layout = None if sibling is None else layout_of(sibling)
        if layout is not None and layout.line is not None:  # parsed: it has a style
            votes.setdefault(_style(kind, layout), []).append(sibling)
    if not votes:
        return None
    return max(votes.values(), key=len)[0]


def _sibling_style(kind: str, items: Sequence[Any], index: int) -> LineLayout | None:
    """The layout a new line copies, or ``None`` for the canonical spelling."""
    sibling = _sibling(kind, items, index)
    return None if sibling is None else _line_layout(sibling)


def _numbered(
    out: list[str],
    items: Sequence[Any],
    read: tuple[Any, ...],
    kind: str,
    values_of: Callable[[Any], tuple[object, ...]],
    canonical: Callable[[int, tuple[Any, ...]], str],
) -> None:
    """The numbered lines of a source or related section; ``read``: the items read under its
    header, which say what each line was read as and where it was.

    A line keeps its number while it is where it was read (same index); a line that moved, or
    is new, takes the number after the one above it, as a person renumbers.  A new line takes
    the spelling of its neighbour.  A remembered gap is kept while the line stays first (or
    stays not first) of its list; a line that becomes first takes the gap the list's first
    line was read with.
    """
    if items is read and read:
        # The list as read: every line where it was, with the values it was read as.
        append = out.append
        for index, item in enumerate(items):
            read_layout: LineLayout = item.layout
            gap = read_layout.gap
            append((ONE_BLANK if index == 0 else NO_GAP) if gap is None else gap)
            text = read_layout.text
            append(canonical(index + 1, values_of(item)) if text is None else text)
            append("\n")
        return
    previous = ""  # the line written before, for its number
    first_read = read[0].layout if read else None
    for index, item in enumerate(items):
        values = values_of(item)
        layout: LineLayout | None = item.layout
        gap = ONE_BLANK if index == 0 else NO_GAP
        line = None
        was = read[index] if index < len(read) else None
        if layout is not None and was is not None and was.layout is layout:  # where it was
            if layout.gap is not None:
                gap = layout.gap
            text = layout.text
            if text is None:
                line = canonical(index + 1, values)
            elif was is item or values_of(was) == values:
                line = text
            else:
                line = respell(kind, text, values)
        else:
            number = _number_of(previous) + 1 if previous else 1
            template = layout if layout is not None else _sibling_style(kind, items, index)
            if index == 0:
                gap = _first_gap(read)
            if template is not None:
                # A gap read before the list's first line goes with the first place only (a
                # layout built by hand counts as read further down).
                was_first = template is first_read
                if template.gap is not None and was_first == (index == 0):
                    gap = template.gap
                if template.text is not None:
                    line = respell(kind, template.text, values, str(number))
            if line is None:
                line = canonical(number, values)
        if line is None:  # a remembered number with parts that no longer fit
            line = canonical(_number_of(layout.text or "0."), values)  # type: ignore[union-attr]
        out.append(gap)
        out.append(line)
        out.append("\n")
        previous = line


def _align(old: tuple[Any, ...], new: tuple[Any, ...]) -> list[int | None]:
    """For each of ``new``, the index in ``old`` of the same element, as a diff would pair
    them: the unchanged run at the start and at the end, and in between, position for position
    when the counts agree (elements edited in place); ``None`` for an element that is new."""
    count = min(len(old), len(new))
    start = 0
    while start < count and old[start] == new[start]:
        start += 1
    end = 0
    while end < count - start and old[-1 - end] == new[-1 - end]:
        end += 1
    middle = len(new) - start - end
    pairs: list[int | None] = list(range(start))
    if len(old) - start - end == middle:
        pairs += range(start, start + middle)
    else:
        pairs += [None] * middle
    pairs += range(len(old) - end, len(old))
    return pairs


def _block_gaps(layout: BlockLayout | None, blocks: tuple[Any, ...]) -> Sequence[str | None] | None:
    """The remembered gap for each block (``None`` where there is none), or ``None`` for all.

    A gap goes with its block while the block stays first (or not first); a new block takes
    the gap of the block before it (or after it), as its siblings are spaced.
    """
    if layout is None:
        return None
    gaps, read = layout.gaps, layout.reads_as
    if read is blocks or (read and read == blocks):
        return gaps
    if not read:  # built by hand: position for position, while the counts agree
        return gaps if len(gaps) == len(blocks) and blocks else None
    pairs = _align(read, blocks)
    kept: list[str | None] = [
        None if old is None or (old == 0) != (new == 0) else gaps[old]
        for new, old in enumerate(pairs)
    ]
    for new, old in enumerate(pairs):
        if old is None and new > 0:
            for near in (new - 1, new + 1):
                paired = pairs[near] if near < len(pairs) else None
                if paired and kept[near] is not None:
                    kept[new] = kept[near]
                    break
    return kept


def _blocks(
    out: list[str],
    blocks: tuple[Block, ...],
    layout: BlockLayout | None,
    first_gap: str,
    previous: str,
    loose: bool,
    later_gap: str = ONE_BLANK,
) -> str:
    """Write paragraphs and lists; return the kind of the last thing written.

    ``first_gap`` is the gap before the first block and ``later_gap`` before each other one,
    where none is remembered; ``previous`` the kind of what comes before the first.  A
    remembered ``""`` between two blocks of one kind would merge them, so it
    is used only after something else (or when unparsed lines sit between them).
    """
    if layout is not None and layout.reads_as is blocks and blocks:
        # The blocks as read: each gap was read between these very blocks, after something
        # that is not a block of either kind, so it is written as it is.
        append = out.append
        read_gaps = layout.gaps
        for index, block in enumerate(blocks):
            append(read_gaps[index])
            if isinstance(block, str):
                append(block)
                append("\n")
            else:
                _list(out, block)
        return "paragraph" if isinstance(blocks[-1], str) else "list"
    gaps = _block_gaps(layout, blocks)
    for index, block in enumerate(blocks):
        kind = "list" if isinstance(block, BulletList) else "paragraph"
        gap = first_gap if index == 0 else later_gap
        kept = gaps[index] if gaps is not None else None
        if kept is not None and (kept or previous != kind or loose):
            gap = kept
        out.append(gap)
        if isinstance(block, BulletList):
            _list(out, block)
        else:
            out.append(block)
            out.append("\n")
        previous = kind
    return previous


def _article(article: Article) -> list[str]:
    out: list[str] = []
    layout = article.layout
    title = article.title
    _put(out, layout.title_line if layout else None, NO_GAP, "title", (title,), f"= {title} =")
    previous = "title"
    first_gap = ONE_BLANK
    infobox = article.infobox
    if infobox is not None:
        box = infobox.layout
        line = box.line if box else None
        _header(out, line, ONE_BLANK, "Infobox")
        _fields(out, infobox.fields, _read_under(line))
        follows = bool(article.lead or article.sections)
        end = box.end if box and box.end is not None else ONE_BLANK if follows else ""
        if end:
            out.append(end)
            previous, first_gap = _AFTER_INFOBOX, NO_GAP
    loose = bool(article.unparsed)
    lead = layout.lead if layout else None
    previous = _blocks(out, article.lead, lead, first_gap, previous, loose)
    _sections(out, article.sections, previous, loose)
    return out


def _field_line(key: str, value: str) -> str:
    """An infobox line in its canonical spelling."""
    return f"- {key}: {value}" if value else f"- {key}:"


def _fields(out: list[str], fields: tuple[InfoboxField, ...], read: tuple[Any, ...]) -> None:
    """The infobox lines; a new one in the spelling of its siblings.  No gaps: a blank line
    would end the infobox.  ``read``: the fields read, which say what each line was read as."""
    if fields is read:  # the fields as read: each line's spelling or its canonical one
        for field in fields:
            line = field.layout.text  # type: ignore[union-attr]
            out.append(_field_line(field.key, field.value) if line is None else line)
            out.append("\n")
        return
    for index, field in enumerate(fields):
        key, value = field.key, field.value
        layout = field.layout
        line = layout.text if layout is not None else None
        if line is not None:
            was = read[index] if index < len(read) else None
            if was is None or was.layout is not layout or (was.key, was.value) != (key, value):
                line = respell("field", line, (key, value))
        elif layout is None:
            template = _sibling_style("field", fields, index)
            line = None if template is None else _spelled(template, "field", (key, value))
        elif not value:
            # A canonical line read with a value keeps its ": " when the value is emptied:
            # only the value's bytes go (``- k: `` reads as an empty value too).
            was = read[index] if index < len(read) else None
            if was is not None and was.layout is layout and was.value:
                line = f"- {key}: "
        out.append(line or _field_line(key, value))
        out.append("\n")


def _section(
    out: list[str], siblings: tuple[Section, ...], index: int, previous: str, loose: bool
) -> str:
    """A section and its subsections.

    A new section is spaced and spelled as most of its nearest parsed siblings are: their
    heading's spelling, the blank lines before it when both follow a block (after a heading or
    the infobox none is canonical, and stays so), and the blank lines before its first block
    and between its blocks.
    """
    section = siblings[index]
    layout = section.layout
    level, title = section.level, section.title
    gap = NO_GAP if previous in (_AFTER_HEADING, _AFTER_INFOBOX) else ONE_BLANK
    heading = layout.heading if layout else None
    line = f"{'=' * level}{title}{'=' * level}"
    first_gap, later_gap = NO_GAP, ONE_BLANK
    if layout is None:
        sibling = _sibling("heading", siblings, index, _heading_layout)
        if sibling is not None:
            template = sibling.layout
            if template.heading.gap and gap:
                gap = template.heading.gap
            line = _spelled(template.heading, "heading", (level, title)) or line
            spaced: tuple[str, ...] = template.blocks.gaps if template.blocks else ()
            first_gap = spaced[0] if spaced else first_gap
            later_gap = spaced[1] if len(spaced) > 1 and spaced[1] else later_gap
    _put(out, heading, gap, "heading", (level, title), line)
    blocks = layout.blocks if layout else None
    previous = _blocks(out, section.blocks, blocks, first_gap, _AFTER_HEADING, loose, later_gap)
    if section.subsections:
        previous = _sections(out, section.subsections, previous, loose)
    return previous


def _sections(out: list[str], siblings: tuple[Section, ...], previous: str, loose: bool) -> str:
    """Sibling sections, in order; return the kind of the last thing written.

    A new section with nothing in it leaves the parsed section after it spaced as it was read
    (its canonical blank lines depend on what comes before it): inserted by hand, a heading
    moves no other line.
    """
    for index, section in enumerate(siblings):
        before = previous
        previous = _section(out, siblings, index, previous, loose)
        if section.layout is None and not (section.blocks or section.subsections):
            following = siblings[index + 1].layout if index + 1 < len(siblings) else None
            if following is not None and following.span is not None:
                previous = before
    return previous


def _list(out: list[str], block: BulletList) -> None:
    """The lines of a list: each remembered spelling with its item put in; a new item in the
    spelling of the item before it (or, first, after it)."""
    layout = block.layout
    items = block.items
    append = out.append  # the parts are appended, not joined: an item is never copied here
    if layout is None:
        for item in items:
            append("- ")
            append(item)
            append("\n")
        return
    spellings, read = layout.items, layout.reads_as
    if read is items or (read and read == items):
        for item, spelling in zip(items, spellings, strict=True):
            if spelling is None:
                append("- ")
                append(item)
            else:
                append(spelling)
            append("\n")
        return
    if read:
        pairs = _align(read, items)
    else:  # built by hand: position for position, while the counts agree
        same = len(spellings) == len(items)
        pairs = list(range(len(items))) if same else [None] * len(items)
    for index, item in enumerate(items):
        old = pairs[index]
        near = [at for at in (index - 1, index + 1) if 0 <= at < len(pairs)]
        template = (
            spellings[old]
            if old is not None
            else next((spellings[o] for o in (pairs[at] for at in near) if o is not None), None)
        )
        line = None if template is None else respell("item", template, (item,))
        out.append(f"- {item}\n" if line is None else f"{line}\n")


def _finish(text: str, document: DocumentLayout, unparsed: tuple[Unparsed, ...]) -> str:
    """Put the unparsed lines back and apply the facts of the document (the same for every
    line) to the logical text."""
    if unparsed:
        text = _with_unparsed(text, unparsed)
    if not document.final_newline:
        text = text[:-1]
    newline = document.newline
    # The reader takes "\r\n" for the line end when every line ends so: a text whose every
    # line ends in "\r" (values, blank lines or trailing spaces holding one, as in a file of
    # mixed line ends after an edit) must be written with "\r\n" ends to read back the same.
    if newline == "\n" and "\r" in text and text.count("\n") == text.count("\r\n") > 0:
        newline = "\r\n"
    if newline != "\n":
        text = text.replace("\n", newline)
    if document.bom:
        text = "\ufeff" + text
    return text


def _with_unparsed(text: str, unparsed: tuple[Unparsed, ...]) -> str:
    """``text`` with each unparsed block at its line (one pass: lines are never inserted into
    a list, which made writing a document with many blocks quadratic)."""
    lines = text.split("\n")
    out: list[str] = []
    taken = 0
    for block in unparsed:
        wanted = block.line - 1 - len(out)  # lines of the text before this block
        if wanted > 0:
            out += lines[taken : taken + wanted]
            taken += wanted
        out += block.text.split("\n")
    out += lines[taken:]
    return "\n".join(out)


def _blank(line: str) -> bool:
    return not line.strip(PADDING)


def _model_lines(text: str) -> list[str]:
    """The lines of a logical text (which ends in a newline)."""
    return text[:-1].split("\n")


def placed_unparsed(
    before: Event | UndatedEvent | Article, after: Event | UndatedEvent | Article
) -> tuple[Unparsed, ...]:
    """The unparsed blocks of ``before``, numbered to sit between the same lines when
    ``after`` (the same values in another layout) is written.

    A block follows the same number of non-blank lines the document itself writes (its
    values' lines: blank lines are layout), and the blank lines of the document that stood
    between them and the block (an infobox's closing line), as far as ``after`` writes them.
    """
    old = _model_lines(_logical(before)[0])
    new = _model_lines(_logical(after)[0])
    # Where, in ``new``, the line after the n-th non-blank one is, for every n.
    after_nonblank = [0] + [index + 1 for index, line in enumerate(new) if not _blank(line)]
    placed: list[Unparsed] = []
    unparsed_lines = 0
    nonblank = blank_run = position = 0  # over ``old``, up to ``position``
    for block in before.unparsed:
        stop = min(block.line - 1 - unparsed_lines, len(old))
        for line in old[position:stop]:
            if _blank(line):
                blank_run += 1
            else:
                nonblank += 1
                blank_run = 0
        position = max(position, stop)
        start = after_nonblank[min(nonblank, len(after_nonblank) - 1)]
        kept = 0
        while kept < blank_run and start + kept < len(new) and _blank(new[start + kept]):
            kept += 1
        placed.append(Unparsed(start + kept + unparsed_lines + 1, block.text, block.diagnostic))
        unparsed_lines += block.text.count("\n") + 1
    return tuple(placed)
