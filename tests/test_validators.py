"""The model's validators, tried on hand-built values from lists written apart from them.

The property tests build values through :mod:`newswiki.strategies`, which only draws what the
model accepts, so a validator that let a bad value through would never be noticed there.
Here each value is written by hand from the formats' rules (docs/formats.md): the invalid
ones must be refused with the right exception and a message that names the problem; the
valid ones closest to them must be accepted and survive a round trip through text.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest

import newswiki
from newswiki import (
    Article,
    BulletList,
    Diagnostic,
    Event,
    Infobox,
    InfoboxField,
    RelatedEvent,
    Section,
    Source,
    Unparsed,
)
from newswiki.layout import (
    BlockLayout,
    DocumentLayout,
    InfoboxLayout,
    LineLayout,
)

DAY = datetime.date(2016, 7, 18)


def event(**changes: Any) -> Event:
    return Event(**{"date": DAY, "headline": "H", **changes})


def article(**changes: Any) -> Article:
    return Article(**{"title": "T", **changes})


# (what is built, the exception, a fragment its message must hold)
INVALID: list[Any] = [
    # Single-line values: headline, title, names, keys, values, list items, tags.
    (lambda: event(headline="two\nlines"), ValueError, "headline must be a single line"),
    (lambda: event(headline=" H"), ValueError, "headline must not start or end with spaces"),
    (lambda: event(headline="H\t"), ValueError, "headline must not start or end with spaces"),
    (lambda: event(headline="H\r"), ValueError, "headline must not start or end with spaces"),
    (lambda: event(headline=7), TypeError, "headline must be a str, not int"),
    (lambda: article(title="T "), ValueError, "title must not start or end with spaces"),
    (lambda: article(title="A\nB"), ValueError, "title must be a single line"),
    (lambda: Source(" RT", "u"), ValueError, "name must not start or end with spaces"),
    (lambda: Source("R\nT", "u"), ValueError, "name must be a single line"),
    (lambda: RelatedEvent(title="T\n", path="/p"), ValueError, "title must be a single line"),
    (lambda: RelatedEvent(title=b"T", path="/p"), TypeError, "title must be a str, not bytes"),
    (lambda: InfoboxField(" Key", "v"), ValueError, "key must not start or end with spaces"),
    (lambda: InfoboxField("Key", "v "), ValueError, "value must not start or end with spaces"),
    (lambda: InfoboxField("Key", "a\nb"), ValueError, "value must be a single line"),
    (lambda: InfoboxField("Time: zone", "x"), ValueError, "key must not hold ': ': 'Time: zone'"),
    (lambda: InfoboxField("Key: ", "x"), ValueError, "must not start or end with spaces"),
    (lambda: InfoboxField(None, "x"), TypeError, "key must be a str, not None"),
    # Link targets: url and path.
    (lambda: Source("RT", "https://a b"), ValueError, "url must hold no spaces, tabs, newlines"),
    (lambda: Source("RT", "a\tb"), ValueError, "url must hold no spaces, tabs, newlines"),
    (lambda: Source("RT", "a\nb"), ValueError, "url must hold no spaces, tabs, newlines"),
    (lambda: Source("RT", "a](b"), ValueError, "or '](': 'a](b'"),
    (lambda: Source("RT", 42), TypeError, "url must be a str, not int"),
    (lambda: Source("RT", None), TypeError, "url must be a str, not None"),
    (lambda: RelatedEvent(title="T", path="/a b.md"), ValueError, "path must hold no spaces"),
    (lambda: RelatedEvent(title="T", path=["/p"]), TypeError, "path must be a str, not list"),
    (lambda: event(path="/news/2016/07/18/index .md"), ValueError, "path must hold no spaces"),
    # At most eight `]` in a link target, and in a related line's tags in all (docs/formats.md).
    (lambda: Source("RT", "a]]]]]]]]]"), ValueError, "url must hold at most 8 ']'"),
    (lambda: RelatedEvent(title="T", path="/a]]]]]]]]]"), ValueError, "path must hold at most 8"),
    (
        lambda: RelatedEvent(title="T", path="/p", context=["]]]]]", "x]]]]"]),
        ValueError,
        "context must hold at most 8 ']' in all its tags",
    ),
    # (The date line's path may hold `](`: tests/test_edges.py reads and builds one.)
    # Tags: the format has no escape for ", ", and `](` would end the link text.
    (
        lambda: RelatedEvent(title="T", path="/p", context=["Catalonia, 2015"]),
        ValueError,
        "context must hold tags that are non-empty and hold no ', ' or '](': 'Catalonia, 2015'",
    ),
    (
        lambda: RelatedEvent(title="T", path="/p", context=[""]),
        ValueError,
        "context must hold tags that are non-empty",
    ),
    (lambda: RelatedEvent(title="T", path="/p", context=["a](b"]), ValueError, "or '](': 'a](b'"),
    (lambda: RelatedEvent(title="T", path="/p", context=[" tag"]), ValueError, "context must not"),
    (lambda: RelatedEvent(title="T", path="/p", context=["tag\t"]), ValueError, "context must no"),
    (lambda: RelatedEvent(title="T", path="/p", context=["a\nb"]), ValueError, "single line"),
    (lambda: RelatedEvent(title="T", path="/p", context=[3]), TypeError, "must be a str, not int"),
    # Event body: paragraphs of non-blank lines, none opening a headline or a section.
    (
        lambda: event(body=["# looks like a headline"]),
        ValueError,
        "body must hold no line that starts with '# '",
    ),
    (
        lambda: event(body=["### Source:"]),
        ValueError,
        "body must hold no line that starts with '# ' or",
    ),
    (lambda: event(body=["fine\n### [2016-07-18](/p)"]), ValueError, "'### [2016-07-18](/p)'"),
    (lambda: event(body=["a\n\nb"]), ValueError, "body must hold paragraphs without blank lines"),
    (lambda: event(body=["a\n \t\r\nb"]), ValueError, "body must hold paragraphs without blank"),
    (
        lambda: event(body=[""]),
        ValueError,
        "body must hold paragraphs without blank lines, not '' (item 0)",
    ),
    (lambda: event(body=["a\n"]), ValueError, "body must hold paragraphs without blank lines"),
    (lambda: event(body=[5]), TypeError, "body must hold str paragraphs, not int 5 (item 0)"),
    # A str where a sequence is wanted, shown cut to 37 characters and "..." past 40.
    (
        lambda: event(body="a" * 41),
        TypeError,
        f"body takes a sequence of str, not the str '{'a' * 37}...':"
        f" to give one, write ['{'a' * 37}...']",
    ),
    # Article blocks: a paragraph line must not read back as a heading or a list.
    (
        lambda: article(lead=["* a list line"]),
        ValueError,
        "lead must hold no paragraph line that starts with '==', '- ' or",
    ),
    (lambda: article(lead=["- a list line"]), ValueError, "'- a list line'"),
    (lambda: article(lead=["text\n==H=="]), ValueError, "lead must hold no paragraph line that"),
    (lambda: article(lead=["==not closed"]), ValueError, "lead must hold no paragraph line"),
    (lambda: article(lead=["a\n\nb"]), ValueError, "lead must hold paragraphs without blank lines"),
    (
        lambda: article(lead=[b"x"]),
        TypeError,
        "lead must hold str or BulletList blocks, not bytes b'x' (item 0)",
    ),
    (
        lambda: Section(title="S", blocks=["* item"]),
        ValueError,
        "blocks must hold no paragraph line that starts with",
    ),
    (
        lambda: article(lead=["Infobox"]),
        ValueError,
        "lead must not start with the line 'Infobox' when infobox is None",
    ),
    (
        lambda: article(lead=["Infobox \nmore"]),
        ValueError,
        "must not start with the line 'Infobox'",
    ),
    # Lists: at least one item, each a clean single line.
    (lambda: BulletList([]), ValueError, "items must hold at least one item, not ()"),
    (lambda: BulletList(["a\nb"]), ValueError, "items must be a single line"),
    (lambda: BulletList([" a"]), ValueError, "items must not start or end with spaces"),
    (lambda: BulletList([1]), TypeError, "items must be a str, not int"),
    # Headings and levels.
    (lambda: Section(title="T", level=7), ValueError, "level must be an int from 2 to 6, not 7"),
    (lambda: Section(title="T", level=1), ValueError, "level must be an int from 2 to 6, not 1"),
    (lambda: Section(title="T", level="2"), TypeError, "level must be an int, not str '2'"),
    (lambda: Section(title="=T"), ValueError, "not start or end with '=': '=T'"),
    (lambda: Section(title="T="), ValueError, "not start or end with '=': 'T='"),
    (
        lambda: Section(title=""),
        ValueError,
        "title must be non-empty and not start or end with '='",
    ),
    (lambda: Section(title=" T"), ValueError, "title must not start or end with spaces"),
    (lambda: Section(title="A\nB"), ValueError, "title must be a single line"),
    # The tree: subsections are Sections, deeper than their parent, never deeper than the
    # sibling before them.
    (
        lambda: Section(title="A", subsections=["B"]),
        TypeError,
        "subsections must hold Section objects, not str 'B' (item 0)",
    ),
    (
        lambda: article(sections=[Section(title="A"), "B"]),
        TypeError,
        "sections must hold Section objects, not str 'B' (item 1)",
    ),
    (
        lambda: Section(title="A", subsections=[Section(title="B", level=2)]),
        ValueError,
        "subsections must hold sections deeper than level 2, not section 'B' (level 2)",
    ),
    (
        lambda: Section(title="A", level=3, subsections=[Section(title="B", level=2)]),
        ValueError,
        "must hold sections deeper than level 3",
    ),
    (
        lambda: article(sections=[Section(title="A"), Section(title="B", level=3)]),
        ValueError,
        "section 'B' (level 3) would be read as a subsection of the section before it (level 2)",
    ),
    (
        lambda: Section(
            title="A", subsections=[Section(title="B", level=3), Section(title="C", level=4)]
        ),
        ValueError,
        "section 'C' (level 4) would be read as a subsection",
    ),
    # Containers hold the right types.
    (
        lambda: event(sources=["RT"]),
        TypeError,
        "sources must hold Source objects, not str 'RT' (item 0)",
    ),
    (
        lambda: event(related=[Source("a", "b")]),
        TypeError,
        "related must hold RelatedEvent objects, not Source(",
    ),
    (
        lambda: Infobox(["A: b"]),
        TypeError,
        "fields must hold InfoboxField objects, not str 'A: b' (item 0)",
    ),
    (
        lambda: article(infobox={"A": "b"}),
        TypeError,
        "infobox must be an Infobox or None, not dict",
    ),
    (
        lambda: event(date="2016-07-18", path="/p"),
        TypeError,
        "date must be a datetime.date, not str",
    ),
    (lambda: event(date="2016-07-18"), TypeError, "date must be a datetime.date, not str"),
    (
        lambda: event(date=datetime.datetime(2016, 7, 18)),
        TypeError,
        "date must be a datetime.date, not datetime",
    ),
    # Lines lenient parsing set aside.
    (lambda: Unparsed(0, "x"), ValueError, "line must be an int of 1 or more, not 0"),
    (lambda: Unparsed(1, None), TypeError, "text must be a str, not None"),
    (
        lambda: event(unparsed=[Unparsed(5, "a"), Unparsed(3, "b")]),
        ValueError,
        "unparsed must hold its blocks in line order, not [5, 3]",
    ),
    (
        lambda: article(unparsed=[Unparsed(9, "a"), Unparsed(2, "b")]),
        ValueError,
        "unparsed must hold its blocks in line order, not [9, 2]",
    ),
    (lambda: newswiki.UnparsedDocument(None), TypeError, "text must be a str, not None"),
]

# Layout: gaps are whole blank lines, spellings are single lines, the line end is one of two.
INVALID_LAYOUT: list[Any] = [
    (lambda: LineLayout(gap="x\n"), ValueError, "gap must be blank lines (spaces, tabs, newlines)"),
    (lambda: LineLayout(gap="\n  "), ValueError, "gap must be blank lines"),
    (lambda: LineLayout(gap=" "), ValueError, "gap must be blank lines"),
    (lambda: LineLayout(gap="\n\u00a0\n"), ValueError, "gap must be blank lines"),
    (lambda: LineLayout(text="a\nb"), ValueError, "text must be a single line: 'a\\nb'"),
    (lambda: BlockLayout(["\n", "x"]), ValueError, "gaps must be blank lines"),
    (
        lambda: DocumentLayout(newline="\r"),
        ValueError,
        "newline must be '\\n' or '\\r\\n', not '\\r'",
    ),
    (lambda: DocumentLayout(newline=""), ValueError, "newline must be '\\n' or '\\r\\n', not ''"),
    (lambda: DocumentLayout(end_gap="\nx"), ValueError, "end_gap must be blank lines"),
    (lambda: InfoboxLayout(end="-"), ValueError, "end must be blank lines"),
]


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [pytest.param(*case, id=case[2]) for case in INVALID + INVALID_LAYOUT],
)
def test_invalid_values_are_refused_with_a_reason(
    build: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the exact type is checked below
        build()
    assert type(caught.value) is error, caught.value
    assert len(caught.value.args) == 1  # one sentence, not attrs' tuple of (message, field, ...)
    assert message in caught.value.args[0]


# The valid values closest to the invalid ones above: each is accepted and comes back equal
# from its text.  Both lists are written from the formats' rules, not from the validators.
VALID: list[Any] = [
    lambda: event(body=["#", "##", "###", "###x", "#x", "##x", "## x", "#\tx", "####"]),
    lambda: event(body=["a\n   # indented\nb", "x ### y", " leading space"]),
    lambda: event(headline="\u00a0H\u00a0", body=["tail spaces are text  "]),
    lambda: event(path="/news/2016/07/18/index.md?a=(b)_c#d"),
    lambda: event(
        sources=[Source("RT", "a]]]]]]]]")],
        related=[RelatedEvent(title="T", path="/a]]]]]]]]", context=["]]]]", "x]]]]"])],
    ),
    lambda: event(
        sources=[Source("[x]", "https://en.wikipedia.org/wiki/A_(b))"), Source("", "")],
        related=[
            RelatedEvent(title="a [b] c](", path="/news/2016/06/7/x.md"),
            RelatedEvent(title="T", path="/p", context=["Time: zone", "a,b", "x ,y", "_"]),
        ],
    ),
    lambda: article(
        lead=["-", "*", "-x", "*x", "=", "=x", "Infobox:", " Infobox x", "a - b\nc == d"],
        sections=[Section(title="H", level=6)],
    ),
    lambda: article(lead=["Infobox"], infobox=Infobox()),
    lambda: article(
        infobox=Infobox(
            [
                InfoboxField("TimeZone", "Central: UTC −6"),
                InfoboxField("Image", ""),
                InfoboxField("a:", "b"),
                InfoboxField("", "empty key"),
                InfoboxField("k", ": v"),
            ]
        ),
        lead=[BulletList(["", "a", "- b", "* c"])],
    ),
    lambda: article(
        sections=[
            Section(
                title="A", subsections=[Section(title="B", level=4), Section(title="C", level=3)]
            ),
            Section(title="D=E", level=2, blocks=[BulletList(["x"]), "p"]),
        ]
    ),
]


@pytest.mark.parametrize("build", VALID)
def test_the_closest_valid_values_are_accepted_and_round_trip(
    build: Callable[[], Event | Article],
) -> None:
    obj = build()
    text = newswiki.dumps(obj)
    assert newswiki.loads(text) == obj
    assert newswiki.dumps(newswiki.loads(text)) == text


@pytest.mark.parametrize(
    "build",
    [
        lambda: LineLayout(gap="", text=""),
        lambda: LineLayout(gap="\n \t\r\n\r\n"),
        lambda: BlockLayout(["", "\n", " \n"]),
        lambda: DocumentLayout(newline="\r\n", end_gap="\r\n\n"),
        lambda: InfoboxLayout(end=""),
    ],
)
def test_valid_layouts_are_accepted(build: Callable[[], object]) -> None:
    build()


def test_section_level_bounds() -> None:
    assert [Section(title="T", level=n).level for n in (2, 6)] == [2, 6]


def test_diagnostics_of_built_objects_list_only_the_known_ones() -> None:
    known = Diagnostic(3, 1, "expected a paragraph")
    blocks = [Unparsed(2, "x"), Unparsed(3, "y", known), Unparsed(3, "z")]
    assert event(unparsed=blocks).diagnostics == (known,)
    assert article(unparsed=blocks).diagnostics == (known,)
    assert event().diagnostics == ()


def test_infobox_key_check_names_the_key() -> None:
    with pytest.raises(ValueError, match=re.escape("': 'Time: zone'")):
        InfoboxField("Time: zone", "x")
