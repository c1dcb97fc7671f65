"""The profile lock: one process per profile, so there is never a second writer."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from .errors import ProfileLocked
from .files import FILE_MODE

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt
else:
    import fcntl


class ProfileLock:
    """An exclusive advisory lock on `<profile>/profile.lock`, held while the profile is open.

    The lock file holds the owner's pid (not a secret) so the message can name it. The kernel
    drops the lock when the process dies, however it dies.
    """

    def __init__(self, path: Path, profile: str) -> None:
        self.path = path
        self.profile = profile
        self._fd: int | None = None

    def acquire(self) -> ProfileLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise ProfileLocked(self.profile, self.owner_pid()) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def owner_pid(self) -> int | None:
        try:
            return int(self.path.read_text(encoding="ascii").strip() or 0) or None
        except (OSError, ValueError):
            return None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            _unlock(fd)
        os.close(fd)

    def __enter__(self) -> ProfileLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _lock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
