"""The ``newswiki`` command, driven through its real entry points over generated trees.

Most tests call the console-script function :func:`newswiki.cli.main` in this process; the
ones about processes, terminals and pipes run ``python -m newswiki`` in a subprocess.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import attrs
import pyarrow.parquet as pq
import pytest

import newswiki
from newswiki import cli, files, tabular
from newswiki.cli import Progress, main
from newswiki.tabular import from_row, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "event-almaty-2016-07-18.md"


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run the console-script function; return (exit status, stdout, stderr)."""
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def subprocess_run(*args: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newswiki", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        **kwargs,
    )


DATA = Path(__file__).parent / "data"
EVENT = (DATA / "event-almaty-2016-07-18.md").read_bytes()
ARTICLE = (DATA / "article-aktobe-shootings.txt").read_bytes()
BAD_DATE = b"### [2016-02-30](/news/2016/02/30/index.md)\n\n# Headline\n"


def event_bytes(day: str, headline: str, *links: str) -> bytes:
    """A canonical event file of ``day`` with one source, linking to the paths ``links``."""
    y, m, d = day.split("-")
    text = (
        f"### [{day}](/news/{y}/{m}/{d}/index.md)\n\n# {headline}\n\nWhat happened.\n\n\n"
        "### Source:\n\n1. [RT](https://www.rt.com/news/1)\n"
    )
    if links:
        items = [f"{n}. [Link {n}]({p}) _Context: Kazakhstan_\n" for n, p in enumerate(links, 1)]
        text += "\n### Related:\n\n" + "".join(items)
    return text.encode("utf-8")


def write(root: Path, relative: str, data: bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    """Three events in unpadded day folders (one link dangling), a day page, an article
    and a broken event."""
    news = tmp_path / "news" / "2016" / "06"
    return {
        "day5": write(
            news, "5/attack.md", event_bytes("2016-06-05", "Attack", "/news/2016/06/07/toll.md")
        ),
        "day7": write(
            news,
            "7/toll.md",
            event_bytes(
                "2016-06-07", "Toll", "/news/2016/06/5/attack.md", "/news/2016/06/9/gone.md"
            ),
        ),
        "day10": write(
            news, "10/raids.md", event_bytes("2016-06-10", "Raids", "/news/2016/6/7/toll.md")
        ),
        "index": write(news, "10/index.md", b"* a day page\n"),
        "article": write(tmp_path, "wiki/aktobe.txt", ARTICLE),
        "bad": write(tmp_path, "wiki/zz-broken.md", BAD_DATE),
    }


# -- the command ------------------------------------------------------------------------------


def test_readme_command_prints_the_event_as_json() -> None:
    done = subprocess_run("parse", "examples/event-almaty-2016-07-18.md")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == newswiki.to_dict(newswiki.load(SAMPLE))
    assert done.stderr == ""


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--version")
    assert (status, out) == (0, f"newswiki {newswiki.__version__}\n")
    for command in ("parse", "check", "fmt", "convert", "links"):
        status, out, _ = run(capsys, command, "--help")
        assert status == 0
        assert out.startswith(f"usage: newswiki {command}")
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert "Exit status" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["shout"], "invalid choice: 'shout'"),
        (["check"], "the following arguments are required: PATH"),
        (["check", "-j", "-1", "x"], "expected 0 (one per CPU) or more jobs, not -1"),
        (["check", "-j", "many", "x"], "expected a number of jobs, not 'many'"),
        (["convert", "examples", "-o", "out"], "the following arguments are required: --to"),
        (["convert", "examples", "--to", "csv", "-o", "out"], "invalid choice: 'csv'"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, out, err = run(capsys, *args)
    assert status == 2
    assert out == ""
    assert message in err


@pytest.mark.parametrize("command", ["parse", "check", "fmt", "links"])
def test_missing_paths_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    status, out, err = run(capsys, command, SAMPLE, tmp_path / "nope.md")
    assert status == 2
    assert out == ""
    assert err == (
        f"newswiki {command}: error: cannot find '{tmp_path / 'nope.md'}':"
        " no such file, folder or match\n"
    )


COMMANDS = ("parse", "check", "fmt", "convert", "links")


def command_line(command: str, *paths: str | Path, out: Path | None = None) -> list[str]:
    """``newswiki COMMAND PATHS``, with the output folder ``convert`` needs."""
    extra = ["--to", "jsonl", "-o", str(out)] if command == "convert" and out else []
    return [command, *map(str, paths), *extra]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_run_that_matches_no_file_exits_2_naming_what_it_searched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    write(tmp_path, "news/deep/a.md", EVENT)
    write(tmp_path, "news/sub.md/inside.json", b"{}")  # a folder named like a file
    out = tmp_path / "out"
    for args, searched, excluded in [
        ([empty], f"'{empty}'", "'index.md'"),
        ([tmp_path / "news", "--exclude", "*"], f"'{tmp_path / 'news'}'", "'*'"),
        ([str(tmp_path / "news" / "*.md")], f"'{tmp_path / 'news' / '*.md'}'", "'index.md'"),
    ]:
        # (The glob matches the folder sub.md only.)
        status, stdout, err = run(capsys, *command_line(command, *args, out=out))
        assert (status, stdout) == (2, ""), err
        assert err == (
            f"newswiki {command}: error: no file to read in {searched}"
            f" (folders: --include '*.md' '*.txt'; folders and globs: --exclude {excluded})\n"
        )
    assert not out.exists()  # convert wrote no empty tables
    glob = tmp_path / "*.nothing"
    status, _, err = run(capsys, *command_line(command, glob, out=out))
    assert status == 2
    assert f"cannot find '{glob}': no such file, folder or match" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_exit_status_is_the_same_in_every_command(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path, command: str
) -> None:
    # 0: all went well; 1: a file failed; 2: the command line or input/output.
    good = [write(tmp_path, "good/clean.md", event_bytes("2016-06-06", "Clean"))]
    out = tmp_path / "out"
    assert run(capsys, *command_line(command, *good, out=out))[0] == 0
    for failing in (tree["bad"], write(tmp_path, "latin1.md", b"### [2016-06-10](/x)\n\xe9\n")):
        assert run(capsys, *command_line(command, *good, failing, out=out))[0] == 1
    assert run(capsys, *command_line(command, *good, tmp_path / "gone.md", out=out))[0] == 2
    assert run(capsys, command, "--no-such-option", *map(str, good))[0] == 2
    status, help_text, _ = run(capsys, command, "--help")
    assert status == 0
    assert "Exit status: 0 all went well, 1 some file failed" in " ".join(help_text.split())


@pytest.mark.parametrize(
    "args",
    [["check"], ["fmt", "--check"], ["parse", "--jsonl"], ["links"], ["convert", "-j", "2"]],
)
def test_a_link_loop_in_a_folder_is_that_files_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str]
) -> None:
    # cp ok.md d/; ln -s x.md d/x.md: one bad path among good ones, not the end of the run.
    folder = tmp_path / "d"
    write(folder, "ok.md", event_bytes("2016-06-06", "Clean"))
    (folder / "x.md").symlink_to("x.md")
    out = tmp_path / "out"
    status, stdout, err = run(capsys, *command_line(args[0], *args[1:], folder, out=out))
    error = f"{folder / 'x.md'}: cannot read the file: Too many levels of symbolic links"
    assert status == 2
    assert error in (stdout + err).splitlines() or f"{error} (left unchanged)" in err
    assert "Traceback" not in stdout + err
    if args[0] == "check":
        assert err == "Checked 2 files: 1 error.\n"
    elif args[0] == "parse":  # the good file is still there
        assert [json.loads(line)["headline"] for line in stdout.splitlines()] == ["Clean"]
    elif args[0] == "convert":
        assert [row["headline"] for row in read_jsonl(out / "events.jsonl")] == ["Clean"]
        assert [row["message"] for row in read_jsonl(out / "errors.jsonl")] == [
            error.split(": ", 1)[1]
        ]


