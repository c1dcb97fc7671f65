"""Key policy: a random profile secret in a secure OS keyring, else Argon2id from a passphrase."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import importlib
import json
import os
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import keyring
import keyring.core
import keyring.util.platform_
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend
from keyring.errors import KeyringError

from .errors import CannotUnlock, KeyringEntryLost, KeyringUnavailable, NeedsPassphrase
from .files import atomic_write, remove_quietly

KEYRING_SERVICE = "org.cercle.Cercle"
PARAMS_FORMAT = 1
SECRET_BYTES = 32

# Backends that keep secrets in an OS store encrypted at rest and unlocked with the session.
# Anything else — keyring's fail backend, keyrings.alt's plaintext/file/encrypted-file backends,
# a chainer holding only those, unknown third-party backends — fails closed to passphrase mode.
SECURE_BACKENDS = frozenset(
    {
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.kwallet.DBusKeyringKWallet4",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.Windows.WinVaultKeyring",
    }
)

Mode = Literal["keyring", "passphrase"]


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost (RFC 9106's second recommended option by default: 64 MiB, t=3, p=4)."""

    memory_kib: int = 65536
    iterations: int = 3
    lanes: int = 4


@dataclass(frozen=True)
class ProfileKeys:
    """The keys one unlocked profile uses, all derived (HKDF-SHA256) from its 32-byte secret."""

    mode: Mode
    db_key: bytes = field(repr=False)
    crypto_db_key: bytes = field(repr=False)
    pickle_key: str = field(repr=False)

    @classmethod
    def derive(cls, mode: Mode, secret: bytes) -> ProfileKeys:
        return cls(
            mode=mode,
            db_key=_subkey(secret, b"cercle/db/v1"),
            crypto_db_key=_subkey(secret, b"cercle/crypto-db/v1"),
            pickle_key=base64.b64encode(_subkey(secret, b"cercle/olm-pickle/v1")).decode(),
        )


