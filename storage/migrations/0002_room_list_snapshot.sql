-- 0002: the room list as the app last showed it, saved when it closed cleanly and taken (read
-- and deleted) at the next start, which then paints it from one read. Only adds a table.
-- min_reader: 1

CREATE TABLE room_list_snapshot (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    format     TEXT NOT NULL,  -- the writer's encoding of the rows: another one is not read
    user_id    TEXT NOT NULL,
    next_batch TEXT,           -- the sync position it was made at: stale once that moved
    data       BLOB NOT NULL
);
