"""The Lark grammars in ``grammars/``: finding them and building their parsers."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import sys
from typing import Any

import lark

__all__ = [
    "FORMATS",
    "build_parser",
    "cache_dir",
    "grammar_text",
    "terminal_patterns",
    "without_groups",
]

#: The grammar files, by the name of the format they describe.
FORMATS = ("event", "article")

# os.path rather than importlib.resources and pathlib: those two imports cost more than a
# start that finds its parsers in the cache, and newswiki is only ever installed unpacked.
_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def grammar_text(name: str) -> str:
    """The text of ``grammars/<name>.lark``.

    Wheels carry the grammars inside the package (``newswiki/grammars``); an editable install
    reads them from the repository's top-level ``grammars/`` instead.
    """
    if name not in FORMATS:
        raise ValueError(f"no grammar for {name!r}; the formats are {FORMATS}")
    path = os.path.join(_PACKAGE, "grammars", f"{name}.lark")
    if not os.path.isfile(path):
        path = os.path.join(os.path.dirname(os.path.dirname(_PACKAGE)), "grammars", f"{name}.lark")
    with open(path, encoding="utf-8") as file:
        return file.read()


def without_groups(pattern: str) -> str:
    """``pattern`` with each capturing group made non-capturing: it matches the same text.

    A named group is a capturing group too.  A pattern with a backreference would match
    something else without its group, and is refused (``ValueError``; the grammars have none).
    """
    if "(?P=" in pattern:
        raise ValueError(f"a backreference by name in {pattern!r}")
    out = []
    position, size = 0, len(pattern)
    in_class = False
    while position < size:
        char = pattern[position]
        if char == "\\":
            if not in_class and pattern[position + 1 : position + 2] in set("123456789"):
                raise ValueError(f"a backreference by number in {pattern!r}")
            out.append(pattern[position : position + 2])
            position += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            # A "]" right after "[" or "[^" is a character of the class, not its end.
            end = position + 1 + pattern.startswith("^", position + 1)
            end += pattern.startswith("]", end)
            out.append(pattern[position:end])
            position, in_class = end, True
            continue
        elif char == "(":
            if pattern.startswith("?P<", position + 1):
                char = "(?:"
                position = pattern.index(">", position)
            elif not pattern.startswith("?", position + 1):
                char = "(?:"
        out.append(char)
        position += 1
    return "".join(out)


class _UncheckedLark(lark.Lark):
    """Lark without the terminal checks it runs at every construction.

    With interegular installed, Lark compares every pair of terminals on each start, which
    costs more than the rest of building the parser.  The test suite builds each grammar with
    ``strict=True`` and runs those checks (and fails on any collision); a running program
    need not repeat them.
    """

    # A saved parser keeps its grammar too (Lark's cache_grammar), for terminal_patterns.
    __serialize_fields__ = [*lark.Lark.__serialize_fields__, "grammar"]  # noqa: RUF012 - as Lark

    def _build_parser(self) -> Any:
        self.lexer_conf.skip_validation = True
        return super()._build_parser()


def _lexer_without_groups(parser: lark.Lark) -> lark.Lark:
    """``parser``, its lexer's terminals made to capture no groups (before it first lexes).

    The lexer reads only where a token ends and which terminal it is (Lark's own named group
    around each terminal says so), never the groups inside, which newswiki reads with each
    terminal's own pattern (:func:`terminal_patterns`).  Python's regular-expression engine
    saves the bounds of every group at each branch and repetition: a token of twelve lines
    with a dozen groups each made it grow its stack, by copying, several times per token.
    Done on every parser built or read from the cache, whatever the cache holds.
    """
    for terminal in parser.lexer_conf.terminals:
        pattern = terminal.pattern
        if isinstance(pattern, lark.lexer.PatternRE):
            terminal.pattern = lark.lexer.PatternRE(
                without_groups(pattern.value), pattern.flags, pattern.raw
            )
    return parser


def cache_dir() -> str | None:
    """Where built parsers are kept between runs, or ``None`` when they are not kept.

    ``NEWSWIKI_CACHE_DIR`` chooses the directory; set to the empty string, it turns the cache
    off.  Otherwise it is the user's cache directory: ``$XDG_CACHE_HOME/newswiki`` (by default
    ``~/.cache/newswiki``), ``~/Library/Caches/newswiki`` on macOS and
    ``%LOCALAPPDATA%\\newswiki\\Cache`` on Windows.

    A directory that others may write to, or that belongs to another user, is not used: the
    cache files are pickles, which must come from a trusted hand.
    """
    chosen = os.environ.get("NEWSWIKI_CACHE_DIR")
    if chosen is not None:
        return chosen or None
    home = os.path.expanduser("~")
    if home == "~":  # no home directory to be found: nowhere to keep a cache
        return None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        return os.path.join(base, "newswiki", "Cache")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Caches", "newswiki")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
    return os.path.join(base, "newswiki")


# The options of every parser newswiki builds without ``strict``; part of the cache's key.
_OPTIONS: dict[str, Any] = {"parser": "lalr"}
# Options a saved parser leaves out, as Lark's cache does: they are given anew at every load
# (the transformer) or may hold objects that do not pickle.
_NOT_SAVED = frozenset({"transformer", "postlex", "lexer_callbacks", "edit_terminals"})
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# A named pipe in place of a cache file is opened without waiting for a writer (then refused).
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
# POSIX opens the cache folder once and its files relative to it; Windows, which cannot open
# a folder, keeps per-user folders and no permission bits to check, and opens them by name.
# (os.replace takes folders wherever os.rename does, but only os.rename is listed.)
_FOLDER_FD = hasattr(os, "O_DIRECTORY") and {os.open, os.rename, os.unlink} <= os.supports_dir_fd


def _cache_name(name: str, text: str) -> str:
    """The cache file's name for this grammar text, under this Python and this Lark.

    The file holds a longer key of the same (:func:`_cache_key`); naming the file by it as
    well lets two installations with different grammars share the folder without overwriting
    each other's parsers at every start.  (Older newswiki versions wrote ``.lark-cache``
    files, in Lark's own layout: a name of its own keeps the two from rebuilding each
    other's files when both are installed.)
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    python = "".join(map(str, sys.version_info[:2]))
    return f"{name}-{digest}-py{python}-lark{lark.__version__}.parser-cache"


