"""Security settings: recovery, key backup, our devices, how local data is locked, key sharing."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QInputDialog,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cercle.desktop.dialogs.common import button_row
from cercle.desktop.dialogs.recovery import RecoveryKeyDialog, SecretPrompt
from cercle.desktop.models.devices import DeviceListModel
from cercle.desktop.trust import SecurityState, security_state

if TYPE_CHECKING:
    from cercle.desktop.bridge import Bridge
    from cercle.protocol.account import Account

log = logging.getLogger(__name__)


async def _setup(account: Account, password: str | None, reset: bool = False) -> tuple[str, int]:
    """Sets up (or resets) recovery, then backs up this device's room keys at once;
    (recovery key, keys sent)."""
    from cercle.protocol.client import MatrixError
    from cercle.protocol.trust.bootstrap import setup_recovery

    done = await setup_recovery(account, password, reset=reset)
    try:
        sent = await account.key_backup.upload_pending()
    except MatrixError:
        sent = 0  # the background task retries
    return done.recovery_key, sent


async def _restore(account: Account, secret: str) -> int:
    """With the recovery key; what is not shaped like one is tried as the passphrase (Element's
    "security phrase") when recovery has one, else it is reported as a mistyped key."""
    from cercle.protocol.trust.recovery import InvalidRecoveryKey
    from cercle.protocol.trust.restore import restore_recovery
    from cercle.protocol.trust.secrets import SecretStorageError

    try:
        return (await restore_recovery(account, recovery_key=secret)).keys_imported
    except InvalidRecoveryKey as typo:
        try:
            return (await restore_recovery(account, passphrase=secret)).keys_imported
        except SecretStorageError as e:
            if type(e) is SecretStorageError:  # no passphrase in this recovery: a typo
                raise typo from None
            raise


async def _set_only_verified(account: Account, value: bool) -> None:
    """Room keys only to devices their owners cross-signed (Element's "exclude insecure
    devices"); shown only when the Account offers it (see trust.security_state)."""
    await account.share_keys_only_with_cross_signed(value)


def _section(title: str, parent: QWidget) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title, parent)
    layout = QVBoxLayout(box)
    return box, layout


