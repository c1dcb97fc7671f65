"""Communities as a tree: top level, subspaces, rooms held from either link side, unread sums."""

from __future__ import annotations

from cercle.protocol.changes import RoomSummary
from cercle.protocol.spaces import SpaceTree


def space(room_id, name, children=(), parents=()):
    return RoomSummary(room_id, name, is_space=True, children=children, parents=parents)


def room(room_id, unread=0, mentions=0, parents=(), invited=False):
    return RoomSummary(
        room_id,
        room_id,
        parents=parents,
        unread_count=unread,
        highlight_count=mentions,
        invited=invited,
    )


def test_top_level_communities_by_name_then_their_subspaces_with_recursive_sums():
    tree = SpaceTree.build(
        [
            space("!v", "Vélotech", children=("!a", "!sub", "!unknown")),
            space("!sub", "Atelier", children=("!b",)),
            space("!r", "Roue Libre"),
            space("!e", "équipe"),
            room("!a", unread=2),
            room("!b", unread=3, mentions=1),
            room("!c", unread=5, parents=("!r",)),  # listed only from the room's side
            room("!d", unread=7),  # in no community
            room("!i", unread=9, parents=("!v",), invited=True),  # invitations do not count
        ]
    )

    nodes = [(n.space_id, n.depth, n.parent, n.unread, n.mentions, n.rooms) for n in tree.nodes()]

    assert nodes == [
        ("!e", 0, "", 0, 0, 0),  # accents and case ignored: équipe before Roue Libre
        ("!r", 0, "", 5, 0, 1),
        ("!v", 0, "", 5, 1, 3),
        ("!sub", 1, "!v", 3, 1, 1),
    ]
    assert tree.contents("!v") == {"!a", "!sub", "!b", "!i"}
    assert tree.contents("!r") == {"!c"}
    home = tree.everything()
    assert (home.unread, home.mentions, home.rooms) == (17, 1, 4)


def test_cycles_neither_loop_nor_lose_a_space():
    tree = SpaceTree.build(
        [space("!x", "X", children=("!y",)), space("!y", "Y", children=("!x", "!r")), room("!r")]
    )
    assert [n.space_id for n in tree.nodes()] == ["!x", "!y"]
    assert tree.contents("!x") == {"!y", "!r"}


def test_an_invitation_to_a_space_is_no_community_yet():
    invited = RoomSummary("!i", "Invitée", is_space=True, invited=True, children=("!r",))
    tree = SpaceTree.build([invited, room("!r", parents=("!i",))])
    assert tree.nodes() == []
    assert tree.contents("!i") == set()
