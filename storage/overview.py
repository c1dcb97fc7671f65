"""The room list in one read: rooms, their members, space links and each one's latest message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .db import Database
from .rooms import _ROOM_COLUMNS, Member, Room, _room
from .timeline import _COLUMNS as _EVENT_COLUMNS
from .timeline import TimelineEvent, _event

# The newest event a room list row shows: a message with a body, or one still undecryptable;
# never an edit (it shows as its original) nor a redacted one. Stops at the first match.
_LAST_SHOWN = """
SELECT (
    SELECT e.id FROM events e
    WHERE e.room_id = r.room_id AND e.redacted_by IS NULL
      AND (e.decryption_error IS NOT NULL OR (
           e.type IN ('m.room.message', 'm.room.encrypted')
           AND json_type(e.content, '$.body') = 'text'
           AND json_extract(e.content, '$."m.relates_to".rel_type') IS NOT 'm.replace'))
    ORDER BY e.pos DESC LIMIT 1)
FROM rooms r WHERE r.room_id IN {scope}
"""
_LISTED = "(SELECT room_id FROM rooms WHERE join_state IN ('join', 'invite'))"
_JOINED_SPACES = "SELECT room_id FROM rooms WHERE is_space AND join_state = 'join'"


@dataclass(frozen=True)
class RoomOverview:
    """What a room list row is made of."""

    room: Room
    members: list[Member]  # joined members, by display name
    linked_spaces: frozenset[str]  # joined spaces that list it, or that it names as parent
    last_event: TimelineEvent | None
    children: tuple[str, ...] = ()  # a space's m.space.child rooms (with a via), sorted


class OverviewRepo:
    """Reads the room list with a handful of queries in one transaction, whatever its size."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def rooms(self, room_ids: Iterable[str] | None = None) -> list[RoomOverview]:
        """Joined and invited rooms (or just `room_ids`), invitations last, newest first."""
        if room_ids is None:  # the whole list: subqueries, so no parameter limit applies
            scope, args = _LISTED, []
        else:
            args = list(dict.fromkeys(room_ids))
            if not args:
                return []
            scope = f"({','.join('?' * len(args))})"
        with self._db.read() as conn:
            rooms = [
                _room(row)
                for row in conn.execute(
                    f"SELECT {_ROOM_COLUMNS} FROM rooms WHERE room_id IN {scope} "
                    "ORDER BY join_state = 'invite', last_activity_ts DESC, room_id",
                    args,
                )
            ]
            members: dict[str, list[Member]] = {}
            for room_id, *member in conn.execute(
                "SELECT room_id, user_id, display_name, avatar_url, membership FROM members "
                f"WHERE membership = 'join' AND room_id IN {scope} "
                "ORDER BY room_id, coalesce(display_name, user_id), user_id",
                args,
            ):
                members.setdefault(room_id, []).append(Member(*member))
            spaces = {space for (space,) in conn.execute(_JOINED_SPACES)}
            links: dict[str, set[str]] = {}
            # Two indexed reads (children listed by joined spaces, parents the rooms name),
            # not one OR that scans all state: it ran on every sync.
            for holder, kind, key in conn.execute(
                "SELECT room_id, type, state_key FROM room_state WHERE type = 'm.space.child' "
                f"AND state_key IN {scope} AND room_id IN ({_JOINED_SPACES}) "
                "AND coalesce(json_array_length(content, '$.via'), 0) > 0 "  # no via: removed
                "UNION ALL "
                "SELECT room_id, type, state_key FROM room_state WHERE type = 'm.space.parent' "
                f"AND room_id IN {scope} "
                "AND coalesce(json_array_length(content, '$.via'), 0) > 0",
                args + args,
            ):
                if kind == "m.space.child":
                    links.setdefault(key, set()).add(holder)
                else:
                    links.setdefault(holder, set()).add(key)
            children: dict[str, list[str]] = {}
            for holder, key in conn.execute(
                "SELECT room_id, state_key FROM room_state WHERE type = 'm.space.child' "
                f"AND room_id IN {scope} "
                "AND coalesce(json_array_length(content, '$.via'), 0) > 0 ORDER BY state_key",
                args,
            ):
                children.setdefault(holder, []).append(key)
            last = {
                event.room_id: event
                for event in map(
                    _event,
                    conn.execute(
                        f"SELECT {_EVENT_COLUMNS} FROM events "
                        f"WHERE id IN ({_LAST_SHOWN.format(scope=scope)})",
                        args,
                    ),
                )
            }
        return [
            RoomOverview(
                r,
                members.get(r.room_id, []),
                frozenset(links.get(r.room_id, set()) & spaces),
                last.get(r.room_id),
                tuple(children.get(r.room_id, ())),
            )
            for r in rooms
        ]
