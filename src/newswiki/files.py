"""Writing files over themselves without losing them: the safe writes of ``newswiki fmt``.

A rename-based atomic write (write a temporary file, rename it over the old one) is the safe
way to replace a file, but done naively it replaces more than the text: a symbolic link
becomes a regular file and its target is left as it was, the other names of a hard-linked
file keep the old text, and the file takes the writer's owner and group and loses its
extended attributes.  :func:`write_file`, :class:`WriteBatch` and :class:`Replacement` keep
all of these:

- a symbolic link is followed: its target gets the new text and the link stays a link;
- the file keeps its owner, group, permission bits and extended attributes (ACLs included);
- when the file is replaced in one step (it has one name, and its owner, group and extended
  attributes can be given to the new file), readers and a crash see the old text or the new,
  never a mix: this is the usual case;
- when it cannot be (a file with several hard links, a file owned by another user that only
  root could give back, a folder the writer may not create files in, an attribute that cannot
  be copied), the file is rewritten in place, which keeps it whole in identity but not in
  time: space is reserved first, so a full disk fails before a byte changes, and Ctrl-C waits
  until the write is done, but a crash or power cut in the middle leaves a partial file.

**Durability.** :func:`write_file` makes each file durable before it returns: the new text
reaches the disk, then its name.  That costs two waits for the disk per file, which is most of
the time of a bulk rewrite of small files.  :class:`WriteBatch` pays them once per batch, as
git does with ``core.fsyncMethod = batch``: every temporary file is written, the data of all
of them is synced at once, they are renamed into place, and the names are synced at once.
With ``durability="none"`` nothing waits for the disk: a program that is killed still leaves
every file old or new, but a power cut or a crash of the operating system soon after the run
can leave files with their old text or, on some file systems, empty: for a pipeline that can
run again.

**Temporary files** are created beside the file, never opened: each is a new file made for
the write (``O_CREAT | O_EXCL``) under an unpredictable name, ``.NAME.RANDOM.newswiki-tmp``
(``NAME`` shortened when the whole would pass the 255 bytes a file name may have), locked
while it is written.  A run that is killed (``kill -9``, a power cut) can leave one behind;
every newswiki command skips hidden files, and the next write in that folder removes the
leftovers that are the writer's own (same owner), a few seconds old, and that no live writer
holds.

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> path = os.path.join(folder, "event.md")
>>> write_file(path, b"old text\\n")
True
>>> os.symlink(path, os.path.join(folder, "link.md"))
>>> write_file(os.path.join(folder, "link.md"), b"new text\\n")
True
>>> open(path, "rb").read(), os.path.islink(os.path.join(folder, "link.md"))
(b'new text\\n', True)
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import os
import shutil
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Literal, NamedTuple

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "TEMPORARY_SUFFIX",
    "BatchError",
    "Durability",
    "Replacement",
    "WriteBatch",
    "sync_file_systems",
    "temporary_folder",
    "write_file",
    "write_files",
]

#: The suffix of the temporary files.
TEMPORARY_SUFFIX = ".newswiki-tmp"

#: How a :class:`WriteBatch` waits for the disk: ``"durable"`` (once per batch) or ``"none"``.
Durability = Literal["durable", "none"]

_BLOCK = 1 << 20
# No O_CLOEXEC below: os.open makes every descriptor close-on-exec already (PEP 446).
# Errors that mean "this file cannot be replaced keeping its identity": write it in place.
_CANNOT_KEEP = (errno.EPERM, errno.EACCES, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV)
# The longest file name most file systems take, in bytes.
_NAME_MAX = 255
_RANDOM_BYTES = 6  # 12 hexadecimal digits: 48 bits no other writer guesses
# Room for NAME in ".NAME.RANDOM.newswiki-tmp".
_NAME_ROOM = _NAME_MAX - len("..") - 2 * _RANDOM_BYTES - len(TEMPORARY_SUFFIX)


@functools.cache
def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _resolve(path: str) -> tuple[str, os.stat_result | None]:
    """The file that ``path`` names, its symbolic link followed, and its status (``None``:
    no such file yet).  A folder on the way may be a link: the temporary file goes beside
    the file through it all the same."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return path, None
    if not stat.S_ISLNK(status.st_mode):
        return path, status
    target = os.path.realpath(path)
    try:
        return target, os.stat(target)
    except FileNotFoundError:  # a dangling link: the file it names is created
        return target, None


