"""Running a function over many files, in worker processes, one outcome per file.

:func:`map_files` runs a function over every file's bytes, in ``jobs`` worker processes,
chunked, in order, and reports a failing file (even one whose worker process died) as a
:class:`FileError` naming it instead of stopping or hanging; :func:`map_batches` packs each
chunk's values where they were made.
"""

from __future__ import annotations

import collections
import errno
import functools
import gc
import os
import pickle
import signal
import stat
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, ClassVar, Generic, Literal, NoReturn, TypeAlias, TypeVar

import attrs

from newswiki.errors import DecodeError, ParseError, printable
from newswiki.walk import Unreadable

__all__ = [
    "DEFAULT_CHUNKSIZE",
    "Batch",
    "CorpusError",
    "ErrorKind",
    "Failed",
    "FileError",
    "Ok",
    "Outcome",
    "Tally",
    "apply",
    "map_batches",
    "map_failures",
    "map_files",
]

T = TypeVar("T")
P = TypeVar("P")
R = TypeVar("R")

#: Files a worker process reads per task: large enough that inter-process traffic stays
#: small, small enough that the workers stay balanced and an interrupt is quick.
DEFAULT_CHUNKSIZE = 64

#: Why a file gave no document: the :attr:`FileError.kind` of its error, and the ``kind``
#: column of the ``errors`` table (see :attr:`FileError.kind` for each).
ErrorKind = Literal["parse", "decode", "read", "io", "crash", "internal", "unparsed"]


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
        name = printable(self.filename)
        if self.line is None:
            return f"{name}: {self.message}"
        return f"{name}:{self.line}:{self.column}: {self.message}"

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
    if isinstance(path, Unreadable):  # the walk already knows why: never open it
        plain = str(path)
        return Failed(plain, FileError(plain, "read", path.message))
    try:
        data = _read(path)
    except OSError as error:
        reason = error.strerror or str(error)
        return Failed(path, FileError(path, "read", f"cannot read the file: {reason}"))
    return apply(func, path, data)


def _read(path: str) -> bytes:
    """The bytes of ``path``.  A named pipe named on the command line is read too (``<(...)``
    of the shell is one), but is opened without waiting for a writer: a stranger's pipe
    that a shell's ``*.md`` passed on would wait for one forever.  One that no writer had
    open is refused, rather than read as an empty file."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as file:
        os.set_blocking(fd, True)  # a writer that is there is waited for, as ever
        data = file.read()
        if not data and stat.S_ISFIFO(os.fstat(fd).st_mode):
            raise OSError(errno.EPIPE, "it is a named pipe that nothing was written to")
    return data


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


@attrs.frozen
class Tally:
    """What :func:`map_failures` made of a chunk of files."""

    #: The number of files.
    files: int
    #: Their size in bytes.
    size: int
    #: The files that failed, in order.
    failures: list[Failed]


def _tally(outcomes: list[Outcome[Any]]) -> Tally:
    failures = [outcome for outcome in outcomes if isinstance(outcome, Failed)]
    return Tally(len(outcomes), sum(outcome.size for outcome in outcomes), failures)


def _run_tally(func: Callable[[str, bytes], object], chunk: list[str]) -> Tally:
    return _tally(_run_chunk(func, chunk))


def _sendable_tally(tally: Tally) -> Tally:
    outcomes: list[Outcome[None]] = list(tally.failures)
    return attrs.evolve(tally, failures=[o for o in _sendable(outcomes) if isinstance(o, Failed)])


def _isolate_tally(func: Callable[[str, bytes], object], paths: list[str]) -> Tally:
    return _tally(_isolate_chunk(func, paths))


def map_failures(
    func: Callable[[str, bytes], object],
    paths: Iterable[str],
    *,
    jobs: int | None = 1,
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> Iterator[Tally]:
    """:func:`~newswiki.corpus.map_files` for a function run for what it raises (a check):
    of each chunk, only the number and size of its files and the files that failed come back
    from the worker processes, so the parent has next to nothing to do.  Errors are as in
    :func:`~newswiki.corpus.map_files`.

    Raises:
        ValueError: ``jobs`` below 0 or ``chunksize`` below 1 (raised at once).
    """
    jobs = _check(jobs, chunksize)
    chunks = _chunks(paths, chunksize)
    run = functools.partial(_run_tally, func)
    if jobs == 1:
        return (run(chunk) for chunk in chunks)
    task = functools.partial(_shipped, run, _sendable_tally)
    return _map_parallel(task, functools.partial(_isolate_tally, func), chunks, jobs)


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
