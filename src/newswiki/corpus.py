"""Whole archives: walk folders in a stable order, parse files in parallel, link events.

An archive holds event files under ``news/YYYY/MM/D/*.md`` and articles beside them, often
millions of them.  This module reads such trees lazily:

- :func:`walk` yields file paths in a stable, natural order (``7`` before ``10``);
- :func:`map_files` runs a function over every file's bytes, in ``jobs`` worker processes,
  chunked, in order, and reports a failing file (even one whose worker process died) as a
  :class:`FileError` naming it instead of stopping or hanging;
- :class:`Corpus` yields ``(path, document)`` pairs, strict or lenient, raising at the first
  bad file or collecting the errors;
- :class:`CorpusIndex` resolves the ``### Related:`` links between event files, reports the
  dangling ones, and finds the events of a day and the articles of a title.

>>> from newswiki.corpus import Corpus
>>> for path, document in Corpus("examples"):
...     print(path, type(document).__name__)
examples/article-aktobe-shootings.txt Article
examples/event-almaty-2016-07-18.md Event
"""

from __future__ import annotations

import collections
import datetime
import fnmatch
import functools
import gc
import glob
import os
import pickle
import re
import signal
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, ClassVar, Generic, Literal, NoReturn, TypeAlias, TypeVar, cast, overload

import attrs

from newswiki.errors import DecodeError, ParseError
from newswiki.layout import position
from newswiki.model import Article, Document, Event, RelatedEvent
from newswiki.parse import loads

__all__ = [
    "DEFAULT_EXCLUDE",
    "DEFAULT_INCLUDE",
    "Batch",
    "Corpus",
    "CorpusError",
    "CorpusIndex",
    "Failed",
    "FileError",
    "Link",
    "LinkStatus",
    "Ok",
    "Outcome",
    "apply",
    "map_batches",
    "map_files",
    "natural_key",
    "walk",
]

T = TypeVar("T")
P = TypeVar("P")
R = TypeVar("R")
D = TypeVar("D", bound=Document)

#: File names :func:`walk` reads inside folders (shell patterns on the base name).
DEFAULT_INCLUDE: tuple[str, ...] = ("*.md", "*.txt")
#: File names :func:`walk` skips inside folders: the archive's day pages ``index.md`` (they
#: list a day's events and are in neither format).  Files named explicitly are always read.
DEFAULT_EXCLUDE: tuple[str, ...] = ("index.md",)
#: Files a worker process reads per task: large enough that inter-process traffic stays
#: small, small enough that the workers stay balanced and an interrupt is quick.
DEFAULT_CHUNKSIZE = 64

_DIGITS = re.compile(r"(\d+)")
_GLOB_MAGIC = re.compile(r"[*?[]")
# YYYY/MM/D/NAME at the end of a link or a file path: the day and month are not always padded.
_DATED_NAME = re.compile(r"(?:^|/)(\d{4})/(\d{1,2})/(\d{1,2})/([^/]+)\Z")

ErrorKind = Literal["parse", "decode", "read", "io", "crash", "internal", "unparsed"]


def natural_key(name: str) -> tuple[tuple[object, ...], str]:
    """The sort key of a file name in :func:`walk` order: digit runs compare as numbers.

    ``news/2016/06/7`` sorts before ``news/2016/06/10``; names equal as numbers (``07`` and
    ``7``) keep a stable order through the name itself.

    >>> sorted(["10.md", "9.md", "b.md", "a.md"], key=natural_key)
    ['9.md', '10.md', 'a.md', 'b.md']
    """
    parts = _DIGITS.split(name)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), name


def _path_key(path: str) -> tuple[tuple[tuple[object, ...], str], ...]:
    return tuple(natural_key(part) for part in path.split(os.sep))


def _matcher(patterns: Sequence[str]) -> Callable[[str], object]:
    if not patterns:
        return lambda name: None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns)).match


