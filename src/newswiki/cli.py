"""The ``newswiki`` command: parse, check, format and convert whole archives.

Run ``newswiki --help`` (or ``python -m newswiki --help``) and ``newswiki COMMAND --help``.
Exit status, the same in every command: 0 when all went well; 1 when some file failed (it
breaks the format or is not UTF-8, would be reformatted, or has dangling links); 2 for usage
errors, paths that match no file, and input/output errors (a file that cannot be read or
written, a worker process that died).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import functools
import heapq
import io
import itertools
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, Literal, TextIO, TypeVar

import attrs

import newswiki
from newswiki.convert import to_dict
from newswiki.diff import unified_diff
from newswiki.errors import DecodeError, printable
from newswiki.files import BatchError, Durability, WriteBatch
from newswiki.graph import CorpusIndex, Link, TopicLink, _Facts, _facts, _index_facts
from newswiki.model import Event, canonical
from newswiki.parallel import (
    DEFAULT_CHUNKSIZE,
    Failed,
    FileError,
    Ok,
    Outcome,
    Tally,
    _run_one,
    apply,
    map_batches,
    map_failures,
    map_files,
)
from newswiki.parse import loads
from newswiki.tabular import (
    _PART_FILES,
    FORMATS,
    DatasetParts,
    DatasetWriter,
    Format,
    Table,
    TopicPart,
    _by_table,
    _jsonl_block,
    _topic_part,
    json_line,
    rows,
    write_jsonl_parts,
    write_parts,
)
from newswiki.walk import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, walk
from newswiki.write import dumps

__all__ = ["Progress", "main"]

T = TypeVar("T")

#: Exit statuses.
OK, FAILED, USAGE = 0, 1, 2
_INTERRUPTED = 130
# The path that names standard input, and the name its errors give it.
_STDIN = "-"
_STDIN_NAME = "<stdin>"


class UsageError(Exception):
    """A problem with the command line itself (exit status 2)."""


class _StreamError(Exception):
    """A standard stream that cannot be read or written: closed, on a full disk, ... (exit
    status 2, an input/output error)."""


# -- progress ---------------------------------------------------------------------------------


def _progress_wanted(stream: IO[str]) -> bool:
    """A progress bar only for a person watching: a terminal, and not a CI run."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "CI" not in os.environ


class Progress:
    """A one-line progress bar on a terminal: done/total files, files/s, MB/s, time left.

    It redraws at most ten times a second, and :meth:`clear` wipes it so that other output
    can be printed (the next :meth:`advance` draws it again).  When ``enabled`` is false
    every method does nothing.

    Args:
        label: what is being done, e.g. ``"check"``.
        total: the number of files, or ``None`` when unknown (no bar, just counts).
        stream: where to draw (standard error).
        enabled: whether to draw at all.
    """

    def __init__(
        self, label: str, total: int | None, stream: IO[str], *, enabled: bool = True
    ) -> None:
        self.label = label
        self.total = total
        self.stream = stream
        self.enabled = enabled
        #: Files and bytes done so far.
        self.files = 0
        self.bytes = 0
        self._start = time.monotonic()
        self._drawn = 0.0
        self._visible = False

    def advance(self, files: int = 1, nbytes: int = 0) -> None:
        """Count ``files`` more files of ``nbytes`` bytes, and redraw if it is time."""
        self.files += files
        self.bytes += nbytes
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= 0.1 or self.files == self.total):
            self._drawn = now
            self._draw(now)

    def line(self, now: float | None = None) -> str:
        """The text of the bar, fitted to the terminal's width."""
        elapsed = max((now or time.monotonic()) - self._start, 1e-9)
        rate = self.files / elapsed
        parts = [f"{self.label} {self.files:,}"]
        if self.total:
            fraction = min(self.files / self.total, 1.0)
            left = (self.total - self.files) / rate if rate else 0.0
            parts = [f"{self.label} {100 * fraction:3.0f}% {self.files:,}/{self.total:,}"]
            tail = f"{rate:,.0f} files/s {self.bytes / elapsed / 1e6:.1f} MB/s ETA {_clock(left)}"
        else:
            tail = f"{rate:,.0f} files/s {self.bytes / elapsed / 1e6:.1f} MB/s"
        parts.append(tail)
        width = shutil.get_terminal_size((80, 24)).columns - 1
        room = width - len(" ".join(parts)) - 3
        if self.total and room >= 10:
            done = int(room * self.files / self.total)
            parts.insert(1, "[" + "#" * done + "." * (room - done) + "]")
        return " ".join(parts)[:width]

    def _draw(self, now: float) -> None:
        self.stream.write("\r\x1b[K" + self.line(now))
        self.stream.flush()
        self._visible = True

    def clear(self) -> None:
        """Wipe the bar from the terminal line."""
        if self._visible:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._visible = False

    def close(self) -> None:
        """Wipe the bar for good."""
        self.clear()
        self.enabled = False


