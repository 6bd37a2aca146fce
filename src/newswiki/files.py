"""Writing a file over itself without losing it: the safe write of ``newswiki fmt``.

A rename-based atomic write (write a temporary file, rename it over the old one) is the safe
way to replace a file, but done naively it replaces more than the text: a symbolic link
becomes a regular file and its target is left as it was, the other names of a hard-linked
file keep the old text, and the file takes the writer's owner and group and loses its
extended attributes.  :func:`write_file` and :class:`Replacement` keep all of these:

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

The temporary file is ``.NAME.newswiki-tmp`` beside the file, locked while it is written.
A run that is killed (``kill -9``, a power cut) can leave it behind; the next write of the
same file takes it over, and every newswiki command skips hidden files meanwhile (it is
safe to delete).  Two writers of the same file at once each get their own temporary file.

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
import signal
import stat
import threading
from collections.abc import Iterator
from typing import IO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["TEMPORARY_SUFFIX", "Replacement", "write_file"]

#: The suffix of the named temporary files, on systems without unnamed ones.
TEMPORARY_SUFFIX = ".newswiki-tmp"

_BLOCK = 1 << 20
# Errors that mean "this file cannot be replaced keeping its identity": write it in place.
_CANNOT_KEEP = (errno.EPERM, errno.EACCES, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV)


@functools.cache
def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temporary(folder: str, name: str) -> tuple[int, str]:
    """A temporary file for ``name`` in ``folder``, open and locked: ``.NAME.newswiki-tmp``,
    the one a killed run left behind taken over and emptied, or a fresh name when another
    writer holds that one (its lock says it is alive)."""
    path = os.path.join(folder, f".{name}{TEMPORARY_SUFFIX}")
    if fcntl is not None:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError as error:
            if error.errno != errno.ELOOP:  # a link planted in the way: take another name
                raise
        else:
            if _lock(fd) and _same_file(fd, path):
                os.ftruncate(fd, 0)
                return fd, path
            os.close(fd)
    while True:
        path = os.path.join(folder, f".{name}.{os.urandom(4).hex()}{TEMPORARY_SUFFIX}")
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # pragma: no cover - 32 random bits met another file
            continue
        _lock(fd)
        return fd, path


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


def _same_file(fd: int, path: str) -> bool:
    """Whether ``path`` still names the open file (a writer that held the lock may have
    renamed it into place just before we locked it: then it is no temporary any more)."""
    try:
        named = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


class Replacement:
    """The new contents of the file at ``path``, written to :attr:`file` and put in place
    by :meth:`commit`, keeping the file (see the module's description); :meth:`discard`
    (or leaving a ``with`` block with an exception) drops them and leaves the file as it was.

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
        #: The file that will be written: the path with its symbolic links resolved.
        self.target = os.path.realpath(self.path)
        try:
            self._status: os.stat_result | None = os.stat(self.target)
        except FileNotFoundError:
            self._status = None
        self._temporary: str | None = None
        try:
            fd, self._temporary = _temporary(*os.path.split(self.target))
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
            if not isinstance(self.file, io.BytesIO) and self._adopt():
                self._publish()
                return True
            self._write_in_place()
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

    def _adopt(self) -> bool:
        """Give the new file the old one's owner, group, mode and extended attributes;
        ``False`` when the old file cannot be replaced by another (it has other names, or
        something cannot be given)."""
        fd = self.file.fileno()
        status = self._status
        if self._mode is not None:
            os.fchmod(fd, self._mode)
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
                _copy_attributes(self.target, fd)
            except OSError as error:
                if error.errno in _CANNOT_KEEP:
                    return False
                raise
        os.fsync(fd)
        return True

    def _publish(self) -> None:
        assert self._temporary is not None
        os.replace(self._temporary, self.target)
        self._temporary = None
        _sync_folder(os.path.dirname(self.target))

    def _write_in_place(self) -> None:
        source: IO[bytes]
        if isinstance(self.file, io.BytesIO):
            source = io.BytesIO(self.file.getbuffer())
        else:
            source = os.fdopen(os.dup(self.file.fileno()), "rb")
            source.seek(0)
        with source, _uninterrupted():
            size = source.seek(0, os.SEEK_END)
            source.seek(0)
            fd = os.open(self.target, os.O_WRONLY | os.O_CREAT, 0o666)
            try:
                _reserve(fd, size)
                while block := source.read(_BLOCK):
                    view = memoryview(block)
                    while view:
                        view = view[os.write(fd, view) :]
                os.ftruncate(fd, size)
                os.fsync(fd)
            finally:
                os.close(fd)


def _copy_attributes(source: str, fd: int) -> None:
    """Copy the extended attributes (and with them POSIX ACLs) of ``source`` onto ``fd``."""
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
    """Flush the rename to disk (a folder is a file too); some systems cannot, which is
    harmless."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - Windows cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems that refuse it
        pass
    finally:
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


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C (and the other signals that end a run) while a file is rewritten in
    place; they take effect when it is whole."""
    held = {signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
        threading.main_thread()
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_file(path: str | os.PathLike[str], data: bytes) -> bool:
    """Replace the contents of the file at ``path`` with ``data`` (or create it), keeping the
    file: its links, owner, group, mode and extended attributes (see the module's
    description).

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
