"""A client of newswiki's public types, as a downstream project would write it.

CI checks this module with ``mypy --strict`` (and ``--python-version 3.10``) against the
installed package: each ``assert_type`` states the type a public entry point gives, so a change
that loosens one (to ``Any``, to a wider union) fails CI; each ``# type: ignore[CODE]`` marks a
mistake a user could make, which mypy must catch (``--strict`` warns of an ignore that is not
needed, so a change that lets the mistake through fails CI too).  ``tests/test_typing.py`` also runs
it, so the types stated here are the types the calls really return.
"""

from __future__ import annotations

import datetime
import io
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import attrs
import pyarrow
from hypothesis.strategies import SearchStrategy

import newswiki
from newswiki import (
    Article,
    Block,
    BulletList,
    DecodeError,
    Diagnostic,
    Document,
    Event,
    InfoboxField,
    ParseError,
    RelatedEvent,
    Section,
    Source,
    Span,
    UndatedEvent,
    UnparsedDocument,
    convert,
    grammar,
    strategies,
)
from newswiki.corpus import (
    Batch,
    Corpus,
    CorpusIndex,
    ErrorKind,
    Failed,
    FileError,
    Link,
    Ok,
    Outcome,
    map_batches,
    map_files,
    natural_key,
    walk,
)
from newswiki.tabular import (
    ArticleRow,
    DatasetWriter,
    ErrorRow,
    EventRow,
    Row,
    Rows,
    SectionRow,
    Table,
    TableWriter,
    article_row,
    error_row,
    event_row,
    from_row,
    json_line,
    read_jsonl,
    rows,
    schema,
    section_rows,
    spark_schema,
    to_arrow,
)

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EVENT = EXAMPLES / "event-almaty-2016-07-18.md"
ARTICLE = EXAMPLES / "article-aktobe-shootings.txt"


def reading() -> tuple[Event, Article]:
    """Strict reading gives events and articles; lenient reading may give neither."""
    data = EVENT.read_bytes()
    assert_type(newswiki.loads(data), Event | Article)
    assert_type(newswiki.loads(data.decode("utf-8"), strict=True), Event | Article)
    assert_type(newswiki.loads(data, strict=False), Document)
    lenient: bool = False
    assert_type(newswiki.loads(data, strict=lenient), Document)
    assert_type(newswiki.load(EVENT), Event | Article)
    assert_type(newswiki.load(str(EVENT), strict=False), Document)
    with open(EVENT, "rb") as file:
        assert_type(newswiki.load(file), Event | Article)
    event = assert_type(newswiki.parse_event(data), Event)
    article = assert_type(newswiki.parse_article(ARTICLE.read_bytes(), strict=False), Article)
    return event, article


def fields(event: Event, article: Article) -> None:
    """The model's fields and helpers have their own types, not ``Any``."""
    assert_type(event.date, datetime.date)
    assert_type(event.headline, str)
    assert_type(event.topics, tuple[str, ...])
    assert_type(event.body, tuple[str, ...])
    assert_type(event.sources, tuple[Source, ...])
    assert_type(event.related[0], RelatedEvent)
    assert_type(event.related[0].date, datetime.date | None)
    assert_type(event.related[0].context, tuple[str, ...])
    assert article.infobox is not None
    assert_type(article.infobox["Date"], str)
    assert_type(article.infobox.fields[0], InfoboxField)
    assert_type(article.section("Shootings"), Section)
    assert_type(article.lead, tuple[Block, ...])
    assert_type(newswiki.position(event.related[2]), Span | None)
    for path, section in article.walk():
        assert_type(path, tuple[str, ...])
        assert_type(section.level, int)
        for block in section.blocks:
            if isinstance(block, BulletList):
                assert_type(block.items, tuple[str, ...])
            else:
                assert_type(block, str)
    span = assert_type(newswiki.position(event.related[0]), newswiki.Span | None)
    if span is not None:
        assert_type(span.first, int)
        first, last = span
        assert_type(first, int)
        assert_type(last, int)
    RelatedEvent(title="T", path="/p.md", context=["Kazakhstan"])  # a list of str is a sequence


def writing(event: Event, article: Article) -> None:
    """Writing, canonical copies and JSON."""
    assert_type(newswiki.dumps(event), str)
    newswiki.dump(article, io.StringIO())
    assert_type(newswiki.canonical(event), Event)
    assert_type(newswiki.canonical(article.sections), tuple[Section, ...])
    data = assert_type(newswiki.to_dict(event), dict[str, Any])
    back = assert_type(newswiki.from_dict(data), Event | Article | UndatedEvent | UnparsedDocument)
    assert back == event


