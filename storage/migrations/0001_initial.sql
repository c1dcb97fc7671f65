-- 0001: the first schema — session, sync token, rooms, state, members, timeline with gaps,
-- relations, receipts, account data, outbox, media cache and the full-text index.

CREATE TABLE schema_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The logged-in account: at most one row.
CREATE TABLE session (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    user_id      TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    access_token TEXT NOT NULL,
    homeserver   TEXT NOT NULL,
    saved_ts     INTEGER NOT NULL
);

-- The /sync position; written in the same transaction as the batch it belongs to.
CREATE TABLE sync_token (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    next_batch TEXT NOT NULL
);

CREATE TABLE rooms (
    room_id          TEXT PRIMARY KEY,
    name             TEXT,
    topic            TEXT,
    avatar_url       TEXT,
    canonical_alias  TEXT,
    encryption       TEXT,            -- the m.room.encryption algorithm, NULL when clear
    join_state       TEXT NOT NULL DEFAULT 'join'
                     CHECK (join_state IN ('join', 'invite', 'leave', 'knock', 'ban')),
    is_space         INTEGER NOT NULL DEFAULT 0,
    is_direct        INTEGER NOT NULL DEFAULT 0,
    unread_count     INTEGER NOT NULL DEFAULT 0,
    highlight_count  INTEGER NOT NULL DEFAULT 0,
    last_activity_ts INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX rooms_by_activity ON rooms (last_activity_ts DESC, room_id);

-- Current room state: the latest content of each (type, state_key).
CREATE TABLE room_state (
    room_id          TEXT NOT NULL REFERENCES rooms (room_id) ON DELETE CASCADE,
    type             TEXT NOT NULL,
    state_key        TEXT NOT NULL,
    event_id         TEXT,
    sender           TEXT,
    origin_server_ts INTEGER,
    content          TEXT NOT NULL,   -- JSON
    PRIMARY KEY (room_id, type, state_key)
) WITHOUT ROWID;

CREATE TABLE members (
    room_id      TEXT NOT NULL REFERENCES rooms (room_id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL,
    display_name TEXT,
    avatar_url   TEXT,
    membership   TEXT NOT NULL,
    PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;

-- Timeline events. `id` is insertion order (and the full-text rowid); `pos` orders a room's
-- timeline: sync appends above the top, back-pagination fills below a gap.
CREATE TABLE events (
    id               INTEGER PRIMARY KEY,
    event_id         TEXT NOT NULL UNIQUE,
    room_id          TEXT NOT NULL REFERENCES rooms (room_id) ON DELETE CASCADE,
    pos              INTEGER NOT NULL,
    sender           TEXT NOT NULL,
    type             TEXT NOT NULL,
    state_key        TEXT,
    origin_server_ts INTEGER NOT NULL,
    content          TEXT NOT NULL,   -- JSON; the decrypted content once we have it
    encrypted        INTEGER NOT NULL DEFAULT 0,
    decryption_error TEXT,            -- why it is still undecrypted, else NULL
    raw              TEXT,            -- the m.room.encrypted event, kept to retry decryption
    txn_id           TEXT,            -- our own transaction id (matches the local echo)
    redacted_by      TEXT,
    UNIQUE (room_id, pos)
);

-- A hole in a room's timeline just below `pos`, filled by paginating backwards from `token`.
CREATE TABLE timeline_gaps (
    room_id TEXT NOT NULL REFERENCES rooms (room_id) ON DELETE CASCADE,
    pos     INTEGER NOT NULL,
    token   TEXT NOT NULL,
    PRIMARY KEY (room_id, pos)
) WITHOUT ROWID;

-- Edits (m.replace), reactions (m.annotation + key), threads (m.thread), replies (m.in_reply_to).
CREATE TABLE relations (
    event_id   TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    rel_type   TEXT NOT NULL,
    relates_to TEXT NOT NULL,
    key        TEXT,
    PRIMARY KEY (event_id, rel_type)
) WITHOUT ROWID;
CREATE INDEX relations_by_target ON relations (relates_to, rel_type);

CREATE TABLE receipts (
    room_id      TEXT NOT NULL REFERENCES rooms (room_id) ON DELETE CASCADE,
    receipt_type TEXT NOT NULL,       -- m.read, m.read.private
    thread_id    TEXT NOT NULL DEFAULT '',
    user_id      TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    ts           INTEGER,
    PRIMARY KEY (room_id, receipt_type, thread_id, user_id)
) WITHOUT ROWID;

-- Global ('' room) and per-room account data, m.fully_read (the read marker) included.
CREATE TABLE account_data (
    room_id TEXT NOT NULL DEFAULT '',
    type    TEXT NOT NULL,
    content TEXT NOT NULL,            -- JSON
    PRIMARY KEY (room_id, type)
) WITHOUT ROWID;

-- Events we have to send; durable before the network send starts.
CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY,
    txn_id         TEXT NOT NULL UNIQUE,
    room_id        TEXT NOT NULL,
    event_type     TEXT NOT NULL,
    content        TEXT NOT NULL,     -- JSON
    state          TEXT NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    failure_reason TEXT,
    attempts       INTEGER NOT NULL DEFAULT 0,
    event_id       TEXT,
    created_ts     INTEGER NOT NULL,
    updated_ts     INTEGER NOT NULL
);
CREATE INDEX outbox_by_state ON outbox (state, id);

-- Cached media: the ciphertext is a file under media/, its AES-256-GCM key lives here.
CREATE TABLE media (
    mxc            TEXT NOT NULL,
    variant        TEXT NOT NULL DEFAULT '',   -- '' = original, else e.g. 'thumb:96x96:crop'
    file_name      TEXT NOT NULL UNIQUE,       -- random, says nothing about the content
    key            BLOB NOT NULL,
    mime_type      TEXT,
    size           INTEGER NOT NULL,
    created_ts     INTEGER NOT NULL,
    last_access_ts INTEGER NOT NULL,
    PRIMARY KEY (mxc, variant)
) WITHOUT ROWID;
CREATE INDEX media_by_access ON media (last_access_ts);

-- Full-text index over message bodies (rowid = events.id). Contentless: the text lives only in
-- events.content, and the store (timeline.py) indexes what `searchable_text` returns — a
-- direct insert measured ~2x faster than an external-content trigger. Prefix indexes for 2
-- and 3 characters keep short partial words fast (1M messages: a 2-letter prefix 0.2 ms with
-- them, up to 57 ms without); longer prefixes merge few terms. `room` holds one token per room
-- (timeline.room_token) so a search inside a room intersects doclists instead of filtering
-- every match (1M messages: p95 949 ms -> see bench/search.py).
CREATE VIRTUAL TABLE events_fts USING fts5 (
    body,
    room,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
-- whatever deletes an event (a forgotten room's cascade included) drops it from the index
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    DELETE FROM events_fts WHERE rowid = old.id;
END;