def _clock(seconds: float) -> str:
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}"


# -- files ------------------------------------------------------------------------------------


def _status(error: FileError) -> int:
    """A file whose text fails is 1; one that cannot be read or written, or whose worker
    died, is a problem of the machine or of newswiki, not of the file (2)."""
    return FAILED if error.kind in ("parse", "decode", "unparsed") else USAGE


def _for_the_command_line(error: FileError) -> FileError:
    """The error, its advice spoken for a shell (``iconv``) rather than for Python."""
    decode = error.exception
    if not isinstance(decode, DecodeError) or decode.encoding is None:
        return error
    advice = f"convert it, e.g. iconv -f {decode.encoding} -t UTF-8 FILE > NEW_FILE"
    plain = DecodeError(
        f"UTF-8 text, found {decode.encoding} ({advice})",
        offset=decode.offset,
        encoding=decode.encoding,
        line=decode.line,
        column=decode.column,
        source_line=decode.source_line,
    )
    return FileError.from_parse_error(error.filename, plain)


class _Console:
    """Standard output and error, with a progress bar on error that output never garbles.

    Output goes through :meth:`write`, :meth:`print` and :meth:`flush`, which say when
    standard output is closed or cannot be written (:class:`_StreamError`; a reader that went
    away is a :class:`BrokenPipeError` still).  Messages to a standard error that is closed
    or cannot be written are lost: there is nowhere left to say so, and the exit status
    still tells.
    """

    def __init__(self, out: TextIO | None, err: TextIO | None) -> None:
        #: Standard output, ``None`` when it was closed.
        self.out = out
        #: Standard error (the null device when it was closed).
        self.err = err if err is not None else open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        self.progress = Progress("", None, self.err, enabled=False)

    def write(self, text: str) -> None:
        """Write ``text`` as it is to standard output."""
        if text:
            self.progress.clear()
            self._output(lambda out: out.write(text))

    def print(self, text: str, *, err: bool = False) -> None:
        self.progress.clear()
        if not err:
            self._output(lambda out: out.write(text + "\n"))
            return
        with contextlib.suppress(OSError):
            self.err.write(text + "\n")
            self.err.flush()

    def flush(self) -> None:
        """Write out what standard output holds (a closed one holds nothing)."""
        if self.out is not None:
            self._output(lambda out: out.flush())

    def _output(self, action: Callable[[TextIO], object]) -> None:
        if self.out is None:
            raise _StreamError("cannot write to standard output: it is closed")
        try:
            action(self.out)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _StreamError(
                f"cannot write to standard output: {error.strerror or error}"
            ) from None


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of jobs, not {text!r}") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"expected 0 (one per CPU) or more jobs, not {jobs}")
    return jobs


def _patterns(args: argparse.Namespace) -> tuple[Sequence[str], Sequence[str]]:
    include = args.include or DEFAULT_INCLUDE
    exclude = DEFAULT_EXCLUDE if args.exclude is None else [p for p in args.exclude if p]
    return include, exclude


def _paths(args: argparse.Namespace) -> Iterator[str]:
    if _STDIN in args.paths:  # the commands that read standard input took it before
        raise UsageError(
            f"{args.command} does not read standard input ('-'): give it files, folders or"
            " glob patterns (a file named '-' is './-')"
        )
    include, exclude = _patterns(args)
    try:
        return walk(*args.paths, include=include, exclude=exclude)
    except FileNotFoundError as error:
        raise UsageError(f"cannot find {error.filename!r}: no such file, folder or match") from None


def _nothing_matched(args: argparse.Namespace) -> UsageError:
    """The error of a run that found no file: what was searched, with which patterns."""
    include, exclude = _patterns(args)
    searched = " ".join(repr(path) for path in args.paths)
    skipped = " ".join(map(repr, exclude)) if exclude else "nothing"
    return UsageError(
        f"no file to read in {searched} (folders: --include {' '.join(map(repr, include))};"
        f" folders and globs: --exclude {skipped})"
    )


