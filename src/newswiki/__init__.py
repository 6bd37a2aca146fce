"""newswiki: read dated-event markdown and "= Title =" wiki text into typed objects, and
write them back byte for byte.

>>> import newswiki
>>> event = newswiki.loads(open("examples/event-almaty-2016-07-18.md", "rb").read())
>>> event.sources[0].name, len(event.related)
('RT', 10)
"""

from typing import TYPE_CHECKING, Any

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
    Unparsed,
    UnparsedDocument,
    canonical,
)
from newswiki.parse import load, loads, parse_article, parse_event
from newswiki.text import fix_mojibake, slugify, split_topics, unescape_html
from newswiki.write import dump, dumps

if TYPE_CHECKING:
    from newswiki.convert import from_dict, to_dict

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # cattrs costs a third of the import time; load it on first use of to_dict/from_dict.
    if name in ("to_dict", "from_dict"):
        from newswiki import convert

        return getattr(convert, name)
    raise AttributeError(f"module 'newswiki' has no attribute {name!r}")


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
    "slugify",
    "split_topics",
    "to_dict",
    "unescape_html",
]