def lenient(data: bytes) -> None:
    """A lenient reading is one of four documents; an undated event has no date to type."""
    document = newswiki.loads(data, strict=False)
    if isinstance(document, UndatedEvent):
        assert_type(document.headline, str)
        assert_type(document.diagnostics, tuple[Diagnostic, ...])
    elif not isinstance(document, UnparsedDocument):
        assert_type(document, Event | Article)


def errors() -> None:
    """A :class:`ParseError` says where, in typed attributes."""
    try:
        newswiki.loads(b"### [2016-07-18](/x)\n\nno headline\n\xff")
    except ParseError as error:
        caught = error
    else:
        raise AssertionError("no ParseError")
    assert_type(caught.line, int)
    assert_type(caught.column, int)
    assert_type(caught.message, str)
    assert_type(caught.filename, str | None)
    assert isinstance(caught, DecodeError)  # a subclass: one except clause catches both


def text_helpers(event: Event) -> None:
    assert_type(newswiki.split_topics(event.headline), tuple[tuple[str, ...], str])
    assert_type(newswiki.slugify(event.headline), str)
    assert_type(newswiki.unescape_html(event.headline), str)
    assert_type(newswiki.fix_mojibake(event.headline), str)
    assert_type(newswiki.__version__, str)


def _size(path: str, data: bytes) -> int:
    return len(data)


def _total(sizes: list[int]) -> int:
    return sum(sizes)


def corpora() -> None:
    """A strict corpus yields events and articles; ``outcome.ok`` narrows ``value``."""
    assert_type(walk(EXAMPLES), Iterator[str])
    assert_type(natural_key("10.md"), tuple[tuple[object, ...], str])
    for path, document in Corpus(EXAMPLES):
        assert_type(path, str)
        assert_type(document, Event | Article)
    for _, read in Corpus(EXAMPLES, strict=False, on_error="collect"):
        assert_type(read, Document)
    for outcome in map_files(_size, walk(EXAMPLES)):
        assert_type(outcome, Outcome[int])
        if outcome.ok:
            assert_type(outcome.value, int)
        else:
            assert_type(outcome.error, FileError)
        if outcome.error is None:
            assert_type(outcome, Ok[int])
        else:
            assert_type(outcome, Failed)
    for batch in map_batches(_size, _total, walk(EXAMPLES)):
        assert_type(batch, Batch[int])
        assert_type(batch.value, int)
    index = assert_type(Corpus(EXAMPLES).index(), CorpusIndex)
    assert_type(index.events_on("2016-07-18"), list[str])
    assert_type(list(index.links()), list[Link])


def tables(event: Event, article: Article) -> None:
    """One TypedDict per table; Arrow typed against pyarrow."""
    row = assert_type(event_row(event, EVENT), EventRow)
    assert_type(row["date"], datetime.date)
    assert_type(row["related"][0]["context"], list[str])
    assert_type(article_row(article)["sections"][0]["level"], int)
    assert_type(section_rows(article)[0], SectionRow)
    error = FileError("x.md", "parse", "expected a headline")
    assert_type(error_row(error), ErrorRow)
    assert_type(error_row(error)["kind"], ErrorKind)
    assert_type(error.kind, ErrorKind)
    found = assert_type(rows(event), Rows)
    assert_type(found["events"][0]["headline"], str)
    assert_type(rows(article).get("sections", [])[0]["heading_path"], list[str])
    assert_type(rows(article).get("articles"), list[ArticleRow] | None)
    mixed: list[Row] = [*found["events"], *rows(article).get("sections", [])]  # any table's
    assert len(mixed) == 7
    assert_type(from_row(row), Event)
    assert_type(from_row(article_row(article)), Article)
    assert_type(from_row({"headline": "Hi"} | dict(row)), Event | UndatedEvent | Article)
    assert_type(json_line(row), str)
    assert_type(schema("events"), pyarrow.Schema)
    assert_type(to_arrow([row], "events"), pyarrow.Table)
    assert_type(spark_schema("errors"), str)
    with tempfile.TemporaryDirectory() as folder:
        with DatasetWriter(folder, "jsonl") as writer:
            writer.add(EVENT, event)
        assert_type(writer.counts, dict[Table, int])
        assert_type(next(read_jsonl(writer.paths["events"])), dict[str, Any])
        with TableWriter(Path(folder) / "errors.jsonl", "errors", "jsonl") as table:
            table.write([error_row(error)])
        assert_type(table.rows, int)
    _: ArticleRow = article_row(article)


