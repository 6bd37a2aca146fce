"""Edits are local: an edited value rewrites that value's bytes, nothing else (hypothesis).

Every kind of value of both formats is edited in parsed texts with irregular layout; the text
written afterwards must be the original with the old value's bytes replaced by the new
value's, whenever such a text reads back as the edited object.  Appends change no existing
line; removals renumber only the items after; layouts built by hand never change what is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import newswiki
from newswiki import strategies as nws
from newswiki.layout import ListLayout
from newswiki.model import PADDING

objects = st.one_of(nws.events(), nws.articles())
SAMPLE = Path(__file__).parent / "data" / "event-almaty-2016-07-18.md"


def _norm(text: str, obj: Any) -> str:
    """The text as the grammar sees it: no byte order mark, "\\n" line ends."""
    document = obj.layout.document
    text = text.removeprefix("\ufeff") if document.bom else text
    return text.replace("\r\n", "\n") if document.newline == "\r\n" else text


def _lines_of(text: str, span: newswiki.Span) -> tuple[int, int]:
    """The offsets of the start of line ``span.first`` and the end of line ``span.last``."""
    starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
    end = starts[span.last] - 1 if span.last < len(starts) else len(text)
    return starts[span.first - 1], end


@attrs.frozen
class Edit:
    """One value changed: the edited object, the old and new text of the value, and the lines
    the value sits on."""

    edited: Any
    old: str
    new: str
    span: newswiki.Span


def _tags() -> st.SearchStrategy[tuple[str, ...]]:
    tag = nws.lines(min_size=1, max_size=4).filter(lambda s: ", " not in s and "](" not in s)
    return st.lists(tag, min_size=1, max_size=3).map(tuple)


def _targets() -> st.SearchStrategy[str]:
    return st.text(st.characters(blacklist_characters=" \t\n"), max_size=12).map(
        lambda s: s.replace("](", "]_(")
    )


def _replace(items: tuple[Any, ...], index: int, item: Any) -> tuple[Any, ...]:
    return (*items[:index], item, *items[index + 1 :])


def _first_line(draw: Any, obj: Any, name: str, layout: newswiki.LineLayout | None) -> Edit:
    """An edit of the headline or the title."""
    new = draw(nws.lines())
    assert layout is not None
    span = layout.span
    assert span is not None
    return Edit(attrs.evolve(obj, **{name: new}), getattr(obj, name), new, span)


@st.composite
def event_edits(draw: Any, event: newswiki.Event) -> Edit:
    kinds = ["headline", "date"]
    kinds += ["paragraph"] * bool(event.body)
    kinds += ["source name", "source url"] * bool(event.sources)
    kinds += ["related title", "related path", "tag"] * bool(event.related)
    kind = draw(st.sampled_from(kinds))
    layout = event.layout
    assert layout is not None
    if kind == "headline":
        return _first_line(draw, event, "headline", layout.headline)
    if kind == "date":
        day = draw(st.dates())
        span = layout.date_line.span  # type: ignore[union-attr]
        edited = attrs.evolve(event, date=day)
        return Edit(edited, event.date.isoformat(), day.isoformat(), span)  # type: ignore[arg-type]
    if kind == "paragraph":
        index = draw(st.integers(0, len(event.body) - 1))
        new = draw(nws.paragraphs())
        body = _replace(event.body, index, new)
        span = layout.body.spans[index]  # type: ignore[union-attr]
        return Edit(attrs.evolve(event, body=body), event.body[index], new, span)
    if kind.startswith("source"):
        index = draw(st.integers(0, len(event.sources) - 1))
        source = event.sources[index]
        field = "name" if kind == "source name" else "url"
        new = draw(nws.lines() if field == "name" else _targets())
        sources = _replace(event.sources, index, attrs.evolve(source, **{field: new}))
        span = newswiki.position(source)
        assert span is not None
        edited = attrs.evolve(event, sources=sources)
        return Edit(edited, getattr(source, field), new, span)
    index = draw(st.integers(0, len(event.related) - 1))
    item = event.related[index]
    span = newswiki.position(item)
    assert span is not None
    if kind == "tag":
        assume(item.context)
        at = draw(st.integers(0, len(item.context) - 1))
        new = draw(_tags())[0]
        changed = attrs.evolve(item, context=_replace(item.context, at, new))
        old = item.context[at]
    else:
        field = "title" if kind == "related title" else "path"
        new = draw(nws.lines() if field == "title" else _targets())
        changed = attrs.evolve(item, **{field: new})
        old = getattr(item, field)
    edited = attrs.evolve(event, related=_replace(event.related, index, changed))
    return Edit(edited, old, new, span)


def _with_section(article: newswiki.Article, path: tuple[str, ...], section: Any) -> Any:
    """``article`` with the section at ``path`` (indices from the top) replaced."""

    def put(sections: tuple[Any, ...], steps: tuple[int, ...]) -> tuple[Any, ...]:
        first, *rest = steps
        if not rest:
            return _replace(sections, first, section)
        parent = sections[first]
        changed = attrs.evolve(parent, subsections=put(parent.subsections, tuple(rest)))
        return _replace(sections, first, changed)

    return attrs.evolve(article, sections=put(article.sections, path))


def _section_paths(sections: tuple[Any, ...], path: tuple[int, ...] = ()) -> list[Any]:
    found = []
    for index, section in enumerate(sections):
        here = (*path, index)
        found.append((here, section))
        found += _section_paths(section.subsections, here)
    return found


@st.composite
def article_edits(draw: Any, article: newswiki.Article) -> Edit:
    box = article.infobox
    paragraphs = [i for i, b in enumerate(article.lead) if isinstance(b, str)]
    lists = [i for i, b in enumerate(article.lead) if isinstance(b, newswiki.BulletList)]
    sections = _section_paths(article.sections)
    kinds = ["title"]
    kinds += ["key", "value"] * bool(box and box.fields)
    kinds += ["lead paragraph"] * bool(paragraphs)
    kinds += ["list item"] * bool(lists)
    kinds += ["heading", "section paragraph"] * bool(sections)
    kind = draw(st.sampled_from(kinds))
    layout = article.layout
    assert layout is not None
    if kind == "title":
        return _first_line(draw, article, "title", layout.title_line)
    if kind in ("key", "value"):
        assert box is not None
        index = draw(st.integers(0, len(box.fields) - 1))
        field = box.fields[index]
        new = draw(nws.lines().filter(lambda s: kind == "value" or ": " not in s))
        changed = attrs.evolve(field, **{kind: new})
        fields = _replace(box.fields, index, changed)
        span = newswiki.position(field)
        assert span is not None
        edited = attrs.evolve(article, infobox=attrs.evolve(box, fields=fields))
        return Edit(edited, getattr(field, kind), new, span)
    if kind == "lead paragraph":
        index = draw(st.sampled_from(paragraphs))
        new = draw(nws.paragraphs("article"))
        try:
            edited = attrs.evolve(article, lead=_replace(article.lead, index, new))
        except ValueError:  # a first line "Infobox" without an infobox
            assume(False)
        span = layout.lead.spans[index]  # type: ignore[union-attr]
        return Edit(edited, article.lead[index], new, span)
    if kind == "list item":
        index = draw(st.sampled_from(lists))
        block = article.lead[index]
        assert isinstance(block, newswiki.BulletList)
        at = draw(st.integers(0, len(block.items) - 1))
        new = draw(nws.lines())
        changed = attrs.evolve(block, items=_replace(block.items, at, new))
        edited = attrs.evolve(article, lead=_replace(article.lead, index, changed))
        first = layout.lead.spans[index].first + at  # type: ignore[union-attr]
        return Edit(edited, block.items[at], new, newswiki.Span(first, first))
    path, section = draw(st.sampled_from(sections))
    if kind == "heading":
        new = draw(nws.lines(min_size=1).map(lambda s: s.strip("=" + PADDING)).filter(bool))
        span = section.layout.heading.span
        edited = _with_section(article, path, attrs.evolve(section, title=new))
        return Edit(edited, section.title, new, span)
    blocks = [i for i, b in enumerate(section.blocks) if isinstance(b, str)]
    assume(blocks)
    index = draw(st.sampled_from(blocks))
    new = draw(nws.paragraphs("article"))
    changed = attrs.evolve(section, blocks=_replace(section.blocks, index, new))
    span = section.layout.blocks.spans[index]
    return Edit(_with_section(article, path, changed), section.blocks[index], new, span)


def _replaced(text: str, edit: Edit) -> list[str]:
    """Every text made from ``text`` by replacing one occurrence of the old value, on the
    value's lines, by the new value."""
    start, end = _lines_of(text, edit.span)
    found = []
    at = text.find(edit.old, start)
    while at >= 0 and at + len(edit.old) <= end:
        found.append(text[:at] + edit.new + text[at + len(edit.old) :])
        at = text.find(edit.old, at + 1)
    return found


