"""Walking an archive's folders: the files to read, in a stable, natural order.

:func:`walk` yields file paths lazily (``news/2016/06/7`` before ``news/2016/06/10``), so a
run over the same tree always sees the files in the same order.
"""

from __future__ import annotations

import fnmatch
import functools
import glob
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence

__all__ = ["DEFAULT_EXCLUDE", "DEFAULT_INCLUDE", "Unreadable", "natural_key", "walk"]

#: File names :func:`walk` reads inside folders (shell patterns on the base name).
DEFAULT_INCLUDE: tuple[str, ...] = ("*.md", "*.txt")
#: File names :func:`walk` skips inside folders: the archive's day pages ``index.md`` (they
#: list a day's events and are in neither format).  Files named explicitly are always read.
DEFAULT_EXCLUDE: tuple[str, ...] = ("index.md",)

_DIGITS = re.compile(r"(\d+)")
_GLOB_MAGIC = re.compile(r"[*?[]")


class Unreadable(str):
    """A path :func:`walk` met but cannot give as a file to read: the path, and why not.

    It is the path itself (a ``str``, spelled as the other paths are), with :attr:`message`
    saying what is wrong with it: a folder that cannot be listed, a symbolic link that loops
    or leads nowhere, a named pipe, socket or device named like a file.  One such path in a
    stranger's folder is that path's error, not the end of the walk:
    :func:`~newswiki.corpus.map_files` gives it as that file's ``"read"`` error without
    opening it (a named pipe would wait for a writer forever).
    """

    #: Why the path cannot be read, e.g. ``"cannot read the folder: Permission denied"``.
    message: str

    def __new__(cls, path: str, message: str) -> Unreadable:
        self = super().__new__(cls, path)
        self.message = message
        return self

    def __reduce__(self) -> tuple[object, ...]:
        # The walk's paths travel to worker processes: keep the message on the way.
        return (type(self), (str(self), self.message))


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
    or a glob pattern (``news/2016/**/*.md``; ``**`` crosses folders but not links to
    them; the pattern takes the place of ``include``, and the files it matches whose names
    match ``exclude`` are skipped, so ``news/*/*/*/*.md`` leaves out the day pages).  Paths
    are yielded as the arguments spell them (``news/2016/7/x.md`` for ``news``).  Arguments
    are taken in the order given; inside a folder or a glob, paths are in natural order (see
    :func:`natural_key`), so a run over the same tree always sees the files in the same
    order.

    Every argument is checked before anything is yielded.  What a folder holds is a
    stranger's to choose: a path found inside a folder or by a glob that cannot be read as a
    file (a link that loops or leads nowhere, a named pipe; inside a folder, a folder that
    cannot be listed too) is yielded as an :class:`Unreadable` path saying why, and the walk
    goes on.  (A glob passes over the folders it cannot list without a word, as Python's
    ``glob`` does.)

    Raises:
        FileNotFoundError: an argument that is no file or folder, or a glob matching nothing.
    """
    roots: list[tuple[str, str]] = []
    for arg in dict.fromkeys(os.fspath(p) for p in paths):
        if os.path.isdir(arg):
            roots.append(("dir", arg))
        elif os.path.lexists(arg):  # a link that loops or leads nowhere: read, and say why
            roots.append(("file", arg))
        elif _GLOB_MAGIC.search(arg) and next(_glob(arg), None) is not None:
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
            matched = (
                _as_file(p, functools.partial(os.stat, p))
                for p in _glob(root)
                if not excluded(os.path.basename(p))
            )
            yield from sorted({p for p in matched if p is not None}, key=_path_key)
        else:
            yield from _walk_dir(root, included, excluded)


def _glob(pattern: str) -> Iterator[str]:
    """The paths ``pattern`` matches, spelled as ``glob.iglob(pattern, recursive=True)``
    spells them, but ``**`` does not follow links to folders, as the walk of a folder does
    not: Python's does, so three links to ``..`` in a stranger's folder made ``**`` match
    the same files without end.  (A ``*`` still goes through a link: it takes one level.)"""
    parts = pattern.split(os.sep)
    if "**" not in parts:
        yield from glob.iglob(pattern)
        return
    at = parts.index("**")
    prefix = os.sep.join(parts[:at]) or (os.sep if pattern.startswith(os.sep) else "")
    bases = glob.glob(prefix) if _GLOB_MAGIC.search(prefix) else [prefix]
    rest = os.sep.join(parts[at + 1 :])
    for base in bases:
        if not os.path.isdir(base or os.curdir):
            continue
        for folder in _folders(base):
            if rest:
                yield from _glob(os.path.join(glob.escape(folder), rest))
            else:  # "**" last: everything below, as glob gives it
                yield from glob.iglob(os.path.join(glob.escape(folder), "*"))


def _folders(base: str) -> Iterator[str]:
    """``base`` and every folder below it that is not hidden, links to folders not
    followed; folders that cannot be listed are passed over, as glob does."""
    stack = [base]
    while stack:
        folder = stack.pop()
        yield folder
        try:
            with os.scandir(folder or os.curdir) as entries:
                below = [
                    os.path.join(folder, entry.name)
                    for entry in entries
                    if not entry.name.startswith(".") and _is_itself(entry.is_dir)
                ]
        except OSError:
            continue
        stack.extend(below)


def _walk_dir(
    root: str, included: Callable[[str], object], excluded: Callable[[str], object]
) -> Iterator[str]:
    # Depth first with an explicit stack: one folder's listing in memory at a time.
    stack: list[Iterator[os.DirEntry[str] | Unreadable]] = [_listing(root)]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
        elif isinstance(entry, Unreadable):
            yield entry
        elif entry.name.startswith("."):
            continue
        elif _is_itself(entry.is_dir):
            stack.append(_listing(entry.path))
        elif included(entry.name) and not excluded(entry.name):
            # A plain file costs no system call (the listing says what it is); links and
            # the rest get a look at what they lead to.
            plain = _is_itself(entry.is_file)
            found = entry.path if plain else _as_file(entry.path, entry.stat)
            if found is not None:
                yield found


def _listing(folder: str) -> Iterator[os.DirEntry[str] | Unreadable]:
    """The entries of ``folder`` in natural order, or the folder as an :class:`Unreadable`
    path when it cannot be listed (no permission, swapped for a file since)."""
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda e: natural_key(e.name))
    except OSError as error:
        return iter([Unreadable(folder, f"cannot read the folder: {_reason(error)}")])
    return iter(listed)


def _is_itself(test: Callable[..., bool]) -> bool:
    """``entry.is_dir`` or ``entry.is_file`` of the entry itself, not of what a link leads
    to; ``False`` when it cannot be told (it went away since the listing: :func:`_as_file`
    says so)."""
    try:
        return test(follow_symlinks=False)
    except OSError:
        return False


def _as_file(path: str, status: Callable[[], os.stat_result]) -> str | None:
    """``path`` when it is a regular file or a link to one, ``None`` for a folder or a link
    to one, else an :class:`Unreadable` path saying why it cannot be read.

    ``status()`` is the status of the path, links followed.  Only regular files are given
    to read: opening a pipe named like a file would wait for a writer forever.
    """
    try:
        mode = status().st_mode
    except OSError as error:  # a link that loops or leads nowhere, or a file gone since
        return Unreadable(path, f"cannot read the file: {_reason(error)}")
    if stat.S_ISREG(mode):
        return path
    if stat.S_ISDIR(mode):
        return None
    kind = "a device"
    if stat.S_ISFIFO(mode):
        kind = "a named pipe"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    return Unreadable(path, f"cannot read the file: it is {kind}, not a regular file")


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
