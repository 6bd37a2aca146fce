"""What an adversary found running the commands and the graph over files written by strangers.

Each test is a reproducer that failed before its fix: file names that broke a message's line
or drove the terminal, topics that named an article without a title, resolutions that grew
with the square of the archive.  Expected answers are written by hand.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import newswiki
from newswiki import Article, Event, cli
from newswiki.cli import main
from newswiki.corpus import CorpusIndex, map_files, walk

DATA = Path(__file__).parent / "data"
EVENT = (DATA / "event-almaty-2016-07-18.md").read_bytes()
BROKEN = b"#Headline\n"
NO_WRITER = "it is a named pipe that nothing was written to"
EXPECTED = "expected a date line `### [YYYY-MM-DD](PATH)`, found '#Headline'"

# Names a stranger's archive holds: a newline, an escape sequence that turns a terminal red,
# a right-to-left override, a byte that is not UTF-8.  Each is shown on one line, as typed.
HOSTILE_NAMES = {
    "new\nline.md": "new\\nline.md",
    "\x1b[31mred.md": "\\x1b[31mred.md",
    "\u202eevil.md": "\\u202eevil.md",
    os.fsdecode(b"caf\xe9.md"): "caf\\xe9.md",
}


@pytest.fixture
def hostile_names(tmp_path: Path) -> Path:
    """A broken file under each hostile name, and a good one beside them."""
    for name in HOSTILE_NAMES:
        (tmp_path / name).write_bytes(BROKEN)
    (tmp_path / "good.md").write_bytes(EVENT)
    return tmp_path


def test_check_names_each_hostile_file_on_one_line(
    capsys: pytest.CaptureFixture[str], hostile_names: Path
) -> None:
    assert main(["check", str(hostile_names)]) == 1
    out, err = capsys.readouterr()
    expected = sorted(
        f"{hostile_names}/{shown}:1:1: {EXPECTED}" for shown in HOSTILE_NAMES.values()
    )
    assert sorted(out.splitlines()) == expected  # one line a file: `| wc -l` counts them
    assert "\x1b" not in out + err
    assert "\u202e" not in out + err
    assert err == "Checked 5 files: 4 errors.\n"


def test_parse_shows_hostile_names_with_the_source_line(
    capsys: pytest.CaptureFixture[str], hostile_names: Path
) -> None:
    assert main(["parse", "--jsonl", str(hostile_names / "new\nline.md")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{hostile_names}/new\\nline.md:1:1: {EXPECTED}",
        "    1 | #Headline",
        "      | ^",
    ]


def test_fmt_names_each_file_to_reformat_on_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A file that would change, under each hostile name: `fmt --check` names it, and the
    # headers of `fmt --diff` show it, as every other message does.
    messy = EVENT.replace(b"\n", b"\r\n", 1)
    for name in HOSTILE_NAMES:
        (tmp_path / name).write_bytes(messy)
    assert main(["fmt", "--check", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert sorted(out.splitlines()) == sorted(
        f"would reformat {tmp_path}/{shown}" for shown in HOSTILE_NAMES.values()
    )
    assert err == "4 files would be reformatted, 0 files already canonical.\n"
    assert main(["fmt", "--diff", str(tmp_path / "new\nline.md")]) == 1
    out, _ = capsys.readouterr()
    assert out.splitlines()[:2] == [
        f"--- {tmp_path}/new\\nline.md",
        f"+++ {tmp_path}/new\\nline.md",
    ]


def test_links_and_timeline_show_hostile_names_on_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "ev\nent.md").write_bytes(
        b"### [2016-06-05](/news/2016/06/05/index.md)\n\n# Brexit: Vote.\n"
    )
    (tmp_path / "art\x1bicle.txt").write_bytes(b"= Brexit =\n\nLead.\n")
    assert main(["links", "--all", str(tmp_path)]) == 0
    out, _ = capsys.readouterr()
    assert out == (
        f"{tmp_path}/ev\\nent.md:3:3: topic 'Brexit': resolves to {tmp_path}/art\\x1bicle.txt\n"
    )
    assert main(["timeline", str(tmp_path), "Brexit"]) == 0
    out, err = capsys.readouterr()
    assert out == f"2016-06-05  Brexit: Vote.  ({tmp_path}/ev\\nent.md:3)\n"
    assert err == f"1 event on {tmp_path}/art\\x1bicle.txt.\n"


def _event(headline: str, *titles: str) -> Event:
    related = "".join(f"{n}. [{t}](/news/2016/07/{n}/x.md)\n" for n, t in enumerate(titles, 1))
    text = f"### [2016-07-18](/news/2016/07/18/index.md)\n\n# {headline}\n"
    if related:
        text += f"\nBody.\n\n\n### Related:\n\n{related}"
    document = newswiki.loads(text)
    assert isinstance(document, Event)
    return document


def _statuses(index: CorpusIndex) -> list[tuple[str, str, str | None]]:
    return [(link.topic, link.status, link.article) for link in index.topic_links()]


def test_a_topic_without_a_title_names_no_article() -> None:
    # Articles whose titles are blank once compared as wiki titles, and one titled "#".
    index = CorpusIndex()
    for name, title in (("under.txt", "_"), ("nbsp.txt", "&nbsp;"), ("hash.txt", "#")):
        index.add(name, newswiki.loads(f"= {title} =\n\nLead.\n\n== Sec ==\nText.\n"))
    index.add("e.md", _event("#Sec: A.", "_: B", "&#35;: C", "#: D", "&#95;#sec: E"))
    assert _statuses(index) == [
        ("#Sec", "missing", None),
        ("_", "missing", None),
        ("&#35;", "resolved", "hash.txt"),  # the whole title of an article, "#" and all
        ("#", "resolved", "hash.txt"),
        ("&#95;#sec", "missing", None),
    ]


def _spelling(number: int) -> str:
    """The space between two words, spelled in one of 2**13 ways of the same length: 13
    underscores, each written ``_`` or ``&#95;`` as the bits of ``number`` say."""
    return "".join("&#95;" if number >> bit & 1 else "_" for bit in range(13))


