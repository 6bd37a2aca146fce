"""Flat tables of events and articles: rows, Arrow, Parquet and JSON Lines.

Five tables (:data:`TABLES`, named by a :data:`Table`), one stable schema each
(:func:`schema`; version :data:`SCHEMA_VERSION`):

- ``events``: one row per event; sources and related events as nested lists;
- ``articles``: one row per article, holding everything to rebuild it (the sections as a
  flat list in file order, each with its level);
- ``sections``: one row per section of every article, for queries over sections;
- ``topics``: one row per topic of every event, with the article it names (the graph of a
  :class:`~newswiki.corpus.CorpusIndex`, see :func:`topic_rows`);
- ``errors``: one row per file that gave no document.

Rows are plain dicts (:func:`event_row`, :func:`article_row`, :func:`section_rows`), typed
for type checkers by one :class:`~typing.TypedDict` per table (:class:`EventRow` ...), and
:func:`rows` gives a document's rows by table in a :class:`Rows`; dates
are :class:`datetime.date` in Arrow and ISO strings in JSON Lines.  An event or article row
structures back to an equal object with :func:`from_row`, from JSON Lines or Parquet alike.
Parquet needs ``pyarrow`` (the ``parquet`` extra); JSON Lines needs nothing.

>>> import newswiki, newswiki.tabular as tabular
>>> event = newswiki.load("examples/event-almaty-2016-07-18.md")
>>> row = tabular.event_row(event, "examples/event-almaty-2016-07-18.md")
>>> row["date"], row["related"][7]["date"], row["sources"][0]["name"]
(datetime.date(2016, 7, 18), datetime.date(2017, 1, 1), 'RT')
>>> import json
>>> tabular.from_row(json.loads(tabular.json_line(row))) == event
True
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import functools
import importlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, TYPE_CHECKING, Any, Literal, TypedDict, TypeVar, cast, get_args, overload

import attrs
from cattrs.gen import make_dict_structure_fn, override
from cattrs.preconf.json import make_converter

from newswiki.convert import structure
from newswiki.files import TEMPORARY_SUFFIX, Replacement, sync_file_systems, temporary_folder
from newswiki.graph import CorpusIndex, TopicLink, _Facts, _facts, _Links, _placed, _Resolved
from newswiki.model import (
    Article,
    Block,
    BulletList,
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
)
from newswiki.parallel import ErrorKind, FileError
from newswiki.utf8 import escaped

if TYPE_CHECKING:
    import pyarrow

__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "TABLES",
    "ArticleRow",
    "ArticleSectionRow",
    "BlockRow",
    "DatasetParts",
    "DatasetWriter",
    "DiagnosticRow",
    "ErrorRow",
    "EventRow",
    "InfoboxFieldRow",
    "RelatedRow",
    "Row",
    "Rows",
    "SectionRow",
    "SourceRow",
    "Table",
    "TableWriter",
    "TopicPart",
    "TopicRow",
    "TopicTable",
    "UndatedEventRow",
    "UnparsedRow",
    "article_row",
    "error_row",
    "event_row",
    "from_row",
    "json_line",
    "read_jsonl",
    "rows",
    "schema",
    "section_rows",
    "spark_schema",
    "to_arrow",
    "topic_part",
    "topic_rows",
    "write_jsonl_parts",
    "write_parts",
]

#: Bumped whenever a column is added, removed or changes type; stored in Parquet metadata.
SCHEMA_VERSION = "2"
#: The name of a table.  Every function that takes one is typed with it, so a misspelled
#: table (``"evnets"``) is a type error, not a surprise at run time.
Table = Literal["events", "articles", "sections", "topics", "errors"]
#: The tables, in the order :class:`DatasetWriter` writes them: the names of :data:`Table`.
TABLES: tuple[Table, ...] = get_args(Table)
#: The output formats and their file suffixes.
FORMATS = {"parquet": ".parquet", "jsonl": ".jsonl"}

Format = Literal["parquet", "jsonl"]


class SourceRow(TypedDict):
    """A source of an ``events`` row (see :class:`~newswiki.Source`)."""

    name: str
    url: str


class RelatedRow(TypedDict):
    """A related event of an ``events`` row (see :class:`~newswiki.RelatedEvent`); ``date``
    is read from ``path``, ``None`` when the path holds none."""

    title: str
    path: str
    date: datetime.date | None
    context: list[str]


class DiagnosticRow(TypedDict):
    """Why lines were kept unparsed (see :class:`~newswiki.Diagnostic`)."""

    line: int
    column: int
    expected: str
    found: str


class UnparsedRow(TypedDict):
    """Lines lenient parsing kept unparsed (see :class:`~newswiki.Unparsed`)."""

    line: int
    text: str
    diagnostic: DiagnosticRow | None


class EventRow(TypedDict):
    """A row of the ``events`` table: one event file (see :func:`event_row`).

    ``path`` is the file read, ``day_path`` the event's own :attr:`~newswiki.Event.path`.
    """

    path: str | None
    date: datetime.date
    day_path: str
    headline: str
    topics: list[str]
    body: list[str]
    sources: list[SourceRow]
    related: list[RelatedRow]
    unparsed: list[UnparsedRow]


# The columns of EventRow, in the same order (a test checks both against the schema): a
# TypedDict's base class puts its keys first, and the table's order puts the date second.
class UndatedEventRow(TypedDict):
    """A row of the ``events`` table for an :class:`~newswiki.UndatedEvent` (see
    :func:`event_row`): the columns of :class:`EventRow`, ``date`` and ``day_path`` ``None``."""

    path: str | None
    date: None
    day_path: None
    headline: str
    topics: list[str]
    body: list[str]
    sources: list[SourceRow]
    related: list[RelatedRow]
    unparsed: list[UnparsedRow]


class BlockRow(TypedDict):
    """A block of an article: a paragraph (``text``) or a list (``items``), the other ``None``."""

    text: str | None
    items: list[str] | None


class InfoboxFieldRow(TypedDict):
    """An infobox field of an ``articles`` row."""

    key: str
    value: str


class ArticleSectionRow(TypedDict):
    """A section of an ``articles`` row, in file order; ``level`` nests them."""

    level: int
    title: str
    blocks: list[BlockRow]


class ArticleRow(TypedDict):
    """A row of the ``articles`` table: one article file (see :func:`article_row`)."""

    path: str | None
    title: str
    infobox: list[InfoboxFieldRow] | None
    lead: list[BlockRow]
    sections: list[ArticleSectionRow]
    unparsed: list[UnparsedRow]


class SectionRow(TypedDict):
    """A row of the ``sections`` table: one section of an article (see :func:`section_rows`)."""

    path: str | None
    article_title: str
    index: int
    parent: int | None
    level: int
    title: str
    heading_path: list[str]
    text: str


class TopicRow(TypedDict):
    """A row of the ``topics`` table: one topic of an event and the article it names (see
    :func:`topic_rows` and :class:`~newswiki.corpus.TopicLink`)."""

    path: str | None
    related: int | None
    position: int
    topic: str
    line: int | None
    column: int | None
    date: datetime.date | None
    article: str | None
    section: str | None
    candidates: list[str]
    status: str


class ErrorRow(TypedDict):
    """A row of the ``errors`` table: a file that gave no document (see :func:`error_row`)."""

    path: str | None
    kind: ErrorKind
    line: int | None
    column: int | None
    message: str


#: A row of any of the tables.
Row = EventRow | UndatedEventRow | ArticleRow | SectionRow | TopicRow | ErrorRow


class Rows(TypedDict, total=False):
    """The rows one document adds, by table (see :func:`rows`): only the tables it adds to,
    each with its own row type, so ``rows(event)["events"][0]["headline"]`` is a ``str`` to a
    type checker.  One key for each name of :data:`Table`."""

    events: list[EventRow | UndatedEventRow]
    articles: list[ArticleRow]
    sections: list[SectionRow]
    topics: list[TopicRow]
    errors: list[ErrorRow]


def _by_table(found: Rows) -> Iterator[tuple[Table, list[Any]]]:
    """The tables ``found`` holds rows for, with their rows, in :data:`TABLES` order."""
    for table in TABLES:
        if table in found:
            yield table, found[table]


_Data = dict[str, Any]  # rows on their way back to objects: whatever JSON or Arrow gave

_SURROGATE = re.compile("[\ud800-\udfff]")


@overload
def _path_text(path: str | os.PathLike[str]) -> str: ...
@overload
def _path_text(path: str | os.PathLike[str] | None) -> str | None: ...
def _path_text(path: str | os.PathLike[str] | None) -> str | None:
    """A file path as valid Unicode (undecodable bytes of a name shown as ``\\xNN``)."""
    if path is None:
        return None
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def _unparsed(blocks: tuple[Unparsed, ...]) -> list[UnparsedRow]:
    return [
        {
            "line": block.line,
            "text": block.text,
            "diagnostic": None
            if block.diagnostic is None
            else {
                "line": block.diagnostic.line,
                "column": block.diagnostic.column,
                "expected": block.diagnostic.expected,
                "found": block.diagnostic.found,
            },
        }
        for block in blocks
    ]


@overload
def event_row(event: Event, path: str | os.PathLike[str] | None = None) -> EventRow: ...
@overload
def event_row(
    event: UndatedEvent, path: str | os.PathLike[str] | None = None
) -> UndatedEventRow: ...
def event_row(
    event: Event | UndatedEvent, path: str | os.PathLike[str] | None = None
) -> EventRow | UndatedEventRow:
    """The ``events`` row of ``event``, read from the file ``path``."""
    row: UndatedEventRow = {
        "path": _path_text(path),
        "date": None,
        "day_path": None,
        "headline": event.headline,
        "topics": list(event.topics),
        "body": list(event.body),
        "sources": [{"name": s.name, "url": s.url} for s in event.sources],
        "related": [
            {"title": r.title, "path": r.path, "date": r.date, "context": list(r.context)}
            for r in event.related
        ],
        "unparsed": _unparsed(event.unparsed),
    }
    if isinstance(event, UndatedEvent):
        return row
    dated: EventRow = {**row, "date": event.date, "day_path": event.path}
    return dated


def _block(block: Block) -> BlockRow:
    if isinstance(block, BulletList):
        return {"text": None, "items": list(block.items)}
    return {"text": block, "items": None}


def article_row(article: Article, path: str | os.PathLike[str] | None = None) -> ArticleRow:
    """The ``articles`` row of ``article``, read from the file ``path``."""
    infobox = article.infobox
    return {
        "path": _path_text(path),
        "title": article.title,
        "infobox": None
        if infobox is None
        else [{"key": f.key, "value": f.value} for f in infobox.fields],
        "lead": [_block(b) for b in article.lead],
        "sections": [
            {"level": s.level, "title": s.title, "blocks": [_block(b) for b in s.blocks]}
            for _, s in article.walk()
        ],
        "unparsed": _unparsed(article.unparsed),
    }


def _text(blocks: tuple[Block, ...]) -> str:
    parts = [
        "\n".join(f"- {item}" for item in b.items) if isinstance(b, BulletList) else b
        for b in blocks
    ]
    return "\n\n".join(parts)


def section_rows(article: Article, path: str | os.PathLike[str] | None = None) -> list[SectionRow]:
    """The ``sections`` rows of ``article``, in file order.

    ``index`` counts the article's sections from 0 in file order and ``parent`` is the
    index of the enclosing section (``None`` at the top), so the tree is a self-join away.
    """
    file = _path_text(path)
    result: list[SectionRow] = []
    open_at_depth: list[int] = []  # index of the open section at each depth
    for index, (titles, section) in enumerate(article.walk()):
        depth = len(titles) - 1
        del open_at_depth[depth:]
        result.append(
            {
                "path": file,
                "article_title": article.title,
                "index": index,
                "parent": open_at_depth[-1] if open_at_depth else None,
                "level": section.level,
                "title": section.title,
                "heading_path": list(titles),
                "text": _text(section.blocks),
            }
        )
        open_at_depth.append(index)
    return result


def topic_rows(index: CorpusIndex) -> Iterator[TopicRow]:
    """The ``topics`` rows of every event of ``index``, in the order of
    :meth:`~newswiki.corpus.CorpusIndex.topic_links`: the table is made from the whole
    corpus at once, since a topic names an article of any file.

    >>> import newswiki
    >>> from newswiki.corpus import Corpus
    >>> rows = list(topic_rows(Corpus("examples").index()))
    >>> rows[1]["topic"], rows[1]["related"], rows[1]["article"], rows[1]["status"]
    ('2016 Aktobe shootings', 1, 'examples/article-aktobe-shootings.txt', 'resolved')
    """
    return (_topic_row(link) for link in index.topic_links())


def _topic_row(link: TopicLink) -> TopicRow:
    return {
        "path": _path_text(link.source),
        "related": link.related,
        "position": link.position,
        "topic": link.topic,
        "line": link.line,
        "column": link.column,
        "date": link.date,
        "article": _path_text(link.article),
        "section": link.section,
        "candidates": [_path_text(path) for path in link.candidates],
        "status": link.status,
    }


# -- the topics table, made in parts ---------------------------------------------------------

# The columns of a topics row that its event gives, made where the event is read; the others
# (_RESOLVED) say what its topic names, which only the articles of the whole corpus tell.
_PLACED = ("path", "related", "position", "topic", "line", "column", "date")
_RESOLVED = ("article", "section", "candidates", "status")
# Files per part: of a Parquet folder that newswiki convert writes (parts of a few MB, few
# enough for a large archive, and small enough that the workers' last parts end close
# together: -j 2 over 6,000 files gave 1.75x with 256, 1.66x with 512, where one worker waited
# on the other's last part), and of what TopicTable.add() makes of the documents it is given.
_PART_FILES = 256


@attrs.frozen
class TopicPart:
    """What a chunk of files gives the ``topics`` table (see :func:`topic_part`): no more than
    the parent process of ``newswiki convert -j N`` needs, in a form that is quick to send
    back and to join."""

    #: ``"parquet"`` or ``"jsonl"``: the form of :attr:`placed`.
    format: Format
    #: The topic of each row, in order: what it names is worked out at the end.
    topics: list[str]
    #: The columns ``path`` to ``date`` of each row, which its event gives: a
    #: ``pyarrow.Table`` (Parquet), or the start of each row's JSON line (JSON Lines).
    placed: Any
    #: The title and headings of each article of the chunk, which the topics of any part
    #: may name.
    articles: list[tuple[str, _Facts]]


def topic_part(
    documents: Iterable[tuple[str | os.PathLike[str], Document]], format: Format = "parquet"
) -> TopicPart:
    """What the documents, each read from its path, give the ``topics`` table of ``format``;
    make it where they are read (a worker process), and give it to :meth:`TopicTable.add_part`.
    """
    files = [(os.fspath(path), _facts(document)) for path, document in documents]
    return _topic_part(files, format)


def _topic_part(files: Iterable[tuple[str, _Facts | None]], format: Format) -> TopicPart:
    placed: list[tuple[Any, ...]] = []  # rows of the columns _PLACED
    articles: list[tuple[str, _Facts]] = []
    for path, facts in files:
        if facts is None:  # an unparsed document
            continue
        kind, date, links, topics = facts
        if kind == "article":
            articles.append((path, facts))
            continue
        file = _path_text(path)
        day, targets = cast(datetime.date | None, date), cast(_Links, links)
        for topic, related, position, line, column, when in _placed(day, targets, topics):
            # Topics repeat from event to event (a story's name): one string for each, in
            # the part and in the parent that unpickles it.
            placed.append((file, related, position, sys.intern(topic), line, column, when))
    made: Any
    if format == "jsonl":  # each row's line up to the columns its topic's article fills
        made = [json_line(dict(zip(_PLACED, row, strict=True)))[:-1] + "," for row in placed]
    else:
        pa, shape = _pyarrow(), schema("topics")
        fields = pa.schema([shape.field(name) for name in _PLACED])
        made = pa.Table.from_arrays(_columns(placed, len(_PLACED)), schema=fields)
    return TopicPart(format, [row[3] for row in placed], made, articles)


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """The columns of ``rows``, each a tuple of ``width`` values."""
    return [list(column) for column in zip(*rows, strict=True)] or [[] for _ in range(width)]


# What a topic names: the columns article, section, candidates and status of its rows.
_Named = tuple[str | None, str | None, list[str], str]


class TopicTable:
    """The ``topics`` table of a corpus, made in parts (as ``newswiki convert -j N`` makes it):
    the rows of :func:`topic_rows` for the same files, in the order added.

    A row has two halves.  Its event gives the first, ``path`` to ``date``: :func:`topic_part`
    makes it where a chunk of files is read, in a worker process, and :meth:`add_part`
    takes it.  What its topic names, ``article`` to ``status``, needs the titles and
    headings of every article of the corpus (a part brings those of its files): :meth:`arrow`
    and :meth:`jsonl` work it out at the end, once for each distinct topic, and join the
    halves.  :meth:`add` takes documents one at a time.

    >>> import newswiki
    >>> table = TopicTable("jsonl")
    >>> for path in ["examples/event-almaty-2016-07-18.md",
    ...              "examples/article-aktobe-shootings.txt"]:
    ...     table.add(path, newswiki.load(path))
    >>> second = json.loads(b"".join(table.jsonl()).splitlines()[1])
    >>> second["topic"], second["related"], second["article"], second["status"]
    ('2016 Aktobe shootings', 1, 'examples/article-aktobe-shootings.txt', 'resolved')
    """

    def __init__(self, format: Format) -> None:
        #: ``"parquet"`` or ``"jsonl"``: the format of the parts it takes.
        self.format = format
        self._parts: list[TopicPart] = []
        self._pending: list[tuple[str, _Facts | None]] = []  # added, not yet in a part
        self._articles = CorpusIndex()  # of the articles only: what topics name

    def add(self, path: str | os.PathLike[str], document: Document) -> None:
        """Add the document read from ``path``."""
        self._pending.append((os.fspath(path), _facts(document)))
        if len(self._pending) >= _PART_FILES:
            self._make_part()

    def add_part(self, part: TopicPart) -> None:
        """Add a part made by :func:`topic_part`, after the files added before.

        Raises:
            ValueError: a part of the other format.
        """
        if part.format != self.format:
            raise ValueError(f"expected a part of a {self.format} table, not of {part.format}")
        self._make_part()
        self._parts.append(part)
        for path, facts in part.articles:
            self._articles._add_facts(path, facts)

    def _make_part(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, []
            self.add_part(_topic_part(pending, self.format))

    def _named(self) -> dict[str, _Named]:
        """What each distinct topic of the rows names."""
        self._make_part()
        resolved: _Resolved = {}
        named: dict[str, _Named] = {}
        for topic in dict.fromkeys(t for part in self._parts for t in part.topics):
            status, article, section, candidates = self._articles._resolve_topic(topic, resolved)
            paths = [_path_text(path) for path in candidates]
            named[topic] = _path_text(article), section, paths, status
        return named

    def arrow(self) -> pyarrow.Table:
        """The table, with the schema of ``topics`` (of Parquet parts)."""
        if self.format != "parquet":
            raise ValueError("arrow() joins Parquet parts; use jsonl() for JSON Lines")
        named = self._named()
        pa, shape = _pyarrow(), schema("topics")
        types = [shape.field(name).type for name in _RESOLVED]
        tables = []
        for part in self._parts:  # what a part's topics name: a few columns more
            columns = _columns([named[topic] for topic in part.topics], len(_RESOLVED))
            arrays = [pa.array(values, kind) for values, kind in zip(columns, types, strict=True)]
            tables.append(pa.Table.from_arrays([*part.placed.columns, *arrays], schema=shape))
        result: pyarrow.Table = pa.concat_tables(tables) if tables else to_arrow([], "topics")
        return result

    def jsonl(self) -> Iterator[bytes]:
        """The table as JSON Lines in UTF-8, a block of lines for each part in turn; each
        line is :func:`json_line` of its row and ends in ``\\n`` (of JSON Lines parts)."""
        if self.format != "jsonl":
            raise ValueError("jsonl() joins JSON Lines parts; use arrow() for Parquet")
        ends = {  # each topic's columns, after the "{" of a line of their own
            topic: json_line(dict(zip(_RESOLVED, named, strict=True)))[1:] + "\n"
            for topic, named in self._named().items()
        }
        return self._jsonl_blocks(ends)

    def _jsonl_blocks(self, ends: dict[str, str]) -> Iterator[bytes]:
        for part in self._parts:
            lines = zip(part.placed, part.topics, strict=True)
            yield "".join(start + ends[topic] for start, topic in lines).encode("utf-8")


def error_row(error: FileError) -> ErrorRow:
    """The ``errors`` row of a file that gave no document."""
    return {
        "path": _path_text(error.filename),
        "kind": error.kind,
        "line": error.line,
        "column": error.column,
        "message": escaped(error.message),  # it may quote a file name that is not UTF-8
    }


def rows(document: Document, path: str | os.PathLike[str] | None = None) -> Rows:
    """Every row ``document`` adds, by table name: ``{"events": [...]}`` for an event,
    ``{"articles": [...], "sections": [...]}`` for an article (the ``topics`` table comes from
    the whole corpus: see :func:`topic_rows`).

    An :class:`~newswiki.UndatedEvent` adds an ``events`` row without ``date`` and
    ``day_path``; an :class:`~newswiki.UnparsedDocument` (lenient parsing of a file in neither
    format) adds one ``errors`` row of kind ``"unparsed"``.
    """
    if isinstance(document, (Event, UndatedEvent)):
        return {"events": [event_row(document, path)]}
    if isinstance(document, Article):
        return {
            "articles": [article_row(document, path)],
            "sections": [*section_rows(document, path)],
        }
    if isinstance(document, UnparsedDocument):
        first = document.diagnostics[0] if document.diagnostics else None
        error = FileError(
            _path_text(path) or "<string>",
            "unparsed",
            first.message if first else "in neither format",
            first.line if first else None,
            first.column if first else None,
        )
        return {"errors": [error_row(error)]}
    raise TypeError(
        "rows() takes an Event, Article, UndatedEvent or UnparsedDocument,"
        f" not {type(document).__name__}"
    )


def _json_default(value: object) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def json_line(row: Mapping[str, Any]) -> str:
    """``row`` as one line of JSON Lines (dates as ISO strings, no newline).

    Text stays as it is (not ``\\u`` escapes) but for lone surrogates, which UTF-8 cannot
    hold: each is written as the text of its escape, ``\\udXXX`` (see :mod:`newswiki.utf8`),
    so the line always encodes, and reads back with that text in its place.
    """
    text = json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            # In JSON, a backslash is written "\\": the line reads back as escaped() text.
            text = _SURROGATE.sub(lambda match: f"\\\\u{ord(match[0]):04x}", text)
    return text


def _jsonl_block(lines: Iterable[str]) -> bytes:
    """Lines made by :func:`json_line` as JSON Lines in UTF-8, each ending in ``\\n``."""
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- back from rows ---------------------------------------------------------------------------

_converter = make_converter(forbid_extra_keys=True)


def _structure_date(value: Any, _: Any) -> datetime.date:
    if type(value) is datetime.date:
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    raise ValueError(f"a date is a datetime.date or 'YYYY-MM-DD', not {value!r}")


def _structure_block(value: Any, _: Any) -> Block:
    if not isinstance(value, dict) or set(value) - {"text", "items"}:
        raise ValueError(f"a block is {{'text': ..., 'items': ...}}, not {value!r}")
    text, items = value.get("text"), value.get("items")
    if (text is None) == (items is None):
        raise ValueError(f"a block has either 'text' or 'items', not {value!r}")
    if text is not None:
        return _converter.structure(text, str)
    texts: Any = _converter.structure(items, tuple[str, ...])
    return BulletList(texts)


def _structure_infobox(value: Any, _: Any) -> Infobox:
    fields: Any = _converter.structure(value, tuple[InfoboxField, ...])
    return Infobox(fields)


_converter.register_structure_hook(datetime.date, _structure_date)
_converter.register_structure_hook_func(lambda t: t == Block, _structure_block)
_converter.register_structure_hook(Infobox, _structure_infobox)
for _cls in (Event, UndatedEvent, Source, RelatedEvent, Article, InfoboxField, Section):
    _overrides: dict[str, Any] = {"layout": override(omit=True)}
    if _cls is Event:  # the file's path is the row's "path"; the event's own is "day_path"
        _overrides["path"] = override(rename="day_path")
    _converter.register_structure_hook(
        _cls,
        make_dict_structure_fn(_cls, _converter, _cattrs_forbid_extra_keys=True, **_overrides),
    )

# Columns computed from others: dropped before structuring.
_DERIVED_EVENT = ("path", "topics")
_DERIVED_RELATED = ("date",)


def _without(data: Mapping[str, Any], keys: Sequence[str]) -> _Data:
    return {k: v for k, v in data.items() if k not in keys}


def _section_tree(flat: Iterable[Any]) -> list[_Data]:
    """Nest the flat, file-ordered sections of an ``articles`` row by their levels (as the
    parser does: a section belongs to the nearest section before it with a lower level)."""
    top: list[_Data] = []
    stack: list[_Data] = []
    for item in flat:
        if not isinstance(item, dict):
            raise ValueError(f"a section is a dict with 'level', 'title', 'blocks', not {item!r}")
        node = {**item, "subsections": []}
        level = node.get("level")
        while stack and isinstance(level, int) and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["subsections"] if stack else top).append(node)
        stack.append(node)
    return top


@overload
def from_row(row: EventRow) -> Event: ...
@overload
def from_row(row: UndatedEventRow) -> UndatedEvent: ...
@overload
def from_row(row: ArticleRow) -> Article: ...
@overload
def from_row(row: Mapping[str, Any]) -> Event | UndatedEvent | Article: ...
def from_row(row: Mapping[str, Any]) -> Event | UndatedEvent | Article:
    """The :class:`~newswiki.Event` or :class:`~newswiki.Article` an ``events`` or
    ``articles`` row was made from (it is written in the canonical layout); an ``events``
    row without ``date`` and ``day_path`` gives an :class:`~newswiki.UndatedEvent`.

    Takes rows as :func:`event_row` and :func:`article_row` make them, as JSON Lines give
    them back (``json.loads``) and as pyarrow gives them back (``Table.to_pylist()``).
    Columns computed from others (``path``, ``topics``, the related ``date``) are ignored.

    Raises:
        ValueError: a row of another table, or naming every problem of the row (an unknown
            column, a missing one, a value the model refuses).
    """
    if not isinstance(row, dict):
        raise ValueError(f"a row is a dict, not {type(row).__name__}")
    if "headline" in row:
        cls: type[Event | UndatedEvent | Article] = Event
        data = _without(row, _DERIVED_EVENT)
        if row.get("date") is None and row.get("day_path") is None:
            cls = UndatedEvent
            data = _without(data, ("date", "day_path"))
        data["related"] = [
            _without(r, _DERIVED_RELATED) if isinstance(r, dict) else r
            for r in row.get("related") or ()
        ]
    elif "sections" in row and "title" in row:
        cls = Article
        data = _without(row, ("path",))
        data["sections"] = _section_tree(row["sections"] or ())
    else:
        raise ValueError("expected an 'events' or 'articles' row (with 'headline' or 'sections')")
    result: Event | UndatedEvent | Article = structure(data, cls, _converter)
    return result


# -- Arrow ------------------------------------------------------------------------------------


def _pyarrow() -> Any:
    try:
        return importlib.import_module("pyarrow")
    except ImportError as error:
        raise ImportError(
            "Arrow and Parquet output need pyarrow: pip install pyarrow (the 'parquet' extra)"
        ) from error


def schema(table: Table) -> pyarrow.Schema:
    """The Arrow schema (a ``pyarrow.Schema``) of ``table``, one of :data:`TABLES`.

    The schema's metadata names the table (``newswiki.table``) and the schema version
    (``newswiki.schema``).  See :doc:`/cli` for every column.

    Raises:
        ValueError: an unknown table.
        ImportError: pyarrow is not installed.
    """
    return _schema(table)


@functools.cache  # around a function of its own: a cached function's type takes any argument
def _schema(table: Table) -> pyarrow.Schema:
    pa = _pyarrow()
    text, date, i32 = pa.string(), pa.date32(), pa.int32()
    strings = pa.list_(text)
    unparsed = pa.list_(
        pa.struct(
            [
                ("line", i32),
                ("text", text),
                (
                    "diagnostic",
                    pa.struct(
                        [("line", i32), ("column", i32), ("expected", text), ("found", text)]
                    ),
                ),
            ]
        )
    )
    blocks = pa.list_(pa.struct([("text", text), ("items", strings)]))
    columns = {
        "events": [
            ("path", text),
            ("date", date),
            ("day_path", text),
            ("headline", text),
            ("topics", strings),
            ("body", strings),
            ("sources", pa.list_(pa.struct([("name", text), ("url", text)]))),
            (
                "related",
                pa.list_(
                    pa.struct(
                        [("title", text), ("path", text), ("date", date), ("context", strings)]
                    )
                ),
            ),
            ("unparsed", unparsed),
        ],
        "articles": [
            ("path", text),
            ("title", text),
            ("infobox", pa.list_(pa.struct([("key", text), ("value", text)]))),
            ("lead", blocks),
            (
                "sections",
                pa.list_(pa.struct([("level", i32), ("title", text), ("blocks", blocks)])),
            ),
            ("unparsed", unparsed),
        ],
        "sections": [
            ("path", text),
            ("article_title", text),
            ("index", i32),
            ("parent", i32),
            ("level", i32),
            ("title", text),
            ("heading_path", strings),
            ("text", text),
        ],
        "topics": [
            ("path", text),
            ("related", i32),
            ("position", i32),
            ("topic", text),
            ("line", i32),
            ("column", i32),
            ("date", date),
            ("article", text),
            ("section", text),
            ("candidates", strings),
            ("status", text),
        ],
        "errors": [
            ("path", text),
            ("kind", text),
            ("line", i32),
            ("column", i32),
            ("message", text),
        ],
    }
    if table not in columns:
        raise ValueError(f"unknown table {table!r}: expected one of {', '.join(TABLES)}")
    metadata = {"newswiki.table": table, "newswiki.schema": SCHEMA_VERSION}
    result: pyarrow.Schema = pa.schema(columns[table], metadata=metadata)
    return result


def to_arrow(table_rows: Sequence[Mapping[str, Any]], table: Table) -> pyarrow.Table:
    """A ``pyarrow.Table`` of ``table_rows`` with the schema of ``table``.

    Arrow's text is UTF-8: a lone surrogate is written as the text of its escape
    ``\\udXXX``, as in JSON Lines (see :mod:`newswiki.utf8`).
    """
    make, shape = _pyarrow().Table.from_pylist, schema(table)
    try:
        result: pyarrow.Table = make(list(table_rows), schema=shape)
    except UnicodeEncodeError:
        result = make([_escaped(row) for row in table_rows], schema=shape)
    return result


def _escaped(value: Any) -> Any:
    """``value`` (a row, or a part of one) with every text in it :func:`~newswiki.utf8.escaped`."""
    if isinstance(value, str):
        return escaped(value)
    if isinstance(value, Mapping):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value


_SPARK_TYPES = {"string": "STRING", "date32[day]": "DATE", "int32": "INT"}


def _spark_type(arrow_type: Any) -> str:
    pa = _pyarrow()
    if pa.types.is_list(arrow_type):
        return f"ARRAY<{_spark_type(arrow_type.value_type)}>"
    if pa.types.is_struct(arrow_type):
        fields = ", ".join(
            f"`{arrow_type.field(i).name}`: {_spark_type(arrow_type.field(i).type)}"
            for i in range(arrow_type.num_fields)
        )
        return f"STRUCT<{fields}>"
    return _SPARK_TYPES[str(arrow_type)]


def spark_schema(table: Table) -> str:
    """The schema of ``table`` as a Spark DDL string, for ``spark.read.schema(...)``.

    >>> spark_schema("errors")
    '`path` STRING, `kind` STRING, `line` INT, `column` INT, `message` STRING'
    """
    return ", ".join(f"`{f.name}` {_spark_type(f.type)}" for f in schema(table))


# -- writers ----------------------------------------------------------------------------------


_W = TypeVar("_W", bound="_Committing")


class _Committing:
    """``with`` support for writers: :meth:`close` when the block ends, :meth:`abort` when it
    raises, so a failed run leaves no half-written file in place."""

    def __enter__(self: _W) -> _W:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    def close(self) -> None:  # pragma: no cover - every writer defines it
        raise NotImplementedError

    def abort(self) -> None:  # pragma: no cover - every writer defines it
        raise NotImplementedError


class TableWriter(_Committing):
    """Write the rows of one table to a Parquet or JSON Lines file, atomically.

    Rows go to a temporary file beside ``path``; :meth:`close` moves it into place in one
    step (see :class:`newswiki.files.Replacement`), so ``path`` is never seen half written;
    :meth:`abort` (or leaving a ``with`` block with an exception) removes it.  Parquet rows
    are written in row groups of ``batch_rows`` rows, so memory stays flat.

    Args:
        path: the file to write.
        table: its table, one of :data:`TABLES`.
        format: ``"parquet"`` or ``"jsonl"``.
        batch_rows: rows per Parquet row group.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        table: Table,
        format: Format,
        *,
        batch_rows: int = 20_000,
    ) -> None:
        if format not in FORMATS:
            raise ValueError(f"unknown format {format!r}: expected one of {', '.join(FORMATS)}")
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}: expected one of {', '.join(TABLES)}")
        self.path = os.fspath(path)
        self.table = table
        self.format = format
        self.batch_rows = batch_rows
        #: Rows taken so far (some may still wait in memory for a full row group).
        self.rows = 0
        self._pending: list[Mapping[str, Any]] = []  # rows not yet in Arrow form
        self._tables: list[Any] = []  # Arrow tables not yet written, in order
        self._buffered = 0  # rows in both
        self._parquet: Any = None
        # Parquet row groups are encoded and compressed in a thread of their own (pyarrow lets
        # go of the GIL), one at a time, so the program feeding the writer (the parent of
        # ``newswiki convert -j N``, handing out chunks) is not held up by it.
        self._encoder: ThreadPoolExecutor | None = None
        self._encoding: Future[None] | None = None
        if format == "parquet":
            self._schema = schema(table)  # fails early without pyarrow
        self._target = Replacement(self.path)
        self._file = self._target.file

    def write(self, table_rows: Iterable[Mapping[str, Any]]) -> None:
        """Add rows (dicts as :func:`event_row` and its siblings make them)."""
        if self.format == "jsonl":
            self.write_lines(json_line(row) for row in table_rows)
            return
        for row in table_rows:
            self._pending.append(row)
            self._buffered += 1
            self.rows += 1
            if self._buffered >= self.batch_rows:
                self._flush()

    def write_arrow(self, table: Any) -> None:
        """Add the rows of a ``pyarrow.Table`` with this table's schema (e.g. made by
        :func:`to_arrow` in a worker process); Parquet only.

        Raises:
            ValueError: JSON Lines, or a table with another schema.
        """
        if self.format != "parquet":
            raise ValueError("write_arrow() writes Parquet; use write() for JSON Lines")
        if not table.schema.equals(self._schema):
            raise ValueError(f"expected the schema of {self.table!r}, not {table.schema}")
        self._arrow_pending()
        self._tables.append(table)
        self._buffered += table.num_rows
        self.rows += table.num_rows
        if self._buffered >= self.batch_rows:
            self._flush()

    def _arrow_pending(self) -> None:
        if self._pending:
            self._tables.append(to_arrow(self._pending, self.table))
            self._pending = []

    def write_lines(self, lines: Iterable[str]) -> None:
        """Add rows already encoded by :func:`json_line` (JSON Lines only)."""
        if self.format != "jsonl":
            raise ValueError("write_lines() writes JSON Lines; use write() for Parquet")
        batch = list(lines)
        if batch:
            self._file.write(_jsonl_block(batch))
            self.rows += len(batch)

    def write_jsonl(self, data: bytes) -> None:
        """Add rows already encoded as JSON Lines: :func:`json_line` lines in UTF-8, each
        ending in ``\\n`` (e.g. joined in a worker process); JSON Lines only."""
        if self.format != "jsonl":
            raise ValueError("write_jsonl() writes JSON Lines; use write_arrow() for Parquet")
        if data and not data.endswith(b"\n"):
            raise ValueError("JSON Lines data must end with a newline")
        self._file.write(data)
        self.rows += data.count(b"\n")

    def append_jsonl_file(self, path: str | os.PathLike[str], rows: int) -> None:
        """Add the ``rows`` rows of a file of JSON Lines (as :meth:`write_jsonl` takes them,
        e.g. written by :func:`write_jsonl_parts` in a worker process), copied by the
        operating system without passing through this process where it can; JSON Lines only.
        """
        if self.format != "jsonl":
            raise ValueError("append_jsonl_file() writes JSON Lines; use write_arrow() for Parquet")
        self._file.flush()  # what was written before comes first
        with open(path, "rb", buffering=0) as part:
            _append_file(part, self._file)
        self.rows += rows

    def _flush(self, *, final: bool = False) -> None:
        """Write the buffered rows in row groups of ``batch_rows``; keep the rest unless
        ``final``."""
        if self._parquet is None:
            parquet = importlib.import_module("pyarrow.parquet")
            self._parquet = parquet.ParquetWriter(self._file, self._schema, compression="zstd")
        self._arrow_pending()
        if not self._tables:
            return
        table = _pyarrow().concat_tables(self._tables)
        size = table.num_rows if final else table.num_rows - table.num_rows % self.batch_rows
        if size:
            self._finish_encoding()  # one row group at a time: memory stays flat, order kept
            if self._encoder is None:
                self._encoder = ThreadPoolExecutor(1, thread_name_prefix="newswiki-parquet")
            self._encoding = self._encoder.submit(
                self._parquet.write_table, table.slice(0, size), row_group_size=self.batch_rows
            )
        rest = table.slice(size)
        self._tables = [rest] if rest.num_rows else []
        self._buffered = rest.num_rows

    def _finish_encoding(self) -> None:
        """Wait for the row group being written, raising what writing it raised."""
        encoding, self._encoding = self._encoding, None
        if encoding is not None:
            encoding.result()

    def close(self) -> None:
        """Finish the file and move it into place."""
        if self._file.closed:
            return
        try:
            if self.format == "parquet":
                self._flush(final=True)
                self._finish_encoding()
                self._parquet.close()
            self._target.commit()
        except BaseException:
            self.abort()
            raise
        finally:
            self._stop_encoder()

    def abort(self) -> None:
        """Drop what was written; ``path`` is left as it was."""
        self._stop_encoder()
        if self._parquet is not None:
            # Closed before its file goes (else it tries when collected, on a closed file);
            # what it writes is dropped with the file, and so is a failure.
            with contextlib.suppress(Exception):
                self._parquet.close()
            self._parquet = None
        self._target.discard()

    def _stop_encoder(self) -> None:
        if self._encoder is not None:
            self._encoder.shutdown(wait=True)  # never close the file under a running write
            self._encoder = None


