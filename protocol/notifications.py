"""What deserves a desktop notification (mentions, DMs, muted rooms), and the push rules to mute."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cercle.protocol.endpoints import CLIENT_V3, Request, _path
from cercle.protocol.errors import MatrixError
from cercle.protocol.roomlist import DIRECT, direct_rooms

if TYPE_CHECKING:
    from cercle.protocol.account import Account
    from cercle.protocol.changes import TimelineAppended

PUSH_RULES = "m.push_rules"
DONT_NOTIFY = "dont_notify"
RECENT_MS = 2 * 60 * 1000  # older messages (a catch-up after a night) never pop up


# -- mentions ------------------------------------------------------------------------------------


def localpart(user_id: str) -> str:
    return user_id.removeprefix("@").split(":", 1)[0]


def _says(body: str, name: str) -> bool:
    """`name` appears in `body` as a whole word (case-insensitive), as Matrix's display-name
    rule matches it: not inside a longer word."""
    if not name.strip():
        return False
    pattern = r"(?<![\w@])" + re.escape(name.strip()) + r"(?!\w)"
    return re.search(pattern, body, re.IGNORECASE) is not None


def is_mention(content: Mapping[str, Any], user_id: str, display_name: str | None = None) -> bool:
    """Does this message mention `user_id`? Intentional mentions (`m.mentions.user_ids`) decide
    when the sender's client sent them — then the body is not looked at (the spec, v1.7).
    Otherwise, as older clients expect: the user id, display name or localpart in the body."""
    mentions = content.get("m.mentions")
    if isinstance(mentions, Mapping):
        user_ids = mentions.get("user_ids")
        return isinstance(user_ids, list) and user_id in user_ids
    body = content.get("body")
    if not isinstance(body, str):
        return False
    names = [user_id, display_name or "", localpart(user_id)]
    return any(_says(body, name) for name in names)


def is_edit(content: Mapping[str, Any]) -> bool:
    relates = content.get("m.relates_to")
    return isinstance(relates, Mapping) and relates.get("rel_type") == "m.replace"


# -- push rules: per-room mute, as Element reads and writes it -----------------------------------


def mute_room(room_id: str) -> Request:
    """Element's "Mute": an override rule named after the room, matching its events, with no
    notification. Override rules come before the mention rules, so mentions are muted too."""
    body = {
        "conditions": [{"kind": "event_match", "key": "room_id", "pattern": room_id}],
        "actions": [DONT_NOTIFY],
    }
    return Request("PUT", _path(CLIENT_V3, "pushrules", "global", "override", room_id), body)


def unmute_room(room_id: str) -> Request:
    return Request("DELETE", _path(CLIENT_V3, "pushrules", "global", "override", room_id))


def mentions_only(room_id: str) -> Request:
    """Element's "Mentions and keywords": a room rule without notification (mentions, being
    override rules, still notify)."""
    body = {"actions": [DONT_NOTIFY]}
    return Request("PUT", _path(CLIENT_V3, "pushrules", "global", "room", room_id), body)


def all_messages(room_id: str) -> Request:
    return Request("DELETE", _path(CLIENT_V3, "pushrules", "global", "room", room_id))


def push_rules() -> Request:
    return Request("GET", _path(CLIENT_V3, "pushrules") + "/")


def _silent(rule: Mapping[str, Any]) -> bool:
    """An enabled rule whose actions do not notify (`[]` since v1.7, `["dont_notify"]` before)."""
    actions = rule.get("actions")
    if rule.get("enabled") is False or not isinstance(actions, list):
        return False
    return all(a == DONT_NOTIFY for a in actions)


def _global(push_rules: Mapping[str, Any] | None, kind: str) -> list[Mapping[str, Any]]:
    section = push_rules.get("global") if isinstance(push_rules, Mapping) else None
    rules = section.get(kind) if isinstance(section, Mapping) else None
    return [r for r in rules if isinstance(r, Mapping)] if isinstance(rules, list) else []


def muted_rooms(push_rules: Mapping[str, Any] | None) -> frozenset[str]:
    """Rooms muted altogether: a silent override rule matching exactly that room."""
    muted = set()
    for rule in _global(push_rules, "override"):
        conditions = rule.get("conditions")
        if not _silent(rule) or not isinstance(conditions, list) or len(conditions) != 1:
            continue
        (condition,) = conditions
        if (
            isinstance(condition, Mapping)
            and condition.get("kind") == "event_match"
            and condition.get("key") == "room_id"
            and condition.get("pattern") == rule.get("rule_id")
        ):
            muted.add(str(rule.get("rule_id")))
    return frozenset(muted)


def mentions_only_rooms(push_rules: Mapping[str, Any] | None) -> frozenset[str]:
    """Rooms where only mentions notify: a silent room rule."""
    return frozenset(
        str(r["rule_id"])
        for r in _global(push_rules, "room")
        if _silent(r) and isinstance(r.get("rule_id"), str)
    )


# -- the decision ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """One desktop notification to show: which account, which room, who said what, and why."""

    account: str  # our user id: several accounts will share one tray
    room_id: str
    room_name: str
    event_id: str
    sender: str
    sender_name: str
    body: str
    kind: str  # "mention" | "dm"


@dataclass(frozen=True)
class RoomContext:
    """What the decision needs to know about a room."""

    muted: bool = False
    mentions_only: bool = False
    direct: bool = False


def notice_kind(
    content: Mapping[str, Any],
    *,
    sender: str,
    user_id: str,
    display_name: str | None,
    room: RoomContext,
) -> str | None:
    """ "mention", "dm" or None (no notification) for one new message."""
    if sender == user_id or room.muted or is_edit(content):
        return None
    if is_mention(content, user_id, display_name):
        return "mention"
    if room.direct and not room.mentions_only:
        return "dm"
    return None


def should_notify_messages(
    events: Iterable[tuple[Mapping[str, Any], str, int]],
    *,
    user_id: str,
    display_name: str | None,
    room: RoomContext,
    now_ms: int,
) -> list[str | None]:
    """`notice_kind` for (content, sender, timestamp) triples; stale ones get None."""
    return [
        notice_kind(c, sender=s, user_id=user_id, display_name=display_name, room=room)
        if now_ms - ts <= RECENT_MS
        else None
        for c, s, ts in events
    ]


async def notices_for(account: Account, change: TimelineAppended, now_ms: int) -> list[Notice]:
    """The notifications `change` deserves (reads the stored events and account data)."""

    def read() -> list[Notice]:
        store = account.store
        rules = store.receipts.account_data(PUSH_RULES)
        stored = store.rooms.get(change.room_id)
        room = RoomContext(
            muted=change.room_id in muted_rooms(rules),
            mentions_only=change.room_id in mentions_only_rooms(rules),
            direct=change.room_id in direct_rooms(store.receipts.account_data(DIRECT))
            or bool(stored is not None and stored.is_direct),
        )
        me = store.rooms.member(change.room_id, account.user_id)
        display_name = me.display_name if me is not None else None
        found = []
        for message in change.messages:
            if message.state != "sent" or message.undecryptable or not message.body:
                continue
            event = store.timeline.get(message.event_id)
            content = event.content if event is not None else {"body": message.body}
            (kind,) = should_notify_messages(
                [(content, message.sender, message.timestamp_ms)],
                user_id=account.user_id,
                display_name=display_name,
                room=room,
                now_ms=now_ms,
            )
            if kind is not None:
                name = (stored.name if stored is not None else None) or change.room_id
                found.append(
                    Notice(
                        account.user_id,
                        change.room_id,
                        name,
                        message.event_id,
                        message.sender,
                        message.sender_name or message.sender,
                        message.body,
                        kind,
                    )
                )
        return found

    return await asyncio.to_thread(read)


MODES = ("all", "mentions", "mute")  # Element's All messages / Mentions and keywords / Mute


@dataclass(frozen=True)
class RoomModes:
    """Rooms whose notifications the push rules turn down."""

    muted: frozenset[str] = frozenset()
    mentions_only: frozenset[str] = frozenset()

    def mode(self, room_id: str) -> str:
        if room_id in self.muted:
            return "mute"
        return "mentions" if room_id in self.mentions_only else "all"


def room_modes(push_rules: Mapping[str, Any] | None) -> RoomModes:
    return RoomModes(muted_rooms(push_rules), mentions_only_rooms(push_rules))


def mode_requests(room_id: str, mode: str) -> list[tuple[Request, bool]]:
    """The requests that put a room in `mode`, each with "a 404 is fine" (removing a rule
    that is not there)."""
    if mode == "mute":
        return [(mute_room(room_id), False), (all_messages(room_id), True)]
    if mode == "mentions":
        return [(unmute_room(room_id), True), (mentions_only(room_id), False)]
    if mode == "all":
        return [(unmute_room(room_id), True), (all_messages(room_id), True)]
    raise ValueError(f"unknown notification mode {mode!r}")


async def set_room_mode(account: Account, room_id: str, mode: str) -> RoomModes:
    """Sets a room's notifications on the server (so Element and phones agree), then keeps the
    server's rules in the store at once (the next sync would bring them too)."""
    from cercle.protocol.rooms import send_request  # nio: not before the first paint

    for request, missing_ok in mode_requests(room_id, mode):
        try:
            await send_request(account.client, request, what="push rule")
        except MatrixError as e:
            if not (missing_ok and e.errcode == "M_NOT_FOUND"):
                raise
    rules = await send_request(account.client, push_rules(), what="push rules")
    await asyncio.to_thread(account.store.receipts.set_account_data, PUSH_RULES, rules)
    return room_modes(rules)


async def current_modes(account: Account) -> RoomModes:
    """The rooms' modes in the stored push rules."""
    rules = await asyncio.to_thread(account.store.receipts.account_data, PUSH_RULES)
    return room_modes(rules)


async def set_muted(account: Account, room_id: str, muted: bool) -> frozenset[str]:
    """Mutes a room, or brings it back to all messages; returns the muted rooms."""
    return (await set_room_mode(account, room_id, "mute" if muted else "all")).muted


async def current_muted(account: Account) -> frozenset[str]:
    """The rooms muted in the stored push rules."""
    return (await current_modes(account)).muted
