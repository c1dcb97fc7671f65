"""The one nio adapter: matrix-nio's SqliteStore (Olm/Megolm, devices, trust) on SQLCipher."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import peewee
from nio.store import SqliteStore
from playhouse.sqlcipher_ext import SqlCipherDatabase

from .db import CIPHER_SETTINGS, KEY_BYTES
from .errors import CryptoStoreCorrupt
from .files import private_dir, touch_private
from .keys import ProfileKeys

CRYPTO_DB_NAME = "crypto.db"


def _pragmas() -> list[tuple[str, str]]:
    # peewee runs these right after `PRAGMA key`, in order: cipher settings first
    cipher = [p.removeprefix("PRAGMA ").split(" = ", 1) for p in CIPHER_SETTINGS]
    return [(name, value) for name, value in cipher] + [
        ("journal_mode", "wal"),
        ("foreign_keys", "1"),
        ("secure_delete", "1"),
        ("temp_store", "memory"),
        ("synchronous", "full"),
    ]


@dataclass
class CercleCryptoStore(SqliteStore):
    """nio's SqliteStore in an encrypted file (`crypto/crypto.db`) with Cercle's pickle key.

    Do not instantiate it directly: `crypto_store_class(keys)` binds a profile's keys, because
    nio builds its store itself from `AsyncClientConfig(store=...)` with positional arguments.
    Whatever `pickle_key` and `database_name` nio passes in are replaced by the profile's own,
    so nio's "DEFAULT_KEY" can never be used and the file name never carries the user id.
    """

    _db_key = b""
    _bound_pickle_key = ""

    def __post_init__(self) -> None:
        if len(self._db_key) != KEY_BYTES or not self._bound_pickle_key:
            raise TypeError("use crypto_store_class(keys) to get a store class bound to keys")
        self.pickle_key = self._bound_pickle_key
        self.database_name = CRYPTO_DB_NAME
        path = private_dir(Path(self.store_path)) / CRYPTO_DB_NAME
        if not path.exists():
            touch_private(path)
        try:
            super().__post_init__()
        except peewee.DatabaseError as error:
            # the key was checked against the profile's verifier, so this is damage
            raise CryptoStoreCorrupt(str(path), str(error)) from error

    def _create_database(self) -> SqlCipherDatabase:
        return SqlCipherDatabase(
            self.database_path,
            passphrase=f"x'{self._db_key.hex()}'",  # a raw key: no KDF run on each open
            pragmas=_pragmas(),
        )

    def close(self) -> None:
        self.database.close()


def crypto_store_class(keys: ProfileKeys) -> type[CercleCryptoStore]:
    """A store class for `AsyncClientConfig(store=..., pickle_key=keys.pickle_key)`."""
    return type(
        "BoundCercleCryptoStore",
        (CercleCryptoStore,),
        {"_db_key": keys.crypto_db_key, "_bound_pickle_key": keys.pickle_key},
    )


def open_crypto_store(
    crypto_dir: str | os.PathLike[str], user_id: str, device_id: str, keys: ProfileKeys
) -> CercleCryptoStore:
    """Open the crypto store directly (tests, tools); the client normally builds it itself."""
    return crypto_store_class(keys)(user_id, device_id, str(crypto_dir), keys.pickle_key)
