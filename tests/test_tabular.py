"""newswiki.tabular: rows, the Arrow schema, Parquet and JSON Lines, and the way back."""

from __future__ import annotations

import datetime
import errno
import json
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given

import newswiki
from newswiki import strategies
from newswiki.corpus import FileError
from newswiki.tabular import (
    SCHEMA_VERSION,
    TABLES,
    DatasetWriter,
    TableWriter,
    article_row,
    event_row,
    from_row,
    json_line,
    read_jsonl,
    rows,
    schema,
    section_rows,
    spark_schema,
    to_arrow,
    write_jsonl_parts,
)

DATA = Path(__file__).parent / "data"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
EVENT = newswiki.load(DATA / "event-almaty-2016-07-18.md")
ARTICLE = newswiki.load(DATA / "article-aktobe-shootings.txt")
# An article with what the sample lacks: repeated infobox keys, lists, skipped levels.
TRICKY = newswiki.loads(
    "= T =\n\nInfobox\n- Date: 2016\n- Date: 2017\n- Image:\n\n- a list\n- in the lead\n\n"
    "==A==\n====Deep====\ntext\n===Less deep===\n==B==\n* star\n\nafter\n"
)
LENIENT = newswiki.loads(
    b"### [2016-06-05](/news/2016/06/05/index.md)\n\n# Hi\n\n# bad line\n\nbody\n", strict=False
)


def json_round_trip(row: dict[str, Any]) -> Any:
    return from_row(json.loads(json_line(row)))


def arrow_round_trip(row: dict[str, Any], table: str) -> Any:
    return from_row(to_arrow([row], table).to_pylist()[0])


def check_round_trips(document: Any, row: dict[str, Any], table: str) -> None:
    """A document's row reads back equal through JSON Lines and Arrow (its texts hold no
    lone surrogate: the model refuses them)."""
    assert json_round_trip(row) == document
    assert arrow_round_trip(row, table) == document


def test_event_row_columns_and_values() -> None:
    row = event_row(EVENT, "news/x.md")
    assert list(row) == schema("events").names
    assert row["path"] == "news/x.md"
    assert row["day_path"] == "/news/2016/07/18/index.md"
    assert row["topics"] == ["2016 shooting of Almaty police officers"]
    assert row["sources"] == [{"name": "RT", "url": EVENT.sources[0].url}]
    assert row["related"][8]["date"] == datetime.date(2016, 6, 7)
    assert row["related"][0]["context"] == ["Kazakhstan", "policemen"]


def test_article_and_section_rows() -> None:
    row = article_row(TRICKY, "t.txt")
    assert list(row) == schema("articles").names
    assert row["infobox"] == [
        {"key": "Date", "value": "2016"},
        {"key": "Date", "value": "2017"},
        {"key": "Image", "value": ""},
    ]
    assert row["lead"] == [{"text": None, "items": ["a list", "in the lead"]}]
    assert [(s["level"], s["title"]) for s in row["sections"]] == [
        (2, "A"),
        (4, "Deep"),
        (3, "Less deep"),
        (2, "B"),
    ]
    sections = section_rows(TRICKY, "t.txt")
    assert list(sections[0]) == schema("sections").names
    assert [(s["index"], s["parent"], s["heading_path"]) for s in sections] == [
        (0, None, ["A"]),
        (1, 0, ["A", "Deep"]),
        (2, 0, ["A", "Less deep"]),
        (3, None, ["B"]),
    ]
    assert sections[3]["text"] == "- star\n\nafter"
    assert article_row(newswiki.Article(title="No box"))["infobox"] is None


@pytest.mark.parametrize(
    ("document", "table"),
    [(EVENT, "events"), (LENIENT, "events"), (ARTICLE, "articles"), (TRICKY, "articles")],
    ids=["event", "lenient-event", "article", "tricky-article"],
)
def test_rows_structure_back_to_equal_objects(document: Any, table: str) -> None:
    row = rows(document, "f")[table][0]
    assert json_round_trip(row) == document
    assert arrow_round_trip(row, table) == document
    back = json_round_trip(row)
    assert newswiki.dumps(back) == newswiki.dumps(newswiki.canonical(document))


