"""The parser cache: where it lives, that a cached parser reads exactly like a built one, and
that a broken or unwritable cache only costs time."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import subprocess
import sys
import types
from pathlib import Path

import lark
import pytest

import newswiki
from newswiki import grammar, reader
from newswiki.build import ArticleBuilder, EventBuilder
from newswiki.grammar import FORMATS, build_parser, cache_dir, grammar_text, terminal_patterns

_BUILDERS = {"event": EventBuilder, "article": ArticleBuilder}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory of the test's own."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("NEWSWIKI_CACHE_DIR", str(directory))
    return directory


def _no_build(self: lark.Lark) -> None:
    raise AssertionError("the parser was built, not read from the cache")


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWIKI_CACHE_DIR", "/somewhere/else")
    assert cache_dir() == "/somewhere/else"
    monkeypatch.setenv("NEWSWIKI_CACHE_DIR", "")
    assert cache_dir() is None


@pytest.mark.parametrize("inside", [True, False])
def test_the_grammars_are_found_in_a_wheel_and_in_a_source_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inside: bool
) -> None:
    # A wheel carries them in the package (newswiki/grammars); a source tree beside src/.
    package = tmp_path / "src" / "newswiki"
    folder = package / "grammars" if inside else tmp_path / "grammars"
    folder.mkdir(parents=True)
    (folder / "event.lark").write_text("// the event grammar\n", encoding="utf-8")
    monkeypatch.setattr(grammar, "_PACKAGE", str(package))
    assert grammar_text("event") == "// the event grammar\n"
    with pytest.raises(
        ValueError, match=r"^no grammar for 'nope'; the formats are \('event', 'article'\)$"
    ):
        grammar_text("nope")


def test_without_a_home_there_is_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # os.path.expanduser gives "~" back when it finds no home directory.
    monkeypatch.delenv("NEWSWIKI_CACHE_DIR", raising=False)
    monkeypatch.setattr(grammar.os.path, "expanduser", lambda path: path)
    assert cache_dir() is None


@pytest.mark.parametrize(
    ("platform", "variable", "expected"),
    [
        ("linux", "XDG_CACHE_HOME", ["xdg", "newswiki"]),
        ("linux", None, ["home", ".cache", "newswiki"]),
        ("darwin", None, ["home", "Library", "Caches", "newswiki"]),
        ("win32", "LOCALAPPDATA", ["local", "newswiki", "Cache"]),
        ("win32", None, ["home", "AppData", "Local", "newswiki", "Cache"]),
    ],
)
def test_cache_dir_defaults_to_the_users_cache_directory(
    platform: str,
    variable: str | None,
    expected: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("NEWSWIKI_CACHE_DIR", "XDG_CACHE_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    if variable is not None:
        monkeypatch.setenv(variable, str(tmp_path / expected[0]))
    monkeypatch.setattr(grammar.sys, "platform", platform)
    assert cache_dir() == os.path.join(tmp_path, *expected)


@pytest.mark.parametrize("name", FORMATS)
def test_a_cached_parser_reads_like_a_built_one(
    name: str, cache: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = request.getfixturevalue(f"{name}_text")
    built_builder = _BUILDERS[name]()
    built = build_parser(name, transformer=built_builder, cache=True)
    built_builder.patterns = terminal_patterns(built)
    [file] = cache.iterdir()
    assert file.name.startswith(f"{name}-")
    monkeypatch.setattr(grammar._UncheckedLark, "_build_parser", _no_build)
    cached_builder = _BUILDERS[name]()
    cached = build_parser(name, transformer=cached_builder, cache=True)
    cached_builder.patterns = terminal_patterns(cached)
    assert cached_builder.patterns == built_builder.patterns
    assert cached.parse(text) == built.parse(text)
    broken = text[1:]
    with pytest.raises(lark.UnexpectedInput) as from_built:
        built.parse(broken)
    with pytest.raises(lark.UnexpectedInput) as from_cache:
        cached.parse(broken)
    assert (from_cache.value.line, from_cache.value.column) == (
        from_built.value.line,
        from_built.value.column,
    )
    assert from_cache.value.expected == from_built.value.expected  # type: ignore[attr-defined]


class _Unpicklable(lark.Transformer[lark.Token, str]):
    """A transformer that cannot be pickled: it holds a lambda."""

    def __init__(self) -> None:
        super().__init__()
        self.hook = lambda text: text


def test_the_cache_keeps_no_transformer(cache: Path, event_text: str) -> None:
    # The transformer is given anew at every load: it is not saved, so any will do.
    assert build_parser("event", transformer=_Unpicklable(), cache=True).parse(event_text)
    [file] = cache.iterdir()
    assert build_parser("event", transformer=_Unpicklable(), cache=True).parse(event_text)
    assert [path.name for path in cache.iterdir()] == [file.name]


@pytest.mark.parametrize("content", [b"", b"not a cache\n", b"0" * 64 + b"\n\x80\x05truncated"])
def test_a_broken_cache_file_is_rebuilt(
    cache: Path, content: bytes, event_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A half-written file is what a reader meets while another process writes the cache.
    build_parser("event", cache=True)
    [file] = cache.iterdir()
    file.write_bytes(content)
    assert build_parser("event", cache=True).parse(event_text)
    assert file.read_bytes() != content
    monkeypatch.setattr(grammar._UncheckedLark, "_build_parser", _no_build)
    assert build_parser("event", cache=True).parse(event_text)


def test_an_unwritable_cache_directory_only_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, event_text: str
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("in the way")
    monkeypatch.setenv("NEWSWIKI_CACHE_DIR", str(blocker / "cache"))
    assert build_parser("event", cache=True).parse(event_text)
    assert blocker.read_text() == "in the way"


def test_a_changed_grammar_gets_a_cache_file_of_its_own(cache: Path) -> None:
    text = grammar_text("event")
    first = grammar._cache_name("event", text)
    assert first != grammar._cache_name("event", text + "// a comment\n")
    build_parser("event", cache=True)
    assert [path.name for path in cache.iterdir()] == [first]


def test_the_cache_files_name_says_what_it_holds(cache: Path) -> None:
    build_parser("event", cache=True)
    [file] = cache.iterdir()
    digest = hashlib.sha256(grammar_text("event").encode("utf-8")).hexdigest()
    python = f"{sys.version_info.major}{sys.version_info.minor}"
    assert file.name == f"event-{digest[:16]}-py{python}-lark{lark.__version__}.parser-cache"
    assert re.fullmatch(rb"[0-9a-f]{64}\n", file.read_bytes().split(b"\n", 1)[0] + b"\n")


def test_a_bugfix_release_of_python_keeps_the_cache_a_new_one_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = grammar_text("event")
    name, key = grammar._cache_name("event", text), grammar._cache_key(text)
    major, minor, micro = sys.version_info[:3]
    bugfix = types.SimpleNamespace(version_info=(major, minor, micro + 1, "final", 0))
    monkeypatch.setattr(grammar, "sys", bugfix)
    assert (grammar._cache_name("event", text), grammar._cache_key(text)) == (name, key)
    newer = types.SimpleNamespace(version_info=(major, minor + 1, 0, "final", 0))
    monkeypatch.setattr(grammar, "sys", newer)
    assert grammar._cache_name("event", text) != name
    assert grammar._cache_key(text) != key


def test_the_key_holds_the_grammar_and_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    text = grammar_text("event")
    key = grammar._cache_key(text)
    assert re.fullmatch(b"[0-9a-f]{64}", key)
    assert grammar._cache_key(text + " ") != key
    monkeypatch.setattr(grammar, "_OPTIONS", {"parser": "lalr", "lexer": "basic"})
    assert grammar._cache_key(text) != key


def test_a_parser_is_cached_only_when_asked(cache: Path, event_text: str) -> None:
    assert build_parser("event").parse(event_text)
    assert not cache.exists()


def test_the_cache_directory_is_private(cache: Path) -> None:
    build_parser("article", cache=True)
    assert cache.stat().st_mode & 0o077 == 0


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="permission bits are POSIX")
def test_a_directory_others_can_write_to_is_not_used(cache: Path, event_text: str) -> None:
    # A pickle planted there by another user would run as this one when read.
    cache.mkdir()
    cache.chmod(0o777)
    assert build_parser("event", cache=True).parse(event_text)
    assert list(cache.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="permission bits are POSIX")
def test_a_directory_others_can_read_and_enter_is_used(cache: Path, event_text: str) -> None:
    # What mkdir makes under the usual umask 022: others may read it, not write to it.
    cache.mkdir()
    cache.chmod(0o755)
    assert build_parser("event", cache=True).parse(event_text)
    assert [path.name.split("-")[0] for path in cache.iterdir()] == ["event"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_in_place_of_the_cache_folder_means_no_cache_at_once(
    cache: Path, event_text: str, no_hang: None
) -> None:
    os.mkfifo(cache, 0o600)
    assert build_parser("event", cache=True).parse(event_text)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_in_place_of_the_cache_file_is_rebuilt_over_at_once(
    cache: Path, event_text: str, no_hang: None
) -> None:
    build_parser("event", cache=True)
    [file] = cache.iterdir()
    file.unlink()
    os.mkfifo(file, 0o600)
    assert build_parser("event", cache=True).parse(event_text)
    assert file.is_file()  # a cache file again, read at the next start
    assert file.read_bytes().startswith(grammar._cache_key(grammar_text("event")) + b"\n")


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="permission bits are POSIX")
def test_a_cache_folder_named_with_a_final_slash_gets_its_parents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSWIKI_CACHE_DIR", str(tmp_path / "a" / "cache") + os.sep)
    build_parser("event", cache=True)
    created = [tmp_path / "a", tmp_path / "a" / "cache"]
    assert [oct(path.stat().st_mode & 0o777) for path in created] == ["0o700"] * 2
    assert [path.name.split("-")[0] for path in created[1].iterdir()] == ["event"]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and permission bits are POSIX")
def test_a_link_in_place_of_the_cache_folder_is_not_followed(
    cache: Path, tmp_path: Path, event_text: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache.symlink_to(elsewhere)
    assert build_parser("event", cache=True).parse(event_text)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("folder_fd", [True, False])
def test_a_folder_in_place_of_the_cache_file_only_means_no_cache(
    cache: Path, event_text: str, monkeypatch: pytest.MonkeyPatch, folder_fd: bool
) -> None:
    monkeypatch.setattr(grammar, "_FOLDER_FD", folder_fd and grammar._FOLDER_FD)
    build_parser("event", cache=True)
    [file] = cache.iterdir()
    file.unlink()
    file.mkdir(mode=0o700)
    assert build_parser("event", cache=True).parse(event_text)
    assert [(path.name, path.is_dir()) for path in cache.iterdir()] == [(file.name, True)]


@pytest.mark.parametrize("folder_fd", [True, False])
def test_a_save_that_fails_leaves_no_temporary_file(
    cache: Path, event_text: str, monkeypatch: pytest.MonkeyPatch, folder_fd: bool
) -> None:
    monkeypatch.setattr(grammar, "_FOLDER_FD", folder_fd and grammar._FOLDER_FD)

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(grammar._UncheckedLark, "save", full)
    assert build_parser("event", cache=True).parse(event_text)
    assert list(cache.iterdir()) == []


def test_a_parser_is_built_without_larks_terminal_checks(
    event_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # They cost more than the rest of a build, at every start; the strict build of the tests
    # runs them.
    def compared(*_: object, **__: object) -> None:
        raise AssertionError("Lark compared the terminals")

    build_parser("article")  # Lark checks its own grammar's terminals when it first reads one
    monkeypatch.setattr(lark.lexer, "_check_regex_collisions", compared)
    assert build_parser("event").parse(event_text)


def test_strict_builds_with_larks_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    # The strict build itself takes many seconds (tests/test_grammar.py runs it): here only
    # what is asked of Lark.
    asked: list[dict[str, object]] = []

    def lark_(text: str, **options: object) -> str:
        asked.append(options)
        return text

    monkeypatch.setattr(grammar.lark, "Lark", lark_)
    assert build_parser("article", strict=True) == grammar_text("article")
    assert asked == [{"parser": "lalr", "transformer": None, "strict": True}]


_PROGRAM = """
import sys, newswiki
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8", newline="").read()
    assert newswiki.dumps(newswiki.loads(text)) == text
    try:
        newswiki.loads(text[1:])
    except newswiki.ParseError as error:
        print(error)