def _colliding(size: int) -> float:
    """CPU seconds to resolve the topics of ``size`` events, each spelling differently the
    title that ``size`` articles share (``Foo_bar``, ``Foo&#95;bar`` ...)."""
    index = CorpusIndex()
    article = newswiki.loads("= Foo bar =\n\nLead.\n")
    assert isinstance(article, Article)
    event = _event("Foo bar: A.")
    for n in range(size):
        index.add(f"a{n}.txt", attrs.evolve(article, title="Foo bar" + "_" * (n % 50)))
        index.add(f"e{n}.md", attrs.evolve(event, headline=f"Foo{_spelling(n)}bar: A."))
    start = time.process_time()
    for link in index.topic_links():
        assert len(link.candidates) == size
    return time.process_time() - start


def test_resolving_a_thousand_spellings_of_a_shared_title_stays_linear() -> None:
    small = _colliding(500)
    large = _colliding(4000)
    # Linear: 8 times the work; a copy of the candidates per spelling made it 64 times.
    assert large < 24 * max(small, 1e-3), (small, large)


def test_timeline_and_links_escape_what_would_drive_the_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A valid event whose headline clears the screen and retitles the window, and whose
    # related link's path holds an escape too.
    (tmp_path / "e.md").write_bytes(
        b"### [2016-06-05](/news/2016/06/05/index.md)\n\n# Brexit: Vote \x1b[2J\x1b]0;owned\x07.\n"
        b"\nBody.\n\n\n### Related:\n\n1. [Brexit: Earlier.](/news/2016/06/1/\x1b[2J.md)\n"
    )
    (tmp_path / "a.txt").write_bytes(b"= Brexit =\n\nLead.\n")
    assert main(["timeline", str(tmp_path), "Brexit"]) == 0
    out, _ = capsys.readouterr()
    assert out == (
        f"2016-06-01  Brexit: Earlier.  ({tmp_path}/e.md:10)\n"
        f"2016-06-05  Brexit: Vote \\x1b[2J\\x1b]0;owned\\x07.  ({tmp_path}/e.md:3)\n"
    )
    assert main(["links", str(tmp_path)]) == 1
    out, _ = capsys.readouterr()
    assert out == (
        f"{tmp_path}/e.md:10:1: related link to /news/2016/06/1/\\x1b[2J.md: no such event file\n"
    )


def test_timeline_goes_on_when_an_event_file_changes_under_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Four events on Brexit; between the index and the printing (an archive being written
    # to), one file goes, one breaks and one becomes an article.
    for day in (1, 2, 3, 4):
        text = f"### [2016-06-0{day}](/news/2016/06/0{day}/index.md)\n\n# Brexit: Day {day}.\n"
        (tmp_path / f"e{day}.md").write_text(text, encoding="utf-8")
    (tmp_path / "a.txt").write_bytes(b"= Brexit =\n\nLead.\n")
    indexed = cli._index

    def index_then_change(*args: object) -> object:
        found = indexed(*args)  # type: ignore[arg-type]
        (tmp_path / "e1.md").unlink()
        (tmp_path / "e2.md").write_bytes(BROKEN)
        (tmp_path / "e3.md").write_bytes(b"= Brexit =\n")
        return found

    monkeypatch.setattr(cli, "_index", index_then_change)
    assert main(["timeline", str(tmp_path), "Brexit"]) == 2
    out, err = capsys.readouterr()
    assert out == f"2016-06-04  Brexit: Day 4.  ({tmp_path}/e4.md:3)\n"
    assert err.splitlines() == [
        f"{tmp_path}/e1.md: cannot read the file: No such file or directory",
        f"{tmp_path}/e2.md:1:1: {EXPECTED}",
        f"{tmp_path}/e3.md: it changed as it was read: it holds no event now",
        f"1 event on {tmp_path}/a.txt.",
    ]


def test_a_recursive_glob_does_not_follow_links_to_folders(tmp_path: Path) -> None:
    # One link to ".." made Python's "**" match the file again at every depth up to the
    # system's limit on links; two made it match without end.
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.md").write_bytes(EVENT)
    (tmp_path / "a" / "up").symlink_to("..")
    found = [str(tmp_path / "a" / "x.md")]
    assert list(walk(str(tmp_path / "**" / "*.md"))) == found
    (tmp_path / "a" / "up2").symlink_to("..")
    assert list(walk(str(tmp_path / "**" / "*.md"))) == found
    assert list(walk(str(tmp_path / "**"))) == found  # "**" last: every file below
    # Named on their own, links to folders are walked, as a folder is.
    assert list(walk(str(tmp_path / "a" / "up" / "a" / "*.md"))) == [
        str(tmp_path / "a" / "up" / "a" / "x.md")
    ]


@contextlib.contextmanager
def _within(seconds: float) -> Iterator[None]:
    """Fail, rather than hang, what takes longer than ``seconds``."""

    def late(*_: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, late)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_named_pipe_named_on_the_command_line_waits_for_no_writer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # What a shell's *.md passes on from a stranger's folder: a pipe nobody writes to.
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "good.md").write_bytes(EVENT)
    with _within(10):
        status = main(["check", str(tmp_path / "pipe.md"), str(tmp_path / "good.md")])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == f"{tmp_path}/pipe.md: cannot read the file: {NO_WRITER}\n"
    assert err == "Checked 2 files: 1 error.\n"


