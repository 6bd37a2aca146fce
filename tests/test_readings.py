"""Hand-written texts and the values they must read as: an oracle written from the formats'
rules (docs/formats.md), apart from the grammars and the strategies."""

from __future__ import annotations

import datetime

import attrs
import pytest

import newswiki
from newswiki import (
    Article,
    BulletList,
    Event,
    Infobox,
    InfoboxField,
    RelatedEvent,
    Section,
    Source,
)
from newswiki.layout import BlockLayout, ListLayout, Span

DATE = "### [2016-07-18](/news/2016/07/18/index.md)\n\n"
DAY = datetime.date(2016, 7, 18)


def event(**changes: object) -> Event:
    return Event(**{"date": DAY, "headline": "H", **changes})  # type: ignore[arg-type]


READINGS = [
    pytest.param("### [2016-07-18]()\n\n# H\n", event(path=""), id="empty day path"),
    pytest.param(DATE + "# \n", event(headline=""), id="empty headline"),
    pytest.param(
        DATE + "# H\n\n#\n\n##\n\n###\n\n###x\n\n#x\n\n## x\n",
        event(body=["#", "##", "###", "###x", "#x", "## x"]),
        id="body lines of #",
    ),
    pytest.param(
        DATE + "# H\n\nfirst\n  indented # x\nlast\n",
        event(body=["first\n  indented # x\nlast"]),
        id="one paragraph of three lines",
    ),
    pytest.param(
        DATE + "# H\n\n\n### Source:\n\n### Related:\n\n1. [T](/p) _Context: _\n",
        event(sources=[], related=[RelatedEvent(title="T", path="/p")]),
        id="empty Source section, empty context",
    ),
    pytest.param(
        DATE + "# H\n\n\n### Source:\n\n1. []()\n2. [a](http://x/[1])\n10. [b](c)\n",
        event(sources=[Source("", ""), Source("a", "http://x/[1]"), Source("b", "c")]),
        id="empty link, target ending in ], two-digit number",
    ),
    pytest.param(
        DATE + "# H\n\n\n### Related:\n\n12. [A [b]](/news/2016/06/7/a.md) _Context: X, Y: z_\n",
        event(
            related=[
                RelatedEvent(title="A [b]", path="/news/2016/06/7/a.md", context=["X", "Y: z"])
            ]
        ),
        id="related with brackets and tags",
    ),
    pytest.param(
        "= T =\n\nInfobox\n- TimeZone: Central: UTC −6\n- Image:\n- a:: b\n",
        Article(
            title="T",
            infobox=Infobox(
                [
                    InfoboxField("TimeZone", "Central: UTC −6"),
                    InfoboxField("Image", ""),
                    InfoboxField("a:", "b"),
                ]
            ),
        ),
        id="infobox fields at the end of the file",
    ),
    pytest.param(
        "= T =\n\n* a\n* b\n\n- c\n\n-\n\n=\n",
        Article(title="T", lead=[BulletList(["a", "b"]), BulletList(["c"]), "-", "="]),
        id="bullets and lone marks",
    ),
    pytest.param(
        "= T =\n\n====== Deep ======\nText\n===A===\n",
        Article(
            title="T",
            sections=[Section(title="Deep", level=6, blocks=["Text"]), Section(title="A", level=3)],
        ),
        id="level 6 then 3",
    ),
    pytest.param(
        "=x=\n\nInfobox\n\nInfobox\n",
        Article(title="x", infobox=Infobox(), lead=["Infobox"]),
        id="one-letter title, empty infobox, Infobox as text",
    ),
]


@pytest.mark.parametrize(("text", "expected"), READINGS)
def test_text_reads_as_the_expected_values(text: str, expected: Event | Article) -> None:
    parsed = newswiki.loads(text)
    assert parsed == expected
    assert newswiki.dumps(parsed) == text


