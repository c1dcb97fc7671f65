"""The composer's pure side: mention candidates and matching, reply and edit contents."""

from __future__ import annotations

from cercle.protocol.composing import (
    MentionCandidate,
    RelatedEvent,
    composed_content,
    editable_fragments,
    match_mentions,
    mention_candidates,
)
from cercle.protocol.messages import pill_markdown

ME = "@claire:velotech.example"
MEMBERS = [
    (ME, "Claire Martin"),
    ("@elodie:velotech.example", "Élodie Durand"),
    ("@bob:partner.example", "Bob Lefèvre"),
    ("@eli:partner.example", None),
]


def test_candidates_leave_us_out_and_mark_other_servers():
    found = mention_candidates(MEMBERS, ME)
    assert [c.user_id for c in found] == [
        "@elodie:velotech.example",
        "@bob:partner.example",
        "@eli:partner.example",
    ]
    assert found[0] == MentionCandidate(
        "@elodie:velotech.example", "Élodie Durand", "velotech.example", external=False
    )
    assert found[1].external
    assert found[1].server == "partner.example"
    assert found[2].display_name == "eli"  # no display name: the localpart


def test_matching_ignores_case_and_accents_and_ranks_name_words_first():
    candidates = mention_candidates(MEMBERS, ME)
    assert [c.user_id for c in match_mentions(candidates, "el")] == [
        "@eli:partner.example",  # "eli" and "Élodie" both start with "el": sorted by name
        "@elodie:velotech.example",
    ]
    assert [c.display_name for c in match_mentions(candidates, "LEFE")] == ["Bob Lefèvre"]
    assert [c.user_id for c in match_mentions(candidates, "@bob")] == ["@bob:partner.example"]
    assert [c.user_id for c in match_mentions(candidates, "partner")] == [
        "@bob:partner.example",
        "@eli:partner.example",
    ]
    assert [c.user_id for c in match_mentions(candidates, "odi")] == ["@elodie:velotech.example"]
    assert match_mentions(candidates, "d") == [candidates[0]]  # Durand; not every "d" inside
    assert match_mentions(candidates, "zzz") == []
    assert len(match_mentions(candidates, "", limit=2)) == 2


def test_a_pill_becomes_a_matrix_to_link_and_a_mention():
    text = f"Merci {pill_markdown('@bob:partner.example', 'Bob Lefèvre')} !"
    content = composed_content(text, own_user_id=ME)
    assert content["body"] == "Merci Bob Lefèvre !"
    link = '<a href="https://matrix.to/#/%40bob%3Apartner.example">Bob Lefèvre</a>'
    assert content["formatted_body"] == f"Merci {link} !"
    assert content["m.mentions"] == {"user_ids": ["@bob:partner.example"]}


def test_plain_text_has_empty_mentions_and_markdown_is_formatted():
    content = composed_content("**bold**", own_user_id=ME)
    assert content["m.mentions"] == {}
    assert content["formatted_body"] == "<strong>bold</strong>"
    assert composed_content("hello", own_user_id=ME).get("formatted_body") is None


def test_a_reply_relates_and_mentions_the_replied_sender():
    original = RelatedEvent("$orig", "@bob:partner.example", {"body": "Question ?"})
    content = composed_content("Oui", own_user_id=ME, reply_to=original)
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": "$orig"}}
    assert content["m.mentions"] == {"user_ids": ["@bob:partner.example"]}
    assert content["body"] == "Oui"


def test_replying_to_ourselves_mentions_nobody():
    original = RelatedEvent("$mine", ME, {"body": "note"})
    content = composed_content("suite", own_user_id=ME, reply_to=original)
    assert content["m.mentions"] == {}


def test_an_edit_replaces_with_a_fallback_and_only_new_mentions():
    bob = pill_markdown("@bob:partner.example", "Bob")
    eli = pill_markdown("@eli:partner.example", "Eli")
    previous = {"body": "Bob", "m.mentions": {"user_ids": ["@bob:partner.example"]}}
    edit = RelatedEvent("$mine", ME, previous)
    content = composed_content(f"{bob} et {eli}", own_user_id=ME, edit_of=edit)
    assert content["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$mine"}
    assert content["body"] == "* Bob et Eli"
    assert content["m.new_content"]["body"] == "Bob et Eli"
    assert content["m.new_content"]["m.mentions"] == {
        "user_ids": ["@bob:partner.example", "@eli:partner.example"]
    }
    assert content["m.mentions"] == {"user_ids": ["@eli:partner.example"]}  # Bob not again
    assert "m.relates_to" not in content["m.new_content"]


def test_a_sent_message_comes_back_with_its_pills_for_editing():
    text = f"Merci {pill_markdown('@bob:partner.example', 'Bob <L>')} et à Bob aussi"
    sent = composed_content(text, own_user_id=ME)
    assert editable_fragments(sent["body"], sent["formatted_body"]) == [
        ("Merci ", None),
        ("Bob <L>", "@bob:partner.example"),
        (" et à Bob aussi", None),
    ]
    shown = sent["formatted_body"].replace("<a href", '<a rel="noopener" href')  # sanitized
    assert editable_fragments(sent["body"], shown)[1] == ("Bob <L>", "@bob:partner.example")
    assert editable_fragments("plain", None) == [("plain", None)]
    room_link = '<a href="https://matrix.to/#/%23lobby%3Aa.example">#lobby</a>'
    assert editable_fragments("see #lobby", f"see {room_link}") == [("see #lobby", None)]
