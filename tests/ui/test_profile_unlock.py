"""Without a keyring the app asks for a passphrase, creates or unlocks with it, and fails closed."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from cercle.desktop.dialogs.passphrase import PassphraseDialog


def answer_dialog(qtbot, fill, seen: list):
    """When the modal passphrase dialog shows, record what it said and answer with `fill`."""

    def attempt():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PassphraseDialog):
            QTimer.singleShot(20, attempt)
            return
        seen.append((dialog.creating, dialog.error.text()))
        fill(dialog)

    QTimer.singleShot(0, attempt)


def accept_with(passphrase, confirm=None):
    def fill(dialog):
        dialog.passphrase.setText(passphrase)
        dialog.confirm.setText(passphrase if confirm is None else confirm)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    return fill


def test_first_start_creates_a_passphrase_then_later_starts_ask_for_it(qtbot, app_window):
    seen = []
    answer_dialog(qtbot, accept_with("a long enough passphrase"), seen)
    app_window.session.start()
    qtbot.waitUntil(lambda: app_window.stack.currentWidget() is app_window.login, timeout=15_000)
    assert seen == [(True, "")]
    assert app_window.session.location.exists()

    app_window.session.close()  # as when the app quits
    seen.clear()
    answer_dialog(qtbot, accept_with("not the passphrase"), seen)
    app_window.stack.setCurrentWidget(app_window.starting)
    app_window.session.start()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=15_000)
    assert seen == [(False, "")]
    # The wrong one is refused and asked again, with the reason; the right one opens.
    answer_dialog(qtbot, accept_with("a long enough passphrase"), seen)
    qtbot.waitUntil(lambda: app_window.stack.currentWidget() is app_window.login, timeout=15_000)
    assert seen[1] == (False, "Wrong passphrase. Try again.")


def test_the_dialog_refuses_short_or_mismatched_passphrases(qtbot):
    dialog = PassphraseDialog(creating=True)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("short")
    dialog.confirm.setText("short")
    assert "at least" in dialog.problem()
    dialog.passphrase.setText("long enough one")
    dialog.confirm.setText("long enough two")
    assert dialog.problem() == "The two passphrases differ."
    dialog.confirm.setText("long enough one")
    assert dialog.problem() == ""


def test_cancelling_the_passphrase_closes_the_app(qtbot, app_window):
    seen = []
    answer_dialog(qtbot, lambda dialog: dialog.reject(), seen)
    app_window.session.start()
    qtbot.waitUntil(lambda: not app_window.isVisible(), timeout=15_000)
    assert seen == [(True, "")]
    assert app_window.session.profile is None