# A list's items as written, and edits with the lines they must be written as: an item keeps its
# own spelling, a new item takes the spelling of the item before it (first: the one after it).
LIST_EDITS = [
    pytest.param("* a\n- b\n", ("a", "x", "b"), "* a\n* x\n- b\n", id="insert after a *"),
    pytest.param("* a\n- b\n", ("x", "a", "b"), "* x\n* a\n- b\n", id="insert first"),
    pytest.param("* a\n- b\n", ("a", "b", "x"), "* a\n- b\n- x\n", id="append after a -"),
    pytest.param("- a\n*  b\n", ("a", "x", "b"), "- a\n- x\n*  b\n", id="insert after a -"),
    pytest.param("- a\n*  b\n", ("a", "b", "x"), "- a\n*  b\n*  x\n", id="append after *  "),
    pytest.param("- a\n*  b\n", ("b",), "*  b\n", id="remove the first"),
    pytest.param("* a\n- b\n", ("x", "y", "b"), "- x\n- y\n- b\n", id="two new before the last"),
    # The unchanged run at the end is found from the last item back, never past the start run.
    pytest.param("*  a\n-  b\n", ("a", "a", "b"), "*  a\n*  a\n-  b\n", id="a copy of the first"),
    pytest.param(
        "*  a\n- b\n-   c\n* d\n", ("a", "x", "d"), "*  a\n*  x\n* d\n", id="two become one"
    ),
    # A changed last item is not the old last one: the new items after "b" are spelled as "b"
    # (the one before them), and the second of them, with no spelled neighbour, canonically.
    pytest.param(
        "- a\n-  b\n*  c\n", ("a", "b", "x", "y"), "- a\n-  b\n-  x\n- y\n", id="last replaced"
    ),
]


@pytest.mark.parametrize(("lines", "items", "written"), LIST_EDITS)
def test_list_edits_keep_each_items_spelling(
    lines: str, items: tuple[str, ...], written: str
) -> None:
    article = newswiki.parse_article("= T =\n\n" + lines)
    (block,) = article.lead
    assert isinstance(block, BulletList)
    edited = attrs.evolve(article, lead=[attrs.evolve(block, items=items)])
    assert newswiki.dumps(edited) == "= T =\n\n" + written
    assert newswiki.loads(newswiki.dumps(edited)) == edited


def test_only_spellings_that_are_not_canonical_are_remembered() -> None:
    article = newswiki.parse_article("= T =\n\n- a\n* b\n-  c\n")
    (block,) = article.lead
    assert isinstance(block, BulletList)
    assert block.layout is not None
    assert block.layout.items == (None, "* b", "-  c")
    # A numbered line is canonical while its number follows the one above (from 1).
    event = newswiki.parse_event(
        "### [2016-07-18](/p)\n\n# H\n\n### Source:\n\n1. [a](b)\n3. [c](d)\n\n"
        "### Related:\n\n1. [T](/p) _Context: A_\n2. [U](/q)\n4. [V](/r)\n"
    )
    assert [source.layout.text for source in event.sources] == [None, "3. [c](d)"]
    assert [item.layout.text for item in event.related] == [None, None, "4. [V](/r)"]
    # A heading is canonical without spaces inside its marks or after them, at every level.
    article = newswiki.parse_article("= T =\n\n==A==\n===B===\n== C ==\n==D== \n")
    headings = [section.layout.heading for _, section in article.walk()]
    assert [heading.text for heading in headings] == [None, None, "== C ==", "==D== "]
    # What a spelled heading was read as, so that it is written again without being read.
    assert [heading.reads_as for heading in headings[2:]] == [(2, "C"), (2, "D")]
    # A title is canonical with one space on each side inside its marks.
    assert article.layout.title_line.text is None
    assert newswiki.parse_article("=T=\n").layout.title_line.text == "=T="


def test_a_new_block_takes_the_gap_of_its_neighbour() -> None:
    # A is first (its gap is the one after the title); X, new, is spaced as B, after it.
    article = newswiki.parse_article("= T =\n\nA\n\n\n\nB\n")
    edited = attrs.evolve(article, lead=("A", "X", "B"))
    assert newswiki.dumps(edited) == "= T =\n\nA\n\n\n\nX\n\n\n\nB\n"


BLOCKS = "### [2016-07-18](/x)\n\n# H\n\nP1\n\n\nP2\n\n\n\nP3\n"


