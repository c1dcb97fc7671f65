"""Community widgets on canned state: models pass the model tester, malformed state is survived."""

from __future__ import annotations

import logging

from cercle.desktop.dialogs.acl import AclDialog
from cercle.desktop.dialogs.roles import MemberListModel, MemberRole
from cercle.desktop.tools import community_screens
from cercle.desktop.views.community import block_text, placeholder_text
from cercle.desktop.views.community_header import CommunityHeader
from cercle.protocol.community import schema
from cercle.protocol.community.charter import can_post
from cercle.protocol.community.roles import Role
from cercle.protocol.community.state import community_from_state


def test_member_model_passes_the_model_tester(qtmodeltester):
    model = MemberListModel(2)
    model.set_members(community_screens.members())
    qtmodeltester.check(model)
    karim = "@karim.haddad:rouelibre.example"
    model.update(karim, Role.MODERATOR)
    row = next(r for r, m in enumerate(model.members) if m.user_id == karim)
    assert model.index(row).data(MemberRole).role is Role.MODERATOR
    assert "Moderator" in model.index(row).data()
    assert model.accepted_count() == 4


def test_allow_list_model_passes_and_keeps_our_server_first(qtbot, qtmodeltester):
    dialog = AclDialog("Réseau", "velotech.example", ("rouelibre.example",))
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    assert dialog.model.index(0).data().startswith("🔒 velotech.example")
    dialog.entry.setText("cyclo:8448")  # a port: refused with the protocol's reason
    dialog._add()
    assert not dialog.error.isHidden()
    assert "port" in dialog.error.text()
    dialog.entry.setText("*.cyclonord.example")
    dialog._add()
    assert dialog.patterns() == ["velotech.example", "rouelibre.example", "*.cyclonord.example"]


def test_a_community_with_malformed_cercle_state_still_opens(qtbot, caplog):
    events = [
        {"type": "m.room.name", "state_key": "", "content": {"name": "Qualité"}},
        {"type": schema.COMMUNITY, "state_key": "", "content": {"kind": 7}},
        {"type": schema.CHARTER, "state_key": "", "content": {"version": "deux", "text": 3}},
        {"type": schema.EDITORIAL, "state_key": "", "content": []},
        {"type": schema.ACCEPTANCE, "state_key": "nobody", "content": {"version": 1}},
    ]
    with caplog.at_level(logging.WARNING):
        community = community_from_state("!q:velotech.example", events, {"!r": {}})
    assert caplog.text.count("ignoring a malformed") == 4
    header = CommunityHeader()
    qtbot.addWidget(header)
    header.show_community(community)
    assert not header.isHidden()
    assert header.name.text() == "Qualité"
    assert header.kind.text() == "Internal community"
    assert header.purpose.isHidden()
    assert header.editorial.isHidden()
    assert header.charter_button.isHidden()  # no readable charter: nothing to accept
    assert placeholder_text(community) is None
    assert can_post(community, "@x:velotech.example", "!r")


def test_the_composer_is_told_why_in_words():
    c = community_screens.community()
    lea = "@lea.moreau:rouelibre.example"
    check = can_post(c, lea, community_screens.sample.PARTNERS)
    assert block_text(c, lea, check) == (
        "The charter has a new version (2): read and accept it to post again."
    )
    assert placeholder_text(c) == "Write a message (Courtois et professionnel, in français)…"
