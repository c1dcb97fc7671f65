"""Message content: builders (text, reply, edit, reaction, thread, media) and reading it back."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cercle.protocol.endpoints import InvalidIdentifier, InvalidMatrixLink, parse_mxc
from cercle.protocol.links import LinkKind, matrix_to_url, parse_matrix_to
from cercle.protocol.richtext import html_to_plain, markdown_to_html, sanitize_html

HTML_FORMAT = "org.matrix.custom.html"
MEDIA_MSGTYPES = ("m.image", "m.file", "m.audio", "m.video")


class MessageContentError(ValueError):
    """Content that cannot be built as asked (e.g. a file with both `url` and `file`)."""


# -- mentions and pills ------------------------------------------------------------------------

_PILL = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]\((https://matrix\.to/#/[^()\s]+)\)")
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def pill_markdown(identifier: str, label: str | None = None) -> str:
    """A mention as markdown, `[Display Name](https://matrix.to/#/@user:server)`, for the
    composer to insert; `text_content` turns it into a pill and an `m.mentions` entry."""
    escaped = _MD_PUNCT.sub(r"\\\1", label or identifier)
    return f"[{escaped}]({matrix_to_url(identifier)})"


def _pill_user_ids(text: str) -> list[str]:
    found = []
    for match in _PILL.finditer(text):
        try:
            link = parse_matrix_to(match.group(2))
        except InvalidMatrixLink:
            continue
        if link.kind is LinkKind.USER and link.event_id is None:
            found.append(link.identifier)
    return found


def _unpill(text: str) -> str:
    """The body's form of pills: their label only (spec "User and room mentions")."""
    return _PILL.sub(lambda m: re.sub(r"\\(.)", r"\1", m.group(1)), text)


def mentions(
    user_ids: Iterable[str] = (), *, room: bool = False, own_user_id: str | None = None
) -> dict[str, Any]:
    """`m.mentions`: deduplicated user ids (never our own: one cannot notify oneself)."""
    users = [u for u in dict.fromkeys(user_ids) if u != own_user_id]
    out: dict[str, Any] = {}
    if users:
        out["user_ids"] = users
    if room:
        out["room"] = True
    return out


def mentioned_user_ids(content: Mapping[str, Any]) -> tuple[str, ...]:
    value = content.get("m.mentions")
    ids = value.get("user_ids") if isinstance(value, Mapping) else None
    return tuple(u for u in ids if isinstance(u, str)) if isinstance(ids, list) else ()


def mentions_room(content: Mapping[str, Any]) -> bool:
    value = content.get("m.mentions")
    return isinstance(value, Mapping) and value.get("room") is True


# -- content builders --------------------------------------------------------------------------


def _formatted(text: str, markdown: bool) -> tuple[str, str | None]:
    """(body, formatted_body or None) for typed text that may hold pills."""
    body = _unpill(text)
    if markdown:
        return body, markdown_to_html(text)
    if body == text:
        return body, None
    parts, last = [], 0
    for m in _PILL.finditer(text):  # plain text with pills: escape all but the links
        parts.append(htmllib.escape(text[last : m.start()]))
        label = htmllib.escape(re.sub(r"\\(.)", r"\1", m.group(1)))
        parts.append(f'<a href="{htmllib.escape(m.group(2))}">{label}</a>')
        last = m.end()
    parts.append(htmllib.escape(text[last:]))
    return body, "".join(parts).replace("\n", "<br>")


def text_content(
    text: str,
    *,
    msgtype: str = "m.text",
    markdown: bool = True,
    mention_user_ids: Iterable[str] = (),
    room_mention: bool = False,
    own_user_id: str | None = None,
) -> dict[str, Any]:
    """An `m.text` / `m.notice` / `m.emote` content from what the user typed. Pills made by
    `pill_markdown` become links and `m.mentions` user ids; `m.mentions` is always present
    (the spec recommends it, so legacy keyword push rules do not fire)."""
    if msgtype not in ("m.text", "m.notice", "m.emote"):
        raise MessageContentError(f"{msgtype} is not a text message type")
    body, formatted = _formatted(text, markdown)
    content: dict[str, Any] = {"msgtype": msgtype, "body": body}
    if formatted is not None:
        content["format"] = HTML_FORMAT
        content["formatted_body"] = formatted
    users = [*_pill_user_ids(text), *mention_user_ids]
    content["m.mentions"] = mentions(users, room=room_mention, own_user_id=own_user_id)
    return content