def _reads_as(text: str, obj: Any) -> bool:
    try:
        return newswiki.loads(text) == obj
    except newswiki.ParseError:
        return False


@given(st.data(), nws.texts_of(objects))
def test_an_edit_rewrites_only_the_value(data: st.DataObject, pair: tuple[Any, str]) -> None:
    parsed = newswiki.loads(pair[1])
    if isinstance(parsed, newswiki.Event):
        edit = data.draw(event_edits(parsed))
    else:
        edit = data.draw(article_edits(parsed))
    written = newswiki.dumps(edit.edited)
    assert newswiki.loads(written) == edit.edited
    original, written = _norm(pair[1], parsed), _norm(written, parsed)
    candidates = _replaced(original, edit)
    assert candidates, "the old value is on its lines"
    if written not in candidates:
        # Only when no such text reads back (a kept space would join a new value's end to
        # a separator) may more than the value change.
        assert not any(_reads_as(c, edit.edited) for c in candidates), written


def _inserted(original: str, written: str) -> list[str]:
    """The lines ``written`` has in addition to ``original``, when it is ``original`` with a
    run of lines inserted (and nothing else changed); else fail."""
    old, new = original.split("\n"), written.split("\n")
    start = 0
    while start < len(old) and old[start] == new[start]:
        start += 1
    added = len(new) - len(old)
    assert added >= 0, (original, written)
    assert new[start + added :] == old[start:], (original, written)
    return new[start : start + added]


