"""Key backup `m.megolm_backup.v1.curve25519-aes-sha2`: key, auth_data, session data, trust."""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cercle.protocol.trust.canonical import (
    ED25519,
    InvalidBase64,
    Signer,
    decode_base64,
    encode_base64,
    is_signed_by,
    sign_json,
)

BACKUP_ALGORITHM = "m.megolm_backup.v1.curve25519-aes-sha2"
MEGOLM = "m.megolm.v1.aes-sha2"
MAC_BYTES = 8


class BackupError(ValueError):
    """A backup or a backed-up key is malformed or uses an algorithm we do not know."""


class WrongBackupKey(BackupError):
    """The backup key does not decrypt this backup's data."""

    def __init__(self) -> None:
        super().__init__(
            "This key does not open your key backup — it may belong to an older backup. "
            "Check the recovery key, or set up a new backup."
        )


# -- the backup key --------------------------------------------------------------------------


class BackupKey:
    """The backup's Curve25519 private key (what secret storage keeps as `m.megolm_backup.v1`)."""

    def __init__(self, private: bytes) -> None:
        if len(private) != 32:
            raise ValueError("a backup key is 32 bytes")
        self._key = X25519PrivateKey.from_private_bytes(bytes(private))
        self.public_key = encode_base64(_raw_public(self._key.public_key()))

    @classmethod
    def generate(cls) -> BackupKey:
        return cls(os.urandom(32))

    def to_bytes(self) -> bytes:
        return self._key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    def shared_secret(self, ephemeral_public: bytes) -> bytes:
        try:
            return self._key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        except ValueError:  # a low-order point: an all-zero secret
            raise BackupError("the backed-up key has an invalid ephemeral key") from None

    def __repr__(self) -> str:
        return f"BackupKey({self.public_key})"


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _keys(shared_secret: bytes) -> tuple[bytes, bytes, bytes]:
    """HKDF-SHA-256 (salt: 32 zero bytes, info: empty) → AES key, MAC key, AES-CBC IV."""
    okm = HKDF(algorithm=hashes.SHA256(), length=80, salt=bytes(32), info=b"").derive(shared_secret)
    return okm[:32], okm[32:64], okm[64:]


def _mac(mac_key: bytes, data: bytes) -> bytes:
    return hmac.digest(mac_key, data, "sha256")[:MAC_BYTES]


# -- session data ----------------------------------------------------------------------------


def encrypt_session(
    public_key: str, session: Mapping[str, Any], *, ephemeral: bytes | None = None
) -> dict[str, str]:
    """`session_data` for one backed-up session: ECDH with a fresh ephemeral key, AES-256-CBC
    (PKCS#7) of the JSON, and the v1 MAC — HMAC-SHA-256 of an *empty* buffer, 8 bytes, as every
    implementation does since libolm's bug (the spec's warning under step 5)."""
    try:
        backup_public = X25519PublicKey.from_public_bytes(decode_base64(public_key))
    except (InvalidBase64, ValueError):
        raise BackupError("the backup's public key is not a Curve25519 key") from None
    eph = (
        X25519PrivateKey.from_private_bytes(ephemeral) if ephemeral else X25519PrivateKey.generate()
    )
    try:
        secret = eph.exchange(backup_public)
    except ValueError:
        raise BackupError("the backup's public key is a low-order point") from None
    aes_key, mac_key, iv = _keys(secret)
    padder = padding.PKCS7(128).padder()
    plaintext = (
        padder.update(json.dumps(dict(session), separators=(",", ":")).encode()) + padder.finalize()
    )
    enc = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).encryptor()
    ciphertext = enc.update(plaintext) + enc.finalize()
    return {
        "ephemeral": encode_base64(_raw_public(eph.public_key())),
        "ciphertext": encode_base64(ciphertext),
        "mac": encode_base64(_mac(mac_key, b"")),
    }


def decrypt_session(key: BackupKey, session_data: Mapping[str, Any]) -> dict[str, Any]:
    """The session JSON from `session_data`. The MAC is checked (constant time) before
    decrypting: over the empty buffer as v1 does — or over the ciphertext as the spec meant, so
    a fixed implementation is not refused. It only proves the key is right. Raises
    WrongBackupKey or BackupError."""
    try:
        ephemeral = decode_base64(str(session_data["ephemeral"]))
        ciphertext = decode_base64(str(session_data["ciphertext"]))
        mac = decode_base64(str(session_data["mac"]))
    except (KeyError, InvalidBase64) as e:
        raise BackupError(f"malformed session_data: {e}") from None
    if len(ephemeral) != 32 or not ciphertext or len(ciphertext) % 16:
        raise BackupError("malformed session_data: bad key or ciphertext length")
    aes_key, mac_key, iv = _keys(key.shared_secret(ephemeral))
    empty_ok = hmac.compare_digest(_mac(mac_key, b""), mac)
    if not empty_ok and not hmac.compare_digest(_mac(mac_key, ciphertext), mac):
        raise WrongBackupKey()
    dec = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).decryptor()
    padded = dec.update(ciphertext) + dec.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plaintext = unpadder.update(padded) + unpadder.finalize()
        session = json.loads(plaintext)
    except ValueError:
        raise BackupError("the backed-up session does not decrypt to JSON") from None
    if not isinstance(session, dict):
        raise BackupError("the backed-up session is not a JSON object")
    return session


