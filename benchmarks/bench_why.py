"""newswiki beside what a user would otherwise reach for: what each reads, misses, and how fast.

For each format three readers take the same texts:

- events: newswiki, a hand-written regular-expression reader and markdown-it-py's tokens;
- articles: newswiki, a hand-written regular-expression reader and mwparserfromhell's wikicode.

Each reader is what a careful user would write in a few lines (see the functions below).  The
script measures, and prints as tables:

- **fields**: how many of the sample's values the reader gets right (newswiki's values are the
  reference, and the script checks them against the file by hand-picked literals first);
- **broken files**: how many broken copies of the sample the reader notices (raises, or finds a
  required value missing), and how many of those it can place on a line;
- **typed values**: whether the event's date is a :class:`datetime.date` and the related
  events' dates are read; whether the article's sections come as a tree;
- **round trip and edit**: whether the reader writes the text back unchanged, and how many lines
  change when one value is edited (a related event's tags, an infobox value);
- **speed**: documents per second on the generated corpus, as a multiple of newswiki's
  ``loads``, all round-robin in one process.

It prints; it asserts nothing about time.  Run from the repository root::

    python benchmarks/bench_why.py            # about a minute
    python benchmarks/bench_why.py --quick    # seconds (CI smoke run)

The peers come from the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import attrs
import corpus
import harness

import newswiki

__all__ = ["Reader", "articles", "events", "main"]

Fields = dict[str, Any]


@dataclass
class Reader:
    """One way of reading a format: a name, a reader, and a writer of edits if it has one."""

    name: str
    read: Callable[[str], Fields]
    #: The text with the sample's one edit applied, or ``None``: no way to write text back.
    edit: Callable[[str], str | None]
    #: The text written back from what ``read`` made, or ``None`` when it cannot write.
    write: Callable[[str], str | None]
    #: The line of the first problem in a broken text, when the reader can tell.
    line_of_error: Callable[[str], int | None]
    seconds: list[float] = field(default_factory=list)


class Missing(Exception):
    """A reader found a required value missing (it noticed the file is broken)."""


def _need(value: Any) -> Any:
    if value is None or value == [] or value == "":
        raise Missing
    return value


def _nothing(_: str) -> None:
    return None


# -- events -----------------------------------------------------------------------------------

EVENT_EDIT = ("policemen", "police officers")  # the tags of related event 1: one tag renamed

_DATE = re.compile(r"^### \[(\d{4}-\d{2}-\d{2})\]\(([^)\s]*)\)", re.MULTILINE)
_HEADLINE = re.compile(r"^# (.+?) *$", re.MULTILINE)
_SOURCE = re.compile(r"^\d+\. \[([^\]]+)\]\((\S+)\)$", re.MULTILINE)
_RELATED = re.compile(r"^\d+\. \[(.+?) ?\]\((\S+)\) _Context: (.*)_$", re.MULTILINE)


def _regex_event(text: str) -> Fields:
    date = _DATE.search(text)
    headline = _HEADLINE.search(text)
    sources = text.split("### Source:", 1)[-1].split("### Related:", 1)[0]
    related = list(_RELATED.finditer(text))
    return {
        "date": _need(date and date.group(1)),
        "headline": _need(headline and headline.group(1)),
        "sources": [m.group(1) for m in _SOURCE.finditer(sources)],
        "related": [(m.group(2), m.group(3).split(", ")) for m in related],
        "related dates": None,
        "position": _line(text, related[2].start()) if len(related) > 2 else None,
    }


def _line(text: str, offset: int) -> int:
    """The 1-based line of ``offset``: what a regex reader can say of where a match is."""
    return text.count("\n", 0, offset) + 1


def _regex_event_edit(text: str) -> str:
    old, new = EVENT_EDIT
    first = _RELATED.search(text)
    assert first is not None
    line = first.group(0)
    return text.replace(line, line.replace(f", {old}_", f", {new}_"), 1)


def _markdown_it_event(text: str) -> Fields:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt().parse(text)
    headings = [
        (tokens[i].tag, tokens[i + 1].content)
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
    h3 = [content for tag, content in headings if tag == "h3"]
    date = re.match(r"\[(\d{4}-\d{2}-\d{2})\]", h3[0]) if h3 else None
    h1 = [content for tag, content in headings if tag == "h1"]
    inline = [t for t in tokens if t.type == "inline" and t.level == 3]
    items = [t.content for t in inline]
    sources = [re.match(r"\[([^\]]+)\]", item) for item in items if "_Context:" not in item]
    related = [re.match(r"\[.*\]\((\S+)\) _Context: (.*)_", item) for item in items]
    # Block tokens carry their lines (``token.map``, 0-based, end exclusive).
    maps = [t.map for t in inline if "_Context:" in t.content]
    return {
        "date": _need(date and date.group(1)),
        "headline": _need(h1[0] if h1 else None),
        "sources": [m.group(1) for m in sources if m],
        "related": [(m.group(1), m.group(2).split(", ")) for m in related if m],
        "related dates": None,
        "position": maps[2][0] + 1 if len(maps) > 2 and maps[2] else None,
    }


def _newswiki_event(text: str) -> Fields:
    event = newswiki.loads(text)
    assert isinstance(event, newswiki.Event)
    return {
        "date": event.date,
        "headline": event.headline,
        "sources": [s.name for s in event.sources],
        "related": [(r.path, list(r.context)) for r in event.related],
        "related dates": [r.date for r in event.related],
        "position": _first_line(event.related[2]),
    }


def _first_line(node: object) -> int | None:
    span = newswiki.position(node)
    return None if span is None else span.first


def _newswiki_event_edit(text: str) -> str:
    old, new = EVENT_EDIT
    event = newswiki.parse_event(text)
    first = event.related[0]
    tags = tuple(new if tag == old else tag for tag in first.context)
    related = (attrs.evolve(first, context=tags), *event.related[1:])
    return newswiki.dumps(attrs.evolve(event, related=related))


def _newswiki_line(text: str) -> int | None:
    try:
        newswiki.loads(text)
    except newswiki.ParseError as error:
        return error.line
    return None


def _newswiki_write(text: str) -> str:
    return newswiki.dumps(newswiki.loads(text))


def _typed_event(fields: Fields) -> bool:
    dates = fields["related dates"]
    return isinstance(fields["date"], datetime.date) and bool(dates) and None not in dates


def _readers(
    ours: tuple[Callable[[str], Fields], Callable[[str], str]],
    regex: tuple[Callable[[str], Fields], Callable[[str], str]],
    peer: Reader,
) -> list[Reader]:
    """newswiki's reader and the regex reader of a format (each a reader and an editor), then
    the peer's.  The regex reader never rebuilds the text: it writes back what it was given."""
    return [
        Reader("newswiki", *ours, _newswiki_write, _newswiki_line),
        Reader("hand-written regex", *regex, lambda text: text, _nothing),
        peer,
    ]


