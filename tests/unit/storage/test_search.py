"""Full-text search: accents folded, prefixes, newest first, room filter, paging, snippets."""

from __future__ import annotations

from cercle.storage.search import MATCH_END, MATCH_START, build_query
from cercle.storage.timeline import NewEvent


def put(store, room, n, body, type="m.room.message", content=None):
    store.timeline.append(
        room, [NewEvent(f"$e{n}", "@a:x", type, n, content or {"msgtype": "m.text", "body": body})]
    )


def test_accents_fold_both_ways(store):
    put(store, "!r:x", 1, "Réunion à l'École demain")
    put(store, "!r:x", 2, "the ecole project")
    assert [h.event_id for h in store.search.search("ecole")] == ["$e2", "$e1"]
    assert [h.event_id for h in store.search.search("École")] == ["$e2", "$e1"]
    assert [h.event_id for h in store.search.search("reunion")] == ["$e1"]


def test_prefixes_and_every_word(store):
    put(store, "!r:x", 1, "budget prévisionnel 2027")
    put(store, "!r:x", 2, "budgeting tips")
    assert [h.event_id for h in store.search.search("budg")] == ["$e2", "$e1"]
    assert [h.event_id for h in store.search.search("budg prev")] == ["$e1"]
    assert store.search.search("budget nothing") == []


def test_room_filter_paging_and_snippet(store):
    for n in range(1, 8):
        put(store, "!a:x" if n % 2 else "!b:x", n, f"meeting number {n}")
    first = store.search.search("meet", limit=3)
    assert [h.event_id for h in first] == ["$e7", "$e6", "$e5"]
    second = store.search.search("meet", limit=3, before=first[-1].cursor)
    assert [h.event_id for h in second] == ["$e4", "$e3", "$e2"]
    assert [h.event_id for h in store.search.search("meet", room_id="!b:x")] == [
        "$e6",
        "$e4",
        "$e2",
    ]
    assert first[0].snippet == f"{MATCH_START}meeting{MATCH_END} number 7"
    assert first[0].room_id == "!a:x"


def test_edits_are_found_by_their_new_text(store):
    put(store, "!r:x", 1, "hello wrold")
    put(
        store,
        "!r:x",
        2,
        None,
        content={
            "body": "* hello world",
            "m.new_content": {"body": "hello world"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$e1"},
        },
    )
    assert [h.event_id for h in store.search.search("world")] == ["$e2"]


def test_only_messages_are_indexed(store):
    put(store, "!r:x", 1, "x", type="m.reaction", content={"body": "notindexed"})
    assert store.search.search("notindexed") == []


def test_query_syntax_in_input_is_inert(store):
    put(store, "!r:x", 1, 'NEAR "quoted" AND or * body')
    assert build_query('AND "x" OR') == 'body : ("AND"* "x"* "OR"*)'
    assert build_query("  ...  ") is None
    assert [h.event_id for h in store.search.search('"quoted" AND')] == ["$e1"]
    assert store.search.search('body:"x') == []
    assert store.search.search("") == []


def fts_rows(store) -> int:
    with store.db.read() as conn:
        return conn.execute("SELECT count(*) FROM events_fts").fetchone()[0]


def test_index_follows_redaction_decryption_and_forget(store):
    put(store, "!r:x", 1, "alpha")
    put(store, "!r:x", 2, "beta")
    assert fts_rows(store) == 2
    store.timeline.redact("$e1", "$red")
    assert fts_rows(store) == 1
    store.timeline.set_decrypted("$e2", "m.room.message", {"body": "gamma"})
    assert store.search.search("beta") == []
    assert [h.event_id for h in store.search.search("gamma")] == ["$e2"]
    store.rooms.forget("!r:x")
    assert fts_rows(store) == 0


def test_snippet_window_marks_and_accents():
    from cercle.storage.search import ELLIPSIS, fold, snippet

    assert fold("École ÉTÉ naïve") == "ecole ete naive"
    body = " ".join(f"w{i}" for i in range(30)) + " Réunion demain"
    text = snippet(body, "reun", tokens=6)
    assert text.startswith(ELLIPSIS)
    assert f"{MATCH_START}Réunion{MATCH_END}" in text
    assert snippet("short école", "ECOLE") == f"short {MATCH_START}école{MATCH_END}"


def test_room_tokens_never_match_words(store):
    from cercle.storage.timeline import room_token

    put(store, "!r:x", 1, "hello")
    token = room_token("!r:x")
    assert store.search.search(token) == []
    assert store.search.search(token[:2]) == []
    assert [h.event_id for h in store.search.search("hel", room_id="!r:x")] == ["$e1"]
    assert store.search.search("hel", room_id="!other:x") == []
