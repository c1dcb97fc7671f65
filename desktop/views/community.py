"""Governance around the open room: loads its community, gates the composer, runs the dialogs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from cercle.desktop.views.community_actions import CommunityActions
from cercle.desktop.views.community_header import CommunityHeader, language_name
from cercle.protocol.changes import RoomsChanged
from cercle.protocol.community import acl, charter, context, roles
from cercle.protocol.community.charter import PostBlock, PostCheck
from cercle.protocol.community.state import Community
from cercle.protocol.endpoints import server_name_of

if TYPE_CHECKING:  # the dialogs load when first opened, not before the room list is painted
    from cercle.desktop.dialogs.acl import AclDialog
    from cercle.desktop.dialogs.charter import CharterDialog
    from cercle.desktop.dialogs.invite import InviteDialog
    from cercle.desktop.dialogs.roles import RolesDialog
    from cercle.desktop.session import SessionController
    from cercle.desktop.views.home import HomeView

log = logging.getLogger(__name__)


class CommunityController(QObject):
    """Owns the community header and the governance dialogs of the home screen."""

    communityChanged = Signal(object)  # Community | None, once loaded for the open room

    def __init__(self, session: SessionController, home: HomeView, window: QWidget) -> None:
        super().__init__(window)
        self.session = session
        self.home = home
        self.window = window
        self.room_id: str | None = None
        self.community: Community | None = None
        self.check: PostCheck | None = None
        self.dialog: QWidget | None = None  # the governance dialog open last (tests reach it)
        self._loading: str | None = None  # the room whose community is being read
        self._again = False
        self.documents_only = False  # the editorial line takes files only: the gate offers one
        self.header = CommunityHeader(home)
        home.set_community_header(self.header)
        home.roomSelected.connect(self.room_opened)
        chosen = getattr(home, "communitySelected", None)  # the rail
        if chosen is not None:
            chosen.connect(self.community_chosen)
        home.composer.blockedActionRequested.connect(self._blocked_action)
        session.bridge.roomsChanged.connect(self._rooms_changed)
        self.header.charterRequested.connect(self.open_charter)
        self.header.rolesRequested.connect(self.open_roles)
        self.header.aclRequested.connect(self.open_acl)
        self.header.inviteRequested.connect(self.open_invite)
        home.installEventFilter(self)  # a language switch re-words the composer's gate
        # report/delete/remove/ban in the message menu, browsing, the moderation log
        self.actions = CommunityActions(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.home and event.type() == QEvent.Type.LanguageChange:
            QTimer.singleShot(0, self._gate)  # after the composer's own retranslation
        return super().eventFilter(watched, event)

    # -- the open room -------------------------------------------------------------------------

    @property
    def user_id(self) -> str:
        account = self.session.account
        return account.user_id if account is not None else ""

    def room_opened(self, room_id: str) -> None:
        self.room_id = room_id
        room = self.session.rooms.summary(room_id)
        community = self.community
        if community is not None and (
            room_id == community.space_id or (room and community.space_id in room.parents)
        ):
            self._gate()  # same community: gate at once with what we know, refresh below
        else:
            self._show(None)
            if room is not None and room.parents:  # maybe a community: no post before its rules
                self.home.composer.set_blocked(self.tr("Reading the community's rules…"))
        self.reload()

    def reload(self) -> None:
        """Reads the open room's community again (state changes: charter, roles, ACL)."""
        room_id, account = self.room_id, self.session.account
        if room_id is None or account is None:
            return
        if self._loading is not None:
            self._again = True
            return
        room = self.session.rooms.summary(room_id)
        parents = room.parents if room else ()
        is_space = bool(room and room.is_space)
        if not parents and not is_space:
            self._show(None)
            return
        self._loading = room_id

        def loaded(community: Community | None) -> None:
            self._loading = None
            if self.room_id == room_id:
                self._show(community)
            if self._again:
                self._again = False
                self.reload()

        def failed(error: BaseException) -> None:
            self._loading = None
            log.warning("the community of %s could not be read: %s", room_id, error)
            if self.room_id == room_id and self.community is None:
                self._show(None)  # unknown rules: the composer is not held closed for ever
            if self._again:
                self._again = False
                self.reload()

        self.session.bridge.run(
            context.community_of(account.client, room_id, parents, is_space=is_space),
            on_success=loaded,
            on_failure=failed,
        )

    def _rooms_changed(self, change: RoomsChanged) -> None:
        watched = {self.room_id, self.community.space_id if self.community else None} - {None}
        if any(r.room_id in watched for r in change.rooms):
            self.reload()

    def _show(self, community: Community | None) -> None:
        previous = self.community
        self.community = community
        if community is None:
            self.header.clear()
        else:
            level = roles.level_of(community.power_levels, self.user_id, community.creators)
            own = server_name_of(self.user_id) or ""
            self.header.show_community(
                community,
                manager=level >= 100,
                moderator=level >= 50,
                guest_from=own if context.external_to(community, self.user_id) else "",
            )
            if previous is None or previous.space_id != community.space_id:
                self.header.set_guides([])
                self._load_guides(community)
        self._gate()
        self.communityChanged.emit(community)

    def _load_guides(self, community: Community) -> None:
        account = self.session.account
        if account is None:
            return

        def show(guides: list[context.Guide]) -> None:
            if self.community is not None and self.community.space_id == community.space_id:
                self.header.set_guides(guides)

        self.session.bridge.run(
            context.guides(account.client, community),
            on_success=show,
            on_failure=lambda e: log.info("guides of %s not read: %s", community.space_id, e),
        )

    # -- the composer gate ------------------------------------------------------------------------

    def _gate(self) -> None:
        composer, community, room_id = self.home.composer, self.community, self.room_id
        self.documents_only = False
        if community is None or room_id is None:
            self.check = None
            composer.set_blocked(None)
            composer.set_placeholder(None)
            self._allow_documents(True)
            return
        line = community.editorial  # allowed post types: no "document", no attaching files
        self._allow_documents(line is None or "document" in line.allowed_post_types)
        check = charter.can_post(community, self.user_id, room_id)
        browsing = room_id == community.space_id  # the community chosen, none of its rooms joined
        if browsing and check.block != PostBlock.CHARTER:
            check = PostCheck(False, PostBlock.UNKNOWN_ROOM)
        self.check = check
        composer.set_placeholder(self.placeholder(community))
        if browsing and check.block == PostBlock.UNKNOWN_ROOM:
            composer.set_blocked(
                self.tr("You have not joined any room of this community yet."),
                self.tr("Browse its rooms…"),
            )
        elif check.allowed and not context.message_allowed(
            line,
            manager=roles.level_of(community.power_levels, self.user_id, community.creators) >= 100,
        ):
            self.documents_only = True
            composer.set_blocked(
                self.tr("This community's editorial line takes documents here, not messages."),
                self.tr("Attach a file…"),
            )
        elif check.allowed:
            composer.set_blocked(None)
        elif check.block == PostBlock.CHARTER:
            composer.set_blocked(self.block_reason(check), charter_action_text())
        else:
            composer.set_blocked(self.block_reason(check))

    def _allow_documents(self, allowed: bool) -> None:
        button = getattr(self.home.composer, "attach_button", None)
        if button is None:
            return
        button.setVisible(allowed)  # the header's "Posts:" line says what the community takes

    def placeholder(self, community: Community) -> str | None:
        return placeholder_text(community)

    def block_reason(self, check: PostCheck) -> str:
        assert self.community is not None
        return block_text(self.community, self.user_id, check)

    def _blocked_action(self) -> None:
        if self.check is not None and self.check.block == PostBlock.CHARTER:
            self.open_charter()
        elif self.check is not None and self.room_id == getattr(self.community, "space_id", 0):
            self.actions.open_browse()
        elif self.documents_only:
            self.home.composer.choose_files()

    def community_chosen(self, space_id: str) -> None:
        """The rail chose a community. With a joined room the home screen opens it (and
        room_opened follows); with none, the header still shows, to browse and join its rooms."""
        if not space_id or self.home.proxy.rowCount() > 0:
            return
        self.room_id = space_id
        self.reload()

    # -- dialogs ----------------------------------------------------------------------------------

    def _name(self, community: Community) -> str:
        return community.name or community.space_id

    def _open(self, dialog: QWidget) -> None:
        """Shows `dialog` (not blocking); the one shown before closes and goes away."""
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.destroyed.connect(lambda *_: self._forget(dialog))
        dialog.open()  # type: ignore[attr-defined]

    def run_for(
        self,
        dialog: QWidget,
        work: Coroutine[Any, Any, Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Bridge.run for a dialog's operation: its answer is dropped if the dialog is gone."""

        def alive(callback: Callable[[Any], None] | None) -> Callable[[Any], None] | None:
            if callback is None:
                return None
            return lambda value: callback(value) if shiboken6.isValid(dialog) else None

        self.session.bridge.run(work, alive(on_success), alive(on_failure))

    def in_ui(self, callback: Callable[..., None]) -> Callable[..., None]:
        """A progress callback for the protocol thread that lands on the UI thread."""
        bridge = self.session.bridge
        ui = getattr(bridge, "in_ui", None)
        return ui(callback) if ui is not None else (lambda *_: None)

    def _forget(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def open_charter(self) -> CharterDialog | None:
        community, account = self.community, self.session.account
        if community is None or community.charter is None or account is None:
            return None
        accepted = charter.accepted_version(community, self.user_id)
        level = roles.level_of(community.power_levels, self.user_id, community.creators)
        from cercle.desktop.dialogs.charter import CharterDialog

        dialog = CharterDialog(
            self._name(community), community.charter, accepted, self.window, manager=level >= 100
        )

        def record(version: int) -> None:
            def done(recorded: int) -> None:
                if self.community is not None and self.community.space_id == community.space_id:
                    acceptances = {**self.community.acceptances, self.user_id: recorded}
                    self.community = replace(self.community, acceptances=acceptances)
                    self._gate()
                dialog.accepted_ok()
                self.reload()

            self.run_for(
                dialog,
                charter.accept_charter(account.client, community),
                on_success=done,
                on_failure=lambda e: dialog.show_error(self.session.explain(e)),
            )

        dialog.acceptRequested.connect(record)

        def publish(text: str) -> None:
            def done(_version: int) -> None:
                dialog.published_ok()
                self.reload()

            self.run_for(
                dialog,
                charter.publish_charter(account.client, community, text),
                on_success=done,
                on_failure=lambda e: dialog.show_error(self.session.explain(e)),
            )

        dialog.publishRequested.connect(publish)
        self._open(dialog)
        return dialog

    def open_roles(self) -> RolesDialog | None:
        community, account = self.community, self.session.account
        if community is None or account is None:
            return None
        version = community.charter.version if community.charter else 0
        from cercle.desktop.dialogs.roles import RolesDialog

        dialog = RolesDialog(self._name(community), version, self.window)
        failed = lambda e: dialog.show_error(self.session.explain(e))  # noqa: E731
        self.run_for(
            dialog,
            context.members(account.client, community),
            on_success=dialog.set_members,
            on_failure=failed,
        )

        def change(user_id: str, role: str) -> None:
            self.run_for(
                dialog,
                roles.apply_role(account.client, community.all_rooms, user_id, roles.Role(role)),
                on_success=lambda r: dialog.applied(user_id, role, len(r.rooms), len(r.failed)),
                on_failure=failed,
            )

        dialog.roleChangeRequested.connect(change)
        self._open(dialog)
        return dialog

    def open_acl(self) -> AclDialog | None:
        community, account = self.community, self.session.account
        if community is None or account is None:
            return None
        own = server_name_of(self.user_id) or ""
        name = self._name(community)

        def show(allow: tuple[str, ...]) -> None:
            if self.community is None or self.community.space_id != community.space_id:
                return
            from cercle.desktop.dialogs.acl import AclDialog

            dialog = AclDialog(name, own, tuple(p for p in allow if p != "*"), self.window)

            def progressed(done: int, total: int) -> None:
                if shiboken6.isValid(dialog):
                    dialog.progressed(done, total)

            def apply(patterns: list[str]) -> None:
                def refused(error: BaseException) -> None:
                    if isinstance(error, acl.AclRefused):
                        dialog.show_error(dialog._explain(error, ""))
                    else:
                        dialog.show_error(self.session.explain(error))

                self.run_for(
                    dialog,
                    acl.apply_allow_list(
                        account.client,
                        community,
                        patterns,
                        progress=self.in_ui(progressed),
                    ),
                    on_success=lambda r: dialog.applied(len(r.rooms), len(r.failed)),
                    on_failure=refused,
                )

            dialog.applyRequested.connect(apply)
            self._open(dialog)

        self.session.bridge.run(
            acl.current_allow_list(account.client, community.space_id),
            on_success=show,
            on_failure=lambda e: self.session.operationFailed.emit(self.session.explain(e)),
        )
        return None

    def open_invite(self) -> InviteDialog | None:
        community, account = self.community, self.session.account
        if community is None or account is None:
            return None
        from cercle.desktop.dialogs.invite import InviteDialog

        dialog = InviteDialog(community, self.window)

        def invite(user_id: str) -> None:
            self.run_for(
                dialog,
                context.invite(account.client, community, user_id),
                on_success=lambda _: dialog.invited(user_id),
                on_failure=lambda e: dialog.show_error(self.session.explain(e)),
            )

        dialog.inviteRequested.connect(invite)
        self._open(dialog)
        return dialog


def charter_action_text() -> str:
    return QCoreApplication.translate("CommunityController", "Read the charter…")


def placeholder_text(community: Community) -> str | None:
    """The composer's placeholder: the editorial line's tone and language."""
    line = community.editorial
    if line is None:
        return None
    language = language_name(line.language)
    if line.tone:
        return QCoreApplication.translate(
            "CommunityController", "Write a message ({tone}, in {language})…"
        ).format(tone=line.tone, language=language)
    return QCoreApplication.translate(
        "CommunityController", "Write a message (in {language})…"
    ).format(language=language)


def block_text(community: Community, user_id: str, check: PostCheck) -> str:
    """Why the composer is closed, in the interface's language."""
    if check.block == PostBlock.CHARTER and community.charter:
        if charter.accepted_version(community, user_id) > 0:
            return QCoreApplication.translate(
                "CommunityController",
                "The charter has a new version ({version}): read and accept it to post again.",
            ).format(version=community.charter.version)
        return QCoreApplication.translate(
            "CommunityController", "Read and accept the community's charter to start posting."
        )
    if check.block == PostBlock.READ_ONLY:
        return QCoreApplication.translate(
            "CommunityController", "Only the community's managers post in this room."
        )
    return QCoreApplication.translate(
        "CommunityController", "Join this room of the community to post in it."
    )
