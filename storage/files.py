"""Private files on disk: atomic writes (tmp + fsync + replace), 0600 files and 0700 directories."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from .errors import DiskFull

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) and make it 0700; return it."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    with contextlib.suppress(NotImplementedError, PermissionError):
        os.chmod(path, DIR_MODE)
    return path


def touch_private(path: Path) -> None:
    """Create an empty 0600 file if it does not exist, so later writers inherit the mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    with contextlib.suppress(NotImplementedError, PermissionError):
        os.chmod(path, FILE_MODE)


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so a reader sees the old file or the new one, never half of it."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull() from error
        raise
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in `path` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_quietly(path: Path) -> None:
    """Delete a file if it is there."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