def _cache_key(text: str) -> bytes:
    """The first line of a cache file: the grammar, the options, Lark's and Python's
    versions, hashed; a file with any other first line is not unpickled but rebuilt."""
    versions = f"{_OPTIONS!r} lark {lark.__version__} python {sys.version_info[:2]}"
    return hashlib.sha256(f"{text}\0{versions}".encode()).hexdigest().encode("ascii")


def _trusted(status: os.stat_result, kind: int) -> bool:
    """Whether an open file of type ``kind`` (``stat.S_IFREG``, ``stat.S_IFDIR``) is this
    user's and no one else may write to it, as ssh treats its keys: a cache file is a
    pickle, and unpickling runs code."""
    if stat.S_IFMT(status.st_mode) != kind:
        return False
    getuid = getattr(os, "getuid", None)  # POSIX only; Windows keeps per-user folders
    return getuid is None or (status.st_uid == getuid() and not status.st_mode & 0o022)


def _make_private_folders(path: str) -> None:
    """Create the folder ``path`` and every missing parent, each ``0o700``: private to this
    user whatever the umask (``os.makedirs`` gives the parents ``0o777`` less the umask)."""
    parent, child = os.path.split(path)
    if not child:  # "a/cache/" is the folder "a/cache", whose parent is "a"
        parent, child = os.path.split(parent)
    if parent and child and not os.path.isdir(parent):
        _make_private_folders(parent)
    with contextlib.suppress(FileExistsError):  # made meanwhile by another process
        os.mkdir(path, 0o700)


class _CacheFolder:
    """The cache folder, checked once and used as checked.

    On POSIX the folder is opened once, without following a link in its last step, its open
    descriptor is checked, and every file is opened, renamed and removed relative to that
    descriptor: whoever may write to the folder's parent can swap the folder for another
    after the check, and newswiki still reads the folder it checked.
    """

    def __init__(self, path: str, fd: int | None) -> None:
        self.path = path
        self.fd = fd

    @classmethod
    def open(cls, path: str) -> _CacheFolder | None:
        """The folder ``path``, made (private) when missing; ``None`` when it cannot be made
        or opened, or is not trusted: then there is no cache."""
        try:
            _make_private_folders(path)
            if not _FOLDER_FD:
                return cls(path, None) if _trusted(os.stat(path), stat.S_IFDIR) else None
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW | _CLOEXEC)
        except OSError:  # read-only home, a file or a link in the way: parse without a cache
            return None
        folder = cls(path, fd)
        if not _trusted(os.fstat(fd), stat.S_IFDIR):
            folder.close()
            return None
        return folder

    def open_file(self, name: str, flags: int) -> int:
        """``name`` in this folder, opened with ``flags`` (new files private), never through
        a link."""
        if self.fd is None:
            return os.open(os.path.join(self.path, name), flags | _NOFOLLOW | _CLOEXEC, 0o600)
        return os.open(name, flags | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=self.fd)

    def replace(self, source: str, target: str) -> None:
        """Rename ``source`` over ``target`` in this folder, in one step."""
        if self.fd is None:
            os.replace(os.path.join(self.path, source), os.path.join(self.path, target))
        else:
            os.replace(source, target, src_dir_fd=self.fd, dst_dir_fd=self.fd)

    def remove(self, name: str) -> None:
        """Remove ``name`` from this folder, if it is there."""
        with contextlib.suppress(FileNotFoundError):
            if self.fd is None:
                os.unlink(os.path.join(self.path, name))
            else:
                os.unlink(name, dir_fd=self.fd)

    def close(self) -> None:
        """Close the folder."""
        if self.fd is not None:
            os.close(self.fd)