def walk(
    *paths: str | os.PathLike[str],
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
) -> Iterator[str]:
    """Yield the files under ``paths`` lazily, in a stable order.

    Each argument is a file (yielded as given, whatever its name), a folder (walked
    recursively: regular files whose names match ``include`` and not ``exclude`` are
    yielded, hidden names starting with ``.`` are skipped, links to folders are not followed)
    or a glob pattern (``news/2016/**/*.md``; ``**`` crosses folders; the pattern takes the
    place of ``include``, and the files it matches whose names match ``exclude`` are
    skipped, so ``news/*/*/*/*.md`` leaves out the day pages).  Paths are yielded as the
    arguments spell them (``news/2016/7/x.md`` for ``news``).  Arguments are taken in the
    order given; inside a folder or a glob, paths are in natural order (see
    :func:`natural_key`), so a run over the same tree always sees the files in the same
    order.

    Every argument is checked before anything is yielded.

    Raises:
        FileNotFoundError: an argument that is no file or folder, or a glob matching nothing.
    """
    roots: list[tuple[str, str]] = []
    for arg in dict.fromkeys(os.fspath(p) for p in paths):
        if os.path.isdir(arg):
            roots.append(("dir", arg))
        elif os.path.exists(arg):
            roots.append(("file", arg))
        elif _GLOB_MAGIC.search(arg) and glob.glob(arg, recursive=True):
            roots.append(("glob", arg))
        else:
            raise FileNotFoundError(2, "No such file or directory", arg)
    return _walk(roots, _matcher(include), _matcher(exclude))


def _walk(
    roots: list[tuple[str, str]],
    included: Callable[[str], object],
    excluded: Callable[[str], object],
) -> Iterator[str]:
    for kind, root in roots:
        if kind == "file":
            yield root
        elif kind == "glob":
            found = (
                p
                for p in glob.iglob(root, recursive=True)
                if not excluded(os.path.basename(p)) and os.path.isfile(p)
            )
            yield from sorted(found, key=_path_key)
        else:
            yield from _walk_dir(root, included, excluded)


def _walk_dir(
    root: str, included: Callable[[str], object], excluded: Callable[[str], object]
) -> Iterator[str]:
    # Depth first with an explicit stack: one folder's listing in memory at a time.
    stack: list[Iterator[os.DirEntry[str]]] = [_listing(root)]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
        elif entry.name.startswith("."):
            continue
        elif entry.is_dir(follow_symlinks=False):
            stack.append(_listing(entry.path))
        elif included(entry.name) and not excluded(entry.name) and entry.is_file():
            # Only regular files (or links to them): a pipe named like a file would block.
            yield entry.path


def _listing(folder: str) -> Iterator[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        listed = sorted(entries, key=lambda e: natural_key(e.name))
    return iter(listed)


@attrs.frozen
class FileError:
    """A file that gave no document: where, why, and (for text errors) the line and column.

    ``str(error)`` reads like a compiler message, ``FILE:LINE:COL: message`` (or
    ``FILE: message`` when there is no position), so editors can jump to it.
    """

    #: The file, as :func:`walk` gave it (the name :attr:`newswiki.ParseError.filename` and
    #: :class:`OSError` use too).
    filename: str
    #: ``"parse"`` (the text breaks the format), ``"decode"`` (not UTF-8), ``"read"`` (the
    #: file could not be read), ``"io"`` (the function applied to it met an operating-system
    #: error, e.g. ``newswiki fmt`` could not write it back), ``"crash"`` (the worker process
    #: died on it), ``"internal"`` (a bug) or ``"unparsed"`` (lenient parsing kept it as an
    #: :class:`~newswiki.UnparsedDocument`).
    kind: ErrorKind
    #: What went wrong, e.g. ``"expected a headline `# TEXT`, found 'Hello'"``.
    message: str
    #: 1-based line, or ``None``.
    line: int | None = None
    #: 1-based column, or ``None``.
    column: int | None = None
    #: The full text of a :class:`~newswiki.ParseError` (with the offending line and a caret),
    #: or a traceback for an internal error; else empty.
    detail: str = attrs.field(default="", eq=False, repr=False)
    #: The :class:`~newswiki.ParseError` itself, for parse and decode errors.
    exception: ParseError | None = attrs.field(default=None, eq=False, repr=False)

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.filename}: {self.message}"
        return f"{self.filename}:{self.line}:{self.column}: {self.message}"

    @classmethod
    def from_parse_error(cls, filename: str, error: ParseError) -> FileError:
        """The error for ``filename`` from a :class:`~newswiki.ParseError` raised reading it.

        The exception is kept plain: no context, cause or traceback, which could hold
        objects that do not pickle (a Lark parser), so the error crosses any process
        boundary, with or without tblib's pickling support.
        """
        error.with_filename(filename)
        error.__context__ = error.__cause__ = None
        error.__traceback__ = None
        kind: ErrorKind = "decode" if isinstance(error, DecodeError) else "parse"
        return cls(filename, kind, error.message, error.line, error.column, str(error), error)

    def raise_(self) -> NoReturn:
        """Raise this error: the :class:`~newswiki.ParseError` itself, else a
        :class:`CorpusError`."""
        if self.exception is not None:
            raise self.exception
        raise CorpusError(self)


