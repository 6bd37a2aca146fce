"""newswiki.corpus: walking archives, parallel parsing, errors with their files, links."""

from __future__ import annotations

import copyreg
import datetime
import functools
import gc
import io
import itertools
import os
import pickle
import re
import subprocess
import sys
import threading
import types
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

import newswiki
from newswiki import Article, Event, RelatedEvent, Source, UnparsedDocument, parallel
from newswiki.corpus import (
    Batch,
    Corpus,
    CorpusError,
    CorpusIndex,
    Failed,
    FileError,
    Ok,
    map_batches,
    map_files,
    natural_key,
    walk,
)

DATA = Path(__file__).parent / "data"
ARTICLE = (DATA / "article-aktobe-shootings.txt").read_bytes()
EVENT = (DATA / "event-almaty-2016-07-18.md").read_bytes()
BAD_DATE = b"### [2016-02-30](/news/2016/02/30/index.md)\n\n# Headline\n"


def event_bytes(day: str, headline: str, related: Sequence[str] = ()) -> bytes:
    """A small valid event file of ``day`` linking to the event paths ``related``."""
    event = Event(
        date=datetime.date.fromisoformat(day),
        headline=headline,
        body=[f"What happened on {day}."],
        sources=[Source("RT", "https://www.rt.com/news/1")],
        related=[
            RelatedEvent(title=f"Link {i}", path=p, context=["Kazakhstan"])
            for i, p in enumerate(related)
        ],
    )
    return newswiki.dumps(event).encode("utf-8")


