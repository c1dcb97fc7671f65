"""Signs an account in and out through the bridge, and feeds its changes to the models."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from cercle.desktop.bridge import Bridge
from cercle.desktop.models.messages import MessageModel
from cercle.desktop.models.rooms import RoomListModel
from cercle.protocol import messages, startup
from cercle.protocol.changes import (
    Message,
    MessagePage,
    ReadReceipt,
    RoomsChanged,
    RoomSummary,
    SessionEnded,
    TimelineAppended,
)
from cercle.protocol.errors import LoginFailed, MatrixError, ServerUnreachable
from cercle.protocol.profiles import (
    CannotUnlock,
    KeyOptions,
    NeedsPassphrase,
    Profile,
    ProfileLocation,
    StorageError,
)

if TYPE_CHECKING:  # nio loads on the protocol thread, after the cached room list is shown
    from cercle.protocol.account import Account
    from cercle.protocol.session import ServerInfo

log = logging.getLogger(__name__)


class SessionController(QObject):
    """Opens the local profile, then owns the signed-in Account (on the protocol thread)."""

    signedIn = Signal(str)  # user id
    signInFailed = Signal(str)  # what to tell the user
    operationFailed = Signal(str)  # a send or another action failed: words for the status bar
    needsSignIn = Signal()  # the profile is open and holds no session
    passphraseNeeded = Signal(bool, str)  # creating a new one?, what went wrong last time
    profileFailed = Signal(str)  # the profile cannot be opened: words, then the app stops
    roomOpened = Signal(str, object)  # room id, the event our read receipt was at (or None)
    sessionExpired = Signal(str, str)  # user id, words: soft logout, sign in again (same device)

    def __init__(
        self,
        bridge: Bridge,
        location: ProfileLocation,
        key_options: KeyOptions | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.location = location
        self.key_options = key_options
        self.profile: Profile | None = None
        self.account: Account | None = None
        self.opened_room: str | None = None
        self._rooms_shown = threading.Event()
        self.rooms = RoomListModel(self)
        self.messages = MessageModel(self)
        bridge.roomsChanged.connect(self._rooms_changed)
        bridge.timelineAppended.connect(self._timeline_appended)
        bridge.timelineReplaced.connect(lambda change: self.messages.replace(change.message))
        bridge.outboxChanged.connect(lambda change: self._echo(change.echo))
        bridge.receiptsChanged.connect(
            lambda change: self.messages.set_receipts(change.room_id, change.receipts)
        )
        self.messages.olderWanted.connect(self._load_older)
        bridge.sessionEnded.connect(self._session_ended)
        self._sso: concurrent.futures.Future[Any] | None = None
        self._opening: concurrent.futures.Future[startup.Opened] | None = None
        self.messages.newerWanted.connect(self._load_newer)

    # -- the profile -------------------------------------------------------------------------

    def adopt(self, opening: concurrent.futures.Future[startup.Opened]) -> None:
        """The profile is already opening on the protocol thread (`protocol.early_open`, same
        location and key options): the first `start()` without a passphrase takes its result."""
        self._opening = opening

    def start(self, passphrase: str | None = None) -> None:
        """Opens (or creates) the profile; then resumes its session or asks for a sign-in."""
        opening, self._opening = self._opening, None
        if opening is not None and passphrase is None:
            self.bridge.watch(opening, self._profile_opened, self._profile_failed)
            return
        self.bridge.run(
            startup.open_cached(self.location, passphrase, self.key_options),
            on_success=self._profile_opened,
            on_failure=self._profile_failed,
        )

    def _profile_opened(self, opened: startup.Opened) -> None:
        self.profile = opened.profile
        self._rooms_shown = threading.Event()  # nio loads once the cached rooms are painted
        if opened.rows:  # read on the protocol thread with the profile: shown now, no round trip
            self.bridge.roomsChanged.emit(RoomsChanged(opened.rows))
        self.bridge.run(
            startup.resume(opened, self.bridge.publish, self._rooms_shown, published=True),
            on_success=lambda resumed: (
                self._signed_in(resumed.account, resumed.published)
                if resumed
                else self.needsSignIn.emit()
            ),
            on_failure=lambda e: self.profileFailed.emit(self.explain(e)),
        )

    def _profile_failed(self, error: BaseException) -> None:
        if isinstance(error, NeedsPassphrase):
            self.passphraseNeeded.emit(not self.location.exists(), "")
        elif isinstance(error, CannotUnlock):
            self.passphraseNeeded.emit(False, self.tr("Wrong passphrase. Try again."))
        else:
            self.profileFailed.emit(self.explain(error))

    # -- the account -------------------------------------------------------------------------

    def sign_in(self, homeserver: str, user: str, password: str) -> None:
        if self.profile is None:  # the sign-in screen only shows once the profile is open
            self.signInFailed.emit(self.tr("Cercle's local data is not open yet."))
            return
        self.bridge.run(
            _sign_in(homeserver, user, password, self.bridge.publish, self.profile),
            on_success=self._signed_in,
            on_failure=lambda e: self.signInFailed.emit(self.explain(e, homeserver)),
        )

    def sign_in_sso(
        self, server: ServerInfo, idp_id: str | None, open_browser: Callable[[str], Any]
    ) -> None:
        """Single sign-on in the system browser; `cancel_sso` gives up waiting for it."""
        if self.profile is None:
            self.signInFailed.emit(self.tr("Cercle's local data is not open yet."))
            return
        self.cancel_sso()
        self._sso = future = self.bridge.run(
            _sign_in_sso(server, idp_id, open_browser, self.bridge.publish, self.profile),
            on_success=lambda account: self._sso_done(future, account),
            on_failure=lambda e: self._sso_done(future, None, e, server.base_url),
        )

    def sign_in_again_sso(
        self, server: ServerInfo, idp_id: str | None, open_browser: Callable[[str], Any]
    ) -> None:
        """After a soft logout, through single sign-on: the same user, on the same device."""
        account = self.account
        if account is None:
            return
        self.cancel_sso()
        self._sso = future = self.bridge.run(
            account.sign_in_again_sso(server, idp_id=idp_id, open_browser=open_browser),
            on_success=lambda _: self._sso_done(future, account, again=True),
            on_failure=lambda e: self._sso_done(future, None, e, server.base_url),
        )

    def _sso_done(
        self, future, account, error=None, homeserver: str = "", *, again: bool = False
    ) -> None:
        if future is not self._sso:  # cancelled, and maybe started again since
            return
        self._sso = None
        if account is not None and again:
            self.signedIn.emit(account.user_id)
        elif account is not None:
            self._signed_in(account)
        elif isinstance(error, LoginFailed):
            self.signInFailed.emit(self.tr("The server refused the single sign-on. Try again."))
        else:
            self.signInFailed.emit(self.explain(error or RuntimeError(), homeserver))

    def cancel_sso(self) -> None:
        """Stops waiting for the browser (its loopback listener closes; nothing is signed in)."""
        future, self._sso = self._sso, None
        if future is not None:
            future.cancel()

    def _session_ended(self, change: SessionEnded) -> None:
        account = self.account
        if account is None:
            return
        if change.soft_logout:
            self.sessionExpired.emit(
                account.user_id,
                self.tr("Sign in again to continue. Your messages stay on this computer."),
            )
        else:
            self.operationFailed.emit(
                self.tr("This device was signed out by the server. Sign out and sign in again.")
            )

    def sign_in_again(self, password: str) -> None:
        """After a soft logout: a new token for the same device; cache and keys are kept."""
        account = self.account
        if account is None:
            return
        self.bridge.run(
            account.sign_in_again(password),
            on_success=lambda _: self.signedIn.emit(account.user_id),
            on_failure=lambda e: self.signInFailed.emit(self.explain(e)),
        )

    def _signed_in(self, account: Account, published: tuple[RoomSummary, ...] = ()) -> None:
        """`published`: cached rooms already shown (a resumed account): not read again."""
        self.account = account
        self.messages.own_user_id = account.user_id
        self.bridge.run(
            account.start(published or None),
            on_failure=lambda e: self.operationFailed.emit(self.explain(e)),
        )
        self.signedIn.emit(account.user_id)

    def open_room(self, room_id: str) -> None:
        if self.account is None:
            return
        self.opened_room = room_id
        self.messages.clear()
        self.bridge.run(
            _open_room(self.account, room_id),
            on_success=lambda opened: self._show_room(room_id, *opened),
            on_failure=lambda e: self.operationFailed.emit(self.explain(e)),
        )

    def _show_room(
        self,
        room_id: str,
        page: MessagePage,
        echoes: list[Message],
        receipts: tuple[ReadReceipt, ...],
    ) -> None:
        # Only if the user has not moved on to another room meanwhile.
        if self.messages.room_id is None and self.opened_room == room_id:
            self.messages.show_page(page, [m for m in echoes if not _invisible_echo(m)])
            self.messages.set_receipts(room_id, receipts)
            self.roomOpened.emit(room_id, self.messages.own_receipt())

    def _load_older(self, room_id: str, before: int | None) -> None:
        """The timeline scrolled near its top: the page above, from the store or the server."""
        if self.account is None:
            return
        self.bridge.run(
            self.account.messages_before(room_id, before),
            on_success=self.messages.prepend,
            on_failure=lambda e: self._page_failed(room_id, e),
        )

    def _load_newer(self, room_id: str, after: int) -> None:
        if self.account is not None:
            self.bridge.run(
                self.account.messages_after(room_id, after),
                on_success=self.messages.append_page,
                on_failure=lambda e: self._page_failed(room_id, e),
            )

    def _page_failed(self, room_id: str, error: BaseException) -> None:
        if room_id == self.messages.room_id:
            self.messages.loading_older = self.messages.loading_newer = False
        self.operationFailed.emit(self.explain(error))

    def _echo(self, echo: Message) -> None:
        if not _invisible_echo(echo):
            self.messages.echo(echo)

    def toggle_reaction(self, room_id: str, event_id: str, key: str) -> None:
        """Reacts to a message with `key`, or takes our reaction back if we already did."""
        if self.account is not None:
            self.bridge.run(
                toggle_reaction(self.account, room_id, event_id, key),
                on_failure=lambda e: self.operationFailed.emit(self.explain(e)),
            )

    def send_text(self, room_id: str, text: str, on_failure=None) -> None:
        if self.account is None:
            return

        def failed(error: BaseException) -> None:
            self.operationFailed.emit(self.explain(error))
            if on_failure is not None:
                on_failure(error)

        self.bridge.run(self.account.send_text(room_id, text), on_failure=failed)

    def retry(self, txn_id: str) -> None:
        if self.account is not None:
            self.bridge.run(self.account.outbox.retry(txn_id))

    def discard(self, txn_id: str) -> None:
        if self.account is None:
            return
        self.bridge.run(
            self.account.outbox.cancel(txn_id),
            on_success=lambda gone: self.messages.discard(txn_id) if gone else None,
        )

    def close(self, timeout: float = 10.0) -> None:
        """Stops syncing, closes the connection and the profile (waits `timeout` at most)."""
        account, self.account = self.account, None
        profile, self.profile = self.profile, None
        if account is not None:
            closing = account.close()  # closes its profile too
        elif profile is not None:
            closing = asyncio.to_thread(profile.close)
        else:
            return
        try:
            self.bridge.run(closing).result(timeout)
        except Exception:
            log.warning("closing the account took too long or failed", exc_info=True)

    def _rooms_changed(self, change: RoomsChanged) -> None:
        self.rooms.apply(change)
        if not self._rooms_shown.is_set():  # after the list's delayed layout and its paint
            QTimer.singleShot(30, self._rooms_shown.set)

    def _timeline_appended(self, change: TimelineAppended) -> None:
        self.messages.append(change.room_id, list(change.messages))

    def explain(self, error: BaseException, homeserver: str = "") -> str:
        """Words a user can act on; bugs are logged with context and summarised."""
        if isinstance(error, LoginFailed):
            return self.tr("Wrong user name or password.")
        if isinstance(error, ServerUnreachable):
            return self.tr("Cannot reach {server}. Check the address and your connection.").format(
                server=homeserver or self.tr("the homeserver")
            )
        community = self._explain_community(error)
        if community is not None:
            return community
        if isinstance(error, MatrixError):
            return self.tr("The server refused: {reason}").format(reason=str(error))
        if isinstance(error, StorageError):
            return str(error)  # the store words its errors for users (what happened, what to do)
        sign_in = self._explain_sign_in(error, homeserver)
        if sign_in is not None:
            return sign_in
        log.error("unexpected failure", exc_info=error)
        return self.tr("Something went wrong; the details are in the log.")

    def _explain_community(self, error: BaseException) -> str | None:
        """A community refusal in the interface's language (the protocol's English details go
        to the log); None for anything else."""
        from cercle.protocol.community.charter import CharterRefused
        from cercle.protocol.community.errors import CommunityError, NotACommunity
        from cercle.protocol.community.moderation import ModerationRefused
        from cercle.protocol.community.roles import RoleRefused
        from cercle.protocol.errors import ClientClosed

        if isinstance(error, ClientClosed):
            return self.tr("This account was closed before the operation finished.")
        if not isinstance(error, CommunityError):
            return None
        log.info("community operation refused: %s", error)
        if isinstance(error, CharterRefused):
            return self.tr(
                "The charter was not recorded: only the community's managers publish a new"
                " version, and only its members can accept it."
            )
        if isinstance(error, RoleRefused):
            return self.tr("No role was changed: only a community manager can change roles.")
        if isinstance(error, ModerationRefused):
            return self.tr(
                "Nothing was done: only the community's moderators can, and not against someone"
                " of equal or higher rank."
            )
        if isinstance(error, NotACommunity):
            return self.tr("This space is not a Cercle community.")
        return None  # AclRefused: the allow-list editor words it

    def _explain_sign_in(self, error: BaseException, homeserver: str) -> str | None:
        """Discovery and single sign-on failures, in words (their modules load with nio)."""
        from cercle.protocol import session as ses
        from cercle.protocol import sso

        server = homeserver or self.tr("the homeserver")
        if isinstance(error, ses.InvalidUserId):
            return self.tr(
                "Write your user name as @name:example.com, or enter your homeserver's address."
            )
        if isinstance(error, ses.DiscoveryPrompt):
            return self.tr(
                "Could not find the homeserver of this user name. Enter its address (ask your IT "
                "team), or check your connection."
            )
        if isinstance(error, ses.DiscoveryFailed):
            return self.tr(
                "{server} does not answer as a Matrix homeserver. Check the address; the server "
                "may also be down."
            ).format(server=server)
        if isinstance(error, sso.SsoTimedOut):
            return self.tr("Single sign-on did not come back from the browser in time. Try again.")
        if isinstance(error, sso.SsoUnavailable):
            return self.tr("This server does not offer single sign-on: sign in with a password.")
        if isinstance(error, sso.SsoWrongUser) and self.account is not None:
            return self.tr("The browser signed in another user. Sign in again as {user}.").format(
                user=self.account.user_id
            )
        if isinstance(error, sso.SsoError):
            return self.tr("Single sign-on did not finish in the browser. Try again.")
        return None


def _invisible_echo(message: Message) -> bool:
    """Outgoing reactions, redactions and edits have no row of their own (no body), sent or not."""
    return not message.body


async def _open_room(
    account: Account, room_id: str
) -> tuple[MessagePage, list[Message], tuple[ReadReceipt, ...]]:
    """A room's newest page, its unsent messages' echoes, and who read what."""
    page = await account.messages_before(room_id)
    echoes = await account.unsent_echoes(room_id)
    return page, echoes, await account.read_receipts(room_id)


async def toggle_reaction(account: Account, room_id: str, event_id: str, key: str) -> str:
    """Sends an m.reaction, or redacts ours with the same key; returns the txn id."""

    def ours() -> str | None:
        store = account.store
        for event in store.timeline._related(event_id, "m.annotation", 500):
            relation = messages.relation_of(event.content)
            if (
                event.sender == account.user_id
                and not event.redacted_by
                and relation is not None
                and relation.key == key
            ):
                return event.event_id
        return None

    own = await asyncio.to_thread(ours)
    if own is not None:
        return await account.send(room_id, "m.room.redaction", {"redacts": own})
    return await account.send(room_id, "m.reaction", messages.reaction_content(event_id, key))


async def _sign_in(homeserver: str, user: str, password: str, publish, profile) -> Account:
    from cercle.protocol.account import Account

    if not homeserver:  # "@name:server" typed, signed in before its discovery answered
        from cercle.protocol.session import discover

        homeserver = (await discover(user)).base_url
    return await Account.sign_in(homeserver, user, password, publish, profile=profile)


async def _sign_in_sso(server, idp_id, open_browser, publish, profile) -> Account:
    from cercle.protocol.account import Account
    from cercle.protocol.profiles import crypto_for
    from cercle.protocol.sso import login_sso

    client = await login_sso(
        server, idp_id=idp_id, open_browser=open_browser, crypto=crypto_for(profile)
    )
    return await Account.from_client(client, publish, profile=profile)
