"""The two real files: exact round trip and the values users read from them."""

from __future__ import annotations

import datetime

import attrs

import newswiki


def test_event_sample_round_trips_byte_for_byte(event_text: str) -> None:
    assert newswiki.dumps(newswiki.loads(event_text)) == event_text


def test_event_sample_values(event_text: str) -> None:
    event = newswiki.parse_event(event_text)
    assert event.date == datetime.date(2016, 7, 18)
    assert event.path == "/news/2016/07/18/index.md"
    assert event.headline.startswith("2016 shooting of Almaty police officers: Three policemen")
    assert event.headline.endswith("still at large.")
    assert event.topics == ("2016 shooting of Almaty police officers",)
    assert event.sentence.startswith("Three policemen")
    assert len(event.body) == 1
    assert "Kazakhstanâ€™s" in event.body[0]  # mojibake is kept as written
    assert event.sources == (
        newswiki.Source("RT", "https://www.rt.com/news/351790-shooting-almaty-police-kazakhstan/"),
    )
    assert len(event.related) == 10
    ninth = event.related[8]
    assert ninth.date == datetime.date(2016, 6, 7)
    assert ninth.context == ("Kazakhstan",)
    assert "19&nbsp;- three civilians" in ninth.title
    assert event.related[0].context == ("Kazakhstan", "policemen")
    assert event.related[7].date == datetime.date(2017, 1, 1)
    last = event.related[9]
    assert last.title.startswith("2016 Aktobe shootings: Three people")  # padding is layout
    assert not last.title.endswith(" ")


def test_event_sample_remembers_stray_spaces(event_text: str) -> None:
    event = newswiki.parse_event(event_text)
    assert event.layout is not None
    assert event.layout.headline is not None
    assert event.layout.headline.text is not None
    assert event.layout.headline.text.endswith(". ")
    canonical = newswiki.dumps(newswiki.canonical(event))
    assert "still at large.\n" in canonical
    assert "[ 2016 Aktobe" not in canonical
    assert ". ](" not in canonical
    assert newswiki.loads(canonical) == event  # layout takes no part in ==


def test_article_sample_round_trips_byte_for_byte(article_text: str) -> None:
    assert newswiki.dumps(newswiki.loads(article_text)) == article_text


def test_article_sample_is_canonical(article_text: str) -> None:
    article = newswiki.parse_article(article_text)
    assert newswiki.dumps(newswiki.canonical(article)) == article_text


def test_article_sample_values(article_text: str) -> None:
    article = newswiki.parse_article(article_text)
    assert article.title == "2016 Aktobe shootings"
    assert article.infobox is not None
    assert len(article.infobox.fields) == 8
    assert article.infobox["Date"] == "5–10 June 2016"
    assert article.infobox.get("Perps") == "Islamic extremists"
    assert article.infobox.get_all("Location") == ("Aktobe, Kazakhstan",)
    assert len(article.lead) == 1
    assert [s.title for s in article.sections] == [
        "Background",
        "Shootings",
        "Responsibility",
        "Reactions",
    ]
    shootings = article.section("Shootings")
    assert shootings.blocks == ()
    assert [s.title for s in shootings.subsections] == ["Initial shootings", "Later shootings"]
    assert [len(s.paragraphs) for s in article.sections] == [2, 0, 2, 2]
    assert len(article.section("Shootings", "Initial shootings").paragraphs) == 1
    assert len(article.section("Later shootings").paragraphs) == 2
    assert [(path, s.level) for path, s in article.walk()] == [
        (("Background",), 2),
        (("Shootings",), 2),
        (("Shootings", "Initial shootings"), 3),
        (("Shootings", "Later shootings"), 3),
        (("Responsibility",), 2),
        (("Reactions",), 2),
    ]


def test_section_title_edit_rewrites_only_that_heading(article_text: str) -> None:
    article = newswiki.parse_article(article_text)
    background = attrs.evolve(article.sections[0], title="Context")
    edited = attrs.evolve(article, sections=(background, *article.sections[1:]))
    assert newswiki.dumps(edited) == article_text.replace("==Background==", "==Context==")


def test_headline_edit_keeps_every_other_byte(event_text: str) -> None:
    # The sample's headline ends in a space: it is layout, and stays after the new headline.
    event = newswiki.parse_event(event_text)
    edited = attrs.evolve(event, headline="Something else")
    lines = event_text.split("\n")
    assert lines[2].endswith(". ")
    lines[2] = "# Something else "
    assert newswiki.dumps(edited) == "\n".join(lines)
