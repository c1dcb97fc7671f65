"""SAS verification (`m.sas.v1`) crypto: commitment, emoji and decimals, key MACs (vodozemac)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import vodozemac

from cercle.protocol.trust.canonical import canonical_json, encode_base64

METHOD = "m.sas.v1"
KEY_AGREEMENT = "curve25519-hkdf-sha256"
HASH = "sha256"
MAC_METHOD = "hkdf-hmac-sha256.v2"
SAS_METHODS = ("decimal", "emoji")
KEY_IDS = "KEY_IDS"

# The spec's table (sas-emoji.json): index → (emoji, English name). The UI translates names.
EMOJI: tuple[tuple[str, str], ...] = (
    ("🐶", "Dog"), ("🐱", "Cat"), ("🦁", "Lion"), ("🐎", "Horse"),
    ("🦄", "Unicorn"), ("🐷", "Pig"), ("🐘", "Elephant"), ("🐰", "Rabbit"),
    ("🐼", "Panda"), ("🐓", "Rooster"), ("🐧", "Penguin"), ("🐢", "Turtle"),
    ("🐟", "Fish"), ("🐙", "Octopus"), ("🦋", "Butterfly"), ("🌷", "Flower"),
    ("🌳", "Tree"), ("🌵", "Cactus"), ("🍄", "Mushroom"), ("🌏", "Globe"),
    ("🌙", "Moon"), ("☁️", "Cloud"), ("🔥", "Fire"), ("🍌", "Banana"),
    ("🍎", "Apple"), ("🍓", "Strawberry"), ("🌽", "Corn"), ("🍕", "Pizza"),
    ("🎂", "Cake"), ("❤️", "Heart"), ("😀", "Smiley"), ("🤖", "Robot"),
    ("🎩", "Hat"), ("👓", "Glasses"), ("🔧", "Spanner"), ("🎅", "Santa"),
    ("👍", "Thumbs Up"), ("☂️", "Umbrella"), ("⌛", "Hourglass"), ("⏰", "Clock"),
    ("🎁", "Gift"), ("💡", "Light Bulb"), ("📕", "Book"), ("✏️", "Pencil"),
    ("📎", "Paperclip"), ("✂️", "Scissors"), ("🔒", "Lock"), ("🔑", "Key"),
    ("🔨", "Hammer"), ("☎️", "Telephone"), ("🏁", "Flag"), ("🚂", "Train"),
    ("🚲", "Bicycle"), ("✈️", "Aeroplane"), ("🚀", "Rocket"), ("🏆", "Trophy"),
    ("⚽", "Ball"), ("🎸", "Guitar"), ("🎺", "Trumpet"), ("🔔", "Bell"),
    ("⚓", "Anchor"), ("🎧", "Headphones"), ("📁", "Folder"), ("📌", "Pin"),
)  # fmt: skip


class SasError(ValueError):
    """The other side broke the protocol; `code` is the `m.key.verification.cancel` code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ShortAuth:
    """What both users compare: 7 emoji (emoji, English name) and 3 numbers in 1000–9191."""

    emoji: tuple[tuple[str, str], ...]
    decimals: tuple[int, int, int]


@dataclass(frozen=True)
class Party:
    """One side of a verification: user, device, and (for the SAS info) its ephemeral key."""

    user_id: str
    device_id: str


def start_content(from_device: str) -> dict[str, Any]:
    """What we offer in `m.key.verification.start` (without relation or transaction id)."""
    return {
        "from_device": from_device,
        "method": METHOD,
        "key_agreement_protocols": [KEY_AGREEMENT],
        "hashes": [HASH],
        "message_authentication_codes": [MAC_METHOD],
        "short_authentication_string": list(SAS_METHODS),
    }


def _offers(content: Mapping[str, Any], name: str, wanted: str) -> bool:
    value = content.get(name)
    return isinstance(value, list) and wanted in value


def accept_params(start: Mapping[str, Any]) -> dict[str, Any]:
    """What we pick from their `start` for `m.key.verification.accept` (commitment apart);
    SasError `m.unknown_method` when they offer nothing we speak."""
    if start.get("method") != METHOD:
        raise SasError("m.unknown_method", "only emoji verification (m.sas.v1) is supported")
    for name, wanted in (
        ("key_agreement_protocols", KEY_AGREEMENT),
        ("hashes", HASH),
        ("message_authentication_codes", MAC_METHOD),
    ):
        if not _offers(start, name, wanted):
            raise SasError("m.unknown_method", f"the other client does not offer {wanted}")
    sas = [m for m in SAS_METHODS if _offers(start, "short_authentication_string", m)]
    if "emoji" not in sas and "decimal" not in sas:
        raise SasError("m.unknown_method", "no short authentication string in common")
    return {
        "method": METHOD,
        "key_agreement_protocol": KEY_AGREEMENT,
        "hash": HASH,
        "message_authentication_code": MAC_METHOD,
        "short_authentication_string": sas,
    }