@st.composite
def appends(draw: Any, obj: Any) -> Any:
    if isinstance(obj, newswiki.Event):
        kind = draw(st.sampled_from(["source", "related", "paragraph"]))
        if kind == "source":
            return attrs.evolve(obj, sources=(*obj.sources, draw(nws.sources())))
        if kind == "related":
            return attrs.evolve(obj, related=(*obj.related, draw(nws.related_events())))
        return attrs.evolve(obj, body=(*obj.body, draw(nws.paragraphs())))
    kinds = ["section", "lead"] + ["field"] * (obj.infobox is not None)
    kind = draw(st.sampled_from(kinds))
    if kind == "field":
        key = draw(nws.lines().filter(lambda s: ": " not in s))
        field = newswiki.InfoboxField(key, draw(nws.lines()))
        box = obj.infobox
        return attrs.evolve(obj, infobox=attrs.evolve(box, fields=(*box.fields, field)))
    if kind == "lead":
        assume(not obj.sections)
        try:
            return attrs.evolve(obj, lead=(*obj.lead, draw(nws.blocks())))
        except ValueError:
            assume(False)
    # A new top-level section, at any place among them, at the level of the one it goes before.
    sections = obj.sections
    at = draw(st.integers(0, len(sections)))
    level = sections[min(at, len(sections) - 1)].level if sections else 2
    title = draw(nws.lines(min_size=1).map(lambda s: s.strip("=" + PADDING)).filter(bool))
    section = newswiki.Section(title=title, level=level, blocks=draw(st.lists(nws.blocks())))
    return attrs.evolve(obj, sections=(*sections[:at], section, *sections[at:]))


