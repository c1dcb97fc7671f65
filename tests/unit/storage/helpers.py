"""Test doubles and helpers for the store's tests: keyrings, canary forms, file scans."""

from __future__ import annotations

import base64
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from cercle.storage.keys import SECURE_BACKENDS, KdfParams, backend_name

FAST_KDF = KdfParams(memory_kib=1024, iterations=1, lanes=1)  # tests only: cheap Argon2id


class MemoryKeyring(KeyringBackend):
    """A test double standing in for a secure OS keyring (trusted only where a test says so)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        try:
            del self.entries[(service, username)]
        except KeyError:
            raise PasswordDeleteError(username) from None


class PlaintextKeyring(MemoryKeyring):
    """Looks like keyrings.alt's plaintext file backend: positive priority, but not secure."""

    priority = 2  # type: ignore[assignment]


PlaintextKeyring.__module__ = "keyrings.alt.file"

# keyring registers every backend class it sees; keep these doubles out of its auto-detection.
for _cls in (MemoryKeyring, PlaintextKeyring):
    KeyringBackend._classes.discard(_cls)

TRUSTED_FOR_TESTS = SECURE_BACKENDS | {backend_name(MemoryKeyring())}


def forms_of(canary: str) -> list[bytes]:
    """The byte patterns that would betray `canary` on disk: UTF-8, UTF-16 LE/BE, base64 (at
    each of the three alignments), and base64 of its UTF-16 form."""
    raw = canary.encode("utf-8")
    forms = [raw, canary.encode("utf-16-le"), canary.encode("utf-16-be")]
    for source in (raw, canary.encode("utf-16-le")):
        for pad in range(3):
            encoded = base64.b64encode(b"\0" * pad + source)
            # drop the characters touched by the padding and by the tail
            core = encoded[4 * ((pad + 2) // 3) if pad else 0 :]
            core = core[: len(core) - 4]
            if len(core) >= 8:
                forms.append(core)
    return forms


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def leaks(root: Path, canaries: dict[str, str]) -> list[str]:
    """Every (file, canary) where a form of the canary is found."""
    found = []
    for path in files_under(root):
        data = path.read_bytes()
        for label, canary in canaries.items():
            if any(form in data for form in forms_of(canary)):
                found.append(f"{path.relative_to(root)}: {label}")
    return found
