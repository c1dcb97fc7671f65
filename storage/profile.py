"""Profiles on disk: where they live, opening one (lock, keys, database), rebuild and wipe."""

from __future__ import annotations

import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
from keyring.backend import KeyringBackend

from .db import Database, connect_raw
from .errors import InvalidProfileName, KeyringEntryLost, StorageError
from .files import fsync_dir, private_dir, remove_quietly, touch_private
from .keys import SECURE_BACKENDS, KdfParams, KeyManager, ProfileKeys
from .lock import ProfileLock
from .outbox import OutboxEntry, salvage
from .session import Session
from .store import Store

log = logging.getLogger(__name__)

APP_NAME = "Cercle"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def profiles_root() -> Path:
    """Where profiles live by default: <user data dir>/Cercle/profiles."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "profiles"


PROFILE_ENV = "CERCLE_PROFILE"


def profile_name(explicit: str | None = None) -> str:
    """The profile to open: `--profile` if given, else $CERCLE_PROFILE, else "default"."""
    return check_name(explicit or os.environ.get(PROFILE_ENV) or "default")


def check_name(name: str) -> str:
    if not _NAME.match(name) or name in {".", ".."}:
        raise InvalidProfileName(name)
    return name


@dataclass(frozen=True)
class ProfilePaths:
    """Every path a profile owns; all of it sits under `root`."""

    name: str
    root: Path

    @classmethod
    def for_name(cls, name: str, base: str | os.PathLike[str] | None = None) -> ProfilePaths:
        base_dir = Path(base) if base is not None else profiles_root()
        return cls(check_name(name), base_dir / name)

    @property
    def db(self) -> Path:
        return self.root / "cercle.db"

    @property
    def crypto_dir(self) -> Path:
        return self.root / "crypto"

    @property
    def media_dir(self) -> Path:
        return self.root / "media"

    @property
    def keys_file(self) -> Path:
        return self.root / "keys.json"

    @property
    def lock_file(self) -> Path:
        return self.root / "profile.lock"

    def database_files(self) -> list[Path]:
        return [Path(f"{self.db}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]


@dataclass(frozen=True)
class KeyOptions:
    """How to reach the keys: keyring backend (None: keyring's default), trust list, KDF cost."""

    backend: KeyringBackend | None = None
    trusted: frozenset[str] = SECURE_BACKENDS
    kdf: KdfParams = field(default_factory=KdfParams)

    def manager(self, paths: ProfilePaths) -> KeyManager:
        return KeyManager(
            paths.keys_file, paths.name, backend=self.backend, trusted=self.trusted, kdf=self.kdf
        )


def list_profiles(base: str | os.PathLike[str] | None = None) -> list[str]:
    base_dir = Path(base) if base is not None else profiles_root()
    if not base_dir.is_dir():
        return []
    return sorted(p.name for p in base_dir.iterdir() if p.is_dir() and _NAME.match(p.name))


class Profile:
    """An open, locked, unlocked profile: `profile.store` is its data, `profile.keys` its keys.

    `Profile.open(...)` raises `ProfileLocked`, `NeedsPassphrase`, `CannotUnlock`,
    `KeyringUnavailable`, `KeyringEntryLost`, `DatabaseCorrupt`, `SchemaTooNew` or `DiskFull`.
    """

    def __init__(
        self,
        paths: ProfilePaths,
        lock: ProfileLock,
        keys: ProfileKeys,
        store: Store,
        options: KeyOptions,
    ) -> None:
        self.paths = paths
        self.keys = keys
        self.store = store
        self._lock = lock
        self._options = options

    @property
    def name(self) -> str:
        return self.paths.name

    @classmethod
    def open(
        cls,
        name: str = "default",
        *,
        base: str | os.PathLike[str] | None = None,
        passphrase: str | None = None,
        options: KeyOptions | None = None,
    ) -> Profile:
        """Lock, unlock and open a profile, creating it on first use."""
        paths = ProfilePaths.for_name(name, base)
        options = options or KeyOptions()
        private_dir(paths.root.parent)
        private_dir(paths.root)
        lock = ProfileLock(paths.lock_file, name).acquire()
        try:
            keys = _unlock_or_create(paths, options, passphrase)
            store = _open_store(paths, keys)
        except BaseException:
            lock.release()
            raise
        return cls(paths, lock, keys, store, options)

    @classmethod
    def rebuild(
        cls,
        name: str = "default",
        *,
        base: str | os.PathLike[str] | None = None,
        passphrase: str | None = None,
        options: KeyOptions | None = None,
    ) -> tuple[Profile, list[OutboxEntry]]:
        """After `DatabaseCorrupt`: salvage the unsent outbox and the session, replace the
        database with an empty one, re-queue what was salvaged. The next sync refills it.
        Returns the profile and the salvaged entries (to show, or `outbox.export_json`)."""
        paths = ProfilePaths.for_name(name, base)
        options = options or KeyOptions()
        lock = ProfileLock(paths.lock_file, name).acquire()
        try:
            keys = options.manager(paths).unlock(passphrase)
            entries: list[OutboxEntry] = []
            session = None
            if paths.db.exists():
                entries = salvage(paths.db, keys.db_key)
                session = _salvage_session(paths.db, keys.db_key)
            for path in paths.database_files():
                remove_quietly(path)
            fsync_dir(paths.root)
            store = _open_store(paths, keys)
            try:
                store.outbox.restore(entries)
                if session is not None:
                    store.session.save(session)
            except BaseException:
                store.close()
                raise
        except BaseException:
            lock.release()
            raise
        return cls(paths, lock, keys, store, options), entries

    def close(self) -> None:
        self.store.close()
        self._lock.release()

    def wipe(self) -> None:
        """Remove this account from this computer: database, WAL, media, crypto store, key
        file and keyring entry. The profile is closed afterwards."""
        self.store.close()
        try:
            _erase(self.paths, self._options.manager(self.paths))
        finally:
            self._lock.release()
        _remove_root(self.paths)

    def __enter__(self) -> Profile:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock.held:
            self.close()


def remove_profile(
    name: str,
    *,
    base: str | os.PathLike[str] | None = None,
    options: KeyOptions | None = None,
) -> None:
    """Wipe a profile that cannot (or need not) be opened — locked against other processes."""
    paths = ProfilePaths.for_name(name, base)
    if not paths.root.exists():
        return
    with ProfileLock(paths.lock_file, name):
        _erase(paths, (options or KeyOptions()).manager(paths))
    _remove_root(paths)


def _unlock_or_create(paths: ProfilePaths, options: KeyOptions, passphrase: str | None):
    manager = options.manager(paths)
    if manager.exists():
        return manager.unlock(passphrase)
    if paths.db.exists() and paths.db.stat().st_size > 0:
        raise KeyringEntryLost(paths.name)  # the key file went missing: same way back
    return manager.create(passphrase)


def _open_store(paths: ProfilePaths, keys: ProfileKeys) -> Store:
    if not paths.db.exists():
        touch_private(paths.db)  # SQLite gives -wal and -shm the main file's mode
    db, report = Database.open(paths.db, keys.db_key, key_verified=True)
    if report.version_before != report.version_after:
        log.info(
            "profile %s schema %d → %d", paths.name, report.version_before, report.version_after
        )
    store = Store(db, private_dir(paths.media_dir))
    store.media.collect_orphans()
    return store


def _salvage_session(path: Path, key: bytes) -> Session | None:
    try:
        conn = connect_raw(path, key)
    except Exception:
        return None
    try:
        row = conn.execute(
            "SELECT user_id, device_id, access_token, homeserver FROM session WHERE id = 1"
        ).fetchone()
        return Session(*row) if row else None
    except Exception:
        return None
    finally:
        conn.close()


def _erase(paths: ProfilePaths, manager: KeyManager) -> None:
    for path in paths.database_files():
        remove_quietly(path)
    for directory in (paths.media_dir, paths.crypto_dir):
        shutil.rmtree(directory, ignore_errors=True)
        if directory.exists():
            raise StorageError(f"could not delete {directory}")
    manager.forget()
    fsync_dir(paths.root)


def _remove_root(paths: ProfilePaths) -> None:
    """Everything under the profile directory is the store's own (temp files included)."""
    shutil.rmtree(paths.root, ignore_errors=True)
    fsync_dir(paths.root.parent)
