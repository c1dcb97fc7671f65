"""Trust state kept on this machine only, in the encrypted profile, sealed against the server."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cercle.protocol.trust.backup import BackupKey
from cercle.protocol.trust.canonical import (
    SigningKey,
    canonical_json,
    decode_base64,
    encode_base64,
)
from cercle.protocol.trust.crosssigning import CrossSigningSecrets
from cercle.storage.store import Store

# Types in the profile's `account_data` table that the server never sees. The table also takes
# whatever global account data a sync brings, so a server could write these types too: every
# record carries a MAC under a key derived from the profile's own secret, and one that does not
# verify is ignored (as if absent), never trusted.
IDENTITY = "org.cercle.local.cross_signing"
BACKUP_STATE = "org.cercle.local.key_backup"
_MAC_INFO = b"cercle/local-trust/v1"


class LocalTrust:
    """Reads and writes this device's trust records (cross-signing seeds, backup key, progress).
    Blocking (SQLite): call it off the loop."""

    def __init__(self, store: Store, profile_secret: str) -> None:
        self._store = store
        self._mac_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=_MAC_INFO
        ).derive(profile_secret.encode("utf-8"))

    def _mac(self, type_: str, body: Mapping[str, Any]) -> str:
        data = type_.encode() + b"\0" + canonical_json(body)
        return encode_base64(hmac.digest(self._mac_key, data, "sha256"))

    def _read(self, type_: str) -> dict[str, Any] | None:
        content = self._store.receipts.account_data(type_)
        if not content or not isinstance(content.get("body"), dict):
            return None
        body, mac = content["body"], content.get("mac")
        if not isinstance(mac, str) or not hmac.compare_digest(mac, self._mac(type_, body)):
            return None  # not written by this profile: ignore it
        return body

    def _write(self, type_: str, body: Mapping[str, Any]) -> None:
        self._store.receipts.set_account_data(
            type_, {"body": dict(body), "mac": self._mac(type_, body)}
        )

    # -- our identity ----------------------------------------------------------------------------

    def identity(self) -> LocalIdentity | None:
        body = self._read(IDENTITY)
        return LocalIdentity.from_json(body) if body is not None else None

    def save_identity(self, identity: LocalIdentity) -> None:
        self._write(IDENTITY, identity.to_json())

    # -- key backup progress ---------------------------------------------------------------------

    def backup_state(self) -> BackupState | None:
        body = self._read(BACKUP_STATE)
        return BackupState.from_json(body) if body is not None else None

    def save_backup_state(self, state: BackupState) -> None:
        self._write(BACKUP_STATE, state.to_json())


@dataclass(frozen=True)
class LocalIdentity:
    """What this device holds of our identity: the private cross-signing keys (or none of them,
    when only the master public key is known to be ours) and the backup key."""

    master_public_key: str
    secrets: CrossSigningSecrets | None = None
    backup_key: BackupKey | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"master_public_key": self.master_public_key}
        if self.secrets is not None:
            out["master"] = encode_base64(self.secrets.master.seed)
            out["self_signing"] = encode_base64(self.secrets.self_signing.seed)
            out["user_signing"] = encode_base64(self.secrets.user_signing.seed)
        if self.backup_key is not None:
            out["backup_key"] = encode_base64(self.backup_key.to_bytes())
        return out

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> LocalIdentity | None:
        try:
            names = ("master", "self_signing", "user_signing")
            secrets = None
            if all(isinstance(body.get(k), str) for k in names):
                secrets = CrossSigningSecrets(*(SigningKey(decode_base64(body[k])) for k in names))
            backup = body.get("backup_key")
            return cls(
                str(body["master_public_key"]),
                secrets,
                BackupKey(decode_base64(backup)) if isinstance(backup, str) else None,
            )
        except (KeyError, ValueError):
            return None

    def __repr__(self) -> str:  # never the keys
        return f"LocalIdentity({self.master_public_key}, private={self.secrets is not None})"


@dataclass
class BackupState:
    """Which backup version this device uploads to, and the sessions already in it
    (session id → the first message index we uploaded it from)."""

    version: str
    public_key: str
    uploaded: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "public_key": self.public_key, "uploaded": self.uploaded}

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> BackupState | None:
        version, public_key, uploaded = (
            body.get("version"),
            body.get("public_key"),
            body.get("uploaded"),
        )
        if not isinstance(version, str) or not isinstance(public_key, str):
            return None
        sessions = {
            k: v
            for k, v in (uploaded.items() if isinstance(uploaded, Mapping) else ())
            if isinstance(k, str) and isinstance(v, int)
        }
        return cls(version, public_key, sessions)