def _subkey(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


def verifier(secret: bytes) -> str:
    """A check value for a secret: tells a wrong key from a damaged database without opening it.

    It is a PRF output under the secret; it lets nobody test guesses faster than the database's
    own first-page HMAC already does (and a passphrase guess still costs one Argon2id run).
    """
    return _subkey(secret, b"cercle/verifier/v1").hex()


def backend_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _priority(backend: KeyringBackend) -> float:
    try:
        return float(backend.priority)
    except Exception:  # an unavailable backend raises from its priority probe
        return 0.0


# The secure backends each platform can have, tried directly by `default_keyring`.
PLATFORM_BACKENDS = {
    "linux": (
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.kwallet.DBusKeyringKWallet4",
        "keyring.backends.libsecret.Keyring",
    ),
    "darwin": ("keyring.backends.macOS.Keyring",),
    "win32": ("keyring.backends.Windows.WinVaultKeyring",),
}


def default_keyring() -> KeyringBackend:
    """keyring's choice for this process, found faster when nobody made one.

    A backend named in PYTHON_KEYRING_BACKEND or keyringrc.cfg, or set with
    `keyring.set_keyring`, is keyring's to load. Otherwise keyring's discovery imports every
    installed backend plugin (on Linux the macOS one too, whose import runs the C compiler to
    find a library: ~0.25 s of a cold start) only for `secure_backend` to keep the best secure
    one; the platform's secure backends are probed directly instead, and the full discovery
    runs only if none of them answers.
    """
    chosen = getattr(keyring.core, "_keyring_backend", None)  # set_keyring's, or a past pick
    if chosen is not None or os.environ.get("PYTHON_KEYRING_BACKEND"):
        return keyring.get_keyring()
    if (keyring.util.platform_.config_root() / "keyringrc.cfg").exists():
        return keyring.get_keyring()
    platform = "linux" if sys.platform.startswith(("linux", "freebsd")) else sys.platform
    viable = []
    for name in PLATFORM_BACKENDS.get(platform, ()):
        module, _, cls = name.rpartition(".")
        try:
            backend = getattr(importlib.import_module(module), cls)()
        except Exception:  # its library is not installed (dbus-python, gi): not this one
            continue
        priority = _priority(backend)
        if priority > 0:
            viable.append((priority, backend))
    if not viable:
        return keyring.get_keyring()
    return max(viable, key=lambda pair: pair[0])[1]


def secure_backend(
    backend: KeyringBackend | None = None, trusted: frozenset[str] = SECURE_BACKENDS
) -> KeyringBackend | None:
    """The secure backend to use, or None. A chainer yields its best secure member only, so a
    write can never fall through to an insecure one."""
    backend = default_keyring() if backend is None else backend
    members = list(backend.backends) if isinstance(backend, ChainerBackend) else [backend]
    # A priority is a probe (a Secret Service's is a D-Bus round trip): each read once.
    ranked = sorted(((_priority(m), m) for m in members), key=lambda pair: -pair[0])
    for priority, member in ranked:
        if backend_name(member) in trusted and priority > 0:
            return member
    return None


class KeyManager:
    """Creates and unlocks one profile's keys; the params file sits beside its database."""

    def __init__(
        self,
        params_file: Path,
        profile_name: str,
        *,
        backend: KeyringBackend | None = None,
        trusted: frozenset[str] = SECURE_BACKENDS,
        kdf: KdfParams | None = None,
    ) -> None:
        self.params_file = params_file
        self.profile_name = profile_name
        self._backend = backend
        self._trusted = trusted
        self._kdf = kdf or KdfParams()

    def secure_backend(self) -> KeyringBackend | None:
        return secure_backend(self._backend, self._trusted)

    def exists(self) -> bool:
        return self.params_file.exists()

    def mode(self) -> Mode | None:
        """How the existing profile is keyed, or None for a new one."""
        return self._read_params()["mode"] if self.exists() else None

    # -- creating ----------------------------------------------------------------------------

    def create(self, passphrase: str | None = None) -> ProfileKeys:
        """Key a new profile: keyring mode when a secure keyring exists and no passphrase was
        chosen, passphrase mode otherwise. Without either it raises `NeedsPassphrase`."""
        secret = os.urandom(SECRET_BYTES)
        params: dict[str, object] = {"format": PARAMS_FORMAT, "profile_id": uuid.uuid4().hex}
        backend = self.secure_backend()
        if passphrase is None:
            if backend is None:
                raise NeedsPassphrase(
                    "No secure system keyring is available, so Cercle protects this profile "
                    "with a passphrase instead."
                )
            entry = base64.b64encode(secret).decode()
            try:
                backend.set_password(KEYRING_SERVICE, str(params["profile_id"]), entry)
                stored = backend.get_password(KEYRING_SERVICE, str(params["profile_id"]))
            except KeyringError as error:
                raise KeyringUnavailable(str(error)) from error
            if stored != entry:
                raise KeyringUnavailable("The keyring did not keep the key it was given.")
            params["mode"] = "keyring"
            mode: Mode = "keyring"
        else:
            _check_passphrase(passphrase)
            salt = os.urandom(16)
            params["mode"] = "passphrase"
            params["kdf"] = {
                "name": "argon2id",
                "salt": base64.b64encode(salt).decode(),
                "memory_kib": self._kdf.memory_kib,
                "iterations": self._kdf.iterations,
                "lanes": self._kdf.lanes,
            }
            secret = _argon2id(passphrase, salt, self._kdf)
            mode = "passphrase"
        params["verifier"] = verifier(secret)
        atomic_write(self.params_file, json.dumps(params, indent=1).encode())
        return ProfileKeys.derive(mode, secret)

    # -- unlocking ---------------------------------------------------------------------------

    def unlock(self, passphrase: str | None = None) -> ProfileKeys:
        """The keys of an existing profile, checked against its verifier before any file opens."""
        params = self._read_params()
        if params["mode"] == "keyring":
            secret = self._secret_from_keyring(str(params["profile_id"]))
            if not hmac.compare_digest(verifier(secret), str(params["verifier"])):
                raise KeyringEntryLost(self.profile_name)
            return ProfileKeys.derive("keyring", secret)
        if passphrase is None:
            raise NeedsPassphrase()
        kdf = params["kdf"]
        secret = _argon2id(
            passphrase,
            base64.b64decode(kdf["salt"]),
            KdfParams(int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["lanes"])),
        )
        if not hmac.compare_digest(verifier(secret), str(params["verifier"])):
            raise CannotUnlock()
        return ProfileKeys.derive("passphrase", secret)

    def _secret_from_keyring(self, profile_id: str) -> bytes:
        backend = self.secure_backend()
        if backend is None:
            raise KeyringUnavailable()
        try:
            entry = backend.get_password(KEYRING_SERVICE, profile_id)
        except KeyringError as error:
            raise KeyringUnavailable(str(error)) from error
        if entry is None:
            raise KeyringEntryLost(self.profile_name)
        try:
            secret = base64.b64decode(entry, validate=True)
        except (binascii.Error, ValueError):
            raise KeyringEntryLost(self.profile_name) from None
        if len(secret) != SECRET_BYTES:
            raise KeyringEntryLost(self.profile_name)
        return secret

    def _read_params(self) -> dict:
        try:
            params = json.loads(self.params_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyringEntryLost(self.profile_name) from None
        except (ValueError, UnicodeDecodeError):
            raise KeyringEntryLost(self.profile_name) from None
        if params.get("format") != PARAMS_FORMAT or params.get("mode") not in {
            "keyring",
            "passphrase",
        }:
            raise KeyringEntryLost(self.profile_name)
        return params

    # -- forgetting --------------------------------------------------------------------------

    def forget(self) -> None:
        """Delete the keyring entry (if any, and reachable) and the params file."""
        if self.exists():
            try:
                params = self._read_params()
            except KeyringEntryLost:
                params = {}
            if params.get("mode") == "keyring":
                backend = self.secure_backend()
                if backend is not None:
                    # already gone is fine: PasswordDeleteError is a KeyringError
                    with contextlib.suppress(KeyringError):
                        backend.delete_password(KEYRING_SERVICE, str(params["profile_id"]))
        remove_quietly(self.params_file)

    def keyring_entry_id(self) -> str | None:
        """The keyring username of this profile's entry (keyring mode only)."""
        if not self.exists():
            return None
        params = self._read_params()
        return str(params["profile_id"]) if params["mode"] == "keyring" else None


def _check_passphrase(passphrase: str) -> None:
    if not passphrase:
        raise NeedsPassphrase("The passphrase cannot be empty.")


def _argon2id(passphrase: str, salt: bytes, kdf: KdfParams) -> bytes:
    return Argon2id(
        salt=salt,
        length=SECRET_BYTES,
        iterations=kdf.iterations,
        lanes=kdf.lanes,
        memory_cost=kdf.memory_kib,
    ).derive(passphrase.encode("utf-8"))