def test_lenient_rows_keep_unparsed_lines() -> None:
    (unparsed,) = event_row(LENIENT)["unparsed"]
    assert unparsed["text"] == "\n# bad line"
    assert unparsed["diagnostic"] == {
        "line": 5,
        "column": 1,
        "expected": "a paragraph, a `### Source:` line, a `### Related:` line or the end of the"
        " file",
        "found": "'# bad line'",
    }
    for back in (
        json_round_trip(event_row(LENIENT)),
        arrow_round_trip(event_row(LENIENT), "events"),
    ):
        assert back.unparsed == LENIENT.unparsed
        # A diagnostic takes no part in ==: compare it on its own.
        assert [u.diagnostic for u in back.unparsed] == [u.diagnostic for u in LENIENT.unparsed]


@given(strategies.events())
def test_any_event_round_trips(event: newswiki.Event) -> None:
    check_round_trips(event, event_row(event), "events")


@given(strategies.articles())
def test_any_article_round_trips(article: newswiki.Article) -> None:
    check_round_trips(article, article_row(article), "articles")


def test_from_row_refuses_bad_rows() -> None:
    row = event_row(EVENT)
    with pytest.raises(ValueError, match="extra fields found \\(colour\\)"):
        from_row({**row, "colour": "red"})
    with pytest.raises(ValueError, match=re.escape("required field missing @ $.date")):
        from_row({k: v for k, v in row.items() if k != "date"})
    with pytest.raises(ValueError, match="'events' or 'articles' row"):
        from_row(section_rows(ARTICLE)[0])
    with pytest.raises(ValueError, match="either 'text' or 'items'"):
        from_row(article_row(ARTICLE) | {"lead": [{"text": "a", "items": ["b"]}]})
    with pytest.raises(ValueError, match="must be a single line"):
        from_row(row | {"headline": "two\nlines"})
    with pytest.raises(ValueError, match="a row is a dict"):
        from_row([])  # type: ignore[arg-type]


def test_unparsed_documents_and_errors_go_to_the_errors_table() -> None:
    found = rows(newswiki.loads(b"hello\n", strict=False), "h.md")
    assert found == {
        "errors": [
            {
                "path": "h.md",
                "kind": "unparsed",
                "line": 1,
                "column": 1,
                "message": found["errors"][0]["message"],
            }
        ]
    }
    assert found["errors"][0]["message"].startswith("expected an event's date line")
    with pytest.raises(TypeError):
        rows("text")  # type: ignore[arg-type]


def test_undecodable_file_names_become_valid_text() -> None:
    row = event_row(EVENT, b"caf\xe9.md".decode("utf-8", "surrogateescape"))
    assert row["path"] == "caf\\xe9.md"
    to_arrow([row], "events")  # Arrow takes only valid UTF-8


def test_schema_metadata_and_errors() -> None:
    events = schema("events")
    assert events.metadata == {
        b"newswiki.table": b"events",
        b"newswiki.schema": SCHEMA_VERSION.encode(),
    }
    assert events.field("related").type.value_type.field("date").type == pa.date32()
    with pytest.raises(ValueError, match="unknown table"):
        schema("people")


def test_spark_schema() -> None:
    ddl = spark_schema("events")
    assert ddl.startswith("`path` STRING, `date` DATE, `day_path` STRING, `headline` STRING")
    assert "`sources` ARRAY<STRUCT<`name`: STRING, `url`: STRING>>" in ddl
    assert "`context`: ARRAY<STRING>>>" in ddl


def test_parquet_writer_round_trip_in_row_groups(tmp_path: Path) -> None:
    events = [EVENT, LENIENT, *(newswiki.canonical(EVENT) for _ in range(5))]
    target = tmp_path / "events.parquet"
    with TableWriter(target, "events", "parquet", batch_rows=3) as writer:
        writer.write(event_row(e, f"{i}.md") for i, e in enumerate(events))
    assert writer.rows == 7
    read = pq.ParquetFile(target)
    assert read.metadata.num_row_groups == 3
    assert read.schema_arrow == schema("events")
    assert [from_row(r) for r in read.read().to_pylist()] == events
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.parquet"]  # no temp left


