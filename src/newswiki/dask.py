"""Scale out on Dask: bags of parsed documents and dataframes of their rows.

Needs the optional extra ``pip install 'newswiki[dask]'``.  Paths may be local or any
filesystem `fsspec <https://filesystem-spec.readthedocs.io>`_ knows (``s3://``, ``gs://``,
``hdfs://`` ...); the files are listed once, here, and read by the workers, a partition of
``files_per_partition`` whole files at a time.

>>> import newswiki.dask
>>> bag = newswiki.dask.read("examples/*.md")
>>> [event.date.isoformat() for event in bag.compute()]
['2016-07-18']
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from newswiki.corpus import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, FileError, _matcher, natural_key
from newswiki.errors import ParseError
from newswiki.model import Document
from newswiki.parse import loads
from newswiki.tabular import TABLES, error_row, rows, schema, to_arrow

if TYPE_CHECKING:
    import dask.bag
    import dask.dataframe

__all__ = ["DEFAULT_FILES_PER_PARTITION", "list_files", "read", "read_dataframe"]

#: Files per partition: a few MB of text, a fraction of a second of parsing.
DEFAULT_FILES_PER_PARTITION = 512

OnError = Literal["raise", "skip"]


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(f"newswiki.dask needs {name}: pip install 'newswiki[dask]'") from error


def _sort_key(path: str) -> tuple[tuple[tuple[object, ...], str], ...]:
    return tuple(natural_key(part) for part in path.split("/"))


def list_files(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    storage_options: dict[str, Any] | None = None,
) -> tuple[Any, list[str]]:
    """The filesystem and the files of ``urlpath`` (globs, folders or files), in natural order.

    Folders are searched recursively for ``include`` names that are not ``exclude`` names
    (as :func:`newswiki.corpus.walk` does); files and glob matches are taken as they are.

    Returns:
        ``(fs, paths)``: the ``fsspec`` filesystem and the paths on it.

    Raises:
        FileNotFoundError: nothing matches ``urlpath``.
    """
    fsspec_core = _import("fsspec.core")
    paths_in = [
        os.fspath(p) for p in ([urlpath] if isinstance(urlpath, (str, os.PathLike)) else urlpath)
    ]
    fs, _, found = fsspec_core.get_fs_token_paths(
        paths_in, mode="rb", storage_options=storage_options
    )
    included, excluded = _matcher(include), _matcher(exclude)
    files: list[str] = []
    for path in sorted(found, key=_sort_key):
        if not fs.isdir(path):
            files.append(path)
            continue
        inside = [
            p
            for p in fs.find(path)
            if not any(part.startswith(".") for part in p[len(path) :].split("/"))
            and included(p.rsplit("/", 1)[-1])
            and not excluded(p.rsplit("/", 1)[-1])
        ]
        files.extend(sorted(inside, key=_sort_key))
    if not files:
        raise FileNotFoundError(2, "No such file or directory", str(urlpath))
    return fs, files


def _partitions(paths: list[str], size: int) -> list[list[str]]:
    if size < 1:
        raise ValueError(f"files_per_partition must be at least 1, not {size}")
    return [paths[i : i + size] for i in range(0, len(paths), size)]


def _read_one(fs: Any, path: str, strict: bool) -> Document | FileError:
    try:
        with fs.open(path, "rb") as file:
            data = file.read()
        return loads(data, strict=strict)
    except ParseError as error:
        return FileError.from_parse_error(path, error)
    except OSError as error:
        return FileError(path, "read", f"cannot read the file: {error.strerror or error}")


def _documents(
    paths: list[str], fs: Any, strict: bool, on_error: OnError, include_path: bool
) -> list[Any]:
    result: list[Any] = []
    for path in paths:
        document = _read_one(fs, path, strict)
        if isinstance(document, FileError):
            if on_error == "raise":
                document.raise_()
            continue
        result.append((path, document) if include_path else document)
    return result


def read(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    strict: bool = True,
    on_error: OnError = "raise",
    include_path: bool = False,
    files_per_partition: int = DEFAULT_FILES_PER_PARTITION,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    storage_options: dict[str, Any] | None = None,
) -> dask.bag.Bag:
    """A ``dask.bag.Bag`` of the documents of the files at ``urlpath``, in natural order.

    Args:
        urlpath: a glob (``"s3://bucket/news/*/*/*/*.md"``), a folder, a file, or a list.
        strict: strict or lenient parsing (see :func:`newswiki.loads`).
        on_error: ``"raise"`` fails the computation at the first bad file (its
            :class:`~newswiki.ParseError` names it); ``"skip"`` leaves bad files out (read
            them with ``read_dataframe(..., table="errors")``).
        include_path: make the elements ``(path, document)`` pairs.
        files_per_partition: whole files per partition.
        include: file name patterns read inside folders.
        exclude: file name patterns skipped inside folders.
        storage_options: passed to ``fsspec`` (credentials, endpoints).
    """
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', not {on_error!r}")
    bag = _import("dask.bag")
    fs, paths = list_files(
        urlpath, include=include, exclude=exclude, storage_options=storage_options
    )
    parts = _partitions(paths, files_per_partition)
    # One partition per group of files: each reads and parses its files where it runs.
    groups = bag.from_sequence(parts, npartitions=len(parts))
    read_group = functools.partial(
        _documents, fs=fs, strict=strict, on_error=on_error, include_path=include_path
    )
    documents: dask.bag.Bag = groups.map(read_group).flatten()
    return documents


def _frame(paths: list[str], fs: Any, table: str, strict: bool, on_error: OnError) -> Any:
    """One partition of :func:`read_dataframe`: the rows of ``table`` from ``paths``."""
    pandas = _import("pandas")
    found: list[Mapping[str, Any]] = []
    for path in paths:
        document = _read_one(fs, path, strict)
        if isinstance(document, FileError):
            if table == "errors":
                found.append(error_row(document))
            elif on_error == "raise":
                document.raise_()
            continue
        found.extend(rows(document, path).get(table, ()))
    return to_arrow(found, table).to_pandas(types_mapper=pandas.ArrowDtype)


def read_dataframe(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    table: str = "events",
    *,
    strict: bool = True,
    on_error: OnError = "raise",
    files_per_partition: int = DEFAULT_FILES_PER_PARTITION,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    storage_options: dict[str, Any] | None = None,
) -> dask.dataframe.DataFrame:
    """A ``dask.dataframe.DataFrame`` of the ``table`` rows of the files at ``urlpath``.

    ``table`` is one of :data:`newswiki.tabular.TABLES`; the columns are those of
    :func:`newswiki.tabular.schema`, as pandas ``ArrowDtype`` columns (nested lists and
    structs stay typed, and ``to_parquet`` writes the same schema as ``newswiki convert``).
    The ``errors`` table lists the files that gave no document; for the other tables
    ``on_error`` says what a bad file does (see :func:`read`).  Arguments as for :func:`read`.
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}: expected one of {', '.join(TABLES)}")
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', not {on_error!r}")
    pandas = _import("pandas")
    dataframe = _import("dask.dataframe")
    fs, paths = list_files(
        urlpath, include=include, exclude=exclude, storage_options=storage_options
    )
    meta = schema(table).empty_table().to_pandas(types_mapper=pandas.ArrowDtype)
    frame: dask.dataframe.DataFrame = dataframe.from_map(
        _frame,
        _partitions(paths, files_per_partition),
        args=(fs, table, strict, on_error),
        meta=meta,
        label=f"newswiki-{table}",
        enforce_metadata=False,
    )
    return frame
