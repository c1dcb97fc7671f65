"""The rail, the community filter and the side panel's lists: Qt's model contract, no resets."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt

from cercle.desktop.models.keyed import KeyedListModel, SummaryRole
from cercle.desktop.models.panels import (
    FileListModel,
    MemberListModel,
    PinnedListModel,
    ThreadListModel,
)
from cercle.desktop.models.rooms import RoomListModel, RoomListProxy, RoomRole, Section
from cercle.desktop.models.spaces import SpaceListModel, SpaceRole
from cercle.desktop.views.invitation_bar import InvitationBar
from cercle.protocol.changes import Message, RoomsChanged, RoomSummary
from cercle.protocol.panels import FileInfo, MemberInfo, PinnedInfo, ThreadInfo
from cercle.protocol.spaces import SpaceTree


def space(room_id, name, children=(), parents=()):
    return RoomSummary(room_id, name, is_space=True, children=children, parents=parents)


def room(room_id, ts=0, unread=0, mentions=0, parents=(), direct=False, invited=False):
    last = Message(f"$last{room_id}", room_id, "@a:x", "A", "hi", ts) if ts else None
    return RoomSummary(
        room_id,
        room_id.strip("!"),
        parents=parents,
        last_message=last,
        unread_count=unread,
        highlight_count=mentions,
        is_direct=direct,
        invited=invited,
    )


def world() -> RoomsChanged:
    return RoomsChanged(
        (
            space("!velo", "Vélotech", children=("!general", "!atelier")),
            space("!atelier", "Atelier", children=("!outils",)),
            RoomSummary(
                "!roue", "Roue Libre", is_space=True, children=("!salon",), community_kind="partner"
            ),
            room("!general", ts=5, unread=2),
            room("!outils", ts=6, unread=1, mentions=1),
            room("!salon", ts=7, unread=4),
            room("!dm", ts=8, unread=3, direct=True),
            room("!lonely", ts=1),
            room("!invite", invited=True),
        )
    )


def shown(proxy) -> list[str]:
    return [proxy.index(r, 0).data(RoomRole.Summary).room_id for r in range(proxy.rowCount())]


def test_the_rail_lists_home_then_communities_with_their_subspaces_and_sums(qtmodeltester):
    rooms = RoomListModel()
    rooms.apply(world())
    rail = SpaceListModel(rooms)
    qtmodeltester.check(rail)

    rows = [
        (
            rail.index(r).data(SpaceRole.Node).space_id,
            rail.index(r).data(SpaceRole.Depth),
            rail.index(r).data(SpaceRole.Unread),
            rail.index(r).data(SpaceRole.Mentions),
        )
        for r in range(rail.rowCount())
    ]
    assert rows == [
        ("", 0, 10, 1),
        ("!roue", 0, 4, 0),
        ("!velo", 0, 3, 1),
        ("!atelier", 1, 1, 1),
    ]
    assert rail.index(0).data() == "Home"
    assert (
        rail.index(2).data(Qt.ItemDataRole.AccessibleTextRole) == "Vélotech, 1 mentions, 3 unread"
    )
    assert rail.index(1).data(Qt.ItemDataRole.ToolTipRole) == (
        "Roue Libre, partner community: people from other organisations take part, 4 unread"
    )


def test_the_rail_follows_room_changes_in_place(qtbot, qtmodeltester):
    rooms = RoomListModel()
    rooms.apply(world())
    rail = SpaceListModel(rooms)
    resets = []
    rail.modelReset.connect(lambda: resets.append(1))
    changed = []
    rail.dataChanged.connect(lambda tl, br: changed.append(tl.row()))

    rooms.apply(RoomsChanged((room("!general", ts=9, unread=7),)))
    qtbot.waitUntil(lambda: rail.index(2).data(SpaceRole.Unread) == 8)
    assert sorted(set(changed)) == [0, 2]  # Home and Vélotech, nobody else
    rooms.apply(RoomsChanged((space("!nouveau", "Nouveau"),), removed=("!roue",)))
    qtbot.waitUntil(lambda: rail.rowCount() == 4 and rail.index(1).data() == "Nouveau")
    assert resets == []
    qtmodeltester.check(rail)


def test_a_community_shows_only_its_rooms_however_deep_and_follows_new_links(qtbot):
    rooms = RoomListModel()
    rooms.apply(world())
    proxy = RoomListProxy()
    proxy.setSourceModel(rooms)
    assert set(shown(proxy)) == {"!general", "!outils", "!salon", "!dm", "!lonely", "!invite"}

    proxy.set_community("!velo")
    assert shown(proxy) == ["!outils", "!general"]  # newest first; the subspace's room too
    proxy.set_community("!atelier")
    assert shown(proxy) == ["!outils"]

    # A room naming Atelier as its parent joins it without a reset.
    resets = []
    proxy.modelReset.connect(lambda: resets.append(1))
    rooms.apply(RoomsChanged((room("!lonely", ts=1, parents=("!atelier",)),)))
    assert shown(proxy) == ["!outils", "!lonely"]
    proxy.set_community("")
    assert len(shown(proxy)) == 6


def test_sections_invitations_then_direct_messages_then_rooms():
    rooms = RoomListModel()
    rooms.apply(world())
    proxy = RoomListProxy()
    proxy.setSourceModel(rooms)
    sections = [proxy.index(r, 0).data(RoomRole.Section) for r in range(proxy.rowCount())]
    assert sections == [Section.INVITATIONS, Section.DIRECT] + [Section.ROOMS] * 4
    assert shown(proxy)[2:] == ["!salon", "!outils", "!general", "!lonely"]


def test_keyed_lists_apply_any_new_order_as_edits(qtmodeltester):
    model: KeyedListModel[tuple[str, int]] = KeyedListModel(lambda r: r[0])
    qtmodeltester.check(model)
    generator = random.Random(7)
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    for turn in range(60):
        keys = generator.sample("abcdefghij", generator.randint(0, 10))
        rows = [(k, generator.randint(0, 2)) for k in keys]
        model.set_rows(rows)
        assert model.rows() == rows, turn
    assert resets == []
    qtmodeltester.check(model)


def test_the_panel_models_pass_the_model_tester(qtmodeltester):
    message = Message("$1", "!r", "@lea:partner", "Léa", "Les horaires du salon", 1_000)
    members = MemberListModel()
    members.set_rows(
        [
            MemberInfo("@cam:company", "Camille", "company", False, 100, "manager"),
            MemberInfo("@lea:partner", "Léa", "partner", True, 0, "partner_guest"),
        ]
    )
    threads = ThreadListModel()
    threads.set_rows([ThreadInfo(message, 3, 2_000)])
    files = FileListModel()
    files.set_rows([FileInfo("$f", "@lea:partner", "Léa", "plan.pdf", "m.file", "", 2048, 3_000)])
    pinned = PinnedListModel()
    pinned.set_rows([PinnedInfo("$1", message), PinnedInfo("$gone", None)])
    for model in (members, threads, files, pinned):
        qtmodeltester.check(model)
    assert members.index(1).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Léa, Partner guest, partner, external: from another organisation"
    )
    assert pinned.index(1).data() == "A message not loaded yet"
    assert files.index(0).data(SummaryRole).event_id == "$f"


def test_an_invitation_to_a_community_is_listed_under_home_only():
    rooms = RoomListModel()
    rooms.apply(world())
    invited = RoomSummary("!new", "Nouveau", is_space=True, invited=True)
    rooms.apply(RoomsChanged((invited,)))
    proxy = RoomListProxy()
    proxy.setSourceModel(rooms)
    assert shown(proxy)[:2] in (["!invite", "!new"], ["!new", "!invite"])
    proxy.set_community("!velo")
    assert "!new" not in shown(proxy)
    assert [n.space_id for n in SpaceTree.build(rooms.summaries()).nodes()] == [
        "!roue",
        "!velo",
        "!atelier",
    ]


def test_the_invitation_bar_words_a_room_and_a_community_and_answers_once(qtbot):
    bar = InvitationBar()
    qtbot.addWidget(bar)
    answers = []
    bar.joinRequested.connect(lambda room_id: answers.append(("join", room_id)))
    bar.show_room(RoomSummary("!r", "Général"))
    assert bar.isHidden()
    bar.show_room(RoomSummary("!s", "Roue Libre", is_space=True, invited=True))
    assert not bar.isHidden()
    assert bar.text.text() == "You are invited to the community Roue Libre."
    bar.join.click()
    bar.join.click()
    assert answers == [("join", "!s")]
    bar.failed()
    assert bar.join.isEnabled()