def test_arrow_and_rows_mix_in_order_in_full_row_groups(tmp_path: Path) -> None:
    target = tmp_path / "events.parquet"
    made = [newswiki.canonical(EVENT)] * 5
    with TableWriter(target, "events", "parquet", batch_rows=4) as writer:
        writer.write([event_row(EVENT, "0.md")])
        writer.write_arrow(
            to_arrow([event_row(e, f"{i}.md") for i, e in enumerate(made, 1)], "events")
        )
        writer.write([event_row(LENIENT, "6.md")])
        assert writer.rows == 7
        with pytest.raises(ValueError, match="expected the schema of 'events'"):
            writer.write_arrow(to_arrow([], "errors"))
    read = pq.ParquetFile(target)
    assert [read.metadata.row_group(i).num_rows for i in range(read.num_row_groups)] == [4, 3]
    assert [row["path"] for row in read.read().to_pylist()] == [f"{i}.md" for i in range(7)]
    with pytest.raises(ValueError, match="writes Parquet"):
        TableWriter(tmp_path / "x.jsonl", "events", "jsonl").write_arrow(to_arrow([], "events"))


def test_row_groups_are_written_in_a_thread_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The caller goes on while a row group is encoded; the groups keep their order, and a
    # write that fails is raised to the caller and leaves no file.
    target = tmp_path / "events.parquet"
    writers: list[str] = []
    write_table = pq.ParquetWriter.write_table

    def spy(self: pq.ParquetWriter, table: pa.Table, **options: Any) -> None:
        writers.append(threading.current_thread().name)
        write_table(self, table, **options)

    monkeypatch.setattr(pq.ParquetWriter, "write_table", spy)
    with TableWriter(target, "events", "parquet", batch_rows=2) as writer:
        writer.write(event_row(EVENT, f"{i}.md") for i in range(5))
    assert len(writers) == 3
    assert all(name.startswith("newswiki-parquet") for name in writers)
    assert [row["path"] for row in pq.read_table(target).to_pylist()] == [
        f"{i}.md" for i in range(5)
    ]

    def full(self: pq.ParquetWriter, table: pa.Table, **options: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    failed = tmp_path / "failed.parquet"
    writer = TableWriter(failed, "events", "parquet", batch_rows=2)
    writer.write(event_row(EVENT, f"{i}.md") for i in range(2))  # handed to the thread
    with pytest.raises(OSError, match="No space left"):
        writer.close()
    assert not failed.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.parquet"]


def test_jsonl_writer_and_reader(tmp_path: Path) -> None:
    target = tmp_path / "articles.jsonl"
    with TableWriter(target, "articles", "jsonl") as writer:
        writer.write([article_row(ARTICLE, "a.txt")])
        writer.write_lines([json_line(article_row(TRICKY, "t.txt"))])
        writer.write_jsonl(json_line(article_row(ARTICLE)).encode("utf-8") + b"\n")
        writer.write_jsonl(b"")
        with pytest.raises(ValueError, match="must end with a newline"):
            writer.write_jsonl(b"{}")
    assert writer.rows == 3
    lines = target.read_bytes().split(b"\n")
    assert lines[-1] == b""
    assert len(lines) == 4
    assert "5\u201310 June 2016" in lines[0].decode("utf-8")  # UTF-8, not \\u escapes
    assert [from_row(r) for r in read_jsonl(target)] == [ARTICLE, TRICKY, ARTICLE]
    parquet = TableWriter(tmp_path / "x.parquet", "events", "parquet")
    with pytest.raises(ValueError, match="JSON Lines"):
        parquet.write_lines(["{}"])
    with pytest.raises(ValueError, match="JSON Lines"):
        parquet.write_jsonl(b"{}\n")
    parquet.abort()


def test_writer_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        TableWriter(tmp_path / "x", "events", "csv")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown table"):
        TableWriter(tmp_path / "x", "people", "jsonl")


def test_an_aborted_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "events.jsonl"
    target.write_bytes(b"old\n")

    def interrupted() -> None:
        with TableWriter(target, "events", "jsonl") as writer:
            writer.write([event_row(EVENT)])
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.jsonl"]


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_dataset_writer_writes_every_table(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    with DatasetWriter(out, fmt) as writer:  # type: ignore[arg-type]
        writer.add("e.md", EVENT)
        if fmt == "parquet":
            found = rows(ARTICLE, "a.txt")
            writer.add_arrow({table: to_arrow(items, table) for table, items in found.items()})
        else:
            writer.add("a.txt", ARTICLE)
        writer.add_error(FileError("bad.md", "parse", "expected a headline", 3, 1))
    assert writer.counts == {
        "events": 1,
        "articles": 1,
        "sections": 6,
        "topics": 9,  # the sample event's (see test_graph.py for what they resolve to)
        "errors": 1,
    }
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.{fmt}" for t in TABLES)
    if fmt == "parquet":
        errors = pq.read_table(out / "errors.parquet").to_pylist()
    else:
        errors = list(read_jsonl(out / "errors.jsonl"))
    assert errors == [
        {
            "path": "bad.md",
            "kind": "parse",
            "line": 3,
            "column": 1,
            "message": "expected a headline",
        }
    ]


def _copy_range_that(failure: str) -> Any:
    """``os.copy_file_range`` as a system where it fails ``failure``'s way has it."""
    real = os.copy_file_range

    def copy_range(source: int, target: int, count: int) -> int:
        if failure == "part way" and os.lseek(source, 0, os.SEEK_CUR) == 0:
            return real(source, target, 5)  # some bytes, then the error
        raise OSError(
            {"across file systems": errno.EXDEV, "part way": errno.EINVAL}.get(
                failure, errno.ENOSPC
            ),
            failure,
        )

    return copy_range


@pytest.mark.parametrize(
    "copying", ["in the kernel", "across file systems", "part way", "without copy_file_range"]
)
def test_parts_of_json_lines_are_appended_in_order_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copying: str
) -> None:
    if copying == "without copy_file_range":
        monkeypatch.delattr(os, "copy_file_range")
    elif copying != "in the kernel":
        monkeypatch.setattr(os, "copy_file_range", _copy_range_that(copying))
    out = tmp_path / "out"
    with DatasetWriter(out, "jsonl") as writer:
        folder = writer.parts_folder()
        assert Path(folder).parent == out
        assert Path(folder).name.startswith(".")
        first = write_jsonl_parts(folder, {"events": ['{"n":1}', '{"n":2}'], "errors": ['{"e":1}']})
        second = write_jsonl_parts(folder, {"events": ['{"n":3}'], "articles": []})
        assert set(first) == {"events", "errors"}
        assert set(second) == {"events"}
        assert first["events"][1] == 2
        writer.add_error(FileError("bad.md", "read", "gone"))  # written here, between the parts
        writer.add_jsonl_parts(first)
        writer.add_jsonl_parts(second)
        assert os.listdir(folder) == []
    assert writer.counts == {"events": 3, "articles": 0, "sections": 0, "topics": 0, "errors": 2}
    assert (out / "events.jsonl").read_bytes() == b'{"n":1}\n{"n":2}\n{"n":3}\n'
    assert (out / "errors.jsonl").read_bytes() == (
        b'{"path":"bad.md","kind":"read","line":null,"column":null,"message":"gone"}\n{"e":1}\n'
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.jsonl" for t in TABLES)


def test_a_part_that_cannot_be_appended_fails_the_tables_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "copy_file_range", _copy_range_that("disk full"))
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"), DatasetWriter(out, "jsonl") as writer:
        writer.add_jsonl_parts(write_jsonl_parts(writer.parts_folder(), {"events": ['{"n":1}']}))
    assert list(out.iterdir()) == []
    parquet = TableWriter(out / "events.parquet", "events", "parquet")
    with pytest.raises(ValueError, match="append_jsonl_file\\(\\) writes JSON Lines"):
        parquet.append_jsonl_file(out / "events.jsonl", 1)
    parquet.abort()


def test_empty_tables_still_carry_their_schema(tmp_path: Path) -> None:
    with DatasetWriter(tmp_path, "parquet"):
        pass
    for table in TABLES:
        read = pq.read_table(tmp_path / f"{table}.parquet")
        assert read.num_rows == 0
        assert read.schema == schema(table)


def test_every_column_is_documented() -> None:
    # docs/cli.md has a table per newswiki table, one row per column: | `name` | type | ...
    text = DOCS.read_text(encoding="utf-8")
    for table in TABLES:
        section = text.split(f"### `{table}`", 1)[1].split("\n### ", 1)[0]
        documented = re.findall(r"^\| `([\w.]+)` \|", section, re.MULTILINE)
        top = [name for name in documented if "." not in name]
        assert top == schema(table).names, table


def test_without_pyarrow_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # an import of it raises ImportError
    newswiki.tabular._schema.cache_clear()  # schemas made by earlier tests would be returned
    with pytest.raises(ImportError, match=r"^Arrow and Parquet output need pyarrow: pip install"):
        newswiki.tabular.schema("events")
