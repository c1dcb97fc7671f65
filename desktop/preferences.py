"""The Preferences menu: language and appearance, applied at once and remembered."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from cercle.desktop.i18n import Translations
from cercle.desktop.settings import UiSettings
from cercle.desktop.theme import Appearance


class PreferencesMenu(QMenu):
    """Radio choices for the language and the theme; each choice is saved in UiSettings.

    The checked items are the ones in effect (a --lang or --theme flag shows as chosen).
    """

    def __init__(
        self,
        settings: UiSettings,
        translations: Translations,
        appearance: Appearance,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.translations = translations
        self.appearance = appearance
        self.language_menu = self.addMenu("")
        self.theme_menu = self.addMenu("")
        self.language_actions = self._radio(
            self.language_menu, ("system", "fr", "en"), translations.choice, self._set_language
        )
        self.theme_actions = self._radio(
            self.theme_menu, ("system", "light", "dark"), appearance.choice, self._set_theme
        )
        self.retranslate()

    def _radio(self, menu: QMenu, values, current: str, chosen) -> dict[str, QAction]:
        group = QActionGroup(menu)
        actions = {}
        for value in values:
            action = menu.addAction("")
            action.setCheckable(True)
            action.setChecked(value == current)
            action.triggered.connect(lambda _checked=False, v=value: chosen(v))
            group.addAction(action)
            actions[value] = action
        return actions

    def _set_language(self, value: str) -> None:
        self.settings.language = value
        self.translations.apply(value)

    def _set_theme(self, value: str) -> None:
        self.settings.theme = value
        self.appearance.apply(value)

    def retranslate(self) -> None:
        self.setTitle(self.tr("&Preferences"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.theme_menu.setTitle(self.tr("&Appearance"))
        self.language_actions["system"].setText(self.tr("As the system"))
        # Each language is named in itself, so that anyone can find theirs.
        self.language_actions["fr"].setText("Français")
        self.language_actions["en"].setText("English")
        self.theme_actions["system"].setText(self.tr("As the system"))
        self.theme_actions["light"].setText(self.tr("Light"))
        self.theme_actions["dark"].setText(self.tr("Dark"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