def _temporary_name(name: str) -> str:
    """``.NAME.RANDOM.newswiki-tmp``, ``NAME`` cut to fit a file name of 255 bytes."""
    cut = os.fsdecode(os.fsencode(name)[:_NAME_ROOM])
    return f".{cut}.{os.urandom(_RANDOM_BYTES).hex()}{TEMPORARY_SUFFIX}"


def _create_temporary(folder: str, name: str, *, directory: bool = False) -> tuple[int, str]:
    """A new file (or folder) beside ``folder/name``, open and locked: made for this write,
    never one that was there (``O_EXCL``: a file or link planted under the name makes it try
    another)."""
    _remove_leftovers(folder)
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL
    while True:
        path = os.path.join(folder, _temporary_name(name))
        try:
            if directory:
                os.mkdir(path, 0o700)
                fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            else:
                fd = os.open(path, flags, 0o600)
        except FileExistsError:  # 48 random bits met a file
            continue
        _lock(fd)
        return fd, path


def temporary_folder(folder: str | os.PathLike[str], name: str) -> tuple[int, str]:
    """A new hidden folder in ``folder`` for the parts of ``name`` (e.g. a table written
    part by part), named as the temporary files are, and locked for as long as the returned
    descriptor stays open: until then no later run takes it for a leftover.  The caller
    renames it into place (or removes it), then closes the descriptor.

    Returns:
        The open descriptor of the folder, and its path.
    """
    return _create_temporary(os.fspath(folder), name, directory=True)


def _lock(fd: int) -> bool:
    """Lock ``fd`` for this process (the lock goes when the process does, however it ends);
    ``False`` when another process holds it."""
    if fcntl is None:  # pragma: no cover - Windows
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


# Folders this process has looked in for leftovers: once each is enough (leftovers come from
# runs that were killed, and this one is alive); forgotten when it grows large.
_looked_in: set[str] = set()
_LOOKED_IN_MAX = 100_000
_SETTLED = 5.0  # seconds since a leftover last changed


def _remove_leftovers(folder: str) -> None:
    """Remove the temporary files in ``folder`` that killed runs of this user left behind:
    regular files (and folders of parts) of this owner, with one name, unchanged for a few
    seconds, that no live writer holds locked.  Files of other users are never opened."""
    if folder in _looked_in or fcntl is None:
        return
    if len(_looked_in) >= _LOOKED_IN_MAX:
        _looked_in.clear()
    _looked_in.add(folder)
    owner, now = os.geteuid(), time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(TEMPORARY_SUFFIX)):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        # A writer locks its file just after creating it: one that is seconds old and
        # unlocked is abandoned, one made this instant may not be locked yet.
        if status.st_uid != owner or now - status.st_mtime < _SETTLED:
            continue
        if stat.S_ISREG(status.st_mode) and status.st_nlink == 1:
            _remove_if_abandoned(entry.path, status, os.unlink)
        elif stat.S_ISDIR(status.st_mode):  # a temporary folder of parts
            _remove_if_abandoned(entry.path, status, _remove_tree)


def _remove_tree(path: str) -> None:
    shutil.rmtree(path)


def _remove_if_abandoned(path: str, status: os.stat_result, remove: Callable[[str], None]) -> None:
    # A file or folder alike: the inode compared below is the one seen to be either.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return
    try:
        if _same_file(fd, status) and _lock(fd):
            with contextlib.suppress(OSError):
                remove(path)
    finally:
        os.close(fd)


def _same_file(fd: int, status: os.stat_result) -> bool:
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (status.st_dev, status.st_ino)


