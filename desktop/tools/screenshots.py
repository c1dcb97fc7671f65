"""Renders Cercle's screens offscreen with canned data, in French and English, light and dark."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from cercle.desktop.dialogs.emoji_picker import EmojiPicker
from cercle.desktop.dialogs.passphrase import PassphraseDialog
from cercle.desktop.dialogs.profile import ProfileDialog
from cercle.desktop.dialogs.security import SecurityDialog
from cercle.desktop.dialogs.verification import VerificationDialog
from cercle.desktop.i18n import Translations
from cercle.desktop.models.messages import MessageModel
from cercle.desktop.models.rooms import RoomListModel, RoomRole
from cercle.desktop.theme import Appearance
from cercle.desktop.tools import account_screens, community_screens, login_screens, sample
from cercle.desktop.views.home import HomeView

LANGUAGES = ("fr", "en")
THEMES = ("light", "dark")


def settle() -> None:
    for _ in range(3):  # posted LanguageChange events, then the layouts they dirty
        QCoreApplication.processEvents()


def home_view() -> HomeView:
    """The signed-in screen with sample rooms, the partners' room open."""
    rooms, messages = RoomListModel(), MessageModel()
    view = HomeView(rooms, messages)
    rooms.setParent(view)
    messages.setParent(view)
    rooms.apply(sample.rooms())
    view.set_account(sample.ME)
    view.room_list.itemDelegate().quiet = sample.QUIET_ROOMS  # type: ignore[attr-defined]
    for row in range(view.proxy.rowCount()):
        index = view.proxy.index(row, 0)
        if index.data(RoomRole.Summary).room_id == sample.PARTNERS:
            view.room_list.setCurrentIndex(index)
    messages.show_room(sample.PARTNERS, sample.partner_day())
    view.composer.set_text("")
    return view


def sample_photo(width: int = 480, height: int = 300) -> bytes:
    """A picture for the sample image message: a sky, a hall, a stand with bikes (PNG bytes)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF
    from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QPen

    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    sky = QLinearGradient(0, 0, 0, height)
    sky.setColorAt(0, QColor("#8ec5fc"))
    sky.setColorAt(1, QColor("#e0c3fc"))
    painter.fillRect(image.rect(), sky)
    painter.fillRect(QRectF(0, height * 0.62, width, height * 0.38), QColor("#d9d4cf"))
    painter.fillRect(
        QRectF(width * 0.12, height * 0.25, width * 0.76, height * 0.42), QColor("#2e6f8e")
    )
    painter.fillRect(
        QRectF(width * 0.12, height * 0.25, width * 0.76, height * 0.08), QColor("#f2a541")
    )
    painter.setPen(QPen(QColor("#1d1d1d"), 4))
    for n in range(4):
        x = width * (0.2 + n * 0.18)
        y = height * 0.78
        painter.drawEllipse(QPointF(x, y), 22, 22)
        painter.drawEllipse(QPointF(x + 62, y), 22, 22)
        painter.drawLine(QPointF(x, y), QPointF(x + 30, y - 30))
        painter.drawLine(QPointF(x + 30, y - 30), QPointF(x + 62, y))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub wants bytes; Qt a str
    return bytes(data.data())


def timeline_view() -> HomeView:
    """A busy afternoon: a photo, a file, reactions, a reply, a thread (its summary, and its
    panel open), read receipts, someone typing, a message to unlock by verifying."""
    view = home_view()
    rows, receipts, thread = sample.busy_timeline()
    delegate = view.timeline.delegate
    delegate.thumbnails.put("$m201", sample_photo())
    view.messages.show_room(sample.PARTNERS, rows)
    view.messages.own_user_id = sample.ME
    view.messages.set_receipts(sample.PARTNERS, receipts)
    view.timeline.room_opened("$m200")  # read up to the first: the unread bar shows
    view.timeline.set_typing(sample.PARTNERS, (sample.PEOPLE["@lea.moreau:rouelibre.example"],))
    view.thread_panel.open_thread(sample.PARTNERS, "$m204")
    view.thread_panel.show_thread(sample.PARTNERS, "$m204", thread)
    view.composer.set_text("")
    return view


def community_view() -> HomeView:
    """A community chosen on the rail, the partners' room open with its side panel on Members."""
    view = home_view()
    view.show_community(sample.VELOTECH)
    view.select_room(sample.PARTNERS)
    view.show_details(True)
    panel = view.side_panel
    panel.show_rows("members", sample.PARTNERS, sample.members())
    panel.show_rows("threads", sample.PARTNERS, sample.room_threads())
    panel.show_rows("files", sample.PARTNERS, sample.room_files())
    panel.show_rows("pinned", sample.PARTNERS, sample.room_pins())
    view.composer.set_text("")
    return view