class CorpusError(Exception):
    """A file of a corpus that could not be read, or whose worker process died.

    Attributes:
        error: the :class:`FileError` describing it.
    """

    def __init__(self, error: FileError) -> None:
        self.error = error
        super().__init__(str(error))

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.error,))


@attrs.frozen
class Ok(Generic[T]):
    """A file :func:`map_files` applied the function to, and what it returned.

    ``outcome.ok``, ``outcome.error is None`` and ``isinstance(outcome, Ok)`` all tell an
    :class:`Ok` from a :class:`Failed`, for type checkers too: after any of them, ``value``
    has the function's return type.
    """

    #: The file, as given.
    path: str
    #: What the function returned.
    value: T
    #: The file's size in bytes.
    size: int = 0
    #: Always ``True``.
    ok: ClassVar[Literal[True]] = True
    #: Always ``None``.
    error: ClassVar[None] = None


@attrs.frozen
class Failed:
    """A file that gave no value: it could not be read, or the function raised on it."""

    #: The file, as given.
    path: str
    #: Why it failed.
    error: FileError
    #: The file's size in bytes (0 when it could not be read).
    size: int = 0
    #: Always ``False``.
    ok: ClassVar[Literal[False]] = False
    #: Always ``None``.
    value: ClassVar[None] = None


#: What :func:`map_files` makes of one file: an :class:`Ok` holding the function's value, or
#: a :class:`Failed` holding the error that stopped it.
Outcome: TypeAlias = Ok[T] | Failed


def _available_cpus() -> int:
    """The number of CPUs this process may run on (what ``jobs=None`` uses)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - platforms without sched_getaffinity


def _run_one(func: Callable[[str, bytes], T], path: str) -> Outcome[T]:
    """Read ``path`` and apply ``func``; every exception becomes a :class:`FileError`."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        reason = error.strerror or str(error)
        return Failed(path, FileError(path, "read", f"cannot read the file: {reason}"))
    return apply(func, path, data)


def apply(func: Callable[[str, bytes], T], path: str, data: bytes) -> Outcome[T]:
    """``func(path, data)`` as :func:`map_files` runs it on one file, for bytes at hand (such
    as standard input): what it raises becomes the :attr:`Failed.error`."""
    try:
        value = func(path, data)
    except ParseError as error:
        return Failed(path, FileError.from_parse_error(path, error), size=len(data))
    except OSError as error:
        failure = FileError(path, "io", error.strerror or str(error))
        return Failed(path, failure, size=len(data))
    except Exception as error:
        message = f"internal error: {type(error).__name__}: {error}"
        failure = FileError(path, "internal", message, detail=traceback.format_exc())
        return Failed(path, failure, size=len(data))
    return Ok(path, value, size=len(data))


def _run_chunk(func: Callable[[str, bytes], T], chunk: list[str]) -> list[Outcome[T]]:
    return [_run_one(func, path) for path in chunk]


def _pack(outcomes: list[Outcome[T]], pack: Callable[[list[T]], P]) -> Batch[P]:
    values = [o.value for o in outcomes if o.ok]
    stripped: list[Outcome[None]] = [Ok(o.path, None, o.size) if o.ok else o for o in outcomes]
    try:
        packed = pack(values)
    except Exception as error:
        message = f"internal error: packing its chunk failed: {type(error).__name__}: {error}"
        failure = FileError("", "internal", message, detail=traceback.format_exc())
        stripped = [
            o if not o.ok else Failed(o.path, attrs.evolve(failure, filename=o.path), o.size)
            for o in stripped
        ]
        packed = pack([])
    return Batch(stripped, packed)


def _run_batch(
    func: Callable[[str, bytes], T], pack: Callable[[list[T]], P], chunk: list[str]
) -> Batch[P]:
    return _pack(_run_chunk(func, chunk), pack)


# Results cross back pickled by the worker itself, so that one value that does not pickle
# (a lock, a generator, an exception holding a parser) is that file's error, not the end
# of the run; the executor then only copies bytes.
_PROTOCOL = pickle.HIGHEST_PROTOCOL


