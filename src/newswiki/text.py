"""Helpers for the text inside real files, kept apart from parsing.

Parsing never changes text: these functions are for what a user does with the values
afterwards (splitting topics off a headline, making a slug, repairing entities and mojibake).
"""

from __future__ import annotations

import re

__all__ = ["fix_mojibake", "slugify", "split_topics", "unescape_html"]

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_SENTENCE_MARKS = (". ", "? ", "! ", "; ", '"')
_SENTENCE_MARK = re.compile("|".join(map(re.escape, _SENTENCE_MARKS)))
_MAX_TOPIC_WORDS = 12


def _is_topic(segment: str, follows: str) -> bool:
    """Whether ``segment`` is a topic, when ``follows`` is the first character after its
    ``": "`` (empty at the end of the headline)."""
    # The checks of a character or two first: most segments fail one of them, and the
    # others walk the whole segment, which can be most of a long headline.
    return (
        bool(segment and follows)
        and (follows.isupper() or follows.isdigit() or follows in "\"'“‘")
        and not segment[0].isspace()
        and not segment[-1].isspace()
        # 13 words take 25 characters at least: only longer segments need counting.
        and (len(segment) < 25 or len(segment.split(None, _MAX_TOPIC_WORDS)) <= _MAX_TOPIC_WORDS)
        and _SENTENCE_MARK.search(segment) is None
    )


def split_topics(headline: str) -> tuple[tuple[str, ...], str]:
    """Split the topic prefixes (``"Topic: "``) off a headline.

    A prefix counts as a topic while it is short (at most 12 words), holds no sentence
    punctuation, and the text after its ``": "`` starts like a sentence (a capital, a digit or
    a quote).  This is a heuristic over the exact text, which it never changes:
    ``": ".join(topics + (sentence,)) == headline`` always holds.

    >>> split_topics("Syrian Civil War: Syrian peace process: The Syrian Opposition agree.")
    (('Syrian Civil War', 'Syrian peace process'), 'The Syrian Opposition agree.')
    >>> split_topics("Police say: more arrests are expected.")
    ((), 'Police say: more arrests are expected.')
    """
    topics: list[str] = []
    start = 0  # where the text after the topics found so far begins
    while True:
        end = headline.find(": ", start)
        if end < 0:
            break
        segment = headline[start:end]
        if not _is_topic(segment, headline[end + 2 : end + 3]):
            break
        topics.append(segment)
        start = end + 2
    return tuple(topics), headline[start:]


def slugify(title: str, *, limit: int = 140) -> str:
    """The file-name slug the event archive derives from a title.

    Lower-cased, cut to ``limit`` characters, every run of characters other than ``a-z0-9``
    turned into one ``-``, and ``-`` stripped from both ends.  The archive does not always
    follow its own recipe, so newswiki never validates slugs with it.

    >>> slugify("Around 1,000 people stage a rare public protest")
    'around-1-000-people-stage-a-rare-public-protest'
    """
    return _SLUG_JUNK.sub("-", title.lower()[:limit]).strip("-")


def unescape_html(text: str) -> str:
    """Decode HTML entities such as ``&nbsp;`` and ``&amp;`` (:func:`html.unescape`).

    >>> unescape_html("19&nbsp;- three &amp; more")
    '19\\xa0- three & more'
    """
    import html  # on first use: most programs never call it, and every start would pay

    return html.unescape(text)


def fix_mojibake(text: str) -> str:
    """Repair text decoded with the wrong encoding (``Kazakhstanâ€™s`` -> ``Kazakhstan’s``).

    Uses `ftfy <https://ftfy.readthedocs.io>`_, the maintained tool for exactly this job, from
    the optional extra ``fix``; without it, raises :class:`ImportError`
    saying so.
    """
    try:
        import ftfy
    except ImportError as error:
        raise ImportError(
            "newswiki.fix_mojibake needs ftfy: pip install ftfy (the 'fix' extra)"
        ) from error
    fixed: str = ftfy.fix_encoding(text)
    return fixed