def events() -> tuple[list[Reader], Callable[[Fields], bool]]:
    """The event readers, and the test of typed values."""
    peer = Reader("markdown-it-py", _markdown_it_event, _nothing, _nothing, _nothing)
    ours = (_newswiki_event, _newswiki_event_edit)
    return _readers(ours, (_regex_event, _regex_event_edit), peer), _typed_event


def broken_events(text: str) -> dict[str, str]:
    """Broken copies of an event, each with one mistake a real archive holds."""
    lines = text.split("\n")
    headline = next(i for i, line in enumerate(lines) if line.startswith("# "))
    return {
        "headline line lost": "\n".join(lines[:headline] + lines[headline + 1 :]),
        "impossible date": text.replace("2016-07-18", "2016-02-30", 1),
        "source without its link": text.replace("1. [RT](", "1. [RT] (", 1),
        "source heading misspelt": text.replace("### Source:", "### Sources:", 1),
        "related line cut short": re.sub(
            r"\) _Context: [^\n]*_\n", ") _Context: \n", text, count=1
        ),
        "date line without its link": text.replace("](/news/2016/07/18/index.md)", "]", 1),
    }


# -- articles ---------------------------------------------------------------------------------

ARTICLE_EDIT = ("Injuries", "40 or more")

_TITLE = re.compile(r"^= (.+) =$", re.MULTILINE)
_FIELD = re.compile(r"^- ([^:\n]+): (.*)$", re.MULTILINE)
_HEADING = re.compile(r"^(={2,6})(.+?)\1$", re.MULTILINE)


