"""Where an account's local profile lives, and unlocking it: the protocol's door to storage."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cercle.storage.errors import (
    CannotUnlock,
    KeyringEntryLost,
    NeedsPassphrase,
    ProfileLocked,
    StorageError,
)
from cercle.storage.profile import KeyOptions, Profile, profiles_root

if TYPE_CHECKING:
    from cercle.protocol.client import CryptoStore

__all__ = [
    "CannotUnlock",
    "KeyOptions",
    "KeyringEntryLost",
    "NeedsPassphrase",
    "Profile",
    "ProfileLocation",
    "ProfileLocked",
    "StorageError",
    "crypto_for",
    "open_profile",
]

PROFILE_ENV = "CERCLE_PROFILE"


@dataclass(frozen=True)
class ProfileLocation:
    """A profile folder: `base/name`."""

    base: Path
    name: str

    @classmethod
    def from_path(cls, path: str | os.PathLike[str] | None = None) -> ProfileLocation:
        """`--profile DIR`, else $CERCLE_PROFILE, else the platform's default profile."""
        chosen = path or os.environ.get(PROFILE_ENV)
        if chosen:
            folder = Path(chosen).expanduser().absolute()
            return cls(folder.parent, folder.name)
        return cls(profiles_root(), "default")

    @property
    def path(self) -> Path:
        return self.base / self.name

    def exists(self) -> bool:
        """True once a profile was created here (its passphrase is then asked, not chosen)."""
        return (self.path / "cercle.db").exists()


async def open_profile(
    location: ProfileLocation,
    passphrase: str | None = None,
    options: KeyOptions | None = None,
) -> Profile:
    """Locks and unlocks the profile off the loop (keyring calls and the KDF block).

    Raises NeedsPassphrase (no secure keyring: ask the user), CannotUnlock, ProfileLocked,
    KeyringEntryLost or another StorageError, each with a message a user can act on.
    """
    return await asyncio.to_thread(
        Profile.open, location.name, base=location.base, passphrase=passphrase, options=options
    )


def crypto_for(profile: Profile) -> CryptoStore:
    """nio's Olm/Megolm store for this profile: encrypted, keyed by the profile's keys.
    (nio is imported here, not above: opening a profile and painting the cached room list
    must not wait for the ~0.7 s nio takes to import.)"""
    from cercle.protocol.client import CryptoStore
    from cercle.storage.crypto_store import crypto_store_class

    return CryptoStore(
        crypto_store_class(profile.keys), profile.paths.crypto_dir, profile.keys.pickle_key
    )
