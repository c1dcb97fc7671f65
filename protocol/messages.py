"""Message content: markdown out, spec-allowlisted HTML in, relations (reply/edit/react/thread)."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import nh3
from markdown_it import MarkdownIt

from cercle.protocol.endpoints import (
    InvalidIdentifier,
    InvalidMatrixLink,
    LinkKind,
    matrix_to_url,
    parse_matrix_to,
    parse_mxc,
)

HTML_FORMAT = "org.matrix.custom.html"
MEDIA_MSGTYPES = ("m.image", "m.file", "m.audio", "m.video")
MAX_NESTING = 100  # "Tags must not be nested more than 100 levels deep"

# The spec's suggested tags (Client-Server API, "m.room.message msgtypes", v1.10+). `font` and
# `strike` were dropped from that list in v1.10: their text is kept, the tags are not.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ALLOWED_TAGS = _words(
    "del h1 h2 h3 h4 h5 h6 blockquote p a ul ol sup sub li b i u strong em s code hr br div "
    "table thead tbody tr th td caption pre span img details summary"
)
ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "span": frozenset({"data-mx-bg-color", "data-mx-color", "data-mx-spoiler", "data-mx-maths"}),
    "a": frozenset({"href"}),  # plus `target`, limited to _blank below
    "img": frozenset({"width", "height", "alt", "title", "src"}),
    "ol": frozenset({"start"}),
    "code": frozenset({"class"}),
    "div": frozenset({"data-mx-maths"}),
}
LINK_SCHEMES = frozenset({"https", "http", "ftp", "mailto", "magnet"})
# Removed with everything inside: rich-reply fallbacks (spec v1.13: "strip this tag and its
# content") and the elements whose text is code, not prose.
DROPPED_WITH_CONTENT = frozenset({"mx-reply", "script", "style"})

_VOID = frozenset(
    {"br", "hr", "img", "area", "base", "col", "embed", "input", "link", "meta", "wbr"}
)
_SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_CODE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,64}")
_SMALL_INT = re.compile(r"-?\d{1,9}")
_SIZE = re.compile(r"\d{1,5}")


class MessageContentError(ValueError):
    """Content that cannot be built as asked (e.g. a file with both `url` and `file`)."""


# -- incoming HTML -----------------------------------------------------------------------------


class _DepthCutter(HTMLParser):
    """Re-serializes HTML keeping at most `limit` nested elements; deeper tags are dropped, their
    text kept. Runs before nh3 too, whose html5 tree building is quadratic in depth."""

    def __init__(self, limit: int):
        super().__init__(convert_charrefs=True)
        self.limit = limit
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, emitted)
        self.cut = False
        self.skipping = 0  # open, cut mx-reply/script/style: their text goes too

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], void: bool) -> None:
        if tag in _SELF_CLOSING_SIBLINGS and self.stack and self.stack[-1][0] == tag:
            self.handle_endtag(tag)  # `<li>a<li>b`: siblings, not nesting
        emit = len(self.stack) < self.limit
        self.cut |= not emit
        if emit:
            text = "".join(f' {k}="{htmllib.escape(v or "")}"' for k, v in attrs)
            self.out.append(f"<{tag}{text}>")
        if not void:
            self.stack.append((tag, emit))
            self.skipping += not emit and tag in DROPPED_WITH_CONTENT

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, tag in _VOID)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, True)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                while len(self.stack) > i:
                    name, emitted = self.stack.pop()
                    if emitted:
                        self.out.append(f"</{name}>")
                    else:
                        self.skipping -= name in DROPPED_WITH_CONTENT
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(htmllib.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        if self.stack:
            self.handle_endtag(self.stack[0][0])
        return "".join(self.out)


def _cut_depth(html: str, limit: int = MAX_NESTING) -> tuple[str, bool]:
    cutter = _DepthCutter(limit)
    cutter.feed(html)
    return cutter.result(), cutter.cut


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr in ("data-mx-color", "data-mx-bg-color"):
        return value if _COLOR.fullmatch(value) else None
    if tag == "img" and attr == "src":
        return value if value.startswith("mxc://") else None  # never fetch from the web
    if tag == "img" and attr in ("width", "height"):
        return value if _SIZE.fullmatch(value) else None
    if tag == "a" and attr == "href":
        scheme = value.split(":", 1)[0].strip().lower()
        return value if scheme in LINK_SCHEMES else None
    if tag == "ol" and attr == "start":
        return value if _SMALL_INT.fullmatch(value) else None
    if tag == "code" and attr == "class":
        kept = [c for c in value.split() if _CODE_CLASS.fullmatch(c)]
        return " ".join(kept) or None
    return value


def _nh3(html: str, *, link_rel: str | None) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        tag_attribute_values={"a": {"target": {"_blank"}}},
        attribute_filter=_filter_attribute,
        url_schemes=set(LINK_SCHEMES) | {"mxc"},  # mxc only survives on img (filter above)
        url_relative="deny",
        link_rel=link_rel,
        strip_comments=True,
    )


def sanitize_html(html: str, *, link_rel: str | None = "noopener") -> str:
    """Incoming `formatted_body` → HTML holding only the spec's tags and attributes: links
    http/https/ftp/mailto/magnet with rel=noopener, images only mxc://, code classes only
    language-*, data-mx-* only where the spec lists them, depth ≤ 100, no `mx-reply`."""
    if not isinstance(html, str) or not html:
        return ""
    pre_cut, _ = _cut_depth(html)
    clean = _nh3(pre_cut, link_rel=link_rel)
    # html5 parsing may re-nest (adoption agency); check the depth of the real tree again.
    recut, cut = _cut_depth(clean)
    return _nh3(recut, link_rel=link_rel) if cut else clean


class _PlainText(HTMLParser):
    _BLOCKS = _words("p div h1 h2 h3 h4 h5 h6 blockquote pre ul ol table tr details summary hr br")

    def __init__(self, spoiler: str):
        super().__init__(convert_charrefs=True)
        self.spoiler, self.pre = spoiler, 0
        self.parts: list[str] = []
        self.spans: list[bool] = []  # open spans: is each a spoiler (its text hidden)?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = any(self.spans)
        if tag == "span":
            self.spans.append("data-mx-spoiler" in values)
            reason = values.get("data-mx-spoiler")
            if self.spans[-1] and not hidden:
                self.parts.append(f"{self.spoiler} ({reason})" if reason else self.spoiler)
        elif not hidden:
            extra = {"li": "\n• ", "td": "\t", "th": "\t", "img": values.get("alt") or ""}
            self.parts.append("\n" if tag in self._BLOCKS else extra.get(tag, ""))
        self.pre += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.spans:
            self.spans.pop()
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        self.pre -= tag == "pre" and self.pre > 0

    def handle_data(self, data: str) -> None:
        if not any(self.spans) and not self.pre:
            data = re.sub(r"\s+", " ", data)
            data = data.lstrip(" ") if not self.parts or self.parts[-1].endswith("\n") else data
        if not any(self.spans):
            self.parts.append(data)


def html_to_plain(html: str, *, spoiler: str = "[spoiler]") -> str:
    """Text for previews and notifications: blocks and <br> become line breaks, list items
    "• ", images their alt text, spoilers `spoiler` (with their reason) instead of their text."""
    parser = _PlainText(spoiler)
    parser.feed(sanitize_html(html))
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# -- outgoing markdown -------------------------------------------------------------------------


def _markdown() -> MarkdownIt:
    # CommonMark + GFM strikethrough and tables; typed HTML stays text (html=False). No images:
    # the spec only allows mxc:// sources, which nobody types. Single newlines are line breaks,
    # as in other Matrix clients.
    return (
        MarkdownIt("commonmark", {"html": False, "breaks": True})
        .enable(["strikethrough", "table"])
        .disable("image")
    )


def _is_plain(md: MarkdownIt, text: str) -> bool:
    """True when markdown would change nothing but paragraph and line breaks."""
    for token in md.parse(text):
        if token.type in ("paragraph_open", "paragraph_close"):
            continue
        if token.type != "inline":
            return False
        children = token.children or []
        if any(c.type not in ("text", "softbreak") for c in children):
            return False
        if "".join(c.content if c.type == "text" else "\n" for c in children) != token.content:
            return False
    return True


def markdown_to_html(text: str) -> str | None:
    """Markdown → `formatted_body`, or None when the text has no markdown in it."""
    md = _markdown()
    if _is_plain(md, text):
        return None
    rendered = sanitize_html(md.render(text), link_rel=None).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]  # the spec asks for no needless wrapping paragraph
    return rendered


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