def build_parser(
    name: str,
    transformer: lark.Transformer[Any, Any] | None = None,
    *,
    strict: bool = False,
    cache: bool = False,
) -> lark.Lark:
    """An LALR parser for ``name``; with ``transformer``, it builds objects while it parses.

    ``strict=True`` makes Lark check the grammar for terminal collisions (it needs
    ``lark[interegular]``); the default skips the checks, which the tests run.

    ``cache=True`` (not with ``strict``) keeps the analysed grammar in :func:`cache_dir`, in
    the form of Lark's own cache, and reads it back on later starts, which is some 40 times
    faster than building it.  A cache file that is missing, stale or unreadable is rebuilt; a
    folder that cannot be written only means no cache.

    The cache file is a pickle, and reading a pickle runs code, so only a file this user owns
    and no one else may write to, in such a folder, is read (any other is rebuilt over).  The
    folders newswiki creates are private (``0o700``, whatever the umask) and so are the files
    (``0o600``), written whole to a temporary file and renamed into place, so no reader ever
    meets half a file.  The file is opened once, without following links, in the folder as it
    was checked, checked as opened, and unpickled from that open file: no one can swap it, or
    the folder, between the check and the read.
    """
    text = grammar_text(name)
    if strict:
        return lark.Lark(text, parser="lalr", transformer=transformer, strict=True)
    directory = cache_dir() if cache else None
    folder = None if directory is None else _CacheFolder.open(directory)
    if folder is None:
        return _lexer_without_groups(_UncheckedLark(text, transformer=transformer, **_OPTIONS))
    try:
        parser = _cached(folder, _cache_name(name, text), text, transformer)
    finally:
        folder.close()
    return _lexer_without_groups(parser)


def _cached(
    folder: _CacheFolder, name: str, text: str, transformer: lark.Transformer[Any, Any] | None
) -> lark.Lark:
    """The parser read from the cache file ``name`` in ``folder``, or built and written
    there when that file is missing, stale, broken or not trusted."""
    key = _cache_key(text)
    parser = _load(folder, name, key, transformer)
    if parser is None:
        parser = _UncheckedLark(text, transformer=transformer, **_OPTIONS)
        with contextlib.suppress(OSError):  # a cache that cannot be written costs only time
            _save(folder, name, key, parser)
    return parser


def _load(
    folder: _CacheFolder, name: str, key: bytes, transformer: lark.Transformer[Any, Any] | None
) -> lark.Lark | None:
    """The parser in the cache file ``name``, if this user owns it, no one else may write
    to it, and it holds a parser of this grammar; else ``None``."""
    try:
        fd = folder.open_file(name, os.O_RDONLY | _NONBLOCK)
    except OSError:  # missing, a link planted in its place, ...
        return None
    if not _trusted(os.fstat(fd), stat.S_IFREG):  # before fdopen, which refuses a folder
        os.close(fd)
        return None
    with os.fdopen(fd, "rb") as file:
        if file.readline() != key + b"\n":
            return None
        parser = _UncheckedLark.__new__(_UncheckedLark)
        try:
            # What Lark(cache=...) does with a file it trusts, here from the file opened.
            return parser._load(file, transformer=transformer)
        except Exception:  # half written, or from another world: rebuild it
            return None


def _save(folder: _CacheFolder, name: str, key: bytes, parser: lark.Lark) -> None:
    """Write ``parser`` to the cache file ``name``: to a private temporary file of this
    process first, renamed over ``name`` when whole."""
    temporary = f".{name}.{os.urandom(4).hex()}.tmp"
    fd = folder.open_file(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(key + b"\n")
            parser.save(file, _NOT_SAVED)
        folder.replace(temporary, name)
    except BaseException:
        folder.remove(temporary)
        raise


def terminal_patterns(parser: lark.Lark) -> dict[str, re.Pattern[str]]:
    """Every terminal the grammar defines, compiled on its own to read the groups of its text.

    This includes the one-line terminals that the coarse tokens are made of (``SOURCE_ITEM``
    inside ``SOURCE_ITEMS``): the rules do not use them, so Lark's lexer leaves them out.
    """
    names = {name for name, _ in parser.grammar.term_defs}
    terminals, _, _ = parser.grammar.compile(parser.options.start, names)
    return {t.name: re.compile(t.pattern.to_regexp()) for t in terminals}