def _adopt(fd: int, target: str, status: os.stat_result | None, mode: int | None) -> bool:
    """Give the new file ``fd`` the old one's owner, group, mode and extended attributes;
    ``False`` when the old file cannot be replaced by another (it has other names, or
    something cannot be given)."""
    if mode is not None:
        os.fchmod(fd, mode)
    elif status is None:
        os.fchmod(fd, 0o666 & ~_umask())
    elif status.st_nlink > 1 or not stat.S_ISREG(status.st_mode):
        return False
    else:
        try:
            mine = os.fstat(fd)
            if (mine.st_uid, mine.st_gid) != (status.st_uid, status.st_gid):
                os.fchown(fd, status.st_uid, status.st_gid)
            os.fchmod(fd, stat.S_IMODE(status.st_mode))  # after chown, which clears setuid
            _copy_attributes(target, fd)
        except OSError as error:
            if error.errno in _CANNOT_KEEP:
                return False
            raise
    return True


def _copy_attributes(source: str, fd: int) -> None:
    """Copy the extended attributes (and with them POSIX ACLs) of ``source`` onto ``fd``:
    one call that finds none for most files."""
    if not hasattr(os, "listxattr"):  # pragma: no cover - not Linux
        return
    try:
        names = os.listxattr(source)
    except OSError as error:
        if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return
        raise
    for name in names:
        os.setxattr(fd, name, os.getxattr(source, name))


def _sync_folder(folder: str) -> None:
    """Flush the renames in ``folder`` to disk (a folder is a file too); some systems
    cannot, which is harmless."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems that refuse it
        pass
    finally:
        os.close(fd)


@functools.cache
def _syncfs() -> Callable[[int], None] | None:
    """Linux's ``syncfs(fd)``: everything written to one file system, on disk in one call
    (``None`` elsewhere)."""
    if not sys.platform.startswith("linux"):  # pragma: no cover - other systems
        return None
    try:
        import ctypes

        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):  # pragma: no cover - a C library without it
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int

    def syncfs(fd: int) -> None:
        if function(fd) != 0:
            number = ctypes.get_errno()
            raise OSError(number, os.strerror(number))

    return syncfs


def _sync_file_systems(fds: Iterable[int]) -> bool:
    """Sync each file system holding one of ``fds``, once; ``False`` when the system has no
    ``syncfs`` (then nothing was done)."""
    syncfs = _syncfs()
    if syncfs is None:  # pragma: no cover - other systems
        return False
    done = set()
    for fd in fds:
        device = os.fstat(fd).st_dev
        if device not in done:
            syncfs(fd)
            done.add(device)
    return True


def sync_file_systems(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Put on disk everything written so far to the file systems that hold ``paths``: one
    ``syncfs`` each on Linux, one ``sync`` of every file system elsewhere (how a writer of
    many files, such as a Parquet dataset of part files, makes them durable at once)."""
    fds = []
    try:
        for path in paths:
            fds.append(os.open(path, os.O_RDONLY))
        if not _sync_file_systems(fds):  # pragma: no cover - other systems
            os.sync()
    finally:
        for fd in fds:
            os.close(fd)


