"""The community's moderation and joining actions: message menu entries, browse, the log."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

from cercle.desktop.models.rooms import RoomRole
from cercle.protocol.community import context, roles

if TYPE_CHECKING:  # the dialogs and moderation load when first used, not before the first paint
    from cercle.desktop.dialogs.browse import BrowseDialog
    from cercle.desktop.dialogs.moderation import ModerationDialog, ModerationLogDialog
    from cercle.desktop.views.community import CommunityController


class CommunityActions(QObject):
    """Adds report/delete/remove/ban to a message's menu in a community room, and runs them."""

    def __init__(self, controller: CommunityController) -> None:
        super().__init__(controller)
        self.c = controller
        controller.header.browseRequested.connect(self.open_browse)
        controller.header.moderationLogRequested.connect(self.open_log)
        timeline = controller.home.timeline
        extenders = getattr(timeline, "menu_extenders", None)
        if extenders is not None:
            extenders.append(self.extend_menu)

    # -- the message menu -------------------------------------------------------------------------

    def my_level(self) -> int:
        community = self.c.community
        if community is None:
            return 0
        levels = community.room_power_levels.get(self.c.room_id or "", community.power_levels)
        return roles.level_of(levels, self.c.user_id, community.creators)

    def their_level(self, user_id: str) -> int:
        community = self.c.community
        assert community is not None
        return roles.level_of(community.power_levels, user_id, community.creators)

    def extend_menu(self, menu: QMenu, message: Any) -> None:
        """The timeline's hook: entries for a sent message of a community room."""
        community = self.c.community
        if community is None or message.state != "sent" or message.redacted:
            return
        if message.room_id != self.c.room_id:
            return
        menu.addSeparator()
        if message.sender != self.c.user_id:
            menu.addAction(
                self.tr("Report to the moderators…"), lambda: self.ask("report", message)
            )
        if self.my_level() < 50:
            return
        if message.sender != self.c.user_id:
            menu.addAction(self.tr("Delete (moderation)…"), lambda: self.ask("redact", message))
        if message.sender != self.c.user_id and self.my_level() > self.their_level(message.sender):
            name = message.sender_name or message.sender
            menu.addAction(
                self.tr("Remove {name} from the community…").format(name=name),
                lambda: self.ask("kick", message),
            )
            menu.addAction(
                self.tr("Ban {name} from the community…").format(name=name),
                lambda: self.ask("ban", message),
            )

    def ask(self, action: str, message: Any) -> ModerationDialog | None:
        community, account = self.c.community, self.c.session.account
        if community is None or account is None:
            return None
        who = message.sender_name or message.sender
        from cercle.desktop.dialogs.moderation import ModerationDialog
        from cercle.protocol.community import moderation

        dialog = ModerationDialog(action, who, self.c._name(community), self.c.window)
        client = account.client

        def run(reason: str) -> None:
            work: Coroutine[Any, Any, object]
            if action == "report":
                work = moderation.report(
                    client, community, message.room_id, message.event_id, reason
                )
            elif action == "redact":
                content = {"redacts": message.event_id, **({"reason": reason} if reason else {})}
                work = account.send(message.room_id, "m.room.redaction", content)
            elif action == "kick":
                work = moderation.kick(client, community, message.sender, reason=reason or None)
            else:
                work = moderation.ban(client, community, message.sender, reason=reason or None)
            self.c.run_for(
                dialog,
                work,
                on_success=lambda _: dialog.done_ok(),
                on_failure=lambda e: dialog.show_error(self.c.session.explain(e)),
            )

        dialog.confirmed.connect(run)
        self.c._open(dialog)
        return dialog

    # -- browsing and the log -------------------------------------------------------------------

    def joined_rooms(self) -> set[str]:
        rooms = self.c.session.rooms
        out = set()
        for row in range(rooms.rowCount()):
            summary = rooms.index(row, 0).data(RoomRole.Summary)
            if summary is not None and not summary.invited:
                out.add(summary.room_id)
        return out

    def open_browse(self) -> BrowseDialog | None:
        community, account = self.c.community, self.c.session.account
        if community is None or account is None:
            return None
        from cercle.desktop.dialogs.browse import BrowseDialog

        dialog = BrowseDialog(self.c._name(community), self.c.window)
        failed = lambda e: dialog.show_error(self.c.session.explain(e))  # noqa: E731
        self.c.run_for(
            dialog,
            context.browse(account.client, community.space_id, self.joined_rooms()),
            on_success=dialog.set_entries,
            on_failure=failed,
        )

        def enter(room_id: str) -> None:
            entry = next((e for e in dialog.entries if e.room.room_id == room_id), None)
            if entry is None:
                return
            self.c.run_for(
                dialog,
                context.enter(account.client, entry.room, community.home_server),
                on_success=lambda how: dialog.entered(room_id, how),
                on_failure=failed,
            )

        dialog.enterRequested.connect(enter)
        self.c._open(dialog)
        return dialog

    def open_log(self) -> ModerationLogDialog | None:
        community, account = self.c.community, self.c.session.account
        if community is None or account is None:
            return None
        from cercle.desktop.dialogs.moderation import ModerationLogDialog
        from cercle.protocol.community import moderation

        dialog = ModerationLogDialog(self.c._name(community), self.c.window)
        self.c.run_for(
            dialog,
            moderation.moderation_log(account.client, community),
            on_success=dialog.set_entries,
            on_failure=lambda e: dialog.show_error(self.c.session.explain(e)),
        )
        self.c._open(dialog)
        return dialog