@dataclass(frozen=True)
class BackedUpSession:
    """`BackedUpSessionData`: a Megolm session key as the backup holds it."""

    session_key: str
    sender_key: str
    sender_claimed_keys: Mapping[str, str]
    forwarding_curve25519_key_chain: tuple[str, ...] = ()
    algorithm: str = MEGOLM
    shared_history: bool = False

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> BackedUpSession:
        if obj.get("algorithm") != MEGOLM:
            raise BackupError(f"backed-up session algorithm {obj.get('algorithm')!r} unknown")
        chain = obj.get("forwarding_curve25519_key_chain", [])
        claimed = obj.get("sender_claimed_keys")
        fields = (obj.get("session_key"), obj.get("sender_key"))
        if not all(isinstance(f, str) and f for f in fields):
            raise BackupError("a backed-up session lacks its session_key or sender_key")
        if not isinstance(claimed, Mapping) or not all(
            isinstance(v, str) for v in claimed.values()
        ):
            raise BackupError("sender_claimed_keys must map algorithms to keys")
        if not isinstance(chain, list) or not all(isinstance(k, str) for k in chain):
            raise BackupError("forwarding_curve25519_key_chain must be a list of keys")
        return cls(
            session_key=str(obj["session_key"]),
            sender_key=str(obj["sender_key"]),
            sender_claimed_keys=dict(claimed),
            forwarding_curve25519_key_chain=tuple(chain),
            shared_history=obj.get("shared_history") is True,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "algorithm": self.algorithm,
            "forwarding_curve25519_key_chain": list(self.forwarding_curve25519_key_chain),
            "sender_key": self.sender_key,
            "sender_claimed_keys": dict(self.sender_claimed_keys),
            "session_key": self.session_key,
        }
        if self.shared_history:
            out["shared_history"] = True
        return out


def key_backup_data(
    public_key: str,
    session: BackedUpSession,
    *,
    first_message_index: int,
    forwarded_count: int,
    is_verified: bool,
) -> dict[str, Any]:
    """`KeyBackupData` for one session, ready for `PUT /room_keys/keys`."""
    return {
        "first_message_index": first_message_index,
        "forwarded_count": forwarded_count,
        "is_verified": is_verified,
        "session_data": encrypt_session(public_key, session.to_json()),
    }


# -- auth_data and trust ---------------------------------------------------------------------


def make_auth_data(public_key: str, *, user_id: str, signers: Sequence[Signer]) -> dict[str, Any]:
    """`auth_data` signed by each signer (our master key and/or this device) as `user_id`."""
    auth: dict[str, Any] = {"public_key": public_key}
    for signer in signers:
        auth = sign_json(auth, signer, signed_by=user_id)
    return auth


@dataclass(frozen=True)
class BackupTrust:
    """Whether we may upload keys to a backup version, and why (for logs and the UI)."""

    trusted: bool
    reason: str


def backup_trust(
    algorithm: str,
    auth_data: Mapping[str, Any],
    *,
    user_id: str,
    trusted_master_key: str | None = None,
    verified_devices: Mapping[str, str] | None = None,
    backup_key: BackupKey | None = None,
) -> BackupTrust:
    """A backup is trusted if its public key is that of a backup key from a trusted source
    (typed in, secret storage, a verified own device), or its auth_data is signed by our
    trusted master key or by one of our verified devices (`device_id → ed25519 key`). Each key
    is checked only under its own key id: `ed25519:<master public key>`, `ed25519:<device id>`."""
    if algorithm != BACKUP_ALGORITHM:
        return BackupTrust(False, f"unknown backup algorithm {algorithm!r}")
    public_key = auth_data.get("public_key")
    if not isinstance(public_key, str):
        return BackupTrust(False, "the backup has no public key")
    if backup_key is not None:
        try:
            same = decode_base64(public_key) == decode_base64(backup_key.public_key)
        except InvalidBase64:
            same = False
        if same:
            return BackupTrust(True, "its public key matches our backup key")
    if trusted_master_key and is_signed_by(
        auth_data,
        signed_by=user_id,
        key_id=f"{ED25519}:{trusted_master_key}",
        public_key=trusted_master_key,
    ):
        return BackupTrust(True, "signed by our verified identity")
    for device_id, device_key in (verified_devices or {}).items():
        if is_signed_by(
            auth_data, signed_by=user_id, key_id=f"{ED25519}:{device_id}", public_key=device_key
        ):
            return BackupTrust(True, f"signed by our verified device {device_id}")
    return BackupTrust(False, "not signed by our identity nor by a verified device of ours")