def _reserve(fd: int, size: int) -> None:
    """Reserve the space of the new text before changing a byte: a full disk fails here."""
    if not hasattr(os, "posix_fallocate"):  # pragma: no cover - macOS, Windows
        return
    try:
        os.posix_fallocate(fd, 0, size)
    except OSError as error:
        if error.errno not in (errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL, errno.ENODEV):
            raise


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_in_place(target: str, source: IO[bytes], *, durable: bool) -> None:
    """Rewrite ``target`` with what ``source`` holds, keeping the file itself (see the
    module's description)."""
    with _uninterrupted():
        size = source.seek(0, os.SEEK_END)
        source.seek(0)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o666)
        try:
            _reserve(fd, size)
            while block := source.read(_BLOCK):
                _write_all(fd, block)
            os.ftruncate(fd, size)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C (and the other signals that end a run) while a file is rewritten in
    place, or a batch's files are renamed; they take effect when that is done.  Only the main
    thread can hold them: Python takes signals there, so in another thread the mask this
    sets holds nothing back, and harms nothing."""
    held = {signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)}
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class Replacement:
    """The new contents of the file at ``path``, written to :attr:`file` and put in place
    by :meth:`commit`, keeping the file and making it durable (see the module's
    description); :meth:`discard` (or leaving a ``with`` block with an exception) drops them
    and leaves the file as it was.  For many small files, :class:`WriteBatch` is faster.

    Args:
        path: the file to replace (or create); a symbolic link is followed.
        mode: permission bits to give the file instead of keeping the old file's (or, for a
            new file, the usual ``0o666`` less the umask); the file is then a new one of
            this process' owner, nothing of the old one kept (``0o600`` for a private
            file, whatever the umask).

    Raises:
        OSError: the file's folder does not exist or is on a read-only file system, ...
    """

    def __init__(self, path: str | os.PathLike[str], *, mode: int | None = None) -> None:
        #: The path as given.
        self.path = os.fspath(path)
        self._mode = mode
        #: The file that will be written: the path, or the file its symbolic link names.
        self.target, self._status = _resolve(self.path)
        self._temporary: str | None = None
        folder, name = os.path.split(self.target)
        try:
            fd, self._temporary = _create_temporary(folder or os.curdir, name)
        except PermissionError:
            if self._status is None:
                raise
            fd = None  # a folder we may not add to: gather the text here, write it in place
        #: Where the new contents go (binary, buffered).
        self.file: IO[bytes] = (
            io.BytesIO() if fd is None else os.fdopen(fd, "w+b", buffering=_BLOCK)
        )

    def __enter__(self) -> IO[bytes]:
        return self.file

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def commit(self) -> bool:
        """Put the new contents in place; return whether that was one atomic step (``False``:
        written in place, see the module's description)."""
        try:
            self.file.flush()
            if self._temporary is not None and _adopt(
                self.file.fileno(), self.target, self._status, self._mode
            ):
                os.fsync(self.file.fileno())
                os.replace(self._temporary, self.target)
                self._temporary = None
                _sync_folder(os.path.dirname(self.target) or os.curdir)
                return True
            if isinstance(self.file, io.BytesIO):  # _write_in_place reads it from the start
                _write_in_place(self.target, self.file, durable=True)
            else:
                with os.fdopen(os.dup(self.file.fileno()), "rb") as source:
                    _write_in_place(self.target, source, durable=True)
            return False
        finally:
            self.discard()

    @property
    def temporary(self) -> str | None:
        """The temporary file's path, for a writer that needs a name rather than
        :attr:`file` (``None`` when the folder takes no new file and the contents are kept
        in memory)."""
        return self._temporary

    def discard(self) -> None:
        """Drop the new contents (after :meth:`commit` too: it only tidies up)."""
        if self._temporary is not None:  # removed while locked: no other writer takes it
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._temporary)
            self._temporary = None
        self.file.close()


def write_file(path: str | os.PathLike[str], data: bytes) -> bool:
    """Replace the contents of the file at ``path`` with ``data`` (or create it), keeping the
    file: its links, owner, group, mode and extended attributes, and make it durable before
    returning (see the module's description).  To write many files, :class:`WriteBatch` is
    faster.

    Returns:
        ``True`` when the file was replaced in one atomic step, ``False`` when it had to be
        rewritten in place.

    Raises:
        OSError: the file or its folder cannot be written, the disk is full, ... (the file
            is then left as it was).
    """
    replacement = Replacement(path)
    try:
        replacement.file.write(data)
    except BaseException:
        replacement.discard()
        raise
    return replacement.commit()


