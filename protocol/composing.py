"""The composer's protocol side: who to mention, what a composed message becomes, upload limits."""

from __future__ import annotations

import html as htmllib
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cercle.protocol import media, messages
from cercle.protocol.endpoints import InvalidMatrixLink
from cercle.protocol.errors import MatrixError
from cercle.protocol.links import LinkKind, parse_matrix_to
from cercle.protocol.roomlist import server_of
from cercle.storage.store import Store

if TYPE_CHECKING:  # nio stays unloaded until the network is used (the window imports this)
    from cercle.protocol.client import MatrixClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MentionCandidate:
    """A room member the composer may mention: names to match and show, and where they are."""

    user_id: str
    display_name: str
    server: str
    external: bool  # on another server than ours (a partner's)


@dataclass(frozen=True)
class RelatedEvent:
    """What a reply or an edit needs to know of the event it is about (read from the store)."""

    event_id: str
    sender: str
    content: Mapping[str, Any]


def fold(text: str) -> str:
    """Case and accents ignored: "Élodie" and "elo" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def mention_candidates(
    members: Iterable[tuple[str, str | None]], own_user_id: str
) -> list[MentionCandidate]:
    """(user id, display name) pairs of a room → candidates, ourselves left out."""
    own_server = server_of(own_user_id)
    out = []
    for user_id, name in members:
        if user_id == own_user_id:
            continue
        server = server_of(user_id)
        label = name or user_id.removeprefix("@").split(":", 1)[0]
        out.append(MentionCandidate(user_id, label, server, server != own_server))
    return out


def match_mentions(
    candidates: Iterable[MentionCandidate], query: str, limit: int = 8
) -> list[MentionCandidate]:
    """Candidates whose name or user id matches `query` (what follows the `@`): a word of the
    name starting with it first, then the user id's localpart, then its server (all of a
    partner's people), then, from two letters on, the name or localpart containing it."""
    wanted = fold(query.removeprefix("@"))
    ranked = []
    for c in candidates:
        name = fold(c.display_name)
        local, _, server = fold(c.user_id.removeprefix("@")).partition(":")
        if not wanted or any(word.startswith(wanted) for word in name.split()):
            rank = 0
        elif local.startswith(wanted):
            rank = 1
        elif server.startswith(wanted):
            rank = 2
        elif len(wanted) >= 2 and (wanted in name or wanted in local):
            rank = 3
        else:
            continue
        ranked.append((rank, name, c.user_id, c))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked[:limit]]


def composed_content(
    text: str,
    *,
    own_user_id: str,
    reply_to: RelatedEvent | None = None,
    edit_of: RelatedEvent | None = None,
) -> dict[str, Any]:
    """The m.room.message content of what was typed (markdown, pills → m.mentions), as a
    rich reply to `reply_to` or as an `m.replace` edit of `edit_of`."""
    content = messages.text_content(text, own_user_id=own_user_id)
    if edit_of is not None:
        # Who the shown version (the original, or its latest edit's new content) mentioned.
        previous = edit_of.content.get("m.mentions")
        return messages.edit_content(
            edit_of.event_id,
            content,
            previous_mentions=previous if isinstance(previous, Mapping) else None,
        )
    if reply_to is not None:
        return messages.reply_content(
            content,
            in_reply_to=reply_to.event_id,
            replied_sender=reply_to.sender,
            own_user_id=own_user_id,
        )
    return content


def related_event(store: Store, event_id: str) -> RelatedEvent:
    """The stored event a reply or an edit is about; its content the shown version (latest
    edit's new content). Blocking: run it off the event loop. Unknown → an empty sender."""
    event = store.timeline.get(event_id)
    if event is None:
        return RelatedEvent(event_id, "", {})
    content: Mapping[str, Any] = event.content
    edit = store.timeline.latest_edit(event_id)
    new = edit.content.get("m.new_content") if edit is not None else None
    if isinstance(new, Mapping):
        content = new
    return RelatedEvent(event_id, event.sender, content)


def room_candidates(store: Store, room_id: str, own_user_id: str) -> list[MentionCandidate]:
    """The joined members of a stored room as mention candidates. Blocking: off the loop."""
    members = store.rooms.members(room_id)
    return mention_candidates(((m.user_id, m.display_name) for m in members), own_user_id)


async def check_upload(client: MatrixClient, size: int) -> None:
    """Raises media.TooLarge when `size` exceeds the server's `m.upload.size`. Unknown limit
    (offline): passes, the outbox checks again when it uploads."""
    try:
        config = await media.media_config(client)
    except MatrixError as e:
        log.info("upload limit not known yet: %s", e)
        return
    media.check_size(size, config)


_ANCHOR = re.compile(r"<a\s[^>]*?href=\"(https://matrix\.to/#/[^\"]+)\"[^>]*>(.*?)</a>", re.S)


def editable_fragments(body: str, html: str | None) -> list[tuple[str, str | None]]:
    """A sent message back as the composer's runs of text and pills (user id): the user links
    of its formatted body found again, in order, in its plain body. Without any: the body."""
    pills = []
    for href, label in _ANCHOR.findall(html or ""):
        try:
            link = parse_matrix_to(htmllib.unescape(href))
        except InvalidMatrixLink:
            continue
        if link.kind is LinkKind.USER and link.event_id is None:
            pills.append((link.identifier, htmllib.unescape(re.sub(r"<[^>]+>", "", label))))
    out: list[tuple[str, str | None]] = []
    rest = body
    for user_id, label in pills:
        at = rest.find(label) if label else -1
        if at < 0:
            continue
        if at:
            out.append((rest[:at], None))
        out.append((label, user_id))
        rest = rest[at + len(label) :]
    if rest:
        out.append((rest, None))
    return out