@pytest.mark.parametrize(
    ("body", "written"),
    [
        # A new first block takes the canonical gap; P1, no longer first, the canonical one too.
        (("N", "P1", "P2", "P3"), "### [2016-07-18](/x)\n\n# H\n\nN\n\nP1\n\n\nP2\n\n\n\nP3\n"),
        # A new last block is spaced as the block before it.
        (("P1", "P2", "P3", "N"), BLOCKS + "\n\n\nN\n"),
        # The same blocks in a new tuple: every gap where it was.
        (("P1", "P2", "P3"), BLOCKS),
    ],
)
def test_new_blocks_are_spaced_from_the_gaps_read(body: tuple[str, ...], written: str) -> None:
    read = newswiki.loads(BLOCKS)
    assert newswiki.dumps(attrs.evolve(read, body=body)) == written


def test_a_block_layout_built_by_hand_gives_each_block_its_gap() -> None:
    layout = newswiki.EventLayout(body=BlockLayout(gaps=("\n\n", "\n\n\n")))
    built = event(body=("A", "B"), layout=layout)
    assert newswiki.dumps(built) == DATE + "# H\n\n\nA\n\n\n\nB\n"
    # Another number of blocks: no gap belongs to a block, all are canonical.
    assert newswiki.dumps(attrs.evolve(built, body=("A",))) == DATE + "# H\n\nA\n"


SOURCES = "### [2016-07-18](/x)\n\n# H\n\n\n### Source:\n\n"


def _sources_with(lines: list[str], new: Source, at: int) -> str:
    event = newswiki.loads(SOURCES + "".join(f"{n}. {line}\n" for n, line in enumerate(lines, 1)))
    sources = list(event.sources)
    sources.insert(at, new)
    return newswiki.dumps(attrs.evolve(event, sources=sources))


@pytest.mark.parametrize(
    ("lines", "at", "written"),
    [
        # Two siblings padded alike outvote the nearest one (" b " is not "  c").
        (["[ b ](u)", "[  c](u)", "[  d](u)"], 0, ["[  N](n)", "[ b ](u)", "[  c](u)", "[  d](u)"]),
        # Four siblings on each side vote; a tie goes to the nearest; the fifth has no vote.
        (
            ["[ a ](u)", "[  b](u)", "[  c](u)", "[ d ](u)", "[  e](u)"],
            0,
            ["[ N ](n)", "[ a ](u)", "[  b](u)", "[  c](u)", "[ d ](u)", "[  e](u)"],
        ),
        # Three different spellings: the nearest, the one above first.
        (["[ a ](u)", "[  b](u)", "[c  ](u)"], 2, ["[ a ](u)", "[  b](u)", "[  N](n)", "[c  ](u)"]),
    ],
)
def test_a_new_source_is_spelled_as_most_of_its_nearest_siblings(
    lines: list[str], at: int, written: list[str]
) -> None:
    expected = SOURCES + "".join(f"{n}. {line}\n" for n, line in enumerate(written, 1))
    assert _sources_with(lines, Source("N", "n"), at) == expected


def test_a_new_related_line_is_spelled_as_most_of_its_nearest_siblings() -> None:
    head = "### [2016-07-18](/x)\n\n# H\n\n\n### Related:\n\n"
    event = newswiki.loads(head + "1. [ b ](/b)\n2. [  c](/c)\n3. [  d](/d)\n")
    new = RelatedEvent(title="N", path="/n")
    written = newswiki.dumps(attrs.evolve(event, related=(new, *event.related)))
    assert written == head + "1. [  N](/n)\n2. [ b ](/b)\n3. [  c](/c)\n4. [  d](/d)\n"