@pytest.mark.parametrize("command", ["check", "fmt", "parse"])
def test_dash_reads_standard_input(command: str) -> None:
    broken = "### [2016-06-05](/x)\n\nHello\n"
    done = subprocess_run(command, "-", input=broken)
    assert done.returncode == 1
    assert "<stdin>:3:1: expected a headline `# TEXT`, found 'Hello'" in done.stdout + done.stderr
    messy = EVENT.decode("utf-8")
    done = subprocess_run(command, "-", input=messy)
    assert done.returncode == 0, done.stderr
    if command == "fmt":  # as black and ruff: the text in, the formatted text out
        assert done.stdout == canonical_bytes(EVENT).decode("utf-8")
        assert done.stderr == "1 file reformatted, 0 files already canonical.\n"
        canonical = subprocess_run(command, "-", input=done.stdout)
        assert (canonical.returncode, canonical.stdout) == (0, done.stdout)
    elif command == "check":
        assert (done.stdout, done.stderr) == ("", "Checked 1 file: all valid.\n")
    done = subprocess_run(command, "-", "examples")
    assert done.returncode == 2
    assert "'-' (standard input) cannot be combined with other paths" in done.stderr


def test_fmt_check_and_diff_of_standard_input() -> None:
    messy = EVENT.decode("utf-8")
    done = subprocess_run("fmt", "--check", "-", input=messy)
    assert (done.returncode, done.stdout) == (1, "would reformat <stdin>\n")
    done = subprocess_run("fmt", "--diff", "-", input=messy)
    assert done.returncode == 1
    assert done.stdout.startswith("--- <stdin>\n+++ <stdin>\n@@ -1,6 +1,6 @@\n")


def test_console_script_entry_point_is_main() -> None:
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "newswiki"]
    assert script.load() is main


# -- parse ------------------------------------------------------------------------------------


def test_parse_several_files_gives_an_array(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path]
) -> None:
    status, out, err = run(capsys, "parse", tree["day5"], tree["article"])
    assert (status, err) == (0, "")
    assert json.loads(out) == [
        newswiki.to_dict(newswiki.load(tree["day5"])),
        newswiki.to_dict(newswiki.load(tree["article"])),
    ]


def test_parse_jsonl_with_files_in_parallel(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path
) -> None:
    status, out, _ = run(capsys, "parse", "--jsonl", "--with-file", "-j", "2", tmp_path / "news")
    assert status == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line.pop("file") for line in lines] == [str(tree[n]) for n in ("day5", "day7", "day10")]
    assert [newswiki.from_dict(line) for line in lines] == [
        newswiki.load(tree[n]) for n in ("day5", "day7", "day10")
    ]


def test_parse_errors(capsys: pytest.CaptureFixture[str], tree: dict[str, Path]) -> None:
    status, out, err = run(capsys, "parse", tree["bad"])
    assert (status, out) == (1, "")
    assert err.startswith(f"{tree['bad']}:1:6: expected a real calendar date YYYY-MM-DD")
    assert "    1 | ### [2016-02-30]" in err  # the offending line, and a caret under it
    status, out, err = run(capsys, "parse", tree["day5"], tree["bad"])
    assert status == 1
    assert len(json.loads(out)) == 1


def test_files_that_are_not_utf8_fail_like_broken_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    utf16 = write(tmp_path, "utf16.md", "### [2016-06-05](/x)\n".encode("utf-16"))
    status, out, err = run(capsys, "parse", utf16)
    assert (status, out) == (1, "")
    # The advice speaks of the command line, not of Python's bytes.decode.
    assert err.startswith(
        f"{utf16}:1:1: expected UTF-8 text, found UTF-16"
        " (convert it, e.g. iconv -f UTF-16 -t UTF-8 FILE > NEW_FILE)"
    )
    assert "decode" not in err
    for command in ("check", "fmt", "links"):
        status, out, err = run(capsys, command, utf16)
        assert status == 1, command
        assert "iconv -f UTF-16 -t UTF-8" in out + err
    empty = write(tmp_path, "empty.md", b"")
    assert run(capsys, "parse", "--jsonl", empty, utf16)[0] == 1


def test_parse_lenient_and_stdin(tmp_path: Path) -> None:
    broken = b"### [2016-06-05](/x)\n\n# Hi\n\n# not a body line\n"
    done = subprocess_run("parse", "--lenient", "-", input=broken.decode())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["unparsed"][0]["text"] == "\n# not a body line"
    done = subprocess_run("parse", "-", input=broken.decode())
    assert done.returncode == 1
    assert done.stderr.startswith("<stdin>:5:1: expected")


