"""Languages: picks French or English, installs Cercle's and Qt's translators, switches live."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator, Signal

import cercle.resources

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"  # the language of the strings in the code: needs no translator
LANGUAGES = ("en", "fr")


def translations_dir() -> Path:
    """Where the built `cercle_<lang>.qm` files are (next to their `.ts` sources)."""
    return Path(cercle.resources.__file__).parent / "translations"


def resolve(choice: str, system: QLocale | None = None) -> str:
    """'fr' or 'en' for a choice of 'fr', 'en' or 'system' (the system's first UI language)."""
    if choice in LANGUAGES:
        return choice
    locale = system if system is not None else QLocale.system()
    for name in locale.uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return SOURCE_LANGUAGE


class Translations(QObject):
    """Owns the installed translators; `apply` switches the whole app's language at runtime.

    Installing or removing a translator makes Qt send `QEvent.LanguageChange` to every widget;
    views rebuild their texts in `changeEvent`, delegates translate as they paint. The default
    QLocale follows, so dates and numbers read the way the chosen language writes them.
    """

    languageChanged = Signal(str)  # "fr" or "en"

    def __init__(
        self,
        app: QCoreApplication,
        directory: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._directory = directory if directory is not None else translations_dir()
        self._installed: list[QTranslator] = []
        self.language = SOURCE_LANGUAGE
        self.choice = "system"  # what was asked for: 'fr', 'en' or 'system'

    def apply(self, choice: str) -> str:
        """Switches to `choice` ('fr', 'en' or 'system'); returns the language now in use.

        A missing `.qm` (not built yet) is logged and the strings stay in English.
        """
        language = resolve(choice)
        self.choice = choice if choice in (*LANGUAGES, "system") else "system"
        QLocale.setDefault(QLocale(language))  # first: texts rebuilt on LanguageChange use it
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed = []
        if language != SOURCE_LANGUAGE:
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            self._install(f"qtbase_{language}", qt_dir)  # Qt's own: dialog buttons, menus
            if not self._install(f"cercle_{language}", str(self._directory)):
                log.warning(
                    "no %s translation in %s (run scripts/translations): showing English",
                    language,
                    self._directory,
                )
        self.language = language
        self.languageChanged.emit(language)
        return language

    def _install(self, name: str, directory: str) -> bool:
        translator = QTranslator(self)
        if not translator.load(name, directory):
            return False
        self._app.installTranslator(translator)
        self._installed.append(translator)
        return True
