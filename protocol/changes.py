"""Typed changes the protocol layer publishes to its subscribers (the desktop bridge, the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class UndecryptableCause(StrEnum):
    """Why an encrypted message is not readable here, in terms the UI can explain and act on."""

    NOT_YET_RECEIVED = "not_yet_received"  # the key may still come (or from key backup)
    SENT_BEFORE_JOINED = "sent_before_joined"  # history from before you were in the room
    WITHHELD = "withheld"  # the sender's device refused to share it with this device
    # m.room_key.withheld with a known code (protocol/megolm.py):
    WITHHELD_UNVERIFIED = "withheld_unverified"  # this device is not cross-signed (verify it)
    WITHHELD_BLACKLISTED = "withheld_blacklisted"  # the sender blocked this device
    WITHHELD_NO_OLM = "withheld_no_olm"  # no secure channel to this device could be set up
    UNKNOWN_DEVICE = "unknown_device"  # the sending device is unknown or unverified
    BAD_ENCRYPTION = "bad_encryption"  # malformed or using an unknown algorithm


@dataclass(frozen=True)
class ReplyPreview:
    """The message a reply quotes, in one line; empty names and body when it is not stored."""

    event_id: str
    sender: str = ""
    sender_name: str = ""
    body: str = ""


@dataclass(frozen=True)
class ReactionChip:
    """One reaction key on a message: how many people used it, and whether we did."""

    key: str
    count: int
    mine: bool = False


@dataclass(frozen=True)
class Attachment:
    """The file an m.image/m.file/m.video/m.audio message carries, as the timeline shows it;
    `content` is the event's content, what protocol/media.py downloads (and decrypts) from."""

    kind: str  # "image" | "video" | "audio" | "file"
    filename: str
    size: int | None = None
    mimetype: str | None = None
    width: int | None = None  # info.w / info.h: the placeholder's size before the thumbnail
    height: int | None = None
    has_thumbnail: bool = False
    content: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Message:
    """One timeline message as the UI shows it."""

    event_id: str
    room_id: str
    sender: str
    sender_name: str
    body: str
    timestamp_ms: int
    encrypted: bool = False
    undecryptable: bool = False  # body then explains why it cannot be read yet
    cause: str | None = None  # the UndecryptableCause value, for the UI to explain in its language
    txn_id: str | None = None  # ours: the outbox transaction that sent it (matches local echo)
    state: str = "sent"  # local echo: "queued" | "sending" | "failed"; "sent" once on the server
    failure: str = ""  # why a "failed" echo failed, in words
    html: str | None = None  # sanitized formatted body (of the latest edit), when there is one
    edited: bool = False
    reply_to: ReplyPreview | None = None
    reactions: tuple[ReactionChip, ...] = ()
    redacted: bool = False  # deleted: shown as such, body and html empty
    thread_count: int = 0  # replies in the thread this message starts
    thread_last_sender: str = ""  # the name of who wrote the thread's latest reply
    thread_root: str | None = None  # set on a thread reply: the root's event id
    attachment: Attachment | None = None
    pos: int | None = None  # its position in the stored timeline (None: a local echo)


@dataclass(frozen=True)
class RoomSummary:
    """What a room list row needs."""

    room_id: str
    name: str
    topic: str = ""
    is_space: bool = False
    encrypted: bool = False
    member_count: int = 0
    parents: tuple[str, ...] = ()  # spaces this room belongs to
    external_servers: tuple[str, ...] = ()  # members' servers other than ours, sorted
    last_message: Message | None = None
    invited: bool = False
    is_direct: bool = False  # a DM (m.direct, or the invite said so)
    unread_count: int = 0  # notifying messages not read yet (the server's count)
    highlight_count: int = 0  # of which mentions / keywords
    children: tuple[str, ...] = ()  # a space's listed rooms and subspaces (m.space.child)
    community_kind: str = ""  # a Cercle community's kind (internal, partner, public), else ""

    @property
    def last_activity_ms(self) -> int:
        return self.last_message.timestamp_ms if self.last_message else 0


@dataclass(frozen=True)
class RoomsChanged:
    """Rooms added or updated (whole summaries); `removed` lists rooms we left or forgot."""

    rooms: tuple[RoomSummary, ...]
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimelineAppended:
    """New messages at the live end of a room's timeline, oldest first."""

    room_id: str
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class TimelineReplaced:
    """A message already shown changed (decrypted once its key arrived, edited, redacted)."""

    room_id: str
    message: Message


@dataclass(frozen=True)
class MessagePage:
    """Messages read for a view that pages: `cursor` is the stored position to page on from
    (the oldest event read going back, the newest going forward); `end`: nothing further."""

    room_id: str
    messages: tuple[Message, ...]
    cursor: int | None
    end: bool


@dataclass(frozen=True)
class ReadReceipt:
    """Someone has read a room up to `event_id` (m.read)."""

    user_id: str
    name: str
    event_id: str


@dataclass(frozen=True)
class ReceiptsChanged:
    """Read receipts that moved in a room (the other members'; ours too)."""

    room_id: str
    receipts: tuple[ReadReceipt, ...]


@dataclass(frozen=True)
class TypingChanged:
    """Who is typing in a room now (others only, by name)."""

    room_id: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class OutboxChanged:
    """An outgoing event changed state; `echo` is its local echo row as the timeline shows it."""

    echo: Message


@dataclass(frozen=True)
class UploadProgress:
    """A queued file is being uploaded: `sent` of `total` bytes have left (total when done)."""

    room_id: str
    txn_id: str
    filename: str
    sent: int
    total: int


@dataclass(frozen=True)
class SyncStateChanged:
    """The sync loop's health, for a status line: connected, retrying after an error, stopped."""

    state: str  # "syncing" | "retrying" | "stopped"
    detail: str = ""
    retry_in_s: float = 0.0


@dataclass(frozen=True)
class SessionEnded:
    """The server rejected our token (logged out elsewhere, or expired)."""

    reason: str
    soft_logout: bool = False


@dataclass(frozen=True)
class IdentityChanged:
    """Another user's cross-signing identity (master key) changed. When we had verified it, the
    user must acknowledge the change (`Account.acknowledge_identity`); otherwise a notice."""

    user_id: str
    verified_before: bool


Change = (
    RoomsChanged
    | TimelineAppended
    | TimelineReplaced
    | OutboxChanged
    | UploadProgress
    | SyncStateChanged
    | SessionEnded
    | IdentityChanged
    | ReceiptsChanged
    | TypingChanged
)
