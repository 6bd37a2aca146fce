"""Hypothesis strategies for newswiki objects and texts, to test code that uses newswiki.

Needs `hypothesis <https://hypothesis.readthedocs.io>`_ (the ``test`` extra).

- :func:`events`, :func:`articles`: valid objects, without layout (written canonically).
- :func:`event_texts`, :func:`article_texts`: valid files with irregular layout (extra and
  whitespace-only blank lines, trailing spaces, padding inside brackets and headings,
  renumbered lists, ``*`` bullets, ``\\r\\n``, a byte order mark, no final newline).
  :func:`texts_of` gives the object and such a text together: the text parses to an object
  equal to it.
- :func:`broken_texts`: such files with lines that break the format set in anywhere, alone
  and in runs, for lenient parsing (``strict=False``).

Every value position (headlines, titles, names, link targets, tags, keys, values, headings,
list items, paragraphs) mixes ordinary text with the fragments that break naive parsers: the
format's own markers (``](``, ``[``, ``]``, ``(``, ``)``, ``_``, ``, ``, ``: ``, ``=``, ``#``,
``_Context:``), ``\\r``, tabs, NUL, a byte order mark, ``&nbsp;``, mojibake, and ``\\x0b``,
``\\x85`` and ``\\u2028``, which ``str.splitlines`` would break on.  Lone surrogates are never
drawn: no UTF-8 file can hold one.

>>> from hypothesis import given
>>> import newswiki
>>> @given(events())
... def test_round_trip(event):
...     assert newswiki.loads(newswiki.dumps(event)) == event
>>> test_round_trip()
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import strategies as st

from newswiki.model import (
    MAX_BRACKETS,
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
from newswiki.text import slugify

__all__ = [
    "BAD_LINES",
    "article_texts",
    "articles",
    "blocks",
    "broken_texts",
    "event_texts",
    "events",
    "lines",
    "paragraphs",
    "related_events",
    "sections",
    "sources",
    "texts_of",
]

T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[T]], T]

#: Fragments that look like markup, or break naive line handling: every value position draws
#: them (the format's own markers, line breaks other tools see, NUL, a byte order mark).
TRICKY = (
    "](",
    "](x)",
    "](x) _Context: a_",
    "[",
    "]",
    "(",
    ")",
    ": ",
    ":",
    "_Context: ",
    " _Context: ",
    "_",
    ", ",
    "==",
    "=",
    "= ",
    " =",
    "#",
    "# ",
    "### ",
    "- ",
    "* ",
    "1. ",
    "1. [",
    "Infobox",
    "&nbsp;",
    "&amp;",
    "â€™",
    "\u00a0",
    "\r",
    "\r\r",
    "\x00",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x85",
    "\u2028",
    "\u2029",
    "\t",
    "  ",
    "–",
    "\ufeff",
    "{{",
    "}}",
    "$x^2$",
)


def _characters(excluded: str) -> st.SearchStrategy[str]:
    """Any character but ``excluded`` and lone surrogates (no UTF-8 file holds one)."""
    return st.characters(exclude_categories=["Cs"], exclude_characters=excluded)


def lines(*, min_size: int = 0, max_size: int = 12) -> st.SearchStrategy[str]:
    """Single-line values without padding spaces (``min_size`` counts fragments)."""
    piece = st.one_of(st.text(_characters("\n"), min_size=1, max_size=8), st.sampled_from(TRICKY))
    text = st.lists(piece, min_size=min_size, max_size=max_size).map("".join)
    return text.map(lambda s: s.strip(PADDING)).filter(lambda s: len(s) >= min(min_size, 1))


#: Fragments of link targets: the format's markers, and characters that are no space.
_TARGET_PIECES = (*"()_?&#%][/:=,\r\x00\x85\u2028\ufeff", "))", "]]", "((", "](")


def _paths(*, link: bool) -> st.SearchStrategy[str]:
    """Link targets (``link``: no ``](``, which would end the link text) or date-line paths."""
    free = st.text(_characters(" \t\n"), max_size=20)
    tricky = st.lists(st.sampled_from(_TARGET_PIECES), max_size=6).map("".join)
    raw = st.one_of(free, tricky, st.just("https://www.rt.com/news/1-a/"))
    return raw.map(lambda s: _bounded(s.replace("](", "]_("))) if link else raw


def _bounded(text: str) -> str:
    """``text`` with ``]`` after the most a link target or a context may hold made ``}``."""
    head, *rest = text.split("]")
    if len(rest) <= MAX_BRACKETS:
        return text
    return "]".join([head, *rest[:MAX_BRACKETS]]) + "}".join(["", *rest[MAX_BRACKETS:]])


def _targets() -> st.SearchStrategy[str]:
    return _paths(link=True)


def _news_paths(title: str, date: datetime.date) -> str:
    return f"/news/{date.year:04d}/{date.month:02d}/{date.day}/{slugify(title)}.md"


def _tags() -> st.SearchStrategy[str]:
    return lines(min_size=1, max_size=4).filter(lambda s: ", " not in s and "](" not in s)


def sources() -> st.SearchStrategy[Source]:
    """A :class:`~newswiki.Source` with a tricky name and address."""
    return st.builds(Source, name=lines(), url=_targets())


@st.composite
def related_events(draw: Draw[Any]) -> RelatedEvent:
    """A :class:`~newswiki.RelatedEvent`; its path is often a dated ``/news/...`` path."""
    title = draw(lines())
    date = draw(st.dates())
    path = draw(st.one_of(_targets(), st.just(_news_paths(title, date))))
    context = draw(
        st.lists(_tags(), max_size=3).filter(
            lambda tags: sum(tag.count("]") for tag in tags) <= MAX_BRACKETS
        )
    )
    return RelatedEvent(title=title, path=path, context=context)


def _paragraph(bad_starts: tuple[str, ...]) -> st.SearchStrategy[str]:
    def fix(line: str) -> str:
        return "p" + line if not line.strip(PADDING) or line.startswith(bad_starts) else line

    one = st.one_of(
        st.text(_characters("\n"), min_size=1, max_size=30),
        lines(min_size=1),
    ).map(fix)
    return st.lists(one, min_size=1, max_size=3).map("\n".join)


def paragraphs(kind: str = "event") -> st.SearchStrategy[str]:
    """Paragraphs (one to three lines) valid in an ``"event"`` body or an ``"article"``."""
    return _paragraph(("# ", "### ") if kind == "event" else ("==", "- ", "* "))


@st.composite
def events(draw: Draw[Any]) -> Event:
    """A valid :class:`~newswiki.Event` without layout."""
    date = draw(st.dates())
    path = draw(st.one_of(st.none(), _paths(link=False)))
    event = Event(
        date=date,
        headline=draw(lines()),
        body=draw(st.lists(paragraphs(), max_size=4)),
        sources=draw(st.lists(sources(), max_size=4)),
        related=draw(st.lists(related_events(), max_size=6)),
    )
    return (
        event
        if path is None
        else Event(
            date=date,
            path=path,
            headline=event.headline,
            body=event.body,
            sources=event.sources,
            related=event.related,
        )
    )


def blocks() -> st.SearchStrategy[Block]:
    """A block of an article: a paragraph or a :class:`~newswiki.BulletList`."""
    paragraph = paragraphs("article")
    bullets = st.builds(BulletList, st.lists(lines(), min_size=1, max_size=4))
    return st.one_of(paragraph, bullets)


@st.composite
def sections(draw: Draw[Any], parent_level: int = 1, max_depth: int = 3) -> tuple[Section, ...]:
    """Sibling sections under a parent of ``parent_level`` whose levels read back as siblings."""
    if parent_level >= 6 or max_depth == 0:
        return ()
    count = draw(st.integers(0, 3))
    result = []
    level = draw(st.integers(parent_level + 1, 6))
    for _ in range(count):
        level = draw(st.integers(parent_level + 1, level))
        title = draw(lines(min_size=1).map(lambda s: s.strip("=" + PADDING)).filter(bool))
        result.append(
            Section(
                title=title,
                level=level,
                blocks=draw(st.lists(blocks(), max_size=3)),
                subsections=draw(sections(level, max_depth - 1)),
            )
        )
    return tuple(result)


@st.composite
def articles(draw: Draw[Any]) -> Article:
    """A valid :class:`~newswiki.Article` without layout."""
    fields = st.builds(InfoboxField, key=lines().filter(lambda s: ": " not in s), value=lines())
    infobox = draw(st.one_of(st.none(), st.builds(Infobox, st.lists(fields, max_size=5))))
    lead = draw(st.lists(blocks(), max_size=3))
    first = lead[0] if lead else None
    if (
        infobox is None
        and isinstance(first, str)
        and first.split("\n")[0].rstrip(PADDING) == "Infobox"
    ):
        infobox = Infobox()
    return Article(title=draw(lines()), infobox=infobox, lead=lead, sections=draw(sections()))


# --- texts with irregular layout -------------------------------------------------------------

#: Padding and blank-line content: spaces, tabs and stray carriage returns.
_SPACES = st.text(st.sampled_from(" \t\r"), max_size=3)


def _gap(draw: Draw[Any], canonical: str, *, empty_ok: bool = True) -> str:
    if draw(st.booleans()):
        return canonical if canonical or empty_ok else "\n"
    blank_lines = draw(st.lists(_SPACES, min_size=0 if empty_ok else 1, max_size=3))
    return "".join(f"{line}\n" for line in blank_lines)


def _number(draw: Draw[Any], index: int) -> str:
    return str(index) if draw(st.booleans()) else str(draw(st.integers(0, 999)))


def _event_text(draw: Draw[Any], event: Event) -> str:
    pad = _SPACES
    out = [_gap(draw, ""), f"### [{event.date.isoformat()}]({event.path}){draw(pad)}\n"]
    out += [_gap(draw, "\n"), f"# {draw(pad)}{event.headline}{draw(pad)}\n"]
    for index, paragraph in enumerate(event.body):
        out += [_gap(draw, "\n", empty_ok=index == 0), paragraph, "\n"]
    has_sources = bool(event.sources) or draw(st.booleans())
    if has_sources:
        out += [_gap(draw, "\n\n"), f"### Source:{draw(pad)}\n"]
        for index, source in enumerate(event.sources, 1):
            out += [_gap(draw, "" if index > 1 else "\n"), _number(draw, index)]
            out.append(f". [{draw(pad)}{source.name}{draw(pad)}]({source.url}){draw(pad)}\n")
    if event.related or draw(st.booleans()):
        out += [_gap(draw, "\n" if has_sources else "\n\n"), f"### Related:{draw(pad)}\n"]
        for index, item in enumerate(event.related, 1):
            out += [_gap(draw, "" if index > 1 else "\n"), _number(draw, index)]
            out.append(f". [{draw(pad)}{item.title}{draw(pad)}]({item.path})")
            if item.context:
                # A pad after a tag ending in "," would spell the separator ", ".
                tags = [
                    f"{draw(pad)}{tag}{'' if tag.endswith(',') else draw(pad)}"
                    for tag in item.context
                ]
                out.append(f" _Context: {', '.join(tags)}_")
            elif draw(st.booleans()):
                out.append(f" _Context: {draw(pad)}_")
            out.append(f"{draw(pad)}\n")
    out.append(_gap(draw, ""))
    return "".join(out)


def _heading_pads(draw: Draw[Any], title: str) -> tuple[str, str]:
    lead, trail = draw(_SPACES), draw(_SPACES)
    if not lead and (not title or title[0] == "="):
        lead = " "
    if not trail and (not title or title[-1] == "="):
        trail = " "
    return lead, trail


def _blocks_text(draw: Draw[Any], blocks: tuple[Block, ...], after: str) -> tuple[list[str], str]:
    out: list[str] = []
    for block in blocks:
        kind = "list" if isinstance(block, BulletList) else "paragraph"
        canonical = "" if after in ("heading", "infobox") else "\n"
        out.append(_gap(draw, canonical, empty_ok=after != kind))
        if isinstance(block, BulletList):
            for item in block.items:
                marker = draw(st.sampled_from("-*"))
                out.append(f"{marker} {draw(_SPACES)}{item}{draw(_SPACES)}\n")
        else:
            out += [block, "\n"]
        after = kind
    return out, after


def _sections_text(
    draw: Draw[Any], sections: tuple[Section, ...], after: str
) -> tuple[list[str], str]:
    out: list[str] = []
    for section in sections:
        marks = "=" * section.level
        lead, trail = _heading_pads(draw, section.title)
        canonical = "" if after in ("heading", "infobox") else "\n"
        out += [
            _gap(draw, canonical),
            f"{marks}{lead}{section.title}{trail}{marks}{draw(_SPACES)}\n",
        ]
        text, after = _blocks_text(draw, section.blocks, "heading")
        out += text
        text, after = _sections_text(draw, section.subsections, after)
        out += text
    return out, after


def _field_text(draw: Draw[Any], field: InfoboxField) -> str:
    key_lead, key_trail = draw(_SPACES), draw(_SPACES)
    if field.key.endswith(":"):
        key_trail = ""  # "A: :" would end the key after "A"
    if field.value:
        value = f": {draw(_SPACES)}{field.value}{draw(_SPACES)}"
    else:
        value = ":" + draw(st.sampled_from(["", " ", "  ", " \t"]))
    return f"- {key_lead}{field.key}{key_trail}{value}\n"


def _article_text(draw: Draw[Any], article: Article) -> str:
    lead, trail = _heading_pads(draw, article.title)
    out = [_gap(draw, ""), f"={lead}{article.title}{trail}={draw(_SPACES)}\n"]
    after = "title"
    if article.infobox is not None:
        out += [_gap(draw, "\n"), f"Infobox{draw(_SPACES)}\n"]
        out += [_field_text(draw, field) for field in article.infobox.fields]
        if article.lead or article.sections or draw(st.booleans()):
            out.append(f"{draw(_SPACES)}\n")
            after = "infobox"
    text, after = _blocks_text(draw, article.lead, after)
    out += text
    text, after = _sections_text(draw, article.sections, after)
    out += text
    out.append(_gap(draw, ""))
    return "".join(out)


@st.composite
def _with_document_facts(draw: Draw[Any], text: str) -> str:
    if draw(st.booleans()):
        text = text[:-1]  # no final newline
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    elif "\r" in text and text.count("\n") == text.count("\r\n") > 0:
        # Every line happens to end in "\r": the reader takes that for "\r\n" line ends,
        # so the file spells the lines (and the "\r" ending each) as the writer would.
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text


@st.composite
def texts_of(draw: Draw[Any], objects: st.SearchStrategy[Event | Article]) -> tuple[Any, str]:
    """``(obj, text)``: an object drawn from ``objects`` and a text of it with irregular layout.

    ``newswiki.loads(text) == obj`` and ``newswiki.dumps(newswiki.loads(text)) == text``.
    """
    obj = draw(objects)
    text = _event_text(draw, obj) if isinstance(obj, Event) else _article_text(draw, obj)
    return obj, draw(_with_document_facts(text))


def event_texts() -> st.SearchStrategy[str]:
    """Valid event files with irregular layout."""
    return texts_of(events()).map(lambda pair: pair[1])


def article_texts() -> st.SearchStrategy[str]:
    """Valid article files with irregular layout."""
    return texts_of(articles()).map(lambda pair: pair[1])


#: Lines that break the format in most places: broken section headers and headings, a
#: headline or date line out of place, list lines that are not links or fields.
BAD_LINES = (
    "### Bogus:",
    "### Source:",
    "# a second headline",
    "### [2016-07-18](/news/2016/07/18/index.md)",
    "1. [a link](without an end",
    "1. [T](/p) _Context: a](_",
    "==unclosed",
    "=======seven=======",
    "==A===",
    "- Injuries 40+",
    "= T =",
    "Infobox",
    "###",
    "#x",
)


@st.composite
def broken_texts(draw: Draw[Any]) -> str:
    """A file of either format with irregular layout and lines that break it set in anywhere:
    single lines and runs of them, with blank lines (maybe of spaces) between.

    ``newswiki.dumps(newswiki.loads(text, strict=False)) == text``.
    """
    obj = draw(st.one_of(events(), articles()))
    text = _event_text(draw, obj) if isinstance(obj, Event) else _article_text(draw, obj)
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        run = []
        for index in range(draw(st.integers(1, 3))):
            if index:
                run += [draw(st.sampled_from(["", " ", "\t"]))] * draw(st.integers(0, 2))
            run.append(draw(st.one_of(st.sampled_from(BAD_LINES), _any_line())))
        at = draw(st.integers(0, len(lines) - 1))
        lines[at:at] = run
    broken: str = draw(_with_document_facts("\n".join(lines)))
    return broken


def _any_line() -> st.SearchStrategy[str]:
    """Any line of text, hostile fragments included (it may fit where it lands, or not)."""
    fragments = st.one_of(st.sampled_from(TRICKY), st.text(_characters("\n"), max_size=8))
    return st.lists(fragments, max_size=4).map("".join)
