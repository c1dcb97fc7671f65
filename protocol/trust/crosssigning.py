"""Cross-signing: our three keys, signing devices and users, and judging signature chains."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cercle.protocol.trust.canonical import (
    ED25519,
    InvalidBase64,
    SigningKey,
    decode_base64,
    encode_base64,
    is_signed_by,
    sign_json,
)


class Usage(StrEnum):
    MASTER = "master"
    SELF_SIGNING = "self_signing"
    USER_SIGNING = "user_signing"


class TrustLevel(StrEnum):
    """How far a user or device is trusted."""

    VERIFIED = "verified"  # chains to a master key we verified (or our own trusted identity)
    CROSS_SIGNED = "cross_signed"  # a valid chain to the user's master key, which we did not verify
    UNSIGNED = "unsigned"  # no valid cross-signing chain


class InvalidKeyObject(ValueError):
    """A cross-signing key or device key object is malformed or inconsistent."""


# -- key objects -----------------------------------------------------------------------------


def _ed25519_public(value: Any) -> str:
    """An unpadded base64 Ed25519 public key (32 bytes), normalised."""
    try:
        raw = decode_base64(value) if isinstance(value, str) else b""
    except InvalidBase64:
        raw = b""
    if len(raw) != 32:
        raise InvalidKeyObject("not a 32-byte Ed25519 public key")
    return encode_base64(raw)


@dataclass(frozen=True)
class CrossSigningKey:
    """A `CrossSigningKey` object; `raw` is the object exactly as received, for verification."""

    user_id: str
    usage: frozenset[str]
    public_key: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def key_id(self) -> str:
        return f"{ED25519}:{self.public_key}"

    @classmethod
    def from_json(cls, obj: Any, *, user_id: str, usage: Usage) -> CrossSigningKey:
        """Validates shape, owner and usage: exactly one key, `ed25519:<pk>` → `<pk>`."""
        if not isinstance(obj, Mapping):
            raise InvalidKeyObject("a cross-signing key is an object")
        if obj.get("user_id") != user_id:
            raise InvalidKeyObject(f"{usage} key of {obj.get('user_id')!r} given for {user_id}")
        usages = obj.get("usage")
        if not isinstance(usages, list) or usage.value not in usages:
            raise InvalidKeyObject(f"the key is not for {usage} use")
        keys = obj.get("keys")
        if not isinstance(keys, Mapping) or len(keys) != 1:
            raise InvalidKeyObject("a cross-signing key holds exactly one key")
        ((key_id, value),) = keys.items()
        public_key = _ed25519_public(value)
        if key_id != f"{ED25519}:{value}":
            raise InvalidKeyObject("the key id does not name its public key")
        return cls(user_id, frozenset(u for u in usages if isinstance(u, str)), public_key, obj)

    def signed_by(self, signer: CrossSigningKey | str, signer_user: str | None = None) -> bool:
        """Whether `signer` (a key, or a public key) signed this object under its own key id."""
        public = signer.public_key if isinstance(signer, CrossSigningKey) else signer
        return is_signed_by(
            self.raw,
            signed_by=signer_user or self.user_id,
            key_id=f"{ED25519}:{public}",
            public_key=public,
        )


@dataclass(frozen=True)
class DeviceKeys:
    """A device's keys as `/keys/query` returns them, after its self-signature was checked."""

    user_id: str
    device_id: str
    ed25519: str
    curve25519: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def display_name(self) -> str | None:
        unsigned = self.raw.get("unsigned")
        name = unsigned.get("device_display_name") if isinstance(unsigned, Mapping) else None
        return name if isinstance(name, str) else None

    @classmethod
    def from_json(cls, obj: Any, *, user_id: str, device_id: str) -> DeviceKeys:
        """Refuses an object whose ids differ from where the server filed it, or that its own
        Ed25519 key did not sign (`ed25519:<device_id>`)."""
        if not isinstance(obj, Mapping):
            raise InvalidKeyObject("device keys are an object")
        if obj.get("user_id") != user_id or obj.get("device_id") != device_id:
            raise InvalidKeyObject(f"device {device_id} of {user_id} claims other ids")
        keys = obj.get("keys")
        if not isinstance(keys, Mapping):
            raise InvalidKeyObject("device keys without `keys`")
        ed = _ed25519_public(keys.get(f"{ED25519}:{device_id}"))
        curve = keys.get(f"curve25519:{device_id}")
        if not isinstance(curve, str):
            raise InvalidKeyObject("device keys without a curve25519 key")
        if not is_signed_by(obj, signed_by=user_id, key_id=f"{ED25519}:{device_id}", public_key=ed):
            raise InvalidKeyObject(f"device {device_id} of {user_id} is not self-signed")
        return cls(user_id, device_id, ed, curve, obj)

    def signed_by(self, key: CrossSigningKey) -> bool:
        """Signed by `key` under `ed25519:<its public key>` (never by a key id shared with a
        device: CVE-2022-39250)."""
        return is_signed_by(
            self.raw, signed_by=key.user_id, key_id=key.key_id, public_key=key.public_key
        )