def _regex_article(text: str) -> Fields:
    title = _TITLE.search(text)
    infobox = text.split("\nInfobox\n", 1)[1].split("\n\n", 1)[0] if "\nInfobox\n" in text else ""
    headings = list(_HEADING.finditer(text))
    top = [m for m in headings if m.group(1) == "=="]  # the second top-level section
    return {
        "title": _need(title and title.group(1)),
        "infobox": dict(m.groups() for m in _FIELD.finditer(infobox)),
        "sections": [m.group(2).strip() for m in headings],
        "tree": None,
        "position": _line(text, top[1].start()) if len(top) > 1 else None,
    }


def _regex_article_edit(text: str) -> str:
    key, value = ARTICLE_EDIT
    return re.sub(rf"^- {key}: .*$", f"- {key}: {value}", text, count=1, flags=re.MULTILINE)


def _mwparser_article(text: str) -> Fields:
    import mwparserfromhell

    code = mwparserfromhell.parse(text)
    headings = code.filter_headings()
    titles = [str(h.title).strip() for h in headings if h.level == 1]
    tree = []
    for section in code.get_sections(levels=[2]):  # each with its subsections' text
        top, *inner = section.filter_headings()
        tree.append((str(top.title).strip(), [str(h.title).strip() for h in inner]))
    return {
        "title": _need(titles[0] if titles else None),
        # The infobox is "- key: value" lines, no {{template}}: wikicode sees plain text.
        "infobox": {},
        "sections": [str(h.title).strip() for h in headings if h.level > 1],
        "tree": tree,
        "position": None,  # wikicode nodes do not know where they were read
    }


def _mwparser_write(text: str) -> str:
    import mwparserfromhell

    return str(mwparserfromhell.parse(text))


def _mwparser_edit(text: str) -> str | None:
    import mwparserfromhell

    key, value = ARTICLE_EDIT
    code = mwparserfromhell.parse(text)
    for node in code.filter_text():
        if f"- {key}: " in node.value:
            node.value = re.sub(rf"- {key}: .*", f"- {key}: {value}", node.value, count=1)
            return str(code)
    return None


def _newswiki_article(text: str) -> Fields:
    article = newswiki.loads(text)
    assert isinstance(article, newswiki.Article)
    return {
        "title": article.title,
        "infobox": {f.key: f.value for f in article.infobox.fields} if article.infobox else {},
        "sections": [section.title for _, section in article.walk()],
        "tree": [(s.title, [sub.title for sub in s.subsections]) for s in article.sections],
        "position": _first_line(article.sections[1]) if len(article.sections) > 1 else None,
    }


def _newswiki_article_edit(text: str) -> str:
    key, value = ARTICLE_EDIT
    article = newswiki.parse_article(text)
    assert article.infobox is not None
    fields = tuple(
        attrs.evolve(f, value=value) if f.key == key else f for f in article.infobox.fields
    )
    infobox = attrs.evolve(article.infobox, fields=fields)
    return newswiki.dumps(attrs.evolve(article, infobox=infobox))


def _typed_article(fields: Fields) -> bool:
    return bool(fields["tree"]) and any(subs for _, subs in fields["tree"])


