"""Write files that hold secrets: mode 0600 from the first byte, never over an existing file unless the caller
says so (after asking the user), and atomically (a temporary file in the same directory, then a link/rename).

File I/O lives here rather than in ``core/``, which stays pure."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

PRIVATE_MODE = 0o600


class TargetExists(FileExistsError):
    """The file is there already and ``overwrite`` was not given."""


def write_private_file(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise FileNotFoundError(f"folder does not exist: {target.parent}")
    if target.exists() and not overwrite:
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
