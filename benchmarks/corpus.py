"""Realistic synthetic corpora for the benchmarks, modelled on the two real samples.

The samples in ``tests/data`` give the vocabulary and the shapes: events with a topic-prefixed
headline that ends in a stray space, one or two body paragraphs, a source or two, and 5 to 15
related events whose titles end in a space before ``](`` (the real archive writes them so) and
whose paths do not always zero-pad the day; articles with a title, an infobox, a lead and 5 to 20
sections with subsections, occasional lists.  Text carries the mess of real files: mojibake
(``Kazakhstanâ€™s``), ``&nbsp;``, en dashes and other non-ASCII letters.

Everything is drawn from a seeded :class:`random.Random`, so a corpus is the same on every run.
Besides whole corpora (:func:`mixed_corpus`) the module makes single documents of a given size
for the size ladder (:data:`LADDER_KINDS`): growing articles and events, and the hard cases of
issue 4 (one huge line, tens of thousands of headings, deeply skipped heading levels, many broken
lines for lenient mode).

Run it to write a corpus to disk (``python benchmarks/corpus.py --out benchmarks/_corpus``).
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "BASELINE_LADDER",
    "COLLECTOR_LADDER",
    "EVENT_LADDER",
    "LADDER",
    "LADDER_KINDS",
    "LENIENT_KINDS",
    "SAMPLES",
    "WRITE_LADDERS",
    "Generator",
    "LadderKind",
    "mixed_corpus",
    "utf8_size",
]

#: The two real files the corpora imitate.
SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data"
EVENT_SAMPLE = SAMPLES / "event-almaty-2016-07-18.md"
ARTICLE_SAMPLE = SAMPLES / "article-aktobe-shootings.txt"

#: Sizes of the ladder, in bytes of UTF-8: 10 KB to 10 MB.
LADDER = (10_000, 100_000, 1_000_000, 10_000_000)

_WORD = re.compile(r"[^\s\[\]()#*=_]+")
_RELATED_TITLE = re.compile(r"\d+\. \[(.*)\]\(")
# Things real files hold that a clean generator would never write.
_MESS = ("â€™", "â€“", "&nbsp;", "–", "é", "ü", "ö", "Ä", "—", "“", "”", "«", "»", "Алматы", "東京")
_TAGS = (
    "Kazakhstan",
    "Almaty",
    "policemen",
    "Syria",
    "Russia",
    "Turkey",
    "Iran",
    "terrorism",
    "Aktobe",
    "elections",
    "United Nations",
    "earthquakes",
    "Brazil",
    "Côte d'Ivoire",
    "Japan",
)
_TOPICS = (
    "2016 Aktobe shootings",
    "Syrian Civil War",
    "Syrian peace process",
    "Kazakh protests",
    "United Nations Security Council election, 2016",
    "Brexit",
    "2016 Summer Olympics",
)
_KEYS = (
    "Title",
    "Location",
    "Target",
    "Date",
    "Type",
    "Fatalities",
    "Injuries",
    "Perps",
    "Coordinates",
    "TimeZone",
    "Image",
    "Weapons",
    "Motive",
)
_SITES = ("https://www.rt.com/news/", "https://www.bbc.co.uk/news/", "https://example.org/a?id=")


def utf8_size(text: str) -> int:
    """The size of ``text`` in bytes of UTF-8, the unit of every MB/s figure."""
    return len(text.encode("utf-8"))


def _sample_words() -> list[str]:
    """The words of the samples' prose: headline, body, related titles, article paragraphs."""
    words: list[str] = []
    for path in (EVENT_SAMPLE, ARTICLE_SAMPLE):
        for line in path.read_text(encoding="utf-8").splitlines():
            title = _RELATED_TITLE.match(line)
            if title:
                line = title.group(1)
            elif line.startswith(("#", "=", "- ", "1. [", "Infobox")):
                continue  # structure, not prose
            words.extend(_WORD.findall(line))
    # A word of punctuation alone could start a line as a list item ("- ").
    return [word for word in words if any(c.isalnum() for c in word)]


