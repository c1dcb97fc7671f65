"""UI preferences (language, theme) in QSettings — a plain file, so never anything secret."""

from __future__ import annotations

import re

from PySide6.QtCore import QSettings

LANGUAGES = ("system", "fr", "en")
THEMES = ("system", "light", "dark")
_FOLDER = re.compile(r"^[0-9]{1,4}$")  # an added account's profile folder: a number, nothing more


class UiSettings:
    """The user's interface choices; each setter writes through at once.

    Only preferences live here: QSettings stores them in clear (an .ini or .conf file), so a
    token, a key or a passphrase must never come near this class.
    """

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else QSettings()

    @property
    def language(self) -> str:
        return self._choice("ui/language", LANGUAGES)

    @language.setter
    def language(self, value: str) -> None:
        self._set("ui/language", value, LANGUAGES)

    @property
    def theme(self) -> str:
        return self._choice("ui/theme", THEMES)

    @theme.setter
    def theme(self, value: str) -> None:
        self._set("ui/theme", value, THEMES)

    def account_folders(self, group: str) -> list[str]:
        """The folders of the accounts added next to a profile (`group`: a digest of its path,
        never the path, a name or a user id — those stay in each encrypted profile)."""
        raw = self._store.value(f"accounts/{group}", "")
        if isinstance(raw, str):
            names = raw.split(",")
        else:  # a hand-edited file may hold a list
            names = [str(n) for n in raw] if isinstance(raw, list) else []
        return list(dict.fromkeys(n for n in names if _FOLDER.match(n)))

    def set_account_folders(self, group: str, folders: list[str]) -> None:
        if not all(_FOLDER.match(f) for f in folders):
            raise ValueError(f"account folders are numbers, not {folders!r}")
        self._store.setValue(f"accounts/{group}", ",".join(folders))
        self._store.sync()

    def _choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self._store.value(key, allowed[0])
        return value if value in allowed else allowed[0]  # a hand-edited file cannot break us

    def _set(self, key: str, value: str, allowed: tuple[str, ...]) -> None:
        if value not in allowed:
            raise ValueError(f"{key} must be one of {', '.join(allowed)}, not {value!r}")
        self._store.setValue(key, value)
        self._store.sync()
