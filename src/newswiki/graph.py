"""The links of an archive: related events resolved to their files, topics to articles.

:class:`CorpusIndex` resolves the ``### Related:`` links between event files, reports the
dangling ones, finds the events of a day and the articles of a title, and joins the two
formats: every topic of an event (``2016 Aktobe shootings: ...``) to the article it names
(``= 2016 Aktobe shootings =``), and every article to its timeline of events.
"""

from __future__ import annotations

import datetime
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Literal, TypeVar, cast

import attrs

from newswiki.errors import printable
from newswiki.layout import LineLayout, position
from newswiki.model import (
    PADDING,
    Article,
    Document,
    Event,
    RelatedEvent,
    UndatedEvent,
    _related_date,
    _TupleOf,
)
from newswiki.parallel import FileError
from newswiki.parse import loads
from newswiki.text import split_topics
from newswiki.titles import title_key, topic_key
from newswiki.walk import _path_key

__all__ = ["CorpusIndex", "Link", "LinkStatus", "TopicLink", "TopicStatus"]

# YYYY/MM/D/NAME at the end of a link or a file path: the day and month are not always padded.
_DATED_NAME = re.compile(r"(?:^|/)(\d{4})/(\d{1,2})/(\d{1,2})/([^/]+)\Z")

_Key = tuple[int, int, int, str]
# Where a related link sits in its file: 1-based line and column, when known.
_Place = tuple[int, int] | None
_Links = tuple[tuple[str, _Place], ...]
# A topic of an event: the topic as written, the related item it leads (0: the headline),
# and the 1-based line and column where it starts, when known.
_Topic = tuple[str, int, int | None, int | None]
# What the index keeps of a document, small enough to travel from a worker process:
# ("event", date (None: undated), [(link path, place)], [topic]) or
# ("article", title, [section title], ()).
_Facts = tuple[str, object, tuple[object, ...], tuple[_Topic, ...]]
# The topics of an event as the index keeps them: the parts of every _Topic in one flat
# tuple (a tuple per topic would cost 48 bytes more each, a third of an event's share).
_Flat = tuple[str | int | None, ...]


def _flat(topics: tuple[_Topic, ...]) -> _Flat:
    flat: list[str | int | None] = []
    for topic, related, line, column in topics:
        # Topics repeat from event to event (a story's name): one string for each.
        flat += (sys.intern(topic), related, line, column)
    return tuple(flat)


def _unflat(flat: _Flat) -> Iterator[_Topic]:
    parts = iter(flat)
    return cast(Iterator[_Topic], zip(parts, parts, parts, parts, strict=True))


def _facts(document: Document) -> _Facts | None:
    if isinstance(document, (Event, UndatedEvent)):  # an undated event links all the same
        date = document.date if isinstance(document, Event) else None
        targets = (r.path for r in document.related)
        links = tuple(zip(targets, _link_places(document), strict=True))
        return "event", date, links, _topic_facts(document)
    if isinstance(document, Article):
        return "article", document.title, tuple(s.title for _, s in document.walk()), ()
    return None


def _value_start(
    layout: LineLayout | None, opening: str, canonical: int
) -> tuple[int | None, int | None]:
    """The line of a headline or related line, and the 1-based column where its value starts:
    after the line's first ``opening`` (``# `` or ``[``) and the padding there, or at column
    ``canonical`` of a line written canonically."""
    if layout is None or layout.line is None:
        return None, None
    text = layout.text
    if text is None:
        return layout.line, canonical
    column = text.index(opening) + len(opening)
    while column < len(text) and text[column] in PADDING:  # a space or two, if any
        column += 1
    return layout.line, column + 1


def _add_topics(topics: list[_Topic], text: str, related: int, layout: LineLayout | None) -> None:
    """Add the topics of a headline (``related`` 0) or a related item's title, with where
    each starts in the file."""
    found = split_topics(text)[0]
    if not found:
        return
    if related:  # "N. [" before the value on a canonical line, "# " before a headline
        line, column = _value_start(layout, "[", len(str(related)) + 4)
    else:
        line, column = _value_start(layout, "#", 3)  # "#Headline" too, read leniently
    for topic in found:
        topics.append((topic, related, line, column))
        if column is not None:
            column += len(topic) + 2  # the topic and its ": "


def _topic_facts(event: Event | UndatedEvent) -> tuple[_Topic, ...]:
    """The topics of an event's headline, then of each related item's title, with where each
    starts in the file."""
    topics: list[_Topic] = []
    layout = event.layout
    _add_topics(topics, event.headline, 0, None if layout is None else layout.headline)
    for number, item in enumerate(event.related, 1):
        _add_topics(topics, item.title, number, item.layout)
    return tuple(topics)