def write(root: Path, relative: str, data: bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_tree(root: Path) -> dict[str, Path]:
    """A small archive: events in unpadded day folders linking each other (one link
    dangling), a day page, an article, a broken event, a non-UTF-8 file and a hidden folder."""
    return {
        "day5": write(
            root,
            "news/2016/06/5/attack.md",
            event_bytes("2016-06-05", "Attack", ["/news/2016/06/07/toll.md"]),
        ),
        "day7": write(
            root,
            "news/2016/06/7/toll.md",
            event_bytes(
                "2016-06-07", "Toll", ["/news/2016/06/5/attack.md", "/news/2016/06/9/gone.md"]
            ),
        ),
        "day10": write(
            root,
            "news/2016/06/10/raids.md",
            event_bytes("2016-06-10", "Raids", ["/news/2016/6/7/toll.md"]),
        ),
        "index": write(root, "news/2016/06/10/index.md", b"* a day page\n"),
        "article": write(root, "wiki/aktobe.txt", ARTICLE),
        "bad": write(root, "wiki/zz-broken.md", BAD_DATE),
        "latin1": write(
            root, "wiki/zz-latin1.md", "### [2016-06-10](/x)\n\n# Caf\xe9\n".encode("latin-1")
        ),
        "hidden": write(root, ".git/news/hidden.md", EVENT),
    }


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    return make_tree(tmp_path)


# -- walk -------------------------------------------------------------------------------------


def test_natural_key_orders_numbers_as_numbers() -> None:
    names = ["10", "9", "07", "7", "index.md", "a10b", "a9b"]
    assert sorted(names, key=natural_key) == ["07", "7", "9", "10", "a9b", "a10b", "index.md"]


def test_walk_is_natural_order_skips_hidden_and_day_pages(
    tree: dict[str, Path], tmp_path: Path
) -> None:
    found = list(walk(tmp_path))
    expected = ["day5", "day7", "day10", "article", "bad", "latin1"]
    assert found == [str(tree[name]) for name in expected]
    assert list(walk(tmp_path)) == found  # stable


def test_walk_include_exclude_and_explicit_files(tree: dict[str, Path], tmp_path: Path) -> None:
    assert list(walk(tmp_path, include=["*.txt"])) == [str(tree["article"])]
    everything = list(walk(tmp_path / "news", exclude=()))
    assert str(tree["index"]) in everything
    # A file named on its own is read whatever its name; arguments keep their order.
    assert list(walk(tree["index"], tree["day5"])) == [str(tree["index"]), str(tree["day5"])]


def test_walk_globs_and_missing_paths(tree: dict[str, Path], tmp_path: Path) -> None:
    pattern = str(tmp_path / "news" / "**" / "*.md")
    # A glob takes the place of include; exclude still leaves out the day pages.
    assert list(walk(pattern)) == [str(tree[n]) for n in ("day5", "day7", "day10")]
    assert list(walk(pattern, exclude=())) == [
        str(tree[n]) for n in ("day5", "day7", "index", "day10")
    ]
    with pytest.raises(FileNotFoundError) as missing:
        walk(tmp_path, tmp_path / "nope")
    assert missing.value.filename == str(tmp_path / "nope")
    with pytest.raises(FileNotFoundError):
        walk(str(tmp_path / "*.nothing"))


def bad_paths(root: Path) -> dict[str, Path]:
    """A folder of good files among the bad paths a stranger's folder can hold: a link to
    itself, a link to nothing, a named pipe, a link to a folder (not followed, as ever)."""
    good = write(root, "a.md", EVENT)
    (root / "b-loop.md").symlink_to("b-loop.md")
    (root / "c-nowhere.md").symlink_to("nowhere")
    os.mkfifo(root / "d-pipe.md")
    (root / "e-folder.md").symlink_to(root / "sub")
    last = write(root, "sub/f.md", EVENT)
    bad = {"loop": "b-loop.md", "nowhere": "c-nowhere.md", "pipe": "d-pipe.md"}
    return {"good": good, **{key: root / name for key, name in bad.items()}, "last": last}


LOOP = "cannot read the file: Too many levels of symbolic links"
NOWHERE = "cannot read the file: No such file or directory"
PIPE = "cannot read the file: it is a named pipe, not a regular file"


def test_walk_gives_bad_paths_as_unreadable_and_goes_on(tmp_path: Path, no_hang: None) -> None:
    paths = bad_paths(tmp_path)
    found = list(walk(tmp_path))
    assert found == [str(paths[n]) for n in ("good", "loop", "nowhere", "pipe", "last")]
    assert [type(p).__name__ for p in found] == ["str", *["Unreadable"] * 3, "str"]
    assert [getattr(p, "message", None) for p in found] == [None, LOOP, NOWHERE, PIPE, None]
    # A glob meets them too; named on its own, a looping link is read (and says why).
    globbed = list(walk(str(tmp_path / "*.md")))
    assert globbed == found[:4]
    assert [getattr(p, "message", None) for p in globbed] == [None, LOOP, NOWHERE, PIPE]
    assert list(walk(paths["loop"])) == [str(paths["loop"])]


def test_walk_names_a_socket_and_a_device(tmp_path: Path) -> None:
    import socket

    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "s.md"))
        assert [(p, p.message) for p in walk(tmp_path)] == [  # type: ignore[attr-defined]
            (str(tmp_path / "s.md"), "cannot read the file: it is a socket, not a regular file")
        ]
    finally:
        server.close()
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null here")
    assert [(p, p.message) for p in walk("/dev/nul[l]")] == [  # type: ignore[attr-defined]
        ("/dev/null", "cannot read the file: it is a device, not a regular file")
    ]


class _Gone:
    """A folder's entry for a file removed since the listing, on a file system whose listing
    does not say what each entry is: every question about it fails."""

    def __init__(self, entry: os.DirEntry[str]) -> None:
        self.name, self.path = entry.name, entry.path

    def _fails(self, *_: object, **__: object) -> bool:
        raise FileNotFoundError(2, "No such file or directory", self.path)

    is_dir = is_file = stat = _fails


def test_a_file_gone_since_the_listing_is_its_own_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write(tmp_path, "a.md", EVENT)
    gone = write(tmp_path, "b.md", EVENT)
    last = write(tmp_path, "c.md", EVENT)
    scandir = os.scandir

    class Listing:
        def __init__(self, folder: str) -> None:
            with scandir(folder) as entries:
                self.entries = [_Gone(e) if e.name == "b.md" else e for e in entries]

        def __enter__(self) -> list[object]:
            return self.entries

        def __exit__(self, *_: object) -> None:
            pass

    monkeypatch.setattr(os, "scandir", Listing)
    found = list(walk(tmp_path))
    assert found == [str(first), str(gone), str(last)]
    assert getattr(found[1], "message", None) == NOWHERE


