"""The model refuses what could not be written and read back, and offers the derived views."""

from __future__ import annotations

import datetime
import weakref
from collections.abc import Callable

import attrs
import pytest
from hypothesis import given

import newswiki
from newswiki import strategies as nws
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
    Article,
    BulletList,
    Event,
    Infobox,
    InfoboxField,
    RelatedEvent,
    Section,
    Source,
)

DAY = datetime.date(2016, 7, 18)


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        pytest.param(
            lambda: Event(date=DAY, headline="two\nlines"),
            ValueError,
            "headline must be a single line: 'two\\nlines'",
            id="newline in headline",
        ),
        pytest.param(
            lambda: Event(date=DAY, headline=" padded"),
            ValueError,
            "headline must not start or end with spaces, tabs or CR: ' padded'",
            id="padded headline",
        ),
        pytest.param(
            lambda: Event(date=DAY, headline="h", body=["# looks like a headline"]),
            ValueError,
            "a body line must not start with '# ' or '### ': '# looks like a headline'",
            id="body headline",
        ),
        pytest.param(
            lambda: Event(date=DAY, headline="h", body=["a\n\nb"]),
            ValueError,
            "a paragraph must not hold blank lines: 'a\\n\\nb'",
            id="blank line in paragraph",
        ),
        pytest.param(
            lambda: Event(date=datetime.datetime(2016, 7, 18), headline="h"),
            TypeError,
            "date must be a datetime.date, not datetime",
            id="datetime",
        ),
        pytest.param(
            lambda: RelatedEvent(title="t", path="/a b.md"),
            ValueError,
            "path must hold no spaces, tabs, newlines or '](': '/a b.md'",
            id="space in path",
        ),
        pytest.param(
            lambda: RelatedEvent(title="t", path="/a", context=["Catalonia, 2015"]),
            ValueError,
            "a tag must be non-empty and hold no ', ' or '](': 'Catalonia, 2015'",
            id="tag with comma",
        ),
        pytest.param(
            lambda: RelatedEvent(title="t", path="/a", context=[""]),
            ValueError,
            "a tag must be non-empty and hold no ', ' or '](': ''",
            id="empty tag",
        ),
        pytest.param(
            lambda: InfoboxField("Time: zone", "x"),
            ValueError,
            "an infobox key must not hold ': ': 'Time: zone'",
            id="key with colon",
        ),
        pytest.param(
            lambda: Section(title="T", level=7),
            ValueError,
            "'level' must be in range(2, 7) (got 7)",
            id="level 7",
        ),
        pytest.param(
            lambda: Section(title="=T", level=2),
            ValueError,
            "a heading must be non-empty and not start or end with '=': '=T'",
            id="heading starting with =",
        ),
        pytest.param(
            lambda: Section(title="A", subsections=[Section(title="B", level=2)]),
            ValueError,
            "section 'B' (level 2) must be deeper than level 2 to belong here",
            id="child not deeper",
        ),
        pytest.param(
            lambda: Article(title="T", sections=[Section(title="A"), Section(title="B", level=3)]),
            ValueError,
            "section 'B' (level 3) would be read as a subsection of the section before it"
            " (level 2)",
            id="sibling deeper than the one before",
        ),
        pytest.param(
            lambda: Article(title="T", lead=["Infobox"]),
            ValueError,
            "without an infobox, the lead cannot start with the line 'Infobox'",
            id="lead reads as infobox",
        ),
        pytest.param(
            lambda: BulletList([]), ValueError, "a list needs at least one item", id="empty list"
        ),
        pytest.param(
            lambda: Article(title="T", lead=["- a list line"]),
            ValueError,
            "a paragraph line must not start with '==', '- ' or '* ': '- a list line'",
            id="paragraph reads as list",
        ),
    ],
)
def test_unwritable_objects_are_refused(
    build: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        build()
    assert type(caught.value) is error
    assert caught.value.args[0] == message


ITEM = RelatedEvent(title="t", path="/p")
SOURCE = newswiki.Source("RT", "https://rt.com/")
FIELD = InfoboxField("k", "v")


@pytest.mark.parametrize(
    ("build", "value"),
    [
        pytest.param(lambda v: attrs.evolve(ITEM, context=v), "kazakhstan", id="context"),
        pytest.param(lambda v: Event(date=DAY, headline="h", body=v), "One", id="body"),
        pytest.param(lambda v: Event(date=DAY, headline="h", sources=v), "RT", id="sources"),
        pytest.param(lambda v: Event(date=DAY, headline="h", related=v), "t", id="related"),
        pytest.param(lambda v: Article(title="T", lead=v), "Lead.", id="lead"),
        pytest.param(lambda v: Article(title="T", sections=v), "A", id="sections"),
        pytest.param(lambda v: Section(title="A", blocks=v), "Text.", id="blocks"),
        pytest.param(lambda v: Section(title="A", subsections=v), "B", id="subsections"),
        pytest.param(lambda v: BulletList(v), "item", id="items"),
        pytest.param(lambda v: Infobox(v), "Date", id="fields"),
    ],
)
def test_a_bare_str_is_not_a_sequence_of_values(build: object, value: str) -> None:
    # A str is an iterable of characters: stored as one value per character, it used to write
    # `_Context: k, a, z, a, k, h, s, t, a, n_`.  The message says what to write instead.
    with pytest.raises(TypeError, match=rf"not the str '{value}'.*write \['{value}'\]"):
        build(value)  # type: ignore[operator]


def test_a_bare_str_date_is_a_type_error_that_says_what_is_wanted() -> None:
    with pytest.raises(TypeError, match=r"date must be a datetime\.date, not str"):
        Event(date="2016-07-18", headline="h")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"date must be a datetime\.date, not str"):
        Event(date="2016-07-18", path="/news/x.md", headline="h")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not datetime"):
        Event(date=datetime.datetime(2016, 7, 18), path="/p", headline="h")