def _shipped(
    task: Callable[[list[str]], R],
    sendable: Callable[[R], R],
    chunk: list[str],
) -> bytes:
    """``task(chunk)``, run in a worker process and pickled there (see :func:`_sendable`)."""
    result = task(chunk)
    try:
        return pickle.dumps(result, _PROTOCOL)
    except Exception:
        return pickle.dumps(sendable(result), _PROTOCOL)


def _unsent(outcome: Outcome[Any], error: Exception) -> Outcome[Any]:
    message = (
        "internal error: the result cannot be sent back from the worker process:"
        f" {type(error).__name__}: {error}"
    )
    return Failed(outcome.path, FileError(outcome.path, "internal", message), outcome.size)


def _sendable(outcomes: list[Outcome[T]]) -> list[Outcome[T]]:
    """The outcomes, those that do not pickle replaced by their file's error."""
    sendable = []
    for outcome in outcomes:
        try:
            pickle.dumps(outcome, _PROTOCOL)
        except Exception as error:
            outcome = _unsent(outcome, error)
        sendable.append(outcome)
    return sendable


def _sendable_batch(pack: Callable[[list[T]], P], batch: Batch[P]) -> Batch[P]:
    """The batch, its value made of no file when it does not pickle (each file says why)."""
    outcomes = batch.outcomes
    value = batch.value
    try:
        pickle.dumps(value, _PROTOCOL)
    except Exception as error:
        outcomes = [_unsent(o, error) if o.ok else o for o in outcomes]
        value = pack([])
    return Batch(_sendable(outcomes), value)


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the run and lets the workers
    # finish the chunk in hand (so ``fmt`` never leaves a file half replaced).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)


