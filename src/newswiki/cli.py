"""The ``newswiki`` command: parse, check, format and convert whole archives.

Run ``newswiki --help`` (or ``python -m newswiki --help``) and ``newswiki COMMAND --help``.
Exit status: 0 when all went well, 1 when some file breaks the format (or would be
reformatted, or has dangling links), 2 for usage errors, missing paths and files that cannot
be read or are not UTF-8.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import io
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, TextIO, TypeVar

import newswiki
from newswiki.convert import to_dict
from newswiki.corpus import (
    DEFAULT_CHUNKSIZE,
    DEFAULT_EXCLUDE,
    DEFAULT_INCLUDE,
    CorpusIndex,
    Failed,
    FileError,
    Ok,
    Outcome,
    _index_facts,
    map_batches,
    map_files,
    walk,
)
from newswiki.errors import ParseError
from newswiki.model import canonical
from newswiki.parse import loads
from newswiki.tabular import FORMATS, DatasetWriter, _AtomicFile, json_line, rows, to_arrow
from newswiki.write import dumps

__all__ = ["Progress", "atomic_write", "main"]

T = TypeVar("T")

#: Exit statuses.
OK, FAILED, USAGE = 0, 1, 2
_INTERRUPTED = 130


class UsageError(Exception):
    """A problem with the command line itself (exit status 2)."""


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


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` in one step.

    The bytes go to a hidden temporary file in the same folder, are flushed to disk, take the
    file's permission bits, and the temporary file is renamed over ``path``
    (:func:`os.replace`), so an interrupted run leaves either the old file or the new one,
    never a part.

    Raises:
        OSError: the folder is not writable, the disk is full, ...
    """
    target = _AtomicFile(os.fspath(path))
    try:
        target.file.write(data)
        target.commit()
    except BaseException:
        target.discard()
        raise


def _status(error: FileError) -> int:
    """Files that cannot be read or written are an environment problem (2), others 1."""
    return USAGE if error.kind in ("read", "decode", "io") else FAILED


class _Console:
    """Standard output and error, with a progress bar on error that output never garbles."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out = out
        self.err = err
        self.progress = Progress("", None, err, enabled=False)

    def print(self, text: str, *, err: bool = False) -> None:
        self.progress.clear()
        stream = self.err if err else self.out
        stream.write(text + "\n")
        if err:
            stream.flush()


def _jobs(text: str) -> int | None:
    try:
        jobs = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of jobs, not {text!r}") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"expected 0 (one per CPU) or more jobs, not {jobs}")
    return jobs or None


def _paths(args: argparse.Namespace) -> Iterator[str]:
    include = args.include or DEFAULT_INCLUDE
    exclude = DEFAULT_EXCLUDE if args.exclude is None else [p for p in args.exclude if p]
    try:
        return walk(*args.paths, include=include, exclude=exclude)
    except FileNotFoundError as error:
        raise UsageError(f"cannot find {error.filename!r}: no such file, folder or match") from None


def _start(args: argparse.Namespace, console: _Console, label: str) -> Iterator[str]:
    """The paths to work on, with the progress bar set up (it counts the files first)."""
    paths = _paths(args)
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
    """Walk the paths and run ``func`` over the files with the progress bar on."""
    paths = _start(args, console, label)
    try:
        for outcome in map_files(func, paths, jobs=args.jobs, chunksize=DEFAULT_CHUNKSIZE):
            console.progress.advance(1, outcome.size)
            yield outcome
    finally:
        console.progress.close()


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


def _stdin_outcome(func: Callable[[str, bytes], str]) -> Outcome[str]:
    data = sys.stdin.buffer.read()
    try:
        return Ok("-", func("<stdin>", data), size=len(data))
    except ParseError as error:
        return Failed("-", FileError.from_parse_error("<stdin>", error))


def _run_parse(args: argparse.Namespace, console: _Console) -> int:
    single = len(args.paths) == 1 and (args.paths[0] == "-" or os.path.isfile(args.paths[0]))
    lines = args.jsonl
    indent = None if lines else 2
    func = functools.partial(_document_json, not args.lenient, args.with_file, indent)
    if args.paths == ["-"]:
        outcomes: Iterator[Outcome[str]] = iter([_stdin_outcome(func)])
    else:
        args.no_progress = True
        outcomes = _outcomes(args, console, func, "parse")
    status = OK
    written = 0
    for outcome in outcomes:
        if outcome.error is not None:
            console.print(outcome.error.detail or str(outcome.error), err=True)
            status = max(status, _status(outcome.error))
            continue
        text = outcome.value or ""
        if not lines and not single:
            text = ("[\n" if not written else ",\n") + text
        console.out.write(text if not lines and not single else text + "\n")
        written += 1
    if not lines and not single:
        console.out.write("\n]\n" if written else "[]\n")
    elif single and not lines and written:
        console.out.write("\n")
    return status


# -- check ------------------------------------------------------------------------------------


def _check_file(path: str, data: bytes) -> None:
    loads(data)


def _run_check(args: argparse.Namespace, console: _Console) -> int:
    status = OK
    files = bad = 0
    for outcome in _outcomes(args, console, _check_file, "check"):
        files += 1
        error = outcome.error
        if error is not None:
            bad += 1
            status = max(status, _status(error))
            console.print(error.detail if args.show_source and error.detail else str(error))
    if bad:
        console.print(f"Checked {_plural(files, 'file')}: {_plural(bad, 'error')}.", err=True)
    else:
        console.print(f"Checked {_plural(files, 'file')}: all valid.", err=True)
    return status


# -- fmt --------------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """Lines with their ends, split on ``"\\n"`` only (not on the other breaks
    :meth:`str.splitlines` knows, which real text holds inside its lines)."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _unified_diff(path: str, old: str, new: str) -> str:
    out = []
    for line in difflib.unified_diff(_lines(old), _lines(new), path, path):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _format_file(write: bool, diff: bool, path: str, data: bytes) -> str | None:
    """Put ``path`` in canonical layout; ``None`` when it already is, else the diff (or "")."""
    document = loads(data)
    formatted = dumps(canonical(document)).encode("utf-8")
    if formatted == data:
        return None
    if loads(formatted) != document:  # pragma: no cover - a writer bug; never lose text
        raise RuntimeError("the canonical text does not read back as the same document")
    if write:
        try:
            atomic_write(path, formatted)
        except OSError as error:
            raise OSError(
                error.errno, f"cannot write the file: {error.strerror or error}"
            ) from error
    if not diff:
        return ""
    return _unified_diff(path, data.decode("utf-8"), formatted.decode("utf-8"))


