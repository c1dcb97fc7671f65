"""Appearance: light and dark palettes with readable text, the override, and live switching."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from cercle.desktop.delegates.common import AVATAR_COLOURS
from cercle.desktop.i18n import Translations
from cercle.desktop.preferences import PreferencesMenu
from cercle.desktop.settings import UiSettings
from cercle.desktop.theme import Appearance, contrast, error_colour, palette, readable
from cercle.desktop.views.login import LoginView

Role = QPalette.ColorRole


@pytest.fixture
def appearance(qapp):
    """An Appearance on the test app; its style, palette and colour scheme restored after."""
    style, former = qapp.style().name(), QApplication.palette()
    yield Appearance(qapp)
    QGuiApplication.styleHints().unsetColorScheme()
    qapp.setStyle(style)
    qapp.setPalette(former)


def test_the_dark_override_applies_a_dark_palette(qtbot, appearance):
    login = LoginView()
    qtbot.addWidget(login)
    login.show()
    assert appearance.apply("dark") is True
    assert QApplication.palette().color(Role.Window).lightness() < 50
    qtbot.waitUntil(lambda: login.palette().color(Role.WindowText).lightness() > 200)
    assert QApplication.style().name().lower() == "fusion"
    assert appearance.apply("light") is False
    assert QApplication.palette().color(Role.Window).lightness() > 230


def test_system_follows_the_platform_scheme_until_overridden(appearance):
    appearance.apply("system")
    appearance._system_changed(Qt.ColorScheme.Dark)  # as the platform's signal would
    assert appearance.dark
    appearance._system_changed(Qt.ColorScheme.Light)
    assert not appearance.dark
    appearance.apply("dark")
    appearance._system_changed(Qt.ColorScheme.Light)  # an explicit choice holds
    assert appearance.dark


@pytest.mark.parametrize("dark", [False, True])
def test_text_reads_on_both_palettes(dark):
    colours = palette(dark)
    pairs = [
        (Role.Text, Role.Base),
        (Role.WindowText, Role.Window),
        (Role.ButtonText, Role.Button),
        (Role.HighlightedText, Role.Highlight),
        (Role.PlaceholderText, Role.Base),
        (Role.Link, Role.Base),
        (Role.ToolTipText, Role.ToolTipBase),
    ]
    for text, background in pairs:
        assert contrast(colours.color(text), colours.color(background)) >= 4.5, text
    for background in (Role.Window, Role.Base):
        assert contrast(error_colour(colours), colours.color(background)) >= 4.5
    for avatar in AVATAR_COLOURS:  # sender names are painted in their avatar's colour
        base = colours.color(Role.Base)
        assert contrast(readable(QColor(avatar), base), base) >= 4.5, avatar


def test_the_login_error_stays_readable_when_the_theme_changes(qtbot, appearance):
    login = LoginView()
    qtbot.addWidget(login)
    login.show()
    login.show_error("Wrong user name or password.")
    for choice in ("dark", "light", "dark"):
        appearance.apply(choice)

        def readable_error() -> bool:
            text = login.error.palette().color(Role.WindowText)
            return contrast(text, QApplication.palette().color(Role.Window)) >= 4.5

        qtbot.waitUntil(readable_error)


def test_the_preferences_menu_switches_live_and_remembers(qtbot, qapp, appearance, tmp_path):
    settings = UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    translations = Translations(qapp, tmp_path)  # no .qm there: English stays
    locale = QLocale()
    try:
        menu = PreferencesMenu(settings, translations, appearance)
        qtbot.addWidget(menu)
        menu.theme_actions["dark"].trigger()
        assert appearance.dark
        assert settings.theme == "dark"
        menu.language_actions["fr"].trigger()
        assert settings.language == "fr"
        assert translations.language == "fr"
        saved = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
        assert (saved.value("ui/theme"), saved.value("ui/language")) == ("dark", "fr")
    finally:
        translations.apply("en")
        QLocale.setDefault(locale)
