"""Secret storage `m.secret_storage.v1.aes-hmac-sha2`: key descriptions, key checks, secrets."""

from __future__ import annotations

import hmac
import os
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cercle.protocol.trust.canonical import InvalidBase64, decode_base64, encode_base64
from cercle.protocol.trust.recovery import (
    InvalidPassphraseInfo,
    PassphraseInfo,
    derive_key_from_passphrase,
)

AES_HMAC_SHA2 = "m.secret_storage.v1.aes-hmac-sha2"
DEFAULT_KEY = "m.secret_storage.default_key"
KEY_PREFIX = "m.secret_storage.key."
# Secret names (the account-data type each is stored under)
MASTER = "m.cross_signing.master"
SELF_SIGNING = "m.cross_signing.self_signing"
USER_SIGNING = "m.cross_signing.user_signing"
BACKUP = "m.megolm_backup.v1"
CROSS_SIGNING_SECRETS = (MASTER, SELF_SIGNING, USER_SIGNING)


class SecretStorageError(ValueError):
    """Secret storage holds something malformed or that we do not understand."""


class WrongRecoveryKey(SecretStorageError):
    """The recovery key or passphrase does not open this secret storage."""

    def __init__(self) -> None:
        super().__init__(
            "This recovery key or passphrase does not unlock your encrypted messages — "
            "check it and try again."
        )


class SecretCorrupted(SecretStorageError):
    """The key is right but a stored secret fails its MAC: it was altered or damaged."""


# -- primitives ------------------------------------------------------------------------------


def derive_keys(key: bytes, name: str) -> tuple[bytes, bytes]:
    """HKDF-SHA-256 (salt: 32 zero bytes, info: the secret's name) → (AES key, HMAC key)."""
    okm = HKDF(
        algorithm=hashes.SHA256(), length=64, salt=bytes(32), info=name.encode("utf-8")
    ).derive(key)
    return okm[:32], okm[32:]


def new_iv() -> bytes:
    """16 random bytes with bit 63 cleared, so a 64-bit and a 128-bit AES-CTR counter agree."""
    iv = bytearray(os.urandom(16))
    iv[8] &= 0x7F
    return bytes(iv)


def _aes_ctr(key: bytes, iv: bytes, data: bytes) -> bytes:
    ctx = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return ctx.update(data) + ctx.finalize()


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.digest(key, data, "sha256")


@dataclass(frozen=True)
class EncryptedSecret:
    """`AesHmacSha2EncryptedData`: what `encrypted[key_id]` holds."""

    iv: bytes
    ciphertext: bytes
    mac: bytes

    @classmethod
    def from_json(cls, obj: Any) -> EncryptedSecret:
        if not isinstance(obj, Mapping):
            raise SecretStorageError("the encrypted secret is not an object")
        try:
            iv, ct, mac = (_b64_field(obj, f) for f in ("iv", "ciphertext", "mac"))
        except InvalidBase64 as e:
            raise SecretStorageError(f"malformed encrypted secret: {e}") from None
        if len(iv) != 16:
            raise SecretStorageError("the secret's iv is not 16 bytes")
        return cls(iv, ct, mac)

    def to_json(self) -> dict[str, str]:
        return {
            "iv": encode_base64(self.iv),
            "ciphertext": encode_base64(self.ciphertext),
            "mac": encode_base64(self.mac),
        }


def _b64_field(obj: Mapping[str, Any], name: str) -> bytes:
    value = obj.get(name)
    if not isinstance(value, str):
        raise InvalidBase64(f"`{name}` missing")
    return decode_base64(value)


def encrypt_secret(
    key: bytes, name: str, plaintext: str, *, iv: bytes | None = None
) -> EncryptedSecret:
    """AES-CTR-256 then HMAC-SHA-256 over the ciphertext, keys from `derive_keys(key, name)`."""
    aes_key, mac_key = derive_keys(key, name)
    iv = new_iv() if iv is None else iv
    ciphertext = _aes_ctr(aes_key, iv, plaintext.encode("utf-8"))
    return EncryptedSecret(iv, ciphertext, _hmac(mac_key, ciphertext))


