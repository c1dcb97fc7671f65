"""Cercle's own state event types (`org.cercle.*`): their schema, builders and tolerant parsers.

Every Cercle state event lives in the community's space (a Matrix space, `m.space`):

`org.cercle.community` (state_key "")
    kind        "internal" | "partner" | "public"       required
    purpose     string                                   required (may be empty)
    template    string (a templates.TEMPLATES key)       optional
    moderation_room  room id of the moderators' room     optional (see moderation.py)

`org.cercle.charter` (state_key "")
    version     integer ≥ 1                              required
    text        markdown string                          required
    updated_ts  integer, ms since the epoch              required

`org.cercle.charter.acceptance` (state_key = the accepting member's own user id)
    version     integer ≥ 1: the charter version accepted  required
    Matrix auth rules reject a state event whose key starts with `@` unless it equals the
    sender, so only the member can write their record (tested on Synapse). The space's power
    levels give this type level 0 (`events`), so any member may write their own.

`org.cercle.editorial` (state_key "")
    tone        string                                   required (may be empty)
    allowed_post_types  non-empty list of POST_TYPES     required
    language    BCP 47 tag string (e.g. "fr", "en")      required

Events sent by Cercle in the moderators' room (timeline, not state):

`org.cercle.report`      room_id, event_id, reason (string), reporter (user id)
`org.cercle.moderation`  action ("ban"|"kick"|"unban"|"role"), target (user id), reason,
                         rooms (list of room ids), failed (list of room ids)

Parsing never raises: a missing or malformed field gives None and a log line, so the community
still opens without that piece. Builders validate on the way out and raise ValueError.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

COMMUNITY = "org.cercle.community"
CHARTER = "org.cercle.charter"
ACCEPTANCE = "org.cercle.charter.acceptance"
EDITORIAL = "org.cercle.editorial"
REPORT = "org.cercle.report"
MODERATION = "org.cercle.moderation"

KINDS = ("internal", "partner", "public")
POST_TYPES = ("text", "question", "idea", "announcement", "document")


@dataclass(frozen=True)
class CommunityInfo:
    kind: str
    purpose: str
    template: str | None = None
    moderation_room: str | None = None


@dataclass(frozen=True)
class Charter:
    version: int
    text: str
    updated_ts: int


@dataclass(frozen=True)
class Acceptance:
    user_id: str
    version: int


@dataclass(frozen=True)
class EditorialLine:
    tone: str
    allowed_post_types: tuple[str, ...]
    language: str


# -- parsing ------------------------------------------------------------------------------------


def _ignored(event_type: str, why: str, where: str | None) -> None:
    log.warning("ignoring a malformed %s%s: %s", event_type, f" in {where}" if where else "", why)


def _positive_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return None


def parse_community(content: Any, *, where: str | None = None) -> CommunityInfo | None:
    if not isinstance(content, Mapping):
        _ignored(COMMUNITY, "content is not an object", where)
        return None
    kind, purpose = content.get("kind"), content.get("purpose")
    if kind not in KINDS:
        _ignored(COMMUNITY, f"kind {kind!r} is not one of {KINDS}", where)
        return None
    if not isinstance(purpose, str):
        _ignored(COMMUNITY, "purpose is not a string", where)
        return None
    template = content.get("template")
    room = content.get("moderation_room")
    return CommunityInfo(
        kind,
        purpose,
        template if isinstance(template, str) else None,
        room if isinstance(room, str) and room.startswith("!") else None,
    )


def parse_charter(content: Any, *, where: str | None = None) -> Charter | None:
    if not isinstance(content, Mapping):
        _ignored(CHARTER, "content is not an object", where)
        return None
    version, text, ts = content.get("version"), content.get("text"), content.get("updated_ts")
    number = _positive_int(version)
    if number is None:
        _ignored(CHARTER, f"version {version!r} is not an integer ≥ 1", where)
        return None
    if not isinstance(text, str):
        _ignored(CHARTER, "text is not a string", where)
        return None
    if not isinstance(ts, int) or isinstance(ts, bool) or ts < 0:
        _ignored(CHARTER, f"updated_ts {ts!r} is not a timestamp", where)
        return None
    return Charter(number, text, ts)


def parse_acceptance(
    state_key: Any, content: Any, *, sender: str | None = None, where: str | None = None
) -> Acceptance | None:
    if not isinstance(state_key, str) or not state_key.startswith("@"):
        _ignored(ACCEPTANCE, f"state_key {state_key!r} is not a user id", where)
        return None
    if sender is not None and sender != state_key:  # servers reject these; belt and braces
        _ignored(ACCEPTANCE, f"{sender} wrote {state_key}'s record", where)
        return None
    version = content.get("version") if isinstance(content, Mapping) else None
    number = _positive_int(version)
    if number is None:
        _ignored(ACCEPTANCE, f"version {version!r} is not an integer ≥ 1", where)
        return None
    return Acceptance(state_key, number)


def parse_editorial(content: Any, *, where: str | None = None) -> EditorialLine | None:
    if not isinstance(content, Mapping):
        _ignored(EDITORIAL, "content is not an object", where)
        return None
    tone, types, language = (
        content.get("tone"),
        content.get("allowed_post_types"),
        content.get("language"),
    )
    if not isinstance(tone, str):
        _ignored(EDITORIAL, "tone is not a string", where)
        return None
    if not isinstance(types, list) or not types or not all(t in POST_TYPES for t in types):
        _ignored(EDITORIAL, f"allowed_post_types {types!r} is not a list of {POST_TYPES}", where)
        return None
    if not isinstance(language, str) or not language:
        _ignored(EDITORIAL, "language is not a language tag", where)
        return None
    return EditorialLine(tone, tuple(dict.fromkeys(types)), language)


# -- building (validated on the way out) ---------------------------------------------------------


def community_content(
    kind: str, purpose: str, *, template: str | None = None, moderation_room: str | None = None
) -> dict[str, Any]:
    if kind not in KINDS:
        raise ValueError(f"a community kind is one of {', '.join(KINDS)}, not {kind!r}")
    content: dict[str, Any] = {"kind": kind, "purpose": purpose}
    if template:
        content["template"] = template
    if moderation_room:
        content["moderation_room"] = moderation_room
    return content


def charter_content(version: int, text: str, updated_ts: int | None = None) -> dict[str, Any]:
    if _positive_int(version) is None:
        raise ValueError("a charter version is an integer ≥ 1")
    if not text.strip():
        raise ValueError("a charter needs some text")
    ts = int(time.time() * 1000) if updated_ts is None else updated_ts
    return {"version": version, "text": text, "updated_ts": ts}


def acceptance_content(version: int) -> dict[str, Any]:
    if _positive_int(version) is None:
        raise ValueError("a charter version is an integer ≥ 1")
    return {"version": version}


def editorial_content(tone: str, allowed_post_types: Sequence[str], language: str) -> dict:
    unknown = [t for t in allowed_post_types if t not in POST_TYPES]
    if unknown or not allowed_post_types:
        raise ValueError(f"allowed post types are among {', '.join(POST_TYPES)}: not {unknown}")
    if not language:
        raise ValueError("an editorial line names its language (e.g. fr, en)")
    return {"tone": tone, "allowed_post_types": list(allowed_post_types), "language": language}