# A topic of an event, placed: the topic, the related item it leads (None: the headline), its
# 1-based position among the topics there, its line and column, and its day (the event's, or
# the date in its related item's path).
_Placed = tuple[str, int | None, int, int | None, int | None, datetime.date | None]


def _placed(
    date: datetime.date | None, links: _Links, topics: Iterable[_Topic]
) -> Iterator[_Placed]:
    """The topics of an event of ``date`` with related ``links``, placed."""
    rank, previous = 0, -1
    for topic, related, line, column in topics:
        rank = rank + 1 if related == previous else 1
        previous = related
        day = _related_date(links[related - 1][0]) if related else date
        yield topic, related or None, rank, line, column, day


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
            return f"resolves to {printable(self.resolved)}"
        if self.target_error is None:
            return "no such event file"
        error = self.target_error
        where = "" if error.line is None else f" (line {error.line}, column {error.column})"
        return f"{printable(error.filename)} exists but does not parse{where}: {error.message}"

    def __str__(self) -> str:
        where = _where(self.source, self.line, self.column)
        return f"{where}: related link to {printable(self.target)}: {self.why}"

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


# How many of an ambiguous topic's articles its message names (to_json gives them all).
_SHOWN_CANDIDATES = 10

#: What became of a topic: it names an article (and, for ``Title#Section``, a section of
#: it), no article has its title, the article has no such section, or several articles have
#: its title.
TopicStatus = Literal["resolved", "missing", "no-section", "ambiguous"]


@attrs.frozen(kw_only=True)
class TopicLink:
    """A topic of an event (``2016 Aktobe shootings: ...``) and the article it names.

    A topic names the article whose title has the same :func:`~newswiki.title_key` (the case
    of the first letter, ``_`` for a space, runs of spaces, entities and Unicode forms do not
    count), or, when no title has it, the article whose title differs from it in case alone
    (``Syrian civil war`` for ``Syrian Civil War``, as a wiki's redirect would).
    ``Title#Section`` names the section of that article, at any level, whose heading
    compares equal to ``Section`` the same way (the first such in file order).  A topic that
    is the whole title of an article (``C#``) names it, ``#`` and all; one whose title is
    blank (``#Section``, ``_``) names no article.  Two articles whose
    titles compare equal make the topic ambiguous: both are named, none is chosen.

    ``str(link)`` reads like a compiler message, ``FILE:LINE:COL: topic 'TOPIC': why``.
    """

    #: The event file holding the topic.
    source: str
    #: The topic as written, e.g. ``2016 Aktobe shootings``.
    topic: str
    #: The 1-based position, in the ``### Related:`` list, of the related item whose title
    #: the topic leads; ``None`` for a topic of the headline.
    related: int | None = None
    #: The 1-based place of the topic among the topics of its line (``Syrian Civil War:
    #: Syrian peace process: ...`` has 1 and 2).
    position: int = 1
    #: 1-based line of the headline or related line in ``source``, when known.
    line: int | None = None
    #: 1-based column where the topic starts on that line, when the line is known.
    column: int | None = None
    #: The day of the event the topic is about: the event's own date for a headline topic,
    #: the date in the related item's path for a related one (``None`` when it has none).
    date: datetime.date | None = None
    #: The article file it names; ``None`` when missing or ambiguous.
    article: str | None = None
    #: The heading of the section it names, as the article writes it; ``None`` when it
    #: names none or the article has no such section.
    section: str | None = None
    #: The article files whose titles all match, when ambiguous (none is chosen).
    candidates: tuple[str, ...] = attrs.field(default=(), converter=_TupleOf[str])
    #: ``"resolved"``, ``"missing"`` (no article has that title), ``"no-section"`` (the
    #: article exists, the section does not; :attr:`article` is set) or ``"ambiguous"``.
    status: TopicStatus = "missing"

    @property
    def why(self) -> str:
        """What became of the topic, in words."""
        if self.status == "ambiguous":
            # A few are enough to see why; all of them, for every topic, would make the
            # text grow with the square of an archive of look-alike titles.
            shown = ", ".join(map(printable, self.candidates[:_SHOWN_CANDIDATES]))
            more = len(self.candidates) - _SHOWN_CANDIDATES
            rest = f" and {more:,} more" if more > 0 else ""
            return f"names {len(self.candidates):,} articles: {shown}{rest}"
        if self.status == "missing":
            return "no article has that title"
        if self.status == "no-section":
            return f"{printable(str(self.article))} has no section {self.topic.partition('#')[2]!r}"
        section = "" if self.section is None else f", section {self.section!r}"
        return f"resolves to {printable(str(self.article))}{section}"

    def __str__(self) -> str:
        where = _where(self.source, self.line, self.column)
        item = "" if self.related is None else f" of related item {self.related}"
        return f"{where}: topic {self.topic!r}{item}: {self.why}"

    def to_json(self) -> dict[str, object]:
        """The topic link as a JSON object (``newswiki links --format jsonl`` writes one a
        line, with ``"kind": "topic"``)."""
        return {
            "source": self.source,
            "line": self.line,
            "column": self.column,
            "related": self.related,
            "position": self.position,
            "topic": self.topic,
            "date": None if self.date is None else self.date.isoformat(),
            "status": self.status,
            "article": self.article,
            "section": self.section,
            "candidates": list(self.candidates),
        }