@given(st.data(), nws.texts_of(objects))
def test_an_append_changes_no_existing_line(data: st.DataObject, pair: tuple[Any, str]) -> None:
    parsed = newswiki.loads(pair[1])
    edited = data.draw(appends(parsed))
    written = newswiki.dumps(edited)
    assert newswiki.loads(written) == edited
    assert _inserted(_norm(pair[1], parsed), _norm(written, parsed))


def _number(line: str) -> int:
    return int(line[: line.index(".")])


@given(st.data(), nws.texts_of(nws.events()))
def test_a_removal_renumbers_only_the_items_after_it(
    data: st.DataObject, pair: tuple[Any, str]
) -> None:
    parsed = newswiki.loads(pair[1])
    field = data.draw(st.sampled_from(["sources", "related"]))
    items = getattr(parsed, field)
    assume(len(items) >= 2)
    gone = data.draw(st.integers(0, len(items) - 1))
    edited = attrs.evolve(parsed, **{field: (*items[:gone], *items[gone + 1 :])})
    text = newswiki.dumps(edited)
    assert newswiki.loads(text) == edited
    original = _norm(pair[1], parsed).split("\n")
    written = _norm(text, parsed).split("\n")
    # The lines above the removed item (and the blank lines before it) are untouched.
    above = (
        newswiki.position(items[gone - 1]).last if gone else newswiki.position(items[0]).first - 1
    )
    assert written[:above] == original[:above]
    # Each item after it keeps its line but for the number: the one after the number above.
    previous = _number(original[above - 1]) if gone else 0
    for old, new in zip(
        items[gone + 1 :], getattr(newswiki.loads(text), field)[gone:], strict=True
    ):
        line = written[newswiki.position(new).first - 1]
        was = original[newswiki.position(old).first - 1]
        assert _number(line) == previous + 1
        assert line.partition(".")[2] == was.partition(".")[2]
        previous += 1


def test_new_items_take_their_neighbours_style() -> None:
    event = newswiki.loads(SAMPLE.read_bytes())
    item = newswiki.RelatedEvent(title="New", path="/news/2016/07/19/new.md", context=["A"])
    written = newswiki.dumps(attrs.evolve(event, related=(*event.related, item)))
    assert written.endswith("11. [New ](/news/2016/07/19/new.md) _Context: A_\n")


SPACED = "= T =\n\nlead\n\n\n==  A  ==\n\npara\n\npara 2\n\n\n==  B  ==\n\npara b\n"


def test_a_new_section_is_spelled_and_spaced_as_its_siblings() -> None:
    article = newswiki.loads(SPACED)
    new = newswiki.Section(level=2, title="New", blocks=("x", "y"))
    written = newswiki.dumps(attrs.evolve(article, sections=(*article.sections, new)))
    assert written == SPACED + "\n\n==  New  ==\n\nx\n\ny\n"
    first = attrs.evolve(article, sections=(new, *article.sections))
    assert newswiki.dumps(first) == SPACED.replace(
        "\n\n\n==  A", "\n\n\n==  New  ==\n\nx\n\ny\n\n\n==  A"
    )


def test_a_new_section_follows_most_of_its_nearest_siblings() -> None:
    text = "= T =\n\n==A==\np\n\n==B==\np\n\n==C==\np\n\n== D ==\np\n"
    article = newswiki.loads(text)
    new = newswiki.Section(level=2, title="N")
    sections = article.sections
    # Three of the four siblings are canonical: they outvote the nearest, `== D ==`.
    assert newswiki.dumps(attrs.evolve(article, sections=(*sections, new))) == text + "\n==N==\n"
    # After a heading (an empty section before it) no blank line stays canonical.
    empty = newswiki.loads("= T =\n\n== A ==\n\n\n== B ==\n")
    assert (
        newswiki.dumps(attrs.evolve(empty, sections=(*empty.sections, new)))
        == "= T =\n\n== A ==\n\n\n== B ==\n== N ==\n"
    )