def scale_out() -> None:
    # Imported here: dask brings tblib, which changes how every exception pickles, and the
    # other tests of a run should not depend on whether this module was collected.
    import dask.bag
    import dask.dataframe

    import newswiki.dask

    _, paths = newswiki.dask.list_files(str(EXAMPLES))
    assert_type(paths, list[str])
    assert_type(newswiki.dask.read(str(EVENT)), dask.bag.Bag)
    assert_type(newswiki.dask.read_dataframe(str(EVENT)), dask.dataframe.DataFrame)
    assert_type(newswiki.dask.read_dataframe(str(EVENT), "errors"), dask.dataframe.DataFrame)
    read = assert_type(newswiki.dask.read_with_errors(str(EXAMPLES)), newswiki.dask.Read)
    assert_type(read.documents, dask.bag.Bag)
    assert_type(read.errors, dask.bag.Bag)
    tables = assert_type(
        newswiki.dask.read_tables(str(EVENT)), dict[Table, dask.dataframe.DataFrame]
    )
    with tempfile.TemporaryDirectory() as folder:
        assert_type(newswiki.dask.write_tables(tables, folder), None)


def _refused(mistake: Any) -> None:
    """``mistake()`` fails at run time too, with the one-sentence error of newswiki."""
    try:
        mistake()
    except (TypeError, ValueError, KeyError):
        return
    raise AssertionError("not refused")


def mistakes(event: Event) -> None:
    """Mistakes mypy catches before they run: each ``type: ignore`` must be needed."""
    source = Source("RT", "https://rt.com/")
    # A list field takes its items, not others (an iterable of what the field holds).
    _refused(lambda: attrs.evolve(event, related=[source]))  # type: ignore[list-item]
    _refused(lambda: Event(date=event.date, headline="H", sources=["RT"]))  # type: ignore[list-item]
    _refused(lambda: Section(title="A", subsections=["B"]))  # type: ignore[list-item]
    _refused(lambda: RelatedEvent(title="T", path="/p", context=[1]))  # type: ignore[list-item]
    # A table is named by a Table: a misspelled one is caught.
    _refused(lambda: schema("evnets"))  # type: ignore[arg-type]
    _refused(lambda: to_arrow([], "evnets"))  # type: ignore[arg-type]
    _refused(lambda: spark_schema("sectoins"))  # type: ignore[arg-type]
    _refused(lambda: TableWriter("t.jsonl", "error", "jsonl"))  # type: ignore[arg-type]
    _refused(lambda: newswiki.dask.read_dataframe(str(EVENT), "evnets"))  # type: ignore[arg-type]
    _refused(lambda: newswiki.dask.read(str(EVENT), on_error="colect"))  # type: ignore[arg-type]
    # The rows of a table are typed by its name; an error's kind by ErrorKind.
    FileError("x.md", "pasre", "m")  # type: ignore[arg-type]  # (checked by mypy only)
    _refused(lambda: rows(event)["evnets"])  # type: ignore[typeddict-item]
    misspelled: Rows = {"evnets": []}  # type: ignore[typeddict-unknown-key]
    assert "evnets" in misspelled
    kind: Literal["parse"] = error_row(FileError("x.md", "parse", "m"))["kind"]  # type: ignore[assignment]
    assert kind == "parse"


def hypothesis_strategies() -> None:
    assert_type(strategies.events(), SearchStrategy[Event])
    assert_type(strategies.articles(), SearchStrategy[Article])
    assert_type(strategies.event_texts(), SearchStrategy[str])
    assert_type(strategies.article_texts(), SearchStrategy[str])
    assert_type(strategies.sources(), SearchStrategy[Source])
    assert_type(strategies.related_events(), SearchStrategy[RelatedEvent])
    assert_type(strategies.sections(), SearchStrategy[tuple[Section, ...]])
    assert_type(strategies.blocks(), SearchStrategy[Block])
    assert_type(strategies.paragraphs(), SearchStrategy[str])
    assert_type(strategies.lines(), SearchStrategy[str])


def json_parts(event: Event) -> None:
    """The cattrs side of JSON, for one part at a time."""
    data = convert.converter.unstructure(event.sources[0], Source)
    assert_type(convert.structure(data, Source), Source)
    assert_type(convert.KINDS["event"], type[Any])
    assert_type(grammar.cache_dir(), str | None)


def main() -> None:
    """Run every check (``tests/test_typing.py`` does)."""
    event, article = reading()
    fields(event, article)
    writing(event, article)
    errors()
    text_helpers(event)
    corpora()
    tables(event, article)
    scale_out()
    mistakes(event)
    hypothesis_strategies()
    json_parts(event)