def test_a_missing_argument_is_a_plain_file_not_found_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as missing:
        walk(tmp_path / "nope.md")
    assert (missing.value.errno, missing.value.strerror) == (2, "No such file or directory")
    assert str(missing.value) == f"[Errno 2] No such file or directory: '{tmp_path / 'nope.md'}'"


def test_a_folder_that_cannot_be_listed_is_its_own_error(
    tmp_path: Path, secret_folders: None
) -> None:
    first = write(tmp_path, "1/a.md", EVENT)
    write(tmp_path, "2/secret/b.md", EVENT)
    last = write(tmp_path, "3/c.md", EVENT)
    found = list(walk(tmp_path))
    assert found == [str(first), str(tmp_path / "2" / "secret"), str(last)]
    assert getattr(found[1], "message", None) == "cannot read the folder: Permission denied"
    # The folder given itself is one path that cannot be read, not a crash.
    assert [p.message for p in walk(tmp_path / "2" / "secret")] == [  # type: ignore[attr-defined]
        "cannot read the folder: Permission denied"
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_bad_paths_are_their_files_errors(tmp_path: Path, jobs: int, no_hang: None) -> None:
    paths = bad_paths(tmp_path)
    outcomes = list(map_files(_size_or_die_never, walk(tmp_path), jobs=jobs, chunksize=2))
    assert [(o.path, o.value) for o in outcomes if o.ok] == [
        (str(paths["good"]), len(EVENT)),
        (str(paths["last"]), len(EVENT)),
    ]
    assert [o.error for o in outcomes if not o.ok] == [
        FileError(str(paths["loop"]), "read", LOOP),
        FileError(str(paths["nowhere"]), "read", NOWHERE),
        FileError(str(paths["pipe"]), "read", PIPE),
    ]
    assert all(type(o.path) is str for o in outcomes)
    corpus = Corpus(tmp_path, jobs=jobs, on_error="collect")
    assert len(list(corpus)) == 2
    assert [e.message for e in corpus.errors] == [LOOP, NOWHERE, PIPE]


# -- Corpus -----------------------------------------------------------------------------------


def test_corpus_yields_documents_in_order(tree: dict[str, Path], tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "news", tree["article"])
    found = list(corpus)
    assert [path for path, _ in found] == [
        str(tree[n]) for n in ("day5", "day7", "day10", "article")
    ]
    assert [type(doc) for _, doc in found] == [Event, Event, Event, Article]
    assert found[1][1].related[0].path == "/news/2016/06/5/attack.md"
    assert found[3][1] == newswiki.loads(ARTICLE)


def test_corpus_raises_the_first_error_with_its_file(tree: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(newswiki.ParseError) as raised:
        list(Corpus(tmp_path, on_error="raise"))
    error = raised.value
    assert (error.filename, error.line, error.column) == (str(tree["bad"]), 1, 6)
    assert str(error).startswith(f"{tree['bad']}:1:6: expected a real calendar date")


def test_corpus_collects_errors(tree: dict[str, Path], tmp_path: Path) -> None:
    corpus = Corpus(tmp_path)  # collecting is the default
    assert len(list(corpus)) == 4
    bad, latin1 = corpus.errors
    assert (bad.filename, bad.kind, bad.line, bad.column) == (str(tree["bad"]), "parse", 1, 6)
    assert str(bad) == f"{tree['bad']}:1:6: {bad.message}"
    assert "    1 | ### [2016-02-30]" in bad.detail
    assert (latin1.kind, latin1.line) == ("decode", 3)
    assert latin1.message.startswith("expected UTF-8 text, found the byte 0xe9")
    # Each iteration starts afresh.
    assert len(list(corpus)) == 4
    assert len(corpus.errors) == 2


def test_corpus_lenient_keeps_what_it_can(tmp_path: Path) -> None:
    broken = write(tmp_path, "a.md", b"### [2016-06-05](/x)\n\n# Hi\n\n# not a body line\n")
    neither = write(tmp_path, "b.md", b"hello\n")
    found = dict(Corpus(tmp_path, strict=False))
    assert isinstance(found[str(broken)], Event)
    assert found[str(broken)].unparsed[0].text.endswith("# not a body line")
    assert isinstance(found[str(neither)], UnparsedDocument)


def test_corpus_checks_its_arguments(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Corpus(tmp_path / "missing")
    with pytest.raises(ValueError, match="on_error"):
        Corpus(tmp_path, on_error="ignore")  # type: ignore[arg-type]
    assert repr(Corpus(tmp_path, jobs=2)) == f"Corpus({str(tmp_path)!r}, strict=True, jobs=2)"


@pytest.mark.parametrize("chunksize", [1, 3])
def test_parallel_parsing_keeps_order_and_results(
    tree: dict[str, Path], tmp_path: Path, chunksize: int, no_hang: None
) -> None:
    serial = Corpus(tmp_path, on_error="collect")
    parallel = Corpus(tmp_path, on_error="collect", jobs=2, chunksize=chunksize)
    assert list(parallel) == list(serial)
    assert parallel.errors == serial.errors
    assert parallel.errors[0].exception is not None  # the ParseError crossed the process boundary


# -- map_files --------------------------------------------------------------------------------


def _size_or_die(victim: str, path: str, data: bytes) -> int:
    """Kill the worker process on ``victim`` (as a segfault or the OOM killer would)."""
    if path.endswith(victim):
        os._exit(3)
    return len(data)


def _fail(path: str, data: bytes) -> int:
    raise KeyError("boom")


def test_a_dying_worker_is_reported_with_its_file(tmp_path: Path, no_hang: None) -> None:
    paths = [str(write(tmp_path, f"{i}.md", b"x" * i)) for i in range(1, 9)]
    func = functools.partial(_size_or_die, "5.md")
    outcomes = list(map_files(func, paths, jobs=2, chunksize=2))
    assert [o.path for o in outcomes] == paths
    crashed = [o for o in outcomes if o.error is not None]
    assert [(o.path, o.error.kind) for o in crashed if o.error] == [(paths[4], "crash")]
    assert str(crashed[0].error).startswith(f"{paths[4]}: the worker process died")
    assert [o.value for o in outcomes if o.ok] == [1, 2, 3, 4, 6, 7, 8]


def _total(sizes: list[int]) -> int:
    return sum(sizes)


def test_map_batches_packs_each_chunk(tmp_path: Path, no_hang: None) -> None:
    paths = [str(write(tmp_path, f"{i}.md", b"x" * i)) for i in range(1, 8)]
    for jobs in (1, 2):
        batches = list(map_batches(_size_or_die_never, _total, paths, jobs=jobs, chunksize=3))
        assert [[o.path for o in b.outcomes] for b in batches] == [paths[:3], paths[3:6], paths[6:]]
        assert [b.value for b in batches] == [6, 15, 7]
        assert [o.size for b in batches for o in b.outcomes] == [1, 2, 3, 4, 5, 6, 7]
        assert all(o.value is None and o.ok for b in batches for o in b.outcomes)
    # A worker dies on 5.md: that file alone fails, and its chunk is still packed.
    dying = functools.partial(_size_or_die, "5.md")
    batches = list(map_batches(dying, _total, paths, jobs=2, chunksize=3))
    assert [b.value for b in batches] == [6, 10, 7]
    crash = FileError(paths[4], "crash", "the worker process died while reading this file")
    assert [o.error for b in batches for o in b.outcomes if o.error] == [crash]
    assert isinstance(batches[0], Batch)


def test_map_failures_sends_back_only_counts_and_errors(tmp_path: Path, no_hang: None) -> None:
    paths = [str(write(tmp_path, f"{i}.md", b"x" * i)) for i in range(1, 8)]
    paths.append(str(tmp_path / "deleted.md"))
    dying = functools.partial(_size_or_die, "5.md")
    for jobs in (1, 2):
        func = _size_or_die_never if jobs == 1 else dying  # a worker to die needs a worker
        tallies = list(parallel.map_failures(func, paths, jobs=jobs, chunksize=3))
        assert [(t.files, t.size) for t in tallies] == [
            (3, 6),
            (3, 15 if jobs == 1 else 10),
            (2, 7),
        ]
        failed = [(f.path, f.error.kind) for t in tallies for f in t.failures]
        expected = (
            [(paths[-1], "read")] if jobs == 1 else [(paths[4], "crash"), (paths[-1], "read")]
        )
        assert failed == expected


def test_exceptions_and_unreadable_files_become_errors(tmp_path: Path, no_hang: None) -> None:
    real = str(write(tmp_path, "a.md", b"abc"))
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling.md")
    paths = [real, str(tmp_path / "dangling.md"), str(tmp_path / "deleted.md")]
    for jobs in (1, 2):
        failed = [o.error for o in map_files(_fail, paths, jobs=jobs)]
        assert [e.kind for e in failed if e] == ["internal", "read", "read"]
        assert failed[0] is not None
        assert failed[0].message == "internal error: KeyError: 'boom'"
        assert "Traceback" in failed[0].detail
        assert failed[2] is not None
        assert str(failed[2]) == f"{paths[2]}: cannot read the file: No such file or directory"


def test_map_files_is_lazy(tmp_path: Path, no_hang: None) -> None:
    path = str(write(tmp_path, "a.md", EVENT))
    endless = itertools.repeat(path)  # the walk of an archive too big to list
    for jobs in (1, 2):
        outcomes = map_files(_size_or_die_never, endless, jobs=jobs, chunksize=4)
        assert [next(outcomes).value for _ in range(10)] == [len(EVENT)] * 10
        outcomes.close()  # type: ignore[attr-defined]


_size_or_die_never = functools.partial(_size_or_die, "\0")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"jobs": -1}, "jobs must be 0 (one per CPU) or more, not -1"),
        ({"jobs": 1.5}, "jobs must be 0 (one per CPU) or more, not 1.5"),
        ({"chunksize": 0}, "chunksize must be 1 or more, not 0"),
    ],
)
def test_jobs_and_chunksize_are_checked_at_once(
    arguments: dict[str, object], message: str, tmp_path: Path
) -> None:
    # Before any file is read, in every entry point, with the same words.
    with pytest.raises(ValueError, match=re.escape(message)):
        map_files(_fail, [], **arguments)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape(message)):
        map_batches(_fail, _total, [], **arguments)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape(message)):
        Corpus(tmp_path, **arguments)  # type: ignore[arg-type]


