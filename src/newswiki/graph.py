"""The links of an archive: related events resolved to their files, articles by title.

:class:`CorpusIndex` resolves the ``### Related:`` links between event files, reports the
dangling ones, and finds the events of a day and the articles of a title.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator
from typing import Literal

import attrs

from newswiki.layout import position
from newswiki.model import Article, Document, Event, RelatedEvent, UndatedEvent
from newswiki.parallel import FileError
from newswiki.parse import loads

__all__ = ["CorpusIndex", "Link", "LinkStatus"]

# YYYY/MM/D/NAME at the end of a link or a file path: the day and month are not always padded.
_DATED_NAME = re.compile(r"(?:^|/)(\d{4})/(\d{1,2})/(\d{1,2})/([^/]+)\Z")

_Key = tuple[int, int, int, str]
# Where a related link sits in its file: 1-based line and column, when known.
_Place = tuple[int, int] | None
# What the index keeps of a document: ("event", date (None: undated), [(link path, place)]) or
# ("article", title, ()).
_Facts = tuple[str, object, tuple[tuple[str, _Place], ...]]


def _facts(document: Document) -> _Facts | None:
    if isinstance(document, (Event, UndatedEvent)):  # an undated event links all the same
        date = document.date if isinstance(document, Event) else None
        targets = (r.path for r in document.related)
        return "event", date, tuple(zip(targets, _link_places(document), strict=True))
    if isinstance(document, Article):
        return "article", document.title, ()
    return None


def _link_places(event: Event | UndatedEvent) -> list[_Place]:
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
        self._links.append((path, links))
        name = path.replace(os.sep, "/")
        keys = {_dated_key(name)}
        if isinstance(value, datetime.date):  # not an undated event: found by its date too
            self._days.setdefault(value, []).append(path)
            keys.add((value.year, value.month, value.day, name.rsplit("/", 1)[-1]))
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
