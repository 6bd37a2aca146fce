"""Titles that compare as wiki titles: the keys a topic and an article's title meet on.

A topic is written the way a wiki link is (``Syrian civil war``, ``Conflict-of-interest
editing on Wikipedia#Orangemoody``, ``2016_Aktobe_shootings``, ``19&nbsp;June``), and an
article's title line the way the page is named.  They name the same page when their keys
are equal.
"""

from __future__ import annotations

import re
import unicodedata

from newswiki.text import unescape_html

__all__ = ["title_key", "topic_key"]

# What a wiki folds into one space in a title: the space, "_", and the Unicode spaces
# (no-break, thin, ideographic ...; &nbsp; decodes to the no-break one).
_SPACES = re.compile("[ _\u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


def _decoded(text: str) -> str:
    return unescape_html(text) if "&" in text else text


def _folded(text: str) -> str:
    """``text`` (entities decoded) in NFC, spaces folded and stripped, first letter upper."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip(" ")
    return text[:1].upper() + text[1:]


def title_key(title: str) -> str:
    """The form in which two wiki titles compare: equal keys name the same page.

    HTML entities are decoded (``&amp;`` is ``&``, ``&nbsp;`` a space), the text is put in
    Unicode NFC, ``_`` and every run of spaces become one space, spaces at both ends go, and
    the first character is upper-cased: wiki titles ignore the case of their first letter
    only.

    >>> title_key("syrian_civil&nbsp;War ")
    'Syrian civil War'
    >>> title_key("Syrian Civil War") == title_key("syrian  Civil_War")
    True
    """
    return _folded(_decoded(title))


def topic_key(topic: str) -> tuple[str, str | None]:
    """The keys of the page and of the section a topic names (``Title#Section``): the
    :func:`title_key` of each part, ``None`` for the section when it names none.

    The topic is split at its first ``#`` once entities are decoded (``&#35;`` is a ``#``
    too, and ``&#160;`` is no split); an empty section (``Title#``) names the page itself.

    >>> topic_key("conflict-of-interest editing on Wikipedia#orangemoody")
    ('Conflict-of-interest editing on Wikipedia', 'Orangemoody')
    >>> topic_key("2016_Aktobe_shootings")
    ('2016 Aktobe shootings', None)
    """
    title, _, section = _decoded(topic).partition("#")
    section_key = _folded(section)
    return _folded(title), section_key or None