def reply_content(
    content: Mapping[str, Any],
    *,
    in_reply_to: str,
    replied_sender: str | None = None,
    own_user_id: str | None = None,
) -> dict[str, Any]:
    """`content` as a rich reply (`m.relates_to.m.in_reply_to`). No fallback quote: the spec
    dropped reply fallbacks in v1.13. The replied-to sender is mentioned, unless it is us."""
    out = dict(content)
    relates = dict(out.get("m.relates_to") or {})
    relates["m.in_reply_to"] = {"event_id": in_reply_to}
    out["m.relates_to"] = relates
    previous = mentions_room(out)
    users = [*mentioned_user_ids(out), *([replied_sender] if replied_sender else [])]
    out["m.mentions"] = mentions(users, room=previous, own_user_id=own_user_id)
    return out


def thread_content(
    content: Mapping[str, Any],
    *,
    root_event_id: str,
    latest_event_id: str,
    reply_to: str | None = None,
) -> dict[str, Any]:
    """`content` in the thread of `root_event_id`. Without `reply_to` it carries the spec's
    fallback for unthreaded clients (in reply to the thread's latest event, is_falling_back)."""
    out = dict(content)
    out["m.relates_to"] = {
        "rel_type": "m.thread",
        "event_id": root_event_id,
        "is_falling_back": reply_to is None,
        "m.in_reply_to": {"event_id": reply_to or latest_event_id},
    }
    return out


