"""Helpers for the text inside files: topics, slugs, entities, mojibake."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import newswiki
from newswiki import strategies as nws


@given(st.one_of(nws.lines(), st.text()))
def test_split_topics_never_changes_the_text(headline: str) -> None:
    topics, sentence = newswiki.split_topics(headline)
    assert ": ".join((*topics, sentence)) == headline


@pytest.mark.parametrize(
    ("headline", "topics"),
    [
        (
            "Syrian Civil War: Syrian peace process: The Syrian Opposition agree.",
            ("Syrian Civil War", "Syrian peace process"),
        ),
        (
            "United Nations Security Council election, 2016: Bolivia, Ethiopia begin.",
            ("United Nations Security Council election, 2016",),
        ),
        ("A plain sentence with no topic.", ()),
        ("Officials say: more arrests are expected.", ()),
        ("Topic:", ()),
        # What follows the ": " starts like a sentence: a capital, a digit or a quote.
        ("Floods: 12 people die.", ("Floods",)),
        ('Brexit: "We leave," says the minister.', ("Brexit",)),
        ("Brexit: 'We leave.'", ("Brexit",)),
        ("Brexit: \u201cWe leave.\u201d", ("Brexit",)),
        ("Brexit: \u2018We leave.\u2019", ("Brexit",)),
        ("Brexit: (We leave.)", ()),
        ("Topic: ", ()),  # nothing follows
        (": The sentence.", ()),  # an empty topic
        # A topic neither starts nor ends with a space; one inside is fine, anywhere.
        (" Topic: The sentence.", ()),
        ("Topic : The sentence.", ()),
        ("A topic: The sentence.", ("A topic",)),
        ("World War I: The armistice.", ("World War I",)),
        # Twelve words at most; 13 one-letter words are 25 characters, 12 two-letter ones 35.
        ("a b c d e f g h i j k l: The sentence.", ("a b c d e f g h i j k l",)),
        ("a b c d e f g h i j k l m: The sentence.", ()),
        (
            "ab cd ef gh ij kl mn op qr st uv wx: The sentence.",
            ("ab cd ef gh ij kl mn op qr st uv wx",),
        ),
        ("ab cd ef gh ij kl mn op qr st uv wx yz: The sentence.", ()),
        # No sentence punctuation in a topic: a topic ends at the first sentence that has some.
        ("Police said. Then: More.", ()),
        ("Why? Because: More.", ()),
        ("Stop! Now: More.", ()),
        ("One; two: More.", ()),
        ('The "Topic": More.', ()),
        ("Syria: U.S.-led talks: The talks end.", ("Syria", "U.S.-led talks")),
        ("Syria: The U.S. say: More.", ("Syria",)),
    ],
)
def test_split_topics_examples(headline: str, topics: tuple[str, ...]) -> None:
    assert newswiki.split_topics(headline)[0] == topics


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "Around 1,000 people stage a rare public protest",
            "around-1-000-people-stage-a-rare-public-protest",
        ),
        (" -- Kazakhstan's \u00e9lection!? ", "kazakhstan-s-lection"),
        ("a" * 139 + " b", "a" * 139),  # cut to 140 characters, then stripped
        ("a" * 139 + "bc", "a" * 139 + "b"),
    ],
)
def test_slugify_by_hand(title: str, slug: str) -> None:
    assert newswiki.slugify(title) == slug


def test_slugify_cuts_the_title_before_it_makes_the_slug() -> None:
    assert newswiki.slugify("Abc def", limit=5) == "abc-d"
    assert newswiki.slugify("Abc, def", limit=5) == "abc"


def test_slugify_reproduces_the_archive_slugs(event_text: str) -> None:
    event = newswiki.parse_event(event_text)
    matching = [
        item
        for item in event.related
        if newswiki.slugify(item.title) == re.sub(r".*/(.*)\.md", r"\1", item.path)
    ]
    # Item 9 breaks the archive's own recipe, item 10 was cut with its stray leading space.
    assert len(matching) == 8


def test_unescape_html() -> None:
    assert newswiki.unescape_html("19&nbsp;- three &amp; more") == "19\xa0- three & more"


def test_fix_mojibake() -> None:
    pytest.importorskip("ftfy", reason="the fix extra is part of the test extra")
    assert newswiki.fix_mojibake("Kazakhstanâ€™s largest city") == "Kazakhstan’s largest city"


def test_without_ftfy_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ftfy", None)  # an import of it raises ImportError
    with pytest.raises(ImportError, match=r"^newswiki.fix_mojibake needs ftfy: pip install ftfy"):
        newswiki.fix_mojibake("Ã©")
