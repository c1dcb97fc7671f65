"""Appearance: light and dark Fusion palettes, following the system unless the user chose one."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")
Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# (role, light, dark); every text colour keeps ≥ 4.5:1 on its background in both. In the dark
# one, Base (fields, lists) is lighter than Window: Fusion outlines fields with a darker Window,
# which would vanish against a darker Base.
_COLOURS = [
    (Role.Window, "#f3f4f6", "#1b1e22"),
    (Role.WindowText, "#1b1f24", "#e4e6ea"),
    (Role.Base, "#ffffff", "#262a30"),
    (Role.AlternateBase, "#eef0f3", "#2d3138"),
    (Role.Text, "#1b1f24", "#e4e6ea"),
    (Role.Button, "#e9ebef", "#343942"),
    (Role.ButtonText, "#1b1f24", "#e4e6ea"),
    (Role.BrightText, "#ffffff", "#ffffff"),
    (Role.Highlight, "#1864ab", "#2f6fb3"),
    (Role.HighlightedText, "#ffffff", "#ffffff"),
    (Role.PlaceholderText, "#646b75", "#8e959f"),
    (Role.ToolTipBase, "#ffffff", "#343942"),
    (Role.ToolTipText, "#1b1f24", "#e4e6ea"),
    (Role.Link, "#1864ab", "#74b4f2"),
    (Role.LinkVisited, "#5f3dc4", "#b197fc"),
]
_DISABLED_TEXT = ("#8a9099", "#6d737c")
_ERROR = ("#c92a2a", "#ff8a8a")  # red readable on Window and Base in each theme


def palette(dark: bool) -> QPalette:
    """The explicit light or dark palette (Fusion derives its bevels from Button and Window)."""
    pick = 2 if dark else 1
    button = next(c[pick] for c in _COLOURS if c[0] == Role.Button)
    window = next(c[pick] for c in _COLOURS if c[0] == Role.Window)
    result = QPalette(QColor(button), QColor(window))  # computes Light, Mid, Dark, Shadow
    for entry in _COLOURS:
        result.setColor(entry[0], QColor(entry[pick]))
    disabled = QColor(_DISABLED_TEXT[pick - 1])
    for role in (Role.WindowText, Role.Text, Role.ButtonText, Role.PlaceholderText):
        result.setColor(Group.Disabled, role, disabled)
    result.setColor(Group.Disabled, Role.Base, result.color(Role.Window))
    result.setColor(Group.Disabled, Role.Highlight, result.color(Role.Mid))
    return result


def is_dark(palette: QPalette) -> bool:
    return palette.color(Role.Window).lightness() < 128


def error_colour(palette: QPalette) -> QColor:
    """The red for error words, readable on this palette's background."""
    return QColor(_ERROR[1] if is_dark(palette) else _ERROR[0])


def style_error_label(label) -> None:
    """Paints a QLabel's text in the error red of the app's palette (again when it changes)."""
    own = label.palette()
    own.setColor(Role.WindowText, error_colour(QApplication.palette()))
    label.setPalette(own)


def _luminance(colour: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 to 21."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable(colour: QColor, background: QColor, minimum: float = 4.5) -> QColor:
    """`colour`, lightened on a dark background or darkened on a light one until it reads."""
    result = QColor(colour)
    lighten = background.lightness() < 128
    for _ in range(20):
        if contrast(result, background) >= minimum:
            break
        result = result.lighter(112) if lighten else result.darker(112)
        if lighten and result.lightness() >= 250:
            break
    return result


class Appearance(QObject):
    """Applies a theme choice ('system', 'light', 'dark') to the app, live.

    'system' follows the platform's colour scheme, and keeps following it when it changes.
    """

    themeChanged = Signal(bool)  # dark?

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self.choice = "system"
        self.dark = False
        app.setStyle("Fusion")  # the one style that honours a custom palette everywhere
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)

    def apply(self, choice: str) -> bool:
        """Sets the palette for `choice`; returns whether it is dark."""
        if choice not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {choice!r}")
        self.choice = choice
        hints = QGuiApplication.styleHints()
        if choice == "system":
            hints.unsetColorScheme()
            dark = hints.colorScheme() == Qt.ColorScheme.Dark
        else:
            dark = choice == "dark"
            # Asks the platform too (window decorations), where it supports it.
            hints.setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
        self._set(dark)
        return dark

    def _system_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.choice == "system":
            self._set(scheme == Qt.ColorScheme.Dark)

    def _set(self, dark: bool) -> None:
        self.dark = dark
        self._app.setPalette(palette(dark))
        self.themeChanged.emit(dark)
