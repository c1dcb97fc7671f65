"""What asks for the user's attention, wired to the main window: verifications, identity changes,
notifications and the tray, the Security and Profile menus, and the room and member menus."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from cercle.desktop.delegates.rooms import RoomDelegate
from cercle.desktop.models.rooms import RoomRole
from cercle.desktop.notifications import Notifier
from cercle.desktop.tray import Tray
from cercle.desktop.trust import TrustController, VerificationRun

if TYPE_CHECKING:  # the dialogs load when first opened, not before the room list is painted
    from cercle.desktop.dialogs.moderation import ModerationDialog
    from cercle.desktop.dialogs.profile import ProfileDialog
    from cercle.desktop.dialogs.security import SecurityDialog
    from cercle.desktop.dialogs.verification import VerificationDialog
    from cercle.desktop.views.main_window import MainWindow
    from cercle.protocol.community.moderation import ModerationResult


class Attention(QObject):
    """Owns the trust controller, the notifier and the tray of one main window."""

    def __init__(self, window: MainWindow, tray: Tray | None = None) -> None:
        """`tray`: one shared by several accounts (its owner routes its clicks), else our own."""
        super().__init__(window)
        self.window = window
        session = window.session
        self.session = session
        self.trust = TrustController(session.bridge, lambda: session.account, self)
        self.notifier = Notifier(
            session.bridge,
            lambda: session.account,
            # A hidden window is another account's page: its open room is not being looked at.
            lambda: session.opened_room if window.isVisible() else None,
            self,
        )
        self.notifier.room_name = self._room_name
        self.tray = tray if tray is not None else Tray(window)
        self.unread = 0  # this account's share of the tray's count
        self.dialogs: list[VerificationDialog] = []
        self.security: SecurityDialog | None = None
        self.profile: ProfileDialog | None = None
        self.identity_warnings: dict[str, QMessageBox] = {}  # user id → its open warning

        self.menu = QMenu(window)
        self.security_action = QAction(self.menu)
        self.verify_action = QAction(self.menu)
        self.menu.addAction(self.security_action)
        self.menu.addAction(self.verify_action)
        self.security_action.triggered.connect(self.open_security)
        self.verify_action.triggered.connect(self._ask_whom_to_verify)
        self.menu.setEnabled(False)  # until signed in
        self.profile_menu = QMenu(window)
        self.profile_action = self.profile_menu.addAction("")
        self.profile_action.setObjectName("profileAction")
        self.copy_id_action = self.profile_menu.addAction("")
        self.profile_action.triggered.connect(self.open_profile)
        self.copy_id_action.triggered.connect(self._copy_user_id)
        self.profile_menu.setEnabled(False)
        window.menuBar().addMenu(self.profile_menu)  # before the Security menu the window adds

        session.signedIn.connect(self._signed_in)
        self.trust.verificationRequested.connect(self.show_verification)
        self.trust.identityWarning.connect(self.warn_identity)
        self.trust.identityNotice.connect(self._identity_notice)
        self.notifier.showMessage.connect(self._show_message)
        rooms = session.rooms
        for changed in (rooms.rowsInserted, rooms.rowsRemoved, rooms.dataChanged):
            changed.connect(self._count_unread)
        rooms.modelReset.connect(self._count_unread)
        self.notifier.failed.connect(lambda text: window.statusBar().showMessage(text, 10_000))
        if tray is None:  # a shared tray's owner (views/account_pane.py) routes these
            self.tray.messageClicked.connect(self._open_last)
            self.tray.showWindowRequested.connect(self._raise)
            self.tray.quitRequested.connect(window.close)
        # Mute / Unmute in the room list's context menu (push rules: Element agrees).
        room_list = window.home.room_list
        room_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        room_list.customContextMenuRequested.connect(self._room_menu)
        self.notifier.mutedChanged.connect(self._quiet_rooms_changed)  # the rows' bell marker
        # Verify… in the members list of the side panel (emoji verification in our DM).
        members = window.home.side_panel.pages["members"].list
        members.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        members.customContextMenuRequested.connect(self._member_menu)
        window.installEventFilter(self)
        self.retranslate()

    def _room_name(self, room_id: str) -> str | None:
        summary = self.session.rooms.summary(room_id)
        return summary.name if summary is not None else None

    def _count_unread(self, *_args) -> None:
        """The tray shows the server's unread counts (push rules applied: muted rooms count 0),
        the same numbers as the room list."""
        total, _mentions = self.session.rooms.counts()
        if total != self.unread:
            self.unread = total
            self.tray.set_unread(total, self)

    def _show_message(self, title: str, body: str) -> None:
        self.tray.last_source = self  # a click on it opens this account's room
        self.tray.show_message(title, body)

    def _signed_in(self, _user_id: str) -> None:
        self.menu.setEnabled(True)
        self.profile_menu.setEnabled(True)
        self.trust.listen()
        self.notifier.start()

    # -- verification ------------------------------------------------------------------------

    def show_verification(self, run: VerificationRun) -> VerificationDialog:
        from cercle.desktop.dialogs.verification import VerificationDialog

        dialog = VerificationDialog(run, run.other_user, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs.append(dialog)
        dialog.destroyed.connect(lambda *_: self.dialogs.remove(dialog))
        dialog.show()
        _to_front(dialog)
        if not run.own_device:  # "Léa Moreau (@lea.moreau:rouelibre.example)": name and id
            user_id = run.other_user

            def named(name: str) -> None:
                if _alive(dialog):
                    dialog.set_who(f"{name} ({user_id})")

            self.trust.display_name(user_id, named)
        return dialog

    def verify_user(self, user_id: str) -> VerificationDialog | None:
        """Asks `user_id` to verify, in our DM (the member list and the menu use it)."""
        run = self.trust.verify_user(user_id)
        return self.show_verification(run) if run is not None else None

    def verify_device(self, device_id: str) -> VerificationDialog | None:
        run = self.trust.verify_device(device_id)
        return self.show_verification(run) if run is not None else None

    def _ask_whom_to_verify(self) -> None:
        user_id, ok = QInputDialog.getText(
            self.window,
            self.tr("Verify someone"),
            self.tr("Their Matrix id (for example @camille:velotech.example):"),
        )
        user_id = user_id.strip()
        if ok and user_id.startswith("@") and ":" in user_id:
            self.verify_user(user_id)

    # -- identity changes --------------------------------------------------------------------

    def warn_identity(self, user_id: str) -> QMessageBox:
        """A verified user's identity changed: never silent. "I understand" or "Verify again"
        acknowledge it; "Later" leaves it pending (warned again at the next start)."""
        if user_id in self.identity_warnings:
            return self.identity_warnings[user_id]
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Identity changed"))
        box.setText(self.tr("{user}’s identity has changed").format(user=user_id))
        box.setInformativeText(
            self.tr(
                "You had verified {user}. They may have reset their account or signed in again "
                "without their recovery key — or someone may be trying to read your messages. "
                "Check with them in person or on a call before you share anything sensitive."
            ).format(user=user_id)
        )
        later = box.addButton(self.tr("Later"), QMessageBox.ButtonRole.RejectRole)
        understood = box.addButton(self.tr("I understand"), QMessageBox.ButtonRole.AcceptRole)
        verify = box.addButton(self.tr("Verify again"), QMessageBox.ButtonRole.ActionRole)
        box.setDefaultButton(verify)
        box.setEscapeButton(later)

        def answered(button) -> None:
            failed = lambda e: self.window.statusBar().showMessage(str(e), 10_000)  # noqa: E731
            if button is verify:
                self.trust.acknowledge(user_id, on_failure=failed)
                self.verify_user(user_id)
            elif button is understood:
                self.trust.acknowledge(user_id, on_failure=failed)

        box.buttonClicked.connect(answered)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.identity_warnings[user_id] = box
        box.destroyed.connect(lambda *_: self.identity_warnings.pop(user_id, None))
        box.open()
        return box

    def _identity_notice(self, user_id: str) -> None:
        self.window.statusBar().showMessage(
            self.tr("{user}’s identity changed (they were not verified).").format(user=user_id),
            15_000,
        )

    # -- security settings, notifications ----------------------------------------------------

    def open_security(self) -> SecurityDialog | None:
        account = self.session.account
        if account is None:
            return None
        if self.security is not None:
            _to_front(self.security)
            return self.security
        from cercle.desktop.dialogs.security import SecurityDialog

        dialog = SecurityDialog(self.session.bridge, account, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.verifyDeviceRequested.connect(self.verify_device)
        dialog.destroyed.connect(lambda *_: setattr(self, "security", None))
        self.security = dialog
        dialog.refresh()
        dialog.show()
        return dialog

    def open_profile(self) -> ProfileDialog | None:
        account = self.session.account
        if account is None:
            return None
        if self.profile is not None:
            _to_front(self.profile)
            return self.profile
        from cercle.desktop.dialogs.profile import ProfileDialog

        dialog = ProfileDialog(self.session.bridge, account, self.session.explain, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "profile", None))
        self.profile = dialog
        dialog.refresh()
        dialog.show()
        return dialog

    def _copy_user_id(self) -> None:
        account = self.session.account
        if account is not None:
            QGuiApplication.clipboard().setText(account.user_id)
            self.window.statusBar().showMessage(self.tr("Your user id is copied."), 5_000)

    def room_menu(self, room_id: str) -> QMenu:
        """The room list's context menu for `room_id`: its notifications, as Element offers
        them (built here so tests can trigger it)."""
        menu = QMenu(self.window)
        current = self.notifier.mode(room_id)
        group = QActionGroup(menu)
        for mode, text, name in (
            ("all", self.tr("All messages"), "allAction"),
            ("mentions", self.tr("Mentions only"), "mentionsAction"),
            ("mute", self.tr("Mute"), "muteAction"),
        ):
            action = menu.addAction(text)
            action.setObjectName(name)
            action.setCheckable(True)
            action.setChecked(mode == current)
            group.addAction(action)
            action.triggered.connect(lambda _c=False, m=mode: self.notifier.set_mode(room_id, m))
        return menu

    def member_menu(self, user_id: str, name: str = "") -> QMenu | None:
        """The members list's context menu for `user_id` (None for ourselves); a community's
        moderators also get "Remove / Ban from the community…", above those they outrank."""
        account = self.session.account
        if account is None or user_id == account.user_id:
            return None
        menu = QMenu(self.window)
        action = menu.addAction(self.tr("Verify by emoji…"))
        action.setObjectName("verifyAction")
        action.triggered.connect(lambda: self.verify_user(user_id))
        actions = self.window.community.actions
        if self.window.community.community is not None and (
            actions.my_level() >= 50 and actions.my_level() > actions.their_level(user_id)
        ):
            menu.addSeparator()
            for kind, text in (
                ("kick", self.tr("Remove from the community…")),
                ("ban", self.tr("Ban from the community…")),
            ):
                entry = menu.addAction(text)
                entry.setObjectName(f"{kind}Action")
                entry.triggered.connect(
                    lambda _c=False, k=kind: self.moderate_member(k, user_id, name or user_id)
                )
        return menu

    def moderate_member(self, action: str, user_id: str, name: str) -> ModerationDialog | None:
        """Asks for a reason and confirmation, then kicks or bans `user_id` from every room of
        the open community at once (protocol/community/moderation.py); the outcome in words."""
        controller, account = self.window.community, self.session.account
        community = controller.community
        if community is None or account is None:
            return None
        community_name = controller._name(community)
        from cercle.desktop.dialogs.moderation import ModerationDialog
        from cercle.protocol.community import moderation

        dialog = ModerationDialog(action, name, community_name, self.window)
        run = moderation.kick if action == "kick" else moderation.ban

        def done(result: ModerationResult) -> None:
            dialog.done_ok()
            self.window.statusBar().showMessage(
                self.moderation_outcome(result, name, community_name), 15_000
            )

        dialog.confirmed.connect(
            lambda reason: controller.run_for(
                dialog,
                run(account.client, community, user_id, reason=reason or None),
                on_success=done,
                on_failure=lambda e: dialog.show_error(self.session.explain(e)),
            )
        )
        controller._open(dialog)
        return dialog

    def moderation_outcome(self, result, name: str, community: str) -> str:
        if result.action == "kick":
            text = self.tr("{name} was removed from {count} rooms of {community}.")
        else:
            text = self.tr("{name} was banned from {count} rooms of {community}.")
        text = text.format(name=name, count=len(result.rooms), community=community)
        if result.failed:
            text += " " + self.tr("{count} rooms refused: {reason}").format(
                count=len(result.failed), reason=result.failed[0][1]
            )
        return text

    def _member_menu(self, pos) -> None:
        members = self.window.home.side_panel.pages["members"].list
        member = self.window.home.side_panel.members.row(members.indexAt(pos))
        menu = self.member_menu(member.user_id, member.display_name) if member is not None else None
        if menu is not None:
            menu.exec(members.viewport().mapToGlobal(pos))

    def _quiet_rooms_changed(self, *_args) -> None:
        """The room list draws a bell for muted and mentions-only rooms."""
        modes = self.notifier.modes
        quiet = {room_id: "mentions" for room_id in modes.mentions_only}
        quiet.update({room_id: "mute" for room_id in modes.muted})
        self.session.rooms.set_quiet(quiet)  # screen readers hear it too
        room_list = self.window.home.room_list
        delegate = room_list.itemDelegate()
        if isinstance(delegate, RoomDelegate):
            delegate.quiet = quiet
            room_list.viewport().update()

    def _room_menu(self, pos) -> None:
        room_list = self.window.home.room_list
        summary = room_list.indexAt(pos).data(RoomRole.Summary)
        if summary is None or summary.is_space:
            return
        self.room_menu(summary.room_id).exec(room_list.viewport().mapToGlobal(pos))

    def _open_last(self) -> None:
        notice = self.notifier.last
        self._raise()
        if notice is not None:
            self.window.home.select_room(notice.room_id)

    def _raise(self) -> None:
        self.window.showNormal()
        _to_front(self.window)

    def retranslate(self) -> None:
        self.menu.setTitle(self.tr("&Security"))
        self.security_action.setText(self.tr("Security settings…"))
        self.verify_action.setText(self.tr("Verify someone…"))
        self.profile_menu.setTitle(self.tr("&Profile"))
        self.profile_action.setText(self.tr("Your profile…"))
        self.copy_id_action.setText(self.tr("Copy your user id"))

    def eventFilter(self, watched, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False


def _to_front(widget) -> None:
    """Raises and activates a window where the platform can (not offscreen: it warns)."""
    if QGuiApplication.platformName() != "offscreen":
        widget.raise_()
        widget.activateWindow()


def _alive(widget) -> bool:
    """False once Qt deleted the widget (a dialog closed before an answer came back)."""
    import shiboken6

    return shiboken6.isValid(widget)
