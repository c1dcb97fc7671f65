"""Community widgets on canned state: models pass the model tester, malformed state is survived."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

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


def test_browse_offers_join_or_knock_and_remembers_the_answer(qtbot):
    from cercle.desktop.dialogs.browse import BrowseDialog
    from cercle.protocol.community.context import BrowseEntry
    from cercle.protocol.rooms import parse_space_room

    def room(room_id: str, name: str, rule: str):
        return parse_space_room({"room_id": room_id, "name": name, "num_joined_members": 4,
                                 "world_readable": False, "guest_can_join": False,
                                 "join_rule": rule})  # fmt: skip

    dialog = BrowseDialog("Qualité")
    qtbot.addWidget(dialog)
    dialog.set_entries([
        BrowseEntry(room("!g", "Général", "restricted"), True, False),
        BrowseEntry(room("!c", "Comité", "knock"), False, False),
    ])  # fmt: skip
    assert dialog.model.index(0).data().splitlines()[-1] == "★ suggested · 4 members"
    dialog.list.setCurrentIndex(dialog.model.index(1))
    assert dialog.enter_button.text() == "Ask to join"
    with qtbot.waitSignal(dialog.enterRequested) as asked:
        dialog.enter_button.click()
    assert asked.args == ["!c"]
    dialog.entered("!c", "knocked")
    assert "access asked" in dialog.model.index(1).data()
    assert not dialog.enter_button.isEnabled()
    dialog.list.setCurrentIndex(dialog.model.index(0))
    assert dialog.enter_button.text() == "Join"
    dialog.entered("!g", "joined")
    assert "joined" in dialog.model.index(0).data()


def test_browse_and_acl_lists_change_in_place_never_reset(qtbot):
    """An answer rewrites its row (dataChanged), an added server is one inserted row: a reset
    would drop the screen reader's place and the list's scroll position."""
    from cercle.desktop.dialogs.acl import AclDialog
    from cercle.desktop.dialogs.browse import BrowseDialog
    from cercle.protocol.community.context import BrowseEntry
    from cercle.protocol.rooms import parse_space_room

    def room(room_id: str, name: str):
        return parse_space_room({"room_id": room_id, "name": name, "num_joined_members": 4,
                                 "world_readable": False, "guest_can_join": False,
                                 "join_rule": "restricted"})  # fmt: skip

    browse = BrowseDialog("Qualité")
    qtbot.addWidget(browse)
    browse.set_entries([BrowseEntry(room("!g", "Général"), True, False),
                        BrowseEntry(room("!c", "Comité"), False, False)])  # fmt: skip
    acl = AclDialog("Qualité", "velotech.example")
    qtbot.addWidget(acl)
    resets: list[object] = []
    changed: list[int] = []
    for model in (browse.model, acl.model):
        model.modelAboutToBeReset.connect(lambda m=model: resets.append(m))
    browse.model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(top.row()))
    browse.list.setCurrentIndex(browse.model.index(1))
    browse.entered("!c", "joined")
    assert changed == [1]
    assert browse.list.currentIndex().row() == 1
    acl.entry.setText("partner.example")
    acl.add_button.click()
    assert acl.patterns() == ["velotech.example", "partner.example"]
    assert resets == []


def test_the_moderation_log_reads_as_sentences(qtbot):
    from cercle.desktop.dialogs.moderation import ModerationLogDialog
    from cercle.protocol.community.moderation import LogEntry

    dialog = ModerationLogDialog("Qualité")
    qtbot.addWidget(dialog)
    dialog.set_entries([
        LogEntry("$2", "@mod:x", 1_700_000_100_000, schema.MODERATION,
                 {"action": "ban", "target": "@spam:y", "reason": "pub", "rooms": ["!a", "!b"]}),
        LogEntry("$1", "@lea:y", 1_700_000_000_000, schema.REPORT,
                 {"reporter": "@lea:y", "reason": "insulte", "room_id": "!a", "event_id": "$e"}),
        LogEntry("$0", "@mod:x", 1_699_000_000_000, schema.MODERATION, {"action": 7}),
    ])  # fmt: skip
    lines = dialog.model.stringList()
    assert lines[0].endswith("@mod:x banned @spam:y from 2 rooms: “pub”")
    assert lines[1].endswith("@lea:y reported a message: “insulte”")
    assert lines[2].endswith("@mod:x acted on ")  # malformed entry: still a line, no crash
    assert dialog.status.text() == "3 entries, newest first."


def test_a_documents_only_line_closes_the_composer_but_offers_a_file(qtbot, monkeypatch, tmp_path):
    from dataclasses import replace
    from types import SimpleNamespace

    from PySide6.QtCore import QObject, Signal

    from cercle.desktop.models.messages import MessageModel
    from cercle.desktop.models.rooms import RoomListModel
    from cercle.desktop.tools import sample
    from cercle.desktop.views.community import CommunityController
    from cercle.desktop.views.home import HomeView
    from cercle.protocol.community.schema import EditorialLine

    class Bridge(QObject):
        roomsChanged = Signal(object)

    rooms = RoomListModel()
    home = HomeView(rooms, MessageModel())
    qtbot.addWidget(home)
    lea = "@lea.moreau:rouelibre.example"
    session = SimpleNamespace(account=SimpleNamespace(user_id=lea), rooms=rooms, bridge=Bridge())
    controller = CommunityController(session, home, home)  # type: ignore[arg-type]
    community = community_screens.community()
    controller.community = replace(
        community,
        editorial=EditorialLine("Sobre", ("document",), "fr"),
        acceptances={**community.acceptances, lea: 2},
    )
    controller.room_id = sample.PARTNERS
    controller._gate()
    composer = home.composer
    assert composer.is_blocked()
    assert composer.blocked.reason.text() == (
        "This community's editorial line takes documents here, not messages."
    )
    chosen = []
    monkeypatch.setattr(composer, "choose_files", lambda: chosen.append(True))
    composer.blocked.action.click()
    assert chosen == [True]

    # a language switch re-words the gate (the controller set those texts, not the composer)
    import subprocess

    from cercle.desktop.i18n import Translations

    ts = Path(__file__).parents[2] / "resources" / "translations" / "cercle_fr.ts"
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run([lrelease, "-silent", ts, "-qm", tmp_path / "cercle_fr.qm"], check=True)
    translations = Translations(QApplication.instance(), tmp_path)
    try:
        translations.apply("fr")
        qtbot.waitUntil(lambda: composer.blocked.reason.text().startswith("La ligne éditoriale"))
        assert composer.blocked.action.text() == "Joindre un fichier…"
    finally:
        translations.apply("en")


def test_a_manager_edits_the_next_charter_version(qtbot):
    from cercle.desktop.dialogs.charter import CharterDialog

    c = community_screens.community()
    assert c.charter is not None
    reader = CharterDialog("Réseau", c.charter, 2)
    qtbot.addWidget(reader)
    assert reader.edit_button.isHidden()  # not a manager: read and accept only
    dialog = CharterDialog("Réseau", c.charter, 2, manager=True)
    qtbot.addWidget(dialog)
    assert dialog.accept_button.isHidden()  # version 2 already accepted
    dialog.edit_button.click()
    assert not dialog.editor.isHidden()
    assert dialog.edit_button.text() == "Publish version 3"
    dialog.retranslate()  # as a language switch does: still editing
    assert dialog.intro.text().startswith("Write the next version in markdown.")
    dialog.editor.setPlainText("  ")
    dialog.edit_button.click()
    assert dialog.error.text() == "A charter needs some text."
    dialog.editor.setPlainText("# v3")
    with qtbot.waitSignal(dialog.publishRequested) as published:
        dialog.edit_button.click()
    assert published.args == ["# v3"]


def test_community_refusals_are_said_in_the_interface_language(app_window):
    """The protocol's English details stay in the log; the user reads a translated sentence."""
    from cercle.protocol.community.charter import CharterRefused
    from cercle.protocol.community.errors import NotACommunity
    from cercle.protocol.community.moderation import ModerationRefused
    from cercle.protocol.community.roles import RoleRefused
    from cercle.protocol.errors import ClientClosed

    explain = app_window.session.explain
    errors = [
        CharterRefused("Could not publish the charter: only community managers can (403)"),
        RoleRefused("Could not make @a:x moderator in any room of the community"),
        ModerationRefused("Could not ban @a:x from any room of the community"),
        NotACommunity("!s:x holds no org.cercle.community state"),
        ClientClosed("the client is closed"),
    ]
    sentences = [explain(e) for e in errors]
    assert len(set(sentences)) == len(errors)
    for error, sentence in zip(errors, sentences, strict=True):
        assert str(error) not in sentence
        assert not sentence.startswith(("The server refused", "Something went wrong"))