class Generator:
    """Makes valid events and articles of realistic shape from a seeded random source."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.words = _sample_words()
        # A pool of sentences keeps large documents cheap to make and still varied.
        self.sentences = [self._sentence() for _ in range(3000)]

    def _sentence(self) -> str:
        rng = self.rng
        words = rng.choices(self.words, k=rng.randint(6, 30))
        if rng.random() < 0.25:
            words[rng.randrange(len(words))] += rng.choice(_MESS)
        if rng.random() < 0.1:
            words.insert(rng.randrange(len(words)), f"19{rng.choice(('&nbsp;-', '&nbsp;'))}")
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def sentence(self) -> str:
        """One sentence from the pool."""
        return self.rng.choice(self.sentences)

    def prose(self, size: int) -> str:
        """Sentences on one line, at least ``size`` characters in all."""
        parts: list[str] = []
        total = 0
        while total < size:
            sentence = self.sentence()
            parts.append(sentence)
            total += len(sentence) + 1
        return " ".join(parts)

    def line(self, low: int, high: int) -> str:
        """A single line of prose between about ``low`` and ``high`` characters."""
        return self.prose(self.rng.randint(low, high))

    def title(self) -> str:
        """A headline: often led by topics (``Topic: ``), 60 to 260 characters."""
        rng = self.rng
        topics = rng.sample(_TOPICS, k=rng.choice((0, 1, 1, 1, 2)))
        return ": ".join([*topics, self.line(60, 200)])

    def tags(self) -> str:
        """A ``_Context: ..._`` tag list of one to three tags."""
        return ", ".join(self.rng.sample(_TAGS, k=self.rng.choice((1, 1, 2, 2, 3))))

    def related_line(self, number: int) -> str:
        """``N. [TITLE ](/news/YYYY/MM/D/slug.md) _Context: TAGS_``, as the archive writes it."""
        rng = self.rng
        title = self.title()
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()[:140]).strip("-")
        day = rng.randint(1, 28)
        path = f"/news/{rng.randint(2005, 2020)}/{rng.randint(1, 12):02d}/{day}/{slug}.md"
        space = " " if rng.random() < 0.95 else ""
        return f"{number}. [{title}{space}]({path}) _Context: {self.tags()}_"

    def event_head(self) -> list[str]:
        """The date line, headline and body of an event, as lines."""
        rng = self.rng
        year, month, day = rng.randint(2005, 2020), rng.randint(1, 12), rng.randint(1, 28)
        lines = [f"### [{year}-{month:02d}-{day:02d}](/news/{year}/{month:02d}/{day:02d}/index.md)"]
        lines += ["", f"# {self.title()}{' ' if rng.random() < 0.9 else ''}"]
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            lines += ["", self.line(100, 500)]
        return lines

    def event(self, related: int | None = None) -> str:
        """An event with one to three sources and ``related`` (default 5 to 15) related events."""
        rng = self.rng
        lines = self.event_head()
        lines += ["", "", "### Source:", ""]
        for number in range(1, rng.choice((1, 1, 2, 3)) + 1):
            lines.append(
                f"{number}. [{rng.choice(('RT', 'BBC', 'Reuters'))}]"
                f"({rng.choice(_SITES)}{rng.randint(10_000, 999_999)}-news_(x)/)"
            )
        count = rng.randint(5, 15) if related is None else related
        lines += ["", "### Related:", ""]
        lines += [self.related_line(number) for number in range(1, count + 1)]
        return "\n".join(lines) + "\n"

    def infobox(self) -> list[str]:
        """An ``Infobox`` block of 4 to 12 fields (values may hold ``: ``, one may be empty)."""
        rng = self.rng
        lines = ["Infobox"]
        for key in rng.sample(_KEYS, k=rng.randint(4, 12)):
            value = self.line(5, 60)[: rng.randint(5, 60)].rstrip(" \t")
            if key == "TimeZone":
                value = f"Central: UTC {rng.choice(('−6', '+5', '+6'))}"
            elif key == "Image":
                value = rng.choice(("", "File:Map.png"))
            lines.append(f"- {key}: {value}" if value else f"- {key}:")
        return lines

    def bullet_list(self) -> list[str]:
        """Three to eight ``- `` items."""
        return [f"- {self.line(20, 120)}" for _ in range(self.rng.randint(3, 8))]

    def blocks(self, count: int) -> list[str]:
        """``count`` blocks (paragraphs, now and then a list) separated by blank lines."""
        lines: list[str] = []
        for index in range(count):
            if index:
                lines.append("")
            if index and self.rng.random() < 0.12:
                lines += self.bullet_list()
            else:
                lines.append(self.line(80, 500))
        return lines

    def section(self, level: int) -> list[str]:
        """A heading of ``level`` with one to three blocks and, sometimes, subsections."""
        rng = self.rng
        marks = "=" * level
        lines = [f"{marks}{self.line(5, 30)[: rng.randint(5, 30)].strip(' .')}{marks}"]
        lines += self.blocks(rng.randint(1, 3))
        if level < 4 and rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                lines.append("")
                lines += self.section(level + 1)
        return lines

    def article(self, sections: int | None = None) -> str:
        """An article: title, infobox, lead and ``sections`` (default 5 to 20) sections."""
        rng = self.rng
        lines = [f"= {self.line(10, 40)[: rng.randint(10, 40)].strip(' .')} =", ""]
        if rng.random() < 0.8:
            lines += [*self.infobox(), ""]
        lines += self.blocks(rng.randint(1, 3))
        for _ in range(rng.randint(5, 20) if sections is None else sections):
            lines.append("")
            lines += self.section(2)
        return "\n".join(lines) + "\n"

    def seed_article(self) -> str:
        """An article of the real sample's size and shape: 2 to 5 KB, a title, an infobox in
        four articles out of five, a short lead, and headings every one or two paragraphs
        (levels 2 and 3), where a ~20 KB :meth:`article` has long sections."""
        rng = self.rng
        target = rng.randint(2_000, 4_800)
        lines = [f"= {self.line(10, 40)[: rng.randint(10, 40)].strip(' .')} =", ""]
        if rng.random() < 0.8:
            lines += [*self.infobox(), ""]
        lines.append(self.line(100, 450))
        size = sum(len(line) + 1 for line in lines)
        level = 2
        while True:
            level = 3 if level == 2 and rng.random() < 0.4 else 2
            part = ["", *self._heading(level), *self.blocks(rng.randint(1, 2))]
            part_size = sum(len(line) + 1 for line in part)
            if size + part_size > 4_800:  # characters: some take two or three bytes
                break
            lines += part
            size += part_size
            if size >= target:
                break
        return "\n".join(lines) + "\n"

    def short_article(self, headings: int = 8) -> str:
        """A short article of ``headings`` headings with a paragraph under each, about 1.9 KB:
        where the cost of each section weighs the most."""
        rng = self.rng
        lines = [f"= {self.line(10, 40)[: rng.randint(10, 40)].strip(' .')} =", ""]
        lines.append(self.line(55, 185))
        for index in range(headings):
            level = 3 if index and rng.random() < 0.3 else 2
            lines += ["", *self._heading(level), self.line(55, 185)]
        return "\n".join(lines) + "\n"

    def _heading(self, level: int) -> list[str]:
        marks = "=" * level
        return [f"{marks}{self.line(5, 30)[: self.rng.randint(5, 30)].strip(' .')}{marks}"]

    # -- documents of a given size, for the ladder -------------------------------------------

    def _grow(self, head: list[str], part: Callable[[int], list[str]], size: int) -> str:
        lines = list(head)
        total = sum(len(line) + 1 for line in lines)
        index = 0
        while total < size:
            index += 1
            more = part(index)
            lines += more
            total += sum(len(line) + 1 for line in more)
        return "\n".join(lines) + "\n"

    def event_of_size(self, size: int) -> str:
        """An event that reaches ``size`` characters through its related events."""
        head = [*self.event_head(), "", "### Related:", ""]
        return self._grow(head, lambda n: [self.related_line(n)], size)

    def event_with_related(self, count: int) -> str:
        """An event with exactly ``count`` related events (issue 4: 100,000)."""
        return self.event(related=count)

    def article_of_size(self, size: int) -> str:
        """An article that reaches ``size`` characters through its sections."""
        head = ["= Long article =", "", *self.infobox(), "", *self.blocks(2)]
        return self._grow(head, lambda _: ["", *self.section(2)], size)

    def long_line(self, size: int) -> str:
        """An article whose lead is one paragraph of a single line of ``size`` characters."""
        return f"= One long line =\n\n{self.prose(size)}\n"

    def headings(self, size: int) -> str:
        """An article of nothing but nested headings (levels 2 to 4): 50,000 make about 1 MB."""
        levels = (2, 3, 3, 4, 4, 3)

        def heading(index: int) -> list[str]:
            marks = "=" * levels[index % len(levels)]
            return [f"{marks}Heading {index}{marks}"]

        return self._grow(["= Headings =", ""], heading, size)

    def skipped_levels(self, size: int) -> str:
        """An article whose headings jump levels: ``==A==`` then ``======B======`` and back."""
        levels = (2, 6, 3, 6, 5, 2, 6)

        def heading(index: int) -> list[str]:
            marks = "=" * levels[index % len(levels)]
            return [f"{marks}Level jump {index}{marks}", self.sentence(), ""]

        return self._grow(["= Skipped levels =", ""], heading, size)

    def broken_article(self, size: int) -> str:
        """An article where every fourth section has a broken line (an unclosed ``==Heading``):
        about one in 30 lines, one per 6 KB.  Only ``newswiki.loads(text, strict=False)`` reads it.
        """

        def part(index: int) -> list[str]:
            lines = ["", *self.section(2)]
            if index % 4 == 0:
                lines.insert(2, f"==Broken heading {index}")
            return lines

        head = ["= Broken article =", "", *self.infobox(), "", *self.blocks(1)]
        return self._grow(head, part, size)


#: The documents of the size ladder: name and the maker of a document of about a size.
LadderKind = Callable[[Generator, int], str]
LADDER_KINDS: dict[str, LadderKind] = {
    "article": Generator.article_of_size,
    "event (related items)": Generator.event_of_size,
    "one long line": Generator.long_line,
    "headings only": Generator.headings,
    "skipped heading levels": Generator.skipped_levels,
    "broken lines (lenient)": Generator.broken_article,
}
#: The ladder kinds read with ``strict=False``.
LENIENT_KINDS = frozenset({"broken lines (lenient)"})
#: The ladder that also gets a step of :meth:`Generator.event_with_related` items.
EVENT_LADDER = "event (related items)"
#: The ladder whose texts are also copied, as the baseline of what the machine does with size.
BASELINE_LADDER = "one long line"
#: The ladder also read with the garbage collector off, to show the collector's share.
COLLECTOR_LADDER = "headings only"
#: The ladders whose objects are also written back (timing ``dumps``).
WRITE_LADDERS = frozenset({"article", EVENT_LADDER})


def mixed_corpus(events: int, articles: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """``events`` events and ``articles`` articles of realistic size, made from ``seed``."""
    generator = Generator(seed)
    return (
        [generator.event() for _ in range(events)],
        [generator.article() for _ in range(articles)],
    )


def main(argv: list[str] | None = None) -> None:
    """Write a corpus to a folder: ``events/*.md``, ``articles/*.txt``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "_corpus")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    events, articles = mixed_corpus(args.events, args.articles, args.seed)
    for folder, suffix, texts in (("events", "md", events), ("articles", "txt", articles)):
        (args.out / folder).mkdir(parents=True, exist_ok=True)
        for index, text in enumerate(texts):
            (args.out / folder / f"{index:06d}.{suffix}").write_text(text, encoding="utf-8")
    print(f"wrote {len(events)} events and {len(articles)} articles to {args.out}")


if __name__ == "__main__":
    main()
