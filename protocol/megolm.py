"""Pure Megolm decisions: who gets a room key, when to rotate it, and m.room_key.withheld."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import nio

from cercle.protocol.changes import UndecryptableCause
from cercle.protocol.endpoints import CLIENT_V3, Request, _path
from cercle.protocol.trust.crosssigning import TrustLevel

MEGOLM = "m.megolm.v1.aes-sha2"
WITHHELD_TYPE = "m.room_key.withheld"

# m.room.encryption's recommended defaults (spec), and the bounds Element's crypto (the Rust
# SDK) applies to what a room admin sets: a session lives at least an hour (else a hostile
# admin could make every message a new key share) and covers 1 to 10,000 messages.
DEFAULT_ROTATION_MS = 604_800_000
DEFAULT_ROTATION_MSGS = 100
MIN_ROTATION_MS = 3_600_000
MAX_ROTATION_MSGS = 10_000

Device = tuple[str, str]  # (user id, device id)


class WithheldCode(StrEnum):
    """Why a sender did not share a room key with a device (spec: m.room_key.withheld)."""

    BLACKLISTED = "m.blacklisted"
    UNVERIFIED = "m.unverified"
    UNAUTHORISED = "m.unauthorised"
    UNAVAILABLE = "m.unavailable"
    NO_OLM = "m.no_olm"


REASONS = {
    WithheldCode.BLACKLISTED: "The sender has blocked this device.",
    WithheldCode.UNVERIFIED: "The sender shares keys only with cross-signed devices.",
    WithheldCode.UNAUTHORISED: "The device is not authorised to read this message.",
    WithheldCode.UNAVAILABLE: "The key is not available.",
    WithheldCode.NO_OLM: "Unable to establish a secure channel.",
}


# -- rotation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RotationPolicy:
    """How long and for how many messages one outbound session may be used in a room."""

    max_age_ms: int = DEFAULT_ROTATION_MS
    max_messages: int = DEFAULT_ROTATION_MSGS


def rotation_policy(content: Mapping[str, Any] | None) -> RotationPolicy:
    """The policy an `m.room.encryption` content asks for, clamped; defaults where absent or
    malformed (a bool or a float is not an integer here)."""
    content = content or {}
    age, msgs = content.get("rotation_period_ms"), content.get("rotation_period_msgs")
    age_ms = age if isinstance(age, int) and not isinstance(age, bool) else DEFAULT_ROTATION_MS
    count = msgs if isinstance(msgs, int) and not isinstance(msgs, bool) else DEFAULT_ROTATION_MSGS
    return RotationPolicy(max(age_ms, MIN_ROTATION_MS), min(max(count, 1), MAX_ROTATION_MSGS))


@dataclass(frozen=True)
class OutboundState:
    """What matters of our current outbound session in a room to decide its rotation."""

    created_ms: int
    messages: int
    shared_with: frozenset[Device] = frozenset()


class Rotation(StrEnum):
    """Why a new outbound session is needed."""

    NONE_YET = "none_yet"
    MESSAGES = "messages"  # rotation_period_msgs reached
    AGE = "age"  # rotation_period_ms elapsed
    RECIPIENTS = "recipients"  # a device that holds the key must not read what comes next


def rotation_reason(
    state: OutboundState | None,
    policy: RotationPolicy,
    recipients: Iterable[Device],
    now_ms: int,
) -> Rotation | None:
    """None when the current session may encrypt the next message for `recipients` (the
    devices that should read it); otherwise why it must be replaced. A device that got the
    key but is no longer a recipient (its user left or was banned, it logged out, it is now
    blacklisted or excluded) forces a new session: it must not read later messages."""
    if state is None:
        return Rotation.NONE_YET
    if state.messages >= policy.max_messages:
        return Rotation.MESSAGES
    if now_ms - state.created_ms >= policy.max_age_ms:
        return Rotation.AGE
    if state.shared_with - frozenset(recipients):
        return Rotation.RECIPIENTS
    return None


def departed_members(reply: nio.SyncResponse) -> dict[str, set[str]]:
    """Room id → users whose membership in this response ended (leave, kick, ban), from the
    state and timeline blocks of joined rooms."""
    found: dict[str, set[str]] = {}
    for room_id, info in reply.rooms.join.items():
        for event in [*info.state, *info.timeline.events]:
            if isinstance(event, nio.RoomMemberEvent) and event.membership in ("leave", "ban"):
                found.setdefault(room_id, set()).add(event.state_key)
    return found


# -- who gets the key ------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A device of a room member, as the sharing decision sees it. `trust` is its owner's
    cross-signing judgement of it (None: not judged, or judged on other keys than these)."""

    user_id: str
    device_id: str
    blacklisted: bool = False
    trust: TrustLevel | None = None

    @property
    def key(self) -> Device:
        return (self.user_id, self.device_id)