class BatchError(OSError):
    """Files of a :class:`WriteBatch` that could not be put in place; every other file of
    the batch was.

    Attributes:
        failures: the error of each file that failed, by its path as given (its old text is
            left as it was).
    """

    def __init__(self, failures: dict[str, OSError]) -> None:
        self.failures = failures
        shown = "; ".join(f"{path}: {error.strerror or error}" for path, error in failures.items())
        count = len(failures)
        super().__init__(f"{count} file{'' if count == 1 else 's'} not written: {shown}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.failures,))


class _Staged(NamedTuple):
    """A file of a batch written to its temporary file, waiting to be renamed into place."""

    path: str  # as the caller gave it
    target: str  # the file to replace: the path, its symbolic link followed
    fd: int  # the temporary file, open and locked
    temporary: str


# A rename over a file also frees the old file, which can wait for the disk (ext4 without a
# journal, mounted with ``discard``, discards the old file's blocks before the rename returns),
# and ext4 starts writing the new file's data if it is not on disk yet: a few threads let
# several folders wait at once.  The renames in one folder take the folder's lock one after
# another, so each folder's files go to one thread, in order.
_RENAMERS = 4


def _rename_by_folder(
    staged: list[_Staged], renamed: list[_Staged], failures: dict[str, OSError]
) -> None:
    """Rename each temporary file of ``staged`` over its target, several folders at once,
    adding each file renamed to ``renamed`` and the error of each that cannot be to
    ``failures``.  Ctrl-C waits until they are done: no rename is left under way."""
    folders: dict[str, list[_Staged]] = {}
    for file in staged:
        folders.setdefault(os.path.dirname(file.target), []).append(file)
    waiting = iter(folders.values())
    taking = threading.Lock()

    def rename_folders() -> None:  # one folder after another, until none is left
        while True:
            with taking:
                files = next(waiting, None)
            if files is None:
                return
            for file in files:
                try:
                    os.replace(file.temporary, file.target)
                except OSError as error:
                    failures[file.path] = error
                else:
                    renamed.append(file)

    threads = min(_RENAMERS, len(folders))
    with _uninterrupted(), ThreadPoolExecutor(threads) as renamers:
        for each in [renamers.submit(rename_folders) for _ in range(threads)]:
            each.result()


class WriteBatch:
    """Write many files at once, each kept as :func:`write_file` keeps it, and durable once
    per batch rather than once per file (see the module's description).

    :meth:`write` puts a file's new text in its temporary file at once; :meth:`commit` (or
    the end of a ``with`` block) makes them all durable and puts them in place.  A batch
    holds at most ``group`` temporary files open: when it has that many, they are put in
    place before the next one is written.  Leaving the ``with`` block with an exception
    drops the files not yet put in place, which keep their old text; Ctrl-C while they are
    being renamed into place takes effect when the renames are done.  A file written twice
    gets the text of the second write.  The files of different folders are renamed from a few
    threads at once, so that their waits for the disk overlap; those of one folder, in order.

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with WriteBatch() as batch:
    ...     for name in ("a.md", "b.md"):
    ...         batch.write(os.path.join(folder, name), b"text\\n")
    >>> sorted(os.listdir(folder))
    ['a.md', 'b.md']

    Args:
        durability: ``"durable"`` (the default): when :meth:`commit` returns, the files and
            their names are on disk; the data of the whole batch is synced at once, then
            its names (one ``syncfs`` per file system on Linux; elsewhere each temporary
            file, then each folder, once).  ``"none"``: nothing waits for the disk; a killed
            program still leaves each file old or new, but a power cut or a crash of the
            operating system shortly after can leave files old or empty.
        group: the most temporary files held open at once.

    Raises:
        ValueError: an unknown ``durability``, or ``group`` below 1.
    """

    def __init__(self, *, durability: Durability = "durable", group: int = 256) -> None:
        if durability not in ("durable", "none"):
            raise ValueError(f"durability must be 'durable' or 'none', not {durability!r}")
        if not isinstance(group, int) or group < 1:
            raise ValueError(f"group must be 1 or more, not {group!r}")
        #: ``"durable"`` or ``"none"``.
        self.durability: Durability = durability
        self._group = group
        self._staged: list[_Staged] = []
        self._in_place: list[tuple[str, str, bytes]] = []  # path, target, text
        self._targets: set[str] = set()
        self._failures: dict[str, OSError] = {}

    def __enter__(self) -> WriteBatch:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def write(self, path: str | os.PathLike[str], data: bytes) -> None:
        """Write ``data`` as the new contents of the file at ``path`` (or a new file); it is
        put in place by :meth:`commit`.

        Raises:
            OSError: the file's folder does not exist or cannot be written, the disk is
                full, ... (the file is left as it was; the batch goes on).
        """
        path = os.fspath(path)
        target, status = _resolve(path)
        if target in self._targets or len(self._targets) >= self._group:
            self._put_in_place()
        folder, name = os.path.split(target)
        try:
            fd, temporary = _create_temporary(folder or os.curdir, name)
        except PermissionError:
            if status is None:
                raise
            self._keep_in_place(path, target, data)
            return
        try:
            _write_all(fd, data)
            kept = _adopt(fd, target, status, None)
        except BaseException:
            _drop(fd, temporary)
            raise
        if not kept:
            _drop(fd, temporary)
            self._keep_in_place(path, target, data)
            return
        self._staged.append(_Staged(path, target, fd, temporary))
        self._targets.add(target)

    def _keep_in_place(self, path: str, target: str, data: bytes) -> None:
        self._in_place.append((path, target, data))
        self._targets.add(target)

    def commit(self) -> None:
        """Put every file written so far in place (durable as the batch says).

        Raises:
            BatchError: some files could not be put in place (since the last commit); the
                others were.
        """
        self._put_in_place()
        failures, self._failures = self._failures, {}
        if failures:
            raise BatchError(failures)

    def discard(self) -> None:
        """Drop the files not yet put in place: they keep their old text."""
        staged, self._staged = self._staged, []
        self._in_place = []
        self._targets.clear()
        for file in staged:
            _drop(file.fd, file.temporary)

    def _put_in_place(self) -> None:
        staged, self._staged = self._staged, []
        in_place, self._in_place = self._in_place, []
        self._targets.clear()
        durable = self.durability == "durable"
        renamed: list[_Staged] = []
        try:
            if staged and self._data_synced(staged):
                _rename_by_folder(staged, renamed, self._failures)
            # The names: the renamed files' file systems synced at once, which writes every
            # folder of the batch in one go; else each folder once.
            fds = [file.fd for file in renamed]
            if durable and fds and not _sync_file_systems(fds):
                for folder in {os.path.dirname(file.target) or os.curdir for file in renamed}:
                    _sync_folder(folder)
        finally:  # the files not renamed (failed, or Ctrl-C before the renames) keep their text
            done = {file.temporary for file in renamed}
            for file in staged:
                if file.temporary in done:
                    os.close(file.fd)
                else:
                    _drop(file.fd, file.temporary)
        for path, target, data in in_place:
            try:
                _write_in_place(target, io.BytesIO(data), durable=durable)
            except OSError as error:
                self._failures[path] = error

    def _data_synced(self, staged: list[_Staged]) -> bool:
        """The data of every temporary file, on disk at once (when the batch is durable);
        ``False`` when that failed: then no file is renamed, each keeps its old text."""
        if self.durability == "none":
            return True
        fds = [file.fd for file in staged]
        try:
            if not _sync_file_systems(fds):
                for fd in fds:
                    os.fsync(fd)
        except OSError as error:
            for file in staged:
                self._failures[file.path] = error
            return False
        return True


def _drop(fd: int, temporary: str) -> None:
    """Remove a temporary file (while still locked, so no other run takes it) and close it."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    os.close(fd)


def write_files(
    files: Mapping[str | os.PathLike[str], bytes] | Iterable[tuple[str | os.PathLike[str], bytes]],
    *,
    durability: Durability = "durable",
) -> None:
    """Write every ``(path, data)`` of ``files`` (pairs, or a mapping of paths to data) in
    one :class:`WriteBatch`: each file kept as :func:`write_file` keeps it, the batch made
    durable at once (or not at all with ``durability="none"``).

    Raises:
        BatchError: some files could not be written (the others were).
        OSError: the batch could not begin.
    """
    pairs = files.items() if isinstance(files, Mapping) else files
    failures: dict[str, OSError] = {}
    with WriteBatch(durability=durability) as batch:
        for path, data in pairs:
            try:
                batch.write(path, data)
            except OSError as error:
                failures[os.fspath(path)] = error
        try:
            batch.commit()
        except BatchError as error:
            failures.update(error.failures)
    if failures:
        raise BatchError(failures)