# Why copy_file_range() cannot copy between two files: the system lacks it, the files are on
# two file systems, or one of them (or its file system) does not take it.
_CANNOT_COPY_RANGE = (errno.ENOSYS, errno.EXDEV, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP)


def _append_file(source: io.FileIO, target: IO[bytes]) -> None:
    """Copy the rest of ``source`` to the end of ``target`` (flushed): in the kernel with
    ``copy_file_range`` where it can (no copy through this process), else through a buffer.
    A copy that stops part way goes on from where it stopped: both offsets moved with it."""
    copy_range = getattr(os, "copy_file_range", None)
    try:
        fd = target.fileno()
    except io.UnsupportedOperation:  # text kept in memory (see Replacement)
        copy_range = None
    if copy_range is not None:
        size = os.fstat(source.fileno()).st_size - source.tell()
        try:
            while size > 0:
                copied = copy_range(source.fileno(), fd, size)
                if not copied:
                    break
                size -= copied
        except OSError as error:
            if error.errno not in _CANNOT_COPY_RANGE:
                raise
        target.seek(0, os.SEEK_END)  # the buffered file learns where its end now is
    shutil.copyfileobj(source, target)


class DatasetWriter(_Committing):
    """Write documents to a folder of tables: ``events``, ``articles``, ``sections``,
    ``topics`` and ``errors``, each one Parquet or JSON Lines file (``OUT/events.parquet``
    ...).

    Every table is written, empty ones too, so readers always find the full schema.  The
    files appear only when :meth:`close` succeeds (see :class:`TableWriter`).  The
    ``topics`` table is written by :meth:`close`, from :attr:`topics` (a topic names an
    article of any file, so the whole corpus must be in first).

    >>> import newswiki, tempfile
    >>> out = tempfile.mkdtemp()
    >>> with DatasetWriter(out, "jsonl") as writer:
    ...     writer.add("examples/event-almaty-2016-07-18.md",
    ...                newswiki.load("examples/event-almaty-2016-07-18.md"))
    >>> writer.counts
    {'events': 1, 'articles': 0, 'sections': 0, 'topics': 9, 'errors': 0}
    """

    def __init__(
        self, folder: str | os.PathLike[str], format: Format, *, batch_rows: int = 20_000
    ) -> None:
        os.makedirs(folder, exist_ok=True)
        self.folder = os.fspath(folder)
        self.format = format
        #: The ``topics`` table of the documents added, which :meth:`close` writes (a few
        #: hundred bytes per topic of an event).
        self.topics = TopicTable(format)
        self.writers: dict[Table, TableWriter] = {}
        self._parts: tuple[int, str] | None = None  # the lock and path of parts_folder()
        try:
            for table in TABLES:
                path = os.path.join(self.folder, table + FORMATS[format])
                self.writers[table] = TableWriter(path, table, format, batch_rows=batch_rows)
        except BaseException:
            self.abort()
            raise

    @property
    def counts(self) -> dict[Table, int]:
        """Rows written to each table so far."""
        return {table: writer.rows for table, writer in self.writers.items()}

    @property
    def paths(self) -> dict[Table, str]:
        """The file of each table."""
        return {table: writer.path for table, writer in self.writers.items()}

    def add(self, path: str | os.PathLike[str], document: Document) -> None:
        """Add the rows of the document read from ``path`` (see :func:`rows`), and the
        document to :attr:`topics`."""
        self.add_rows(rows(document, path))
        self.topics.add(path, document)

    def add_rows(self, table_rows: Rows) -> None:
        """Add rows by table name (as :func:`rows` gives them)."""
        for table, items in _by_table(table_rows):
            self.writers[table].write(items)

    def add_arrow(self, tables: Mapping[Table, Any]) -> None:
        """Add ``pyarrow.Table`` objects by table name (Parquet only; see
        :meth:`TableWriter.write_arrow`)."""
        for table, data in tables.items():
            self.writers[table].write_arrow(data)

    def add_jsonl(self, tables: Mapping[Table, bytes]) -> None:
        """Add encoded JSON Lines by table name (see :meth:`TableWriter.write_jsonl`)."""
        for table, data in tables.items():
            self.writers[table].write_jsonl(data)

    def parts_folder(self) -> str:
        """A private folder beside the tables (made on the first call, hidden, locked by
        this process) for :func:`write_jsonl_parts` to write parts of the tables to, e.g.
        in worker processes; :meth:`add_jsonl_parts` takes them, and :meth:`close` and
        :meth:`abort` remove the folder with whatever is left in it."""
        if self._parts is None:
            self._parts = temporary_folder(self.folder, "parts.jsonl")
        return self._parts[1]

    def add_jsonl_parts(self, parts: Mapping[Table, tuple[str, int]]) -> None:
        """Add the parts :func:`write_jsonl_parts` wrote to :meth:`parts_folder`, after what
        was added before, and remove them (see :meth:`TableWriter.append_jsonl_file`)."""
        folder = self.parts_folder()
        for table, (name, count) in parts.items():
            path = os.path.join(folder, name)
            self.writers[table].append_jsonl_file(path, count)
            os.unlink(path)

    def _remove_parts(self) -> None:
        if self._parts is not None:
            fd, folder = self._parts
            self._parts = None
            shutil.rmtree(folder, ignore_errors=True)
            os.close(fd)

    def add_lines(self, table_lines: Mapping[Table, list[str]]) -> None:
        """Add rows already encoded by :func:`json_line`, by table name (JSON Lines only)."""
        for table, lines in table_lines.items():
            self.writers[table].write_lines(lines)

    def add_error(self, error: FileError) -> None:
        """Add a file that gave no document to the ``errors`` table."""
        self.writers["errors"].write([error_row(error)])

    def close(self) -> None:
        """Write the ``topics`` table, finish every table and move them into place."""
        try:
            self._remove_parts()
            topics = self.writers["topics"]
            if not topics.rows:  # once, though close() may be called again
                if self.format == "parquet":
                    topics.write_arrow(self.topics.arrow())
                else:
                    for block in self.topics.jsonl():
                        topics.write_jsonl(block)
            for writer in self.writers.values():
                writer.close()
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Drop the tables not yet in place."""
        self._remove_parts()
        for writer in self.writers.values():
            writer.abort()


# -- Parquet datasets of part files ----------------------------------------------------------


def write_parts(
    folders: Mapping[Table, str], table_rows: Mapping[Table, Sequence[Mapping[str, Any]]]
) -> dict[Table, tuple[str, int]]:
    """Write the rows of each table as one Parquet part file in its folder of ``folders``
    (from :attr:`DatasetParts.folders`), where the rows were made: in a worker process, the
    parent then only puts the parts in order with :meth:`DatasetParts.add_parts`.

    Returns:
        The file name and the row count of each part written, by table (a table without
        rows gets no part).
    """
    return {
        table: _write_part(folders[table], table, to_arrow(items, table))
        for table, items in table_rows.items()
        if items
    }


def write_jsonl_parts(
    folder: str, table_lines: Mapping[Table, Sequence[str]]
) -> dict[Table, tuple[str, int]]:
    """Write the lines (made by :func:`json_line`) of each table as one new hidden file in
    ``folder`` (from :meth:`DatasetWriter.parts_folder`), where the lines were made: in a
    worker process, the parent then only appends the files to the tables with
    :meth:`DatasetWriter.add_jsonl_parts`.

    Returns:
        The file name and the line count of each part written, by table (a table without
        lines gets no part).
    """
    parts: dict[Table, tuple[str, int]] = {}
    for table, lines in table_lines.items():
        if lines:
            fd, path = tempfile.mkstemp(prefix=f".{table}-", suffix=".jsonl", dir=folder)
            with os.fdopen(fd, "wb") as file:
                file.write(_jsonl_block(lines))
            parts[table] = os.path.basename(path), len(lines)
    return parts


def _write_part(folder: str, table: Table, data: pyarrow.Table) -> tuple[str, int]:
    """Write ``data`` to a new hidden part file in ``folder``: its name and row count."""
    parquet = importlib.import_module("pyarrow.parquet")
    fd, path = tempfile.mkstemp(prefix=".part-", suffix=".parquet", dir=folder)
    with os.fdopen(fd, "wb") as file:
        parquet.write_table(data, file, compression="zstd", row_group_size=_ROW_GROUP)
    return os.path.basename(path), data.num_rows


_ROW_GROUP = 20_000


class DatasetParts(_Committing):
    """Write the five tables as Parquet datasets, each a folder of part files
    (``OUT/events.parquet/part-00000.parquet`` ...), as Dask and Spark write them.

    The parts are written where the rows are made, by :func:`write_parts` (in the worker
    processes of ``newswiki convert -j N``), into the hidden folders :attr:`folders`;
    :meth:`add_parts` numbers them in the order given, so the rows of a dataset read in
    that order.  :meth:`close` writes the ``errors`` rows, the ``topics`` table (from
    :attr:`topics`, which the caller fills), and an empty part for a table with no rows
    (readers always find the full schema), makes everything durable, and
    puts each folder in place of the old table (a file or folder of that name).  pyarrow,
    pandas, Dask, Spark and Polars read such a folder as one table; DuckDB reads
    ``'OUT/events.parquet/*.parquet'``.

    >>> import newswiki, pyarrow.parquet, tempfile
    >>> out = tempfile.mkdtemp()
    >>> path = "examples/event-almaty-2016-07-18.md"
    >>> with DatasetParts(out) as dataset:
    ...     dataset.add_parts(write_parts(dataset.folders, rows(newswiki.load(path), path)))
    >>> dataset.counts
    {'events': 1, 'articles': 0, 'sections': 0, 'topics': 0, 'errors': 0}
    >>> pyarrow.parquet.read_table(f"{out}/events.parquet").num_rows
    1
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        _pyarrow()  # fails early without pyarrow
        os.makedirs(folder, exist_ok=True)
        #: The folder of the tables.
        self.folder = os.fspath(folder)
        #: The hidden folder each table's parts are written to until :meth:`close`.
        self.folders: dict[Table, str] = {}
        #: Rows written to each table so far.
        self.counts: dict[Table, int] = dict.fromkeys(TABLES, 0)
        #: The ``topics`` table of the files converted, which :meth:`close` writes: add the
        #: :func:`topic_part` of each chunk of files to it as they come.
        self.topics = TopicTable("parquet")
        self._parts = dict.fromkeys(TABLES, 0)
        self._errors: list[ErrorRow] = []
        self._locks: list[int] = []  # held while the folders are ours (see temporary_folder)
        try:
            for table in TABLES:
                fd, self.folders[table] = temporary_folder(self.folder, f"{table}.parquet")
                self._locks.append(fd)
        except BaseException:
            self.abort()
            raise

    @property
    def paths(self) -> dict[Table, str]:
        """The folder of each table."""
        return {table: os.path.join(self.folder, f"{table}.parquet") for table in TABLES}

    def add_parts(self, parts: Mapping[Table, tuple[str, int]]) -> None:
        """Take the parts :func:`write_parts` wrote, after those taken before."""
        for table, (name, count) in parts.items():
            self._take(table, name)
            self.counts[table] += count

    def _take(self, table: Table, name: str) -> None:
        folder = self.folders[table]
        numbered = f"part-{self._parts[table]:05d}.parquet"
        os.rename(os.path.join(folder, name), os.path.join(folder, numbered))
        self._parts[table] += 1

    def add_error(self, error: FileError) -> None:
        """Add a file that gave no document to the ``errors`` table."""
        self._errors.append(error_row(error))
        self.counts["errors"] += 1

    def close(self) -> None:
        """Finish every table and put it in place."""
        try:
            for table, folder in self.folders.items():
                for name in os.listdir(folder):  # parts of a worker that died writing them
                    if name.startswith("."):
                        os.unlink(os.path.join(folder, name))
                made = self._made(table)
                if made.num_rows or not self._parts[table]:  # an empty table has its schema
                    name, _ = _write_part(folder, table, made)
                    self._take(table, name)
            sync_file_systems([self.folder])
            for table in list(self.folders):
                _swap_in(self.folders.pop(table), self.paths[table])
            sync_file_systems([self.folder])
        except BaseException:
            self.abort()
            raise
        self._unlock()

    def _made(self, table: Table) -> pyarrow.Table:
        """The rows of ``table`` made here, not in parts: the errors and the topics."""
        if table == "topics":
            made = self.topics.arrow()
            self.counts["topics"] += made.num_rows
            return made
        return to_arrow(self._errors if table == "errors" else [], table)

    def abort(self) -> None:
        """Drop the tables not yet in place."""
        for folder in self.folders.values():
            shutil.rmtree(folder, ignore_errors=True)
        self.folders = {}
        self._unlock()

    def _unlock(self) -> None:
        for fd in self._locks:
            os.close(fd)
        self._locks = []


def _swap_in(new: str, path: str) -> None:
    """Put the folder ``new`` at ``path``, in place of the file or folder there."""
    try:
        os.rename(new, path)  # nothing there, or an empty folder
        return
    except OSError:
        if not os.path.lexists(path):
            raise
    old = f"{new}-old{TEMPORARY_SUFFIX}"  # a leftover the next run removes, if killed now
    os.rename(path, old)
    os.rename(new, path)
    if os.path.isdir(old) and not os.path.islink(old):
        shutil.rmtree(old)
    else:
        os.unlink(old)


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The rows of a JSON Lines file written by :class:`TableWriter`."""
    with open(path, "rb") as file:
        for line in file:
            if line.strip():
                yield json.loads(line)
