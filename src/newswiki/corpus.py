"""Whole archives: walk folders in a stable order, parse files in parallel, link events.

An archive holds event files under ``news/YYYY/MM/D/*.md`` and articles beside them, often
millions of them.  This module reads such trees lazily:

- :func:`walk` yields file paths in a stable, natural order (``7`` before ``10``);
- :func:`map_files` runs a function over every file's bytes, in ``jobs`` worker processes,
  chunked, in order, and reports a failing file (even one whose worker process died) as a
  :class:`FileError` naming it instead of stopping or hanging;
- :class:`Corpus` yields ``(path, document)`` pairs, strict or lenient, collecting the errors
  of bad files (or raising at the first);
- :class:`CorpusIndex` resolves the ``### Related:`` links between event files, reports the
  dangling ones, finds the events of a day and the articles of a title, names the article
  each topic of an event is about (:class:`TopicLink`) and gives each article its timeline.

>>> from newswiki.corpus import Corpus
>>> for path, document in Corpus("examples"):
...     print(path, type(document).__name__)
examples/article-aktobe-shootings.txt Article
examples/event-almaty-2016-07-18.md Event
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, Literal, TypeVar, cast, overload

from newswiki.graph import CorpusIndex, Link, LinkStatus, TopicLink, TopicStatus, _index_facts
from newswiki.model import Article, Document, Event
from newswiki.parallel import (
    DEFAULT_CHUNKSIZE,
    Batch,
    CorpusError,
    ErrorKind,
    Failed,
    FileError,
    Ok,
    Outcome,
    _check,
    apply,
    map_batches,
    map_files,
)
from newswiki.parse import loads
from newswiki.walk import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, Unreadable, natural_key, walk

__all__ = [
    "DEFAULT_EXCLUDE",
    "DEFAULT_INCLUDE",
    "Batch",
    "Corpus",
    "CorpusError",
    "CorpusIndex",
    "ErrorKind",
    "Failed",
    "FileError",
    "Link",
    "LinkStatus",
    "Ok",
    "Outcome",
    "TopicLink",
    "TopicStatus",
    "Unreadable",
    "apply",
    "map_batches",
    "map_files",
    "natural_key",
    "walk",
]

T = TypeVar("T")
D = TypeVar("D", bound=Document)


def _parse_file(strict: bool, path: str, data: bytes) -> Document:
    return loads(data, strict=strict)


class Corpus(Generic[D]):
    """The event and article files under some folders, files or globs, parsed on demand.

    Iterating yields ``(path, document)`` in :func:`walk` order, lazily; each iteration
    walks and parses again.  In strict mode (the default) the documents are
    :class:`~newswiki.Event` and :class:`~newswiki.Article` objects; with ``strict=False``
    text that breaks the format is kept as :class:`~newswiki.Unparsed` lines, and a file in
    neither format comes as an :class:`~newswiki.UnparsedDocument`.

    With ``on_error="collect"`` (the default, as everywhere a corpus is read: see
    :ref:`bad-files`) bad files are skipped and their :class:`FileError` objects gathered in
    :attr:`errors`.  With ``on_error="raise"`` the first bad file stops the iteration: its
    :class:`~newswiki.ParseError` (naming the file) is raised, or a :class:`CorpusError` for
    a file that could not be read or whose worker died.

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

    >>> corpus = Corpus("examples", "README.md")
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
        on_error: Literal["raise", "collect"] = "collect",
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
        on_error: Literal["raise", "collect"] = "collect",
        include: Sequence[str] = DEFAULT_INCLUDE,
        exclude: Sequence[str] = DEFAULT_EXCLUDE,
        chunksize: int = DEFAULT_CHUNKSIZE,
    ) -> None: ...
    def __init__(
        self,
        *paths: str | os.PathLike[str],
        strict: bool = True,
        jobs: int | None = 1,
        on_error: Literal["raise", "collect"] = "collect",
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
        """Read every file once and build the :class:`CorpusIndex` of the corpus: its
        related links, and its topics with the articles they name.

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