class SecurityDialog(QDialog):
    """Reads the account's security state through the bridge and acts on it. `show_state`
    alone paints it (the screenshots give it canned data)."""

    verifyDeviceRequested = Signal(str)  # device id: the main window opens the verification

    def __init__(
        self,
        bridge: Bridge | None,
        account: Account | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.account = account
        self.state: SecurityState | None = None
        self.setMinimumWidth(620)

        self.recovery_box, rl = _section("", self)
        self.recovery_status = QLabel(self)
        self.recovery_status.setWordWrap(True)
        self.setup_button = QPushButton(self)
        self.restore_button = QPushButton(self)
        self.reset_button = QPushButton(self)  # lost the key: a new identity, contacts warned
        self.error = QLabel(self)
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.hide()
        rl.addWidget(self.recovery_status)
        rl.addLayout(button_row([self.reset_button, self.setup_button, self.restore_button]))

        self.backup_box, bl = _section("", self)
        self.backup_status = QLabel(self)
        self.backup_status.setWordWrap(True)
        bl.addWidget(self.backup_status)

        self.devices_box, dl = _section("", self)
        self.devices = DeviceListModel(self)
        self.device_list = QListView(self)
        self.device_list.setModel(self.devices)
        self.device_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.device_list.setSpacing(2)
        self.device_list.setIconSize(QSize(16, 16))
        rows = max(self.device_list.fontMetrics().lineSpacing(), 16) + 4
        self.device_list.setFixedHeight(rows * 5 + 2 * self.device_list.frameWidth())
        self.verify_button = QPushButton(self)
        self.rename_button = QPushButton(self)
        self.sign_out_button = QPushButton(self)
        dl.addWidget(self.device_list)
        dl.addLayout(button_row([self.verify_button, self.rename_button, self.sign_out_button]))

        self.local_box, ll = _section("", self)
        self.local_status = QLabel(self)
        self.local_status.setWordWrap(True)
        self.only_verified = QCheckBox(self)
        self.only_verified.hide()  # shown once the account offers the option
        self.only_verified_help = QLabel(self)
        self.only_verified_help.setWordWrap(True)
        self.only_verified_help.hide()
        ll.addWidget(self.local_status)
        ll.addWidget(self.only_verified)
        ll.addWidget(self.only_verified_help)

        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        for box in (self.recovery_box, self.backup_box, self.devices_box, self.local_box):
            layout.addWidget(box)
        layout.addStretch(1)  # spare height below the sections, never inside them
        layout.addWidget(self.error)
        layout.addWidget(self.close_buttons)

        self.setup_button.clicked.connect(lambda: self.set_up_recovery())
        self.restore_button.clicked.connect(self.restore_recovery)
        self.reset_button.clicked.connect(self.reset_recovery)
        self.verify_button.clicked.connect(self._verify)
        self.rename_button.clicked.connect(self._rename)
        self.sign_out_button.clicked.connect(self._sign_out)
        self.only_verified.toggled.connect(self._only_verified_toggled)
        self.device_list.selectionModel().selectionChanged.connect(lambda *_: self._buttons())
        self.retranslate()
        self._buttons()

    # -- state -------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.bridge is None or self.account is None:
            return
        self.bridge.run(security_state(self.account), self.show_state, self._failed)

    def show_state(self, state: SecurityState) -> None:
        self.state = state
        self.devices.set_devices(state.devices)
        if state.only_verified is not None:
            self.only_verified.blockSignals(True)
            self.only_verified.setChecked(state.only_verified)
            self.only_verified.blockSignals(False)
        self.only_verified.setVisible(state.only_verified is not None)
        self.only_verified_help.setVisible(state.only_verified is not None)
        self.retranslate()
        self._buttons()
        if self.isVisible():
            self.adjustSize()  # opened while "Reading…": grow to what the state shows

    def _selected(self):
        indexes = self.device_list.selectionModel().selectedIndexes()
        return self.devices.device(indexes[0].row()) if indexes else None

    def _buttons(self) -> None:
        state = self.state
        self.setup_button.setVisible(state is not None and not state.published_identity)
        self.reset_button.setVisible(state is not None and state.published_identity)
        self.restore_button.setVisible(
            state is not None and state.published_identity and not state.identity_here
        )
        device = self._selected()
        other = device is not None and not device.this_device
        self.verify_button.setEnabled(other and device.trust.value != "verified")
        self.rename_button.setEnabled(device is not None)
        self.sign_out_button.setEnabled(other)

    # -- texts -------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Security"))
        self.recovery_box.setTitle(self.tr("Recovery"))
        self.backup_box.setTitle(self.tr("Key backup"))
        self.devices_box.setTitle(self.tr("Your devices"))
        self.local_box.setTitle(self.tr("On this computer"))
        self.setup_button.setText(self.tr("Set up recovery…"))
        self.restore_button.setText(self.tr("Restore with your recovery key…"))
        self.reset_button.setText(self.tr("Reset recovery…"))
        self.verify_button.setText(self.tr("Verify"))
        self.rename_button.setText(self.tr("Rename…"))
        self.sign_out_button.setText(self.tr("Sign out…"))
        self.device_list.setAccessibleName(self.tr("Your devices"))
        self.only_verified.setText(self.tr("Only send keys to verified devices"))
        self.only_verified_help.setText(
            self.tr(
                "Your messages will not be readable on devices their owners have not verified "
                "(Element calls them insecure devices)."
            )
        )
        state = self.state
        if state is None:
            self.recovery_status.setText(self.tr("Reading the security state…"))
            self.backup_status.setText("")
            self.local_status.setText("")
            return
        if state.identity_here:
            self.recovery_status.setText(
                self.tr(
                    "Recovery is set up and this device holds your identity: you can verify "
                    "others and your history is kept in the key backup."
                )
            )
        elif state.published_identity:
            self.recovery_status.setText(
                self.tr(
                    "Recovery is set up on another device. Enter your recovery key here to read "
                    "your encrypted history and verify others from this device."
                )
            )
        else:
            self.recovery_status.setText(
                self.tr(
                    "Recovery is not set up. Set it up to keep your encrypted history if you "
                    "lose this device, and to verify the people you talk to."
                )
            )
        if state.backup_problem:
            self.backup_status.setText(
                self.tr("Room keys are not backed up: {reason}").format(reason=state.backup_problem)
            )
        elif state.backup_version is None:
            self.backup_status.setText(self.tr("No key backup on this device yet."))
        else:
            self.backup_status.setText(
                self.tr("Backup version {version}: {count} room keys backed up from here.").format(
                    version=state.backup_version, count=state.keys_backed_up
                )
            )
        if state.store_mode == "keyring":
            self.local_status.setText(
                self.tr(
                    "Your messages and keys on this computer are encrypted, with a key kept in "
                    "the system keyring."
                )
            )
        else:
            self.local_status.setText(
                self.tr(
                    "Your messages and keys on this computer are encrypted with your passphrase "
                    "(no secure system keyring was found). Cercle asks for it at each start."
                )
            )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.device_list.viewport().update()
        super().changeEvent(event)

    # -- actions -----------------------------------------------------------------------------

    def set_up_recovery(self, reset: bool = False) -> None:
        """Tries without a password first (servers let a first identity through, MSC3967);
        asks for the account password only when the server wants it."""
        if self.bridge is None or self.account is None:
            return
        self.setup_button.setEnabled(False)
        self.reset_button.setEnabled(False)
        self.recovery_status.setText(self.tr("Setting up recovery…"))
        self.bridge.run(
            _setup(self.account, None, reset),
            on_success=self._recovery_made,
            on_failure=lambda e: self._ask_password(e, reset),
        )

    def reset_recovery(self) -> QMessageBox:
        """For a lost recovery key: a new identity and a new backup, after a clear warning."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Reset recovery"))
        box.setText(self.tr("Reset your identity and recovery?"))
        box.setInformativeText(
            self.tr(
                "Do this only if you lost your recovery key and have no other verified device. "
                "The people you talk to will be warned that your identity changed and will "
                "have to verify you again; messages kept only in the old key backup are lost."
            )
        )
        reset = box.addButton(self.tr("Reset"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(
            lambda button: self.set_up_recovery(reset=True) if button is reset else None
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def _ask_password(self, error: BaseException, reset: bool = False) -> None:
        from cercle.protocol.trust.bootstrap import PasswordNeeded

        self.setup_button.setEnabled(True)
        self.reset_button.setEnabled(True)
        if not isinstance(error, PasswordNeeded) or self.bridge is None or self.account is None:
            self.retranslate()
            self._failed(error)
            return
        prompt = SecretPrompt(
            self.tr("Set up recovery"),
            self.tr(
                "Your server asks for your account password to publish your new identity keys."
            ),
            self.tr("Account password"),
            secret=True,
            parent=self,
        )
        account, bridge = self.account, self.bridge

        def submitted(password: str) -> None:
            bridge.run(
                _setup(account, password, reset),
                on_success=made,
                on_failure=lambda e: prompt.show_error(self.explain(e)),
            )

        def made(result: tuple[str, int]) -> None:
            prompt.done_ok()
            self._recovery_made(result)

        prompt.submitted.connect(submitted)
        prompt.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        prompt.rejected.connect(self.retranslate)  # "Setting up…" no more
        prompt.open()

    def _recovery_made(self, result: tuple[str, int]) -> None:
        self.setup_button.setEnabled(True)
        self.reset_button.setEnabled(True)
        self.refresh()
        key_dialog = RecoveryKeyDialog(result[0], self)
        key_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        key_dialog.open()

    def restore_recovery(self) -> SecretPrompt | None:
        if self.bridge is None or self.account is None:
            return None
        prompt = SecretPrompt(
            self.tr("Restore recovery"),
            self.tr(
                "Enter the recovery key you saved when you set up recovery (in Cercle or "
                "Element): 48 letters and digits, spaces do not matter. A security phrase "
                "works too, if you chose one."
            ),
            self.tr("Recovery key or security phrase"),
            secret=False,
            parent=self,
        )
        account, bridge = self.account, self.bridge

        def submitted(key: str) -> None:
            bridge.run(_restore(account, key), on_success=done, on_failure=failed)

        def done(imported: int) -> None:
            prompt.done_ok()
            self.refresh()

        def failed(error: BaseException) -> None:
            prompt.show_error(self.explain(error))

        prompt.submitted.connect(submitted)
        prompt.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        prompt.open()
        return prompt

    def _verify(self) -> None:
        device = self._selected()
        if device is not None:
            self.verifyDeviceRequested.emit(device.device_id)

    def _rename(self) -> None:
        device = self._selected()
        if device is None or self.bridge is None or self.account is None:
            return
        name, ok = QInputDialog.getText(
            self,
            self.tr("Rename device"),
            self.tr("Name of {device}, as your other devices and contacts see it:").format(
                device=device.device_id
            ),
            text=device.display_name,
        )
        if ok and name.strip():
            from cercle.protocol.devices import rename

            self.bridge.run(
                rename(self.account, device.device_id, name.strip()),
                on_success=lambda _: self.refresh(),
                on_failure=self._failed,
            )

    def _sign_out(self) -> SecretPrompt | None:
        device = self._selected()
        if device is None or device.this_device or self.bridge is None or self.account is None:
            return None
        prompt = SecretPrompt(
            self.tr("Sign out a device"),
            self.tr(
                "{device} will be signed out and lose access to your messages. Your server asks "
                "for your account password."
            ).format(device=device.display_name or device.device_id),
            self.tr("Account password"),
            secret=True,
            parent=self,
        )
        account, bridge = self.account, self.bridge

        def submitted(password: str) -> None:
            from cercle.protocol.devices import sign_out

            bridge.run(
                sign_out(account, device.device_id, password),
                on_success=signed_out,
                on_failure=lambda e: prompt.show_error(self.explain(e)),
            )

        def signed_out(_none: None) -> None:
            prompt.done_ok()
            self.refresh()

        prompt.submitted.connect(submitted)
        prompt.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        prompt.open()
        return prompt

    def _only_verified_toggled(self, checked: bool) -> None:
        if self.bridge is not None and self.account is not None:
            self.bridge.run(
                _set_only_verified(self.account, checked),
                on_success=lambda _: self.refresh(),
                on_failure=self._failed,
            )

    def _failed(self, error: BaseException) -> None:
        self.error.setText(self.explain(error))
        self.error.show()

    def explain(self, error: BaseException) -> str:
        """Words for the errors of this screen; others are logged and summarised."""
        from cercle.protocol.client import MatrixError
        from cercle.protocol.errors import ServerUnreachable
        from cercle.protocol.trust.bootstrap import (
            AlreadySetUp,
            PasswordNeeded,
            PasswordRejected,
            UnsupportedAuth,
        )
        from cercle.protocol.trust.recovery import InvalidRecoveryKey
        from cercle.protocol.trust.restore import IdentityMismatch, NoRecovery
        from cercle.protocol.trust.secrets import WrongRecoveryKey

        if isinstance(error, InvalidRecoveryKey):
            return self.tr(
                "This is not a recovery key: check it for typos (it starts with “E” and has 48 "
                "characters)."
            )
        if isinstance(error, WrongRecoveryKey):
            return self.tr(
                "This recovery key does not open your account’s recovery. Is it the latest one?"
            )
        if isinstance(error, IdentityMismatch):
            return self.tr(
                "This recovery key is an old one: your identity was reset since. Use the newest "
                "recovery key, or set up recovery again."
            )
        if isinstance(error, NoRecovery):
            return self.tr("Recovery is not set up for this account yet.")
        if isinstance(error, PasswordRejected):
            return self.tr("Wrong password. Try again.")
        if isinstance(error, PasswordNeeded):
            return self.tr("Your server asks for your account password.")
        if isinstance(error, AlreadySetUp):
            return self.tr(
                "Recovery was set up meanwhile on another device: restore it here with its key."
            )
        if isinstance(error, UnsupportedAuth):
            return self.tr(
                "Your server asks for a confirmation Cercle cannot give (single sign-on): set up "
                "recovery in Element, then restore it here."
            )
        if isinstance(error, ServerUnreachable):
            return self.tr("Cannot reach your server. Check your connection and try again.")
        if isinstance(error, MatrixError):
            return self.tr("The server refused: {reason}").format(reason=str(error))
        log.error("security action failed", exc_info=error)
        return self.tr("Something went wrong; the details are in the log.")