def decrypt_secret(key: bytes, name: str, encrypted: EncryptedSecret) -> str:
    """The secret's text; the MAC is checked in constant time before anything is decrypted.
    A MAC mismatch raises WrongRecoveryKey (the likely cause; see `open_secret`)."""
    aes_key, mac_key = derive_keys(key, name)
    if not hmac.compare_digest(_hmac(mac_key, encrypted.ciphertext), encrypted.mac):
        raise WrongRecoveryKey()
    try:
        return _aes_ctr(aes_key, encrypted.iv, encrypted.ciphertext).decode("utf-8")
    except UnicodeDecodeError:
        raise SecretCorrupted("the secret is not UTF-8 text") from None


# -- key descriptions (`m.secret_storage.key.<id>`) -------------------------------------------


@dataclass(frozen=True)
class KeyDescription:
    """One secret-storage key as described in account data; `iv`/`mac` let us check a key."""

    key_id: str
    algorithm: str
    name: str | None = None
    passphrase: PassphraseInfo | None = None
    iv: bytes | None = None
    mac: bytes | None = None

    @classmethod
    def from_json(cls, key_id: str, content: Any) -> KeyDescription:
        if not isinstance(content, Mapping):
            raise SecretStorageError("the key description is not an object")
        algorithm = content.get("algorithm")
        if algorithm != AES_HMAC_SHA2:
            raise SecretStorageError(f"secret storage algorithm {algorithm!r} is not supported")
        name = content.get("name")
        passphrase = None
        if content.get("passphrase") is not None:
            try:
                passphrase = PassphraseInfo.from_json(content["passphrase"])
            except InvalidPassphraseInfo as e:
                raise SecretStorageError(str(e)) from None
        iv = mac = None
        if content.get("iv") is not None and content.get("mac") is not None:
            try:
                iv, mac = _b64_field(content, "iv"), _b64_field(content, "mac")
            except InvalidBase64 as e:
                raise SecretStorageError(f"malformed key check: {e}") from None
            if len(iv) != 16:
                raise SecretStorageError("the key check's iv is not 16 bytes")
        return cls(key_id, algorithm, name if isinstance(name, str) else None, passphrase, iv, mac)

    @property
    def event_type(self) -> str:
        return key_event_type(self.key_id)

    @property
    def checkable(self) -> bool:
        """False when the description has no `iv`/`mac`: then any key must be assumed right."""
        return self.iv is not None and self.mac is not None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"algorithm": self.algorithm}
        if self.name is not None:
            out["name"] = self.name
        if self.passphrase is not None:
            out["passphrase"] = self.passphrase.to_json()
        if self.iv is not None and self.mac is not None:
            out["iv"], out["mac"] = encode_base64(self.iv), encode_base64(self.mac)
        return out


def key_check_mac(key: bytes, iv: bytes) -> bytes:
    """The key check: HMAC of 32 zero bytes encrypted under the empty name's keys."""
    return encrypt_secret_bytes(key, "", bytes(32), iv).mac


def encrypt_secret_bytes(key: bytes, name: str, data: bytes, iv: bytes) -> EncryptedSecret:
    aes_key, mac_key = derive_keys(key, name)
    ciphertext = _aes_ctr(aes_key, iv, data)
    return EncryptedSecret(iv, ciphertext, _hmac(mac_key, ciphertext))


def new_key_description(
    key: bytes,
    *,
    key_id: str | None = None,
    name: str | None = None,
    passphrase: PassphraseInfo | None = None,
    iv: bytes | None = None,
) -> KeyDescription:
    """A description with its key check, for a key we just made (or derived from `passphrase`)."""
    iv = new_iv() if iv is None else iv
    return KeyDescription(
        key_id or new_key_id(), AES_HMAC_SHA2, name, passphrase, iv, key_check_mac(key, iv)
    )


