"""Write files that hold secrets: mode 0600 from the first byte, never over an existing file unless the caller
says so (after asking the user), and atomically (a temporary file in the same directory, then a link/rename).
Only regular files are ever replaced: a folder, device node, FIFO or socket at the target is refused.

File I/O lives here rather than in ``core/``, which stays pure."""

from __future__ import annotations

import contextlib
import os
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


def write_private_file(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path``. With ``overwrite`` an existing file, or a symbolic link (the link itself, not
    what it points to), is replaced; without it, TargetExists."""
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise FileNotFoundError(f"folder does not exist: {target.parent}")
    if existing_target(target) is not None and not overwrite:
        raise TargetExists(f"file exists: {target}")
    temp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, PRIVATE_MODE)
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
