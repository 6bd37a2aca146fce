"""Reading gives exactly what it gave when the reference was recorded: speed changes nothing.

For the two samples and a fixed set of generated documents (the benchmark corpus's shapes,
and the same documents spelled as messy real files are: trailing spaces, extra blank lines,
spaces inside headings, paragraphs and lists longer than one token of the lexer, "\\r\\n"
line ends, a byte order mark, no final newline), every field of every object ``loads`` returns
(layout, positions and what each line was read as included, which ``==`` leaves out), and the
text ``dumps`` writes of its canonical form, must hash to what
``tests/data/reading_reference.json`` recorded from the code before the change.  The
documents themselves are hashed too, so a changed generator is told apart from a changed
reader.

Record the reference again only for a change meant to change what is read, and say so in its
commit: ``python -m tests.test_reading_reference`` from the repository root.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
import re
from pathlib import Path
from typing import Any

import attrs

import newswiki
from tests.test_benchmarks import corpus

REFERENCE = Path(__file__).parent / "data" / "reading_reference.json"


def snapshot(value: Any) -> Any:
    """Every field of ``value``, recursively, as JSON values: ``==`` is not enough, as it
    leaves out the layout."""
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return [type(value).__name__, {f.name: snapshot(getattr(value, f.name)) for f in fields}]
    if isinstance(value, tuple):
        return [type(value).__name__, [snapshot(item) for item in value]]
    if isinstance(value, datetime.date):
        return value.isoformat()
    assert value is None or isinstance(value, (str, int)), type(value)
    return value


def _digest(value: Any) -> str:
    data = json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:16]


_HEADING = re.compile(r"(={2,6})([^=\n].*?)(={2,6})$")
# Lines that are not prose: structure, list items, numbered links.
_STRUCTURE = re.compile(r"[#=]|[-*] |[0-9]+\. \[|Infobox$")


def messy(text: str, rng: random.Random) -> str:
    """``text`` spelled as real files are, without changing what it says: spaces at line
    ends and inside headings, extra blank lines, longer paragraphs and lists, then maybe
    "\\r\\n" line ends, a byte order mark, blank lines at the end or no final newline."""
    lines = text.split("\n")[:-1]
    out: list[str] = []
    infobox = False
    for index, line in enumerate(lines):
        infobox = line == "Infobox" or (infobox and line.startswith("- "))
        if not infobox and index > 1 and not line and rng.random() < 0.2:
            out.append(rng.choice(("", " ", "\t ")))  # one more blank line
        heading = _HEADING.match(line)
        if heading and rng.random() < 0.4:
            line = f"{heading[1]} {heading[2]}  {heading[3]}"
        if line and not _STRUCTURE.match(line) and not infobox:
            if rng.random() < 0.3:  # a paragraph of many lines: it crosses tokens
                line = line.replace(". ", ".\n") * rng.choice((1, 4))
                line = line.replace(".\n", ". ", line.count(".\n") % 5)
            elif text.startswith("=") and rng.random() < 0.1:  # a long list
                out.append(line)
                line = "\n".join(f"{rng.choice('-*')} item {n}" for n in range(rng.randint(3, 30)))
        if line and rng.random() < 0.15:
            line += rng.choice((" ", "\t", "  ", " \r"))
        out.append(line)
    messy_text = "\n".join(out) + "\n"
    choice = rng.random()
    if choice < 0.15:
        messy_text = messy_text.replace("\n", "\r\n")
    elif choice < 0.25:
        messy_text = "\ufeff" + messy_text
    elif choice < 0.35:
        messy_text = messy_text[:-1]
    elif choice < 0.45:
        messy_text += "\n \n"
    return messy_text


def documents() -> list[str]:
    """The samples and the generated documents, clean and messy, always the same."""
    events, articles = corpus.mixed_corpus(40, 15, seed=19)
    generator = corpus.Generator(seed=23)
    articles += [generator.seed_article() for _ in range(25)]
    articles += [generator.short_article() for _ in range(15)]
    texts = [
        path.read_text(encoding="utf-8") for path in (corpus.EVENT_SAMPLE, corpus.ARTICLE_SAMPLE)
    ]
    texts += events + articles
    rng = random.Random(29)
    return texts + [messy(text, rng) for text in texts]


def reference(text: str) -> list[str]:
    """The hashes of ``text``, of what it reads as and of its canonical text."""
    obj = newswiki.loads(text)
    assert newswiki.dumps(obj) == text
    canonical = newswiki.dumps(newswiki.canonical(obj))
    return [_digest(text), _digest(snapshot(obj)), _digest(canonical)]


def test_reading_gives_what_the_reference_recorded() -> None:
    recorded = json.loads(REFERENCE.read_text(encoding="utf-8"))
    texts = documents()
    assert len(texts) == len(recorded)
    for index, (text, expected) in enumerate(zip(texts, recorded, strict=True)):
        assert _digest(text) == expected[0], f"document {index} is not the one recorded"
        assert reference(text) == expected, f"document {index} reads otherwise:\n{text}"


def test_the_messy_documents_are_messy() -> None:
    # The messy copies must hold what they claim, or the reference would test nothing more.
    texts = documents()
    messy_texts = texts[len(texts) // 2 :]
    joined = "".join(messy_texts)
    assert sum(text.startswith("\ufeff") for text in messy_texts) >= 5
    assert sum("\r\n" in text for text in messy_texts) >= 5
    assert sum(not text.endswith("\n") for text in messy_texts) >= 5
    assert re.search(r"^== \S.*  ==$", joined, re.MULTILINE)
    assert re.search(r"^(- item \d+\n){13}", joined.replace("* ", "- "), re.MULTILINE)
    assert re.search(r"(^[^\n=#*-][^\n]*\n){13}", joined, re.MULTILINE)


if __name__ == "__main__":
    REFERENCE.write_text(json.dumps([reference(text) for text in documents()]) + "\n")
    print(f"recorded {REFERENCE}")
