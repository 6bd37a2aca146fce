"""newswiki.dask: bags of documents and dataframes of rows.

Most tests compute in this process (dask's synchronous scheduler), where a test can count what
is read; the ``slow`` ones run on a ``dask.distributed`` LocalCluster of worker processes, as a
user's cluster would, documents and errors crossing back by pickle.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import dask
import pandas as pd
import pyarrow.parquet as pq
import pytest

import newswiki
import newswiki.dask
from newswiki import cli
from newswiki.corpus import Corpus, FileError, walk
from newswiki.tabular import TABLES, from_row, schema

DATA = Path(__file__).parent / "data"
EVENT = (DATA / "event-almaty-2016-07-18.md").read_bytes()
ARTICLE = (DATA / "article-aktobe-shootings.txt").read_bytes()


@pytest.fixture
def archive(tmp_path: Path) -> list[Path]:
    """Seven events in day folders (9 before 10), a day page, an article, a broken file."""
    paths = []
    for day in (1, 2, 9, 10, 11, 20, 30):
        path = tmp_path / "news" / "2016" / "07" / str(day) / "event.md"
        path.parent.mkdir(parents=True)
        path.write_bytes(EVENT.replace(b"2016-07-18", f"2016-07-{day:02d}".encode()))
        paths.append(path)
    (tmp_path / "news" / "2016" / "07" / "1" / "index.md").write_bytes(b"a day page\n")
    (tmp_path / "wiki").mkdir()
    (tmp_path / "wiki" / "aktobe.txt").write_bytes(ARTICLE)
    (tmp_path / "wiki" / "broken.md").write_bytes(b"### [2016-02-30](/x)\n\n# Hi\n")
    return paths


@pytest.fixture(autouse=True)
def synchronous() -> object:
    """Computations run in this process, but for the test that asks for worker processes."""
    with dask.config.set(scheduler="sync"):
        yield


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item for each text newswiki.dask parses, from here on."""
    parsed: list[int] = []
    loads = newswiki.dask.loads

    def counting(data: bytes, **options: bool) -> object:
        parsed.append(1)
        return loads(data, **options)

    monkeypatch.setattr(newswiki.dask, "loads", counting)
    return parsed


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """A LocalCluster of two worker processes, started once for the slow tests."""
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


@pytest.mark.slow
def test_on_a_local_cluster(archive: list[Path], tmp_path: Path, client: object) -> None:
    with dask.config.set(scheduler=client):
        bag = newswiki.dask.read(tmp_path, include_path=True, files_per_partition=2)
        frame = newswiki.dask.read_dataframe(tmp_path, "sections")
        errors = newswiki.dask.read_dataframe(tmp_path, "errors")
        pairs = bag.compute()
        sections, failed = dask.compute(frame, errors)
    assert [Path(p).name for p, _ in pairs] == ["event.md"] * 7 + ["aktobe.txt"]
    assert [doc for _, doc in pairs] == [newswiki.load(p) for p in archive] + [
        newswiki.loads(ARTICLE)
    ]
    assert len(sections) == 6
    assert [Path(p).name for p in failed["path"]] == ["broken.md"]


@pytest.mark.slow
def test_documents_and_errors_in_one_pass_on_a_local_cluster(
    archive: list[Path], tmp_path: Path, client: object
) -> None:
    with dask.config.set(scheduler=client):
        read = newswiki.dask.read_with_errors(tmp_path, files_per_partition=3)
        documents, errors = dask.compute(*read)
    assert documents == [newswiki.load(p) for p in archive] + [newswiki.loads(ARTICLE)]
    # The error crossed back from a worker process whole: kind, place, message, exception.
    (error,) = errors
    assert isinstance(error, FileError)
    assert (error.filename, error.kind, error.line, error.column) == (
        str(tmp_path / "wiki" / "broken.md"),
        "parse",
        1,
        6,
    )
    assert error.message == "expected a real calendar date YYYY-MM-DD, found '2016-02-30'"
    assert isinstance(error.exception, newswiki.ParseError)