def _run_fmt(args: argparse.Namespace, console: _Console) -> int:
    write = not (args.check or args.diff)
    func = functools.partial(_format_file, write, args.diff)
    status = OK
    changed = unchanged = failed = 0
    for outcome in _outcomes(args, console, func, "fmt"):
        error = outcome.error
        if error is not None:
            failed += 1
            status = max(status, _status(error))
            console.print(f"{error} (left unchanged)", err=True)
        elif outcome.value is None:
            unchanged += 1
        else:
            changed += 1
            if args.diff:
                console.print(outcome.value.rstrip("\n"))
            elif args.check:
                console.print(f"would reformat {outcome.path}")
    verb = "reformatted" if write else "would be reformatted"
    errors = f", {_plural(failed, 'error')} (left unchanged)" if failed else ""
    console.print(
        f"{_plural(changed, 'file')} {verb}, {_plural(unchanged, 'file')} already canonical"
        f"{errors}.",
        err=True,
    )
    if changed and not write:
        status = max(status, FAILED)
    return status


# -- convert ----------------------------------------------------------------------------------


def _convert_file(jsonl: bool, strict: bool, path: str, data: bytes) -> dict[str, list[Any]]:
    found = rows(loads(data, strict=strict), path)
    if jsonl:  # encode here, in the worker: the parent only writes
        return {table: [json_line(row) for row in items] for table, items in found.items()}
    return found


def _merge(values: list[dict[str, list[Any]]]) -> dict[str, list[Any]]:
    """The rows (or lines) of a chunk's files, by table."""
    merged: dict[str, list[Any]] = {}
    for value in values:
        for table, items in value.items():
            merged.setdefault(table, []).extend(items)
    return merged


def _jsonl_blocks(values: list[dict[str, list[Any]]]) -> dict[str, bytes]:
    """A chunk's lines, encoded in the worker: bytes cross back without another pass."""
    return {
        table: ("\n".join(lines) + "\n").encode("utf-8") for table, lines in _merge(values).items()
    }


def _arrow_tables(values: list[dict[str, list[Any]]]) -> dict[str, Any]:
    """A chunk's rows as Arrow tables, made in the worker: Arrow crosses back as buffers."""
    return {table: to_arrow(items, table) for table, items in _merge(values).items()}


