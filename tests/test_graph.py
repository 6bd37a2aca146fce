"""The graph over both formats: topics of events resolved to articles, timelines, any spelling
of a path, the ``topics`` table, and the commands that show them.

Every expected answer here is written by hand from the files the tests write.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Literal

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

import newswiki
from newswiki import Article, Event, RelatedEvent, Section
from newswiki.cli import main
from newswiki.corpus import Corpus, CorpusIndex, FileError, Link, TopicLink
from newswiki.tabular import (
    DatasetWriter,
    TopicTable,
    json_line,
    read_jsonl,
    schema,
    to_arrow,
    topic_part,
    topic_rows,
)

DATA = Path(__file__).parent / "data"
AKTOBE = (DATA / "article-aktobe-shootings.txt").read_bytes()

SYRIA = b"""= Syrian Civil War =

The Syrian Civil War is a war.

==Background==
Before.

===Peace process===
Talks.

====Astana talks====
In Astana.
"""

# Line 3 is each event's headline; b.md's related items are on lines 10 to 12.
EVENTS = {
    # First letter's case, underscores, a doubled underscore.
    "news/2016/06/5/a.md": "### [2016-06-05](/news/2016/06/05/index.md)\n\n"
    "# syrian_Civil__War: Talks begin.\n",
    # A padded headline with two sections (levels 3 and 4); related items: a section at
    # level 2, a missing file whose topic resolves (with &nbsp;), a missing section.
    "news/2016/06/7/b.md": "### [2016-06-07](/news/2016/06/07/index.md)\n\n"
    "#  Syrian Civil War#Peace_process: Syrian Civil War#astana  talks: Talks go on.\n\n"
    "Body.\n\n\n### Related:\n\n"
    "1. [Syrian Civil War#Background: Earlier.](/news/2016/06/5/a.md) _Context: Syria_\n"
    "2. [2016&nbsp;Aktobe shootings: Shots.](/news/2016/06/10/gone.md) _Context: Kazakhstan_\n"
    "3. [ Syrian Civil War#No such part: Else.](/news/2015/01/1/old.md)\n",
    # Two articles whose titles compare equal.
    "news/2016/06/10/c.md": "### [2016-06-10](/news/2016/06/10/index.md)\n\n# Brexit: Vote.\n",
    # An entity, a decomposed letter with a doubled space, a topic naming no article, a
    # title holding "#", a topic differing from its title in case beyond the first letter.
    "news/2016/06/10/d.md": "### [2016-06-10](/news/2016/06/10/index.md)\n\n# AT&amp;T: Merger.\n",
    "news/2016/06/11/e.md": "### [2016-06-11](/news/2016/06/11/index.md)\n\n"
    "# Co\u0302te d'Ivoire  crisis: Riots.\n",
    "news/2016/06/12/f.md": "### [2016-06-12](/news/2016/06/12/index.md)\n\n"
    "# Unknown topic: Nothing.\n",
    "news/2016/06/12/g.md": "### [2016-06-12](/news/2016/06/12/index.md)\n\n# C#: Released.\n",
    "news/2016/06/13/h.md": "### [2016-06-13](/news/2016/06/13/index.md)\n\n"
    "# Syrian civil war: Lower case.\n",
}
ARTICLES = {
    "wiki/aktobe.txt": AKTOBE,
    "wiki/brexit.txt": b"= Brexit =\n",
    "wiki/brexit-lower.txt": b"= brexit =\n",
    "wiki/csharp.txt": b"= C# =\n",
    "wiki/cote.txt": "= C\u00f4te d'Ivoire crisis =\n".encode(),
    "wiki/syria.txt": SYRIA,
    "wiki/att.txt": b"= AT&T =\n",
}


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CorpusIndex:
    """The archive above, indexed from its folder as the working directory (so the walked
    paths are relative: ``news/2016/06/5/a.md``)."""
    for name, text in EVENTS.items():
        write(tmp_path, name, text.encode())
    for name, data in ARTICLES.items():
        write(tmp_path, name, data)
    monkeypatch.chdir(tmp_path)
    return Corpus("news", "wiki").index()


def write(root: Path, relative: str, data: bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def link(source: str, topic: str, **fields: object) -> TopicLink:
    return TopicLink(source=source, topic=topic, **fields)  # type: ignore[arg-type]


A, B = "news/2016/06/5/a.md", "news/2016/06/7/b.md"
D5, D7 = datetime.date(2016, 6, 5), datetime.date(2016, 6, 7)
SYRIA_FILE = "wiki/syria.txt"


def test_topics_of_an_event_headline_first_then_related_items(archive: CorpusIndex) -> None:
    resolved = {"article": SYRIA_FILE, "status": "resolved"}
    assert archive.topics(B) == [
        link(
            B,
            "Syrian Civil War#Peace_process",
            line=3,
            column=4,
            date=D7,
            section="Peace process",
            **resolved,
        ),
        link(
            B,
            "Syrian Civil War#astana  talks",
            position=2,
            line=3,
            column=36,
            date=D7,
            section="Astana talks",
            **resolved,
        ),
        link(
            B,
            "Syrian Civil War#Background",
            related=1,
            line=10,
            column=5,
            date=D5,
            section="Background",
            **resolved,
        ),
        link(
            B,
            "2016&nbsp;Aktobe shootings",
            related=2,
            line=11,
            column=5,
            date=datetime.date(2016, 6, 10),
            article="wiki/aktobe.txt",
            status="resolved",
        ),
        link(
            B,
            "Syrian Civil War#No such part",
            related=3,
            line=12,
            column=6,
            date=datetime.date(2015, 1, 1),
            article=SYRIA_FILE,
            status="no-section",
        ),
    ]
    assert archive.topics(A) == [
        link(A, "syrian_Civil__War", line=3, column=3, date=D5, **resolved)
    ]


@pytest.mark.parametrize(
    ("event", "topic", "article", "status"),
    [
        ("news/2016/06/10/d.md", "AT&amp;T", "wiki/att.txt", "resolved"),
        ("news/2016/06/11/e.md", "Co\u0302te d'Ivoire  crisis", "wiki/cote.txt", "resolved"),
        ("news/2016/06/12/f.md", "Unknown topic", None, "missing"),
        ("news/2016/06/12/g.md", "C#", "wiki/csharp.txt", "resolved"),
        ("news/2016/06/13/h.md", "Syrian civil war", "wiki/syria.txt", "resolved"),
    ],
)
def test_each_headline_topic(
    archive: CorpusIndex, event: str, topic: str, article: str | None, status: str
) -> None:
    (found,) = archive.topics(event)
    assert (found.topic, found.article, found.section, found.status) == (
        topic,
        article,
        None,
        status,
    )
    assert (found.line, found.column, found.related, found.candidates) == (3, 3, None, ())


def test_two_articles_titled_alike_make_the_topic_ambiguous(archive: CorpusIndex) -> None:
    (found,) = archive.topics("news/2016/06/10/c.md")
    assert (found.status, found.article, found.section) == ("ambiguous", None, None)
    assert found.candidates == ("wiki/brexit-lower.txt", "wiki/brexit.txt")  # walk order
    assert str(found) == (
        "news/2016/06/10/c.md:3:3: topic 'Brexit': names 2 articles:"
        " wiki/brexit-lower.txt, wiki/brexit.txt"
    )
    with pytest.raises(ValueError, match="2 articles are titled 'brexit'"):
        archive.timeline("brexit")
    assert archive.timeline("wiki/brexit.txt") == []


def test_topic_links_print_and_serialise(archive: CorpusIndex) -> None:
    shown = [str(found) for found in archive.topics(B)]
    assert shown == [
        f"{B}:3:4: topic 'Syrian Civil War#Peace_process': resolves to wiki/syria.txt,"
        " section 'Peace process'",
        f"{B}:3:36: topic 'Syrian Civil War#astana  talks': resolves to wiki/syria.txt,"
        " section 'Astana talks'",
        f"{B}:10:5: topic 'Syrian Civil War#Background' of related item 1: resolves to"
        " wiki/syria.txt, section 'Background'",
        f"{B}:11:5: topic '2016&nbsp;Aktobe shootings' of related item 2: resolves to"
        " wiki/aktobe.txt",
        f"{B}:12:6: topic 'Syrian Civil War#No such part' of related item 3:"
        " wiki/syria.txt has no section 'No such part'",
    ]
    assert archive.topics("news/2016/06/12/f.md")[0].to_json() == {
        "source": "news/2016/06/12/f.md",
        "line": 3,
        "column": 3,
        "related": None,
        "position": 1,
        "topic": "Unknown topic",
        "date": "2016-06-12",
        "status": "missing",
        "article": None,
        "section": None,
        "candidates": [],
    }
    assert str(archive.topics("news/2016/06/12/f.md")[0]).endswith(": no article has that title")


def test_topic_links_cover_every_event_in_order(archive: CorpusIndex) -> None:
    every = list(archive.topic_links())
    assert [(found.source, found.related, found.position) for found in every] == [
        (A, None, 1),
        (B, None, 1),
        (B, None, 2),
        (B, 1, 1),
        (B, 2, 1),
        (B, 3, 1),
        ("news/2016/06/10/c.md", None, 1),
        ("news/2016/06/10/d.md", None, 1),
        ("news/2016/06/11/e.md", None, 1),
        ("news/2016/06/12/f.md", None, 1),
        ("news/2016/06/12/g.md", None, 1),
        ("news/2016/06/13/h.md", None, 1),
    ]
    assert every[1:6] == archive.topics(B)


def test_timeline_in_date_then_path_order(archive: CorpusIndex) -> None:
    story = archive.timeline("Syrian Civil War")
    assert [(found.date, found.source, found.related, found.position) for found in story] == [
        (datetime.date(2015, 1, 1), B, 3, 1),  # a related item: its own path's date
        (D5, A, None, 1),
        (D5, B, 1, 1),
        (D7, B, None, 1),
        (D7, B, None, 2),
        (datetime.date(2016, 6, 13), "news/2016/06/13/h.md", None, 1),
    ]
    assert archive.timeline("wiki/syria.txt") == story
    assert archive.timeline("syrian_Civil War") == story
    # The related file is missing; its topic still puts it in the story.
    (shots,) = archive.timeline("2016 Aktobe shootings")
    assert (shots.source, shots.related, shots.date) == (B, 2, datetime.date(2016, 6, 10))
    with pytest.raises(KeyError, match="no article titled 'Nothing'"):
        archive.timeline("Nothing")


def test_an_undated_related_item_ends_the_timeline() -> None:
    index = CorpusIndex()
    index.add("a.txt", Article(title="Story"))
    related = [RelatedEvent(title="Story: Undated.", path="/elsewhere/x.md")]
    index.add("late.md", Event(date=D7, headline="Story: Late.", related=related))
    index.add("early.md", Event(date=D5, headline="Story: Early."))
    assert [(found.source, found.date) for found in index.timeline("Story")] == [
        ("early.md", D5),
        ("late.md", D7),
        ("late.md", None),
    ]
    # Built by hand: no place in a file.
    assert [(found.line, found.column) for found in index.topics("late.md")] == [(None, None)] * 2


def test_a_timeline_puts_an_events_headline_before_its_related_items_of_the_same_day() -> None:
    index = CorpusIndex()
    index.add("a.txt", Article(title="Story"))
    related = [
        RelatedEvent(title="Story: Same day.", path="/news/2016/06/7/same.md"),
        RelatedEvent(title="Story: Same day again.", path="/news/2016/06/07/again.md"),
    ]
    index.add("b.md", Event(date=D7, headline="Story: Story: Headline.", related=related))
    assert [(f.related, f.position) for f in index.timeline("Story")] == [
        (None, 1),
        (None, 2),
        (1, 1),
        (2, 1),
    ]


def test_articles_and_their_sections_at_every_level() -> None:
    index = CorpusIndex()
    four = Section(title="Four", level=4)
    sections = [
        Section(title="Two", subsections=[Section(title="Three", level=3)]),
        Section(title="Other", subsections=[Section(title="X", level=3, subsections=[four])]),
    ]
    index.add("a.txt", Article(title="T", sections=sections))
    topics = ["t", "T#two", "T#Three", "T#four", "T#x", "T#Five", "T#", "T#tHREE"]
    index.add("e.md", Event(date=D5, headline=": ".join([*topics, "Done."])))
    assert [(f.topic, f.article, f.section, f.status) for f in index.topics("e.md")] == [
        ("t", "a.txt", None, "resolved"),
        ("T#two", "a.txt", "Two", "resolved"),
        ("T#Three", "a.txt", "Three", "resolved"),
        ("T#four", "a.txt", "Four", "resolved"),
        ("T#x", "a.txt", "X", "resolved"),
        ("T#Five", "a.txt", None, "no-section"),
        ("T#", "a.txt", None, "resolved"),  # an empty section names the article itself
        ("T#tHREE", "a.txt", "Three", "resolved"),  # differing in case alone, as a redirect
    ]


def test_related_links_say_what_became_of_them() -> None:
    index = CorpusIndex()
    related = [
        RelatedEvent(title="Found.", path="/news/2016/06/05/a.md"),
        RelatedEvent(title="Broken.", path="/news/2016/06/6/bad.md"),
        RelatedEvent(title="Not UTF-8.", path="/news/2016/06/6/latin.md"),
        RelatedEvent(title="Gone.", path="/news/2016/06/6/gone.md"),
    ]
    index.add("news/2016/06/7/b.md", Event(date=D7, headline="Links.", related=related))
    index.add("news/2016/06/5/a.md", Event(date=D5, headline="Found."))
    bad = FileError("news/2016/06/06/bad.md", "parse", "expected a headline", 3, 1)
    index.add_error(bad)
    latin = FileError("news/2016/06/6/latin.md", "decode", "not UTF-8")
    index.add_error(latin)
    index.add_error(FileError("wiki/undated.txt", "decode", "not UTF-8"))  # no day: no target
    found = list(index.links())
    assert [(f.status, f.resolved, f.target_error) for f in found] == [
        ("resolved", "news/2016/06/5/a.md", None),
        ("unparsable", None, bad),
        ("unparsable", None, latin),
        ("missing", None, None),
    ]
    # Built by hand: no place in a file.
    assert [str(f) for f in found] == [
        "news/2016/06/7/b.md: related link to /news/2016/06/05/a.md:"
        " resolves to news/2016/06/5/a.md",
        "news/2016/06/7/b.md: related link to /news/2016/06/6/bad.md:"
        " news/2016/06/06/bad.md exists but does not parse (line 3, column 1):"
        " expected a headline",
        "news/2016/06/7/b.md: related link to /news/2016/06/6/latin.md:"
        " news/2016/06/6/latin.md exists but does not parse: not UTF-8",
        "news/2016/06/7/b.md: related link to /news/2016/06/6/gone.md: no such event file",
    ]
    assert found[1].to_json() == {
        "source": "news/2016/06/7/b.md",
        "line": None,
        "column": None,
        "number": 2,
        "target": "/news/2016/06/6/bad.md",
        "status": "unparsable",
        "resolved": None,
        "target_file": "news/2016/06/06/bad.md",
        "target_error": "news/2016/06/06/bad.md:3:1: expected a headline",
    }
    assert found[0].to_json()["target_file"] is None
    assert found[0].to_json()["target_error"] is None


def test_links_compare_without_the_targets_error() -> None:
    error = FileError("news/2016/06/06/bad.md", "parse", "expected a headline", 3, 1)
    broken = Link("b.md", 1, "/news/2016/06/6/bad.md", None, target_error=error)
    assert broken == Link("b.md", 1, "/news/2016/06/6/bad.md", None)
    assert broken.status == "unparsable"


def test_a_topic_link_is_built_with_keywords_and_defaults() -> None:
    with pytest.raises(TypeError):
        TopicLink("e.md", "Topic")  # type: ignore[misc]
    found = TopicLink(source="e.md", topic="Topic")
    assert (found.related, found.position, found.line, found.column, found.date) == (
        None,
        1,
        None,
        None,
        None,
    )
    assert (found.article, found.section, found.candidates, found.status) == (
        None,
        None,
        (),
        "missing",
    )
    assert str(found) == "e.md: topic 'Topic': no article has that title"


def test_a_heading_spelled_exactly_wins_over_one_differing_in_case() -> None:
    index = CorpusIndex()
    sections = [Section(title="Us and them"), Section(title="US and them")]
    index.add("a.txt", Article(title="T", sections=sections))
    index.add("e.md", Event(date=D5, headline="T#US and them: T#us and them: Done."))
    assert [f.section for f in index.topics("e.md")] == ["US and them", "Us and them"]


# -- paths spelled any way --------------------------------------------------------------------


def spellings(root: Path, walked: str) -> list[str | os.PathLike[str]]:
    """Every spelling of the file ``walked`` (relative to ``root``, the working directory)."""
    link_path = root / "elsewhere" / Path(walked).name
    link_path.parent.mkdir(exist_ok=True)
    if not link_path.exists():
        link_path.symlink_to(root / walked)
    first, rest = walked.split("/", 1)
    return [
        walked,
        Path(walked),
        str(root / walked),
        f"./{walked}",
        f"{first}/../{first}/{rest}",
        str(link_path),
        os.path.relpath(link_path),
    ]


def test_every_method_takes_every_spelling(archive: CorpusIndex, tmp_path: Path) -> None:
    assert archive.backlinks(A)[0].source == B
    for spelling in spellings(tmp_path, A):
        assert archive.backlinks(spelling) == archive.backlinks(A), spelling
        assert archive.topics(spelling) == archive.topics(A), spelling
    for spelling in spellings(tmp_path, B):
        assert archive.topics(spelling)[0].source == B, spelling
    story = archive.timeline("wiki/syria.txt")
    for spelling in spellings(tmp_path, "wiki/syria.txt"):
        assert archive.timeline(spelling) == story, spelling


def test_a_file_added_under_two_spellings_answers_to_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As Corpus("news", "./news") would add each file twice: each spelling is its own event.
    monkeypatch.chdir(tmp_path)
    index = CorpusIndex()
    index.add("a.md", Event(date=D5, headline="First: Added."))
    index.add("./a.md", Event(date=D5, headline="Second: Added."))
    assert [f.topic for f in index.topics("./a.md")] == ["Second"]
    assert [f.topic for f in index.topics("a.md")] == ["First"]
    assert [f.topic for f in index.topics(tmp_path / "a.md")] == ["First"]  # the first added


def test_a_file_that_is_not_in_the_index_is_an_error(archive: CorpusIndex) -> None:
    for method in (archive.backlinks, archive.topics):
        with pytest.raises(KeyError, match="is no event file of the index"):
            method("news/2016/06/5/nothing.md")
        with pytest.raises(KeyError, match="is no event file of the index"):
            method("wiki/syria.txt")  # an article
    with pytest.raises(KeyError, match="is no article file of the index"):
        archive.timeline(Path("news/2016/06/5/a.md"))


def test_absolute_walks_give_absolute_paths(archive: CorpusIndex, tmp_path: Path) -> None:
    index = Corpus(tmp_path / "news", tmp_path / "wiki").index()
    absolute = str(tmp_path / A)
    assert index.topics(A)[0].source == absolute
    assert index.topics(A)[0].article == str(tmp_path / "wiki" / "syria.txt")
    assert index.backlinks(A)[0].resolved == absolute


# -- any spelling of a title ------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzéèôüñ"
words = st.text(alphabet=_LETTERS, min_size=1, max_size=8)
# How a wiki may write the space between two words: every one compares as one space.
SEPARATORS = [" ", "_", "  ", "__", " _ ", "&nbsp;", "&#32;", "&#95;", "\u00a0", "\u2009"]


@st.composite
def spellings_of_a_title(draw: st.DrawFn, most: int = 5) -> tuple[str, str]:
    """A title of up to ``most`` words, and the same title spelled another way a wiki
    allows."""
    parts = draw(st.lists(words, min_size=1, max_size=most))
    title = " ".join(parts)
    title = title[0].upper() + title[1:]
    variant = parts[0]
    for part in parts[1:]:
        variant += draw(st.sampled_from(SEPARATORS)) + part
    first = draw(st.sampled_from([str.upper, str.lower]))
    variant = first(variant[0]) + variant[1:]
    if draw(st.booleans()):
        variant = unicodedata.normalize("NFD", variant)
    ends = draw(st.sampled_from(["", "_", "&nbsp;"]))
    return title, ends + variant + ends


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("syrian_civil&nbsp;War ", "Syrian civil War"),
        ("  a__b \u3000 c_", "A b c"),  # runs of spaces and "_" become one, the ends go
        ("\u00e9t\u00e9", "\u00c9t\u00e9"),  # only the first letter is upper-cased
        ("e\u0301t\u00e9", "\u00c9t\u00e9"),  # NFC first: the accent goes with its letter
        ("iPhone", "IPhone"),
        ("AT&amp;T", "AT&T"),
        ("x", "X"),
        ("", ""),
        (" _ ", ""),
    ],
)
def test_title_key_by_hand(title: str, key: str) -> None:
    assert newswiki.title_key(title) == key


@pytest.mark.parametrize(
    ("topic", "key"),
    [
        (
            "conflict-of-interest editing on Wikipedia#orangemoody",
            ("Conflict-of-interest editing on Wikipedia", "Orangemoody"),
        ),
        ("2016_Aktobe_shootings", ("2016 Aktobe shootings", None)),
        ("a#b#c", ("A", "B#c")),  # split at the first "#"
        ("a&#35;b", ("A", "B")),  # an entity for "#" splits too
        ("a&#160;b", ("A b", None)),  # a no-break space is no split
        ("a#", ("A", None)),  # an empty section names the page itself
        ("a# _ ", ("A", None)),
        ("#b", ("", "B")),
    ],
)
def test_topic_key_by_hand(topic: str, key: tuple[str, str | None]) -> None:
    assert newswiki.topic_key(topic) == key


@given(spellings_of_a_title())
def test_a_title_spelled_any_way_names_its_article(pair: tuple[str, str]) -> None:
    title, variant = pair
    index = CorpusIndex()
    index.add("a.txt", Article(title=title))
    index.add("b.txt", Article(title=title + " (other)"))
    index.add("e.md", Event(date=D5, headline=f"{variant}: Happened."))
    (found,) = index.topics("e.md")
    assert found.topic == variant
    assert (found.article, found.status) == ("a.txt", "resolved")
    assert newswiki.title_key(variant) == newswiki.title_key(title)


# Three words a part at most: with " _ " between words, a topic of 13 words is no topic.
@given(spellings_of_a_title(most=3), spellings_of_a_title(most=3), st.integers(2, 4))
def test_a_section_spelled_any_way_names_its_heading(
    page: tuple[str, str], section: tuple[str, str], level: int
) -> None:
    (title, title_variant), (heading, heading_variant) = page, section
    found_section = Section(title=heading, level=level)
    for parent in range(level - 1, 1, -1):  # parents named with digits: no word has one
        found_section = Section(title=f"P{parent}", level=parent, subsections=[found_section])
    article = Article(title=title, sections=[Section(title="P0"), found_section])
    index = CorpusIndex()
    index.add("a.txt", article)
    index.add("e.md", Event(date=D5, headline=f"{title_variant}#{heading_variant}: Happened."))
    (found,) = index.topics("e.md")
    assert (found.article, found.section, found.status) == ("a.txt", heading, "resolved")


# -- the command line -------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_links_reports_topics_beside_related_links(
    archive: CorpusIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "links", "news", "wiki")
    assert status == 1  # two dangling related links; topics do not count
    assert out.splitlines() == [
        f"{B}:11:1: related link to /news/2016/06/10/gone.md: no such event file",
        f"{B}:12:1: related link to /news/2015/01/1/old.md: no such event file",
        f"{B}:12:6: topic 'Syrian Civil War#No such part' of related item 3: wiki/syria.txt"
        " has no section 'No such part'",
        "news/2016/06/10/c.md:3:3: topic 'Brexit': names 2 articles: wiki/brexit-lower.txt,"
        " wiki/brexit.txt",
        "news/2016/06/12/f.md:3:3: topic 'Unknown topic': no article has that title",
    ]
    assert err == (
        "8 events, 3 related links: 1 resolved, 2 dangling;"
        " 12 topics: 9 resolved, 1 missing, 1 no-section, 1 ambiguous.\n"
    )
    status, out, _ = run(capsys, "links", "--all", "--format", "jsonl", "news/2016/06/7", "wiki")
    found = [json.loads(line) for line in out.splitlines()]
    assert [(f["kind"], f["line"], f["column"]) for f in found] == [
        ("topic", 3, 4),
        ("topic", 3, 36),
        ("related", 10, 1),
        ("topic", 10, 5),
        ("related", 11, 1),
        ("topic", 11, 5),
        ("related", 12, 1),
        ("topic", 12, 6),
    ]
    assert found[5] == {
        "kind": "topic",
        "source": B,
        "line": 11,
        "column": 5,
        "related": 2,
        "position": 1,
        "topic": "2016&nbsp;Aktobe shootings",
        "date": "2016-06-10",
        "status": "resolved",
        "article": "wiki/aktobe.txt",  # the file is missing, the topic names the article
        "section": None,
        "candidates": [],
    }


def test_timeline_command_prints_each_event_once_oldest_first(
    archive: CorpusIndex, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An earlier event links to a.md about Syria: a.md's own headline is printed for it.
    write(
        tmp_path,
        "news/2016/06/1/z.md",
        b"### [2016-06-01](/news/2016/06/01/index.md)\n\n# Intro: Nothing.\n\n\n### Related:\n\n"
        b"1. [Syrian Civil War: Talks.](/news/2016/06/05/a.md)\n",
    )
    status, out, err = run(capsys, "timeline", "news", "wiki", "syrian civil War")
    assert status == 0
    assert out.splitlines() == [
        f"2015-01-01  Syrian Civil War#No such part: Else.  ({B}:12)",
        f"2016-06-05  syrian_Civil__War: Talks begin.  ({A}:3)",
        f"2016-06-07  Syrian Civil War#Peace_process: Syrian Civil War#astana  talks: Talks go"
        f" on.  ({B}:3)",
        "2016-06-13  Syrian civil war: Lower case.  (news/2016/06/13/h.md:3)",
    ]
    assert err == "4 events on wiki/syria.txt.\n"
    status, out, _ = run(capsys, "timeline", "--format", "jsonl", "news", "wiki", "wiki/aktobe.txt")
    (shots,) = (json.loads(line) for line in out.splitlines())
    assert (shots["date"], shots["text"], shots["related"]) == (
        "2016-06-10",
        "2016&nbsp;Aktobe shootings: Shots.",
        2,
    )


def test_timeline_command_refuses_an_unknown_or_ambiguous_title(
    archive: CorpusIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "timeline", "news", "wiki", "Nothing")
    assert (status, out) == (2, "")
    assert err == (
        "newswiki timeline: error: no article titled 'Nothing', nor an article file of that"
        " name in news wiki\n"
    )
    status, _, err = run(capsys, "timeline", "-", "Brexit")
    assert (status, err) == (
        2,
        "newswiki timeline: error: timeline reads an archive's files, not standard input ('-')\n",
    )
    status, _, err = run(capsys, "timeline", "news", "wiki", "brexit")
    assert status == 2
    assert err == (
        "newswiki timeline: error: 2 articles are titled 'brexit': wiki/brexit-lower.txt,"
        " wiki/brexit.txt: give the article's file instead\n"
    )


# -- the topics table -------------------------------------------------------------------------

TOPIC_ROWS = [
    # path, related, position, topic, line, column, date, article, section, candidates, status
    (A, None, 1, "syrian_Civil__War", 3, 3, D5, SYRIA_FILE, None, [], "resolved"),
    (
        B, None, 1, "Syrian Civil War#Peace_process", 3, 4, D7,
        SYRIA_FILE, "Peace process", [], "resolved",
    ),
    (
        B, None, 2, "Syrian Civil War#astana  talks", 3, 36, D7,
        SYRIA_FILE, "Astana talks", [], "resolved",
    ),
    (
        B, 1, 1, "Syrian Civil War#Background", 10, 5, D5,
        SYRIA_FILE, "Background", [], "resolved",
    ),
    (
        B, 2, 1, "2016&nbsp;Aktobe shootings", 11, 5, datetime.date(2016, 6, 10),
        "wiki/aktobe.txt", None, [], "resolved",
    ),
    (
        B, 3, 1, "Syrian Civil War#No such part", 12, 6, datetime.date(2015, 1, 1),
        SYRIA_FILE, None, [], "no-section",
    ),
    (
        "news/2016/06/10/c.md", None, 1, "Brexit", 3, 3, datetime.date(2016, 6, 10),
        None, None, ["wiki/brexit-lower.txt", "wiki/brexit.txt"], "ambiguous",
    ),
    (
        "news/2016/06/10/d.md", None, 1, "AT&amp;T", 3, 3, datetime.date(2016, 6, 10),
        "wiki/att.txt", None, [], "resolved",
    ),
    (
        "news/2016/06/11/e.md", None, 1, "Co\u0302te d'Ivoire  crisis", 3, 3,
        datetime.date(2016, 6, 11), "wiki/cote.txt", None, [], "resolved",
    ),
    (
        "news/2016/06/12/f.md", None, 1, "Unknown topic", 3, 3, datetime.date(2016, 6, 12),
        None, None, [], "missing",
    ),
    (
        "news/2016/06/12/g.md", None, 1, "C#", 3, 3, datetime.date(2016, 6, 12),
        "wiki/csharp.txt", None, [], "resolved",
    ),
    (
        "news/2016/06/13/h.md", None, 1, "Syrian civil war", 3, 3, datetime.date(2016, 6, 13),
        SYRIA_FILE, None, [], "resolved",
    ),
    (
        "news/2016/07/1/late.md", None, 1, "Syrian Civil War", 3, 3, datetime.date(2016, 7, 1),
        SYRIA_FILE, None, [], "resolved",
    ),
]  # fmt: skip
COLUMNS = ("path", "related", "position", "topic", "line", "column", "date", "article")
COLUMNS += ("section", "candidates", "status")

# Events per article per month: each event file once, by the topics of its headline.
PER_MONTH = """
SELECT t.article, strftime(e.date, '%Y-%m') AS month, count(DISTINCT e.path) AS events
FROM 'tables/topics.parquet' AS t JOIN 'tables/events.parquet' AS e ON t.path = e.path
WHERE t.article IS NOT NULL AND t.related IS NULL
GROUP BY ALL ORDER BY ALL
"""


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_convert_writes_the_topics_table(
    archive: CorpusIndex, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    write(
        tmp_path,
        "news/2016/07/1/late.md",
        b"### [2016-07-01](/news/2016/07/01/index.md)\n\n# Syrian Civil War: Later.\n",
    )
    status, _, err = run(capsys, "convert", "news", "wiki", "--to", fmt, "-o", "tables")
    assert status == 0
    assert "9 events, 7 articles, 9 sections, 13 topics, 0 errors" in err
    if fmt == "parquet":
        table = pq.read_table("tables/topics.parquet")
        assert table.schema == schema("topics")
        assert table.schema.metadata[b"newswiki.table"] == b"topics"
        found = table.to_pylist()
    else:
        found = list(read_jsonl("tables/topics.jsonl"))
        for row in found:
            row["date"] = row["date"] and datetime.date.fromisoformat(row["date"])
    assert [tuple(row[c] for c in COLUMNS) for row in found] == TOPIC_ROWS
    if fmt == "parquet":
        import duckdb

        assert duckdb.sql(PER_MONTH).fetchall() == [
            ("wiki/att.txt", "2016-06", 1),
            ("wiki/cote.txt", "2016-06", 1),
            ("wiki/csharp.txt", "2016-06", 1),
            ("wiki/syria.txt", "2016-06", 3),  # a.md, b.md (two topics, one event), h.md
            ("wiki/syria.txt", "2016-07", 1),
        ]


def test_the_api_writer_writes_the_topics_table(archive: CorpusIndex, tmp_path: Path) -> None:
    with DatasetWriter(tmp_path / "api", "parquet") as writer:
        for path, document in Corpus("news", "wiki"):
            writer.add(path, document)
    found = pq.read_table(tmp_path / "api" / "topics.parquet").to_pylist()
    assert [tuple(row[c] for c in COLUMNS) for row in found] == TOPIC_ROWS[:-1]
    assert found == list(topic_rows(archive))


def _as_tuples(found: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [tuple(row[c] for c in COLUMNS) for row in found]


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_the_topics_table_made_in_parts(
    archive: CorpusIndex, fmt: Literal["parquet", "jsonl"]
) -> None:
    # As the workers of convert -j N make it: parts of a few files each, where the events
    # come before the articles their topics name (walk order: news/ before wiki/).
    files = list(Corpus("news", "wiki"))
    table = TopicTable(fmt)
    for start in range(0, len(files), 3):
        table.add_part(topic_part(files[start : start + 3], fmt))
    expected = list(topic_rows(archive))
    if fmt == "parquet":
        made = table.arrow()
        assert made.schema == schema("topics")
        assert _as_tuples(made.to_pylist()) == TOPIC_ROWS[:-1]
        assert made.equals(to_arrow(expected, "topics"))
    else:
        made_lines = b"".join(table.jsonl())
        found = [json.loads(line) for line in made_lines.splitlines()]
        for row in found:
            row["date"] = row["date"] and datetime.date.fromisoformat(row["date"])
        assert _as_tuples(found) == TOPIC_ROWS[:-1]
        assert made_lines == "".join(json_line(row) + "\n" for row in expected).encode()


def test_a_topics_table_takes_documents_and_parts_in_the_order_given(archive: CorpusIndex) -> None:
    files = list(Corpus("news", "wiki"))
    table = TopicTable("parquet")
    assert table.arrow().num_rows == 0
    assert table.arrow().schema == schema("topics")
    table.add(*files[0])  # a.md, one topic
    table.add_part(topic_part(files[1:3], "parquet"))  # b.md and c.md
    for path, document in files[3:]:
        table.add(path, document)
    assert _as_tuples(table.arrow().to_pylist()) == TOPIC_ROWS[:-1]
    with pytest.raises(ValueError, match="expected a part of a parquet table, not of jsonl"):
        table.add_part(topic_part(files[:1], "jsonl"))
    with pytest.raises(ValueError, match="arrow\\(\\) joins Parquet parts"):
        TopicTable("jsonl").arrow()
    with pytest.raises(ValueError, match="jsonl\\(\\) joins JSON Lines parts"):
        table.jsonl()
    assert list(TopicTable("jsonl").jsonl()) == []


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_convert_in_parallel_writes_the_same_topics(archive: CorpusIndex, fmt: str) -> None:
    for jobs in ("1", "2"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "newswiki",
                "convert",
                "-j",
                jobs,
                "news",
                "wiki",
                *("--to", fmt, "--no-progress", "-o"),
                f"out{jobs}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        assert done.returncode == 0, done.stderr
    if fmt == "parquet":
        serial = pq.read_table("out1/topics.parquet")
        assert pq.read_table("out2/topics.parquet").equals(serial)
        assert _as_tuples(serial.to_pylist()) == TOPIC_ROWS[:-1]
    else:
        serial_lines = Path("out1/topics.jsonl").read_bytes()
        assert serial_lines.count(b"\n") == 12
        assert Path("out2/topics.jsonl").read_bytes() == serial_lines


# Titles and headings that compare equal or nearly so, as wiki titles do: first-letter case,
# "_" for a space, entities, a decomposed letter, a "#" inside a title.
_TITLES = ["Brexit", "brexit", "Syrian_civil War", "Syrian Civil War", "AT&T", "C#", "Côte"]
_TOPICS = [*_TITLES, "AT&amp;T", "Co\u0302te", "Syrian Civil War#Peace_process", "Nobody", "C"]
_HEADINGS = ["Peace process", "Background", "peace_process"]


@st.composite
def _corpora(draw: st.DrawFn) -> list[tuple[str, newswiki.Document]]:
    """Articles and events in any order, the events' topics drawn from titles that compare
    alike, and the order of the files the order they are read in."""
    files: list[tuple[str, newswiki.Document]] = []
    for number in range(draw(st.integers(0, 9))):
        if draw(st.booleans()):
            headings = draw(st.lists(st.sampled_from(_HEADINGS), max_size=2))
            sections = [Section(title=title, level=2) for title in headings]
            article = Article(title=draw(st.sampled_from(_TITLES)), sections=sections)
            files.append((f"wiki/{number}.txt", article))
        else:
            topics = draw(st.lists(st.sampled_from(_TOPICS), min_size=1, max_size=3))
            related = [
                RelatedEvent(title=f"{topic}: Then.", path=f"/news/{n}.md")
                for n, topic in enumerate(draw(st.lists(st.sampled_from(_TOPICS), max_size=2)))
            ]
            headline = ": ".join(topics) + ": Happened."
            files.append((f"news/{number}.md", Event(date=D5, headline=headline, related=related)))
    return files


@given(_corpora(), st.lists(st.integers(0, 9)), st.sampled_from(["parquet", "jsonl"]))
def test_a_topics_table_made_in_any_parts_reads_as_the_index_does(
    files: list[tuple[str, newswiki.Document]],
    cuts: list[int],
    fmt: Literal["parquet", "jsonl"],
) -> None:
    # Two ways to the same rows: the index resolves each row's topic against every title,
    # the table resolves each distinct topic once from the parts' facts.
    index = CorpusIndex()
    for path, document in files:
        index.add(path, document)
    expected = list(topic_rows(index))
    table = TopicTable(fmt)
    bounds = sorted({0, len(files), *(cut for cut in cuts if cut < len(files))})
    for start, end in itertools.pairwise(bounds):
        if end - start == 1 and start % 2:
            table.add(*files[start])  # one document at a time, as DatasetWriter adds them
        else:
            table.add_part(topic_part(files[start:end], fmt))
    if fmt == "parquet":
        assert table.arrow().equals(to_arrow(expected, "topics"))
    else:
        assert b"".join(table.jsonl()) == "".join(json_line(r) + "\n" for r in expected).encode()