def _start(args: argparse.Namespace, console: _Console, label: str) -> Iterator[str]:
    """The paths to work on, with the progress bar set up (it counts the files first).

    Raises:
        UsageError: a path that does not exist, or no file at all to read.
    """
    paths = _paths(args)
    first = next(paths, None)
    if first is None:
        raise _nothing_matched(args)
    paths = itertools.chain([first], paths)
    enabled = not args.no_progress and _progress_wanted(console.err)
    total = None
    if enabled:
        counting = Progress(f"{label}: finding files", None, console.err)
        for _ in _paths(args):
            counting.advance()
        counting.close()
        total = counting.files
    console.progress = Progress(label, total, console.err, enabled=enabled)
    return paths


def _outcomes(
    args: argparse.Namespace,
    console: _Console,
    func: Callable[[str, bytes], T],
    label: str,
) -> Iterator[Outcome[T]]:
    """Run ``func`` over the files with the progress bar on, or over standard input for
    the path ``-``; errors come with their advice for the command line."""
    if _STDIN in args.paths:
        if len(args.paths) > 1:
            raise UsageError("'-' (standard input) cannot be combined with other paths")
        yield _cli_outcome(apply(func, _STDIN_NAME, _standard_input()))
        return
    paths = _start(args, console, label)
    try:
        for outcome in map_files(func, paths, jobs=args.jobs, chunksize=DEFAULT_CHUNKSIZE):
            console.progress.advance(1, outcome.size)
            yield _cli_outcome(outcome)
    finally:
        console.progress.close()


def _standard_input() -> bytes:
    """All of standard input.

    Raises:
        _StreamError: it is closed, or cannot be read (a folder, ...).
    """
    if sys.stdin is None:
        raise _StreamError("cannot read standard input: it is closed")
    try:
        return sys.stdin.buffer.read()
    except OSError as error:
        raise _StreamError(f"cannot read standard input: {error.strerror or error}") from None


def _cli_outcome(outcome: Outcome[T]) -> Outcome[T]:
    if outcome.ok:
        return outcome
    return attrs.evolve(outcome, error=_for_the_command_line(outcome.error))


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


# -- parse ------------------------------------------------------------------------------------


def _document_json(
    strict: bool, with_file: bool, indent: int | None, path: str, data: bytes
) -> str:
    document = loads(data, strict=strict)
    body = to_dict(document)
    if with_file:  # "path" is taken: an event's day page
        body = {"file": path, **body}
    return json.dumps(body, ensure_ascii=False, indent=indent)


def _run_parse(args: argparse.Namespace, console: _Console) -> int:
    single = len(args.paths) == 1 and (args.paths[0] == _STDIN or os.path.isfile(args.paths[0]))
    lines = args.jsonl
    indent = None if lines else 2
    func = functools.partial(_document_json, not args.lenient, args.with_file, indent)
    args.no_progress = True  # the documents are the output: no bar between them
    status = OK
    written = 0
    for outcome in _outcomes(args, console, func, "parse"):
        if outcome.error is not None:
            console.print(outcome.error.detail or str(outcome.error), err=True)
            status = max(status, _status(outcome.error))
            continue
        text = outcome.value or ""
        if not lines and not single:
            text = ("[\n" if not written else ",\n") + text
        console.write(text if not lines and not single else text + "\n")
        written += 1
    if not lines and not single:
        console.write("\n]\n" if written else "[]\n")
    elif single and not lines and written:
        console.write("\n")
    return status


# -- check ------------------------------------------------------------------------------------


def _check_file(path: str, data: bytes) -> None:
    loads(data)


def _run_check(args: argparse.Namespace, console: _Console) -> int:
    status = OK
    files = bad = 0
    for tally in _check_tallies(args, console):
        files += tally.files
        for failure in tally.failures:
            error = _for_the_command_line(failure.error)
            bad += 1
            status = max(status, _status(error))
            console.print(error.detail if args.show_source and error.detail else str(error))
    if bad:
        console.print(f"Checked {_plural(files, 'file')}: {_plural(bad, 'error')}.", err=True)
    else:
        console.print(f"Checked {_plural(files, 'file')}: all valid.", err=True)
    return status


def _check_tallies(args: argparse.Namespace, console: _Console) -> Iterator[Tally]:
    """The files checked, a chunk at a time: only the errors come back from the workers."""
    if _STDIN in args.paths:
        for outcome in _outcomes(args, console, _check_file, "check"):
            yield Tally(1, outcome.size, [outcome] if isinstance(outcome, Failed) else [])
        return
    paths = _start(args, console, "check")
    try:
        for tally in map_failures(_check_file, paths, jobs=args.jobs, chunksize=DEFAULT_CHUNKSIZE):
            console.progress.advance(tally.files, tally.size)
            yield tally
    finally:
        console.progress.close()


# -- fmt --------------------------------------------------------------------------------------


