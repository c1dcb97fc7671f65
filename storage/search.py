"""Full-text search over message bodies: accent-folded, prefix matching, newest first."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .db import Database
from .timeline import room_token, searchable_text

# Marks around the matched words in a snippet; control characters never occur in message text
# the UI shows, so it can turn them into highlighting safely.
MATCH_START = "\x02"
MATCH_END = "\x03"
ELLIPSIS = "…"
SNIPPET_TOKENS = 12

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    room_id: str
    event_id: str
    sender: str
    origin_server_ts: int
    snippet: str  # with MATCH_START/MATCH_END around matches
    cursor: int  # pass as `before` to get the next page


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case- and accent-folded, like the index's `unicode61 remove_diacritics 2`."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def build_query(text: str) -> str | None:
    """An FTS5 query from what the user typed: every word must match, each as a word prefix.

    Words are quoted, so FTS5 syntax in the input (AND, NEAR, *, quotes, columns) is inert.
    Returns None when the text has no word at all.
    """
    words = _WORD.findall(text)
    if not words:
        return None
    return "body : (" + " ".join(f'"{w}"*' for w in words) + ")"


def snippet(body: str, query: str, tokens: int = SNIPPET_TOKENS) -> str:
    """A window of `body` around the first match, matched words between the markers."""
    prefixes = tuple(fold(w) for w in _WORD.findall(query))
    found = list(_WORD.finditer(body))
    if not found or not prefixes:
        return body[:200]
    first = next((i for i, m in enumerate(found) if fold(m.group()).startswith(prefixes)), 0)
    end = min(len(found), first + tokens - 2)
    start = max(0, end - tokens)
    marked = {i for i in range(start, end) if fold(found[i].group()).startswith(prefixes)}
    out = [ELLIPSIS] if start > 0 else []
    cursor = found[start].start()
    for i in range(start, end):
        m = found[i]
        out.append(body[cursor : m.start()])
        out.append(f"{MATCH_START}{m.group()}{MATCH_END}" if i in marked else m.group())
        cursor = m.end()
    if end < len(found):
        out.append(ELLIPSIS)
    else:
        out.append(body[cursor:])
    return "".join(out)


class SearchRepo:
    """Searches the events_fts index, most recently stored first, stopping at `limit`.

    Ranking every match by relevance does not scale (FACTS: ORDER BY rank over 1M rows, p95
    1.3 s); walking the index by descending rowid stops after `limit` hits.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    def search(
        self,
        text: str,
        *,
        room_id: str | None = None,
        limit: int = 50,
        before: int | None = None,
    ) -> list[SearchHit]:
        query = build_query(text)
        if query is None:
            return []
        if room_id is not None:  # the index intersects with the room's own doclist
            query = f'room : "{room_token(room_id)}" AND {query}'
        where = ["events_fts MATCH ?"]
        args: list[object] = [query]
        if before is not None:
            where.append("events_fts.rowid < ?")
            args.append(before)
        sql = (
            "SELECT e.room_id, e.event_id, e.sender, e.origin_server_ts, e.type, e.content, e.id "
            "FROM events_fts JOIN events e ON e.id = events_fts.rowid "
            f"WHERE {' AND '.join(where)} ORDER BY events_fts.rowid DESC LIMIT ?"
        )
        with self._db.read() as conn:
            rows = conn.execute(sql, (*args, limit)).fetchall()
        hits = []
        for room, event_id, sender, ts, type, content, rowid in rows:
            body = searchable_text(type, json.loads(content)) or ""
            hits.append(SearchHit(room, event_id, sender, ts, snippet(body, text), rowid))
        return hits
