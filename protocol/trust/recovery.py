"""Recovery keys as users write them down (base58, Element's format) and passphrase-derived keys."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Any

import base58
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

PREFIX = b"\x8b\x01"
KEY_BYTES = 32
PBKDF2 = "m.pbkdf2"
DEFAULT_ITERATIONS = 500_000  # what Element uses today
MAX_ITERATIONS = 10_000_000  # the server chooses this number: cap the work it can make us do


class InvalidRecoveryKey(ValueError):
    """The text is not a recovery key (typo, truncated, another kind of key)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "This is not a valid recovery key — check for typos. "
            "It has 48 letters and digits in groups of 4, like “EsTc LW2K PGiF …”."
        )
        self.detail = detail  # for logs, not for the user


class InvalidPassphraseInfo(ValueError):
    """The key's `passphrase` description is one we cannot (or will not) derive a key from."""


def _parity(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def encode_recovery_key(key: bytes) -> str:
    """0x8B 0x01 + key + parity byte (XOR of all), base58 (Bitcoin alphabet), groups of 4."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"a recovery key encodes {KEY_BYTES} bytes")
    payload = PREFIX + bytes(key)
    text = base58.b58encode(payload + bytes([_parity(payload)])).decode("ascii")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def decode_recovery_key(text: str) -> bytes:
    """The 32-byte key from what the user typed (any whitespace ignored). Raises
    InvalidRecoveryKey."""
    compact = "".join(text.split())
    if not compact:
        raise InvalidRecoveryKey("empty")
    try:
        raw = base58.b58decode(compact.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise InvalidRecoveryKey("a character outside the base58 alphabet") from None
    if len(raw) != len(PREFIX) + KEY_BYTES + 1:
        raise InvalidRecoveryKey(f"{len(raw)} bytes instead of {len(PREFIX) + KEY_BYTES + 1}")
    if raw[: len(PREFIX)] != PREFIX:
        raise InvalidRecoveryKey("wrong prefix")
    if _parity(raw) != 0:  # XOR of payload and its parity byte
        raise InvalidRecoveryKey("parity check failed")
    return raw[len(PREFIX) : -1]


def new_key() -> bytes:
    """A fresh random 32-byte key (for secret storage, or a backup's private key)."""
    return os.urandom(KEY_BYTES)


# -- passphrases (Secrets module: "Deriving keys from passphrases") -----------------------------


@dataclass(frozen=True)
class PassphraseInfo:
    """The `passphrase` property of a key description: `m.pbkdf2` with its parameters."""

    salt: str
    iterations: int
    bits: int = 256
    algorithm: str = PBKDF2

    @classmethod
    def new(cls, *, iterations: int = DEFAULT_ITERATIONS) -> PassphraseInfo:
        """32 random alphanumeric characters of salt, as Element makes them."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        salt = "".join(alphabet[b % len(alphabet)] for b in _unbiased_bytes(32, len(alphabet)))
        return cls(salt=salt, iterations=iterations)

    @classmethod
    def from_json(cls, obj: Any) -> PassphraseInfo:
        if not isinstance(obj, Mapping):
            raise InvalidPassphraseInfo("`passphrase` is not an object")
        algorithm, salt = obj.get("algorithm"), obj.get("salt")
        iterations, bits = obj.get("iterations"), obj.get("bits", 256)
        if algorithm != PBKDF2:
            raise InvalidPassphraseInfo(f"passphrase algorithm {algorithm!r} is not supported")
        if not isinstance(salt, str) or not salt:
            raise InvalidPassphraseInfo("`salt` must be a non-empty string")
        if not isinstance(iterations, int) or not _is_int(iterations):
            raise InvalidPassphraseInfo("`iterations` must be an integer")
        if not 1 <= iterations <= MAX_ITERATIONS:
            raise InvalidPassphraseInfo(f"`iterations` must be 1 to {MAX_ITERATIONS}")
        if not isinstance(bits, int) or not _is_int(bits) or bits % 8 or not 128 <= bits <= 512:
            raise InvalidPassphraseInfo("`bits` must be a multiple of 8 from 128 to 512")
        return cls(salt=salt, iterations=iterations, bits=bits)

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "salt": self.salt,
            "iterations": self.iterations,
            "bits": self.bits,
        }


def derive_key_from_passphrase(passphrase: str, info: PassphraseInfo) -> bytes:
    """PBKDF2-HMAC-SHA-512(passphrase, salt, iterations) → bits/8 bytes. The salt is used as
    the UTF-8 text it is (not base64-decoded), as Element and the other clients do."""
    kdf = PBKDF2HMAC(
        algorithm=hashes.SHA512(),
        length=info.bits // 8,
        salt=info.salt.encode("utf-8"),
        iterations=info.iterations,
    )
    return kdf.derive(passphrase.encode("utf-8"))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unbiased_bytes(count: int, modulus: int) -> list[int]:
    """`count` random bytes each below the largest multiple of `modulus` (no modulo bias)."""
    limit = 256 - 256 % modulus
    out: list[int] = []
    while len(out) < count:
        out.extend(b for b in os.urandom(count) if b < limit)
    return out[:count]