# -- our own keys ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CrossSigningSecrets:
    """Our three private keys (their seeds are what secret storage keeps)."""

    master: SigningKey
    self_signing: SigningKey
    user_signing: SigningKey

    @classmethod
    def generate(cls) -> CrossSigningSecrets:
        return cls(SigningKey.generate(), SigningKey.generate(), SigningKey.generate())

    def key_objects(self, user_id: str) -> dict[str, dict[str, Any]]:
        """The `master_key`, `self_signing_key` and `user_signing_key` objects for
        `/keys/device_signing/upload`, the last two signed by the master key."""
        out = {"master_key": _key_object(user_id, Usage.MASTER, self.master)}
        for name, usage, key in (
            ("self_signing_key", Usage.SELF_SIGNING, self.self_signing),
            ("user_signing_key", Usage.USER_SIGNING, self.user_signing),
        ):
            out[name] = sign_json(_key_object(user_id, usage, key), self.master, signed_by=user_id)
        return out


def _key_object(user_id: str, usage: Usage, key: SigningKey) -> dict[str, Any]:
    return {"user_id": user_id, "usage": [usage.value], "keys": {key.key_id: key.public_key}}


def _for_upload(obj: Mapping[str, Any], signature_of: dict[str, Any]) -> dict[str, Any]:
    """What `/keys/signatures/upload` wants: the object as it was, with only the new signature."""
    out = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    out["signatures"] = signature_of["signatures"]
    return out


def sign_device(device: DeviceKeys, self_signing: SigningKey) -> dict[str, Any]:
    """Our device's keys signed with our self-signing key, for `/keys/signatures/upload`."""
    bare = {k: v for k, v in device.raw.items() if k not in ("signatures", "unsigned")}
    return _for_upload(device.raw, sign_json(bare, self_signing, signed_by=device.user_id))


def sign_user(
    master: CrossSigningKey, user_signing: SigningKey, *, own_user_id: str
) -> dict[str, Any]:
    """Another user's master key signed with our user-signing key (we verified them)."""
    if master.user_id == own_user_id:
        raise ValueError("our own master key is not signed with our user-signing key")
    bare = {k: v for k, v in master.raw.items() if k not in ("signatures", "unsigned")}
    return _for_upload(master.raw, sign_json(bare, user_signing, signed_by=own_user_id))


# -- judging a /keys/query response ----------------------------------------------------------


@dataclass(frozen=True)
class KeysQueryResult:
    """The parts of a `/keys/query` response trust is judged from (raw JSON, unvalidated)."""

    device_keys: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    master_keys: Mapping[str, Any] = field(default_factory=dict)
    self_signing_keys: Mapping[str, Any] = field(default_factory=dict)
    user_signing_keys: Mapping[str, Any] = field(default_factory=dict)
    failures: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, body: Any) -> KeysQueryResult:
        body = body if isinstance(body, Mapping) else {}

        def section(name: str) -> dict[str, Any]:
            value = body.get(name)
            return dict(value) if isinstance(value, Mapping) else {}

        devices = {u: dict(d) for u, d in section("device_keys").items() if isinstance(d, Mapping)}
        return cls(
            devices,
            section("master_keys"),
            section("self_signing_keys"),
            section("user_signing_keys"),
            section("failures"),
        )


@dataclass(frozen=True)
class PinnedIdentity:
    """The master key we last saw for a user, and whether we had verified it."""

    master_key: str
    verified: bool = False


@dataclass(frozen=True)
class IdentityChanged:
    """A user's master key is not the one we pinned: warn (if verified before) or notify."""

    user_id: str
    old_master_key: str
    new_master_key: str | None
    verified_before: bool


@dataclass(frozen=True)
class DeviceTrust:
    device_id: str
    level: TrustLevel
    keys: DeviceKeys


@dataclass(frozen=True)
class UserTrust:
    """One user's identity and devices as we judge them."""

    user_id: str
    level: TrustLevel
    master: CrossSigningKey | None
    self_signing: CrossSigningKey | None
    devices: Mapping[str, DeviceTrust]
    identity_changed: IdentityChanged | None = None
    # Device ids equal to one of the user's cross-signing public keys: a malicious server's
    # trick (CVE-2022-39250). The spec says to warn and refuse to verify such a user.
    colliding_device_ids: frozenset[str] = frozenset()
    invalid: tuple[str, ...] = ()  # why objects were dropped (for logs)

    @property
    def may_be_verified(self) -> bool:
        return self.master is not None and not self.colliding_device_ids

    def pin(self) -> PinnedIdentity | None:
        """What to remember for next time (None: the user has no cross-signing identity)."""
        if self.master is None:
            return None
        return PinnedIdentity(self.master.public_key, self.level is TrustLevel.VERIFIED)