def test_jobs_0_and_none_mean_one_per_cpu(tmp_path: Path, no_hang: None) -> None:
    paths = [str(write(tmp_path, f"{i}.md", b"x" * i)) for i in range(1, 4)]
    for jobs in (0, None):
        assert [o.value for o in map_files(_size_or_die_never, paths, jobs=jobs)] == [1, 2, 3]
        assert len(list(Corpus(tmp_path, jobs=jobs, on_error="collect"))) == 0


def test_errors_pickle_and_raise() -> None:
    error = FileError("a.md", "crash", "the worker process died")
    assert pickle.loads(pickle.dumps(error)) == error
    with pytest.raises(CorpusError) as raised:
        error.raise_()
    assert raised.value.error is error
    assert pickle.loads(pickle.dumps(raised.value)).error == error
    ok, failed = Ok("a.md", 1, size=3), Failed("a.md", error)
    assert (ok.ok, ok.error, failed.ok, failed.value) == (True, None, False, None)
    assert pickle.loads(pickle.dumps(ok)) == ok
    assert pickle.loads(pickle.dumps(failed)) == failed


# -- CorpusIndex ------------------------------------------------------------------------------


def test_index_resolves_links_whatever_the_padding(tree: dict[str, Path], tmp_path: Path) -> None:
    corpus = Corpus(tmp_path, on_error="collect", jobs=2)
    index = corpus.index()
    assert len(corpus.errors) == 2
    assert (index.events, index.articles) == (3, 1)
    links = list(index.links())
    assert [(link.source, link.number, link.resolved) for link in links] == [
        (str(tree["day5"]), 1, str(tree["day7"])),  # /06/07/ finds the folder 06/7
        (str(tree["day7"]), 1, str(tree["day5"])),
        (str(tree["day7"]), 2, None),
        (str(tree["day10"]), 1, str(tree["day7"])),  # /2016/6/7/: the month unpadded too
    ]
    (dangling,) = index.dangling()
    # event_bytes writes the related list last: the second link is the file's last line.
    last = len(tree["day7"].read_bytes().splitlines())
    assert str(dangling) == (
        f"{tree['day7']}:{last}:1: related link to /news/2016/06/9/gone.md: no such event file"
    )
    assert dangling.status == "missing"
    assert [link.source for link in index.backlinks(tree["day7"])] == [
        str(tree["day5"]),
        str(tree["day10"]),
    ]
    assert [link.number for link in index.backlinks(str(tree["day5"]))] == [1]
    assert index.backlinks(tree["day10"]) == []
    assert index.resolve(RelatedEvent(title="T", path="/news/2016/06/05/attack.md")) == str(
        tree["day5"]
    )
    assert index.resolve("/elsewhere/attack.md") is None
    assert index.events_on("2016-06-07") == [str(tree["day7"])]
    assert index.events_on(datetime.date(2016, 6, 8)) == []
    assert index.days() == [datetime.date(2016, 6, d) for d in (5, 7, 10)]
    assert index.articles_titled("2016 Aktobe shootings") == [str(tree["article"])]
    assert repr(index) == "<CorpusIndex: 3 events, 1 articles>"


