"""Verification dialog, security settings and tray, offscreen with canned data (no server)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QLocale, Qt

from cercle.desktop.dialogs.security import SecurityDialog
from cercle.desktop.dialogs.verification import VerificationDialog, emoji_name
from cercle.desktop.models.devices import DeviceListModel, DeviceRole
from cercle.desktop.tools import sample
from cercle.desktop.tray import Tray, badge_icon
from cercle.protocol.devices import OwnDevice
from cercle.protocol.trust.crosssigning import TrustLevel
from cercle.protocol.trust.sas import EMOJI


def test_every_sas_emoji_has_the_specs_french_name():
    assert len(EMOJI) == 64
    for _glyph, english in EMOJI:
        assert emoji_name(english, "en") == english
        assert emoji_name(english, "fr")
    assert emoji_name("Dog", "fr") == "Chien"
    assert emoji_name("Thumbs Up", "fr") == "Pouce en l’air"
    assert emoji_name("Spanner", "fr") == "Clé à molette"
    assert emoji_name("Dog", "de") == "Dog"  # a language we do not ship: the spec's English


def test_the_dialog_shows_the_emoji_names_in_the_interface_language(qtbot):
    dialog = VerificationDialog(None, "Léa Moreau")
    qtbot.addWidget(dialog)
    previous = QLocale()
    try:
        dialog.show_emoji(sample.SAS_EMOJI)
        assert dialog.pages.currentIndex() == dialog.EMOJI
        assert [c.glyph.text() for c in dialog.cells] == [e for e, _ in sample.SAS_EMOJI]
        QLocale.setDefault(QLocale("en"))
        dialog.retranslate()
        assert dialog.cells[0].name.text() == "Dog"
        QLocale.setDefault(QLocale("fr"))
        dialog.retranslate()
        assert [c.name.text() for c in dialog.cells][:3] == ["Chien", "Clé", "Fusée"]
        assert dialog.cells[0].accessibleName() == "Chien"
    finally:
        QLocale.setDefault(previous)


def test_dialog_pages_follow_the_flow(qtbot):
    dialog = VerificationDialog(None, "Léa Moreau")
    qtbot.addWidget(dialog)
    assert dialog.pages.currentIndex() == dialog.WAITING  # an outgoing request waits first
    assert "Léa Moreau" in dialog.text.text()
    with qtbot.waitSignal(dialog.matchClicked) as answered:
        dialog.show_emoji(sample.SAS_EMOJI)
        qtbot.mouseClick(dialog.match_button, Qt.MouseButton.LeftButton)
    assert answered.args == [True]
    with qtbot.waitSignal(dialog.matchClicked) as answered:
        qtbot.mouseClick(dialog.mismatch_button, Qt.MouseButton.LeftButton)
    assert answered.args == [False]
    dialog.show_result(False, "The other side said the emoji do not match: nobody was verified.")
    assert dialog.pages.currentIndex() == dialog.RESULT
    assert dialog.title.text() == "Not verified"
    assert "do not match" in dialog.text.text()


def _device(device_id, name="", trust=TrustLevel.UNSIGNED, this=False):
    return OwnDevice(device_id, name, trust, this)


def test_device_model_passes_the_model_tester(qtmodeltester):
    model = DeviceListModel()
    model.set_devices(sample.security_state().devices)
    qtmodeltester.check(model)


def test_device_model_updates_in_place_and_never_resets(qtbot):
    model = DeviceListModel()
    resets, inserted, removed, changed = [], [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    model.rowsRemoved.connect(lambda _p, a, b: removed.append((a, b)))
    model.dataChanged.connect(lambda tl, _br: changed.append(tl.row()))
    a, b, c = _device("A", "a", this=True), _device("B", "b"), _device("C", "c")
    model.set_devices([a, b, c])
    assert inserted == [(0, 2)]
    model.set_devices([a, replace(b, trust=TrustLevel.VERIFIED), _device("D")])
    assert removed == [(2, 2)]
    assert changed == [1]
    assert inserted == [(0, 2), (2, 2)]
    assert [model.index(r).data(DeviceRole.Device).device_id for r in range(3)] == ["A", "B", "D"]
    assert model.index(1).data(DeviceRole.Trust) == "verified"
    assert "this device" in model.index(0).data()
    assert resets == []


def test_security_dialog_says_what_to_do(qtbot):
    dialog = SecurityDialog(None, None)
    qtbot.addWidget(dialog)
    state = sample.security_state()
    dialog.show_state(
        replace(
            state,
            identity_here=False,
            published_identity=False,
            backup_version=None,
            only_verified=None,
            store_mode="passphrase",
        )
    )
    dialog.show()
    assert dialog.setup_button.isVisible()
    assert not dialog.restore_button.isVisible()
    assert "not set up" in dialog.recovery_status.text()
    assert dialog.backup_status.text() == "No key backup on this device yet."
    assert "passphrase" in dialog.local_status.text()
    assert not dialog.only_verified.isVisible()  # the account offers no such option

    dialog.show_state(replace(state, identity_here=False))
    assert dialog.restore_button.isVisible()
    assert not dialog.setup_button.isVisible()
    dialog.show_state(state)
    assert not dialog.restore_button.isVisible()
    assert not dialog.setup_button.isVisible()
    assert dialog.backup_status.text() == "Backup version 3: 148 room keys backed up from here."
    assert dialog.only_verified.isVisible()
    # This device: no verify, no sign-out; another, not verified: both.
    dialog.device_list.setCurrentIndex(dialog.devices.index(0))
    assert not dialog.verify_button.isEnabled()
    assert not dialog.sign_out_button.isEnabled()
    dialog.device_list.setCurrentIndex(dialog.devices.index(2))
    assert dialog.verify_button.isEnabled()
    assert dialog.sign_out_button.isEnabled()
    with qtbot.waitSignal(dialog.verifyDeviceRequested) as asked:
        qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert asked.args == ["PLMOKNIJBU"]


def test_wrong_recovery_keys_are_explained(qtbot):
    from cercle.protocol.trust.recovery import InvalidRecoveryKey
    from cercle.protocol.trust.secrets import WrongRecoveryKey

    dialog = SecurityDialog(None, None)
    qtbot.addWidget(dialog)
    assert "not a recovery key" in dialog.explain(InvalidRecoveryKey("parity"))
    assert "does not open" in dialog.explain(WrongRecoveryKey())


def test_tray_counts_and_always_reports_messages(qtbot):
    tray = Tray()
    tray.set_unread(3)
    assert tray.tooltip() == "Cercle: 3 unread"
    tray.set_unread(0)
    assert tray.tooltip() == "Cercle"
    with qtbot.waitSignal(tray.messageShown) as shown:
        tray.show_message("Léa mentioned you", "Hello")
    assert shown.args == ["Léa mentioned you", "Hello"]
    assert not badge_icon(5).isNull()
    assert not badge_icon(250).isNull()


@pytest.mark.parametrize(
    ("code", "by_us", "start"),
    [
        ("m.timeout", False, "The verification timed out."),
        ("m.mismatched_sas", True, "You said the emoji do not match"),
        ("m.mismatched_sas", False, "The other side said the emoji do not match"),
        ("m.user", False, "The other side cancelled"),
        ("m.user", True, "Verification cancelled."),
        ("m.key_mismatch", False, "The verification stopped: keys differ"),
    ],
)
def test_every_way_a_verification_ends_is_said(qtbot, code, by_us, start):
    from cercle.desktop.trust import VerificationRun
    from cercle.protocol.trust.verification import VerificationCancelled

    run = VerificationRun(None, other_user="@lea:x", own_device=False, incoming=False)
    assert run.explain(VerificationCancelled(code, "keys differ", by_us=by_us)).startswith(start)
