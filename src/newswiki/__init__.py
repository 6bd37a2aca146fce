"""newswiki: read dated-event markdown and "= Title =" wiki text into typed objects, and
write them back byte for byte.

>>> import newswiki
>>> event = newswiki.loads(open("examples/event-almaty-2016-07-18.md", "rb").read())
>>> event.sources[0].name, len(event.related)
('RT', 10)
"""

from typing import Any

from newswiki.errors import DecodeError, ParseError
from newswiki.layout import (
    ArticleLayout,
    BlockLayout,
    DocumentLayout,
    EventLayout,
    InfoboxLayout,
    LineLayout,
    ListLayout,
    SectionLayout,
    Span,
    position,
)
from newswiki.model import (
    Article,
    Block,
    BulletList,
    Diagnostic,
    Document,
    Event,
    Infobox,
    InfoboxField,
    RelatedEvent,
    Section,
    Source,
    UndatedEvent,
    Unparsed,
    UnparsedDocument,
    canonical,
)
from newswiki.parse import load, loads, parse_article, parse_event
from newswiki.text import fix_mojibake, slugify, split_topics, unescape_html
from newswiki.titles import title_key, topic_key
from newswiki.write import dump, dumps

#: The installed version of newswiki, a `semantic version <https://semver.org>`_ such as
#: ``"0.2.0"``.
__version__ = "0.2.0"

# cattrs costs a third of the import time: the two functions below import it (through
# newswiki.convert) on their first call, so ``import newswiki`` stays quick.


def to_dict(obj: Document) -> dict[str, Any]:
    """Plain data for ``obj``, ready for :mod:`json`: a ``"kind"`` key (see
    :data:`~newswiki.convert.KINDS`), its fields, ISO dates, lists for tuples, no layout.

    >>> import datetime
    >>> data = to_dict(Event(date=datetime.date(2016, 7, 18), headline="Hi"))
    >>> data["kind"], data["date"], data["headline"], data["sources"]
    ('event', '2016-07-18', 'Hi', [])

    Raises :class:`TypeError` for anything but an event (dated or not), an article or an
    unparsed document.
    """
    from newswiki import convert

    return convert.to_dict(obj)


def from_dict(data: dict[str, Any]) -> Document:
    """The object :func:`to_dict` made ``data`` from; it is written in the canonical layout.

    Raises :class:`ValueError` that lists the problems and where they are (an unknown key, a
    missing field, a value of the wrong type or one the model refuses):

    >>> from_dict({"kind": "event", "date": "2016-02-30", "headline": "Hi", "extra": 1})
    Traceback (most recent call last):
    ...
    ValueError: day is out of range for month @ $.date; extra fields found (extra) @ $
    """
    from newswiki import convert

    return convert.from_dict(data)


__all__ = [
    "Article",
    "ArticleLayout",
    "Block",
    "BlockLayout",
    "BulletList",
    "DecodeError",
    "Diagnostic",
    "Document",
    "DocumentLayout",
    "Event",
    "EventLayout",
    "Infobox",
    "InfoboxField",
    "InfoboxLayout",
    "LineLayout",
    "ListLayout",
    "ParseError",
    "RelatedEvent",
    "Section",
    "SectionLayout",
    "Source",
    "Span",
    "UndatedEvent",
    "Unparsed",
    "UnparsedDocument",
    "__version__",
    "canonical",
    "dump",
    "dumps",
    "fix_mojibake",
    "from_dict",
    "load",
    "loads",
    "parse_article",
    "parse_event",
    "position",
    "slugify",
    "split_topics",
    "title_key",
    "to_dict",
    "topic_key",
    "unescape_html",
]