def test_a_new_section_takes_the_gap_between_its_siblings_blocks() -> None:
    text = "= T =\n\n==A==\np\n\n\nq\n"
    article = newswiki.loads(text)
    new = newswiki.Section(level=2, title="N", blocks=("x", "y"))
    written = newswiki.dumps(attrs.evolve(article, sections=(*article.sections, new)))
    assert written == text + "\n==N==\nx\n\n\ny\n"


def test_a_new_heading_like_its_sibling_keeps_the_siblings_spelling() -> None:
    # The new section has the values the sibling's heading was read with: its spelling as is.
    article = newswiki.loads("= T =\n\n== A ==\np\n")
    new = newswiki.Section(level=2, title="A", blocks=("q",))
    written = newswiki.dumps(attrs.evolve(article, sections=(*article.sections, new)))
    assert written == "= T =\n\n== A ==\np\n\n== A ==\nq\n"


def test_a_new_heading_is_spelled_as_most_of_its_nearest_siblings() -> None:
    # "==  B  ==" and "==  C  ==" are spelled alike (two spaces inside): they outvote "== A ==".
    article = newswiki.loads("= T =\n\n== A ==\n==  B  ==\n==  C  ==\n")
    new = newswiki.Section(level=2, title="N")
    written = newswiki.dumps(attrs.evolve(article, sections=(new, *article.sections)))
    assert written == "= T =\n\n==  N  ==\n\n== A ==\n==  B  ==\n==  C  ==\n"


def test_a_new_empty_section_moves_no_other_line() -> None:
    # `== B ==` was read after a paragraph with its canonical blank line; after the new empty
    # heading no blank line would be canonical, yet it keeps the one it was read with.
    text = "= T =\n\nlead\n \t\n\n== A ==\n\npara\n\n== B ==\n\npara b\n"
    article = newswiki.loads(text)
    a, b = article.sections
    new = newswiki.Section(level=2, title="N")
    written = newswiki.dumps(attrs.evolve(article, sections=(a, new, b)))
    assert written == text.replace("para\n\n== B", "para\n \t\n\n== N ==\n\n== B")
    # Built by hand, the same sections are canonical: no blank line after an empty section.
    built = newswiki.canonical(attrs.evolve(article, sections=(a, new, b)))
    assert "\n==N==\n==B==\n" in newswiki.dumps(built)


def test_only_an_empty_new_section_keeps_the_following_heading_in_place() -> None:
    # X, new with a paragraph, is followed by a blank line as a paragraph is; N, new and empty,
    # leaves `==B==` spaced as it was read (after a paragraph).
    article = newswiki.loads("= T =\n\nlead\n\n==B==\np\n")
    x = newswiki.Section(level=2, title="X", blocks=("x",))
    n = newswiki.Section(level=2, title="N")
    written = newswiki.dumps(attrs.evolve(article, sections=(x, n, *article.sections)))
    assert written == "= T =\n\nlead\n\n==X==\nx\n\n==N==\n\n==B==\np\n"
    # X alone, after a heading: `==B==` follows X's paragraph, so a blank line goes before it.
    article = newswiki.loads("= T =\n\n==A==\n==B==\np\n")
    a, b = article.sections
    written = newswiki.dumps(attrs.evolve(article, sections=(a, x, b)))
    assert written == "= T =\n\n==A==\n==X==\nx\n\n==B==\np\n"


def test_a_new_subsection_without_siblings_is_canonical() -> None:
    article = newswiki.loads(SPACED)
    first = article.sections[0]
    sub = newswiki.Section(level=3, title="Sub", blocks=("z",))
    edited = attrs.evolve(
        article, sections=(attrs.evolve(first, subsections=(sub,)), article.sections[1])
    )
    assert newswiki.dumps(edited) == SPACED.replace("para 2\n", "para 2\n\n===Sub===\nz\n")
    assert newswiki.loads(newswiki.dumps(edited)) == edited