def composing_view(trigger: str) -> HomeView:
    """The partners' room while writing: replying to Léa, a file on its way, and the
    suggestions open: people after "@" (trigger "@"), emoji after ":" (trigger ":thu")."""
    view = home_view()
    composer = view.composer
    composer.set_enabled(True)
    composer.set_room(sample.PARTNERS)
    composer.set_members(sample.PARTNERS, sample.mention_candidates())
    lea = "@lea.moreau:rouelibre.example"
    composer.start_reply("$m9", sample.PEOPLE[lea], "On garde le créneau de 10 h pour la démo ?")
    composer.uploads.progress("$upload", "Plan du stand v2.pdf", 310_000, 482_000)
    composer.editor.insertPlainText(f"Oui, parfait {trigger}")
    return view


def emoji_picker() -> EmojiPicker:
    """The picker as the emoji button opens it: recent emoji, the first one selected."""
    return EmojiPicker(popup=False)


def passphrase_dialog() -> PassphraseDialog:
    """A first start without a keyring, after a too-short passphrase (the error shows)."""
    dialog = PassphraseDialog(creating=True)
    dialog.passphrase.setText("court")
    dialog.confirm.setText("court")
    dialog._accept()  # shows the reason, as a click on OK would
    return dialog


def verification_dialog() -> VerificationDialog:
    """The 7 emoji of a verification with a partner, waiting for the user's answer."""
    dialog = VerificationDialog(None, sample.PEOPLE[sample.VERIFYING])
    dialog.show_emoji(sample.SAS_EMOJI)
    return dialog


def security_dialog() -> SecurityDialog:
    """Recovery and backup set up, three devices (one not verified, selected), a keyring."""
    dialog = SecurityDialog(None, None)
    dialog.show_state(sample.security_state())
    dialog.device_list.setCurrentIndex(dialog.devices.index(2))
    return dialog


def profile_dialog() -> ProfileDialog:
    """Your display name, picture, user id and server, the name just saved."""
    dialog = ProfileDialog(None, None)
    dialog.show_profile(sample.own_profile())
    dialog.note.setText(dialog.tr("Your name is now {name}.").format(name=dialog.name.text()))
    return dialog


def shoot(widget: QWidget, path: Path, width: int, height: int | None = None) -> None:
    widget.resize(width, height or widget.sizeHint().height())
    widget.show()
    settle()
    if isinstance(widget, HomeView):  # the community view too
        widget.message_list.scrollToBottom()
        widget.composer.refresh_suggestions()  # placed again now that the window has its size
        settle()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")


def render(out: Path, app: QApplication) -> list[Path]:
    """Every screen × language × theme; views are switched live, as a user would."""
    out.mkdir(parents=True, exist_ok=True)
    translations = Translations(app)
    appearance = Appearance(app)
    home, community = home_view(), community_view()
    composing = (composing_view("@"), composing_view(":thu"))
    written = []
    for language in LANGUAGES:
        translations.apply(language)
        for theme in THEMES:
            appearance.apply(theme)
            settle()
            name = f"{language}-{theme}"
            shots = [
                *login_screens.shots(),  # found with SSO, waiting, an error, expired
                (home, "home", 1100, 700),
                (community, "community", 1280, 760),
                (timeline_view(), "timeline-busy", 1280, 760),
                (passphrase_dialog(), "passphrase", 480, None),
                (verification_dialog(), "verification", 560, None),
                (security_dialog(), "security", 660, None),
                (profile_dialog(), "profile", 520, None),
                (composing[0], "composer-mention", 1100, 700),
                (composing[1], "composer-emoji", 1100, 700),
                (emoji_picker(), "emoji-picker", 400, None),
                *community_screens.shots(home_view),  # governance: header, charter, roles, ACL
                *account_screens.shots(home_view),  # a company and a partner identity side by side
            ]
            for widget, screen, width, height in shots:
                path = out / f"{screen}-{name}.png"
                shoot(widget, path, width, height)
                written.append(path)
                if widget is home:  # the older day too: separators, formatting, deletion
                    home.message_list.scrollToTop()
                    settle()
                    path = out / f"timeline-top-{name}.png"
                    if not home.grab().save(str(path)):
                        raise OSError(f"could not write {path}")
                    written.append(path)
                if widget is community:  # the same room's files
                    community.side_panel.show_tab("files")
                    settle()
                    path = out / f"community-files-{name}.png"
                    if not community.grab().save(str(path)):
                        raise OSError(f"could not write {path}")
                    written.append(path)
                    community.side_panel.show_tab("members")
                if (
                    isinstance(widget, QDialog)
                    or screen in community_screens.SCREENS
                    or screen in account_screens.SCREENS
                    or screen in login_screens.SCREENS
                ):
                    widget.deleteLater()
    home.deleteLater()
    community.deleteLater()
    for view in composing:
        view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    return written


def quiet_offscreen(kind: QtMsgType, _context, text: str) -> None:
    """Qt's messages go to stderr, but for offscreen's harmless one on every show()."""
    if "propagateSizeHints" not in text:
        print(text, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="screenshots", help="folder for the PNG files")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    qInstallMessageHandler(quiet_offscreen)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Cercle")
    for path in render(Path(args.out), app):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
