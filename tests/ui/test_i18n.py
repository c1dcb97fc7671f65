"""Languages: live switching, English when no .qm is built, a complete and well-typeset French."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings

import cercle.protocol.seed
from cercle.desktop.demo import PROGRESS_STEPS
from cercle.desktop.i18n import Translations, resolve, translations_dir
from cercle.desktop.models.messages import MessageModel
from cercle.desktop.models.rooms import RoomListModel
from cercle.desktop.settings import UiSettings
from cercle.desktop.views.home import HomeView
from cercle.desktop.views.login import LoginView

TS = translations_dir() / "cercle_fr.ts"
BIN = Path(sys.executable).parent
NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def qm_dir(tmp_path):
    """cercle_fr.qm built from the committed .ts, as scripts/translations does."""
    subprocess.run(
        [BIN / "pyside6-lrelease", "-silent", TS, "-qm", tmp_path / "cercle_fr.qm"], check=True
    )
    return tmp_path


@pytest.fixture
def translations(qapp):
    """A Translations manager; afterwards the app is English again with its former locale."""
    created = []
    locale = QLocale()

    def make(directory: Path) -> Translations:
        manager = Translations(qapp, directory)
        created.append(manager)
        return manager

    yield make
    for manager in created:
        manager.apply("en")
    QLocale.setDefault(locale)


def test_switching_language_retranslates_visible_widgets(qtbot, translations, qm_dir):
    login = LoginView()
    home = HomeView(RoomListModel(), MessageModel())
    login.resize(900, 640)
    for view in (login, home):
        qtbot.addWidget(view)
        view.show()
    home.set_account("@camille:example.com")
    assert login.submit.text() == "Sign in"

    manager = translations(qm_dir)
    assert manager.apply("fr") == "fr"
    qtbot.waitUntil(lambda: login.submit.text() == "Se connecter")  # no restart
    assert login.labels[2].text() == "Mot de passe"
    # The longer French subtitle wraps; the card grows instead of squeezing the fields.
    qtbot.waitUntil(lambda: login.user.height() >= login.user.sizeHint().height())
    assert login.user.placeholderText() == "@nom:example.com ou nom"
    assert home.composer.send_button.text() == "Envoyer"
    assert home.room_title.text() == "Choisissez un salon"
    assert home.account_label.text() == f"Compte connecté{NBSP}: @camille:example.com"
    assert QLocale().language() == QLocale.Language.French  # dates and numbers follow

    login.set_busy(True)
    manager.apply("en")
    qtbot.waitUntil(lambda: login.submit.text() == "Signing in…")  # keeps its state
    assert home.composer.send_button.text() == "Send"


def test_a_missing_qm_falls_back_to_english(qtbot, translations, tmp_path):
    login = LoginView()
    qtbot.addWidget(login)
    manager = translations(tmp_path / "nothing-built-here")
    assert manager.apply("fr") == "fr"
    qtbot.wait(10)  # let a LanguageChange through, were there one
    assert login.submit.text() == "Sign in"
    assert LoginView().submit.text() == "Sign in"


def test_the_system_language_decides_unless_chosen():
    assert resolve("system", QLocale("fr_CA")) == "fr"
    assert resolve("system", QLocale("fr_BE")) == "fr"
    assert resolve("system", QLocale("de_DE")) == "en"
    assert resolve("en", QLocale("fr_FR")) == "en"
    assert resolve("fr", QLocale("en_GB")) == "fr"


def test_preferences_persist_and_hold_nothing_else(tmp_path):
    path = str(tmp_path / "cercle.ini")
    settings = UiSettings(QSettings(path, QSettings.Format.IniFormat))
    assert (settings.language, settings.theme) == ("system", "system")
    settings.language, settings.theme = "fr", "dark"
    again = UiSettings(QSettings(path, QSettings.Format.IniFormat))
    assert (again.language, again.theme) == ("fr", "dark")
    with pytest.raises(ValueError, match="language"):
        again.language = "klingon"
    assert sorted(QSettings(path, QSettings.Format.IniFormat).allKeys()) == [
        "ui/language",
        "ui/theme",
    ]


def test_a_hand_edited_settings_file_falls_back_to_defaults(tmp_path):
    path = tmp_path / "cercle.ini"
    path.write_text("[ui]\nlanguage=tlh\ntheme=neon\n")
    settings = UiSettings(QSettings(str(path), QSettings.Format.IniFormat))
    assert (settings.language, settings.theme) == ("system", "system")


def _messages(ts: Path) -> list[tuple[str, ET.Element]]:
    root = ET.parse(ts).getroot()
    return [(m.findtext("source") or "", m.find("translation")) for m in root.iter("message")]


def test_french_is_complete_and_up_to_date_with_the_code(tmp_path):
    messages = _messages(TS)
    assert len(messages) > 50
    unfinished = [s for s, t in messages if t is None or t.get("type") or not t.text]
    assert unfinished == []
    # lupdate over today's code finds nothing the .ts lacks (run scripts/translations if so).
    fresh = tmp_path / "fresh.ts"
    shutil.copy(TS, fresh)
    root = Path(cercle.protocol.seed.__file__).resolve().parents[1] / "desktop"
    subprocess.run(
        [BIN / "pyside6-lupdate", "-silent", "-extensions", "py", root, "-ts", fresh], check=True
    )
    new = [s for s, t in _messages(fresh) if t is not None and t.get("type") == "unfinished"]
    assert new == []


def test_french_typography_and_placeholders():
    for source, translation in _messages(TS):
        text = translation.text or ""
        assert re.findall(r"\{[^}]*\}", source) == re.findall(r"\{[^}]*\}", text), source
        assert not re.search(r" [:;?!»]|« ", text), f"breakable space in {text!r}"
        prose = re.sub(r"\{[^}]*\}|@\S+", "", text)  # placeholders and Matrix ids aside
        assert not re.search(r"\w[:;?!]", prose), f"no space before punctuation in {text!r}"
        assert "'" not in text, f"typewriter apostrophe in {text!r}"
        assert "..." not in text, f"three dots for an ellipsis in {text!r}"


def test_every_demo_step_reported_by_the_protocol_is_marked_for_translation():
    source = Path(cercle.protocol.seed.__file__).read_text()
    steps = re.findall(r'progress\("([^"]+)"\)', source)
    assert steps
    assert set(steps) <= set(PROGRESS_STEPS)


def test_why_a_message_cannot_be_read_is_said_in_the_interface_language(translations, qm_dir):
    from cercle.desktop.delegates.common import undecryptable_text

    assert undecryptable_text("sent_before_joined") == "Encrypted message sent before you joined"
    assert undecryptable_text("no-such-cause").endswith("has not reached this device yet")
    # m.room_key.withheld codes (protocol/megolm.py) each say what happened.
    withheld = ["withheld", "withheld_unverified", "withheld_blacklisted", "withheld_no_olm"]
    assert len({undecryptable_text(c) for c in withheld}) == len(withheld)
    assert undecryptable_text("withheld_unverified").endswith("only with verified devices")
    translations(qm_dir).apply("fr")
    assert undecryptable_text("sent_before_joined") == "Message chiffré envoyé avant votre arrivée"
    assert undecryptable_text("withheld_unverified").endswith("qu’avec les appareils vérifiés")


def test_demo_progress_is_translated_on_the_ui_thread(qtbot, ui_loop, monkeypatch):
    """open_demo reports from a worker thread; the translation and the label happen on the UI
    thread (Qt is never touched from the worker)."""
    del ui_loop  # set as the event loop: the launcher posts to it
    import asyncio
    import threading

    from PySide6.QtCore import QCoreApplication, QObject

    import cercle.desktop.demo as demo_module

    ui_thread = threading.get_ident()
    threads: dict[str, int] = {}
    shown: list[str] = []

    class Window(QObject):
        def show_progress(self, text: str) -> None:
            threads.setdefault("shown", threading.get_ident())
            shown.append(text)

    class Bridge:  # runs the work on a thread of its own, as the protocol thread does
        def run(self, coro, on_success=None, on_failure=None):
            threading.Thread(target=asyncio.run, args=(coro,)).start()

    class Session:
        bridge = Bridge()

    def open_demo(*, reset, progress):
        progress(PROGRESS_STEPS[2])

    def tr(self, text, *_args):
        threads.setdefault(text, threading.get_ident())
        return QCoreApplication.translate("DemoLauncher", text)

    monkeypatch.setattr(demo_module, "open_demo", open_demo)
    monkeypatch.setattr(demo_module.DemoLauncher, "tr", tr)
    window = Window()
    launcher = demo_module.DemoLauncher(window, Session(), reset=False)  # type: ignore[arg-type]
    launcher.start()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=5_000)
    assert shown[1] == PROGRESS_STEPS[2]
    assert threads[PROGRESS_STEPS[2]] == ui_thread
    assert threads["shown"] == ui_thread
