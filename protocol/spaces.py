"""Communities as a tree: the top-level spaces, their subspaces, and all the rooms they hold."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from cercle.protocol.changes import RoomSummary


@dataclass(frozen=True)
class SpaceNode:
    """One community (or subspace) as a rail shows it, with the unread sums of all its rooms."""

    space_id: str
    name: str
    depth: int  # 0: a top-level community; 1…: a subspace
    unread: int  # notifying messages not read, summed over its rooms (recursively)
    mentions: int
    rooms: int  # how many rooms (not spaces) it holds, recursively
    parent: str = ""
    kind: str = ""  # a Cercle community's kind: internal, partner, public ("" for a plain space)


def _folded(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


@dataclass
class SpaceTree:
    """Who holds whom among the rooms we know: a link counts from either side (a space's
    m.space.child, or a room's m.space.parent naming a joined space)."""

    rooms: dict[str, RoomSummary] = field(default_factory=dict)
    holds: dict[str, set[str]] = field(default_factory=dict)  # space → direct children

    @classmethod
    def build(cls, summaries: Iterable[RoomSummary]) -> SpaceTree:
        tree = cls({s.room_id: s for s in summaries})
        spaces = {s.room_id for s in tree.rooms.values() if s.is_space and not s.invited}
        tree.holds = {space: set() for space in spaces}
        for room in tree.rooms.values():
            if room.room_id in tree.holds:  # a joined space (not an invitation to one)
                tree.holds[room.room_id].update(c for c in room.children if c in tree.rooms)
            for parent in room.parents:
                if parent in spaces and parent != room.room_id:
                    tree.holds[parent].add(room.room_id)
        return tree

    def is_space(self, room_id: str) -> bool:
        return room_id in self.holds

    def contents(self, space_id: str) -> set[str]:
        """Everything under `space_id`, rooms and subspaces, however deep (cycles are safe)."""
        seen: set[str] = set()
        todo = [space_id]
        while todo:
            for child in self.holds.get(todo.pop(), ()):
                if child not in seen and child != space_id:
                    seen.add(child)
                    todo.append(child)
        return seen

    def nodes(self) -> list[SpaceNode]:
        """Top-level communities by name, each followed by its subspaces (depth first)."""
        held = {c for children in self.holds.values() for c in children}
        by_name = lambda ids: sorted(ids, key=lambda i: (_folded(self.rooms[i].name), i))  # noqa: E731
        out: list[SpaceNode] = []
        placed: set[str] = set()

        def visit(space: str, depth: int, parent: str) -> None:
            placed.add(space)
            out.append(self._node(space, depth, parent))
            subspaces = [c for c in self.holds[space] if self.is_space(c) and c not in placed]
            for child in by_name(subspaces):
                if child not in placed:
                    visit(child, depth + 1, space)

        for top in by_name([s for s in self.holds if s not in held]):
            visit(top, 0, "")
        for rest in by_name([s for s in self.holds if s not in placed]):  # only in a cycle
            if rest not in placed:
                visit(rest, 0, "")
        return out

    def _node(self, space: str, depth: int, parent: str) -> SpaceNode:
        rooms = [self.rooms[r] for r in self.contents(space) if not self.is_space(r)]
        joined = [r for r in rooms if not r.invited and not r.is_space]
        return SpaceNode(
            space,
            self.rooms[space].name,
            depth,
            sum(r.unread_count for r in joined),
            sum(r.highlight_count for r in joined),
            len(rooms),
            parent,
            self.rooms[space].community_kind,
        )

    def everything(self) -> SpaceNode:
        """ "Home": every room, with the unread sums of all of them."""
        rooms = [r for r in self.rooms.values() if not r.is_space and not r.invited]
        return SpaceNode(
            "",
            "",
            0,
            sum(r.unread_count for r in rooms),
            sum(r.highlight_count for r in rooms),
            len(rooms),
        )