_FmtMode = Literal["write", "check", "diff", "print"]
# Files formatted per batch written back: the disk is waited for once per batch.
_FMT_BATCH = 256


def _canonical_bytes(verify: bool, data: bytes) -> tuple[str, bytes] | None:
    """The canonical text of a file and its bytes, or ``None`` when it is canonical; with
    ``verify``, the text is read again and must give the same document (the test suite
    proves that it does; the check costs a third of the time of ``fmt``)."""
    document = loads(data)
    formatted = dumps(canonical(document))
    encoded = formatted.encode("utf-8")
    if encoded == data:
        return None
    if verify and loads(encoded) != document:
        raise RuntimeError("the canonical text does not read back as the same document")
    return formatted, encoded


def _format_file(mode: _FmtMode, verify: bool, path: str, data: bytes) -> tuple[bool, str]:
    """Whether ``path`` changes in canonical layout, and (by ``mode``) nothing, its diff, or
    its new text."""
    new = _canonical_bytes(verify, data)
    if new is None:
        return False, data.decode("utf-8") if mode == "print" else ""
    if mode == "diff":
        return True, unified_diff(data.decode("utf-8"), new[0], printable(path))
    return True, new[0] if mode == "print" else ""


def _new_bytes(verify: bool, path: str, data: bytes) -> tuple[str, bytes | None]:
    new = _canonical_bytes(verify, data)
    return path, None if new is None else new[1]


# What a worker says of a batch it wrote back: the files changed, and those it could not
# write, with the reason.
_Written = tuple[set[str], dict[str, str]]


def _write_back(durability: Durability, files: list[tuple[str, bytes | None]]) -> _Written:
    """Write a batch's changed files, in the worker that formatted them: which changed, and
    the error of each one that could not be written."""
    errors: dict[str, str] = {}
    changed = []
    with WriteBatch(durability=durability, group=_FMT_BATCH) as batch:
        for path, new in files:
            if new is None:
                continue
            changed.append(path)
            try:
                batch.write(path, new)
            except OSError as error:
                errors[path] = error.strerror or str(error)
        try:
            batch.commit()
        except BatchError as error:
            errors.update((path, e.strerror or str(e)) for path, e in error.failures.items())
    return set(changed), errors


def _written(args: argparse.Namespace, console: _Console) -> Iterator[Outcome[tuple[bool, str]]]:
    """The outcomes of ``fmt`` writing files back, in batches written in the workers."""
    paths = _start(args, console, "fmt")
    func = functools.partial(_new_bytes, args.verify)
    pack = functools.partial(_write_back, args.durability)
    try:
        for batch in map_batches(func, pack, paths, jobs=args.jobs, chunksize=_FMT_BATCH):
            changed, errors = batch.value
            for outcome in batch.outcomes:
                console.progress.advance(1, outcome.size)
                if not outcome.ok:
                    yield _cli_outcome(outcome)
                elif outcome.path in errors:
                    message = f"cannot write the file: {errors[outcome.path]}"
                    yield Failed(outcome.path, FileError(outcome.path, "io", message), outcome.size)
                else:
                    yield Ok(outcome.path, (outcome.path in changed, ""), outcome.size)
    finally:
        console.progress.close()


def _run_fmt(args: argparse.Namespace, console: _Console) -> int:
    stdin = args.paths == [_STDIN]
    mode: _FmtMode = "diff" if args.diff else "check" if args.check else "write"
    if stdin and mode == "write":
        mode = "print"  # as black and ruff do: the text in, the formatted text out
    status = OK
    changed = unchanged = failed = 0
    outcomes = (
        _written(args, console)
        if mode == "write" and _STDIN not in args.paths
        else _outcomes(args, console, functools.partial(_format_file, mode, args.verify), "fmt")
    )
    for outcome in outcomes:
        error = outcome.error
        if error is not None:
            failed += 1
            status = max(status, _status(error))
            console.print(f"{error} (left unchanged)", err=True)
            continue
        was_changed, text = outcome.value or (False, "")
        if was_changed:
            changed += 1
        else:
            unchanged += 1
        console.write(text)
        if was_changed and mode == "check":
            console.print(f"would reformat {printable(outcome.path)}")
    verb = "reformatted" if mode in ("write", "print") else "would be reformatted"
    errors = f", {_plural(failed, 'error')} (left unchanged)" if failed else ""
    console.print(
        f"{_plural(changed, 'file')} {verb}, {_plural(unchanged, 'file')} already canonical"
        f"{errors}.",
        err=True,
    )
    if changed and mode in ("check", "diff"):
        status = max(status, FAILED)
    return status