def test_a_pipe_with_a_writer_is_read_whole(tmp_path: Path) -> None:
    # The shell's <(...) gives such a pipe: its writer is waited for, as ever.
    read, write = os.pipe()
    writer = subprocess.Popen(
        [sys.executable, "-c", f"import os, time; time.sleep(0.5); os.write({write}, {EVENT!r})"],
        pass_fds=[write],
    )
    os.close(write)
    try:
        outcomes = list(map_files(lambda path, data: data, [f"/dev/fd/{read}"]))
    finally:
        os.close(read)
        writer.wait()
    assert [outcome.value for outcome in outcomes] == [EVENT]


@pytest.mark.slow
def test_dask_on_a_local_cluster_carries_bad_files_across(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    import newswiki.dask

    (tmp_path / "a-good.md").write_bytes(EVENT)
    (tmp_path / "b-date.md").write_bytes(EVENT.replace(b"2016-07-18", b"2016-02-30", 1))
    (tmp_path / "c-utf16.md").write_bytes(EVENT.decode("utf-8").encode("utf-16"))
    (tmp_path / "d-loop.md").symlink_to("d-loop.md")
    os.mkfifo(tmp_path / "e-pipe.md")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        bag = newswiki.dask.read(tmp_path, on_error="collect", files_per_partition=2)
        assert bag.compute() == [newswiki.loads(EVENT)]
        with pytest.raises(newswiki.ParseError) as raised:  # the error itself, filename and all
            newswiki.dask.read(tmp_path / "b-date.md", on_error="raise").compute()
        assert str(raised.value).splitlines()[0] == (
            f"{tmp_path}/b-date.md:1:6: expected a real calendar date YYYY-MM-DD,"
            " found '2016-02-30'"
        )
        errors = newswiki.dask.read_tables(tmp_path, files_per_partition=2)["errors"].compute()
    assert [(Path(p).name, k) for p, k in zip(errors["path"], errors["kind"], strict=True)] == [
        ("b-date.md", "parse"),
        ("c-utf16.md", "decode"),
        ("d-loop.md", "read"),
        ("e-pipe.md", "read"),
    ]


def test_a_recursive_glob_goes_as_deep_as_the_folders(tmp_path: Path) -> None:
    # Python's "**" recurses once a folder: 1,100 folders deep was a RecursionError.
    folders = [tmp_path]
    for _ in range(1100):  # one at a time: mkdir(parents=True) recurses too
        folders.append(folders[-1] / "d")
        folders[-1].mkdir()
    (folders[-1] / "x.md").write_bytes(EVENT)
    try:
        assert list(walk(str(tmp_path / "**" / "*.md"))) == [str(folders[-1] / "x.md")]
    finally:  # pytest's clean-up recurses too: it would fail on this tree at a later run
        (folders[-1] / "x.md").unlink()
        for folder in reversed(folders[1:]):
            folder.rmdir()


def test_timeline_of_an_event_file_says_it_is_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "e.md").write_bytes(EVENT)
    assert main(["timeline", str(tmp_path), f"{tmp_path}/./e.md"]) == 2
    _, err = capsys.readouterr()
    assert err.endswith(
        f"newswiki timeline: error: '{tmp_path}/./e.md' is an event file, and no article has"
        f" that title in {tmp_path}\n"
    )


def test_an_ambiguous_topic_names_ten_of_its_articles() -> None:
    index = CorpusIndex()
    for n in range(12):
        index.add(f"a{n}.txt", newswiki.loads(f"= Foo{'_' * (n + 1)}bar =\n"))
    index.add("e.md", _event("Foo bar: A."))
    (link,) = index.topic_links()
    assert len(link.candidates) == 12
    assert str(link) == (
        "e.md:3:3: topic 'Foo bar': names 12 articles: a0.txt, a1.txt, a2.txt, a3.txt, a4.txt,"
        " a5.txt, a6.txt, a7.txt, a8.txt, a9.txt and 2 more"
    )