def _where(source: str, line: int | None, column: int | None) -> str:
    """``FILE:LINE:COL`` of a message, or ``FILE`` when the place is not known."""
    name = printable(source)
    return name if line is None else f"{name}:{line}:{column}"


# What a topic resolves to: its status, article, section and candidates.
_Resolution = tuple[TopicStatus, str | None, str | None, tuple[str, ...]]
# Resolutions by topic as written, and by its keys (whole, title, section): see
# CorpusIndex._resolve_topic.
_Resolved = dict[str | tuple[str, str, str | None], _Resolution]


class CorpusIndex:
    """The links between the events of a corpus, and between its events and its articles.

    A related link ``/news/YYYY/MM/D/NAME`` points at the event file whose path ends in
    ``YYYY/MM/D/NAME``, where day and month compare as numbers (``/06/7/`` and ``/06/07/``
    are the same day), or, for event files kept outside such folders, at the file named
    ``NAME`` whose event has that date.  A link to a file of the corpus that does not parse
    is dangling too, and says why (:attr:`Link.target_error`).  The topics of each event
    (of its headline and of its related items' titles) name articles, as :class:`TopicLink`
    says; :meth:`timeline` turns that around, from an article to its events.

    Paths come back as they were added (for :meth:`Corpus.index`, as :func:`walk` spells
    them); a method that takes a file takes any spelling of it: relative or absolute,
    ``./x``, ``a/../x``, a symbolic link to it.  The index keeps paths, link targets and
    topics, not documents: about 4.7 KB for an event with ten related links, most of it
    their paths (its topics take 400 bytes of it); :func:`newswiki.load` a path to get its
    document back.  Beyond memory, join the Parquet tables of ``newswiki convert`` instead
    (see the docs).

    Build one with :meth:`Corpus.index`, or with :meth:`add` (and :meth:`add_error`) from
    documents at hand.
    """

    def __init__(self) -> None:
        self._events: dict[_Key, str] = {}
        self._days: dict[datetime.date, list[str]] = {}
        self._articles: dict[str, list[str]] = {}
        self._titled: dict[str, list[str]] = {}  # by title_key
        self._folded: dict[str, list[str]] = {}  # by title_key, case-folded
        self._sections: dict[str, tuple[str, ...]] = {}  # an article's headings, file order
        # (path, date, related links, topics) of each event, in the order added.
        self._records: list[tuple[str, datetime.date | None, _Links, _Flat]] = []
        self._failed: dict[_Key, FileError] = {}
        self._forget()
        #: Pairs ``(kept, ignored)`` of event files that claim the same link target.
        self.duplicates: list[tuple[str, str]] = []

    def _forget(self) -> None:
        """Drop what is worked out from the files when asked, as a file comes in."""
        self._backlinks: dict[str, list[Link]] | None = None
        self._timelines: dict[str, list[TopicLink]] | None = None
        self._positions: dict[str, int] | None = None  # an event's place in _records
        self._spellings: dict[str, str] | None = None  # real path -> path as added
        # An article's headings by key, and by case-folded key.
        self._headings: dict[str, tuple[dict[str, str], dict[str, str]]] = {}

    def __repr__(self) -> str:
        return f"<CorpusIndex: {self.events} events, {self.articles} articles>"

    @property
    def events(self) -> int:
        """How many event files were added."""
        return len(self._records)

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
        self._forget()
        kind, value, items, topics = facts
        if kind == "article":
            assert isinstance(value, str)
            self._articles.setdefault(value, []).append(path)
            title = title_key(value)
            self._titled.setdefault(title, []).append(path)
            self._folded.setdefault(title.casefold(), []).append(path)
            self._sections[path] = cast(tuple[str, ...], items)
            return
        day = value if isinstance(value, datetime.date) else None  # None: an undated event
        self._records.append((path, day, cast(_Links, items), _flat(topics)))
        name = path.replace(os.sep, "/")
        keys = {_dated_key(name)}
        if day is not None:  # found by its date too
            self._days.setdefault(day, []).append(path)
            keys.add((day.year, day.month, day.day, name.rsplit("/", 1)[-1]))
        for key in keys:
            if key is None:
                continue
            kept = self._events.setdefault(key, path)
            if kept != path:
                self.duplicates.append((kept, path))

    # -- files, spelled any way ---------------------------------------------------------------

    def _file(self, path: str | os.PathLike[str]) -> str | None:
        """The file as it was added, for any spelling of it; ``None`` for no file added."""
        text = os.fspath(path)
        if self._positions is None:
            self._positions = {record[0]: n for n, record in enumerate(self._records)}
        if text in self._positions or text in self._sections:
            return text
        if self._spellings is None:
            added = [*self._positions, *self._sections]
            self._spellings = {os.path.realpath(p): p for p in reversed(added)}
        try:
            return self._spellings.get(os.path.realpath(text))
        except ValueError:  # a NUL character: no file
            return None

    def _event_file(self, path: str | os.PathLike[str]) -> str:
        found = self._file(path)
        if found is None or found not in (self._positions or {}):
            raise KeyError(f"{os.fspath(path)!r} is no event file of the index")
        return found

    def _article_file(self, article: str | os.PathLike[str]) -> str:
        found = self._file(article)
        if found is not None and found in self._sections:
            return found
        if not isinstance(article, str):
            raise KeyError(f"{os.fspath(article)!r} is no article file of the index")
        titled = self._named(title_key(article))
        if not titled and found is not None:
            raise KeyError(f"{article!r} is an event file, and no article has that title")
        if not titled:
            raise KeyError(f"no article titled {article!r}, nor an article file of that name")
        if len(titled) > 1:
            raise ValueError(f"{len(titled)} articles are titled {article!r}: {', '.join(titled)}")
        return titled[0]

    # -- related links ------------------------------------------------------------------------

    def resolve(self, link: RelatedEvent | str) -> str | None:
        """The file of the event that ``link`` (a :class:`~newswiki.RelatedEvent` or its
        path) points at, or ``None`` when the corpus has none."""
        key = _dated_key(link.path if isinstance(link, RelatedEvent) else link)
        return None if key is None else self._events.get(key)

    def links(self) -> Iterator[Link]:
        """Every related link of every event, resolved, in the order the events were added."""
        for source, _, targets, _ in self._records:
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
        order the events were added.

        Raises:
            KeyError: ``path`` is no event file of the index.
        """
        path = self._event_file(path)
        if self._backlinks is None:
            self._backlinks = _grouped(self.links(), lambda link: link.resolved)
        return list(self._backlinks.get(path, ()))

    # -- topics -------------------------------------------------------------------------------

    def _heading(self, article: str, key: str) -> str | None:
        """The first heading of ``article`` whose key is ``key``; failing that, the first
        whose key differs from it in case alone."""
        headings = self._headings.get(article)
        if headings is None:
            exact: dict[str, str] = {}
            folded: dict[str, str] = {}
            for heading in self._sections[article]:
                exact.setdefault(title_key(heading), heading)
                folded.setdefault(title_key(heading).casefold(), heading)
            headings = self._headings[article] = exact, folded
        return headings[0].get(key) or headings[1].get(key.casefold())

    def _named(self, key: str) -> list[str]:
        """The articles whose title has the key ``key``; failing that, those whose title's
        key differs from it in case alone (``Syrian civil war`` for ``Syrian Civil War``)."""
        return self._titled.get(key) or self._folded.get(key.casefold(), [])

    def _resolve_topic(self, topic: str, resolved: _Resolved) -> _Resolution:
        """What ``topic`` names; ``resolved`` caches it by the topic as written and by its
        keys, so that the spellings of one title share one answer (and its candidates: an
        adversary's thousand spellings of a title a thousand articles share would otherwise
        cost a million)."""
        resolution = resolved.get(topic)
        if resolution is None:
            title, section = topic_key(topic)
            keys = title_key(topic), title, section
            resolution = resolved.get(keys)
            if resolution is None:
                resolution = resolved[keys] = self._resolve_keys(*keys)
            resolved[topic] = resolution
        return resolution

    def _resolve_keys(self, whole: str, title: str, section: str | None) -> _Resolution:
        if whole != title and whole in self._titled:  # an article whose title holds a "#"
            found, section = self._titled[whole], None
        elif title:
            found = self._named(title)
        else:  # "#", "#Section", "_": no page is named, though a title may be blank too
            found = []
        if not found:
            return "missing", None, None, ()
        if len(found) > 1:
            return "ambiguous", None, None, tuple(found)
        if section is None:
            return "resolved", found[0], None, ()
        heading = self._heading(found[0], section)
        return ("no-section" if heading is None else "resolved"), found[0], heading, ()

    def _topic_links(self, record: int, resolved: _Resolved) -> list[TopicLink]:
        """The topic links of the event ``self._records[record]``; ``resolved`` caches
        resolutions."""
        source, date, targets, topics = self._records[record]
        found: list[TopicLink] = []
        for topic, related, rank, line, column, day in _placed(date, targets, _unflat(topics)):
            status, article, section, candidates = self._resolve_topic(topic, resolved)
            found.append(
                TopicLink(
                    source=source,
                    topic=topic,
                    related=related,
                    position=rank,
                    line=line,
                    column=column,
                    date=day,
                    article=article,
                    section=section,
                    candidates=candidates,
                    status=status,
                )
            )
        return found

    def topics(self, event: str | os.PathLike[str]) -> list[TopicLink]:
        """The topic links of the event file ``event``: its headline's topics, in order, then
        those of its related items' titles.

        Raises:
            KeyError: ``event`` is no event file of the index.
        """
        path = self._event_file(event)
        assert self._positions is not None  # _event_file made them
        return self._topic_links(self._positions[path], {})

    def topic_links(self) -> Iterator[TopicLink]:
        """Every topic link of every event, in the order the events were added (for each,
        as :meth:`topics` gives them)."""
        resolved: _Resolved = {}
        for record in range(len(self._records)):
            yield from self._topic_links(record, resolved)

    def timeline(self, article: str | os.PathLike[str]) -> list[TopicLink]:
        """The topic links naming ``article`` (an article file, or its title compared as
        :func:`~newswiki.title_key` does), ordered by their :attr:`~TopicLink.date` (undated
        ones last), then by event file in :func:`walk` order: the story of the article, in
        order.

        A link's :attr:`~TopicLink.related` tells a headline's topic (``None``) from a
        related item's; a link whose section the article lacks (``"no-section"``) names the
        article all the same, and is part of its timeline.

        Raises:
            KeyError: no article file of the index, and no article with that title.
            ValueError: several articles have that title (give a file).
        """
        path = self._article_file(article)
        if self._timelines is None:
            self._timelines = _grouped(self.topic_links(), lambda link: link.article)
            for links in self._timelines.values():
                links.sort(key=_story_order)
        return list(self._timelines.get(path, ()))

    # -- days and titles ----------------------------------------------------------------------

    def event_files(self) -> list[str]:
        """The event files, in the order added."""
        return [record[0] for record in self._records]

    def events_on(self, day: datetime.date | str) -> list[str]:
        """The event files of ``day`` (a date or ``"YYYY-MM-DD"``), in the order added."""
        if isinstance(day, str):
            day = datetime.date.fromisoformat(day)
        return list(self._days.get(day, ()))

    def days(self) -> list[datetime.date]:
        """Every day that has events, in order."""
        return sorted(self._days)

    def articles_titled(self, title: str) -> list[str]:
        """The article files whose title is exactly ``title``, in the order added (see
        :meth:`timeline` for titles compared as wiki titles)."""
        return list(self._articles.get(title, ()))


_L = TypeVar("_L", Link, TopicLink)


def _grouped(links: Iterable[_L], file: Callable[[_L], str | None]) -> dict[str, list[_L]]:
    """``links`` by the file each leads to, leaving out those that lead to none."""
    found: dict[str, list[_L]] = {}
    for link in links:
        target = file(link)
        if target is not None:
            found.setdefault(target, []).append(link)
    return found


def _story_order(link: TopicLink) -> tuple[object, ...]:
    """Timeline order: by date (undated last), event file, headline before related items."""
    return (
        link.date is None,
        link.date or datetime.date.min,
        _path_key(link.source),
        link.related or 0,
        link.position,
    )