# -- convert ----------------------------------------------------------------------------------


def _convert_file(
    jsonl: bool, strict: bool, path: str, data: bytes
) -> tuple[dict[Table, list[Any]], tuple[str, _Facts | None]]:
    """The rows of a file by table, and what its chunk's part of the topics table needs of
    it."""
    document = loads(data, strict=strict)
    found: dict[Table, list[Any]] = dict(_by_table(rows(document, path)))
    if jsonl:  # encode here, in the worker: the parent only writes
        found = {table: [json_line(row) for row in items] for table, items in found.items()}
    return found, (path, _facts(document))


def _with_topics(
    pack: Callable[[list[dict[Table, list[Any]]]], T],
    format: Format,
    values: list[tuple[dict[Table, list[Any]], tuple[str, _Facts | None]]],
) -> tuple[T, TopicPart]:
    """``pack`` the rows of a chunk's files, and make their part of the topics table: the
    parent only joins the parts, and works out what each distinct topic names."""
    return pack([found for found, _ in values]), _topic_part([facts for _, facts in values], format)


def _merge(values: list[dict[Table, list[Any]]]) -> dict[Table, list[Any]]:
    """The rows (or lines) of a chunk's files, by table."""
    merged: dict[Table, list[Any]] = {}
    for value in values:
        for table, items in value.items():
            merged.setdefault(table, []).extend(items)
    return merged


def _jsonl_blocks(values: list[dict[Table, list[Any]]]) -> dict[Table, bytes]:
    """A chunk's lines, encoded (with ``-j 1``, where the chunk is made by the process that
    writes the tables)."""
    return {table: _jsonl_block(lines) for table, lines in _merge(values).items()}


def _jsonl_parts(folder: str, values: list[dict[Table, list[Any]]]) -> dict[Table, tuple[str, int]]:
    """A chunk's lines written as files of their own, in the worker: only their names and
    line counts cross back, and the parent has the system append the files to the tables."""
    return write_jsonl_parts(folder, _merge(values))


def _parquet_parts(
    folders: dict[Table, str], values: list[dict[Table, list[Any]]]
) -> dict[Table, tuple[str, int]]:
    """A chunk's rows written as Parquet part files, in the worker: only their names and
    row counts cross back."""
    return write_parts(folders, _merge(values))


def _run_convert(args: argparse.Namespace, console: _Console) -> int:
    if os.path.exists(args.output) and not os.path.isdir(args.output):
        raise UsageError(f"-o {args.output!r} is a file: give a folder for the tables")
    paths = _start(args, console, "convert")  # no tables at all when no file matched
    writer: DatasetWriter | DatasetParts
    try:
        writer = (
            DatasetWriter(args.output, "jsonl") if args.to == "jsonl" else DatasetParts(args.output)
        )
    except ImportError as error:
        raise UsageError(f"--to parquet needs pyarrow: {error}") from None
    except OSError as error:
        raise UsageError(f"cannot write to {args.output!r}: {error.strerror or error}") from None
    start = time.monotonic()
    try:
        status, files, size = _convert_into(writer, paths, args, console)
    except BrokenPipeError:
        raise
    except OSError as error:  # the files' own errors are rows: this is the tables' (disk full)
        reason = error.strerror or error
        raise UsageError(f"cannot write the tables to {args.output!r}: {reason}") from None
    elapsed = time.monotonic() - start
    counts = ", ".join(_plural(n, table.rstrip("s")) for table, n in writer.counts.items())
    console.print(
        f"Converted {_plural(files, 'file')} ({size / 1e6:.1f} MB) in {elapsed:.1f} s:"
        f" {counts} -> {args.output}",
        err=True,
    )
    return status