def articles() -> tuple[list[Reader], Callable[[Fields], bool]]:
    """The article readers, and the test of typed values."""
    peer = Reader("mwparserfromhell", _mwparser_article, _mwparser_edit, _mwparser_write, _nothing)
    ours = (_newswiki_article, _newswiki_article_edit)
    return _readers(ours, (_regex_article, _regex_article_edit), peer), _typed_article


def broken_articles(text: str) -> dict[str, str]:
    """Broken copies of an article, each with one mistake a real archive holds."""
    return {
        "infobox field without ': '": text.replace("- Injuries: 40+", "- Injuries 40+", 1),
        "heading marks unbalanced": text.replace("==Background==", "==Background===", 1),
        "title line cut short": text.replace(
            "= 2016 Aktobe shootings =", "= 2016 Aktobe shootings", 1
        ),
        "heading seven levels deep": text.replace("==Background==", "=======Background=======", 1),
        "infobox not closed by a blank line": text.replace("\n\n", "\n", 2),
    }


# -- measuring --------------------------------------------------------------------------------


# The values every reader is scored on; the typed extras (dates of related events, the section
# tree) have a column of their own.
SCORED = ("date", "headline", "sources", "related", "title", "infobox", "sections")


def _plain(value: Any) -> Any:
    """``value`` with dates as ISO text: a date read as text is still read right."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _score(reader: Reader, sample: str, reference: Fields) -> int:
    try:
        found = reader.read(sample)
    except Exception:
        return 0
    return sum(_plain(found.get(key)) == _plain(reference[key]) for key in reference)


def _verdict(reader: Reader, text: str) -> str:
    """What ``reader`` makes of a broken ``text``: ``line N``, ``noticed`` or ``missed``."""
    try:
        reader.read(text)
    except Exception:
        line = reader.line_of_error(text)
        return "noticed" if line is None else f"line {line}"
    return "missed"


def _caught(reader: Reader, broken: dict[str, str]) -> tuple[int, int]:
    verdicts = [_verdict(reader, text) for text in broken.values()]
    noticed = sum(verdict != "missed" for verdict in verdicts)
    return noticed, sum(verdict.startswith("line") for verdict in verdicts)


def _round_trip(written: str | None, sample: str) -> str:
    if written is None:
        return "cannot write"
    return "exact" if written == sample else "changed"


def _changed_lines(old: str, new: str) -> int:
    diff = difflib.unified_diff(old.split("\n"), new.split("\n"), lineterm="", n=0)
    return sum(1 for line in diff if line.startswith("-") and not line.startswith("---"))


def _speed(readers: list[Reader], texts: list[str], rounds: int) -> None:
    """Seconds per pass over ``texts`` for every reader, round-robin in slices."""
    for reader in readers:
        for text in texts[:3]:
            reader.read(text)  # warm-up: lazily built parsers, imports
    parts = min(10, len(texts))
    for round_number in range(rounds):
        totals = dict.fromkeys(range(len(readers)), 0.0)
        for part in range(parts):
            chunk = texts[part * len(texts) // parts : (part + 1) * len(texts) // parts]
            order = list(range(len(readers)))
            shift = (round_number + part) % len(readers)
            for index in order[shift:] + order[:shift]:
                read = readers[index].read
                start = time.perf_counter()
                for text in chunk:
                    read(text)
                totals[index] += time.perf_counter() - start
        for index, reader in enumerate(readers):
            reader.seconds.append(totals[index])


def report(
    title: str,
    sample: str,
    make: Callable[[], tuple[list[Reader], Callable[[Fields], bool]]],
    broken: dict[str, str],
    edited_value: Callable[[str], bool],
    texts: list[str],
    rounds: int,
) -> None:
    """Measure every reader of one format and print the table."""
    readers, typed = make()
    ours = readers[0].read(sample)
    reference = {k: v for k, v in ours.items() if k in SCORED}
    where = ours["position"]
    _speed(readers, texts, rounds)
    baseline = readers[0].seconds
    rows = []
    for reader in readers:
        noticed, placed = _caught(reader, broken)
        written = reader.write(sample)
        edited = reader.edit(sample)
        if edited is None or not edited_value(edited):
            edit = "cannot write"
        else:
            edit = f"{_changed_lines(sample, edited)} line"
        try:
            found = reader.read(sample)
        except Exception:
            found = {}
        is_typed = bool(found) and typed(found)
        placed_value = found.get("position") == where
        per_round = [s / mine for s, mine in zip(reader.seconds, baseline, strict=True)]
        speed = 1 / harness.median(per_round)
        rows.append(
            [
                reader.name,
                f"{_score(reader, sample, reference)} of {len(reference)}",
                f"{noticed} of {len(broken)}",
                f"{placed} of {len(broken)}",
                f"line {where}" if placed_value else "no",
                "yes" if is_typed else "no",
                "cannot write"
                if written is None
                else ("exact" if written == sample else "changed"),
                edit,
                f"{speed:.2f}x",
            ]
        )
    print(f"\n## {title}\n")
    header = [
        "reader",
        "fields right",
        "broken files noticed",
        "with the line",
        "line of a value",
        "typed values",
        "round trip",
        "one edit changes",
        "speed vs newswiki",
    ]
    harness.print_table(header, rows)
    print()
    rows = [[name, *(_verdict(r, text) for r in readers)] for name, text in broken.items()]
    harness.print_table(["broken copy", *(r.name for r in readers)], rows)


def _event_edited(text: str) -> bool:
    event = newswiki.loads(text)
    return isinstance(event, newswiki.Event) and EVENT_EDIT[1] in event.related[0].context


def _article_edited(text: str) -> bool:
    article = newswiki.loads(text)
    key, value = ARTICLE_EDIT
    infobox = article.infobox if isinstance(article, newswiki.Article) else None
    return infobox is not None and any(f.key == key and f.value == value for f in infobox.fields)


def _check_reference() -> None:
    """newswiki's reading of the samples, which the table scores the others against, checked
    against literals read off the files by eye."""
    event = _newswiki_event(corpus.EVENT_SAMPLE.read_text(encoding="utf-8"))
    assert event["date"] == datetime.date(2016, 7, 18)
    assert event["sources"] == ["RT"]
    assert event["related"][0][1] == ["Kazakhstan", "policemen"]
    assert event["position"] == 16  # the third related event
    article = _newswiki_article(corpus.ARTICLE_SAMPLE.read_text(encoding="utf-8"))
    assert article["title"] == "2016 Aktobe shootings"
    assert article["infobox"]["Injuries"] == "40+"
    assert article["sections"][:3] == ["Background", "Shootings", "Initial shootings"]
    assert article["position"] == 20  # the second top-level section: ==Shootings==


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: corpus size and rounds, or ``--quick`` for a smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=600, help="events in the speed corpus")
    parser.add_argument("--articles", type=int, default=200, help="articles in the speed corpus")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the speed run")
    return harness.command_line(parser, argv, {"events": 20, "articles": 8, "rounds": 2})


def main(argv: list[str] | None = None) -> None:
    """Measure both formats and print the two tables."""
    args = parse_args(argv)
    print(f"# newswiki beside the alternatives: {harness.subject()}\n\n{harness.machine()}")
    _check_reference()
    event = corpus.EVENT_SAMPLE.read_text(encoding="utf-8")
    article = corpus.ARTICLE_SAMPLE.read_text(encoding="utf-8")
    event_texts, article_texts = corpus.mixed_corpus(args.events, args.articles, args.seed)
    print(
        f"\nSpeed: {len(event_texts)} generated events and {len(article_texts)} articles,"
        f" {args.rounds} rounds round-robin, medians of per-round ratios."
    )
    report(
        "Events: dated-event markdown",
        event,
        events,
        broken_events(event),
        _event_edited,
        event_texts,
        args.rounds,
    )
    report(
        "Articles: wiki text",
        article,
        articles,
        broken_articles(article),
        _article_edited,
        article_texts,
        args.rounds,
    )


if __name__ == "__main__":
    main()
