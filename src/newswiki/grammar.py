"""The Lark grammars in ``grammars/``: finding them and building their parsers."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import stat
import sys
from typing import IO, Any

import lark

from newswiki.files import Replacement

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


def _cache_file(name: str, text: str) -> str | None:
    """The cache file for this grammar text, under this Python and this Lark, if any.

    Lark checks a hash of the grammar inside the file too; naming the file by it as well lets
    two installations with different grammars share the directory without overwriting each
    other's parsers at every start.
    """
    directory = cache_dir()
    if directory is None:
        return None
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        status = os.stat(directory)
    except OSError:  # read-only home, a file in the way: parse without a cache
        return None
    # Lark's cache is a pickle, and unpickling runs code: use only a directory that no one
    # but this user can write to (as ssh treats its keys), never a shared one such as /tmp.
    getuid = getattr(os, "getuid", None)  # POSIX only; Windows keeps per-user directories
    if getuid is not None and (status.st_uid != getuid() or status.st_mode & 0o022):
        return None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    python = "".join(map(str, sys.version_info[:2]))
    return os.path.join(directory, f"{name}-{digest}-py{python}-lark{lark.__version__}.lark-cache")


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

    ``cache=True`` (not with ``strict``) keeps the analysed grammar in :func:`cache_dir`, with
    Lark's own cache, and reads it back on later starts, which is some 40 times faster than
    building it.  A cache file that is missing, stale or unreadable is rebuilt; a directory
    that cannot be written only means no cache.

    The cache file is a pickle, and reading a pickle runs code, so only a file this user owns
    and no one else may write to is read (any other is rebuilt over), and a file is written
    private (``0o600``, whatever the umask) and atomically: to a temporary file renamed into
    place, so no reader ever meets half a file.
    """
    text = grammar_text(name)
    if strict:
        return lark.Lark(text, parser="lalr", transformer=transformer, strict=True)
    path = _cache_file(name, text) if cache else None
    return _lexer_without_groups(_unchecked(text, transformer, path))


def _unchecked(
    text: str, transformer: lark.Transformer[Any, Any] | None, path: str | None
) -> lark.Lark:
    """The parser without Lark's terminal checks, read from or kept in the cache file
    ``path`` when there is one."""
    if path is None:
        return _UncheckedLark(text, parser="lalr", transformer=transformer)
    try:
        # Lark hashes the name it is given into the cache's key: keep it the same.
        replacement = Replacement(path, mode=0o600, stable_name=True)
    except OSError:  # a cache directory that takes no new file: no cache
        return _UncheckedLark(text, parser="lalr", transformer=transformer)
    try:
        return _cached(text, transformer, path, replacement)
    finally:
        replacement.discard()


def _cached(
    text: str, transformer: lark.Transformer[Any, Any] | None, path: str, replacement: Replacement
) -> lark.Lark:
    """The parser, read from (or written to) a private copy of the cache file ``path`` in
    ``replacement``, which replaces ``path`` when Lark had to build the parser."""
    temporary = replacement.temporary
    if temporary is None:
        return _UncheckedLark(text, parser="lalr", transformer=transformer)
    copied = _copy_trusted(path, replacement.file)
    replacement.file.flush()
    before = os.fstat(replacement.file.fileno())
    # Lark reads the copy, and writes the parser it builds over it when the copy is missing,
    # stale or broken.  cache_grammar keeps the grammar itself too, for terminal_patterns.
    parser = _UncheckedLark(
        text, parser="lalr", transformer=transformer, cache=temporary, cache_grammar=True
    )
    after = os.fstat(replacement.file.fileno())
    if not copied or (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
        with contextlib.suppress(OSError):  # a cache that cannot be written costs only time
            replacement.commit()
    return parser


def _copy_trusted(path: str, into: IO[bytes]) -> bool:
    """Copy the cache file ``path`` into ``into`` if this user owns it and no one else may
    write to it; ``False`` (nothing copied) for any other file, or none."""
    try:
        with open(path, "rb") as file:
            status = os.fstat(file.fileno())  # of the file opened, not of a name swapped since
            getuid = getattr(os, "getuid", None)  # POSIX; Windows keeps per-user directories
            if not stat.S_ISREG(status.st_mode) or (
                getuid is not None and (status.st_uid != getuid() or status.st_mode & 0o022)
            ):
                return False
            shutil.copyfileobj(file, into)
    except OSError:
        return False
    return True


def terminal_patterns(parser: lark.Lark) -> dict[str, re.Pattern[str]]:
    """Every terminal the grammar defines, compiled on its own to read the groups of its text.

    This includes the one-line terminals that the coarse tokens are made of (``SOURCE_ITEM``
    inside ``SOURCE_ITEMS``): the rules do not use them, so Lark's lexer leaves them out.
    """
    names = {name for name, _ in parser.grammar.term_defs}
    terminals, _, _ = parser.grammar.compile(parser.options.start, names)
    return {t.name: re.compile(t.pattern.to_regexp()) for t in terminals}