def _convert_into(
    writer: DatasetWriter | DatasetParts,
    paths: Iterable[str],
    args: argparse.Namespace,
    console: _Console,
) -> tuple[int, int, int]:
    """Convert the files into the tables of ``writer``: the exit status their errors make,
    and the number and size of the files."""
    status = OK
    files = size = 0
    func = functools.partial(_convert_file, isinstance(writer, DatasetWriter), not args.lenient)
    # What a worker makes of a chunk: the names and sizes of its Parquet parts or JSON Lines
    # files (with -j 1, its JSON lines themselves: no file to write and copy); and its part
    # of the topics table.
    blocks: Callable[[list[dict[Table, list[Any]]]], Any] = _jsonl_blocks
    chunksize = DEFAULT_CHUNKSIZE
    if isinstance(writer, DatasetParts):
        blocks, chunksize = functools.partial(_parquet_parts, writer.folders), _PART_FILES
    with writer:
        if isinstance(writer, DatasetWriter) and args.jobs != 1:
            # A folder that takes no new file: the lines come back as with -j 1.
            with contextlib.suppress(OSError):
                blocks = functools.partial(_jsonl_parts, writer.parts_folder())
        pack = functools.partial(_with_topics, blocks, args.to)
        try:
            for batch in map_batches(func, pack, paths, jobs=args.jobs, chunksize=chunksize):
                for outcome in map(_cli_outcome, batch.outcomes):
                    files += 1
                    size += outcome.size
                    console.progress.advance(1, outcome.size)
                    if outcome.error is not None:  # with the command's advice, in both places
                        status = max(status, _status(outcome.error))
                        console.print(str(outcome.error), err=True)
                        writer.add_error(outcome.error)
                made, topics = batch.value
                if isinstance(writer, DatasetParts):
                    writer.add_parts(made)
                elif blocks is _jsonl_blocks:
                    writer.add_jsonl(made)
                else:
                    writer.add_jsonl_parts(made)
                writer.topics.add_part(topics)
        finally:
            console.progress.close()
    return status, files, size


# -- links ------------------------------------------------------------------------------------


def _index(args: argparse.Namespace, console: _Console, label: str) -> tuple[CorpusIndex, int]:
    """The index of the files, and the exit status their errors (printed) make."""
    index = CorpusIndex()
    status = OK
    # Only the facts the index needs travel back from the workers, not the documents.
    func = functools.partial(_index_facts, not args.lenient)
    for outcome in _outcomes(args, console, func, label):
        if outcome.error is not None:
            status = max(status, _status(outcome.error))
            console.print(str(outcome.error), err=True)
            index.add_error(outcome.error)
        elif outcome.value is not None:
            index._add_facts(outcome.path, outcome.value)
    return index, status


def _in_place_order(index: CorpusIndex) -> Iterator[Link | TopicLink]:
    """The related links and topic links of each event in turn, in the order of their
    places in the file."""
    rank = {source: n for n, source in enumerate(index.event_files())}

    def place(found: Link | TopicLink) -> tuple[int, int, int]:
        return rank[found.source], found.line or 0, found.column or 0

    return heapq.merge(index.links(), index.topic_links(), key=place)


def _run_links(args: argparse.Namespace, console: _Console) -> int:
    index, status = _index(args, console, "links")
    total = dangling = 0
    topics: collections.Counter[str] = collections.Counter()
    for found in _in_place_order(index):
        if isinstance(found, Link):
            total += 1
            dangling += found.resolved is None
            shown, kind = found.resolved is None, "related"
        else:
            topics[found.status] += 1
            shown, kind = found.status != "resolved", "topic"
        if shown or args.all:
            as_json = json.dumps({"kind": kind, **found.to_json()}, ensure_ascii=False)
            console.print(as_json if args.format == "jsonl" else str(found))
    console.print(
        f"{_plural(index.events, 'event')}, {_plural(total, 'related link')}:"
        f" {total - dangling:,} resolved, {dangling:,} dangling;"
        f" {_plural(sum(topics.values()), 'topic')}: {topics['resolved']:,} resolved,"
        f" {topics['missing']:,} missing, {topics['no-section']:,} no-section,"
        f" {topics['ambiguous']:,} ambiguous.",
        err=True,
    )
    if dangling:
        status = max(status, FAILED)
    return status


# -- timeline ---------------------------------------------------------------------------------


def _document(strict: bool, path: str, data: bytes) -> newswiki.Document:
    return loads(data, strict=strict)


def _event_again(path: str, strict: bool) -> Event | FileError:
    """The event file ``path`` read again for its headlines, or why it cannot be: the file
    may have changed since the index read it (an archive being written to)."""
    outcome = _cli_outcome(_run_one(functools.partial(_document, strict), path))
    if outcome.error is not None:
        return outcome.error
    if not isinstance(outcome.value, Event):
        return FileError(path, "read", "it changed as it was read: it holds no event now")
    return outcome.value


