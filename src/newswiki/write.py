"""Write model objects back to text: their remembered layout where it still fits, else canonical."""

from __future__ import annotations

from typing import IO, Any

from newswiki.build import NO_GAP, ONE_BLANK, PLAIN_DOCUMENT, TWO_BLANKS
from newswiki.layout import BlockLayout, DocumentLayout, EventLayout, LineLayout
from newswiki.model import (
    PADDING,
    Article,
    Block,
    BulletList,
    Document,
    Event,
    Section,
    Unparsed,
    UnparsedDocument,
)

__all__ = ["dump", "dumps"]

_CANONICAL_EVENT = EventLayout()
# What a line or block follows decides its canonical gap, and which remembered gaps are safe.
_AFTER_HEADING = "heading"
_AFTER_INFOBOX = "infobox end"


def dumps(obj: Document) -> str:
    """Write an :class:`~newswiki.Event`, :class:`~newswiki.Article` or
    :class:`~newswiki.UnparsedDocument` as text.

    A parsed object comes back byte for byte (``dumps(loads(text)) == text``); a built one is
    written in the canonical layout; an edited one with the layout of what did not change (see
    :doc:`/roundtrip`).  Raises :class:`TypeError` for any other object.

    >>> import datetime, newswiki
    >>> print(newswiki.dumps(newswiki.Event(date=datetime.date(2016, 7, 18), headline="Hi")))
    ### [2016-07-18](/news/2016/07/18/index.md)
    <BLANKLINE>
    # Hi
    <BLANKLINE>
    """
    if isinstance(obj, Event):
        layout = obj.layout or _CANONICAL_EVENT
        return _finish(_event(obj, layout), layout.document, obj.unparsed)
    if isinstance(obj, Article):
        document = obj.layout.document if obj.layout else PLAIN_DOCUMENT
        return _finish(_article(obj), document, obj.unparsed)
    if isinstance(obj, UnparsedDocument):
        return obj.text
    raise TypeError(
        f"newswiki.dumps() takes an Event, Article or UnparsedDocument, not {type(obj).__name__}"
    )


def dump(obj: Document, fp: IO[Any]) -> None:
    """Write ``obj`` to ``fp``, an open binary file (UTF-8 is written) or text file.

    Open a text file with ``newline=""``: otherwise Python translates ``"\\n"`` on the way out
    and the file's line ends are not the ones remembered.
    """
    text = dumps(obj)
    if "b" in getattr(fp, "mode", "") or not hasattr(fp, "encoding"):
        fp.write(text.encode("utf-8"))
    else:
        fp.write(text)


def _put(
    out: list[str], layout: LineLayout | None, gap: str, values: tuple[object, ...], text: str
) -> None:
    """Write one line: its remembered gap, and its remembered spelling while it still fits."""
    if layout is not None:
        if layout.gap is not None:
            gap = layout.gap
        if layout.text is not None and layout.reads_as == values:
            text = layout.text
    out.append(gap)
    out.append(text)
    out.append("\n")


def _event(event: Event, layout: EventLayout) -> list[str]:
    out: list[str] = []
    date, path = event.date, event.path
    _put(out, layout.date_line, NO_GAP, (date, path), f"### [{date.isoformat()}]({path})")
    headline = event.headline
    _put(out, layout.headline, ONE_BLANK, (headline,), f"# {headline}")
    gaps = _gaps(layout.body, event.body)
    for index, paragraph in enumerate(event.body):
        gap = ONE_BLANK
        # A remembered "" is safe only before the first paragraph: two would merge.
        if gaps is not None and (gaps[index] or index == 0 or event.unparsed):
            gap = gaps[index]
        out.append(gap)
        out.append(paragraph)
        out.append("\n")
    has_sources = bool(event.sources) or layout.sources_header is not None
    if has_sources:
        _put(out, layout.sources_header, TWO_BLANKS, (), "### Source:")
        for index, source in enumerate(event.sources, 1):
            name, url = source.name, source.url
            _put(
                out,
                source.layout,
                NO_GAP if index > 1 else ONE_BLANK,
                (name, url),
                f"{index}. [{name}]({url})",
            )
    if event.related or layout.related_header is not None:
        _put(
            out, layout.related_header, ONE_BLANK if has_sources else TWO_BLANKS, (), "### Related:"
        )
        for index, item in enumerate(event.related, 1):
            title, target, context = item.title, item.path, item.context
            text = f"{index}. [{title}]({target})"
            if context:
                text = f"{text} _Context: {', '.join(context)}_"
            _put(
                out, item.layout, NO_GAP if index > 1 else ONE_BLANK, (title, target, context), text
            )
    return out