def _load(obj: Any, user_id: str, usage: Usage, invalid: list[str]) -> CrossSigningKey | None:
    if obj is None:
        return None
    try:
        return CrossSigningKey.from_json(obj, user_id=user_id, usage=usage)
    except InvalidKeyObject as e:
        invalid.append(f"{usage}: {e}")
        return None


def own_user_signing_key(
    result: KeysQueryResult, *, own_user_id: str, trusted_master_key: str | None
) -> CrossSigningKey | None:
    """Our user-signing key, if our trusted master key signed it."""
    if trusted_master_key is None:
        return None
    master = _load(result.master_keys.get(own_user_id), own_user_id, Usage.MASTER, [])
    if master is None or master.public_key != trusted_master_key:
        return None
    usk = _load(result.user_signing_keys.get(own_user_id), own_user_id, Usage.USER_SIGNING, [])
    return usk if usk is not None and usk.signed_by(master) else None


def judge_user(
    result: KeysQueryResult,
    user_id: str,
    *,
    own_user_id: str,
    trusted_master_key: str | None,
    pinned: PinnedIdentity | None = None,
) -> UserTrust:
    """Trust of one user and their devices. `trusted_master_key` is our own master public key
    as we know it for sure (we hold its private key, or our verified device signed it).
    Device ← self-signing ← master; for others, master ← our user-signing ← our master."""
    invalid: list[str] = []
    master = _load(result.master_keys.get(user_id), user_id, Usage.MASTER, invalid)
    ssk = _load(result.self_signing_keys.get(user_id), user_id, Usage.SELF_SIGNING, invalid)
    if ssk is not None and (master is None or not ssk.signed_by(master)):
        invalid.append("self_signing: not signed by the user's master key")
        ssk = None

    if master is None:
        level = TrustLevel.UNSIGNED
    elif user_id == own_user_id:
        verified = trusted_master_key is not None and master.public_key == trusted_master_key
        level = TrustLevel.VERIFIED if verified else TrustLevel.CROSS_SIGNED
    else:
        usk = own_user_signing_key(
            result, own_user_id=own_user_id, trusted_master_key=trusted_master_key
        )
        verified = usk is not None and master.signed_by(usk, own_user_id)
        level = TrustLevel.VERIFIED if verified else TrustLevel.CROSS_SIGNED

    cross_keys = {k.public_key for k in (master, ssk) if k is not None}
    user_signing = result.user_signing_keys.get(user_id)
    usk_obj = _load(user_signing, user_id, Usage.USER_SIGNING, [])
    if usk_obj is not None:
        cross_keys.add(usk_obj.public_key)
    colliding = frozenset(d for d in result.device_keys.get(user_id, {}) if d in cross_keys)
    if colliding:
        level = min(level, TrustLevel.CROSS_SIGNED, key=_rank)

    devices: dict[str, DeviceTrust] = {}
    for device_id, obj in result.device_keys.get(user_id, {}).items():
        try:
            device = DeviceKeys.from_json(obj, user_id=user_id, device_id=device_id)
        except InvalidKeyObject as e:
            invalid.append(f"device {device_id}: {e}")
            continue
        if device_id in colliding or ssk is None or not device.signed_by(ssk):
            device_level = TrustLevel.UNSIGNED
        else:
            device_level = level
        devices[device_id] = DeviceTrust(device_id, device_level, device)

    changed = None
    if pinned is not None and (master is None or master.public_key != pinned.master_key):
        changed = IdentityChanged(
            user_id, pinned.master_key, master.public_key if master else None, pinned.verified
        )
    return UserTrust(user_id, level, master, ssk, devices, changed, colliding, tuple(invalid))


def judge_all(
    result: KeysQueryResult,
    *,
    own_user_id: str,
    trusted_master_key: str | None,
    pinned: Mapping[str, PinnedIdentity] | None = None,
    users: Iterable[str] | None = None,
) -> dict[str, UserTrust]:
    """`judge_user` for every user the response speaks of (or those in `users`)."""
    pins = pinned or {}
    names = users if users is not None else {*result.device_keys, *result.master_keys}
    return {
        u: judge_user(
            result,
            u,
            own_user_id=own_user_id,
            trusted_master_key=trusted_master_key,
            pinned=pins.get(u),
        )
        for u in names
    }


_RANKS = {TrustLevel.UNSIGNED: 0, TrustLevel.CROSS_SIGNED: 1, TrustLevel.VERIFIED: 2}


def _rank(level: TrustLevel) -> int:
    return _RANKS[level]
