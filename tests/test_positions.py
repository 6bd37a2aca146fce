"""Every parsed node knows its lines in the file it was read from; built nodes know none."""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import example, given
from hypothesis import strategies as st

import newswiki
from newswiki import build
from newswiki import strategies as nws

objects = st.one_of(nws.events(), nws.articles())


def _lines(text: str, newline: str) -> list[str]:
    """The file's lines as numbered by positions, without the file's line end (a file whose
    line end is "\\n" keeps a "\\r" before it as text: ``p\\r\\n`` is the paragraph ``p\\r``)."""
    return text.removeprefix("\ufeff").replace(newline, "\n").split("\n")


def _nodes(obj: Any) -> list[Any]:
    """Every node of ``obj`` that has a layout, the document included."""
    if isinstance(obj, newswiki.Event):
        return [obj, *obj.sources, *obj.related]
    found: list[Any] = [obj]
    if obj.infobox is not None:
        found += [obj.infobox, *obj.infobox.fields]
    found += [b for b in obj.lead if isinstance(b, newswiki.BulletList)]
    for _, section in obj.walk():
        found += [section, *(b for b in section.blocks if isinstance(b, newswiki.BulletList))]
    return found


def _check_blocks(lines: list[str], blocks: tuple[Any, ...], layout: Any) -> None:
    assert len(layout.spans) == len(blocks)
    for block, span in zip(blocks, layout.spans, strict=True):
        shown = lines[span.first - 1 : span.last]
        if isinstance(block, str):
            assert "\n".join(shown) == block
        else:
            assert newswiki.position(block) == span
            assert [line[2:].strip(" \t\r") for line in shown] == list(block.items)


@given(nws.texts_of(objects))
# Found by hypothesis: a "\r" before a "\n" line end is paragraph text, not a line end.
@example((None, "### [2000-01-01](/news/2000/01/01/index.md)\n# \np\r\n"))
def test_every_parsed_node_has_the_lines_it_was_read_from(pair: tuple[Any, str]) -> None:
    obj = newswiki.loads(pair[1])
    lines = _lines(pair[1], obj.layout.document.newline)  # type: ignore[union-attr]
    for node in _nodes(obj):
        span = newswiki.position(node)
        assert span is not None
        assert 1 <= span.first <= span.last <= len(lines)
        assert lines[span.last - 1].strip(" \t\r")  # a node ends on a line of its own text
        first = lines[span.first - 1]
        if isinstance(node, newswiki.Event):
            assert first.startswith("### [")
            assert not "".join(lines[span.last :]).strip(" \t\r")  # nothing after it
        elif isinstance(node, newswiki.Article):
            assert first.startswith("=")
            assert not "".join(lines[span.last :]).strip(" \t\r")
        elif isinstance(node, (newswiki.Source, newswiki.RelatedEvent)):
            assert span.first == span.last
            assert f"]({node.url if isinstance(node, newswiki.Source) else node.path})" in first
        elif isinstance(node, newswiki.InfoboxField):
            assert first.startswith("- ")
            assert node.key in first
        elif isinstance(node, newswiki.Infobox):
            assert first.rstrip(" \t\r") == "Infobox"
            assert span.last == span.first + len(node.fields)
        elif isinstance(node, newswiki.Section):
            assert first.startswith("=" * node.level)
            assert node.title in first
            _check_blocks(lines, node.blocks, node.layout.blocks)  # type: ignore[union-attr]
            below = [newswiki.position(s) for s in node.subsections]
            ends = [s.last for s in below if s] + [s.last for s in node.layout.blocks.spans]  # type: ignore[union-attr]
            assert span.last == max(ends, default=span.first)
    layout = obj.layout
    assert layout is not None
    if isinstance(obj, newswiki.Event):
        _check_blocks(lines, obj.body, layout.body)
        assert lines[layout.headline.span.first - 1].startswith("# ")  # type: ignore[union-attr]
    else:
        _check_blocks(lines, obj.lead, layout.lead)


def test_positions_of_hand_counted_texts() -> None:
    # Two paragraphs read in one token: the second starts after the first one's two lines.
    event = newswiki.loads("### [2016-07-18](/p)\n\n# H\n\na\nb\n\nc\n")
    assert event.layout.body.spans == (newswiki.Span(5, 6), newswiki.Span(8, 8))
    assert newswiki.position(event) == newswiki.Span(1, 8)
    # An infobox without fields ends the article on its own line.
    article = newswiki.loads("= T =\n\nInfobox\n")
    assert newswiki.position(article) == newswiki.Span(1, 3)
    assert newswiki.position(article.infobox) == newswiki.Span(3, 3)
    # A title after blank lines, alone: the article is that one line.
    assert newswiki.position(newswiki.loads("\n\n= T =\n")) == newswiki.Span(3, 3)
    # Section headers know their lines too.
    event = newswiki.loads("### [2016-07-18](/p)\n# H\n\n\n### Source:\n### Related:\n\n")
    assert event.layout.sources_header.span == newswiki.Span(5, 5)
    assert event.layout.related_header.span == newswiki.Span(6, 6)


@given(objects)
def test_built_nodes_have_no_position(obj: Any) -> None:
    assert all(newswiki.position(node) is None for node in _nodes(obj))
    parsed = newswiki.loads(newswiki.dumps(obj))
    assert all(newswiki.position(node) is not None for node in _nodes(parsed))
    assert all(newswiki.position(node) is None for node in _nodes(newswiki.canonical(parsed)))


