"""The model refuses what could not be written and read back, and offers the derived views."""

from __future__ import annotations

import datetime

import attrs
import pytest
from hypothesis import given

import newswiki
from newswiki import strategies as nws
from newswiki.model import Article, BulletList, Event, Infobox, InfoboxField, RelatedEvent, Section

DAY = datetime.date(2016, 7, 18)


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: Event(date=DAY, headline="two\nlines"), id="newline in headline"),
        pytest.param(lambda: Event(date=DAY, headline=" padded"), id="padded headline"),
        pytest.param(
            lambda: Event(date=DAY, headline="h", body=["# looks like a headline"]),
            id="body headline",
        ),
        pytest.param(
            lambda: Event(date=DAY, headline="h", body=["a\n\nb"]), id="blank line in paragraph"
        ),
        pytest.param(
            lambda: Event(date=datetime.datetime(2016, 7, 18), headline="h"), id="datetime"
        ),
        pytest.param(lambda: RelatedEvent(title="t", path="/a b.md"), id="space in path"),
        pytest.param(
            lambda: RelatedEvent(title="t", path="/a", context=["Catalonia, 2015"]),
            id="tag with comma",
        ),
        pytest.param(lambda: RelatedEvent(title="t", path="/a", context=[""]), id="empty tag"),
        pytest.param(lambda: InfoboxField("Time: zone", "x"), id="key with colon"),
        pytest.param(lambda: Section(title="T", level=7), id="level 7"),
        pytest.param(lambda: Section(title="=T", level=2), id="heading starting with ="),
        pytest.param(
            lambda: Section(title="A", subsections=[Section(title="B", level=2)]),
            id="child not deeper",
        ),
        pytest.param(
            lambda: Article(title="T", sections=[Section(title="A"), Section(title="B", level=3)]),
            id="sibling deeper than the one before",
        ),
        pytest.param(lambda: Article(title="T", lead=["Infobox"]), id="lead reads as infobox"),
        pytest.param(lambda: BulletList([]), id="empty list"),
        pytest.param(
            lambda: Article(title="T", lead=["- a list line"]), id="paragraph reads as list"
        ),
    ],
)
def test_unwritable_objects_are_refused(build: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        build()  # type: ignore[operator]


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
