"""Trust on the UI side: verification runs, identity changes and security state, via the bridge."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from cercle.protocol.changes import IdentityChanged

if TYPE_CHECKING:
    from cercle.desktop.bridge import Bridge
    from cercle.protocol.account import Account
    from cercle.protocol.devices import OwnDevice
    from cercle.protocol.trust.verification import Verification

log = logging.getLogger(__name__)


# -- coroutines for the protocol loop (never run on the UI thread) ----------------------------


async def _awaited(future: asyncio.Future[Any]) -> Any:
    return await future


async def _request_user(account: Account, user_id: str) -> Verification:
    """In our DM with `user_id` (created when there is none), as Element does."""
    from cercle.protocol import rooms

    dms = (await rooms.direct_rooms(account.client)).get(user_id, [])
    room_id = dms[0] if dms else await rooms.create_dm(account.client, user_id)
    return await account.verifications.request(user_id, room_id=room_id)


async def _request_device(account: Account, device_id: str) -> Verification:
    return await account.verifications.request(account.user_id, device_id=device_id)


async def _ready_then_start(flow: Verification) -> None:
    from cercle.protocol.trust.verification import Phase

    await flow.ready
    if flow.phase is Phase.READY:  # they may have started SAS already
        await flow.start_sas()


async def _accept(flow: Verification) -> None:
    await flow.accept()


async def _finished(flow: Verification) -> str | None:
    """Waits for the end; returns the signing error (verified, but not recorded) or None."""
    await flow.finished
    return flow.signing_error


async def display_name_of(account: Account, user_id: str) -> str | None:
    """Their profile's display name (None when unset or unreachable)."""
    from cercle.protocol import endpoints
    from cercle.protocol.client import MatrixError
    from cercle.protocol.rooms import send_request

    try:
        body = await send_request(account.client, endpoints.profile_get(user_id), what="profile")
    except MatrixError:
        return None
    name = body.get("displayname")
    return name if isinstance(name, str) and name.strip() else None


# -- one verification, as a dialog drives it ---------------------------------------------------