def _gaps(layout: BlockLayout | None, blocks: tuple[object, ...]) -> tuple[str, ...] | None:
    """Remembered gaps, while there is still one per block."""
    if layout is None or len(layout.gaps) != len(blocks):
        return None
    return layout.gaps


def _article(article: Article) -> list[str]:
    out: list[str] = []
    layout = article.layout
    title = article.title
    _put(out, layout.title_line if layout else None, NO_GAP, (title,), f"= {title} =")
    previous = "title"
    infobox = article.infobox
    if infobox is not None:
        box = infobox.layout
        _put(out, box.line if box else None, ONE_BLANK, (), "Infobox")
        for field in infobox.fields:
            key, value = field.key, field.value
            _put(
                out,
                field.layout,
                NO_GAP,
                (key, value),
                f"- {key}: {value}" if value else f"- {key}:",
            )
        follows = bool(article.lead or article.sections)
        end = box.end if box and box.end is not None else ONE_BLANK if follows else ""
        if end:
            out.append(end)
            previous = _AFTER_INFOBOX
    loose = bool(article.unparsed)
    previous = _blocks(out, article.lead, layout.lead if layout else None, previous, loose)
    for section in article.sections:
        previous = _section(out, section, previous, loose)
    return out


def _section(out: list[str], section: Section, previous: str, loose: bool) -> str:
    layout = section.layout
    marks = "=" * section.level
    title = section.title
    gap = NO_GAP if previous in (_AFTER_HEADING, _AFTER_INFOBOX) else ONE_BLANK
    _put(
        out,
        layout.heading if layout else None,
        gap,
        (section.level, title),
        f"{marks}{title}{marks}",
    )
    previous = _blocks(
        out, section.blocks, layout.blocks if layout else None, _AFTER_HEADING, loose
    )
    for subsection in section.subsections:
        previous = _section(out, subsection, previous, loose)
    return previous


def _blocks(
    out: list[str],
    blocks: tuple[Block, ...],
    layout: BlockLayout | None,
    previous: str,
    loose: bool,
) -> str:
    """Write paragraphs and lists; return the kind of the last thing written."""
    gaps = _gaps(layout, blocks)
    for index, block in enumerate(blocks):
        kind = "list" if isinstance(block, BulletList) else "paragraph"
        gap = NO_GAP if previous in (_AFTER_HEADING, _AFTER_INFOBOX) else ONE_BLANK
        # A remembered "" between two blocks of one kind would merge them into one.
        if gaps is not None and (gaps[index] or previous != kind or loose):
            gap = gaps[index]
        out.append(gap)
        if isinstance(block, BulletList):
            _list(out, block)
        else:
            out.append(block)
            out.append("\n")
        previous = kind
    return previous


def _list(out: list[str], block: BulletList) -> None:
    spellings = block.layout.items if block.layout else ()
    if len(spellings) != len(block.items):
        spellings = (None,) * len(block.items)
    for item, spelling in zip(block.items, spellings, strict=False):
        if spelling is not None and spelling[2:].strip(PADDING) == item:
            out.append(spelling)
        else:
            out.append("- ")
            out.append(item)
        out.append("\n")


def _finish(parts: list[str], document: DocumentLayout, unparsed: tuple[Unparsed, ...]) -> str:
    """Join the lines and apply the facts of the document (they are the same for every line)."""
    parts.append(document.end_gap)
    text = "".join(parts)
    if unparsed:
        lines = text.split("\n")
        for block in unparsed:
            index = block.line - 1
            lines[index:index] = block.text.split("\n")
        text = "\n".join(lines)
    if not document.final_newline:
        text = text[:-1]
    if document.newline != "\n":
        text = text.replace("\n", document.newline)
    if document.bom:
        text = "\ufeff" + text
    return text