def test_objects_are_frozen_slotted_and_hashable() -> None:
    event = Event(date=DAY, headline="h", related=[RelatedEvent(title="t", path="/p")])
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.headline = "x"  # type: ignore[misc]
    assert not hasattr(event, "__dict__")
    assert isinstance(event.related, tuple)
    assert hash(event) == hash(attrs.evolve(event))


# A file has one of these per line, list, run of blocks or section: a slot for weak references
# would cost 8 bytes on each, so none of them can be weakly referenced.
@pytest.mark.parametrize(
    "layout",
    [
        LineLayout(gap="\n", text="# Hi ", line=3),
        ListLayout(items=(None, "*  b"), line=5),
        BlockLayout(gaps=("\n",), lines=(4,)),
        SectionLayout(heading=LineLayout(line=6), last=9),
    ],
    ids=lambda layout: type(layout).__name__,
)
def test_layouts_of_parts_of_a_file_have_no_weak_reference_slot(layout: object) -> None:
    assert not hasattr(layout, "__weakref__")
    with pytest.raises(TypeError, match="cannot create weak reference"):
        weakref.ref(layout)


def test_default_day_path_follows_the_date() -> None:
    assert Event(date=DAY, headline="h").path == "/news/2016/07/18/index.md"


@pytest.mark.parametrize(
    ("path", "date"),
    [
        ("/news/2016/06/7/slug.md", datetime.date(2016, 6, 7)),
        ("/news/2017/01/1/slug.md", datetime.date(2017, 1, 1)),
        ("/news/2016/02/30/slug.md", None),
        ("/elsewhere/2016/06/07/slug.md", None),
        ("https://example.com", None),
    ],
)
def test_related_date_comes_from_the_path(path: str, date: datetime.date | None) -> None:
    assert RelatedEvent(title="t", path=path).date == date


def test_infobox_mapping_view() -> None:
    box = Infobox([InfoboxField("A", "1"), InfoboxField("B", ""), InfoboxField("A", "2")])
    assert box["A"] == "1"
    assert box.get_all("A") == ("1", "2")
    assert box.get("missing") is None
    assert box.get_all("missing") == ()
    assert list(box) == ["A", "B"]
    assert len(box) == 2
    assert dict(box) == {"A": "1", "B": ""}
    with pytest.raises(KeyError):
        box["C"]


def test_section_lookup() -> None:
    article = Article(
        title="T",
        sections=[
            Section(title="A", subsections=[Section(title="B", level=4)]),
            Section(title="B"),
        ],
    )
    assert article.section("B").level == 4  # first in file order
    assert article.section("A", "B").level == 4
    with pytest.raises(KeyError):
        article.section("A", "C")
    with pytest.raises(KeyError):
        article.section()


@given(nws.texts_of(nws.events()))
def test_layout_takes_no_part_in_equality_or_hash(pair: tuple[Event, str]) -> None:
    parsed = newswiki.loads(pair[1])
    assert parsed == pair[0]
    assert hash(parsed) == hash(pair[0])
    assert repr(newswiki.canonical(parsed)) == repr(parsed)


def test_an_articles_layout_is_neither_compared_nor_shown() -> None:
    parsed = newswiki.loads("=  T =\n\n-  a\n")
    built = Article(title="T", lead=[newswiki.BulletList(["a"])])
    assert parsed == built
    assert hash(parsed) == hash(built)
    assert repr(parsed) == (
        "Article(title='T', infobox=None, lead=(BulletList(items=('a',)),), sections=(),"
        " unparsed=())"
    )


def test_a_document_in_neither_format_reads_back_equal_whatever_its_diagnostics() -> None:
    # Diagnostics are what a reading found, not what the text holds: out of ==.
    built = newswiki.UnparsedDocument("nonsense\n")
    read = newswiki.loads(newswiki.dumps(built), strict=False)
    assert read.diagnostics != built.diagnostics
    assert read == built


def test_classes_with_many_fields_take_them_by_keyword() -> None:
    # Two-field lines read well positionally; the others must name their fields.
    assert Source("RT", "https://rt.com") == Source(name="RT", url="https://rt.com")
    assert InfoboxField("a", "b") == InfoboxField(key="a", value="b")
    for cls, values in [
        (Event, (DAY, "/p", "h")),
        (RelatedEvent, ("t", "/p")),
        (Section, ("T",)),
        (Article, ("T",)),
        (DocumentLayout, (False,)),
        (EventLayout, (DocumentLayout(),)),
        (InfoboxLayout, (None,)),
        (ArticleLayout, (DocumentLayout(),)),
        (SectionLayout, (None,)),
    ]:
        with pytest.raises(TypeError, match="positional argument"):
            cls(*values)