def _run_convert(args: argparse.Namespace, console: _Console) -> int:
    jsonl = args.to == "jsonl"
    if os.path.exists(args.output) and not os.path.isdir(args.output):
        raise UsageError(f"-o {args.output!r} is a file: give a folder for the tables")
    try:
        writer = DatasetWriter(args.output, args.to)
    except ImportError as error:
        raise UsageError(f"--to parquet needs pyarrow: {error}") from None
    except OSError as error:
        raise UsageError(f"cannot write to {args.output!r}: {error.strerror or error}") from None
    status = OK
    start = time.monotonic()
    files = size = 0
    func = functools.partial(_convert_file, jsonl, not args.lenient)
    pack = _jsonl_blocks if jsonl else _arrow_tables
    with writer:
        paths = _start(args, console, "convert")
        try:
            for batch in map_batches(
                func, pack, paths, jobs=args.jobs, chunksize=DEFAULT_CHUNKSIZE
            ):
                for outcome in batch.outcomes:
                    files += 1
                    size += outcome.size
                    console.progress.advance(1, outcome.size)
                    if outcome.error is not None:
                        status = max(status, _status(outcome.error))
                        console.print(str(outcome.error), err=True)
                        writer.add_error(outcome.error)
                if jsonl:
                    writer.add_jsonl(batch.value)
                else:
                    writer.add_arrow(batch.value)
        finally:
            console.progress.close()
    elapsed = time.monotonic() - start
    counts = ", ".join(_plural(n, table.rstrip("s")) for table, n in writer.counts.items())
    console.print(
        f"Converted {_plural(files, 'file')} ({size / 1e6:.1f} MB) in {elapsed:.1f} s:"
        f" {counts} -> {args.output}",
        err=True,
    )
    return status


# -- links ------------------------------------------------------------------------------------


def _run_links(args: argparse.Namespace, console: _Console) -> int:
    index = CorpusIndex()
    status = OK
    # Only the facts the index needs travel back from the workers, not the documents.
    func = functools.partial(_index_facts, not args.lenient)
    for outcome in _outcomes(args, console, func, "links"):
        if outcome.error is not None:
            status = max(status, _status(outcome.error))
            console.print(str(outcome.error), err=True)
        elif outcome.value is not None:
            index._add_facts(outcome.path, outcome.value)
    total = dangling = 0
    for link in index.links():
        total += 1
        if link.resolved is None:
            dangling += 1
            console.print(str(link))
        elif args.all:
            console.print(str(link))
    console.print(
        f"{_plural(index.events, 'event')}, {_plural(total, 'related link')}:"
        f" {total - dangling:,} resolved, {dangling:,} dangling.",
        err=True,
    )
    if dangling:
        status = max(status, FAILED)
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newswiki",
        description="Parse, check, format and convert dated-event markdown and wiki-text"
        " articles, one file or whole archives.",
        epilog="Exit status: 0 success, 1 files with errors (or changes with --check),"
        " 2 usage errors, missing paths, unreadable files. Run 'newswiki COMMAND --help'.",
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
            "Write the tables events, articles, sections and errors to OUT (one file each,"
            " e.g. OUT/events.parquet). Files that fail are listed on standard error and in"
            " the errors table; the others are converted.",
        ),
        "links": (
            _run_links,
            "report related links that point at no event file",
            "Resolve every related link of every event to an event file of the corpus (the"
            " day in a link need not be zero-padded) and print the dangling ones.",
        ),
    }
    subs = {}
    for name, (run, summary, description) in specs.items():
        subs[name] = commands.add_parser(name, help=summary, description=description)
        _walk_options(subs[name], progress=name != "parse")
        subs[name].set_defaults(run=run)
    parse, check, fmt, convert, links = subs.values()
    parse.add_argument("--jsonl", action="store_true", help="one compact JSON object per line")
    parse.add_argument("--with-file", action="store_true", help="add each file's path ('file')")
    check.add_argument("--show-source", action="store_true", help="show the offending line too")
    fmt.add_argument("--check", action="store_true", help="write nothing; exit 1 on a change")
    fmt.add_argument("--diff", action="store_true", help="write nothing; print unified diffs")
    convert.add_argument("--to", choices=sorted(FORMATS), required=True, help="output format")
    convert.add_argument("-o", "--output", required=True, metavar="OUT", help="output folder")
    links.add_argument("--all", action="store_true", help="print resolved links too")
    for lenient in (parse, convert, links):
        lenient.add_argument(
            "--lenient", action="store_true", help="keep lines that break the format"
        )
    return parser


def _utf8(stream: TextIO) -> TextIO:
    """Write UTF-8 whatever the locale, and never fail on an undecodable file name."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    return stream


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``newswiki`` command with ``argv`` (default: ``sys.argv[1:]``).

    Returns:
        The exit status (the console script exits with it).
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version, usage errors
        return done.code if isinstance(done.code, int) else USAGE
    console = _Console(_utf8(sys.stdout), _utf8(sys.stderr))
    try:
        status: int = args.run(args, console)
    except UsageError as error:
        console.print(f"newswiki {args.command}: error: {error}", err=True)
        return USAGE
    except KeyboardInterrupt:
        console.print("newswiki: interrupted", err=True)
        return _INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`newswiki parse ... | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return FAILED
    console.out.flush()
    return status
