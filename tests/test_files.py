"""newswiki.files: the safe write keeps the file, on real links, owners, modes and attributes."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import newswiki
from newswiki import files
from newswiki.files import TEMPORARY_SUFFIX, Replacement, write_file

ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="giving files to other users needs root")
OTHER_UID, OTHER_GID = 12345, 23456


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_new_file_and_a_replaced_one(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    assert write_file(path, b"new") is True
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o666 & ~files._umask()
    path.chmod(0o640)
    inode = path.stat().st_ino
    assert write_file(path, b"newer") is True
    assert path.read_bytes() == b"newer"
    assert path.stat().st_mode & 0o777 == 0o640
    assert path.stat().st_ino != inode  # replaced in one step: a new file took the name
    assert hidden(tmp_path) == []


def test_a_symbolic_link_stays_a_link_and_its_target_is_written(tmp_path: Path) -> None:
    target = write(tmp_path / "real" / "a.md", b"old")
    link = tmp_path / "link.md"
    link.symlink_to(Path("real") / "a.md")  # relative, as links in archives often are
    chain = tmp_path / "chain.md"
    chain.symlink_to(link)
    assert write_file(chain, b"new") is True
    assert link.is_symlink()
    assert chain.is_symlink()
    assert os.readlink(link) == os.path.join("real", "a.md")
    assert target.read_bytes() == b"new"
    assert hidden(tmp_path) == []
    assert hidden(tmp_path / "real") == []


def test_hard_links_keep_sharing_the_text(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old text")
    other = tmp_path / "b.md"
    os.link(path, other)
    assert write_file(path, b"new") is False  # rewritten in place, not atomically
    assert other.read_bytes() == path.read_bytes() == b"new"
    assert path.stat().st_ino == other.stat().st_ino
    assert path.stat().st_nlink == 2
    assert hidden(tmp_path) == []


@needs_root
def test_owner_group_and_mode_are_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old")
    os.chown(path, OTHER_UID, OTHER_GID)
    path.chmod(0o2751)  # setgid and odd bits: chown would clear setgid, so mode goes after
    assert write_file(path, b"new") is True
    status = path.stat()
    assert (status.st_uid, status.st_gid) == (OTHER_UID, OTHER_GID)
    assert status.st_mode & 0o7777 == 0o2751
    assert path.read_bytes() == b"new"


@contextlib.contextmanager
def acting_as(uid: int) -> Iterator[None]:
    """Act as another user (root can come back: the real uid stays 0)."""
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)


@needs_root
def test_a_file_of_another_user_is_rewritten_in_place_keeping_its_owner() -> None:
    # A user who may write another's file but not give a new one away: in place, owner kept.
    folder = Path(tempfile.mkdtemp())  # pytest's own folders are closed to other users
    try:
        folder.chmod(0o777)
        path = write(folder / "a.md", b"old text that is longer")
        os.chown(path, OTHER_UID, OTHER_GID)
        path.chmod(0o666)
        with acting_as(OTHER_UID + 1):
            assert write_file(path, b"new") is False
        status = path.stat()
        assert (status.st_uid, status.st_gid) == (OTHER_UID, OTHER_GID)
        assert path.read_bytes() == b"new"
        assert hidden(folder) == []
    finally:
        shutil.rmtree(folder)


def test_extended_attributes_are_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old")
    try:
        os.setxattr(path, "user.newswiki.origin", b"wire feed")
    except OSError as error:
        if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            pytest.skip("this file system keeps no extended attributes")
        raise
    assert write_file(path, b"new") is True
    assert os.getxattr(path, "user.newswiki.origin") == b"wire feed"


def test_an_attribute_that_cannot_be_copied_means_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "a.md", b"old")

    def refuse(*_: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(files, "_copy_attributes", refuse)
    inode = path.stat().st_ino
    assert write_file(path, b"new") is False
    assert (path.read_bytes(), path.stat().st_ino) == (b"new", inode)


def test_a_full_disk_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "a.md", b"old")

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_file(path, b"new")
    assert path.read_bytes() == b"old"
    assert hidden(tmp_path) == []
    # In place (hard links), the space is reserved before a byte changes.
    os.link(path, tmp_path / "b.md")
    monkeypatch.undo()
    monkeypatch.setattr(files.os, "posix_fallocate", full)
    with pytest.raises(OSError, match="No space left"):
        write_file(path, b"new")
    assert path.read_bytes() == b"old"


def test_a_temporary_file_left_by_a_killed_run_is_taken_over(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old")
    leftover = write(tmp_path / f".a.md{TEMPORARY_SUFFIX}", b"x" * 100_000)
    assert write_file(path, b"new") is True
    assert path.read_bytes() == b"new"
    assert hidden(tmp_path) == []  # the leftover is gone: it became the new file
    assert not leftover.exists()


def test_a_temporary_file_another_writer_holds_is_left_alone(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old")
    busy = write(tmp_path / f".a.md{TEMPORARY_SUFFIX}", b"another writer's text")
    with open(busy, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # what a live writer holds (another open file)
        assert write_file(path, b"new") is True
    assert path.read_bytes() == b"new"
    assert busy.read_bytes() == b"another writer's text"
    assert hidden(tmp_path) == [busy.name]


def test_a_link_planted_as_the_temporary_file_is_not_followed(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old")
    victim = write(tmp_path / "victim.txt", b"precious")
    (tmp_path / f".a.md{TEMPORARY_SUFFIX}").symlink_to(victim)
    assert write_file(path, b"new") is True
    assert (path.read_bytes(), victim.read_bytes()) == (b"new", b"precious")


def test_replacement_streams_and_discards(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old")
    replacement = Replacement(path)
    replacement.file.write(b"half")
    replacement.__exit__(KeyError, KeyError("interrupted"), None)  # a with block that raised
    assert path.read_bytes() == b"old"
    assert hidden(tmp_path) == []
    with Replacement(path) as out:
        out.write(b"whole")
    assert path.read_bytes() == b"whole"


def test_dump_to_a_path_writes_safely(tmp_path: Path) -> None:
    sample = Path(__file__).parent / "data" / "event-almaty-2016-07-18.md"
    event = newswiki.load(sample)
    link = tmp_path / "link.md"
    target = write(tmp_path / "real.md", b"")
    link.symlink_to(target)
    newswiki.dump(event, link)
    assert link.is_symlink()
    assert target.read_bytes() == sample.read_bytes()