@pytest.mark.slow
def test_tables_written_on_a_local_cluster_carry_the_schema_and_its_metadata(
    archive: list[Path], tmp_path: Path, client: object
) -> None:
    out = tmp_path / "tables"
    with dask.config.set(scheduler=client):
        newswiki.dask.write_tables(newswiki.dask.read_tables(tmp_path, files_per_partition=4), out)
    _check_written_tables(out, archive, tmp_path)


def _check_written_tables(out: Path, archive: list[Path], tmp_path: Path) -> None:
    """The four folders of write_tables hold the schema of ``newswiki convert``, its metadata
    (read from the files: as another reader sees them) and rows that make the documents."""
    assert sorted(p.name for p in out.iterdir()) == sorted(TABLES)
    for table in TABLES:
        read = pq.read_table(out / table)
        assert read.schema.equals(schema(table)), table
        assert read.schema.metadata[b"newswiki.table"] == table.encode()
        assert read.schema.metadata[b"newswiki.schema"] == b"2"
        part = sorted((out / table).iterdir())[0]
        footer = pq.read_metadata(part)
        assert footer.metadata[b"newswiki.table"] == table.encode()
        assert footer.row_group(0).column(0).compression == "ZSTD"
    events = sorted(pq.read_table(out / "events").to_pylist(), key=lambda row: row["date"])
    assert [from_row(row) for row in events] == [newswiki.load(p) for p in archive]
    (error,) = pq.read_table(out / "errors").to_pylist()
    assert (error["path"], error["kind"]) == (str(tmp_path / "wiki" / "broken.md"), "parse")


def test_bag_of_documents_in_order(archive: list[Path], tmp_path: Path) -> None:
    bag = newswiki.dask.read(str(tmp_path / "news" / "**" / "event.md"), files_per_partition=3)
    assert bag.npartitions == 3
    events = bag.compute()
    assert [e.date.day for e in events] == [1, 2, 9, 10, 11, 20, 30]
    assert events[0] == newswiki.loads(EVENT.replace(b"2016-07-18", b"2016-07-01"))
    # A folder skips the day pages (as newswiki.corpus.walk does), and so does a glob.
    assert newswiki.dask.read(tmp_path / "news").count().compute() == 7
    assert (
        newswiki.dask.read(str(tmp_path / "news" / "*" / "*" / "*" / "*.md")).count().compute() == 7
    )
    with pytest.raises(newswiki.ParseError, match=r"index\.md:1:1: expected"):
        newswiki.dask.read(
            str(tmp_path / "news" / "**" / "*.md"), exclude=(), on_error="raise"
        ).compute()


def test_bag_with_paths_and_aggregations(archive: list[Path], tmp_path: Path) -> None:
    bag = newswiki.dask.read(
        [tmp_path / "news", tmp_path / "wiki" / "aktobe.txt"], include_path=True
    )
    pairs = bag.compute()
    assert [Path(p).name for p, _ in pairs] == ["event.md"] * 7 + ["aktobe.txt"]
    assert pairs[-1][1] == newswiki.loads(ARTICLE)
    kinds = bag.map(lambda pair: type(pair[1]).__name__).frequencies().compute()
    assert sorted(kinds) == [("Article", 1), ("Event", 7)]


def test_bad_files_are_skipped_or_raise(archive: list[Path], tmp_path: Path) -> None:
    with pytest.raises(newswiki.ParseError) as raised:
        newswiki.dask.read(tmp_path / "wiki", on_error="raise").compute()
    assert raised.value.filename.endswith("broken.md")
    assert raised.value.line == 1
    assert newswiki.dask.read(tmp_path / "wiki").count().compute() == 1
    lenient = newswiki.dask.read(tmp_path / "wiki", strict=False).compute()
    # Its date line is set aside: the rest is read, an event without a date.
    assert isinstance(lenient[1], newswiki.UndatedEvent)
    assert lenient[1].headline == "Hi"


