"""Canonical JSON, unpadded base64, Ed25519 signing and verifying of JSON (spec appendices)."""

from __future__ import annotations

import base64
import binascii
import copy
import math
import os
import re
from collections.abc import Mapping
from typing import Any, Protocol

import canonicaljson
import vodozemac
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ED25519 = "ed25519"
MAX_SAFE_INTEGER = 2**53 - 1
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


class CanonicalJsonError(ValueError):
    """The value cannot be encoded as canonical JSON (a float, an integer out of range…)."""


class InvalidBase64(ValueError):
    """A field that should hold base64 does not."""


class InvalidSignature(ValueError):
    """A signature is missing, malformed or does not verify: the object is not to be trusted."""


# -- unpadded base64 (appendices: "Unpadded Base64") ------------------------------------------


def encode_base64(data: bytes) -> str:
    """Standard alphabet, no `=` padding."""
    return base64.b64encode(data).decode("ascii").rstrip("=")


def decode_base64(text: str) -> bytes:
    """Standard base64, with or without padding (the spec says to accept both)."""
    if not isinstance(text, str) or not _BASE64.fullmatch(text):
        raise InvalidBase64("not base64 text")
    body = text.rstrip("=")
    if len(body) % 4 == 1:
        raise InvalidBase64("truncated base64")
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except binascii.Error as e:
        raise InvalidBase64(str(e)) from None


# -- canonical JSON (appendices: "Canonical JSON") -------------------------------------------


def _checked(value: Any, path: str) -> Any:
    """A copy of `value` that canonicaljson encodes exactly as the spec says: integers in the
    safe range, integral floats (`1e10`, `-0.0`) as integers as the spec's example shows, any
    other float refused; object keys must be strings."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise CanonicalJsonError(f"{path}: integer {value} outside ±(2**53-1)")
        return value
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise CanonicalJsonError(f"{path}: {value!r} — canonical JSON has no fractions")
        return _checked(int(value), path)
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalJsonError(f"{path}: object key {key!r} is not a string")
            out[key] = _checked(item, f"{path}.{key}")
        return out
    if isinstance(value, (list, tuple)):
        return [_checked(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise CanonicalJsonError(f"{path}: {type(value).__name__} is not a JSON value")


def canonical_json(value: Any) -> bytes:
    """The spec's canonical encoding: shortest UTF-8 JSON, keys sorted by code point."""
    try:
        return canonicaljson.encode_canonical_json(_checked(value, "$"))
    except UnicodeEncodeError:
        raise CanonicalJsonError("a string holds a lone surrogate (not UTF-8)") from None


def signable_bytes(obj: Mapping[str, Any]) -> bytes:
    """What a signature covers: the object without `signatures` and `unsigned`."""
    return canonical_json({k: v for k, v in obj.items() if k not in ("signatures", "unsigned")})


# -- Ed25519 ---------------------------------------------------------------------------------


class Signer(Protocol):
    """Anything that signs with an Ed25519 key: a cross-signing key, our Olm account…"""

    @property
    def key_id(self) -> str: ...  # "ed25519:<key identifier>"

    def sign(self, message: bytes) -> str: ...  # unpadded base64 signature


class SigningKey:
    """An Ed25519 private key from its 32-byte seed; its key id names it by its public key
    (`ed25519:<public key>`), as cross-signing keys are named."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != 32:
            raise ValueError("an Ed25519 seed is 32 bytes")
        self._key = Ed25519PrivateKey.from_private_bytes(bytes(seed))
        raw = self._key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key = encode_base64(raw)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(os.urandom(32))

    @property
    def seed(self) -> bytes:
        return self._key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    @property
    def key_id(self) -> str:
        return f"{ED25519}:{self.public_key}"

    def sign(self, message: bytes) -> str:
        return encode_base64(self._key.sign(message))

    def __repr__(self) -> str:  # never the seed
        return f"SigningKey({self.public_key})"


class NamedSigningKey(SigningKey):
    """A SigningKey under an explicit key id (`ed25519:1`, `ed25519:DEVICEID`)."""

    def __init__(self, seed: bytes, key_id: str) -> None:
        super().__init__(seed)
        self._key_id = key_id

    @property
    def key_id(self) -> str:
        return self._key_id


def sign_json(obj: Mapping[str, Any], signer: Signer, *, signed_by: str) -> dict[str, Any]:
    """A copy of `obj` with `signer`'s signature added under `signatures[signed_by][key_id]`;
    existing signatures and `unsigned` are kept, neither is covered by the signature."""
    signature = signer.sign(signable_bytes(obj))
    out = copy.deepcopy(dict(obj))
    signatures = out.get("signatures")
    if not isinstance(signatures, dict):
        signatures = out["signatures"] = {}
    entity = signatures.get(signed_by)
    if not isinstance(entity, dict):
        entity = signatures[signed_by] = {}
    entity[signer.key_id] = signature
    return out


def verify_signature(public_key: str, message: bytes, signature: str) -> None:
    """Strict Ed25519 verification (vodozemac: small-order keys and non-canonical signatures are
    refused, unlike OpenSSL's). Raises InvalidSignature."""
    try:
        key = vodozemac.Ed25519PublicKey.from_base64(encode_base64(decode_base64(public_key)))
        sig_bytes = decode_base64(signature)
        if len(sig_bytes) != 64:
            raise InvalidSignature("an Ed25519 signature is 64 bytes")
        key.verify_signature(
            message, vodozemac.Ed25519Signature.from_base64(encode_base64(sig_bytes))
        )
    except InvalidSignature:
        raise
    except (InvalidBase64, ValueError) as e:
        raise InvalidSignature(f"signature does not verify: {e}") from None


def verify_json(obj: Mapping[str, Any], *, signed_by: str, key_id: str, public_key: str) -> None:
    """Checks `signatures[signed_by][key_id]` over `obj` with `public_key`; the caller chooses
    the key for that key id (never looked up from the object itself). Raises InvalidSignature."""
    if not key_id.startswith(f"{ED25519}:"):
        raise InvalidSignature(f"{key_id}: not an Ed25519 key id")
    signatures = obj.get("signatures")
    entity = signatures.get(signed_by) if isinstance(signatures, Mapping) else None
    signature = entity.get(key_id) if isinstance(entity, Mapping) else None
    if not isinstance(signature, str):
        raise InvalidSignature(f"no signature by {signed_by} with {key_id}")
    try:
        message = signable_bytes(obj)
    except CanonicalJsonError as e:
        raise InvalidSignature(f"the signed object is not canonical JSON: {e}") from None
    verify_signature(public_key, message, signature)


def is_signed_by(obj: Mapping[str, Any], *, signed_by: str, key_id: str, public_key: str) -> bool:
    try:
        verify_json(obj, signed_by=signed_by, key_id=key_id, public_key=public_key)
    except InvalidSignature:
        return False
    return True