def _told(
    index: CorpusIndex, story: list[TopicLink], strict: bool, failed: list[FileError]
) -> Iterator[tuple[TopicLink, str]]:
    """Each event of a timeline once, with its headline: an event file's own headline, or
    the title of a related item pointing at it (whose file may be missing).  An event file
    that cannot be read again is left out, its error added to ``failed``."""
    events: dict[str, Event | FileError] = {}
    chosen: dict[tuple[str, str], tuple[TopicLink, str]] = {}
    for found in story:
        event = events.get(found.source)
        if event is None:
            event = events[found.source] = _event_again(found.source, strict)
            if isinstance(event, FileError):
                failed.append(event)
        if isinstance(event, FileError):
            continue
        if found.related is None:
            key, text = ("file", found.source), event.headline
        else:
            item = event.related[found.related - 1]
            target = index.resolve(item)
            key = ("file", target) if target is not None else ("link", item.path)
            text = item.title
        kept = chosen.get(key)
        if kept is None or (kept[0].related is not None and found.related is None):
            chosen[key] = found, text  # the file's own headline before a link's title
    return iter(chosen.values())


def _run_timeline(args: argparse.Namespace, console: _Console) -> int:
    if _STDIN in args.paths:  # its events are read again to print their headlines
        raise UsageError("timeline reads an archive's files, not standard input ('-')")
    index, status = _index(args, console, "timeline")
    try:
        article = index._article_file(args.title)
    except KeyError as error:
        raise UsageError(f"{error.args[0]} in {' '.join(args.paths)}") from None
    except ValueError as error:
        raise UsageError(f"{error}: give the article's file instead") from None
    shown = 0
    failed: list[FileError] = []
    for found, text in _told(index, index.timeline(article), not args.lenient, failed):
        shown += 1
        if args.format == "jsonl":
            console.print(json.dumps({**found.to_json(), "text": text}, ensure_ascii=False))
            continue
        day = "undated   " if found.date is None else found.date.isoformat()
        where = printable(found.source)
        where = where if found.line is None else f"{where}:{found.line}"
        console.print(f"{day}  {printable(text)}  ({where})")
    for unread in failed:
        console.print(str(unread), err=True)
        status = max(status, _status(unread))
    console.print(f"{_plural(shown, 'event')} on {printable(article)}.", err=True)
    return status


# -- the command line -------------------------------------------------------------------------


def _walk_options(parser: argparse.ArgumentParser, *, progress: bool = True) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files, folders (searched recursively) or quoted glob patterns ('news/**/*.md')",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="worker processes (default 1; 0 = one per CPU)",
    )
    parser.add_argument(
        "--include",
        action="append",
        metavar="PATTERN",
        help=f"file names to read in folders (repeatable; default {' '.join(DEFAULT_INCLUDE)})",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        metavar="PATTERN",
        help=f"file names to skip in folders (repeatable; default {' '.join(DEFAULT_EXCLUDE)},"
        " the day pages; --exclude '' skips nothing)",
    )
    if progress:
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="no progress bar (there is none anyway unless standard error is a terminal"
            " and CI is unset)",
        )