def test_dataframe_of_rows(archive: list[Path], tmp_path: Path) -> None:
    frame = newswiki.dask.read_dataframe(
        tmp_path, "events", on_error="collect", files_per_partition=4
    )
    assert list(frame.columns) == schema("events").names
    events = frame.compute()
    assert len(events) == 7
    assert isinstance(events["date"].dtype, pd.ArrowDtype)
    assert list(events["date"].astype(str)) == [
        f"2016-07-{d:02d}" for d in (1, 2, 9, 10, 11, 20, 30)
    ]
    sources = events["sources"].list.flatten().struct.field("name")
    assert sources.value_counts().to_dict() == {"RT": 7}
    assert frame["headline"].str.len().max().compute() == len(newswiki.loads(EVENT).headline)
    sections = newswiki.dask.read_dataframe(tmp_path / "wiki", "sections", on_error="collect")
    assert list(sections["title"].compute())[:2] == ["Background", "Shootings"]
    errors = newswiki.dask.read_dataframe(tmp_path, "errors").compute()
    assert [Path(p).name for p in errors["path"]] == ["broken.md"]
    assert list(errors["kind"]) == ["parse"]


def test_read_with_errors_reads_each_file_once(
    archive: list[Path], tmp_path: Path, parsed: list[int]
) -> None:
    read = newswiki.dask.read_with_errors(tmp_path / "wiki", include_path=True)
    documents, errors = dask.compute(read.documents, read.errors)
    assert len(parsed) == 2  # the article and the broken file, each once for both bags
    assert documents == [(str(tmp_path / "wiki" / "aktobe.txt"), newswiki.loads(ARTICLE))]
    assert [(e.filename, e.kind, e.line) for e in errors] == [
        (str(tmp_path / "wiki" / "broken.md"), "parse", 1)
    ]
    # Lenient: the broken date line is kept unparsed, and there is no error left to give.
    lenient, none = dask.compute(*newswiki.dask.read_with_errors(tmp_path / "wiki", strict=False))
    assert (len(lenient), none) == (2, [])