def test_a_sibling_whose_spelling_is_of_another_kind_votes_alone() -> None:
    # "a" carries the layout of a related line: it cannot be spelled as a source (it is written
    # canonically), and its spelling is not the canonical one either, so the two siblings
    # spelled alike outvote the canonical "b".
    text = (
        SOURCES
        + "1. [b](u)\n2. [  c](u)\n3. [  d](u)\n\n### Related:\n\n1. [ t ](/p) _Context: x_\n"
    )
    event = newswiki.loads(text)
    copied = Source("a", "u", layout=event.related[0].layout)
    written = newswiki.dumps(
        attrs.evolve(event, sources=(Source("N", "n"), copied, *event.sources))
    )
    assert written == text.replace(
        "1. [b](u)\n2. [  c](u)\n3. [  d](u)\n",
        "1. [  N](n)\n2. [a](u)\n3. [b](u)\n4. [  c](u)\n5. [  d](u)\n",
    )


def test_a_numbered_line_keeps_its_gap_only_in_its_place() -> None:
    # The gap read before the first line (two blank lines) stays with the first place: the new
    # first line takes it, the line that was first and moves down takes none.
    event = newswiki.loads(SOURCES.replace("\n\n\n###", "\n\n###") + "\n1. [A](a)\n\n2. [B](b)\n")
    written = newswiki.dumps(attrs.evolve(event, sources=(Source("N", "n"), *event.sources)))
    assert written.endswith("### Source:\n\n\n1. [N](n)\n2. [A](a)\n\n3. [B](b)\n")
    # Canonical lines where they were keep their numbers when a line is added after them.
    event = newswiki.loads(SOURCES + "1. [A](a)\n2. [B](b)\n")
    written = newswiki.dumps(attrs.evolve(event, sources=(*event.sources, Source("N", "n"))))
    assert written == SOURCES + "1. [A](a)\n2. [B](b)\n3. [N](n)\n"


def test_a_new_source_takes_the_spelling_of_its_neighbours() -> None:
    head = "### [2016-07-18](/x)\n\n# H\n\n\n### Source:\n\n"
    event = newswiki.parse_event(head + "1. [a](b)  \n2. [c](d)  \n")
    edited = attrs.evolve(event, sources=(*event.sources, Source("n", "u")))
    assert newswiki.dumps(edited) == head + "1. [a](b)  \n2. [c](d)  \n3. [n](u)  \n"


def test_layouts_compare_by_what_was_written() -> None:
    article = newswiki.parse_article("= T =\n\n- a\n* b\n")
    (block,) = article.lead
    assert isinstance(block, BulletList)
    assert block.layout == ListLayout(items=(None, "* b"), line=3)
    assert block.layout.span == Span(3, 4)
    event = newswiki.parse_event("### [2016-07-18](/p)\n\n#  Hello \n")
    assert event.layout.headline == newswiki.LineLayout(text="#  Hello ", line=3)
    assert article.layout.lead == BlockLayout(gaps=("\n",), lines=(3,))
    # What the parser read the lines as is for the writer only: not shown either.
    assert repr(article.layout.lead) == "BlockLayout(gaps=('\\n',), lines=(3,))"
    assert repr(block.layout) == "ListLayout(items=(None, '* b'), line=3)"
    assert repr(event.layout.headline) == ("LineLayout(gap=None, text='#  Hello ', line=3)")


def test_a_layout_copied_with_new_text_is_checked_against_the_values() -> None:
    # What the parser read a line as is not copied by attrs.evolve: a layout given new text
    # by hand is respelled with the object's values, never written as it stands.
    event = newswiki.loads("### [2016-07-18](/p)\n\n#  Hello \n")
    headline = attrs.evolve(event.layout.headline, text="# Other")
    edited = attrs.evolve(event, layout=attrs.evolve(event.layout, headline=headline))
    assert newswiki.dumps(edited) == "### [2016-07-18](/p)\n\n# Hello\n"

    article = newswiki.loads("= T =\n\n-  a\n-  b\n")
    (block,) = article.lead
    layout = attrs.evolve(block.layout, items=("- x", "* y"))
    edited = attrs.evolve(article, lead=(attrs.evolve(block, layout=layout),))
    assert newswiki.dumps(edited) == "= T =\n\n- a\n* b\n"
    # Spans are made from what was read: a copy has none to give.
    assert article.layout.lead.spans == (Span(3, 4),)
    assert attrs.evolve(article.layout.lead, gaps=("\n\n",)).spans == ()
    assert BlockLayout(gaps=("\n",), lines=(3,)).spans == ()