_EXIT_STATUS = (
    "Exit status: 0 all went well, 1 some file failed (it breaks the format or is not UTF-8,"
    " fmt --check or --diff would change it, links found a dangling link), 2 usage error,"
    " no file matched, or an input/output error (a file, standard input or standard output that"
    " cannot be read or written)."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newswiki",
        description="Parse, check, format and convert dated-event markdown and wiki-text"
        " articles, one file or whole archives.",
        epilog=f"{_EXIT_STATUS} Run 'newswiki COMMAND --help'.",
    )
    parser.add_argument("--version", action="version", version=f"newswiki {newswiki.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    # name: (what runs it, the one-line summary, the description of its --help)
    specs: dict[str, tuple[Callable[[argparse.Namespace, _Console], int], str, str]] = {
        "parse": (
            _run_parse,
            "print documents as JSON",
            "Print each document as JSON (newswiki.to_dict): one file gives one object,"
            " several give an array, --jsonl gives one line per file. '-' reads standard"
            " input.",
        ),
        "check": (
            _run_check,
            "validate files, with compiler-style errors",
            "Parse every file strictly and print FILE:LINE:COL: message for each one that"
            " breaks the format, then a count on standard error.",
        ),
        "fmt": (
            _run_fmt,
            "rewrite files in the canonical layout",
            "Rewrite files in the canonical layout (LF line ends, no byte order mark, no stray"
            " spaces or blank lines). Files that do not parse are reported and never touched;"
            " files are replaced atomically.",
        ),
        "convert": (
            _run_convert,
            "write tables of events, articles and sections",
            "Write the tables events, articles, sections, topics and errors to OUT: Parquet"
            " datasets (a folder of part files each, OUT/events.parquet/part-00000.parquet ...,"
            " written by the workers) or JSON Lines files (OUT/events.jsonl ...). Files that"
            " fail are listed on standard error and in the errors table; the others are"
            " converted.",
        ),
        "links": (
            _run_links,
            "report related links that point at no event file, and topics naming no article",
            "Resolve every related link of every event to an event file of the corpus (the"
            " day in a link need not be zero-padded) and print the dangling ones, saying"
            " whether there is no such file or the file does not parse; resolve every topic"
            " of every event (of its headline and its related items' titles) to the article"
            " it names, compared as wiki titles are, and print those that name none, no such"
            " section, or several articles. Dangling links make the exit status 1; topics"
            " do not.",
        ),
        "timeline": (
            _run_timeline,
            "print the events an article is about, in date order",
            "Print the events whose topics name the article TITLE (its title, compared as"
            " wiki titles are, or its file), one a line, oldest first: the date, the"
            " headline (or the related item's title, for an event known by a link only) and"
            " where it is. Give the archive's files or folders first, then TITLE.",
        ),
    }
    subs = {}
    for name, (run, summary, description) in specs.items():
        subs[name] = commands.add_parser(
            name, help=summary, description=description, epilog=_EXIT_STATUS
        )
        _walk_options(subs[name], progress=name != "parse")
        subs[name].set_defaults(run=run)
    parse, check, fmt, convert, links, timeline = subs.values()
    parse.add_argument("--jsonl", action="store_true", help="one compact JSON object per line")
    parse.add_argument("--with-file", action="store_true", help="add each file's path ('file')")
    check.add_argument("--show-source", action="store_true", help="show the offending line too")
    fmt.add_argument("--check", action="store_true", help="write nothing; exit 1 on a change")
    fmt.add_argument("--diff", action="store_true", help="write nothing; print unified diffs")
    fmt.add_argument(
        "--verify",
        action="store_true",
        help="read each new text again before writing it and leave the file unchanged if it"
        " does not give the same document (a third slower)",
    )
    fmt.add_argument(
        "--durability",
        choices=["durable", "none"],
        default="durable",
        help="durable (the default): the files are on disk when fmt ends, synced once per"
        " batch; none: nothing waits for the disk, a power cut soon after can leave files"
        " old or empty (for a run that can be repeated)",
    )
    convert.add_argument("--to", choices=sorted(FORMATS), required=True, help="output format")
    convert.add_argument("-o", "--output", required=True, metavar="OUT", help="output folder")
    links.add_argument("--all", action="store_true", help="print resolved links too")
    links.add_argument(
        "--format",
        choices=["text", "jsonl"],
        default="text",
        help="text: FILE:LINE:COL: related link to PATH: why, or FILE:LINE:COL: topic 'TOPIC':"
        " why (the default); jsonl: one JSON object a link, with a kind (related or topic),"
        " for tools",
    )
    timeline.add_argument(
        "title", metavar="TITLE", help="the article: its title, or its file (after PATH)"
    )
    timeline.add_argument(
        "--format",
        choices=["text", "jsonl"],
        default="text",
        help="text: DATE  HEADLINE  (FILE:LINE) (the default); jsonl: one JSON object an"
        " event, its topic link and its text, for tools",
    )
    for lenient in (parse, convert, links, timeline):
        lenient.add_argument(
            "--lenient", action="store_true", help="keep lines that break the format"
        )
    return parser


def _utf8(stream: TextIO | None) -> TextIO | None:
    """Write UTF-8 whatever the locale, and never fail on an undecodable file name."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    return stream


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``newswiki`` command with ``argv`` (default: ``sys.argv[1:]``).

    Returns:
        The exit status (the console script exits with it).
    """
    _fill_closed_streams()
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version, usage errors
        return done.code if isinstance(done.code, int) else USAGE
    console = _Console(_utf8(sys.stdout), _utf8(sys.stderr))
    try:
        status: int = args.run(args, console)
        console.flush()
    except UsageError as error:
        console.print(f"newswiki {args.command}: error: {error}", err=True)
        return USAGE
    except _StreamError as error:
        _silence_output()
        console.print(f"newswiki {args.command}: error: {error}", err=True)
        return USAGE
    except KeyboardInterrupt:
        console.print("newswiki: interrupted", err=True)
        return _INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`newswiki parse ... | head`): stop quietly.
        _silence_output()
        return FAILED
    return status


def _fill_closed_streams() -> None:
    """Put the null device in place of a standard stream closed when newswiki started
    (``<&-``, ``>&-``), so that no file newswiki opens takes its number: what is written
    to the stream, here or by a worker process, must never land in a file.  Python has set
    that stream to ``None`` already, which is how the commands tell it is closed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _silence_output() -> None:
    """Point standard output at the null device: what its buffer still holds goes nowhere,
    and the interpreter's last flush at exit cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # closed, or not a file (a test's capture)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)