@dataclass(frozen=True)
class ShareSet:
    """Devices that get the room key, and those told why not (a withheld code each)."""

    share: frozenset[Device] = frozenset()
    withhold: Mapping[Device, WithheldCode] = field(default_factory=dict)


def share_set(
    candidates: Iterable[Candidate],
    *,
    own_device: Device,
    only_cross_signed: bool,
    identity_changed: Iterable[str] = (),
) -> ShareSet:
    """Who gets the key. Blacklisted devices never; with `only_cross_signed` (Element's
    "exclude insecure devices"), only devices their owner's self-signing key signed — our own
    other devices included — and none of the users in `identity_changed` (we had verified
    them, their identity changed, and nobody acknowledged it yet); otherwise every device.
    Our sending device is left out."""
    changed = frozenset(identity_changed) if only_cross_signed else frozenset()
    share: set[Device] = set()
    withhold: dict[Device, WithheldCode] = {}
    for c in candidates:
        if c.key == own_device:
            continue
        if c.blacklisted:
            withhold[c.key] = WithheldCode.BLACKLISTED
        elif only_cross_signed and (
            c.trust not in (TrustLevel.CROSS_SIGNED, TrustLevel.VERIFIED) or c.user_id in changed
        ):
            withhold[c.key] = WithheldCode.UNVERIFIED
        else:
            share.add(c.key)
    return ShareSet(frozenset(share), withhold)


# -- m.room_key.withheld ---------------------------------------------------------------------


def withheld_content(
    code: WithheldCode, *, room_id: str, session_id: str, sender_key: str, from_device: str
) -> dict[str, Any]:
    """The content of one `m.room_key.withheld` to-device event. Room and session ids are sent
    for every code (the spec makes them optional only for m.no_olm): the recipient can then
    name the messages concerned."""
    return {
        "algorithm": MEGOLM,
        "room_id": room_id,
        "session_id": session_id,
        "sender_key": sender_key,
        "from_device": from_device,
        "code": code.value,
        "reason": REASONS[code],
    }


def send_to_device(
    event_type: str, messages: Mapping[str, Mapping[str, Any]], txn_id: str | None = None
) -> Request:
    """`PUT /sendToDevice/{type}/{txn}`; messages: user → device → content."""
    txn = txn_id or uuid.uuid4().hex
    body = {"messages": {u: dict(d) for u, d in messages.items()}}
    return Request("PUT", _path(CLIENT_V3, "sendToDevice", event_type, txn), body)


@dataclass(frozen=True)
class Withheld:
    """A received `m.room_key.withheld`: `sender` did not share a key with this device."""

    sender: str
    sender_key: str
    code: str
    room_id: str | None = None
    session_id: str | None = None
    reason: str | None = None


def parse_withheld(source: Any) -> Withheld | None:
    """The withheld notice in a to-device event, or None when it is not one or is malformed
    (room and session ids are required unless the code is m.no_olm)."""
    if not isinstance(source, Mapping) or source.get("type") != WITHHELD_TYPE:
        return None
    sender, content = source.get("sender"), source.get("content")
    if not isinstance(sender, str) or not isinstance(content, Mapping):
        return None
    code, sender_key = content.get("code"), content.get("sender_key")
    room_id, session_id = content.get("room_id"), content.get("session_id")
    if not isinstance(code, str) or not isinstance(sender_key, str):
        return None
    if content.get("algorithm") not in (None, MEGOLM):
        return None
    if code != WithheldCode.NO_OLM and not (
        isinstance(room_id, str) and isinstance(session_id, str)
    ):
        return None
    reason = content.get("reason")
    return Withheld(
        sender,
        sender_key,
        code,
        room_id if isinstance(room_id, str) else None,
        session_id if isinstance(session_id, str) else None,
        reason if isinstance(reason, str) else None,
    )


_CAUSES = {
    WithheldCode.UNVERIFIED: UndecryptableCause.WITHHELD_UNVERIFIED,
    WithheldCode.BLACKLISTED: UndecryptableCause.WITHHELD_BLACKLISTED,
    WithheldCode.NO_OLM: UndecryptableCause.WITHHELD_NO_OLM,
}


def withheld_cause(code: str) -> UndecryptableCause:
    """The undecryptable cause a withheld code gives (WITHHELD for the others)."""
    return _CAUSES.get(code, UndecryptableCause.WITHHELD)  # type: ignore[call-overload]