def test_a_new_infobox_field_takes_its_siblings_spelling() -> None:
    article = newswiki.loads("= T =\n\nInfobox\n-  a :  b\n-  c :  d\n")
    box = article.infobox
    assert box is not None
    fields = (*box.fields, newswiki.InfoboxField("e", "f"))
    written = newswiki.dumps(attrs.evolve(article, infobox=attrs.evolve(box, fields=fields)))
    assert written == "= T =\n\nInfobox\n-  a :  b\n-  c :  d\n-  e :  f\n"


def _with_fields(article: Any, fields: Any) -> str:
    return newswiki.dumps(
        attrs.evolve(article, infobox=attrs.evolve(article.infobox, fields=fields))
    )


@pytest.mark.parametrize(
    ("lines", "written"),
    [
        # The key's padding: "  b" and "  c" (after "- ") outvote " a ".
        ("-  a : 1\n-   b: 2\n-   c: 3\n", "-   N: x\n"),
        # The value's padding: "  2" and "  3" outvote " 1 ".
        ("- a:  1 \n- b:   2\n- c:   3\n", "- N:   x\n"),
    ],
)
def test_a_new_infobox_field_is_spelled_as_most_of_its_nearest_siblings(
    lines: str, written: str
) -> None:
    article = newswiki.loads("= T =\nInfobox\n" + lines)
    new = newswiki.InfoboxField("N", "x")
    assert _with_fields(article, (new, *article.infobox.fields)) == (
        "= T =\nInfobox\n" + written + lines
    )


def test_a_new_field_without_a_value_is_spelled_as_most_siblings_without_one() -> None:
    # "-  b: " and "-  c: " (a space after the colon) outvote "-  a:" (none).
    article = newswiki.loads("= T =\nInfobox\n-  a:\n-  b: \n-  c: \n")
    new = newswiki.InfoboxField("N", "")
    written = _with_fields(article, (new, *article.infobox.fields))
    assert written == "= T =\nInfobox\n-  N: \n-  a:\n-  b: \n-  c: \n"


def test_a_field_moved_in_place_of_another_is_respelled_with_its_values() -> None:
    # The second line takes the first one's place and values: its own spelling, new values.
    article = newswiki.loads("= T =\nInfobox\n-  k : 1\n- j :   2\n")
    moved = attrs.evolve(article.infobox.fields[1], key="k", value="1")
    assert _with_fields(article, (moved,)) == "= T =\nInfobox\n- k :   1\n"


def test_a_canonical_field_without_a_value_stays_so_when_its_siblings_change() -> None:
    article = newswiki.loads("= T =\nInfobox\n- a: 1\n- b:\n")
    fields = article.infobox.fields
    appended = _with_fields(article, (*fields, newswiki.InfoboxField("c", "d")))
    assert appended == "= T =\nInfobox\n- a: 1\n- b:\n- c: d\n"
    inserted = _with_fields(article, (newswiki.InfoboxField("x", "y"), *fields))
    assert inserted == "= T =\nInfobox\n- x: y\n- a: 1\n- b:\n"


@pytest.mark.parametrize("after", ["lead\n", "==S==\n", "lead\n\n==S==\n"])
def test_an_infobox_read_with_its_canonical_closing_line_drops_it_with_what_follows(
    after: str,
) -> None:
    # One empty line after an infobox is canonical while something follows it: removed with
    # what followed, it goes too (a file does not end in a blank line canonically).
    article = newswiki.loads("= T =\nInfobox\n- a: b\n\n" + after)
    assert article.infobox.layout.end is None
    alone = attrs.evolve(article, lead=(), sections=())
    assert newswiki.dumps(alone) == "= T =\nInfobox\n- a: b\n"


@pytest.mark.parametrize(
    ("items", "written"),
    [
        # As many spellings as items: each item takes the spelling in its place.
        (["a", "b"], "*  a\n- b\n"),
        # Another number: no spelling belongs to an item, all are canonical.
        (["a", "b", "c"], "- a\n- b\n- c\n"),
    ],
)
def test_a_list_layout_built_by_hand_spells_items_in_their_places(
    items: list[str], written: str
) -> None:
    layout = ListLayout(items=("*  x", None))
    article = newswiki.Article(title="T", lead=[newswiki.BulletList(items, layout=layout)])
    assert newswiki.dumps(article) == "= T =\n\n" + written


