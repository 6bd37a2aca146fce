"""newswiki.files: the safe write keeps the file, on real links, owners, modes and attributes."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import pickle
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import newswiki
from newswiki import files
from newswiki.files import (
    TEMPORARY_SUFFIX,
    BatchError,
    Replacement,
    WriteBatch,
    temporary_folder,
    write_file,
    write_files,
)

ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="giving files to other users needs root")
OTHER_UID, OTHER_GID = 12345, 23456
NOBODY = 65534


def fresh_folder() -> Path:
    """A folder this process has not written in yet (leftovers are looked for once per
    folder and process), open to other users (pytest's own folders are not)."""
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o1777)  # a shared folder, as /tmp: sticky, writable by all
    return folder


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def aged(*paths: Path) -> None:
    """Make ``paths`` a minute old, as a run killed before the next one started leaves them."""
    old = time.time() - 60
    for path in paths:
        os.utime(path, (old, old), follow_symlinks=False)


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


def test_a_temporary_file_left_by_a_killed_run_is_removed(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old")
    fixed = write(tmp_path / f".a.md{TEMPORARY_SUFFIX}", b"x" * 100_000)  # older versions' name
    random = write(tmp_path / f".b.md.0123456789ab{TEMPORARY_SUFFIX}", b"x" * 100_000)
    aged(fixed, random)
    assert write_file(path, b"new") is True
    assert path.read_bytes() == b"new"
    assert hidden(tmp_path) == []  # the leftovers of this user, unlocked: gone
    assert not fixed.exists()
    assert not random.exists()


def test_a_temporary_file_another_writer_holds_is_left_alone(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old")
    busy = write(tmp_path / f".a.md{TEMPORARY_SUFFIX}", b"another writer's text")
    aged(busy)  # only its lock keeps it
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


# -- temporary files an adversary plants --------------------------------------------------


@needs_root
def test_a_temporary_file_planted_by_another_user_is_never_opened() -> None:
    # In a shared folder, another user plants the old fixed temporary name and a name in the
    # random style, and holds them open: the write must not truncate, take or rename them.
    folder = fresh_folder()
    try:
        path = write(folder / "a.md", b"old")
        planted = [
            folder / f".a.md{TEMPORARY_SUFFIX}",
            folder / f".a.md.0123456789ab{TEMPORARY_SUFFIX}",
        ]
        held = []
        for name in planted:
            write(name, b"the planter's text")
            os.chown(name, NOBODY, NOBODY)
            name.chmod(0o666)
            held.append(open(name, "rb"))  # noqa: SIM115 - held open across the write
        before = [name.stat() for name in planted]
        assert write_file(path, b"new") is True
        with WriteBatch() as batch:
            batch.write(path, b"newer")
        assert path.read_bytes() == b"newer"
        for name, status in zip(planted, before, strict=True):
            after = name.stat()
            assert (after.st_ino, after.st_uid, after.st_size) == (
                status.st_ino,
                NOBODY,
                status.st_size,
            )
            assert name.read_bytes() == b"the planter's text"
        assert path.stat().st_uid == 0
        for file in held:
            assert file.read() == b"the planter's text"
            file.close()
    finally:
        shutil.rmtree(folder)


def test_temporary_names_are_made_afresh_and_exclusively(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "a.md", b"old")
    opened: list[tuple[str, int]] = []
    real_open = os.open

    def spy(name: str, flags: int, *args: int) -> int:
        opened.append((os.path.basename(name), flags))
        return real_open(name, flags, *args)

    monkeypatch.setattr(files.os, "open", spy)
    write_file(path, b"new")
    write_file(path, b"newer")
    write_files({path: b"newest"})  # a batch makes its temporary files the same way
    temporaries = [(name, flags) for name, flags in opened if name.endswith(TEMPORARY_SUFFIX)]
    assert len(temporaries) == 3
    assert all(flags & os.O_CREAT and flags & os.O_EXCL for _, flags in temporaries)
    names = [name for name, _ in temporaries]
    assert len(set(names)) == 3  # not a name another user could plant in advance
    assert all(
        re.fullmatch(r"\.a\.md\.[0-9a-f]{12}" + re.escape(TEMPORARY_SUFFIX), n) for n in names
    )


@pytest.mark.parametrize(
    "name",
    ["a" * 252 + ".md", "x" + "é" * 125 + "y.md"],  # the second is cut inside a character
    ids=["ascii", "utf-8"],
)
def test_a_name_of_255_bytes_can_be_written(tmp_path: Path, name: str) -> None:
    assert len(os.fsencode(name)) == 255
    path = write(tmp_path / name, b"old")
    assert write_file(path, b"new") is True
    write_files({path: b"newer"})
    assert path.read_bytes() == b"newer"
    assert hidden(tmp_path) == []


_KILLED_BATCH = """
import os, signal, sys
from newswiki import files
paths, after = sys.argv[2:], int(sys.argv[1])
renamed = []
real_replace = os.replace

def replace(source, target):
    if len(renamed) >= after:
        os.kill(os.getpid(), signal.SIGKILL)  # killed in the middle of the renames
    real_replace(source, target)
    renamed.append(target)

files.os.replace = replace
with files.WriteBatch() as batch:
    for path in paths:
        batch.write(path, b"new text")
"""


@pytest.mark.parametrize("after", [0, 3])
def test_a_batch_killed_midway_leaves_every_file_old_or_new(tmp_path: Path, after: int) -> None:
    folder = fresh_folder()
    try:
        paths = [write(folder / f"{i}.md", b"old text") for i in range(6)]
        command = [sys.executable, "-c", _KILLED_BATCH, str(after), *map(str, paths)]
        done = subprocess.run(command, capture_output=True, check=False, timeout=60)
        assert done.returncode == -signal.SIGKILL, done.stderr
        contents = [p.read_bytes() for p in paths]
        assert contents == [b"new text"] * after + [b"old text"] * (6 - after)
        leftovers = hidden(folder)
        assert len(leftovers) == 6 - after  # the temporary files of the files not renamed
        aged(*(folder / name for name in leftovers))
        # The next run (this process has not written there yet) cleans them up.
        assert write_file(folder / "other.md", b"text") is True
        assert hidden(folder) == []
    finally:
        shutil.rmtree(folder)


def test_a_batch_killed_while_renaming_in_several_folders_leaves_every_file_old_or_new() -> None:
    # Folders are renamed side by side: the kill falls while several renames are under way.
    folder = fresh_folder()
    try:
        paths = [write(folder / f"day{i % 4}" / f"{i}.md", b"old text") for i in range(12)]
        command = [sys.executable, "-c", _KILLED_BATCH, "5", *map(str, paths)]
        done = subprocess.run(command, capture_output=True, check=False, timeout=60)
        assert done.returncode == -signal.SIGKILL, done.stderr
        contents = [p.read_bytes() for p in paths]
        assert set(contents) == {b"old text", b"new text"}
        leftovers = [f / name for f in sorted(folder.iterdir()) for name in hidden(f)]
        assert len(leftovers) == contents.count(b"old text")
        aged(*leftovers)
        write_files((path, b"newer") for path in paths)  # the next run cleans up
        assert [p.read_bytes() for p in paths] == [b"newer"] * 12
        assert [name for f in folder.iterdir() for name in hidden(f)] == []
    finally:
        shutil.rmtree(folder)


# -- the file itself kept, in a batch and alone -------------------------------------------


@needs_root
def test_a_batch_keeps_links_owner_group_mode_and_attributes(tmp_path: Path) -> None:
    target = write(tmp_path / "real" / "a.md", b"old")
    link = tmp_path / "link.md"
    link.symlink_to(Path("real") / "a.md")
    hard = write(tmp_path / "hard.md", b"old")
    os.link(hard, tmp_path / "hard-too.md")
    owned = write(tmp_path / "owned.md", b"old")
    os.chown(owned, NOBODY, NOBODY)
    owned.chmod(0o640)
    os.setxattr(owned, "user.origin", b"wire")
    inodes = {p: p.stat().st_ino for p in (target, hard, owned)}
    with WriteBatch() as batch:
        for path in (link, hard, owned):
            batch.write(path, b"new")
        batch.write(tmp_path / "created.md", b"new")
    assert link.is_symlink()
    assert target.read_bytes() == b"new"
    assert target.stat().st_ino != inodes[target]  # replaced in one step
    assert (tmp_path / "hard-too.md").read_bytes() == b"new"
    assert hard.stat().st_ino == inodes[hard]  # in place: still one file with two names
    status = owned.stat()
    assert (status.st_uid, status.st_gid, status.st_mode & 0o7777) == (NOBODY, NOBODY, 0o640)
    assert os.getxattr(owned, "user.origin") == b"wire"
    assert status.st_ino != inodes[owned]
    created = (tmp_path / "created.md").stat()
    assert created.st_mode & 0o777 == 0o666 & ~files._umask()
    assert hidden(tmp_path) == []
    assert hidden(tmp_path / "real") == []


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the waits for the disk: ``fsync`` and ``syncfs`` calls."""
    counts = {"fsync": 0, "syncfs": 0}
    real_fsync = os.fsync
    real_syncfs = files._syncfs()
    assert real_syncfs is not None  # Linux

    def fsync(fd: int) -> None:
        counts["fsync"] += 1
        real_fsync(fd)

    def syncfs(fd: int) -> None:
        counts["syncfs"] += 1
        real_syncfs(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files, "_syncfs", lambda: syncfs)
    return counts


def test_a_durable_batch_waits_for_the_disk_twice_not_twice_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [write(tmp_path / f"day{i % 3}" / f"{i}.md", b"old") for i in range(12)]
    counts = _counting(monkeypatch)
    write_files((path, b"new") for path in paths)
    assert counts == {"fsync": 0, "syncfs": 2}  # the data, then the names
    assert [p.read_bytes() for p in paths] == [b"new"] * 12
    counts.update(fsync=0, syncfs=0)
    write_files(dict.fromkeys(paths, b"newer"), durability="none")
    assert counts == {"fsync": 0, "syncfs": 0}
    assert [p.read_bytes() for p in paths] == [b"newer"] * 12
    counts.update(fsync=0, syncfs=0)
    assert write_file(paths[0], b"alone") is True
    assert counts == {"fsync": 2, "syncfs": 0}  # one file: its data, then its folder


def test_a_durable_batch_syncs_the_data_before_the_first_rename_and_the_names_after_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [write(tmp_path / f"day{i % 3}" / f"{i}.md", b"old") for i in range(9)]
    events: list[str] = []
    real_replace, real_syncfs = os.replace, files._syncfs()
    assert real_syncfs is not None  # Linux

    def replace(source: str, target: str) -> None:
        events.append("rename")
        real_replace(source, target)

    def syncfs(fd: int) -> None:
        events.append("sync")
        real_syncfs(fd)

    monkeypatch.setattr(files.os, "replace", replace)
    monkeypatch.setattr(files, "_syncfs", lambda: syncfs)
    write_files((path, b"new") for path in paths)
    assert events == ["sync", *["rename"] * 9, "sync"]
    assert [p.read_bytes() for p in paths] == [b"new"] * 9


def test_without_syncfs_a_durable_batch_syncs_each_file_then_each_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Systems without syncfs: the data of every temporary file before the first rename, then
    # each folder of the batch once after the last.
    paths = [write(tmp_path / f"day{i % 3}" / f"{i}.md", b"old") for i in range(9)]
    events: list[str] = []
    real_replace, real_fsync = os.replace, os.fsync

    def replace(source: str, target: str) -> None:
        events.append("rename")
        real_replace(source, target)

    def fsync(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        events.append("folder " + os.path.basename(name) if os.path.isdir(name) else "file")
        real_fsync(fd)

    monkeypatch.setattr(files, "_syncfs", lambda: None)
    monkeypatch.setattr(files.os, "replace", replace)
    monkeypatch.setattr(files.os, "fsync", fsync)
    write_files((path, b"new") for path in paths)
    assert events[:18] == ["file"] * 9 + ["rename"] * 9
    assert sorted(events[18:]) == ["folder day0", "folder day1", "folder day2"]
    assert [p.read_bytes() for p in paths] == [b"new"] * 9


def test_folders_are_renamed_side_by_side_each_by_one_thread_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [write(tmp_path / f"day{i % 3}" / f"{i}.md", b"old") for i in range(9)]
    together = threading.Barrier(3, timeout=10)  # each folder's first rename waits for the others
    renamed: list[tuple[int, str]] = []
    real_replace = os.replace

    def replace(source: str, target: str) -> None:
        folder = os.path.dirname(target)
        if not any(os.path.dirname(done) == folder for _, done in renamed):
            together.wait()  # broken (an error) unless three threads wait here at once
        real_replace(source, target)
        renamed.append((threading.get_ident(), target))

    monkeypatch.setattr(files.os, "replace", replace)
    write_files((path, b"new") for path in paths)
    for day in range(3):
        mine = [(thread, target) for thread, target in renamed if f"day{day}" in target]
        assert [target for _, target in mine] == [str(p) for p in paths[day::3]]
        assert len({thread for thread, _ in mine}) == 1
    assert len({thread for thread, _ in renamed}) == 3
    assert threading.get_ident() not in {thread for thread, _ in renamed}


@pytest.mark.parametrize("during", ["the data sync", "the renames"])
def test_ctrl_c_in_a_batch_leaves_each_file_old_or_new_and_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, during: str
) -> None:
    # Ctrl-C before the renames: no file is renamed; during them: they end first, all of them.
    paths = [write(tmp_path / f"day{i % 3}" / f"{i}.md", b"old") for i in range(12)]
    write_file(tmp_path / "day0" / "warm-up.md", b"")  # leftovers looked for, caches filled
    before = sorted(os.listdir("/proc/self/fd"))
    main = threading.get_ident()
    real_replace, real_syncfs = os.replace, files._syncfs()
    assert real_syncfs is not None  # Linux
    ctrl_c = [True]

    def press_ctrl_c() -> None:
        if ctrl_c:
            ctrl_c.clear()
            signal.pthread_kill(main, signal.SIGINT)

    def syncfs(fd: int) -> None:
        if during == "the data sync":
            press_ctrl_c()
        real_syncfs(fd)

    def replace(source: str, target: str) -> None:
        if during == "the renames":
            press_ctrl_c()
            time.sleep(0.01)  # the batch hears it while the renames are under way
        real_replace(source, target)

    monkeypatch.setattr(files, "_syncfs", lambda: syncfs)
    monkeypatch.setattr(files.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_files((path, b"new") for path in paths)
    expected = b"old" if during == "the data sync" else b"new"
    assert [p.read_bytes() for p in paths] == [expected] * 12
    assert [name for day in range(3) for name in hidden(tmp_path / f"day{day}")] == []
    assert sorted(os.listdir("/proc/self/fd")) == before


def test_a_batch_holds_a_bounded_number_of_files_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = _counting(monkeypatch)
    paths = [tmp_path / f"{i}.md" for i in range(7)]
    with WriteBatch(group=3) as batch:
        for path in paths:
            batch.write(path, path.name.encode())
            assert len(os.listdir("/proc/self/fd")) < 64
    assert counts["syncfs"] == 2 * 3  # groups of 3, 3 and 1
    assert [p.read_bytes() for p in paths] == [p.name.encode() for p in paths]


def test_a_file_written_twice_in_a_batch_gets_the_second_text(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old")
    os.link(path, tmp_path / "b.md")  # in place, beside one replaced file
    other = write(tmp_path / "c.md", b"old")
    with WriteBatch() as batch:
        for text in (b"first", b"second"):
            batch.write(path, text)
            batch.write(other, text)
    assert path.read_bytes() == other.read_bytes() == b"second"


def test_a_failed_sync_renames_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [write(tmp_path / f"{i}.md", b"old") for i in range(3)]

    def broken(fd: int) -> int:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(files, "_syncfs", lambda: broken)
    with pytest.raises(BatchError) as raised:
        write_files((path, b"new") for path in paths)
    assert sorted(raised.value.failures) == sorted(map(str, paths))
    assert all(e.errno == errno.EIO for e in raised.value.failures.values())
    assert [p.read_bytes() for p in paths] == [b"old"] * 3
    assert hidden(tmp_path) == []


def test_a_file_that_cannot_be_written_fails_alone(tmp_path: Path) -> None:
    good = write(tmp_path / "a.md", b"old")
    missing = tmp_path / "no such folder" / "b.md"
    with pytest.raises(BatchError) as raised:
        write_files([(good, b"new"), (missing, b"new")])
    assert list(raised.value.failures) == [str(missing)]
    assert isinstance(raised.value.failures[str(missing)], FileNotFoundError)
    assert "1 file not written" in str(raised.value)
    assert good.read_bytes() == b"new"


def test_a_batch_left_with_an_exception_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old")
    batch = WriteBatch()
    batch.write(path, b"new")
    batch.__exit__(KeyError, KeyError("the edit failed"), None)  # a with block that raised
    assert path.read_bytes() == b"old"
    assert hidden(tmp_path) == []


def test_a_batch_checks_its_options() -> None:
    with pytest.raises(ValueError, match="durability must be 'durable' or 'none', not 'fast'"):
        WriteBatch(durability="fast")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="group must be 1 or more, not 0"):
        WriteBatch(group=0)


# -- what the mutation run found untested ---------------------------------------------------


def test_an_in_place_write_from_another_thread(tmp_path: Path) -> None:
    # Only the main thread can hold signals: elsewhere the guard must still run the write.
    path = write(tmp_path / "a.md", b"old")
    os.link(path, tmp_path / "b.md")
    results: list[object] = []

    def run() -> None:
        try:
            results.append(write_file(path, b"new"))
        except BaseException as error:  # the thread reports what it met
            results.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert results == [False]
    assert (tmp_path / "b.md").read_bytes() == b"new"


def test_a_file_system_without_extended_attributes_still_replaces_in_one_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "a.md", b"old")
    inode = path.stat().st_ino

    def unsupported(*_: object) -> list[str]:
        raise OSError(errno.ENOTSUP, "Operation not supported")

    monkeypatch.setattr(files.os, "listxattr", unsupported)
    assert write_file(path, b"new") is True
    assert path.stat().st_ino != inode
    write_files({path: b"newer"})
    assert path.read_bytes() == b"newer"


def test_attributes_are_copied_only_where_there_are_some(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "a.md", b"old")

    def no_call(*_: object) -> None:
        raise AssertionError("an attribute call for a file without attributes")

    monkeypatch.setattr(files.os, "getxattr", no_call)
    monkeypatch.setattr(files.os, "setxattr", no_call)
    assert write_file(path, b"new") is True
    write_files({path: b"newer"})
    assert path.read_bytes() == b"newer"


def test_no_descriptor_is_left_open(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old")
    os.link(path, tmp_path / "b.md")  # in place too
    other = write(tmp_path / "c.md", b"old")
    write_file(other, b"warm-up")  # leftovers looked for, caches filled
    before = sorted(os.listdir("/proc/self/fd"))
    for text in (b"one", b"two"):
        write_file(other, text)
        write_file(path, text)
        write_files({other: text, path: text})
    assert sorted(os.listdir("/proc/self/fd")) == before


def test_a_temporary_file_made_this_instant_is_left_alone(tmp_path: Path) -> None:
    # Another writer may have created it and not locked it yet: only a settled one goes.
    path = write(tmp_path / "a.md", b"old")
    fresh = write(tmp_path / f".b.md.0123456789ab{TEMPORARY_SUFFIX}", b"being written")
    assert write_file(path, b"new") is True
    assert fresh.read_bytes() == b"being written"


# -- what the mutation run of files.py left alive ----------------------------------------------


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems give (``022``), whatever the test runner's."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("usual_umask")
def test_a_temporary_file_is_private_until_it_takes_the_files_mode(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", b"old")
    path.chmod(0o644)
    for target in (path, tmp_path / "new.md"):
        replacement = Replacement(target)
        assert replacement.temporary is not None
        status = os.stat(replacement.temporary)
        assert stat.S_ISREG(status.st_mode)
        assert stat.S_IMODE(status.st_mode) == 0o600  # before the owner's mode is given
        replacement.discard()
    fd, folder = temporary_folder(tmp_path, "table.parquet")
    try:
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    finally:
        os.rmdir(folder)
        os.close(fd)
    assert hidden(tmp_path) == []


def test_a_temporary_name_fills_the_255_bytes_of_a_file_name(tmp_path: Path) -> None:
    replacement = Replacement(tmp_path / ("a" * 252 + ".md"))
    assert replacement.temporary is not None
    name = os.path.basename(replacement.temporary)
    replacement.discard()
    assert len(name) == 255
    assert name.startswith("." + "a" * (255 - 2 - 12 - len(TEMPORARY_SUFFIX)) + ".")


@pytest.mark.parametrize("planted", ["a link to a folder", "a file"])
def test_a_temporary_folder_swapped_before_it_is_opened_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, planted: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def swapped(path: str, mode: int = 0o777) -> None:  # what an adversary does in between
        if planted == "a file":
            Path(path).write_bytes(b"")
        else:
            os.symlink(elsewhere, path)

    monkeypatch.setattr(files.os, "mkdir", swapped)
    with pytest.raises(NotADirectoryError):  # Linux's answer for a link, too
        temporary_folder(tmp_path, "table.parquet")


def test_a_dangling_link_creates_the_file_it_names(tmp_path: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "new.md")
    assert write_file(link, b"text") is True
    assert link.is_symlink()
    assert (tmp_path / "new.md").read_bytes() == b"text"


def test_a_batch_error_names_each_failure_and_pickles() -> None:
    error = BatchError(
        {
            "a.md": FileNotFoundError(errno.ENOENT, "No such file or directory"),
            "b.md": OSError("the disk is gone"),
        }
    )
    expected = "2 files not written: a.md: No such file or directory; b.md: the disk is gone"
    assert str(error) == expected
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is BatchError
    assert str(copy) == expected
    assert list(copy.failures) == ["a.md", "b.md"]


def test_a_batch_of_one_file_at_a_time(tmp_path: Path) -> None:
    a, b = write(tmp_path / "a.md", b"old"), write(tmp_path / "b.md", b"old")
    with WriteBatch(group=1) as batch:
        batch.write(a, b"new")
        assert a.read_bytes() == b"old"
        batch.write(b, b"new")  # the group is full: a goes in place first
        assert (a.read_bytes(), b.read_bytes()) == (b"new", b"old")
    assert b.read_bytes() == b"new"
    with pytest.raises(ValueError, match=r"group must be 1 or more, not 1\.5"):
        WriteBatch(group=1.5)  # type: ignore[arg-type]


def test_a_batch_holds_256_files_by_default(tmp_path: Path) -> None:
    paths = [write(tmp_path / f"{i}.md", b"old") for i in range(257)]
    with WriteBatch(durability="none") as batch:
        for path in paths[:256]:
            batch.write(path, b"new")
        assert {p.read_bytes() for p in paths} == {b"old"}
        batch.write(paths[256], b"new")
        assert [p.read_bytes() for p in paths] == [b"new"] * 256 + [b"old"]
    assert paths[256].read_bytes() == b"new"


@pytest.mark.parametrize(
    "leftover",
    [
        "a name not hidden",
        "a hidden name of another program",
        "a file with two names",
        "a folder of parts",
        "a folder of parts being written",
    ],
)
def test_which_leftovers_are_removed(tmp_path: Path, leftover: str) -> None:
    path = write(tmp_path / "a.md", b"old")
    held = None
    if leftover == "a name not hidden":
        planted = write(tmp_path / f"b.md.0123456789ab{TEMPORARY_SUFFIX}", b"mine")
    elif leftover == "a hidden name of another program":
        planted = write(tmp_path / ".b.md.swp", b"mine")
    elif leftover == "a file with two names":
        planted = write(tmp_path / f".b.md.0123456789ab{TEMPORARY_SUFFIX}", b"mine")
        os.link(planted, tmp_path / "kept.md")
    else:
        planted = tmp_path / f".t.parquet.0123456789ab{TEMPORARY_SUFFIX}"
        write(planted / "part-0.parquet", b"mine")
        if leftover == "a folder of parts being written":
            held = os.open(planted, os.O_RDONLY)
            fcntl.flock(held, fcntl.LOCK_EX)  # as temporary_folder's caller holds it
    aged(planted)
    try:
        assert write_file(path, b"new") is True
    finally:
        if held is not None:
            os.close(held)
    assert planted.exists() is (leftover != "a folder of parts")
    assert path.read_bytes() == b"new"


@pytest.mark.parametrize(("age", "removed"), [(4.9, False), (5.0, True), (60.0, True)])
def test_a_leftover_is_removed_once_settled_for_5_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, age: float, removed: bool
) -> None:
    path = write(tmp_path / "a.md", b"old")
    leftover = write(tmp_path / f".b.md.0123456789ab{TEMPORARY_SUFFIX}", b"x")
    changed = 1_000_000_000.0  # a whole number of seconds: the age is exact
    os.utime(leftover, (changed, changed))
    monkeypatch.setattr(files.time, "time", lambda: changed + age)
    write_file(path, b"new")
    assert leftover.exists() is not removed


def test_leftovers_are_looked_for_once_per_folder_and_the_memory_of_it_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked: list[str] = []
    real_scandir = os.scandir

    def scandir(folder: str) -> Iterator[os.DirEntry[str]]:
        looked.append(folder)
        return real_scandir(folder)

    monkeypatch.setattr(files.os, "scandir", scandir)
    monkeypatch.setattr(files, "_looked_in", {"/one", "/two"})
    monkeypatch.setattr(files, "_LOOKED_IN_MAX", 3)
    first, second = write(tmp_path / "a" / "a.md", b"old"), write(tmp_path / "b" / "b.md", b"old")
    write_file(first, b"new")
    write_file(first, b"newer")
    assert looked == [str(tmp_path / "a")]
    assert files._looked_in == {"/one", "/two", str(tmp_path / "a")}
    write_file(second, b"new")  # three folders remembered: forgotten, then this one
    assert files._looked_in == {str(tmp_path / "b")}


def test_a_leftover_that_became_a_link_is_not_followed(tmp_path: Path) -> None:
    # Between the look at a leftover and its opening, it is replaced by a link to a file of
    # the same user: the link is not opened, so neither it nor its target goes.
    victim = write(tmp_path / "victim.md", b"precious")
    seen = os.lstat(victim)  # what the look saw
    link = tmp_path / f".b.md.0123456789ab{TEMPORARY_SUFFIX}"
    link.symlink_to(victim)
    files._remove_if_abandoned(str(link), seen, os.unlink)
    assert link.is_symlink()
    assert victim.read_bytes() == b"precious"


@pytest.mark.parametrize("why", ["other names", "a folder that takes no new file"])
def test_a_file_rewritten_in_place_is_durable_and_its_space_reserved_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    path = write(tmp_path / "a.md", b"old")
    inode = path.stat().st_ino
    if why == "other names":
        os.link(path, tmp_path / "b.md")
    else:

        def refused(*_: object) -> None:
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(files, "_create_temporary", refused)
    synced: list[int] = []
    reserved: list[tuple[int, int]] = []
    real_fsync, real_fallocate = os.fsync, os.posix_fallocate

    def fsync(fd: int) -> None:
        synced.append(os.fstat(fd).st_ino)
        real_fsync(fd)

    def fallocate(fd: int, offset: int, size: int) -> None:
        reserved.append((offset, size))
        real_fallocate(fd, offset, size)

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files.os, "posix_fallocate", fallocate)
    assert write_file(path, b"new text") is False
    assert (path.read_bytes(), path.stat().st_ino) == (b"new text", inode)
    assert inode in synced
    assert reserved == [(0, 8)]


def test_a_folder_that_takes_no_new_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # (Root may create files anywhere: the refusal is made by hand.)
    def refused(*_: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    path = write(tmp_path / "a.md", b"old")
    monkeypatch.setattr(files, "_create_temporary", refused)
    with pytest.raises(PermissionError):
        write_file(tmp_path / "new.md", b"text")
    with WriteBatch() as batch:
        with pytest.raises(PermissionError):
            batch.write(tmp_path / "new.md", b"text")
        batch.write(path, b"new")
    assert path.read_bytes() == b"new"
    assert not (tmp_path / "new.md").exists()


@pytest.mark.usefixtures("usual_umask")
def test_a_file_removed_while_its_batch_waits_is_made_anew_with_the_usual_mode(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "a.md", b"old")
    os.link(path, tmp_path / "b.md")  # rewritten in place, at the commit
    with WriteBatch() as batch:
        batch.write(path, b"new")
        path.unlink()
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_an_in_place_write_holds_ctrl_c_hangup_and_terminate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "a.md", b"old")
    os.link(path, tmp_path / "b.md")
    held: list[set[signal.Signals]] = []
    real_ftruncate = os.ftruncate

    def ftruncate(fd: int, size: int) -> None:
        held.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))
        real_ftruncate(fd, size)

    monkeypatch.setattr(files.os, "ftruncate", ftruncate)
    assert write_file(path, b"new") is False
    assert len(held) == 1
    assert {signal.SIGINT, signal.SIGTERM, signal.SIGHUP} <= held[0]
    assert signal.SIGHUP not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def test_the_folder_of_a_replaced_file_is_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    monkeypatch.setattr(files, "_sync_folder", synced.append)
    write_file(tmp_path / "a.md", b"text")
    monkeypatch.chdir(tmp_path / "..")
    write_file(os.path.join(tmp_path.name, "b.md"), b"text")
    monkeypatch.chdir(tmp_path)
    write_file("c.md", b"text")
    assert synced == [str(tmp_path), tmp_path.name, os.curdir]


def test_linux_syncs_a_file_system_in_one_call_and_reports_its_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncfs = files._syncfs.__wrapped__()  # not the cached one: made afresh
    assert syncfs is not None
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        assert syncfs(fd) is None
    finally:
        os.close(fd)
    with pytest.raises(OSError, match="Bad file descriptor") as raised:
        syncfs(-1)
    assert raised.value.errno == errno.EBADF

    def no_sync() -> None:
        raise AssertionError("every file system synced where one was asked for")

    monkeypatch.setattr(files.os, "sync", no_sync)
    files.sync_file_systems([tmp_path])


def test_at_most_4_threads_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    real_executor = files.ThreadPoolExecutor

    def executor(workers: int) -> ThreadPoolExecutor:
        threads.append(workers)
        return real_executor(workers)

    monkeypatch.setattr(files, "ThreadPoolExecutor", executor)
    paths = [write(tmp_path / f"day{i}" / "a.md", b"old") for i in range(6)]
    write_files(dict.fromkeys(paths, b"new"))
    assert threads == [4]
    assert [p.read_bytes() for p in paths] == [b"new"] * 6