def test_every_reader_of_a_corpus_collects_by_default(
    archive: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readers = [
        Corpus.__init__,
        newswiki.dask.read,
        newswiki.dask.read_tables,
        newswiki.dask.read_dataframe,
    ]
    defaults = {
        f.__qualname__: inspect.signature(f).parameters["on_error"].default for f in readers
    }
    assert set(defaults.values()) == {"collect"}, defaults
    # What each gives for an archive with one broken file among nine: the eight documents,
    # and the error kept where that reader keeps errors.
    corpus = Corpus(tmp_path)
    assert len(list(corpus)) == 8
    assert [Path(e.filename).name for e in corpus.errors] == ["broken.md"]
    assert newswiki.dask.read(tmp_path).count().compute() == 8
    events = newswiki.dask.read_dataframe(tmp_path).compute()  # the default table: events
    assert len(events) == 7
    # The command goes on past the broken file too, and says so in its exit status.
    assert cli.main(["check", "--no-progress", str(tmp_path)]) == 1
    assert "broken.md:1:6: expected a real calendar date" in capsys.readouterr().out


def test_write_tables_carries_the_schema_and_its_metadata(
    archive: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "tables"
    newswiki.dask.write_tables(newswiki.dask.read_tables(tmp_path, files_per_partition=4), out)
    _check_written_tables(out, archive, tmp_path)
    # Some of the tables only: the folder holds those.
    events = newswiki.dask.read_dataframe(tmp_path / "news")
    newswiki.dask.write_tables({"events": events}, tmp_path / "more")
    assert [p.name for p in (tmp_path / "more").iterdir()] == ["events"]


def test_dataframe_to_parquet_keeps_the_schema(archive: list[Path], tmp_path: Path) -> None:
    frame = newswiki.dask.read_dataframe(tmp_path / "news", "events", files_per_partition=4)
    frame.to_parquet(tmp_path / "out", write_index=False)
    table = pq.read_table(tmp_path / "out")
    assert table.schema.field("related").type == schema("events").field("related").type
    rows = sorted(table.to_pylist(), key=lambda row: row["date"])
    assert [from_row(row) for row in rows] == [newswiki.load(p) for p in archive]


def test_arguments_are_checked(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        newswiki.dask.read(str(tmp_path / "*.md"))
    with pytest.raises(ValueError, match="on_error must be 'raise' or 'collect', not 'skip'"):
        newswiki.dask.read(tmp_path, on_error="skip")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown table"):
        newswiki.dask.read_dataframe(tmp_path, "people")
    (tmp_path / "a.md").write_bytes(EVENT)
    with pytest.raises(ValueError, match="files_per_partition"):
        newswiki.dask.read(tmp_path, files_per_partition=0)


def test_paths_are_spelled_as_in_every_other_route(
    archive: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same file has the same path in the CLI, the corpus API and here: tables join.
    monkeypatch.chdir(tmp_path)
    for argument in ("news", "news/", "./news", str(tmp_path / "news"), "news/*/*/*/*.md"):
        walked = list(walk(argument))
        _, listed = newswiki.dask.list_files(argument)
        assert listed == walked, argument
        frame = newswiki.dask.read_dataframe(argument, "events").compute()
        assert list(frame["path"]) == walked, argument
        pairs = newswiki.dask.read(argument, include_path=True).compute()
        assert [path for path, _ in pairs] == walked
    assert walked[0] == "news/2016/07/1/event.md"  # as written, relative
    errors = newswiki.dask.read_dataframe(["news", "wiki"], "errors").compute()
    assert list(errors["path"]) == ["wiki/broken.md"]
    corpus = Corpus("news", "wiki", on_error="collect")
    assert [path for path, _ in corpus][-1] == "wiki/aktobe.txt"
    assert [error.filename for error in corpus.errors] == list(errors["path"])


def test_the_five_tables_in_one_pass(
    archive: list[Path], tmp_path: Path, parsed: list[int]
) -> None:
    tables = newswiki.dask.read_tables(tmp_path, files_per_partition=4)
    assert list(tables) == ["events", "articles", "sections", "topics", "errors"]
    events, articles, sections, topics, errors = dask.compute(*tables.values())
    assert len(parsed) == 9  # every file once: 7 events, an article, a broken file
    assert (len(events), len(articles), len(sections), len(errors)) == (7, 1, 6, 1)
    assert list(errors["kind"]) == ["parse"]
    # Nine topics in each event; related items 1, 9 and 10 name the article.
    assert len(topics) == 7 * 9
    resolved = topics[topics["status"] == "resolved"]
    assert list(resolved["related"]) == [1, 9, 10] * 7
    assert set(resolved["article"]) == {str(tmp_path / "wiki" / "aktobe.txt")}
    assert list(topics["path"].drop_duplicates()) == list(events["path"])
    with pytest.raises(newswiki.ParseError):
        dask.compute(*newswiki.dask.read_tables(tmp_path, on_error="raise").values())


def test_without_dask_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.bag", None)  # an import of it raises ImportError
    with pytest.raises(ImportError, match=r"^newswiki.dask needs dask.bag: pip install 'dask\["):
        newswiki.dask.read(str(Path(__file__).parent / "data" / "*.md"))


def test_bad_paths_are_their_files_errors(tmp_path: Path, secret_folders: None) -> None:
    # As in every other route: the errors table names them, and a named pipe is never opened
    # (it would wait for a writer forever).
    (tmp_path / "a.md").write_bytes(EVENT)
    (tmp_path / "b-loop.md").symlink_to("b-loop.md")
    (tmp_path / "c-nowhere.md").symlink_to("nowhere")
    os.mkfifo(tmp_path / "d-pipe.md")
    (tmp_path / "e" / "secret").mkdir(parents=True)
    (tmp_path / "e" / "secret" / "f.md").write_bytes(EVENT)
    errors = newswiki.dask.read_tables(tmp_path)["errors"].compute()
    expected = [
        ("b-loop.md", "cannot read the file: Too many levels of symbolic links"),
        ("c-nowhere.md", "cannot read the file: No such file or directory"),
        ("d-pipe.md", "cannot read the file: it is a named pipe, not a regular file"),
        ("secret", "cannot read the folder: Permission denied"),
    ]
    globbed = newswiki.dask.read_tables(str(tmp_path / "*.md"))["errors"].compute()
    for found, count in ((errors, 4), (globbed, 3)):
        pairs = zip(found["path"], found["message"], strict=True)
        assert [(Path(path).name, message) for path, message in pairs] == expected[:count]
        assert list(found["kind"]) == ["read"] * count
    documents = newswiki.dask.read(tmp_path, on_error="collect").compute()
    assert documents == [newswiki.loads(EVENT)]
