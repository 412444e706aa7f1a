"""Write files that hold secrets: mode 0600 from the first byte, never over an existing file unless the caller
says so (after asking the user), and atomically (a temporary file in the same directory, then a link/rename).
Only regular files are ever replaced: a folder, device node, FIFO or socket at the target is refused.

File I/O lives here rather than in ``core/``, which stays pure."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import stat
from pathlib import Path

PRIVATE_MODE = 0o600


class TargetExists(FileExistsError):
    """The file (or a symbolic link) is there already and ``overwrite`` was not given."""


class NotARegularFile(OSError):
    """The target is a folder, a device node, a FIFO or a socket: it is never replaced."""


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"))


def existing_target(path: str | os.PathLike[str]) -> str | None:
    """What is at ``path``: None (nothing), "file", "link" (a symbolic link to a regular file) or "dangling link"
    (a symbolic link to nothing). Raises NotARegularFile for anything else, naming what it is."""
    target = Path(path)
    try:
        found = os.stat(target)
    except FileNotFoundError:
        return "dangling link" if target.is_symlink() else None
    except OSError as exc:
        if target.is_symlink():  # a loop of links, or one through a folder it cannot enter
            raise NotARegularFile(f"{target} is a symbolic link that cannot be followed ({exc.strerror})") from None
        raise
    if stat.S_ISREG(found.st_mode):
        return "link" if target.is_symlink() else "file"
    kind = next((name for test, name in _KINDS if test(found.st_mode)), "not a regular file")
    raise NotARegularFile(f"{target} is {kind}, not a regular file")


def temp_name(target: Path) -> str:
    """The name of the temporary file a write of ``target`` goes through (:func:`stale_temps` finds them)."""
    return f".{target.name}.{secrets.token_hex(4)}.tmp"


def write_private_file(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False,
                       keep_mode: bool = False) -> Path:
    """Write ``data`` to ``path``. With ``overwrite`` an existing file, or a symbolic link (the link itself, not
    what it points to), is replaced; without it, TargetExists. With ``keep_mode`` a replaced regular file keeps its
    permission bits (a 0400 credentials file stays 0400: the user chose it); a new file is always 0600."""
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise FileNotFoundError(f"folder does not exist: {target.parent}")
    found = existing_target(target)
    if found is not None and not overwrite:
        raise TargetExists(f"file exists: {target}")
    mode = PRIVATE_MODE
    if keep_mode and found == "file":
        mode = file_mode(target)
    temp = target.parent / temp_name(target)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        if overwrite:
            existing_target(target)  # once more right before the rename: a FIFO or device may have appeared
            os.replace(temp, target)
        else:
            try:
                os.link(temp, target)  # fails if the target appeared meanwhile: never a silent overwrite
            except FileExistsError as exc:
                raise TargetExists(f"file exists: {target}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    return target


def file_mode(path: str | os.PathLike[str]) -> int:
    return Path(path).stat().st_mode & 0o777


def stale_temps(target: Path, older_than: float) -> list[Path]:
    """The temporary files a write of ``target`` left behind (:func:`temp_name`; a process killed between the
    write and the rename): regular files of this user, last changed before ``older_than`` (a time.time() value,
    so that a write under way in another process keeps its file)."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{8}}\.tmp")
    found: list[Path] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if (pattern.fullmatch(entry.name) and stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid()
                        and info.st_mtime < older_than):
                    found.append(Path(entry.path))
    return sorted(found)


class LockHeld(OSError):
    """Another process (or another open of the file in this one) holds the lock; ``holder`` is what it wrote."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"{path} is locked")
        self.holder = holder


class FileLock:
    """An exclusive ``flock`` on ``path``, never waited for: :meth:`acquire` raises LockHeld at once, with what
    the holder wrote into the file (who it is). The kernel releases it when the process ends, however it ends, so
    a killed holder never leaves it stuck. The file itself stays (removing it would let two processes lock two
    different files)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def _open(self) -> int:
        existing_target(self.path)  # a FIFO would block the open
        return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, PRIVATE_MODE)

    def acquire(self, holder: str) -> None:
        """Lock, and write ``holder`` (who holds it) into the file for the others to read."""
        if self._fd is not None:
            return
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = _read_all(fd)
            os.close(fd)
            raise LockHeld(self.path, text) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.encode("utf-8"), 0)
        self._fd = fd

    def holder(self) -> str | None:
        """What the process holding the lock wrote, or None when nobody else holds it (or this object does)."""
        if self._fd is not None:
            return None
        try:
            fd = self._open()
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_all(fd)
        finally:
            os.close(fd)  # closing releases a lock this probe took
        return None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def _read_all(fd: int) -> str:
    return os.pread(fd, 4096, 0).decode("utf-8", "replace")