"""


def test_loads_keeps_its_parsers_in_the_cache(cache: Path, event_text: str) -> None:
    # The parsers of loads() are built once per process; forget them, so that this test's
    # loads() builds them again, into the test's own cache directory.
    reader.parser.cache_clear()
    try:
        newswiki.loads(event_text)
    finally:
        reader.parser.cache_clear()
    assert [path.name.split("-")[0] for path in cache.iterdir()] == ["event"]


def test_a_fresh_interpreter_reads_the_cache_the_last_one_wrote(
    cache: Path, tmp_path: Path
) -> None:
    data = Path(__file__).parent / "data"
    samples = [str(data / "event-almaty-2016-07-18.md"), str(data / "article-aktobe-shootings.txt")]
    environment = {**os.environ, "NEWSWIKI_CACHE_DIR": str(cache)}

    def run() -> str:
        command = [sys.executable, "-c", _PROGRAM, *samples]
        done = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)
        return done.stdout

    first = run()
    files = {path: path.stat().st_mtime_ns for path in cache.iterdir()}
    assert sorted(path.name.split("-")[0] for path in files) == ["article", "event"]
    assert run() == first
    assert {path: path.stat().st_mtime_ns for path in cache.iterdir()} == files
    assert first.count(": expected ") == 2


class _Planted:
    """What another user might plant as a cache file: a pickle that runs code when read (here
    it only creates the file ``marker``)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (open, (str(self.marker), "w"))


