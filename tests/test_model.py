"""The model refuses what could not be written and read back, and offers the derived views."""

from __future__ import annotations

import datetime
import inspect
import pydoc
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
            "body must hold no line that starts with '# ' or '### ': '# looks like a headline'"
            " (item 0)",
            id="body headline",
        ),
        pytest.param(
            lambda: Event(date=DAY, headline="h", body=["a\n\nb"]),
            ValueError,
            "body must hold paragraphs without blank lines, not 'a\\n\\nb' (item 0)",
            id="blank line in paragraph",
        ),
        pytest.param(
            lambda: Event(date=datetime.datetime(2016, 7, 18), headline="h"),
            TypeError,
            "date must be a datetime.date, not datetime.datetime(2016, 7, 18, 0, 0)",
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
            "context must hold tags that are non-empty and hold no ', ' or '](': 'Catalonia, 2015'",
            id="tag with comma",
        ),
        pytest.param(
            lambda: RelatedEvent(title="t", path="/a", context=[""]),
            ValueError,
            "context must hold tags that are non-empty and hold no ', ' or '](': ''",
            id="empty tag",
        ),
        pytest.param(
            lambda: InfoboxField("Time: zone", "x"),
            ValueError,
            "key must not hold ': ': 'Time: zone'",
            id="key with colon",
        ),
        pytest.param(
            lambda: Section(title="T", level=7),
            ValueError,
            "level must be an int from 2 to 6, not 7",
            id="level 7",
        ),
        pytest.param(
            lambda: Section(title="=T", level=2),
            ValueError,
            "title must be non-empty and not start or end with '=': '=T'",
            id="heading starting with =",
        ),
        pytest.param(
            lambda: Section(title="A", subsections=[Section(title="B", level=2)]),
            ValueError,
            "subsections must hold sections deeper than level 2, not section 'B' (level 2)",
            id="child not deeper",
        ),
        pytest.param(
            lambda: Article(title="T", sections=[Section(title="A"), Section(title="B", level=3)]),
            ValueError,
            "sections must hold no section deeper than the one before it: section 'B' (level 3)"
            " would be read as a subsection of the section before it (level 2)",
            id="sibling deeper than the one before",
        ),
        pytest.param(
            lambda: Article(title="T", lead=["Infobox"]),
            ValueError,
            "lead must not start with the line 'Infobox' when infobox is None (it would be read"
            " as the infobox): 'Infobox'",
            id="lead reads as infobox",
        ),
        pytest.param(
            lambda: BulletList([]),
            ValueError,
            "items must hold at least one item, not ()",
            id="empty list",
        ),
        pytest.param(
            lambda: Article(title="T", lead=["- a list line"]),
            ValueError,
            "lead must hold no paragraph line that starts with '==', '- ' or '* ': '- a list line'"
            " (item 0)",
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
EVENT = Event(date=DAY, headline="h")
SOURCE = newswiki.Source("RT", "https://rt.com/")
FIELD = InfoboxField("k", "v")


# (build from a value, the value, the field, the items it takes, the advice for a str item)
BARE_STR = [
    pytest.param(
        lambda v: attrs.evolve(ITEM, context=v), "kazakhstan", "context", "str", id="context"
    ),
    pytest.param(lambda v: Event(date=DAY, headline="h", body=v), "One", "body", "str", id="body"),
    pytest.param(
        lambda v: Event(date=DAY, headline="h", sources=v), "RT", "sources", "Source", id="sources"
    ),
    pytest.param(
        lambda v: Event(date=DAY, headline="h", related=v),
        "t",
        "related",
        "RelatedEvent",
        id="related",
    ),
    pytest.param(
        lambda v: Event(date=DAY, headline="h", unparsed=v),
        "x",
        "unparsed",
        "Unparsed",
        id="unparsed",
    ),
    pytest.param(
        lambda v: Article(title="T", lead=v), "Lead.", "lead", "str or BulletList", id="lead"
    ),
    pytest.param(
        lambda v: Article(title="T", sections=v), "A", "sections", "Section", id="sections"
    ),
    pytest.param(
        lambda v: Section(title="A", blocks=v), "Text.", "blocks", "str or BulletList", id="blocks"
    ),
    pytest.param(
        lambda v: Section(title="A", subsections=v), "B", "subsections", "Section", id="subsections"
    ),
    pytest.param(lambda v: BulletList(v), "item", "items", "str", id="items"),
    pytest.param(lambda v: Infobox(v), "Date", "fields", "InfoboxField", id="fields"),
    pytest.param(
        lambda v: newswiki.UnparsedDocument("x", v),
        "d",
        "diagnostics",
        "Diagnostic",
        id="diagnostics",
    ),
]


@pytest.mark.parametrize(("build", "value", "field", "takes"), BARE_STR)
def test_a_bare_str_is_not_a_sequence_of_values(
    build: Callable[[str], object], value: str, field: str, takes: str
) -> None:
    # A str is an iterable of characters: stored as one value per character, it used to write
    # `_Context: k, a, z, a, k, h, s, t, a, n_`.  The message names the field and what it
    # takes, and for a sequence of str what to write instead.
    with pytest.raises(TypeError) as caught:
        build(value)
    advice = f": to give one, write ['{value}']" if takes == "str" else ""
    assert (
        str(caught.value) == f"{field} takes a sequence of {takes}, not the str '{value}'{advice}"
    )


# Items of the wrong type: one sentence naming the field, the item and what the field holds
# (attrs' own validators raised a tuple: "'sources' must be <class ...> (got 'RT' ...)", ...).
WRONG_ITEMS = [
    pytest.param(
        lambda: attrs.evolve(EVENT, sources=["RT"]),
        "sources must hold Source objects, not str 'RT' (item 0)",
        id="sources",
    ),
    pytest.param(
        lambda: attrs.evolve(EVENT, related=[ITEM, SOURCE]),
        "related must hold RelatedEvent objects, not Source(name='RT', url='https://rt.com/')"
        " (item 1)",
        id="related",
    ),
    pytest.param(
        lambda: Infobox([FIELD, ("k", "v")]),
        "fields must hold InfoboxField objects, not tuple ('k', 'v') (item 1)",
        id="fields",
    ),
    pytest.param(
        lambda: Article(title="T", sections=[Section(title="A"), "B"]),
        "sections must hold Section objects, not str 'B' (item 1)",
        id="sections",
    ),
    pytest.param(
        lambda: Article(title="T", infobox={"A": "b"}),
        "infobox must be an Infobox or None, not dict {'A': 'b'}",
        id="infobox",
    ),
    pytest.param(
        lambda: Article(title="T", lead=[b"x"]),
        "lead must hold str or BulletList blocks, not bytes b'x' (item 0)",
        id="lead",
    ),
    pytest.param(
        lambda: Event(date=DAY, headline="h", body=["a", 5]),
        "body must hold str paragraphs, not int 5 (item 1)",
        id="body",
    ),
    pytest.param(
        lambda: Event(date=DAY, headline="h", unparsed=[("x", 1)]),
        "unparsed must hold Unparsed objects, not tuple ('x', 1) (item 0)",
        id="unparsed",
    ),
    pytest.param(
        lambda: newswiki.UnparsedDocument("x", ["no day"]),
        "diagnostics must hold Diagnostic objects, not str 'no day' (item 0)",
        id="diagnostics",
    ),
    pytest.param(
        lambda: Section(title="T", level="2"), "level must be an int, not str '2'", id="level"
    ),
    pytest.param(lambda: newswiki.Unparsed(1, None), "text must be a str, not None", id="text"),
    pytest.param(
        lambda: newswiki.Unparsed(True, "x"), "line must be an int, not bool True", id="line"
    ),
    pytest.param(
        lambda: Source("RT", ["https://rt.com/"]),
        "url must be a str, not list ['https://rt.com/']",
        id="url",
    ),
]


@pytest.mark.parametrize(("build", "message"), WRONG_ITEMS)
def test_a_value_of_the_wrong_type_is_one_sentence(
    build: Callable[[], object], message: str
) -> None:
    with pytest.raises(TypeError) as caught:
        build()
    assert caught.value.args == (message,)


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
    with pytest.raises(KeyError) as caught:
        article.section("A", "C")
    # What was looked for, and every section there is, by its path of titles.
    assert caught.value.args == (
        "no section 'A > C' in the article 'T' (its sections: A; A > B; B)",
    )
    with pytest.raises(KeyError):
        article.section()
    with pytest.raises(KeyError) as caught:
        Article(title="Empty").section("Nope")
    assert caught.value.args == ("no section 'Nope' in the article 'Empty' (it has no sections)",)


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


def test_help_shows_the_fields_and_readable_signatures() -> None:
    shown = pydoc.render_doc(Event, renderer=pydoc.plaintext)
    signature = (
        "Event(*, date: datetime.date, path: str = ..., headline: str,"
        " body: collections.abc.Iterable[str] = (),"
        " sources: collections.abc.Iterable[newswiki.model.Source] = (),"
        " related: collections.abc.Iterable[newswiki.model.RelatedEvent] = (),"
        " unparsed: collections.abc.Iterable[newswiki.model.Unparsed] = (),"
        " layout: newswiki.layout.EventLayout | None = None) -> None"
    )
    assert signature in shown
    assert "headline: The headline, often led by topics" in shown
    assert "sources: The lines of the ``### Source:`` section." in shown
    assert "= NOTHING" not in shown  # attrs' marker for a computed default
    assert "'Iterable" not in shown
    # Positional fields keep their order; a forward reference reads as the class.
    assert str(inspect.signature(Source)) == (
        "(name: str, url: str, layout: newswiki.layout.LineLayout | None = None) -> None"
    )
    assert "subsections: collections.abc.Iterable[newswiki.model.Section] = ()" in str(
        inspect.signature(Section)
    )
