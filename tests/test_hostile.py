"""Every command over a folder of hostile files: never a traceback, never an internal error.

Each file is something real archives, careless tools or attackers produce: NUL bytes, a byte
order mark, UTF-16, bytes that are not UTF-8, lone carriage returns, a huge line, ``](`` in
every position of an event, an empty file, a folder named like a file, a link to nowhere.
Whatever a file holds, the commands report it as a failing file (exit status 1) with a
``FILE:LINE:COL: message`` or ``FILE: message`` line, and go on with the others.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import newswiki
from newswiki.cli import main
from newswiki.corpus import Corpus

DATA = Path(__file__).parent / "data"
EVENT = (DATA / "event-almaty-2016-07-18.md").read_bytes()
ARTICLE = (DATA / "article-aktobe-shootings.txt").read_bytes()


def _brackets_everywhere(text: bytes) -> dict[str, bytes]:
    """The event with ``](`` put in at every line's start, middle and end."""
    lines = text.split(b"\n")
    variants = {}
    for number, line in enumerate(lines):
        for where, at in (("start", 0), ("middle", len(line) // 2), ("end", len(line))):
            changed = [*lines[:number], line[:at] + b"](" + line[at:], *lines[number + 1 :]]
            variants[f"brackets-{number:02d}-{where}.md"] = b"\n".join(changed)
    return variants


HOSTILE: dict[str, bytes] = {
    "empty.md": b"",
    "blank-lines.md": b"\n\n\n",
    "nul.md": EVENT.replace(b"# 2016", b"# 2016\x00", 1),
    "nul-only.md": b"\x00" * 10,
    "bom.md": b"\xef\xbb\xbf" + EVENT,
    "bom-only.md": b"\xef\xbb\xbf",
    "utf16-le.md": EVENT.decode("utf-8").encode("utf-16"),
    "utf16-be.md": EVENT.decode("utf-8").encode("utf-16-be"),
    "latin1.md": "### [2016-06-10](/x)\n\n# Caf\xe9\n".encode("latin-1"),
    "truncated-utf8.md": EVENT + b"\xe2\x82",
    "lone-cr.md": EVENT.replace(b"\n", b"\r"),
    "mixed-line-ends.md": EVENT.replace(b"\n", b"\r\n", 3),
    "cr-in-lines.md": EVENT.replace(b" ", b"\r", 20),
    "huge-line.md": b"### [2016-06-05](/x)\n\n# " + b"word " * 400_000 + b"\n",
    "huge-link.md": b"### [2016-06-05](/x)\n\n# Hi\n\n### Related:\n\n1. ["
    + b"x" * 200_000
    + b"](/news/2016/06/7/a.md)\n",
    "article-nul.txt": ARTICLE.replace(b"==", b"=\x00=", 1),
    "article-brackets.txt": ARTICLE.replace(b"\n", b"](\n", 5),
    "separators.md": EVENT.replace(b" ", "\u2028\x0b\x0c\x1c\x85".encode(), 5),
    "only-header.md": b"### [2016-06-05](/x)\n",
    "title-only.txt": b"= T =",
    **_brackets_everywhere(EVENT),
}
COMMANDS = ("parse", "check", "fmt", "convert", "links")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, data in HOSTILE.items():
        (folder / name).write_bytes(data)
    (folder / "folder.md").mkdir()  # a folder named like a file
    (folder / "folder.md" / "inside.md").write_bytes(EVENT)
    (folder / "dangling.md").symlink_to(folder / "nowhere.md")
    return folder


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out + err


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_survives_hostile_files(
    capsys: pytest.CaptureFixture[str],
    hostile: Path,
    tmp_path: Path,
    command: str,
    jobs: str,
) -> None:
    before = {p: p.read_bytes() for p in hostile.iterdir() if p.is_file()}
    args: list[str | Path] = [command, "-j", jobs, hostile]
    if command == "convert":
        args += ["--to", "jsonl", "-o", tmp_path / "out"]
    if command == "fmt":
        args.insert(1, "--check")  # the fixture is shared: leave the files as they are
    status, output = _run(capsys, *args)
    assert "Traceback" not in output
    assert "internal error" not in output
    # The link to nothing is a file that cannot be read (2), the rest text errors (1).
    assert f"{hostile / 'dangling.md'}: cannot read the file: No such file" in output
    assert status == 2, output
    assert {p: p.read_bytes() for p in before} == before


def test_writing_hostile_files_never_loses_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name, data in HOSTILE.items():
        (tmp_path / name).write_bytes(data)
    status, output = _run(capsys, "fmt", tmp_path)
    assert status == 1
    assert "Traceback" not in output
    assert "internal error" not in output
    for name, data in HOSTILE.items():
        after = (tmp_path / name).read_bytes()
        if after != data:  # formatted: the same document, in the canonical layout
            assert newswiki.loads(after) == newswiki.loads(data), name


@pytest.mark.parametrize("strict", [True, False])
def test_the_corpus_api_survives_hostile_files(hostile: Path, strict: bool) -> None:
    corpus = Corpus(hostile, strict=strict, jobs=2, on_error="collect", chunksize=4)
    documents = list(corpus)
    # The link to nothing is the one file that cannot be read; the others give text errors.
    unreadable = [str(e) for e in corpus.errors if e.kind not in ("parse", "decode")]
    assert unreadable == [
        f"{hostile / 'dangling.md'}: cannot read the file: No such file or directory"
    ]
    # folder.md/inside.md, and the link
    assert len(documents) + len(corpus.errors) == len(HOSTILE) + 2
    for path, document in documents:  # what was read is given back byte for byte
        assert newswiki.dumps(document).encode("utf-8") == Path(path).read_bytes(), path