class VerificationRun(QObject):
    """One emoji verification seen from the UI. `flow` is the protocol's object: it is only
    handed back to coroutines on the protocol loop, never used here."""

    stateChanged = Signal(str)  # "requested" | "waiting_accept" | "waiting_emoji" | "waiting_other"
    emojiReady = Signal(object)  # tuple of (emoji, English name)
    finished = Signal(bool, str)  # verified?, what to tell the user

    def __init__(
        self,
        bridge: Bridge,
        *,
        other_user: str,
        own_device: bool,
        incoming: bool,
        flow: Verification | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.other_user = other_user
        self.own_device = own_device  # with one of our own devices
        self.incoming = incoming
        self.flow = flow
        self.state = "requested" if incoming else "waiting_accept"
        self.over = False
        self.recorded = True  # False: verified, but our signature could not be uploaded
        if flow is not None and incoming:
            self._watch_end()

    # -- starting ----------------------------------------------------------------------------

    @classmethod
    def request(
        cls,
        bridge: Bridge,
        account: Account,
        user_id: str,
        device_id: str | None = None,
        parent: QObject | None = None,
    ) -> VerificationRun:
        """Asks `user_id` (in our DM) or our own `device_id` (to-device) to verify."""
        run = cls(
            bridge,
            other_user=user_id,
            own_device=device_id is not None,
            incoming=False,
            parent=parent,
        )
        work = (
            _request_device(account, device_id)
            if device_id is not None
            else _request_user(account, user_id)
        )
        bridge.run(work, on_success=run._requested, on_failure=run._failed)
        return run

    def _requested(self, flow: Verification) -> None:
        self.flow = flow
        if self.over:  # cancelled while the request was on its way
            self.bridge.run(flow.cancel())
            return
        self._watch_end()
        self.bridge.run(
            _ready_then_start(flow),
            on_success=lambda _: self._wait_emoji(),
            on_failure=lambda _e: None,  # the end is reported by _watch_end
        )

    def _watch_end(self) -> None:
        assert self.flow is not None
        self.bridge.run(_finished(self.flow), on_success=self._verified, on_failure=self._failed)

    # -- the user's answers ------------------------------------------------------------------

    def accept(self) -> None:
        if self.flow is None or self.over:
            return
        self.bridge.run(_accept(self.flow), on_failure=self._failed)
        self._wait_emoji()

    def _wait_emoji(self) -> None:
        if self.over or self.flow is None:
            return
        self._set_state("waiting_emoji")
        self.bridge.run(
            _awaited(self.flow.short_auth), on_success=self._emoji, on_failure=lambda _e: None
        )

    def _emoji(self, shown: Any) -> None:
        if not self.over:
            self.emojiReady.emit(tuple(shown.emoji))

    def confirm(self, match: bool) -> None:
        if self.flow is None or self.over:
            return
        if match:
            self._set_state("waiting_other")
        self.bridge.run(self.flow.confirm(match), on_failure=self._failed)

    def cancel(self) -> None:
        """Declines a request or stops a running verification."""
        if self.over:
            return
        if self.flow is None:  # the request is still on its way: cancelled when it lands
            self._end(False, self.tr("Verification cancelled."))
            return
        self.bridge.run(self.flow.cancel(), on_failure=self._failed)

    # -- the end -----------------------------------------------------------------------------

    def _verified(self, signing_error: str | None) -> None:
        if signing_error:
            self.recorded = False
            text = self.tr(
                "The emoji matched, but this verification could not be recorded: "
                "set up or restore recovery in the security settings, then verify again."
            )
            log.info("verification not recorded: %s", signing_error)
        elif self.own_device:
            text = self.tr("Your other device is verified.")
        else:
            text = self.tr("{user} is verified.").format(user=self.other_user)
        self._end(True, text)

    def _failed(self, error: BaseException) -> None:
        self._end(False, self.explain(error))

    def explain(self, error: BaseException) -> str:
        from cercle.protocol.trust.verification import VerificationCancelled

        if not isinstance(error, VerificationCancelled):
            log.warning("verification failed", exc_info=error)
            return self.tr("The verification failed: {reason}").format(reason=str(error))
        code, by_us = error.code, error.by_us
        if code == "m.timeout":
            return self.tr("The verification timed out. Start again when you are both ready.")
        if code == "m.mismatched_sas":
            if by_us:
                return self.tr(
                    "You said the emoji do not match: nobody was verified. If this happens "
                    "again, someone may be intercepting your conversation."
                )
            return self.tr("The other side said the emoji do not match: nobody was verified.")
        if code == "m.user":
            if by_us:
                return self.tr("Verification cancelled.")
            return self.tr("The other side cancelled the verification.")
        if code == "m.accepted":
            return self.tr("The verification was answered on another of your devices.")
        return self.tr("The verification stopped: {reason}").format(reason=error.reason)

    def _end(self, ok: bool, text: str) -> None:
        if self.over:
            return
        self.over = True
        self.state = "done" if ok else "cancelled"
        self.finished.emit(ok, text)

    def _set_state(self, state: str) -> None:
        self.state = state
        self.stateChanged.emit(state)


# -- security state --------------------------------------------------------------------------


@dataclass(frozen=True)
class SecurityState:
    """What the security settings show, read in one go on the protocol loop."""

    user_id: str
    published_identity: bool  # the account has a cross-signing identity
    identity_here: bool  # this device holds its private keys (recovery set up or restored)
    backup_version: str | None
    keys_backed_up: int
    backup_problem: str | None
    devices: tuple[OwnDevice, ...]
    store_mode: str  # "keyring" | "passphrase"
    only_verified: bool | None  # None: the option does not exist (yet)


async def security_state(account: Account) -> SecurityState:
    from cercle.protocol.devices import own_device_list
    from cercle.protocol.trust.bootstrap import local_trust

    local = local_trust(account)
    identity = await asyncio.to_thread(local.identity)
    backup = await asyncio.to_thread(local.backup_state)
    devices = await own_device_list(account)
    published = any(d.trust.value != "unsigned" for d in devices) or identity is not None
    if not published:
        from cercle.protocol.trust.remote import query_own_keys

        published = account.user_id in (await query_own_keys(account.client)).master_keys
    only = await _only_verified(account)
    return SecurityState(
        user_id=account.user_id,
        published_identity=published,
        identity_here=identity is not None and identity.secrets is not None,
        backup_version=backup.version if backup else None,
        keys_backed_up=len(backup.uploaded) if backup else 0,
        backup_problem=account.key_backup.disabled,
        devices=tuple(devices),
        store_mode=account.profile.keys.mode,
        only_verified=only,
    )


async def _only_verified(account: Account) -> bool | None:
    """Element's "exclude insecure devices" setting; None if this Account lacks it."""
    option = getattr(account, "share_keys_only_with_cross_signed", None)
    return None if option is None else bool(await option())


class TrustController(QObject):
    """Incoming verification requests and identity changes, for the main window to show."""

    verificationRequested = Signal(object)  # VerificationRun, incoming
    identityWarning = Signal(str)  # a verified user's identity changed: must be acknowledged
    identityNotice = Signal(str)  # an unverified user's identity changed

    def __init__(self, bridge: Bridge, account_of: Callable[[], Account | None], parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self._account_of = account_of
        self._listening: Account | None = None
        bridge.identityChanged.connect(self._identity_changed)

    @property
    def account(self) -> Account | None:
        return self._account_of()

    def listen(self) -> None:
        """Starts taking incoming requests for the signed-in account."""
        account = self.account
        if account is None or self._listening is account:
            return
        self._listening = account
        self._next_request(account)
        self.check_pending()

    def check_pending(self) -> None:
        """Warns again about verified users whose changed identity is not acknowledged yet
        (dismissed with "Later", or the app closed meanwhile): never silent."""
        account = self.account
        if account is None:
            return

        def warn(pins) -> None:
            for user_id, pin in sorted(pins.items()):
                if not pin.acknowledged:
                    self.identityWarning.emit(user_id)

        self.bridge.run(account.identities.pinned(), on_success=warn)

    def _next_request(self, account: Account) -> None:
        self.bridge.run(
            account.verifications.incoming.get(),
            on_success=lambda flow: self._incoming(account, flow),
        )

    def _incoming(self, account: Account, flow: Verification) -> None:
        if self.account is not account:
            return
        run = VerificationRun(
            self.bridge,
            other_user=flow.other_user,
            own_device=flow.other_user == account.user_id,
            incoming=True,
            flow=flow,
            parent=self,
        )
        self.verificationRequested.emit(run)
        self._next_request(account)

    def display_name(self, user_id: str, on_found: Callable[[str], None]) -> None:
        """Looks their display name up (off the UI thread); `on_found` gets it if there is one."""
        account = self.account
        if account is not None:
            self.bridge.run(
                display_name_of(account, user_id),
                on_success=lambda name: on_found(name) if name else None,
                on_failure=lambda _e: None,
            )

    def verify_user(self, user_id: str) -> VerificationRun | None:
        if self.account is None:
            return None
        return VerificationRun.request(self.bridge, self.account, user_id, parent=self)

    def verify_device(self, device_id: str) -> VerificationRun | None:
        account = self.account
        if account is None:
            return None
        return VerificationRun.request(
            self.bridge, account, account.user_id, device_id, parent=self
        )

    def _identity_changed(self, change: IdentityChanged) -> None:
        if change.verified_before:
            self.identityWarning.emit(change.user_id)
        else:
            self.identityNotice.emit(change.user_id)

    def acknowledge(self, user_id: str, on_done=None, on_failure=None) -> None:
        if self.account is not None:
            self.bridge.run(
                self.account.acknowledge_identity(user_id),
                on_success=on_done,
                on_failure=on_failure,
            )