def test_index_of_flat_folders_uses_the_event_date(tmp_path: Path) -> None:
    # Event files kept outside YYYY/MM/D folders are found by their date and name.
    flat = write(tmp_path, "dump/attack.md", event_bytes("2016-06-05", "Attack"))
    other = write(tmp_path, "copy/attack.md", event_bytes("2016-06-05", "Attack again"))
    index = CorpusIndex()
    for path in (flat, other):
        index.add(path, newswiki.load(path))
    index.add("x.md", UnparsedDocument("hello"))  # ignored
    assert index.resolve("/news/2016/06/5/attack.md") == str(flat)
    assert index.duplicates == [(str(flat), str(other))]
    assert index.events_on("2016-06-05") == [str(flat), str(other)]


def test_index_raises_on_errors_unless_collecting(tree: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(newswiki.ParseError):
        Corpus(tmp_path, on_error="raise").index()


# -- errors that cross processes --------------------------------------------------------------

# Every kind of file error the parsers raise: Lark's UnexpectedToken and UnexpectedCharacters
# (which hold the parser), a builder's error, bad UTF-8, UTF-16, neither format.
ERROR_FILES = {
    "token.md": b"### [2016-06-05](/x)\n\nHello\n",
    "characters.md": b"### [2016-06-05](/x)\n\n# Hi\n\n### Source:\n\n1. [RT](\n",
    "date.md": BAD_DATE,
    "latin1.md": "### [2016-06-10](/x)\n\n# Caf\xe9\n".encode("latin-1"),
    "utf16.md": "### [2016-06-05](/x)\n".encode("utf-16"),
    "neither.md": b"hello\n",
}

_TBLIB_RUN = """
import sys
import newswiki
from newswiki.corpus import Corpus
import distributed  # installs tblib's pickling of every exception's context and traceback

for strict in (True, False):
    corpus = Corpus(sys.argv[1], jobs=2, chunksize=2, strict=strict, on_error="collect")
    documents = list(corpus)
    print(strict, len(documents), sorted(e.kind for e in corpus.errors))
"""


def test_errors_cross_processes_with_dask_distributed_imported(tmp_path: Path) -> None:
    for name, data in ERROR_FILES.items():
        write(tmp_path, name, data)
    write(tmp_path, "good.md", EVENT)
    done = subprocess.run(
        [sys.executable, "-c", _TBLIB_RUN, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "True 1 ['decode', 'decode', 'parse', 'parse', 'parse', 'parse']",
        "False 5 ['decode', 'decode']",  # lenient: kept as Unparsed or UnparsedDocument
    ]


def _tblib_pickle(obj: object) -> bytes:
    """Pickle as a process with tblib's pickling support installed does (as dask.distributed
    installs it), without changing this process' own pickling."""
    from tblib import pickling_support

    table = dict(copyreg.dispatch_table)
    table[types.TracebackType] = pickling_support.pickle_traceback

    def exception_classes(cls: type[BaseException]) -> Iterator[type[BaseException]]:
        yield cls
        for subclass in cls.__subclasses__():
            yield from exception_classes(subclass)

    for cls in exception_classes(BaseException):
        table[cls] = pickling_support.pickle_exception
    out = io.BytesIO()
    pickler = pickle.Pickler(out, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = table  # type: ignore[misc]
    pickler.dump(obj)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(ERROR_FILES))
def test_parse_errors_are_plain(name: str) -> None:
    # No context, cause or traceback holding Lark's objects: they pickle with tblib too.
    with pytest.raises(newswiki.ParseError) as raised:
        newswiki.loads(ERROR_FILES[name])
    error = raised.value
    assert error.__context__ is None
    assert error.__cause__ is None
    copy = pickle.loads(_tblib_pickle(error))
    assert (type(copy), str(copy)) == (type(error), str(error))
    failure = FileError.from_parse_error(name, error)
    assert failure.exception is not None
    assert failure.exception.__traceback__ is None
    assert pickle.loads(_tblib_pickle(failure)) == failure


def _unpicklable_for(victim: str, path: str, data: bytes) -> object:
    """A value that cannot be pickled (a lock) for ``victim``, the size for the others."""
    return threading.Lock() if path.endswith(victim) else len(data)


def _pack_or_not(values: list[object]) -> object:
    return threading.Lock() if any(not isinstance(v, int) for v in values) else sum(values)  # type: ignore[arg-type]


def test_a_result_that_cannot_be_pickled_is_its_files_error(tmp_path: Path, no_hang: None) -> None:
    paths = [str(write(tmp_path, f"{i}.md", b"x" * i)) for i in range(1, 7)]
    func = functools.partial(_unpicklable_for, "3.md")
    outcomes = list(map_files(func, paths, jobs=2, chunksize=2))
    assert [o.value for o in outcomes] == [1, 2, None, 4, 5, 6]
    error = outcomes[2].error
    assert error is not None
    assert (error.filename, error.kind) == (paths[2], "internal")
    assert error.message.startswith(
        "internal error: the result cannot be sent back from the worker process: TypeError:"
    )
    # A packed value that cannot be pickled: each file of its chunk says so, the run goes on.
    batches = list(map_batches(func, _pack_or_not, paths, jobs=2, chunksize=2))
    assert [b.value for b in batches] == [3, 0, 11]
    assert [o.ok for b in batches for o in b.outcomes] == [True, True, False, False, True, True]


def test_results_are_unpickled_with_the_collector_paused() -> None:
    # The parent's share of a parallel run: the collector is paused, then as it was.
    class Spy:
        def __reduce__(self) -> tuple[object, ...]:
            return (gc.isenabled, ())  # called when unpickled: what it returns is loaded

    data = pickle.dumps(Spy())
    assert gc.isenabled()
    assert parallel._unpickled(data) is False
    assert gc.isenabled()
    gc.disable()
    try:
        assert parallel._unpickled(data) is False
        assert not gc.isenabled()
    finally:
        gc.enable()
