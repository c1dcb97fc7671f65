"""The recovery key shown once: copied as a secret, and gone from the clipboard with the dialog."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from cercle.desktop.dialogs.recovery import RecoveryKeyDialog

KEY = "EsTc 1234 abcd EFGH 5678 ijkl MNOP 9012 qrst UVWX yz12 3456"


def test_the_copied_key_is_marked_secret_and_cleared_when_the_dialog_closes(qtbot):
    dialog = RecoveryKeyDialog(KEY)
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    clipboard = QGuiApplication.clipboard()
    assert clipboard.text() == KEY
    assert bytes(clipboard.mimeData().data("x-kde-passwordManagerHint")) == b"secret"
    dialog.done_button.click()
    assert clipboard.text() == ""


def test_something_copied_after_the_key_stays(qtbot):
    dialog = RecoveryKeyDialog(KEY)
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    QGuiApplication.clipboard().setText("a note of mine")
    dialog.reject()
    assert QGuiApplication.clipboard().text() == "a note of mine"