def edit_content(
    event_id: str,
    new_content: Mapping[str, Any],
    *,
    previous_mentions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An `m.replace` edit of `event_id`: `m.new_content` holds the full new content (its
    `m.mentions` the final ones); the top level a "* " fallback whose `m.mentions` only lists
    who this revision newly mentions, so nobody is notified again for each edit."""
    new = {k: v for k, v in new_content.items() if k != "m.relates_to"}
    if not isinstance(new.get("body"), str) or not isinstance(new.get("msgtype"), str):
        raise MessageContentError("the new content needs a msgtype and a body")
    out: dict[str, Any] = {"msgtype": new["msgtype"], "body": "* " + new["body"]}
    if new.get("format") == HTML_FORMAT and isinstance(new.get("formatted_body"), str):
        out["format"] = HTML_FORMAT
        out["formatted_body"] = "* " + new["formatted_body"]
    before = set(mentioned_user_ids({"m.mentions": previous_mentions or {}}))
    added = [u for u in mentioned_user_ids(new) if u not in before]
    room_again = mentions_room(new) and not mentions_room({"m.mentions": previous_mentions or {}})
    out["m.mentions"] = mentions(added, room=room_again)
    out["m.new_content"] = new
    out["m.relates_to"] = {"rel_type": "m.replace", "event_id": event_id}
    return out


def reaction_content(event_id: str, key: str) -> dict[str, Any]:
    """An `m.reaction` content: an `m.annotation` of `event_id` with `key` (usually an emoji)."""
    if not isinstance(key, str) or not key:
        raise MessageContentError("a reaction needs a key")
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}


def redaction_content(reason: str | None = None) -> dict[str, Any]:
    """The body of a redaction (`PUT /rooms/{id}/redact/{eventId}/{txnId}`)."""
    return {"reason": reason} if reason else {}


@dataclass(frozen=True)
class MediaInfo:
    """The `info` of a media message; sizes in bytes, dimensions in pixels, durations in ms."""

    mimetype: str | None = None
    size: int | None = None
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    thumbnail_url: str | None = None
    thumbnail_file: Mapping[str, Any] | None = None
    thumbnail_info: MediaInfo | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in (
            ("mimetype", self.mimetype),
            ("size", self.size),
            ("w", self.width),
            ("h", self.height),
            ("duration", self.duration_ms),
        ):
            if value is not None:
                out[key] = value
        if self.thumbnail_url and self.thumbnail_file:
            raise MessageContentError("a thumbnail is either plain (url) or encrypted (file)")
        if self.thumbnail_url:
            out["thumbnail_url"] = _mxc(self.thumbnail_url)
        if self.thumbnail_file:
            out["thumbnail_file"] = _encrypted_file(self.thumbnail_file)
        if self.thumbnail_info:
            out["thumbnail_info"] = self.thumbnail_info.as_dict()
        return out


def _mxc(uri: str) -> str:
    try:
        return str(parse_mxc(uri))
    except InvalidIdentifier as e:
        raise MessageContentError(str(e)) from None


_FILE_KEYS = ("url", "key", "iv", "hashes", "v")


def _encrypted_file(file: Mapping[str, Any]) -> dict[str, Any]:
    missing = [k for k in _FILE_KEYS if k not in file]
    if missing:
        raise MessageContentError(f"an encrypted file needs {', '.join(missing)}")
    out = dict(file)
    out["url"] = _mxc(file["url"])
    return out


def media_content(
    msgtype: str,
    filename: str,
    *,
    url: str | None = None,
    file: Mapping[str, Any] | None = None,
    info: MediaInfo | None = None,
    caption: str | None = None,
    markdown: bool = True,
) -> dict[str, Any]:
    """An `m.image`/`m.file`/`m.audio`/`m.video` content: `url` (plain rooms) or `file` (the
    EncryptedFile dict, encrypted rooms). A caption goes in `body` (formatted if markdown),
    the name in `filename`, as the spec's media captions say."""
    if msgtype not in MEDIA_MSGTYPES:
        raise MessageContentError(f"{msgtype} is not a media message type")
    if (url is None) == (file is None):
        raise MessageContentError("a media message has either a url or an encrypted file")
    content: dict[str, Any] = {"msgtype": msgtype, "body": filename, "filename": filename}
    if caption:
        body, formatted = _formatted(caption, markdown)
        content["body"] = body
        if formatted is not None:
            content["format"] = HTML_FORMAT
            content["formatted_body"] = formatted
    if url is not None:
        content["url"] = _mxc(url)
    else:
        content["file"] = _encrypted_file(file or {})
    content["info"] = (info or MediaInfo()).as_dict()
    content["m.mentions"] = mentions(_pill_user_ids(caption or ""))
    return content


# -- reading events for display ------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """An event's `m.relates_to`, read defensively."""

    rel_type: str | None
    event_id: str | None
    key: str | None = None
    in_reply_to: str | None = None
    is_falling_back: bool = False


def relation_of(content: Any) -> Relation | None:
    relates = content.get("m.relates_to") if isinstance(content, Mapping) else None
    if not isinstance(relates, Mapping):
        return None
    reply = relates.get("m.in_reply_to")
    reply_id = reply.get("event_id") if isinstance(reply, Mapping) else None

    def text(v: Any) -> str | None:
        return v if isinstance(v, str) and v else None

    relation = Relation(
        rel_type=text(relates.get("rel_type")),
        event_id=text(relates.get("event_id")),
        key=text(relates.get("key")),
        in_reply_to=text(reply_id),
        is_falling_back=relates.get("is_falling_back") is True,
    )
    return None if relation.rel_type is None and relation.in_reply_to is None else relation


def reply_target(content: Any) -> str | None:
    """The event to show as quoted: `m.in_reply_to`, except a thread's fallback (not a reply)."""
    relation = relation_of(content)
    if relation is None or relation.in_reply_to is None:
        return None
    if relation.rel_type == "m.thread" and relation.is_falling_back:
        return None
    return relation.in_reply_to


def strip_reply_fallback(body: str) -> str:
    """Removes a rich reply's leading `> ` quote lines (and the blank line after them)."""
    lines = body.split("\n")
    i = 0
    while i < len(lines) and (lines[i].startswith("> ") or lines[i] == ">"):
        i += 1
    if i and i < len(lines) and lines[i] == "":
        i += 1
    return "\n".join(lines[i:]) if i else body


def display_body(content: Mapping[str, Any]) -> str:
    """The plain `body` to show: a reply's fallback quote removed (only on replies: elsewhere a
    leading `> ` is the author's own quote)."""
    body = content.get("body")
    if not isinstance(body, str):
        return ""
    relation = relation_of(content)
    return strip_reply_fallback(body) if relation and relation.in_reply_to else body


def display_html(content: Mapping[str, Any]) -> str | None:
    """The sanitized `formatted_body` to render (reply fallback stripped), or None."""
    formatted = content.get("formatted_body")
    if content.get("format") != HTML_FORMAT or not isinstance(formatted, str):
        return None
    return sanitize_html(formatted)


def plain_text(content: Mapping[str, Any], *, spoiler: str = "[spoiler]") -> str:
    """One string for previews, notifications and search: formatted text flattened (spoilers
    hidden) when there is some, else the body; reply fallbacks removed."""
    html = display_html(content)
    if html is not None:
        return html_to_plain(html, spoiler=spoiler)
    return display_body(content).strip()


def is_redacted(event: Mapping[str, Any]) -> bool:
    unsigned = event.get("unsigned")
    return isinstance(unsigned, Mapping) and "redacted_because" in unsigned


def _edit_key(event: Mapping[str, Any]) -> tuple[int, str]:
    ts = event.get("origin_server_ts")
    ts = ts if isinstance(ts, int) and not isinstance(ts, bool) else 0
    return ts, str(event.get("event_id") or "")


def latest_edit(
    original: Mapping[str, Any], edits: Iterable[Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The most recent valid `m.replace` of `original` (spec "Validity of replacement events":
    same sender and type, no state keys, the original not itself an edit, `m.new_content` an
    object; latest by origin_server_ts, then the larger event id). Redacted edits don't count."""
    if is_redacted(original) or "state_key" in original:
        return None
    original_rel = relation_of(original.get("content"))
    if original_rel is not None and original_rel.rel_type == "m.replace":
        return None
    valid = []
    for edit in edits:
        content = edit.get("content")
        rel = relation_of(content)
        if (
            rel is not None
            and rel.rel_type == "m.replace"
            and rel.event_id == original.get("event_id")
            and edit.get("sender") == original.get("sender")
            and edit.get("type") == original.get("type")
            and "state_key" not in edit
            and not is_redacted(edit)
            and isinstance(content, Mapping)
            and isinstance(content.get("m.new_content"), Mapping)
        ):
            valid.append(edit)
    return max(valid, key=_edit_key) if valid else None


def effective_content(
    original: Mapping[str, Any], edits: Iterable[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """The content to show: the latest valid edit's `m.new_content` replacing the original's
    content entirely, except `m.relates_to`, which stays the original's."""
    base = original.get("content")
    base = dict(base) if isinstance(base, Mapping) else {}
    edit = latest_edit(original, edits)
    if edit is None:
        return base
    new = {k: v for k, v in edit["content"]["m.new_content"].items() if k != "m.relates_to"}
    if "m.relates_to" in base:
        new["m.relates_to"] = base["m.relates_to"]
    return new


def aggregate_reactions(
    events: Iterable[Mapping[str, Any]],
    *,
    target_event_id: str | None = None,
    redacted_ids: Iterable[str] = (),
) -> dict[str, tuple[str, ...]]:
    """Annotation events → {key: senders}, keys in order of first use, each sender once per
    key; redacted annotations (or ids in `redacted_ids`) and other targets are ignored."""
    gone = set(redacted_ids)
    groups: dict[str, dict[str, None]] = {}
    for event in events:
        if is_redacted(event) or event.get("event_id") in gone:
            continue
        rel = relation_of(event.get("content"))
        sender = event.get("sender")
        if rel is None or rel.rel_type != "m.annotation" or rel.key is None:
            continue
        if not isinstance(sender, str) or (target_event_id and rel.event_id != target_event_id):
            continue
        groups.setdefault(rel.key, {})[sender] = None
    return {key: tuple(senders) for key, senders in groups.items()}
