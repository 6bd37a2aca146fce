"""Scale out on Dask: bags of parsed documents and dataframes of their rows.

Needs the optional extra ``dask``.  Paths may be local or any
filesystem `fsspec <https://filesystem-spec.readthedocs.io>`_ knows (``s3://``, ``gs://``,
``hdfs://`` ...); the files are listed once, here, and read by the workers, a partition of
``files_per_partition`` whole files at a time.

>>> import newswiki.dask
>>> bag = newswiki.dask.read("examples/*.md")
>>> [event.date.isoformat() for event in bag.compute()]
['2016-07-18']

A file that gives no document does not stop the computation: it is left out of the documents
and kept as an error (``on_error="collect"``, the default of every function that reads a
corpus), which :func:`read_with_errors` and the ``errors`` table give back.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from newswiki.errors import ParseError
from newswiki.graph import _Facts, _facts
from newswiki.model import Document
from newswiki.parallel import FileError
from newswiki.parse import loads
from newswiki.tabular import (
    TABLES,
    Table,
    TopicPart,
    TopicTable,
    _by_table,
    _topic_part,
    error_row,
    rows,
    schema,
    to_arrow,
)
from newswiki.walk import (
    _GLOB_MAGIC,
    DEFAULT_EXCLUDE,
    DEFAULT_INCLUDE,
    Unreadable,
    _as_file,
    _matcher,
    natural_key,
    walk,
)

if TYPE_CHECKING:
    import dask.bag
    import dask.dataframe

__all__ = [
    "DEFAULT_FILES_PER_PARTITION",
    "Read",
    "list_files",
    "read",
    "read_dataframe",
    "read_tables",
    "read_with_errors",
    "write_tables",
]

#: Files per partition: a few MB of text, a fraction of a second of parsing.
DEFAULT_FILES_PER_PARTITION = 512

OnError = Literal["raise", "collect"]


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise ImportError(
            f"newswiki.dask needs {name}: pip install 'dask[bag,dataframe]' pyarrow"
            " (the 'dask' extra of newswiki)"
        ) from error


def _sort_key(path: str) -> tuple[tuple[tuple[object, ...], str], ...]:
    return tuple(natural_key(part) for part in path.split("/"))


def _check_on_error(on_error: str) -> None:
    if on_error not in ("raise", "collect"):
        raise ValueError(f"on_error must be 'raise' or 'collect', not {on_error!r}")


def _root(urlpath: str) -> str:
    """The part of ``urlpath`` before its first glob character, cut at a ``/``."""
    magic = _GLOB_MAGIC.search(urlpath)
    if magic is None:
        return urlpath
    return urlpath[: urlpath.rfind("/", 0, magic.start()) + 1]


def _as_named(root: str, stripped_root: str, path: str) -> str:
    """``path`` (as the filesystem spells it) as the user spelled the argument it came from:
    ``news/x.md`` for ``news``, not ``/home/me/news/x.md``."""
    if not path.startswith(stripped_root):
        return path
    rest = path[len(stripped_root) :]
    if root.endswith("/") and rest.startswith("/"):
        rest = rest[1:]
    elif rest and not rest.startswith("/") and not root.endswith("/"):
        return path  # a sibling that only shares the prefix (news2 beside news)
    return root + rest


def _listing(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    include: Sequence[str],
    exclude: Sequence[str],
    storage_options: dict[str, Any] | None,
) -> tuple[Any, list[tuple[str, str]]]:
    """The filesystem, and ``(path on it, path as named)`` for every file of ``urlpath``."""
    fsspec_core = _import("fsspec.core")
    arguments = [
        os.fspath(p) for p in ([urlpath] if isinstance(urlpath, (str, os.PathLike)) else urlpath)
    ]
    included, excluded = _matcher(include), _matcher(exclude)
    local = _import("fsspec.implementations.local").LocalFileSystem
    fs: Any = None
    files: list[tuple[str, str]] = []
    for argument in arguments:
        fs, _, found = fsspec_core.get_fs_token_paths(
            argument, mode="rb", storage_options=storage_options
        )
        root = _root(argument)
        stripped_root = fs._strip_protocol(root) if root else ""
        globbed = _GLOB_MAGIC.search(argument) is not None
        on_disk = isinstance(fs, local)
        for path in sorted(found, key=_sort_key):
            if not fs.isdir(path):
                if not globbed or not excluded(path.rsplit("/", 1)[-1]):
                    # A local pipe is never opened (it would wait for a writer forever).
                    status = functools.partial(os.stat, path)
                    checked = _as_file(path, status) if on_disk else path
                    if checked is not None:
                        files.append((checked, _as_named(root, stripped_root, path)))
                continue
            if on_disk:  # the walk of every other route, bad paths and all
                inside = list(walk(path, include=include, exclude=exclude))
            else:
                inside = [
                    p
                    for p in fs.find(path)
                    if not any(part.startswith(".") for part in p[len(path) :].split("/"))
                    and included(p.rsplit("/", 1)[-1])
                    and not excluded(p.rsplit("/", 1)[-1])
                ]
            files.extend(
                (p, _as_named(root, stripped_root, p)) for p in sorted(inside, key=_sort_key)
            )
    if not files:
        raise FileNotFoundError(2, "No such file or directory", str(urlpath))
    return fs, files


def list_files(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    storage_options: dict[str, Any] | None = None,
) -> tuple[Any, list[str]]:
    """The filesystem and the files of ``urlpath`` (globs, folders or files), in natural order.

    Folders are searched recursively for ``include`` names that are not ``exclude`` names
    (as :func:`newswiki.corpus.walk` does); a glob takes the files it matches whose names are
    not ``exclude`` names (``news/*/*/*/*.md`` leaves out the day pages); files are taken as
    they are.  Paths are spelled as the arguments spell them, the same as
    :func:`newswiki.corpus.walk` and the ``newswiki`` command give them (``news/2016/x.md``
    for ``news``, ``s3://bucket/news/x.md`` for ``s3://bucket/news``), so the tables of every
    route join on ``path``.

    On a local disk, folders are walked by :func:`newswiki.corpus.walk` itself: what cannot
    be read as a file there (a folder that cannot be listed, a link that loops or leads
    nowhere, a named pipe) is listed too, and is that file's ``"read"`` error when read, as
    in every other route.

    Returns:
        ``(fs, paths)``: the ``fsspec`` filesystem and the paths.

    Raises:
        FileNotFoundError: nothing matches ``urlpath``.
    """
    fs, files = _listing(urlpath, include, exclude, storage_options)
    return fs, [named for _, named in files]


def _partitions(files: list[tuple[str, str]], size: int) -> list[list[tuple[str, str]]]:
    if not isinstance(size, int) or size < 1:
        raise ValueError(f"files_per_partition must be 1 or more, not {size!r}")
    return [files[i : i + size] for i in range(0, len(files), size)]


def _read_one(fs: Any, path: str, named: str, strict: bool) -> Document | FileError:
    if isinstance(path, Unreadable):
        return FileError(named, "read", path.message)
    try:
        with fs.open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        return FileError(named, "read", f"cannot read the file: {error.strerror or error}")
    try:
        return loads(data, strict=strict)
    except ParseError as error:
        return FileError.from_parse_error(named, error)


def _outcomes(files: list[tuple[str, str]], fs: Any, strict: bool) -> list[Any]:
    """One partition: ``(path, document or FileError)`` for each of its files, read once."""
    return [(named, _read_one(fs, path, named, strict)) for path, named in files]


def _documents(outcomes: Iterable[Any], on_error: OnError, include_path: bool) -> list[Any]:
    result: list[Any] = []
    for named, document in outcomes:
        if isinstance(document, FileError):
            if on_error == "raise":
                document.raise_()
            continue
        result.append((named, document) if include_path else document)
    return result


def _errors(outcomes: Iterable[Any]) -> list[FileError]:
    return [document for _, document in outcomes if isinstance(document, FileError)]


def _outcome_bag(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    strict: bool,
    files_per_partition: int,
    include: Sequence[str],
    exclude: Sequence[str],
    storage_options: dict[str, Any] | None,
) -> Any:
    """A bag of ``(path, document or FileError)``, what :func:`read` and
    :func:`read_with_errors` make their bags from."""
    bag = _import("dask.bag")
    fs, files = _listing(urlpath, include, exclude, storage_options)
    parts = _partitions(files, files_per_partition)
    # One partition per group of files: each reads and parses its files where it runs.
    groups = bag.from_sequence(parts, npartitions=len(parts))
    return groups.map(functools.partial(_outcomes, fs=fs, strict=strict)).flatten()


def read(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    strict: bool = True,
    on_error: OnError = "collect",
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
        on_error: ``"collect"`` (the default) leaves a file that gives no document out of the
            bag; :func:`read_with_errors` gives its :class:`~newswiki.corpus.FileError` in the
            same pass.  ``"raise"`` fails the computation at the first bad file, with its
            :class:`~newswiki.ParseError` (which names it).
        include_path: make the elements ``(path, document)`` pairs.
        files_per_partition: whole files per partition.
        include: file name patterns read inside folders.
        exclude: file name patterns skipped inside folders and in what globs match.
        storage_options: passed to ``fsspec`` (credentials, endpoints).

    Returns:
        A bag of :class:`~newswiki.Event` and :class:`~newswiki.Article` objects (with
        ``strict=False`` also :class:`~newswiki.UnparsedDocument` objects: a
        :data:`~newswiki.Document` each), or of ``(path, document)`` pairs with
        ``include_path=True``, ``path`` a ``str`` spelled as :func:`list_files` spells it.
        (``dask.bag.Bag`` takes no type parameter that could say so to a type checker.)

    Raises:
        ValueError: an unknown ``on_error``, or ``files_per_partition`` below 1.
        FileNotFoundError: nothing matches ``urlpath``.
    """
    _check_on_error(on_error)
    outcomes = _outcome_bag(urlpath, strict, files_per_partition, include, exclude, storage_options)
    documents: dask.bag.Bag = outcomes.map_partitions(
        _documents, on_error=on_error, include_path=include_path
    )
    return documents


class Read(NamedTuple):
    """The two bags of :func:`read_with_errors`, made from one reading of the files: compute
    them together (``dask.compute(*read)``) and each file is read and parsed once."""

    #: The documents, as :func:`read` gives them.
    documents: dask.bag.Bag
    #: A :class:`~newswiki.corpus.FileError` for each file that gave no document, in order.
    errors: dask.bag.Bag


def read_with_errors(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    strict: bool = True,
    include_path: bool = False,
    files_per_partition: int = DEFAULT_FILES_PER_PARTITION,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    storage_options: dict[str, Any] | None = None,
) -> Read:
    """The documents of the files at ``urlpath`` and the errors of the files that gave none:
    two bags from one pass over the files (those of :func:`read` with ``on_error="collect"``,
    and what it leaves out).

    >>> import dask
    >>> documents, errors = dask.compute(*read_with_errors(["examples", "README.md"]))
    >>> [type(document).__name__ for document in documents]
    ['Article', 'Event']
    >>> [(error.filename, error.kind, error.line) for error in errors]
    [('README.md', 'parse', 1)]

    Arguments as for :func:`read`.
    """
    outcomes = _outcome_bag(urlpath, strict, files_per_partition, include, exclude, storage_options)
    documents = outcomes.map_partitions(_documents, on_error="collect", include_path=include_path)
    return Read(documents, outcomes.map_partitions(_errors))


def _frame(items: Any, table: Table) -> Any:
    pandas = _import("pandas")
    return to_arrow(list(items), table).to_pandas(types_mapper=pandas.ArrowDtype)


def _tables(files: list[tuple[str, str]], fs: Any, strict: bool, on_error: OnError) -> Any:
    """One partition of :func:`read_tables`: the rows of every table but ``topics`` from one
    parse of each file, as pandas frames by table name, and its part of the ``topics`` table
    (see :class:`~newswiki.tabular.TopicTable`), which is joined from every partition's."""
    found: dict[Table, list[Mapping[str, Any]]] = {table: [] for table in TABLES}
    facts: list[tuple[str, _Facts | None]] = []  # what the topics table needs of each file
    for named, document in _outcomes(files, fs, strict):
        if isinstance(document, FileError):
            if on_error == "raise":
                document.raise_()
            found["errors"].append(error_row(document))
            continue
        for table, items in _by_table(rows(document, named)):
            found[table].extend(items)
        facts.append((named, _facts(document)))
    frames = {table: _frame(items, table) for table, items in found.items() if table != "topics"}
    return {**frames, "topics": _topic_part(facts, "parquet")}


def _topics(parts: list[TopicPart]) -> Any:
    """The ``topics`` table of :func:`read_tables`, from every partition's part."""
    table = TopicTable("parquet")
    for part in parts:
        table.add_part(part)
    return table.arrow().to_pandas(types_mapper=_import("pandas").ArrowDtype)


def read_tables(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    strict: bool = True,
    on_error: OnError = "collect",
    files_per_partition: int = DEFAULT_FILES_PER_PARTITION,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    storage_options: dict[str, Any] | None = None,
) -> dict[Table, dask.dataframe.DataFrame]:
    """The five tables of the files at ``urlpath`` as ``dask.dataframe.DataFrame`` objects
    by name (``events``, ``articles``, ``sections``, ``topics``, ``errors``), read in one
    pass: each partition parses its files once for all five, so computing them together
    (``dask.compute(*tables.values())``, or :func:`write_tables`) reads every file once.
    The ``topics`` table is one partition, joined from the part of it each partition makes
    (see :class:`~newswiki.tabular.TopicTable`), since a topic names an article of any file.

    The columns are those of :func:`newswiki.tabular.schema`, as pandas ``ArrowDtype``
    columns (nested lists and structs stay typed; :func:`write_tables` writes Parquet with
    the schema and metadata of ``newswiki convert``); ``path`` is spelled as the arguments
    spell it (see :func:`list_files`).  With ``on_error="collect"`` (the default) a file that
    gives no document is a row of ``errors``; with ``"raise"`` it fails the computation.
    Other arguments as for :func:`read`.
    """
    _check_on_error(on_error)
    pandas = _import("pandas")
    dataframe = _import("dask.dataframe")
    delayed = _import("dask").delayed
    fs, files = _listing(urlpath, include, exclude, storage_options)
    parts = [
        delayed(_tables, pure=True)(part, fs, strict, on_error)
        for part in _partitions(files, files_per_partition)
    ]
    frames: dict[Table, dask.dataframe.DataFrame] = {}
    for table in TABLES:
        meta = schema(table).empty_table().to_pandas(types_mapper=pandas.ArrowDtype)
        if table == "topics":  # one partition, from all: a topic names an article of any file
            made = [delayed(_topics, pure=True)([part["topics"] for part in parts])]
        else:
            made = [part[table] for part in parts]
        frames[table] = dataframe.from_delayed(made, meta=meta, verify_meta=False)
    return frames


def read_dataframe(
    urlpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    table: Table = "events",
    *,
    strict: bool = True,
    on_error: OnError = "collect",
    files_per_partition: int = DEFAULT_FILES_PER_PARTITION,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    storage_options: dict[str, Any] | None = None,
) -> dask.dataframe.DataFrame:
    """A ``dask.dataframe.DataFrame`` of the ``table`` rows of the files at ``urlpath``: one
    table of :func:`read_tables` (use that for several tables: it reads the files once).

    ``table`` is one of :data:`newswiki.tabular.TABLES`.  The ``errors`` table lists the
    files that gave no document whatever ``on_error`` says; for the other tables
    ``on_error`` says what a bad file does (see :func:`read`).
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}: expected one of {', '.join(TABLES)}")
    _check_on_error(on_error)
    collect: OnError = "collect" if table == "errors" else on_error
    return read_tables(
        urlpath,
        strict=strict,
        on_error=collect,
        files_per_partition=files_per_partition,
        include=include,
        exclude=exclude,
        storage_options=storage_options,
    )[table]


def write_tables(
    tables: Mapping[Table, dask.dataframe.DataFrame],
    urlpath: str | os.PathLike[str],
    *,
    storage_options: dict[str, Any] | None = None,
) -> None:
    """Write each table of :func:`read_tables` as Parquet to the folder ``URLPATH/NAME/``,
    one file per partition, all in one computation (every file of the corpus read once).

    The files have the schema of :func:`newswiki.tabular.schema` and its metadata (the table's
    name in ``newswiki.table``, the schema's version in ``newswiki.schema``), as the files of
    ``newswiki convert`` do; compressed with zstd, as theirs are.

    Args:
        tables: dataframes by table name, all of :func:`read_tables` or some of them.
        urlpath: the folder to write into, local or any filesystem ``fsspec`` knows.
        storage_options: passed to ``fsspec`` (credentials, endpoints).
    """
    dask, dataframe = _import("dask"), _import("dask.dataframe")
    writes = []
    for table, frame in tables.items():
        arrow = schema(table)
        writes.append(
            dataframe.to_parquet(
                frame,
                f"{os.fspath(urlpath).rstrip('/')}/{table}",
                write_index=False,
                compression="zstd",
                schema=arrow,
                custom_metadata=dict(arrow.metadata),
                storage_options=storage_options,
                compute=False,
            )
        )
    dask.compute(*writes)