def test_canonical_lines_past_the_shared_layouts_know_their_lines() -> None:
    # Canonical lines share one layout per line number, for the first lines of a file only;
    # a line further down has a layout of its own, which knows its number all the same.
    body = "\n".join(f"line {n}" for n in range(5000))
    sources = "### Source:\n\n1. [a](b)\n2. [c](d)\n"
    event = newswiki.loads(f"### [2016-07-18](/p)\n\n# H\n\n{body}\n\n\n{sources}")
    assert event.layout.body.spans == (newswiki.Span(5, 5004),)
    assert [newswiki.position(s) for s in event.sources] == [
        newswiki.Span(5009, 5009),
        newswiki.Span(5010, 5010),
    ]


def test_the_first_parse_to_reach_a_line_gives_it_its_place(monkeypatch: Any) -> None:
    # The shared layouts of canonical lines are made when a line number is first met: as if
    # this were the first parse in the process, none is made yet.
    monkeypatch.setattr(build, "_PLACES", [])
    text = "### [2016-07-18](/p)\n\n# H\n\n\n### Source:\n\n1. [a](b)\n2. [c](d)\n"
    for _ in range(2):
        event = newswiki.loads(text)
        assert event.layout.date_line.span == newswiki.Span(1, 1)
        assert [newswiki.position(s) for s in event.sources] == [
            newswiki.Span(8, 8),
            newswiki.Span(9, 9),
        ]


def test_positions_take_no_part_in_equality_and_survive_edits(event_text: str) -> None:
    event = newswiki.loads(event_text)
    moved = newswiki.loads("\n\n" + event_text)
    assert moved == event
    assert newswiki.position(moved.related[0]) == newswiki.Span(16, 16)
    assert newswiki.position(event.related[0]) == newswiki.Span(14, 14)
    edited = attrs.evolve(event.related[0], title="Another title")
    assert newswiki.position(edited) == newswiki.Span(14, 14)  # where it was read from
    assert newswiki.position("a paragraph") is None


def test_positions_count_the_lines_of_the_file_in_lenient_mode() -> None:
    text = (
        "### [2016-07-18](/news/2016/07/18/index.md)\r\n\r\n# Headline\r\n\r\n"
        "# a broken line\r\n\r\n\r\n### Source:\r\n\r\n1. [RT](https://rt.com/)\r\n"
    )
    event = newswiki.loads(text, strict=False)
    assert isinstance(event, newswiki.Event)
    assert [u.line for u in event.unparsed] == [4]
    assert newswiki.position(event.sources[0]) == newswiki.Span(10, 10)
    assert newswiki.position(event) == newswiki.Span(1, 10)


def test_long_runs_read_a_token_at_a_time_keep_their_blocks_and_lines() -> None:
    # Far more lines than one coarse token holds (24 body lines, 6 list items, 12 infobox
    # fields, 12 article lines): each token is read as it is parsed, and the pieces join
    # into one block.
    head = "### [2016-07-18](/news/2016/07/18/index.md)\n\n# H\n\n"
    paragraph = "".join(f"line {n}\n" for n in range(60))
    sources = "".join(f"{n}. [S{n}](u{n})\n" for n in range(1, 31))
    text = f"{head}{paragraph}\nnext\n\n\n### Source:\n\n{sources}"
    event = newswiki.loads(text)
    assert event.body == (paragraph[:-1], "next")
    assert event.layout.body.spans == (newswiki.Span(5, 64), newswiki.Span(66, 66))  # type: ignore[union-attr]
    assert [s.name for s in event.sources] == [f"S{n}" for n in range(1, 31)]
    assert [newswiki.position(s) for s in event.sources] == [
        newswiki.Span(n, n) for n in range(71, 101)
    ]
    fields = "".join(f"- k{n}: v{n}\n" for n in range(30))
    items = "".join(f"- item {n}\n" for n in range(40))
    article = newswiki.loads(f"= T =\n\nInfobox\n{fields}\n==A==\n{items}text\n")
    assert article.infobox is not None
    assert [(f.key, f.value) for f in article.infobox.fields] == [
        (f"k{n}", f"v{n}") for n in range(30)
    ]
    assert newswiki.position(article.infobox.fields[-1]) == newswiki.Span(33, 33)
    (block,) = article.sections[0].blocks[:1]
    assert isinstance(block, newswiki.BulletList)
    assert block.items == tuple(f"item {n}" for n in range(40))
    assert newswiki.position(block) == newswiki.Span(36, 75)
    assert article.sections[0].blocks[1] == "text"
    assert newswiki.position(article.sections[0]) == newswiki.Span(35, 76)
    assert newswiki.dumps(event) == text


def test_spans_are_made_from_line_numbers() -> None:
    # Layouts keep line numbers; the spans are made when asked.
    assert newswiki.LineLayout(line=4).span == newswiki.Span(4, 4)
    assert newswiki.LineLayout().span is None
    assert newswiki.ListLayout(items=(None, None, "* c"), line=7).span == newswiki.Span(7, 9)
    assert newswiki.ListLayout().span is None
    heading = newswiki.LineLayout(line=3)
    assert newswiki.SectionLayout(heading=heading, last=9).span == newswiki.Span(3, 9)
    assert newswiki.SectionLayout(last=9).span is None