def _chunks(paths: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for path in paths:
        chunk.append(path)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check(jobs: int | None, chunksize: int) -> int:
    """The number of processes ``jobs`` asks for (``0`` and ``None``: one per CPU)."""
    if jobs is not None and (not isinstance(jobs, int) or jobs < 0):
        raise ValueError(f"jobs must be 0 (one per CPU) or more, not {jobs!r}")
    if not isinstance(chunksize, int) or chunksize < 1:
        raise ValueError(f"chunksize must be 1 or more, not {chunksize!r}")
    return jobs or _available_cpus()


def map_files(
    func: Callable[[str, bytes], T],
    paths: Iterable[str],
    *,
    jobs: int | None = 1,
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> Iterator[Outcome[T]]:
    """Apply ``func(path, data)`` to the bytes of every file, and yield the outcomes in order.

    With ``jobs=1`` everything runs in this process; otherwise ``jobs`` worker processes
    (``0`` or ``None``: one per CPU) take ``chunksize`` files at a time, a bounded number of
    chunks ahead, so memory stays flat however many paths come in.  ``func`` must be
    picklable (a module-level function or a :func:`functools.partial` of one).

    Nothing a file does stops the run: an unreadable file, a :class:`~newswiki.ParseError`,
    an :class:`OSError` or any other exception raised by ``func``, or a value that cannot be
    pickled back from its worker process, becomes the :attr:`Failed.error` of that file.
    When a worker process dies (a crash, the out-of-memory killer), the files of the
    unfinished chunks are run again one at a time, each in a fresh process, so the file that
    kills its worker is named (kind ``"crash"``) and the others still get their results.

    Raises:
        ValueError: ``jobs`` below 0 or ``chunksize`` below 1 (raised at once).
    """
    jobs = _check(jobs, chunksize)
    if jobs == 1:
        return (_run_one(func, path) for path in paths)
    task = functools.partial(_shipped, functools.partial(_run_chunk, func), _sendable)
    recover = functools.partial(_isolate_chunk, func)
    chunks = _map_parallel(task, recover, _chunks(paths, chunksize), jobs)
    return (outcome for chunk in chunks for outcome in chunk)


@attrs.frozen
class Batch(Generic[P]):
    """What :func:`map_batches` made of a chunk of files."""

    #: One outcome per file, in order, with its error or size (values are in :attr:`value`).
    outcomes: list[Outcome[None]]
    #: What ``pack`` made of the values of the files that succeeded, in order.
    value: P


def map_batches(
    func: Callable[[str, bytes], T],
    pack: Callable[[list[T]], P],
    paths: Iterable[str],
    *,
    jobs: int | None = 1,
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> Iterator[Batch[P]]:
    """:func:`map_files`, then ``pack`` the values of each chunk where they were made.

    ``pack(values)`` runs in the worker process on the values of a chunk's files, in order,
    so what travels back is one packed value per chunk (an Arrow table, a joined block of
    text) instead of many small objects: that is what keeps the parent process from becoming
    the bottleneck.  Errors are as in :func:`map_files`; the files of a chunk whose worker
    died are run again one at a time and packed here.  ``pack`` must be picklable too, and
    take an empty list (a chunk whose files all failed).  When ``pack`` raises, or its value
    cannot be pickled back, each file of the chunk gets that error and the value is
    ``pack([])``.

    Raises:
        ValueError: ``jobs`` below 0 or ``chunksize`` below 1 (raised at once).
    """
    jobs = _check(jobs, chunksize)
    chunks = _chunks(paths, chunksize)
    if jobs == 1:
        return (_run_batch(func, pack, chunk) for chunk in chunks)
    sendable = functools.partial(_sendable_batch, pack)
    task = functools.partial(_shipped, functools.partial(_run_batch, func, pack), sendable)
    recover = functools.partial(_isolate_batch, func, pack)
    return _map_parallel(task, recover, chunks, jobs)


def _map_parallel(
    task: Callable[[list[str]], bytes],
    recover: Callable[[list[str]], R],
    chunks: Iterator[list[str]],
    jobs: int,
) -> Iterator[R]:
    """``task(chunk)`` for every chunk in worker processes, in order, unpickled (see
    :func:`_shipped`); ``recover(chunk)`` for the chunks whose worker died."""
    window = jobs * 4
    pending: collections.deque[tuple[list[str], Future[bytes]]] = collections.deque()
    pool = _pool(jobs)
    try:
        while True:
            while len(pending) < window:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                pending.append((chunk, _submit(pool, task, chunk)))
            if not pending:
                return
            chunk, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                # Every unfinished chunk failed with it: run those again, file by file.
                pending.appendleft((chunk, future))
                unfinished = list(pending)
                pending.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                for chunk, future in unfinished:
                    if future.done() and future.exception() is None:
                        yield _unpickled(future.result())
                    else:
                        yield recover(chunk)
                pool = _pool(jobs)
                continue
            yield _unpickled(result)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _unpickled(data: bytes) -> Any:
    """A worker's result, unpickled with the garbage collector paused.

    Unpickling a chunk of documents makes tens of thousands of objects, which would set off
    the collector many times, each time walking every object the program holds: with it
    paused this takes a half to a third of the time, and the parent's share of a parallel run
    is mostly this.  Unpickling makes no garbage, so nothing waits for the collector.
    """
    if not gc.isenabled():
        return pickle.loads(data)
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        gc.enable()


def _submit(
    pool: ProcessPoolExecutor, task: Callable[[list[str]], bytes], chunk: list[str]
) -> Future[bytes]:
    try:
        return pool.submit(task, chunk)
    except BrokenProcessPool as error:
        # A worker died since the last result: this chunk joins the ones to run again.
        future: Future[bytes] = Future()
        future.set_exception(error)
        return future


def _isolate_chunk(func: Callable[[str, bytes], T], paths: list[str]) -> list[Outcome[T]]:
    """Run each file alone in a one-worker pool: the file whose worker dies is the culprit."""
    outcomes: list[Outcome[T]] = []
    task = functools.partial(_shipped, functools.partial(_run_chunk, func), _sendable)
    pool = _pool(1)
    try:
        for path in paths:
            try:
                outcomes.extend(_unpickled(pool.submit(task, [path]).result()))
            except BrokenProcessPool:
                message = "the worker process died while reading this file"
                outcomes.append(Failed(path, FileError(path, "crash", message)))
                pool.shutdown(wait=True)
                pool = _pool(1)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return outcomes


def _isolate_batch(
    func: Callable[[str, bytes], T], pack: Callable[[list[T]], P], paths: list[str]
) -> Batch[P]:
    return _pack(_isolate_chunk(func, paths), pack)


def _parse_file(strict: bool, path: str, data: bytes) -> Document:
    return loads(data, strict=strict)


class Corpus(Generic[D]):
    """The event and article files under some folders, files or globs, parsed on demand.

    Iterating yields ``(path, document)`` in :func:`walk` order, lazily; each iteration
    walks and parses again.  In strict mode (the default) the documents are
    :class:`~newswiki.Event` and :class:`~newswiki.Article` objects; with ``strict=False``
    text that breaks the format is kept as :class:`~newswiki.Unparsed` lines, and a file in
    neither format comes as an :class:`~newswiki.UnparsedDocument`.

    With ``on_error="raise"`` (the default) the first bad file stops the iteration: its
    :class:`~newswiki.ParseError` (naming the file) is raised, or a :class:`CorpusError`
    for a file that could not be read or whose worker died.  With ``on_error="collect"``
    bad files are skipped and their :class:`FileError` objects gathered in :attr:`errors`.

    Args:
        paths: files, folders and glob patterns (see :func:`walk`).
        strict: strict (``True``) or lenient (``False``) parsing.
        jobs: worker processes; ``1`` parses in this process, ``0`` (or ``None``) starts
            one per CPU.
        on_error: ``"raise"`` or ``"collect"``.
        include: file name patterns read inside folders.
        exclude: file name patterns skipped inside folders.
        chunksize: files a worker takes at a time.

    Every argument is checked at once, before any file is read.

    Raises:
        FileNotFoundError: a path that does not exist.
        ValueError: an unknown ``on_error``, ``jobs`` below 0, ``chunksize`` below 1.

    >>> corpus = Corpus("examples", "README.md", on_error="collect")
    >>> len(list(corpus)), [str(e) for e in corpus.errors]  # doctest: +ELLIPSIS
    (2, ["README.md:1:1: expected a date line ... found '# newswiki'"])
    """

    # A strict corpus yields events and articles; a lenient one also unparsed documents.
    @overload
    def __init__(
        self: Corpus[Event | Article],
        *paths: str | os.PathLike[str],
        strict: Literal[True] = True,
        jobs: int | None = 1,
        on_error: Literal["raise", "collect"] = "raise",
        include: Sequence[str] = DEFAULT_INCLUDE,
        exclude: Sequence[str] = DEFAULT_EXCLUDE,
        chunksize: int = DEFAULT_CHUNKSIZE,
    ) -> None: ...
    @overload
    def __init__(
        self: Corpus[Document],
        *paths: str | os.PathLike[str],
        strict: bool,
        jobs: int | None = 1,
        on_error: Literal["raise", "collect"] = "raise",
        include: Sequence[str] = DEFAULT_INCLUDE,
        exclude: Sequence[str] = DEFAULT_EXCLUDE,
        chunksize: int = DEFAULT_CHUNKSIZE,
    ) -> None: ...
    def __init__(
        self,
        *paths: str | os.PathLike[str],
        strict: bool = True,
        jobs: int | None = 1,
        on_error: Literal["raise", "collect"] = "raise",
        include: Sequence[str] = DEFAULT_INCLUDE,
        exclude: Sequence[str] = DEFAULT_EXCLUDE,
        chunksize: int = DEFAULT_CHUNKSIZE,
    ) -> None:
        if on_error not in ("raise", "collect"):
            raise ValueError(f"on_error must be 'raise' or 'collect', not {on_error!r}")
        _check(jobs, chunksize)
        self.roots = tuple(os.fspath(p) for p in paths)
        self.strict = strict
        self.jobs = jobs
        self.on_error = on_error
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.chunksize = chunksize
        #: The files that gave no document in the last iteration (``on_error="collect"``).
        self.errors: list[FileError] = []
        walk(*self.roots, include=self.include, exclude=self.exclude)  # check the paths now

    def __repr__(self) -> str:
        return f"Corpus({', '.join(map(repr, self.roots))}, strict={self.strict}, jobs={self.jobs})"

    def paths(self) -> Iterator[str]:
        """The files of the corpus, in order (see :func:`walk`)."""
        return walk(*self.roots, include=self.include, exclude=self.exclude)

    def map(self, func: Callable[[str, bytes], T]) -> Iterator[Outcome[T]]:
        """Apply ``func(path, data)`` to every file with this corpus' jobs (see
        :func:`map_files`)."""
        return map_files(func, self.paths(), jobs=self.jobs, chunksize=self.chunksize)

    def __iter__(self) -> Iterator[tuple[str, D]]:
        self.errors = []
        for outcome in self.map(functools.partial(_parse_file, self.strict)):
            if outcome.ok:
                # What the constructor's overloads promise: strict parsing gives no other.
                yield outcome.path, cast(D, outcome.value)
            elif self.on_error == "collect":
                self.errors.append(outcome.error)
            else:
                outcome.error.raise_()

    def index(self) -> CorpusIndex:
        """Read every file once and build the :class:`CorpusIndex` of the corpus.

        Only the facts the index needs travel back from the worker processes, not the
        documents.  Files that give no document are handled as ``on_error`` says.
        """
        index = CorpusIndex()
        self.errors = []
        for outcome in self.map(functools.partial(_index_facts, self.strict)):
            if outcome.error is not None:
                if self.on_error == "raise":
                    outcome.error.raise_()
                self.errors.append(outcome.error)
                index.add_error(outcome.error)
            elif outcome.value is not None:
                index._add_facts(outcome.path, outcome.value)
        return index


_Key = tuple[int, int, int, str]
# Where a related link sits in its file: 1-based line and column, when known.
_Place = tuple[int, int] | None
# What the index keeps of a document: ("event", date, [(link path, place)]) or
# ("article", title, ()).
_Facts = tuple[str, object, tuple[tuple[str, _Place], ...]]


def _facts(document: Document) -> _Facts | None:
    if isinstance(document, Event):
        targets = (r.path for r in document.related)
        return "event", document.date, tuple(zip(targets, _link_places(document), strict=True))
    if isinstance(document, Article):
        return "article", document.title, ()
    return None


def _link_places(event: Event) -> list[_Place]:
    """Where each related link of a parsed event starts in its file (its line, column 1)."""
    places: list[_Place] = []
    for related in event.related:
        span = position(related)
        places.append(None if span is None else (span.first, 1))
    return places


def _index_facts(strict: bool, path: str, data: bytes) -> _Facts | None:
    return _facts(loads(data, strict=strict))


def _dated_key(path: str) -> _Key | None:
    match = _DATED_NAME.search(path)
    if match is None:
        return None
    year, month, day, name = match.groups()
    return int(year), int(month), int(day), name


#: What became of a related link: it resolves to an event file, no event file of the corpus is
#: its target, or its target is a file of the corpus that does not parse.
LinkStatus = Literal["resolved", "missing", "unparsable"]


@attrs.frozen
class Link:
    """One ``### Related:`` line of an event file, and the file it points at.

    ``str(link)`` reads like a compiler message, ``FILE:LINE:COL: related link to PATH:
    why`` (without ``LINE:COL`` when the place is not known).
    """

    #: The event file holding the link.
    source: str
    #: Its 1-based position in the related list.
    number: int
    #: The link's path as written, e.g. ``/news/2016/06/7/slug.md``.
    target: str
    #: The corpus file it points at, or ``None`` when it is dangling.
    resolved: str | None
    #: 1-based line of the link in ``source`` (see :func:`newswiki.position`), when known.
    line: int | None = None
    #: 1-based column where the link's line starts (1), when the line is known.
    column: int | None = None
    #: For a link that is dangling because its target exists but does not parse: why.
    target_error: FileError | None = attrs.field(default=None, eq=False)

    @property
    def status(self) -> LinkStatus:
        """``"resolved"``, ``"missing"`` (no event file of the corpus is the target) or
        ``"unparsable"`` (the target is a file of the corpus that gives no event)."""
        if self.resolved is not None:
            return "resolved"
        return "missing" if self.target_error is None else "unparsable"

    @property
    def why(self) -> str:
        """What became of the link, in words."""
        if self.resolved is not None:
            return f"resolves to {self.resolved}"
        if self.target_error is None:
            return "no such event file"
        error = self.target_error
        where = "" if error.line is None else f" (line {error.line}, column {error.column})"
        return f"{error.filename} exists but does not parse{where}: {error.message}"

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}:{self.column}"
        return f"{where}: related link to {self.target}: {self.why}"

    def to_json(self) -> dict[str, object]:
        """The link as a JSON object (``newswiki links --format jsonl`` writes one a line)."""
        error = self.target_error
        return {
            "source": self.source,
            "line": self.line,
            "column": self.column,
            "number": self.number,
            "target": self.target,
            "status": self.status,
            "resolved": self.resolved,
            "target_file": None if error is None else error.filename,
            "target_error": None if error is None else str(error),
        }


class CorpusIndex:
    """The links between the events of a corpus, the events of each day, articles by title.

    A related link ``/news/YYYY/MM/D/NAME`` points at the event file whose path ends in
    ``YYYY/MM/D/NAME``, where day and month compare as numbers (``/06/7/`` and ``/06/07/``
    are the same day), or, for event files kept outside such folders, at the file named
    ``NAME`` whose event has that date.  A link to a file of the corpus that does not parse
    is dangling too, and says why (:attr:`Link.target_error`).  The index keeps paths and
    link targets, not documents, so it holds a few hundred bytes per event;
    :func:`newswiki.load` a path to get its document back.  Beyond memory, join the Parquet
    tables of ``newswiki convert`` instead (see the docs).

    Build one with :meth:`Corpus.index`, or with :meth:`add` (and :meth:`add_error`) from
    documents at hand.
    """

    def __init__(self) -> None:
        self._events: dict[_Key, str] = {}
        self._days: dict[datetime.date, list[str]] = {}
        self._articles: dict[str, list[str]] = {}
        self._links: list[tuple[str, tuple[tuple[str, _Place], ...]]] = []
        self._failed: dict[_Key, FileError] = {}
        self._backlinks: dict[str, list[Link]] | None = None
        #: Pairs ``(kept, ignored)`` of event files that claim the same link target.
        self.duplicates: list[tuple[str, str]] = []

    def __repr__(self) -> str:
        return f"<CorpusIndex: {self.events} events, {self.articles} articles>"

    @property
    def events(self) -> int:
        """How many event files were added."""
        return sum(len(paths) for paths in self._days.values())

    @property
    def articles(self) -> int:
        """How many article files were added."""
        return sum(len(paths) for paths in self._articles.values())

    def add(self, path: str | os.PathLike[str], document: Document) -> None:
        """Add the document read from ``path`` (an :class:`~newswiki.UnparsedDocument` is
        ignored)."""
        facts = _facts(document)
        if facts is not None:
            self._add_facts(os.fspath(path), facts)

    def add_error(self, error: FileError) -> None:
        """Add a file of the corpus that gave no document: links to it are dangling, and
        say that it exists but does not parse, and why."""
        key = _dated_key(error.filename.replace(os.sep, "/"))
        if key is not None:
            self._failed.setdefault(key, error)

    def _add_facts(self, path: str, facts: _Facts) -> None:
        self._backlinks = None
        kind, value, links = facts
        if kind == "article":
            assert isinstance(value, str)
            self._articles.setdefault(value, []).append(path)
            return
        assert isinstance(value, datetime.date)
        self._days.setdefault(value, []).append(path)
        self._links.append((path, links))
        name = path.replace(os.sep, "/")
        keys = {_dated_key(name), (value.year, value.month, value.day, name.rsplit("/", 1)[-1])}
        for key in keys:
            if key is None:
                continue
            kept = self._events.setdefault(key, path)
            if kept != path:
                self.duplicates.append((kept, path))

    def resolve(self, link: RelatedEvent | str) -> str | None:
        """The file of the event that ``link`` (a :class:`~newswiki.RelatedEvent` or its
        path) points at, or ``None`` when the corpus has none."""
        key = _dated_key(link.path if isinstance(link, RelatedEvent) else link)
        return None if key is None else self._events.get(key)

    def links(self) -> Iterator[Link]:
        """Every related link of every event, resolved, in the order the events were added."""
        for source, targets in self._links:
            for number, (target, place) in enumerate(targets, 1):
                resolved = self.resolve(target)
                failed = None
                if resolved is None:
                    key = _dated_key(target)
                    failed = None if key is None else self._failed.get(key)
                line, column = place or (None, None)
                yield Link(source, number, target, resolved, line, column, failed)

    def dangling(self) -> Iterator[Link]:
        """The links that point at no event file of the corpus."""
        return (link for link in self.links() if link.resolved is None)

    def backlinks(self, path: str | os.PathLike[str]) -> list[Link]:
        """The links that resolve to the event file ``path``: which events link to it, in the
        order the events were added."""
        if self._backlinks is None:
            found: dict[str, list[Link]] = {}
            for link in self.links():
                if link.resolved is not None:
                    found.setdefault(link.resolved, []).append(link)
            self._backlinks = found
        return list(self._backlinks.get(os.fspath(path), ()))

    def events_on(self, day: datetime.date | str) -> list[str]:
        """The event files of ``day`` (a date or ``"YYYY-MM-DD"``), in the order added."""
        if isinstance(day, str):
            day = datetime.date.fromisoformat(day)
        return list(self._days.get(day, ()))

    def days(self) -> list[datetime.date]:
        """Every day that has events, in order."""
        return sorted(self._days)

    def articles_titled(self, title: str) -> list[str]:
        """The article files whose title is exactly ``title``, in the order added."""
        return list(self._articles.get(title, ()))
