"""newswiki.dask: bags of documents and dataframes of rows, on the local process scheduler."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dask
import pandas as pd
import pyarrow.parquet as pq
import pytest

import newswiki
import newswiki.dask
from newswiki.corpus import Corpus, walk
from newswiki.tabular import from_row, schema

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


def test_on_the_local_multiprocessing_scheduler(archive: list[Path], tmp_path: Path) -> None:
    bag = newswiki.dask.read(tmp_path, include_path=True, on_error="collect", files_per_partition=2)
    frame = newswiki.dask.read_dataframe(tmp_path, "sections", on_error="collect")
    errors = newswiki.dask.read_dataframe(tmp_path, "errors")
    on_processes = {"scheduler": "processes", "num_workers": 2}
    pairs = bag.compute(**on_processes)
    sections, failed = dask.compute(frame, errors, **on_processes)  # one pool for both
    assert [Path(p).name for p, _ in pairs] == ["event.md"] * 7 + ["aktobe.txt"]
    assert [doc for _, doc in pairs] == [newswiki.load(p) for p in archive] + [
        newswiki.loads(ARTICLE)
    ]
    assert len(sections) == 6
    assert [Path(p).name for p in failed["path"]] == ["broken.md"]


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
        newswiki.dask.read(str(tmp_path / "news" / "**" / "*.md"), exclude=()).compute()


def test_bag_with_paths_and_aggregations(archive: list[Path], tmp_path: Path) -> None:
    bag = newswiki.dask.read(
        [tmp_path / "news", tmp_path / "wiki" / "aktobe.txt"], include_path=True
    )
    pairs = bag.compute()
    assert [Path(p).name for p, _ in pairs] == ["event.md"] * 7 + ["aktobe.txt"]
    assert pairs[-1][1] == newswiki.loads(ARTICLE)
    kinds = bag.map(lambda pair: type(pair[1]).__name__).frequencies().compute()
    assert sorted(kinds) == [("Article", 1), ("Event", 7)]


def test_bad_files_raise_or_are_skipped(archive: list[Path], tmp_path: Path) -> None:
    with pytest.raises(newswiki.ParseError) as raised:
        newswiki.dask.read(tmp_path / "wiki").compute()
    assert raised.value.filename.endswith("broken.md")
    assert raised.value.line == 1
    assert newswiki.dask.read(tmp_path / "wiki", on_error="collect").count().compute() == 1
    lenient = newswiki.dask.read(tmp_path / "wiki", strict=False).compute()
    assert isinstance(lenient[1], newswiki.UnparsedDocument)


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


def test_the_four_tables_in_one_pass(
    archive: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[int] = []
    loads = newswiki.dask.loads

    def counting(data: bytes, **options: bool) -> object:
        parsed.append(1)
        return loads(data, **options)

    monkeypatch.setattr(newswiki.dask, "loads", counting)
    tables = newswiki.dask.read_tables(tmp_path, files_per_partition=4)
    assert list(tables) == ["events", "articles", "sections", "errors"]
    events, articles, sections, errors = dask.compute(*tables.values())
    assert len(parsed) == 9  # every file once: 7 events, an article, a broken file
    assert (len(events), len(articles), len(sections), len(errors)) == (7, 1, 6, 1)
    assert list(errors["kind"]) == ["parse"]
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
