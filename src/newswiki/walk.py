"""Walking an archive's folders: the files to read, in a stable, natural order.

:func:`walk` yields file paths lazily (``news/2016/06/7`` before ``news/2016/06/10``), so a
run over the same tree always sees the files in the same order.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import re
from collections.abc import Callable, Iterator, Sequence

__all__ = ["DEFAULT_EXCLUDE", "DEFAULT_INCLUDE", "natural_key", "walk"]

#: File names :func:`walk` reads inside folders (shell patterns on the base name).
DEFAULT_INCLUDE: tuple[str, ...] = ("*.md", "*.txt")
#: File names :func:`walk` skips inside folders: the archive's day pages ``index.md`` (they
#: list a day's events and are in neither format).  Files named explicitly are always read.
DEFAULT_EXCLUDE: tuple[str, ...] = ("index.md",)

_DIGITS = re.compile(r"(\d+)")
_GLOB_MAGIC = re.compile(r"[*?[]")


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