def check_accept(accept: Mapping[str, Any]) -> str:
    """Their `accept` of our start must pick what we offered; returns their commitment."""
    for name, wanted in (
        ("key_agreement_protocol", KEY_AGREEMENT),
        ("hash", HASH),
        ("message_authentication_code", MAC_METHOD),
    ):
        if accept.get(name) != wanted:
            raise SasError("m.unknown_method", f"the other client picked {accept.get(name)!r}")
    commitment = accept.get("commitment")
    if not isinstance(commitment, str):
        raise SasError("m.invalid_message", "accept without a commitment")
    return commitment


def commitment(public_key: str, start: Mapping[str, Any]) -> str:
    """Unpadded base64 SHA-256 of the accepter's public key then the canonical start content."""
    digest = hashlib.sha256(public_key.encode("utf-8") + canonical_json(start)).digest()
    return encode_base64(digest)


def sas_info(
    starter: Party, starter_key: str, accepter: Party, accepter_key: str, flow: str
) -> str:
    return "|".join(
        (
            "MATRIX_KEY_VERIFICATION_SAS",
            starter.user_id,
            starter.device_id,
            starter_key,
            accepter.user_id,
            accepter.device_id,
            accepter_key,
            flow,
        )
    )


def mac_info(sender: Party, receiver: Party, flow: str, key_id: str) -> str:
    return (
        "MATRIX_KEY_VERIFICATION_MAC"
        + sender.user_id
        + sender.device_id
        + receiver.user_id
        + receiver.device_id
        + flow
        + key_id
    )


class SasKeys:
    """Our ephemeral Curve25519 key, then the shared secret once theirs is known."""

    def __init__(self) -> None:
        self._sas: vodozemac.Sas | None = vodozemac.Sas()
        self.public_key: str = self._sas.public_key.to_base64()
        self._established: vodozemac.EstablishedSas | None = None

    @property
    def established(self) -> bool:
        return self._established is not None

    def establish(self, their_key: Any) -> None:
        if self._sas is None:
            raise SasError("m.unexpected_message", "a second key was sent")
        try:
            key = vodozemac.Curve25519PublicKey.from_base64(str(their_key))
            self._established = self._sas.diffie_hellman(key)
        except (vodozemac.KeyException, vodozemac.SasException, ValueError) as e:
            raise SasError("m.invalid_message", f"unusable key: {e}") from None
        self._sas = None

    def _est(self) -> vodozemac.EstablishedSas:
        if self._established is None:
            raise SasError("m.unexpected_message", "no key exchanged yet")
        return self._established

    def short_auth(self, info: str) -> ShortAuth:
        sas_bytes = self._est().bytes(info)
        emoji = tuple(EMOJI[i] for i in sas_bytes.emoji_indices)
        d = sas_bytes.decimals
        return ShortAuth(emoji, (d[0], d[1], d[2]))

    def mac_content(
        self, sender: Party, receiver: Party, flow: str, keys: Mapping[str, str]
    ) -> dict[str, Any]:
        """`m.key.verification.mac`'s `mac` and `keys` for our keys (key id → public key)."""
        est = self._est()
        macs = {
            k: est.calculate_mac(v, mac_info(sender, receiver, flow, k)) for k, v in keys.items()
        }
        ids = ",".join(sorted(keys))
        return {
            "mac": macs,
            "keys": est.calculate_mac(ids, mac_info(sender, receiver, flow, KEY_IDS)),
        }

    def check_mac(
        self,
        content: Mapping[str, Any],
        sender: Party,
        receiver: Party,
        flow: str,
        expected: Mapping[str, str],
    ) -> set[str]:
        """The key ids of `expected` (key id → public key, from /keys/query) whose MAC checks.
        The key-id list must check, every known key must match (`m.key_mismatch`), and at least
        one must be known; key ids we do not know are ignored, as the spec says."""
        est = self._est()
        macs, keys_mac = content.get("mac"), content.get("keys")
        if not isinstance(macs, Mapping) or not isinstance(keys_mac, str) or not macs:
            raise SasError("m.invalid_message", "a MAC event without MACs")
        ids = ",".join(sorted(str(k) for k in macs))
        if not _verify(est, ids, mac_info(sender, receiver, flow, KEY_IDS), keys_mac):
            raise SasError("m.key_mismatch", "the list of keys does not match")
        verified: set[str] = set()
        for key_id, tag in macs.items():
            public = expected.get(key_id)
            if public is None:
                continue
            if not isinstance(tag, str) or not _verify(
                est, public, mac_info(sender, receiver, flow, key_id), tag
            ):
                raise SasError("m.key_mismatch", f"the key {key_id} does not match")
            verified.add(key_id)
        if not verified:
            raise SasError("m.key_mismatch", "none of the other side's known keys was sent")
        return verified


def _verify(est: vodozemac.EstablishedSas, message: str, info: str, tag: str) -> bool:
    try:
        est.verify_mac(message, info, tag)
    except (vodozemac.SasException, ValueError):
        return False
    return True