def check_key(key: bytes, description: KeyDescription) -> None:
    """Raises WrongRecoveryKey unless `key` matches the description's check (constant time).
    A description without a check accepts any key, as the spec says."""
    if description.iv is None or description.mac is None:
        return
    if len(key) != 32 or not hmac.compare_digest(
        key_check_mac(key, description.iv), description.mac
    ):
        raise WrongRecoveryKey()


def key_from_passphrase(passphrase: str, description: KeyDescription) -> bytes:
    """The storage key a passphrase gives under this description (then `check_key` it)."""
    if description.passphrase is None:
        raise SecretStorageError("this key has no passphrase: use the recovery key")
    return derive_key_from_passphrase(passphrase, description.passphrase)


def new_key_id() -> str:
    """32 random letters and digits, as Element names its keys."""
    alphabet = string.ascii_letters + string.digits
    limit = 256 - 256 % len(alphabet)
    out: list[str] = []
    while len(out) < 32:
        out.extend(alphabet[b % len(alphabet)] for b in os.urandom(32) if b < limit)
    return "".join(out[:32])


# -- account data ----------------------------------------------------------------------------


def key_event_type(key_id: str) -> str:
    if not key_id:
        raise SecretStorageError("a key id is not empty")
    return KEY_PREFIX + key_id


def default_key_content(key_id: str) -> dict[str, str]:
    return {"key": key_id}


def parse_default_key(content: Any) -> str | None:
    """The default key's id, or None (no default: behave as if no key existed, says the spec)."""
    if isinstance(content, Mapping) and isinstance(content.get("key"), str) and content["key"]:
        return str(content["key"])
    return None


def secret_content(encrypted: Mapping[str, EncryptedSecret]) -> dict[str, Any]:
    """The account-data content of a secret, encrypted under each key id given."""
    return {"encrypted": {key_id: e.to_json() for key_id, e in encrypted.items()}}


def parse_secret(content: Any, key_id: str) -> EncryptedSecret | None:
    """The secret as encrypted under `key_id`, or None if it is not stored under that key."""
    if not isinstance(content, Mapping) or not isinstance(content.get("encrypted"), Mapping):
        raise SecretStorageError("the secret has no `encrypted` object")
    entry = content["encrypted"].get(key_id)
    return None if entry is None else EncryptedSecret.from_json(entry)


def store_secret(key: bytes, description: KeyDescription, name: str, value: str) -> dict[str, Any]:
    """The account-data content for secret `name` encrypted under one key."""
    return secret_content({description.key_id: encrypt_secret(key, name, value)})


def open_secret(key: bytes, description: KeyDescription, name: str, content: Any) -> str:
    """Checks the key, then decrypts secret `name` from its account-data content. Raises
    WrongRecoveryKey, SecretCorrupted (key right, secret altered) or SecretStorageError."""
    check_key(key, description)
    encrypted = parse_secret(content, description.key_id)
    if encrypted is None:
        raise SecretStorageError(f"{name} is not stored under this key")
    try:
        return decrypt_secret(key, name, encrypted)
    except WrongRecoveryKey:
        if description.checkable:
            raise SecretCorrupted(f"{name} fails its integrity check") from None
        raise


# -- secret values ---------------------------------------------------------------------------


def encode_private_key(key: bytes) -> str:
    """How cross-signing seeds and the backup key are stored: unpadded base64 of 32 bytes."""
    if len(key) != 32:
        raise ValueError("a private key is 32 bytes")
    return encode_base64(key)


def decode_private_key(value: str) -> bytes:
    try:
        key = decode_base64(value.strip())
    except InvalidBase64 as e:
        raise SecretStorageError(f"the stored private key is not base64: {e}") from None
    if len(key) != 32:
        raise SecretStorageError("the stored private key is not 32 bytes")
    return key
