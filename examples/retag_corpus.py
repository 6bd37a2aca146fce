"""Recipe: lower-case every tag of a corpus and add a source to some events, in parallel.

Worker processes read and edit the event files and give back the new text of each; this
process writes the changed files in a :class:`newswiki.files.WriteBatch`, as ``newswiki fmt``
does: in one step where it can be, keeping links, owner, group and mode, durable at the end.
Only the edited values' bytes change.  Run it over a folder::

    python examples/retag_corpus.py news/
"""

from __future__ import annotations

import sys

import attrs

import newswiki
from newswiki.corpus import Corpus
from newswiki.files import WriteBatch

#: The source added to every event that links to an event tagged Kazakhstan and does not
#: cite it yet.
KAZINFORM = newswiki.Source("Kazinform", "https://www.inform.kz/")


def edit(event: newswiki.Event) -> newswiki.Event:
    """``event`` with its tags lower-cased and, where it fits, the Kazinform source added."""
    related = [
        attrs.evolve(item, context=[tag.lower() for tag in item.context]) for item in event.related
    ]
    sources = list(event.sources)
    about_kazakhstan = any("Kazakhstan" in item.context for item in event.related)
    if about_kazakhstan and KAZINFORM not in sources:
        sources.append(KAZINFORM)
    return attrs.evolve(event, related=related, sources=sources)


def retag(path: str, data: bytes) -> bytes | None:
    """The new bytes of the file at ``path``, or ``None`` when it stays as it is (articles,
    events the edit leaves unchanged).  Runs in the worker processes."""
    document = newswiki.loads(data)
    if not isinstance(document, newswiki.Event):
        return None
    text = newswiki.dumps(edit(document)).encode("utf-8")
    return None if text == data else text


def main(folder: str, jobs: int = 2) -> int:
    """Retag every event file under ``folder`` with ``jobs`` processes; return how many
    files changed.  Files that do not parse are reported and left alone."""
    changed = 0
    with WriteBatch() as batch:  # one wait for the disk per batch, not two per file
        for outcome in Corpus(folder, jobs=jobs).map(retag):
            if not outcome.ok:
                print(outcome.error, file=sys.stderr)
            elif outcome.value is not None:
                batch.write(outcome.path, outcome.value)
                changed += 1
    return changed


if __name__ == "__main__":
    changed = main(sys.argv[1])
    print(f"{changed} file changed" if changed == 1 else f"{changed} files changed")