def _planted(file: Path, marker: Path) -> bytes:
    """The cache file ``file`` with a planted pickle after its first line (the key, which
    says the file is a cache of this grammar): read, it would create ``marker``."""
    key = file.read_bytes().split(b"\n", 1)[0]
    return key + b"\n" + pickle.dumps(_Planted(marker))


def _plant(cache: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Build the cache, then put a planted pickle in the event parser's cache file."""
    build_parser("event", cache=True)
    [file] = cache.iterdir()
    marker = tmp_path / "the pickle ran"
    file.write_bytes(_planted(file, marker))
    return file, marker


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and permission bits are POSIX")
@pytest.mark.parametrize("how", ["writable by others", "owned by another user"])
def test_a_cache_file_others_could_have_written_is_rebuilt_not_read(
    cache: Path, tmp_path: Path, event_text: str, how: str
) -> None:
    file, marker = _plant(cache, tmp_path)
    if how == "writable by others":
        file.chmod(0o666)
    elif os.getuid() == 0:
        os.chown(file, 12345, 12345)
    else:
        pytest.skip("only root can give a file to another user")
    assert build_parser("event", cache=True).parse(event_text)
    assert not marker.exists()  # never unpickled
    status = file.stat()
    assert (status.st_uid, status.st_mode & 0o777) == (os.getuid(), 0o600)  # rebuilt, private
    assert pickle.dumps(_Planted(marker)) not in file.read_bytes()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and permission bits are POSIX")
def test_a_trusted_cache_file_is_read(cache: Path, tmp_path: Path, event_text: str) -> None:
    # The other side of the test above: a file of this user's, private, is unpickled (so the
    # planted pickle does run), which is what makes the refusal above mean something.
    file, marker = _plant(cache, tmp_path)
    file.chmod(0o600)
    assert build_parser("event", cache=True).parse(event_text)
    assert marker.exists()


@pytest.mark.parametrize("folder_fd", [True, False])
def test_the_cache_file_is_private_whatever_the_umask(
    cache: Path, monkeypatch: pytest.MonkeyPatch, folder_fd: bool
) -> None:
    monkeypatch.setattr(grammar, "_FOLDER_FD", folder_fd and grammar._FOLDER_FD)
    previous = os.umask(0)
    try:
        build_parser("event", cache=True)
    finally:
        os.umask(previous)
    [file] = cache.iterdir()  # no temporary file left beside it
    assert file.stat().st_mode & 0o777 == 0o600


def test_the_cache_file_is_written_atomically(
    cache: Path, event_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lark writes the parser to a temporary file; only a rename puts it in place.
    build_parser("event", cache=True)
    [file] = cache.iterdir()
    file.write_bytes(b"stale")
    renames: list[tuple[str, str]] = []
    replace = os.replace

    def spy(source: str, target: str, **folders: int) -> None:
        renames.append((source, target))
        assert file.read_bytes() == b"stale"  # untouched until the rename
        replace(source, target, **folders)

    monkeypatch.setattr(grammar.os, "replace", spy)
    assert build_parser("event", cache=True).parse(event_text)
    assert [os.path.basename(target) for _, target in renames] == [file.name]
    assert file.read_bytes() != b"stale"
    assert [path.name for path in cache.iterdir()] == [file.name]  # no temporary file left


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="permission bits are POSIX")
@pytest.mark.parametrize("where", ["NEWSWIKI_CACHE_DIR", "~/.cache"])
def test_every_folder_newswiki_creates_is_private_whatever_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    if where == "NEWSWIKI_CACHE_DIR":
        created = [tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "cache"]
        monkeypatch.setenv("NEWSWIKI_CACHE_DIR", str(created[-1]))
    else:
        monkeypatch.delenv("NEWSWIKI_CACHE_DIR")
        monkeypatch.setattr(grammar.sys, "platform", "linux")
        created = [home / ".cache", home / ".cache" / "newswiki"]
    previous = os.umask(0)
    try:
        build_parser("event", cache=True)
    finally:
        os.umask(previous)
    assert [oct(path.stat().st_mode & 0o777) for path in created] == ["0o700"] * len(created)
    assert home.stat().st_mode & 0o777 == 0o777 & ~previous  # not newswiki's: left alone
    [file] = created[-1].iterdir()
    assert file.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and permission bits are POSIX")
@pytest.mark.parametrize("folder_fd", [True, False])
def test_a_link_in_place_of_the_cache_file_is_not_followed(
    cache: Path, tmp_path: Path, event_text: str, monkeypatch: pytest.MonkeyPatch, folder_fd: bool
) -> None:
    # The planted pickle is this user's and private: only the link gives it away.
    monkeypatch.setattr(grammar, "_FOLDER_FD", folder_fd and grammar._FOLDER_FD)
    build_parser("event", cache=True)
    [file] = cache.iterdir()
    marker = tmp_path / "the pickle ran"
    elsewhere = tmp_path / "planted"
    planted = _planted(file, marker)
    elsewhere.write_bytes(planted)
    elsewhere.chmod(0o600)
    file.unlink()
    file.symlink_to(elsewhere)
    assert build_parser("event", cache=True).parse(event_text)
    assert not marker.exists()
    # Rebuilt in place of the link, which is gone; what it led to is left as it was.
    assert not file.is_symlink()
    assert elsewhere.read_bytes() == planted


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and permission bits are POSIX")
def test_a_folder_swapped_after_its_check_is_not_read(
    cache: Path, tmp_path: Path, event_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whoever may write to the cache folder's parent can put another folder in its place
    # between the check of the folder and the open of the file: simulated here, right after
    # the folder's status is taken, with a folder whose planted pickle passes every check.
    build_parser("event", cache=True)
    [file] = cache.iterdir()
    marker = tmp_path / "the pickle ran"
    swapped = tmp_path / "swapped"
    swapped.mkdir(mode=0o700)
    (swapped / file.name).write_bytes(_planted(file, marker))
    (swapped / file.name).chmod(0o600)
    checked = cache.stat()
    real_stat, real_fstat = os.stat, os.fstat

    def swap(status: os.stat_result) -> os.stat_result:
        if (status.st_dev, status.st_ino) == (checked.st_dev, checked.st_ino) and swapped.exists():
            cache.rename(tmp_path / "checked")
            swapped.rename(cache)
        return status

    monkeypatch.setattr(os, "stat", lambda *a, **k: swap(real_stat(*a, **k)))
    monkeypatch.setattr(os, "fstat", lambda fd: swap(real_fstat(fd)))
    assert build_parser("event", cache=True).parse(event_text)
    monkeypatch.undo()
    assert not swapped.exists()  # the swap took place
    assert not marker.exists()  # and the planted pickle was never read


def test_without_folder_descriptors_the_cache_works_by_name(
    cache: Path, event_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows can open no folder: there, files are opened by their full names.
    monkeypatch.setattr(grammar, "_FOLDER_FD", False)
    build_parser("event", cache=True)
    [file] = cache.iterdir()
    monkeypatch.setattr(grammar._UncheckedLark, "_build_parser", _no_build)
    assert build_parser("event", cache=True).parse(event_text)
    assert [path.name for path in cache.iterdir()] == [file.name]