layouts = st.builds(
    newswiki.LineLayout,
    gap=st.one_of(st.none(), st.sampled_from(["", "\n", " \n\t\n"])),
    text=st.one_of(st.none(), nws.lines()),
)


@given(objects, st.data())
def test_built_layouts_never_change_what_is_read(obj: Any, data: st.DataObject) -> None:
    # A layout built by hand, whatever its text says, changes spelling only, never values.
    if isinstance(obj, newswiki.Event):
        obj = attrs.evolve(
            obj,
            sources=[attrs.evolve(s, layout=data.draw(layouts)) for s in obj.sources],
            related=[attrs.evolve(r, layout=data.draw(layouts)) for r in obj.related],
            layout=newswiki.EventLayout(headline=data.draw(layouts), date_line=data.draw(layouts)),
        )
    else:
        box = obj.infobox
        if box is not None:
            fields = [attrs.evolve(f, layout=data.draw(layouts)) for f in box.fields]
            obj = attrs.evolve(obj, infobox=attrs.evolve(box, fields=fields))
        obj = attrs.evolve(obj, layout=newswiki.ArticleLayout(title_line=data.draw(layouts)))
    assert newswiki.loads(newswiki.dumps(obj)) == obj


def test_a_blank_value_keeps_one_space_before_the_new_value() -> None:
    # Found by hypothesis: all of a blank title's padding before the new value joined its
    # final "=" to the closing "=", so the line fell back to canonical and lost its trailing
    # space.
    article = newswiki.loads("=  = \n- \n- \n")
    assert newswiki.dumps(attrs.evolve(article, title="=")) == "= = = \n- \n- \n"


def _edit_related(event: Any, **values: Any) -> Any:
    return attrs.evolve(event, related=(attrs.evolve(event.related[0], **values),))


def _edit_field(article: Any, **values: Any) -> Any:
    box = article.infobox
    return attrs.evolve(
        article, infobox=attrs.evolve(box, fields=(attrs.evolve(box.fields[0], **values),))
    )


# What comes before the edited line, and how to edit it, by the kind of line.
_LINE_EDITS = {
    "related": ("### [2016-07-18](/p)\n\n# H\n\n### Related:\n\n", _edit_related),
    "field": ("= T =\n\nInfobox\n", _edit_field),
}


@pytest.mark.parametrize(
    ("kind", "text", "edit", "written"),
    [
        # Tags added to a line without any: the canonical context, the line's spaces kept.
        ("related", "1. [ T ](/p)  ", {"context": ("A",)}, "1. [ T ](/p) _Context: A_  "),
        # Every tag removed: the context goes, the line's spaces stay.
        ("related", "1. [ T ](/p) _Context: A_  ", {"context": ()}, "1. [ T ](/p)  "),
        # Another number of tags: the spaces at the ends of the first and last tag stay.
        (
            "related",
            "1. [T](/p) _Context: \tA, B, C _",
            {"context": ("X",)},
            "1. [T](/p) _Context: \tX _",
        ),
        (
            "related",
            "1. [T](/p) _Context: A, B,  C\t_",
            {"context": ("X", "Y")},
            "1. [T](/p) _Context: X, Y\t_",
        ),
        # A field without a value (nothing after the ':'): the key's padding stays.
        ("field", "-  k\t:", {"key": "j"}, "-  j\t:"),
        ("field", "- c\t:", {"value": "v"}, "- c\t: v"),
        # A field with a value: both paddings and the trailing spaces stay.
        ("field", "-  a :  b  ", {"value": "x"}, "-  a :  x  "),
        ("field", "-  a :  b  ", {"key": "j", "value": ""}, "-  j :    "),
    ],
)
def test_an_edited_line_keeps_its_spelling(
    kind: str, text: str, edit: dict[str, Any], written: str
) -> None:
    head, change = _LINE_EDITS[kind]
    document = newswiki.loads(head + text + "\n")
    assert newswiki.dumps(change(document, **edit)) == head + written + "\n"