def test_parse_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    for i in range(60):
        write(tmp_path, f"{i}.md", EVENT)
    process = subprocess.Popen(
        [sys.executable, "-m", "newswiki", "parse", "--jsonl", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    assert json.loads(process.stdout.readline())["kind"] == "event"
    process.stdout.close()  # as `| head -1` does
    assert process.wait(timeout=120) == 1
    assert process.stderr.read() == b""  # quietly: no traceback, no message
    process.stderr.close()


def shell_run(redirections: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """``python -m newswiki ARGS REDIRECTIONS`` run by the shell, as a user types it (the
    shell's redirections win over the pipes that capture the output)."""
    return subprocess.run(
        [
            "sh",
            "-c",
            f'"$@" {redirections}',
            "sh",
            sys.executable,
            "-m",
            "newswiki",
            *map(str, args),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("command", ["check", "parse", "fmt", "links"])
def test_a_closed_standard_input_is_an_input_output_error(command: str) -> None:
    done = shell_run("<&-", command, "-")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"newswiki {command}: error: cannot read standard input: it is closed\n"


@pytest.mark.slow
def test_a_closed_or_full_standard_output_is_an_input_output_error(tmp_path: Path) -> None:
    done = shell_run(">&-", "parse", SAMPLE)
    assert done.returncode == 2
    assert done.stderr == "newswiki parse: error: cannot write to standard output: it is closed\n"
    # With nothing to write, a closed standard output is no error.
    done = shell_run(">&-", "check", SAMPLE)
    assert (done.returncode, done.stderr) == (0, "Checked 1 file: all valid.\n")
    if os.path.exists("/dev/full"):
        done = shell_run("> /dev/full", "parse", SAMPLE)
        assert done.returncode == 2
        assert done.stderr == (
            "newswiki parse: error: cannot write to standard output: No space left on device\n"
        )


@pytest.mark.slow
def test_a_closed_standard_error_loses_only_the_messages(tmp_path: Path) -> None:
    broken = write(tmp_path, "broken.md", BAD_DATE)
    assert shell_run("2>&-", "check", SAMPLE).returncode == 0
    done = shell_run("2>&-", "check", SAMPLE, broken)
    assert done.returncode == 1
    assert done.stdout.startswith(f"{broken}:1:6: expected a real calendar date")


# -- check ------------------------------------------------------------------------------------


def test_check_reports_errors_compiler_style(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path
) -> None:
    headline = write(tmp_path, "wiki/zz-no-headline.md", b"### [2016-06-05](/x)\n\nHello\n")
    status, out, err = run(capsys, "check", tmp_path)
    assert status == 1
    assert out.splitlines() == [
        f"{tree['bad']}:1:6: expected a real calendar date YYYY-MM-DD, found '2016-02-30'",
        f"{headline}:3:1: expected a headline `# TEXT`, found 'Hello'",
    ]
    assert err == "Checked 6 files: 2 errors.\n"
    assert run(capsys, "check", "-j", "2", tmp_path) == (status, out, err)


def test_check_valid_files_and_source_lines(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path]
) -> None:
    assert run(capsys, "check", tree["day5"], tree["article"]) == (
        0,
        "",
        "Checked 2 files: all valid.\n",
    )
    status, out, _ = run(capsys, "check", "--show-source", tree["bad"])
    assert status == 1
    assert out.splitlines()[1:] == [
        "    1 | ### [2016-02-30](/news/2016/02/30/index.md)",
        "      |      ^",
    ]


def test_check_non_utf8_fails(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path
) -> None:
    latin1 = write(
        tmp_path, "wiki/latin1.md", "### [2016-06-10](/x)\n\n# Caf\xe9\n".encode("latin-1")
    )
    status, out, _ = run(capsys, "check", tmp_path)
    assert status == 1  # a file that fails, like one that breaks the format
    assert f"{latin1}:3:6: expected UTF-8 text, found the byte 0xe9" in out


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="Linux's /proc")
def test_a_file_that_cannot_be_read_exits_2(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path]
) -> None:
    # Reading /proc/self/mem from its start fails, even for root: an input/output error,
    # which says nothing of the files.
    status, out, _ = run(capsys, "check", "/proc/self/mem", tree["day7"])
    assert status == 2
    assert out == "/proc/self/mem: cannot read the file: Input/output error\n"


def test_check_include_and_exclude(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path
) -> None:
    assert run(capsys, "check", "--include", "*.txt", tmp_path)[2] == "Checked 1 file: all valid.\n"
    # --exclude '' reads the day pages too: this one is in neither format.
    status, out, _ = run(capsys, "check", "--exclude", "", tmp_path / "news")
    assert status == 1
    assert out.startswith(f"{tree['index']}:1:1: expected an event's date line")


def read_terminal(master: int) -> bytes:
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def run_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, bytes]:
    """Run with standard error on a pseudo-terminal (standard output stays a pipe)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "newswiki", *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
        cwd=ROOT,
    )
    os.close(slave)
    terminal = read_terminal(master)
    os.close(master)
    out = process.stdout.read().decode() if process.stdout else ""
    if process.stdout:
        process.stdout.close()
    return process.wait(timeout=120), out, terminal


def test_progress_bar_only_on_a_terminal_outside_ci(tree: dict[str, Path], tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    status, out, terminal = run_on_a_terminal(["check", "-j", "2", str(tmp_path)], env)
    assert status == 1
    assert b"\r\x1b[K" in terminal
    assert b"files/s" in terminal
    assert b"Checked 5 files: 1 error." in terminal
    assert "\x1b" not in out  # the errors on standard output stay clean
    _, _, terminal = run_on_a_terminal(["check", str(tmp_path)], {**env, "CI": "true"})
    assert b"\x1b" not in terminal
    _, _, terminal = run_on_a_terminal(["check", "--no-progress", str(tmp_path)], env)
    assert b"\x1b" not in terminal
    piped = subprocess_run("check", tmp_path, env=env)
    assert "\x1b" not in piped.stderr
    assert piped.stderr == "Checked 5 files: 1 error.\n"


class FakeTerminal:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_progress_bar_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    terminal = FakeTerminal()
    progress = Progress("check", 200, terminal)  # type: ignore[arg-type]
    progress.advance(50, 2_000_000)
    line = progress.line(progress._start + 10)
    assert line.startswith("check  25% 50/200 [")
    assert line.endswith("] 5 files/s 0.2 MB/s ETA 0:00:30")
    assert len(line) == 99
    assert terminal.text.startswith("\r\x1b[Kcheck  25% 50/200")
    progress.close()
    assert terminal.text.endswith("\r\x1b[K")
    unknown = Progress("scan", None, terminal, enabled=False)  # type: ignore[arg-type]
    unknown.advance(3)
    assert unknown.line(unknown._start + 1) == "scan 3 3 files/s 0.0 MB/s"
    assert terminal.text.endswith("\r\x1b[K")  # disabled: nothing drawn


# -- fmt --------------------------------------------------------------------------------------


@pytest.fixture
def messy(tmp_path: Path) -> dict[str, Path]:
    """Files to format: the real sample (stray spaces), a CRLF file, a canonical file, an
    unparsable file and an article."""
    return {
        "sample": write(tmp_path, "a-sample.md", EVENT),
        "crlf": write(
            tmp_path, "b-crlf.md", event_bytes("2016-06-05", "CRLF").replace(b"\n", b"\r\n")
        ),
        "canonical": write(tmp_path, "c-canonical.md", event_bytes("2016-06-06", "Clean")),
        "broken": write(tmp_path, "d-broken.md", BAD_DATE + b"  trailing  \r\n"),
        "article": write(tmp_path, "e-article.txt", ARTICLE),
    }


def canonical_bytes(data: bytes) -> bytes:
    return newswiki.dumps(newswiki.canonical(newswiki.loads(data))).encode("utf-8")


def test_fmt_rewrites_in_canonical_layout_and_never_touches_broken_files(
    capsys: pytest.CaptureFixture[str], messy: dict[str, Path], tmp_path: Path
) -> None:
    before = {name: path.read_bytes() for name, path in messy.items()}
    stat = messy["broken"].stat()
    messy["sample"].chmod(0o640)
    status, out, err = run(capsys, "fmt", tmp_path)
    assert status == 1
    assert out == ""
    assert err.splitlines() == [
        f"{messy['broken']}:1:6: expected a real calendar date YYYY-MM-DD, found '2016-02-30'"
        " (left unchanged)",
        "2 files reformatted, 2 files already canonical, 1 error (left unchanged).",
    ]
    assert messy["broken"].read_bytes() == before["broken"]
    assert messy["broken"].stat().st_mtime_ns == stat.st_mtime_ns
    assert messy["sample"].read_bytes() == canonical_bytes(before["sample"])
    assert b" ](" not in messy["sample"].read_bytes()
    assert messy["crlf"].read_bytes() == before["crlf"].replace(b"\r\n", b"\n")
    assert messy["sample"].stat().st_mode & 0o777 == 0o640
    assert messy["article"].read_bytes() == before["article"]  # already canonical
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in messy.values())
    # A second run finds nothing to do.
    assert run(capsys, "fmt", messy["sample"], messy["crlf"])[2] == (
        "0 files reformatted, 2 files already canonical.\n"
    )


def test_fmt_check_and_diff_write_nothing(
    capsys: pytest.CaptureFixture[str], messy: dict[str, Path], tmp_path: Path
) -> None:
    messy["broken"].unlink()
    before = {name: path.read_bytes() for name, path in messy.items() if path.exists()}
    status, out, err = run(capsys, "fmt", "--check", tmp_path)
    assert status == 1
    assert out.splitlines() == [
        f"would reformat {messy['sample']}",
        f"would reformat {messy['crlf']}",
    ]
    assert err == "2 files would be reformatted, 2 files already canonical.\n"
    status, out, _ = run(capsys, "fmt", "--diff", "-j", "2", messy["sample"])
    assert status == 1
    assert out.startswith(f"--- {messy['sample']}\n+++ {messy['sample']}\n@@ -1,6 +1,6 @@\n")
    assert "\n-3. [A Bombardier CRJ200" in out
    assert {name: path.read_bytes() for name, path in messy.items() if path.exists()} == before
    assert run(capsys, "fmt", "--check", messy["canonical"])[0] == 0


def test_fmt_diff_shows_a_missing_final_newline(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, "a.md", event_bytes("2016-06-05", "X").rstrip(b"\n"))
    status, out, _ = run(capsys, "fmt", "--diff", path)
    assert status == 1
    assert out.endswith(
        "-https://www.rt.com/news/1)\n\\ No newline at end of file\n+1. [RT](https://www.rt.com/news/1)\n".replace(
            "-https", "-1. [RT](https"
        )
    )


def test_an_interrupted_fmt_leaves_every_file_whole(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [write(tmp_path, f"{i}.md", EVENT) for i in range(4)]
    replace = os.replace
    calls = []

    def interrupt_the_third(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == 3:
            raise KeyboardInterrupt
        replace(source, target)

    monkeypatch.setattr(files.os, "replace", interrupt_the_third)
    status, _, err = run(capsys, "fmt", tmp_path)
    assert status == 130
    assert err.endswith("newswiki: interrupted\n")
    contents = [p.read_bytes() for p in paths]
    assert contents == [canonical_bytes(EVENT)] * 2 + [EVENT] * 2
    assert sorted(tmp_path.iterdir()) == paths  # no temporary file left behind


def test_fmt_keeps_links_owner_group_and_mode(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    target = write(archive, "real/a.md", EVENT)
    link = archive / "linked.md"
    link.symlink_to(Path("real") / "a.md")
    hard = write(archive, "hard.md", EVENT)
    other_name = tmp_path / "elsewhere.md"  # outside the folder fmt is given
    os.link(hard, other_name)
    owned = write(archive, "owned.md", EVENT)
    owned.chmod(0o604)
    if os.geteuid() == 0:
        os.chown(owned, 12345, 23456)
    before = owned.stat()
    status, _, err = run(capsys, "fmt", link, hard, owned)
    assert status == 0, err
    assert err == "3 files reformatted, 0 files already canonical.\n"
    formatted = canonical_bytes(EVENT)
    assert link.is_symlink()
    assert target.read_bytes() == formatted  # the link's target is formatted
    assert other_name.read_bytes() == hard.read_bytes() == formatted  # hard link kept
    after = owned.stat()
    assert (after.st_uid, after.st_gid, after.st_mode) == (
        before.st_uid,
        before.st_gid,
        before.st_mode,
    )
    assert owned.read_bytes() == formatted
    assert [p.name for p in archive.rglob(".*")] == []  # no temporary file left


def test_fmt_diff_is_not_quadratic(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # 20,000 related links, every other one with a stray space: difflib's worst case (each of
    # its searches finds one line), some 15 minutes; the diff is the same, in well under a
    # second (benchmarks/bench_diff.py measures it).
    items = "".join(
        f"{n}. [Link {n}{' ' * (n % 2)}](/news/2016/06/7/x{n % 50}.md)\n" for n in range(1, 20_001)
    )
    data = event_bytes("2016-06-05", "Big") + b"\n### Related:\n\n" + items.encode()
    path = write(tmp_path, "big.md", data)
    status, out, _ = run(capsys, "fmt", "--diff", path)
    assert status == 1
    removed = [line for line in out.splitlines() if line.startswith("-") and "[Link" in line]
    added = [line for line in out.splitlines() if line.startswith("+") and "[Link" in line]
    assert len(removed) == len(added) == 10_000
    assert (removed[0], added[0]) == (
        "-1. [Link 1 ](/news/2016/06/7/x1.md)",
        "+1. [Link 1](/news/2016/06/7/x1.md)",
    )
    assert "\n 2. [Link 2](/news/2016/06/7/x2.md)\n" in out  # unchanged lines as context


def test_fmt_reports_files_it_cannot_write(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "a.md", EVENT)

    def read_only(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", read_only)
    status, _, err = run(capsys, "fmt", path)
    assert status == 2
    assert err.startswith(f"{path}: cannot write the file: Permission denied (left unchanged)")
    assert path.read_bytes() == EVENT


def _count_syncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The file descriptors ``syncfs`` is called with by the safe writes."""
    calls: list[int] = []
    real = files._syncfs()
    assert real is not None  # Linux

    def syncfs(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(files, "_syncfs", lambda: syncfs)
    return calls


@pytest.mark.parametrize("durability", ["durable", "none"])
def test_fmt_waits_for_the_disk_once_per_batch_or_not_at_all(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    durability: str,
) -> None:
    paths = [write(tmp_path, f"news/2016/07/{day}/e.md", EVENT) for day in range(1, 8)]
    syncs = _count_syncs(monkeypatch)
    status, _, err = run(capsys, "fmt", tmp_path, "--durability", durability)
    assert (status, err) == (0, "7 files reformatted, 0 files already canonical.\n")
    assert [p.read_bytes() for p in paths] == [canonical_bytes(EVENT)] * 7
    assert len(syncs) == (2 if durability == "durable" else 0)  # the data, then the names


def test_fmt_verify_leaves_a_file_whose_new_text_reads_back_different(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "a.md", EVENT)

    def broken_writer(document: Any) -> Any:  # a writer bug: the headline changes
        return attrs.evolve(newswiki.canonical(document), headline="Lost")

    monkeypatch.setattr(cli, "canonical", broken_writer)
    status, _, err = run(capsys, "fmt", "--verify", path)
    assert status == 2
    assert err.startswith(
        f"{path}: internal error: RuntimeError: the canonical text does not read back as the"
        " same document (left unchanged)"
    )
    assert path.read_bytes() == EVENT
    status, _, _ = run(capsys, "fmt", path)  # without --verify, the writer is trusted
    assert status == 0
    assert newswiki.load(path).headline == "Lost"


def test_fmt_formats_a_file_whose_name_has_255_bytes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    name = "é" * 125 + "xy.md"
    assert len(name.encode()) == 255
    path = write(tmp_path, name, EVENT)
    status, _, err = run(capsys, "fmt", path)
    assert (status, err) == (0, "1 file reformatted, 0 files already canonical.\n")
    assert path.read_bytes() == canonical_bytes(EVENT)
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.slow
def test_fmt_writes_in_the_workers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [write(tmp_path, f"news/2016/07/{i % 5 + 1}/e{i}.md", EVENT) for i in range(40)]
    writers = tmp_path / "writers"
    replace = os.replace

    def noted(source: str, target: str) -> None:
        with open(writers, "a") as log:  # the worker processes share no memory: a file
            log.write(f"{os.getpid()}\n")
        replace(source, target)

    monkeypatch.setattr(files.os, "replace", noted)  # the workers are forked with it
    status, _, err = run(capsys, "fmt", "-j", "2", tmp_path / "news")
    assert (status, err) == (0, "40 files reformatted, 0 files already canonical.\n")
    assert [p.read_bytes() for p in paths] == [canonical_bytes(EVENT)] * 40
    pids = writers.read_text().split()
    assert len(pids) == 40
    assert str(os.getpid()) not in pids


# -- convert ----------------------------------------------------------------------------------


def test_convert_to_parquet(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    status, stdout, err = run(
        capsys, "convert", tmp_path / "news", tmp_path / "wiki", "--to", "parquet", "-o", out
    )
    assert status == 1
    assert stdout == ""
    assert err.splitlines()[0].startswith(f"{tree['bad']}:1:6: expected a real calendar date")
    assert err.splitlines()[1].startswith("Converted 5 files (")
    counts = "3 events, 1 article, 6 sections, 0 topics, 1 error"
    assert err.splitlines()[1].endswith(f"{counts} -> {out}")
    events = pq.read_table(out / "events.parquet").to_pylist()
    assert [from_row(row) for row in events] == [
        newswiki.load(tree[n]) for n in ("day5", "day7", "day10")
    ]
    assert [row["path"] for row in events] == [str(tree[n]) for n in ("day5", "day7", "day10")]
    (article,) = pq.read_table(out / "articles.parquet").to_pylist()
    assert from_row(article) == newswiki.load(tree["article"])
    assert pq.read_table(out / "sections.parquet").num_rows == 6
    assert pq.read_table(out / "errors.parquet").to_pylist()[0]["path"] == str(tree["bad"])


@pytest.mark.slow
def test_convert_to_parquet_writes_parts_in_the_workers(
    capsys: pytest.CaptureFixture[str],
    tree: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for i in range(40):
        write(tmp_path, f"more/{i}.md", event_bytes("2016-07-01", f"Event {i}"))
    monkeypatch.setattr(cli, "_PART_FILES", 8)  # several parts from a few files
    writers = tmp_path / "writers"
    write_part = tabular._write_part

    def noted(folder: str, table: str, data: Any) -> tuple[str, int]:
        with open(writers, "a") as log:  # the worker processes share no memory: a file
            log.write(f"{os.getpid()} {table}\n")
        return write_part(folder, table, data)

    monkeypatch.setattr(tabular, "_write_part", noted)  # the workers are forked with it
    tables = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        (out / "events.parquet").mkdir(parents=True)  # an older table to replace: a folder
        (out / "events.parquet" / "part-00099.parquet").write_bytes(b"stale")
        (out / "errors.parquet").write_bytes(b"an older single file")
        writers.unlink(missing_ok=True)
        status, _, err = run(capsys, "convert", "-j", jobs, tmp_path, "--to", "parquet", "-o", out)
        assert status == 1
        assert "43 events, 1 article, 6 sections, 0 topics, 1 error" in err
        assert sorted(p.name for p in out.iterdir()) == [
            "articles.parquet",
            "errors.parquet",
            "events.parquet",
            "sections.parquet",
            "topics.parquet",
        ]
        parts = sorted(p.name for p in (out / "events.parquet").iterdir())
        assert parts == [f"part-{i:05d}.parquet" for i in range(6)]  # 46 files, 8 a part
        tables[jobs] = {t: pq.read_table(out / f"{t}.parquet") for t in tabular.TABLES}
        # The parent writes the tables it makes from every file: errors and topics.
        made_here = ("errors", "topics")
        pids = {
            line.split()[0]
            for line in writers.read_text().splitlines()
            if line.split()[1] not in made_here
        }
        if jobs == "2":
            assert str(os.getpid()) not in pids  # every part of rows was written by a worker
    for table in tabular.TABLES:
        assert tables["1"][table].equals(tables["2"][table]), table
    events = tables["2"]["events"].to_pylist()
    assert [row["path"] for row in events[:2]] == [
        str(tmp_path / "more" / f"{i}.md") for i in (0, 1)
    ]
    assert tables["2"]["errors"].to_pylist()[0]["path"] == str(tree["bad"])
    assert tables["2"]["articles"].schema.metadata[b"newswiki.schema"] == b"2"


def test_an_empty_table_is_a_part_with_the_schema(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    status, _, _ = run(capsys, "convert", tree["day5"], "--to", "parquet", "-o", out)
    assert status == 0
    for table in ("articles", "sections", "errors"):
        (part,) = (out / f"{table}.parquet").iterdir()
        assert part.name == "part-00000.parquet"
        read = pq.read_table(part)
        assert read.num_rows == 0
        assert read.schema.equals(tabular.schema(table))
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_convert_removes_the_folders_a_killed_run_left(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    stale = out / ".events.parquet.0123456789ab.newswiki-tmp"
    busy = out / ".events.parquet.ba9876543210.newswiki-tmp"
    for folder in (stale, busy):
        folder.mkdir(parents=True)
        (folder / ".part-x.parquet").write_bytes(b"x" * 1000)
    old = time.time() - 60  # left by a run killed a minute ago
    for folder in (stale, busy):
        os.utime(folder, (old, old))
    held = os.open(busy, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # a convert into the same folder, still running
        status, _, _ = run(capsys, "convert", tree["day5"], "--to", "parquet", "-o", out)
    finally:
        os.close(held)
    assert status == 0
    assert not stale.exists()
    assert (busy / ".part-x.parquet").exists()
    assert pq.read_table(out / "events.parquet").num_rows == 1


def test_convert_to_jsonl_removes_the_parts_a_killed_run_left(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    stale = out / ".parts.jsonl.0123456789ab.newswiki-tmp"
    stale.mkdir(parents=True)
    (stale / ".events-x.jsonl").write_bytes(b'{"path":"half')
    old = time.time() - 60  # left by a run killed a minute ago
    os.utime(stale, (old, old))
    status, _, _ = run(capsys, "convert", tree["day5"], "--to", "jsonl", "-o", out)
    assert status == 0
    assert tables_only(out)


def test_a_failed_convert_leaves_the_old_tables(
    capsys: pytest.CaptureFixture[str],
    tree: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    run(capsys, "convert", tree["day5"], "--to", "parquet", "-o", out)
    before = {p.name: sorted(q.name for q in p.iterdir()) for p in out.iterdir()}

    def broken(folders: dict[str, str], values: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_parquet_parts", broken)
    status, _, _ = run(capsys, "convert", tree["day7"], "--to", "parquet", "-o", out)
    assert status == 130
    assert {p.name: sorted(q.name for q in p.iterdir()) for p in out.iterdir()} == before
    assert pq.read_table(out / "events.parquet").to_pylist()[0]["path"] == str(tree["day5"])


def test_convert_to_jsonl_in_parallel_is_identical(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path
) -> None:
    for i in range(40):  # enough files for several chunks
        write(tmp_path, f"more/{i}.md", event_bytes("2016-07-01", f"Event {i}"))
    run(capsys, "convert", tmp_path, "--to", "jsonl", "-o", tmp_path / "serial")
    status, _, err = run(
        capsys, "convert", "-j", "2", tmp_path, "--to", "jsonl", "-o", tmp_path / "parallel"
    )
    assert status == 1
    assert "43 events, 1 article, 6 sections, 0 topics, 1 error" in err
    for name in ("events", "articles", "sections", "topics", "errors"):
        serial = (tmp_path / "serial" / f"{name}.jsonl").read_bytes()
        assert (tmp_path / "parallel" / f"{name}.jsonl").read_bytes() == serial
    rows = list(read_jsonl(tmp_path / "parallel" / "events.jsonl"))
    assert rows[39]["path"] == str(tmp_path / "more" / "39.md")  # "more" before "news"
    assert from_row(rows[39]) == newswiki.load(tmp_path / "more" / "39.md")


def mixed_archive(root: Path) -> list[Path]:
    """Files of every kind, in file order, for chunks of three: dated events, an undated one
    (read leniently), an article, two files in neither format (their errors rows are made
    with the rows of their chunk) and one not in UTF-8 (its errors row is the parent's)."""
    files = [
        ("a/e0.md", event_bytes("2016-07-10", "Event 0")),
        ("a/e1-index.md", b"* a day page\n"),
        ("a/e2-undated.md", BAD_DATE),
        ("a/e3.md", EVENT),  # nine topics
        ("a/e4-latin1.md", b"### [2016-07-05](/x)\n\n# Caf\xe9\n"),
        ("a/e5.md", event_bytes("2016-07-15", "Event 5")),
        ("a/e6.md", event_bytes("2016-07-16", "Event 6")),
        ("a/e7-index.md", b"* another day page\n"),
        ("b/aktobe.txt", ARTICLE),
    ]
    return [write(root, name, data) for name, data in files]


def tables_only(out: Path) -> bool:
    """Whether ``out`` holds the five JSON Lines tables and nothing else (no part, no
    temporary file or folder)."""
    return sorted(p.name for p in out.iterdir()) == sorted(f"{t}.jsonl" for t in tabular.TABLES)


def jsonl_rows(data: bytes) -> list[dict[str, Any]]:
    assert data.endswith(b"\n") or not data
    return [json.loads(line) for line in data.splitlines()]


@pytest.mark.slow
def test_convert_to_jsonl_in_parallel_appends_files_the_workers_wrote(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = mixed_archive(tmp_path / "in")
    monkeypatch.setattr(cli, "DEFAULT_CHUNKSIZE", 3)
    writers = tmp_path / "writers"
    write_jsonl_parts = cli.write_jsonl_parts

    def noted(folder: str, table_lines: Any) -> Any:
        with open(writers, "a") as log:  # the worker processes share no memory: a file
            log.write(f"{os.getpid()}\n")
        return write_jsonl_parts(folder, table_lines)

    monkeypatch.setattr(cli, "write_jsonl_parts", noted)  # the workers are forked with it
    tables = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        writers.write_text("")
        status, _, err = run(
            capsys, "convert", "--lenient", "-j", jobs, tmp_path / "in", "--to", "jsonl", "-o", out
        )
        assert status == 1  # the file not in UTF-8
        assert "5 events, 1 article, 6 sections, 9 topics, 3 errors" in err
        assert tables_only(out)
        tables[jobs] = {t: (out / f"{t}.jsonl").read_bytes() for t in tabular.TABLES}
        pids = writers.read_text().split()
        if jobs == "1":
            assert pids == []  # the lines are written where they are made, with no part
        else:
            assert len(pids) == 3  # one part a chunk, each written by a worker
            assert str(os.getpid()) not in pids
    assert tables["2"] == tables["1"]
    events = jsonl_rows(tables["2"]["events"])
    assert [row["path"] for row in events] == [str(paths[i]) for i in (0, 2, 3, 5, 6)]
    assert (events[1]["date"], events[1]["day_path"], events[1]["headline"]) == (
        None,
        None,
        "Headline",
    )
    assert [from_row(row) for row in events] == [
        newswiki.load(paths[i], strict=False) for i in (0, 2, 3, 5, 6)
    ]
    (article,) = jsonl_rows(tables["2"]["articles"])
    assert from_row(article) == newswiki.load(paths[8])
    # The parent's row comes between those of the workers' parts, in file order.
    errors = [(row["path"], row["kind"]) for row in jsonl_rows(tables["2"]["errors"])]
    assert errors == [
        (str(paths[1]), "unparsed"),
        (str(paths[4]), "decode"),
        (str(paths[7]), "unparsed"),
    ]
    topics = jsonl_rows(tables["2"]["topics"])
    assert {row["path"] for row in topics} == {str(paths[3])}
    assert len(topics) == 9


@pytest.mark.slow
def test_convert_to_jsonl_leaves_no_part_when_a_worker_dies_or_cannot_write_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = mixed_archive(tmp_path / "in")
    monkeypatch.setattr(cli, "DEFAULT_CHUNKSIZE", 3)
    loads, write_jsonl_parts = cli.loads, cli.write_jsonl_parts

    def crashing(data: bytes, *, strict: bool) -> Any:
        if data == paths[5].read_bytes():
            os._exit(3)  # in a worker process: the run goes on without it
        return loads(data, strict=strict)

    def disk_full(folder: str, table_lines: Any) -> Any:
        if "articles" in table_lines:  # the last chunk: half a part, then the disk is full
            (Path(folder) / ".articles-half.jsonl").write_bytes(b'{"path":')
            raise OSError(errno.ENOSPC, "No space left on device")
        return write_jsonl_parts(folder, table_lines)

    monkeypatch.setattr(cli, "loads", crashing)  # the workers are forked with it
    monkeypatch.setattr(cli, "write_jsonl_parts", disk_full)
    out = tmp_path / "out"
    status, _, err = run(
        capsys, "convert", "--lenient", "-j", "2", tmp_path / "in", "--to", "jsonl", "-o", out
    )
    assert status == 2
    assert "3 events, 0 articles, 0 sections, 9 topics, 6 errors" in err
    assert tables_only(out)
    errors = [(row["path"], row["kind"]) for row in read_jsonl(out / "errors.jsonl")]
    assert errors == [
        (str(paths[1]), "unparsed"),
        (str(paths[4]), "decode"),
        (str(paths[5]), "crash"),
        *[(str(paths[i]), "internal") for i in (6, 7, 8)],
    ]
    assert [row["path"] for row in read_jsonl(out / "events.jsonl")] == [
        str(paths[i]) for i in (0, 2, 3)
    ]


@pytest.mark.slow
def test_convert_to_jsonl_in_a_folder_that_takes_no_part_sends_the_lines_back(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mixed_archive(tmp_path / "in")
    monkeypatch.setattr(cli, "DEFAULT_CHUNKSIZE", 3)
    run(capsys, "convert", "--lenient", tmp_path / "in", "--to", "jsonl", "-o", tmp_path / "one")

    def refused(folder: str, name: str) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", folder)

    monkeypatch.setattr(tabular, "temporary_folder", refused)
    out = tmp_path / "two"
    status, _, _ = run(
        capsys, "convert", "--lenient", "-j", "2", tmp_path / "in", "--to", "jsonl", "-o", out
    )
    assert status == 1
    assert tables_only(out)
    for table in tabular.TABLES:
        assert (out / f"{table}.jsonl").read_bytes() == (
            tmp_path / "one" / f"{table}.jsonl"
        ).read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("failure", "expected"),
    [(KeyboardInterrupt(), 130), (OSError(errno.ENOSPC, "No space left on device"), 2)],
)
def test_convert_to_jsonl_that_fails_while_appending_parts_leaves_the_old_tables(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: BaseException,
    expected: int,
) -> None:
    mixed_archive(tmp_path / "in")
    monkeypatch.setattr(cli, "DEFAULT_CHUNKSIZE", 3)
    out = tmp_path / "out"
    run(
        capsys, "convert", "--lenient", "-j", "2", tmp_path / "in" / "b", "--to", "jsonl", "-o", out
    )
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    append_file = tabular._append_file
    appended = []

    def failing(source: Any, target: Any) -> None:
        appended.append(source.name)
        if len(appended) == 3:  # the second chunk's first table, half written
            target.write(b'{"path":')
            raise failure
        append_file(source, target)

    monkeypatch.setattr(tabular, "_append_file", failing)
    status, _, err = run(
        capsys, "convert", "--lenient", "-j", "2", tmp_path / "in", "--to", "jsonl", "-o", out
    )
    assert status == expected
    if expected == 2:
        reason = f"cannot write the tables to {str(out)!r}: No space left on device"
        assert f"newswiki convert: error: {reason}" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing else left either


def test_convert_lenient_and_bad_outputs(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path
) -> None:
    broken = write(tmp_path, "broken.md", event_bytes("2016-06-05", "X") + b"\n# not a body\n")
    status, _, err = run(
        capsys,
        "convert",
        "--lenient",
        broken,
        tree["index"],
        "--to",
        "jsonl",
        "-o",
        tmp_path / "o",
    )
    assert status == 0  # lenient: the broken event is kept, the day page listed as unparsed
    assert "1 event, 0 articles, 0 sections, 0 topics, 1 error" in err
    (unparsed,) = read_jsonl(tmp_path / "o" / "errors.jsonl")
    assert (unparsed["path"], unparsed["kind"]) == (str(tree["index"]), "unparsed")
    status, _, err = run(capsys, "convert", tree["day5"], "--to", "jsonl", "-o", tree["day7"])
    assert status == 2
    assert "is a file: give a folder for the tables" in err


def test_convert_says_it_does_not_read_standard_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = run(capsys, "convert", "-", "--to", "jsonl", "-o", tmp_path / "out")
    assert (status, out) == (2, "")
    assert err == (
        "newswiki convert: error: convert does not read standard input ('-'): give it files,"
        " folders or glob patterns (a file named '-' is './-')\n"
    )
    assert not (tmp_path / "out").exists()


def test_convert_gives_the_commands_advice_on_the_terminal_and_in_the_table(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    utf16 = write(tmp_path, "utf16.md", "### [2016-06-05](/x)\n".encode("utf-16"))
    status, _, err = run(capsys, "convert", utf16, "--to", "jsonl", "-o", tmp_path / "out")
    assert status == 1
    advice = (
        "expected UTF-8 text, found UTF-16 (convert it, e.g. iconv -f UTF-16 -t UTF-8 FILE"
        " > NEW_FILE)"
    )
    assert err.startswith(f"{utf16}:1:1: {advice}\n")
    [row] = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert row == {"path": str(utf16), "kind": "decode", "line": 1, "column": 1, "message": advice}


# -- links ------------------------------------------------------------------------------------


def test_links_reports_dangling_links(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path
) -> None:
    status, out, err = run(capsys, "links", "-j", "2", tmp_path / "news")
    assert status == 1
    gone = "/news/2016/06/9/gone.md"
    # Line 15 of the file: the second item under `### Related:` (see event_bytes).
    assert out == f"{tree['day7']}:15:1: related link to {gone}: no such event file\n"
    assert err == (
        "3 events, 4 related links: 3 resolved, 1 dangling;"
        " 0 topics: 0 resolved, 0 missing, 0 no-section, 0 ambiguous.\n"
    )
    status, out, _ = run(capsys, "links", "--all", tree["day5"], tree["day7"])
    assert status == 1
    assert out.splitlines()[0].endswith(
        f": related link to /news/2016/06/07/toll.md: resolves to {tree['day7']}"
    )
    assert run(capsys, "links", tree["day5"], tree["day7"], tree["bad"])[0] == 1


def test_links_to_a_file_that_does_not_parse_say_so(
    capsys: pytest.CaptureFixture[str], tree: dict[str, Path], tmp_path: Path
) -> None:
    # The target exists but is broken: not "no such file", and the reason is given.
    broken = write(tmp_path, "news/2016/06/9/gone.md", BAD_DATE)
    status, out, err = run(capsys, "links", tmp_path / "news")
    assert status == 1
    assert err.splitlines()[0].startswith(f"{broken}:1:6: expected a real calendar date")
    (line,) = out.splitlines()
    assert line == (
        f"{tree['day7']}:15:1: related link to /news/2016/06/9/gone.md: {broken} exists but"
        " does not parse"
        " (line 1, column 6): expected a real calendar date YYYY-MM-DD, found '2016-02-30'"
    )
    status, out, _ = run(capsys, "links", "--format", "jsonl", "--all", tmp_path / "news")
    links = [json.loads(line) for line in out.splitlines()]
    assert [link["status"] for link in links] == ["resolved", "resolved", "unparsable", "resolved"]
    assert links[2] == {
        "kind": "related",
        "source": str(tree["day7"]),
        "line": 15,
        "column": 1,
        "number": 2,
        "target": "/news/2016/06/9/gone.md",
        "status": "unparsable",
        "resolved": None,
        "target_file": str(broken),
        "target_error": f"{broken}:1:6: expected a real calendar date YYYY-MM-DD, found"
        " '2016-02-30'",
    }