@pytest.mark.parametrize(
    ("edit", "heading"),
    [
        ({"title": "New"}, "==  New \t==  "),
        ({"level": 3}, "===  Old \t===  "),
    ],
)
def test_an_edited_heading_keeps_its_inner_and_trailing_spaces(
    edit: dict[str, Any], heading: str
) -> None:
    article = newswiki.loads("= T =\n\n==  Old \t==  \ntext\n")
    section = attrs.evolve(article.sections[0], **edit)
    written = newswiki.dumps(attrs.evolve(article, sections=(section,)))
    assert written == f"= T =\n\n{heading}\ntext\n"


def test_a_spelling_that_would_not_read_back_gives_way_to_the_canonical_line() -> None:
    # "=T=" with the title "=x" in its place is "==x=", which is no title line at all.
    article = newswiki.loads("=T=\n")
    assert newswiki.dumps(attrs.evolve(article, title="=x")) == "= =x =\n"


def test_list_lines_keep_no_copy_of_their_values() -> None:
    # What a list line was read as is the item itself, which the header above it remembers:
    # its own layout keeps its spelling (when not canonical) and its place, nothing more.
    event = newswiki.loads(SAMPLE.read_bytes())
    header = event.layout.related_header  # type: ignore[union-attr]
    assert header is not None
    assert header.reads_as == event.related
    for item in (*event.sources, *event.related):
        assert item.layout is not None
        assert item.layout.reads_as == ()
    # A canonical line's layout holds only its place.
    canonical = newswiki.loads(newswiki.dumps(newswiki.canonical(event)))
    for item in (*canonical.sources, *canonical.related):
        assert item.layout is not None
        assert (item.layout.gap, item.layout.text, item.layout.reads_as) == (None, None, ())
        assert newswiki.position(item) is not None
    article = newswiki.loads("= T =\n\nInfobox\n- a: b\n- c :  d\n")
    box = article.infobox
    assert box is not None
    assert box.layout is not None
    assert box.layout.line is not None
    assert box.layout.line.reads_as == box.fields
    assert [f.layout.reads_as for f in box.fields] == [(), ()]  # type: ignore[union-attr]


def test_an_item_moved_to_another_parsed_list_is_renumbered() -> None:
    # A line keeps its number only where it was read: at the same place of the same list.
    # Canonical lines of two files share their layouts (one per line number); the item that
    # moves to the other file's list is still told apart from the one read there.
    first = newswiki.loads(SAMPLE.read_bytes())
    text = SAMPLE.read_text(encoding="utf-8").replace("1. [RT]", "3. [RT]")
    second = newswiki.loads(text)
    moved = attrs.evolve(first, sources=(second.sources[0],))
    assert newswiki.dumps(moved).count("\n1. [RT](") == 1
    kept = attrs.evolve(second, sources=(second.sources[0],))
    assert newswiki.dumps(kept) == text


def test_emptying_a_canonical_field_keeps_its_separator() -> None:
    # Found by hypothesis: "- : 0" with its value emptied was written "- :", the canonical
    # spelling of an empty value, which drops a byte that was not the value's.
    article = newswiki.loads("=  =\nInfobox\n- : 0\n- k: v\n")
    box = article.infobox
    assert box is not None
    fields = (attrs.evolve(box.fields[0], value=""), box.fields[1])
    edited = attrs.evolve(article, infobox=attrs.evolve(box, fields=fields))
    written = newswiki.dumps(edited)
    assert written == "=  =\nInfobox\n- : \n- k: v\n"
    assert newswiki.loads(written) == edited
    # A built field with an empty value is still canonical.
    built = attrs.evolve(article, infobox=newswiki.Infobox([newswiki.InfoboxField("k", "")]))
    assert newswiki.dumps(built).endswith("Infobox\n- k:\n")
