"""The composer on its own: keys, growth, blocked state and placeholder (no server)."""

from __future__ import annotations

import re

from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from cercle.desktop import emojis
from cercle.desktop.models.completion import (
    CompletionRole,
    EmojiGridModel,
    Suggestion,
    SuggestionModel,
)
from cercle.desktop.views.composer import MAX_LINES, Composer
from cercle.protocol.composing import MentionCandidate


def make(qtbot) -> Composer:
    composer = Composer()
    qtbot.addWidget(composer)
    composer.resize(500, 200)
    composer.show()
    composer.set_enabled(True)
    return composer


def test_enter_sends_and_shift_enter_adds_a_line(qtbot):
    composer = make(qtbot)
    sent: list[str] = []
    composer.sendRequested.connect(sent.append)
    qtbot.keyClicks(composer.editor, "first")
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(composer.editor, "second")
    assert sent == []
    assert composer.text() == "first\nsecond"
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return)
    assert sent == ["first\nsecond"]
    assert composer.text() == ""


def test_editor_grows_up_to_its_maximum(qtbot):
    composer = make(qtbot)
    editor = composer.editor
    one = editor.sizeHint().height()
    assert one == editor.lines_height(1)
    composer.set_text("a\nb\nc")
    assert editor.sizeHint().height() == editor.lines_height(3)
    composer.set_text("\n".join("x" * 30))
    assert editor.sizeHint().height() == editor.lines_height(MAX_LINES)
    assert editor.maximumHeight() == editor.lines_height(MAX_LINES)
    composer.set_text("")
    assert editor.sizeHint().height() == one


def test_blocked_composer_shows_the_reason_and_its_action(qtbot):
    composer = make(qtbot)
    sent: list[str] = []
    composer.sendRequested.connect(sent.append)
    composer.set_text("hello")
    composer.set_blocked("Accept the charter to write here.", "Read and accept the charter")
    assert composer.is_blocked()
    assert not composer.editor.isVisible()
    assert composer.blocked.reason.text() == "Accept the charter to write here."
    assert composer.blocked.action.isVisible()
    composer.send()
    assert sent == []
    with qtbot.waitSignal(composer.blockedActionRequested):
        qtbot.mouseClick(composer.blocked.action, Qt.MouseButton.LeftButton)
    composer.set_blocked(None)
    assert composer.editor.isVisible()
    assert composer.text() == "hello"  # the draft survived
    composer.send()
    assert sent == ["hello"]


def test_blocked_without_action_has_no_button(qtbot):
    composer = make(qtbot)
    composer.set_blocked("Only moderators post here.", None)
    assert not composer.blocked.action.isVisible()


def test_placeholder_is_set_and_restored(qtbot):
    composer = make(qtbot)
    default = composer.editor.placeholderText()
    composer.set_placeholder("Share news with the whole company")
    assert composer.editor.placeholderText() == "Share news with the whole company"
    composer.set_placeholder(None)
    assert composer.editor.placeholderText() == default


PARTNER = MentionCandidate("@bob:partner.example", "Bob Lefèvre", "partner.example", True)
COLLEAGUE = MentionCandidate("@elo:velotech.example", "Élodie", "velotech.example", False)


def in_window(qtbot) -> Composer:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(600, 400)
    layout = QVBoxLayout(window)
    layout.addStretch(1)
    composer = Composer(window)
    layout.addWidget(composer)
    window.show()
    composer.set_enabled(True)
    composer.set_room("!a:velotech.example")
    composer.test_window = window  # type: ignore[attr-defined]  # keeps it alive
    return composer


def test_mention_completion_asks_for_members_and_inserts_a_pill(qtbot):
    composer = in_window(qtbot)
    wanted: list[str] = []
    composer.membersWanted.connect(wanted.append)
    qtbot.keyClicks(composer.editor, "Merci @bo")
    assert wanted == ["!a:velotech.example"]
    composer.set_members("!a:velotech.example", [PARTNER, COLLEAGUE])
    assert composer.popup is not None
    assert composer.popup.isVisible()
    item = composer.suggestions.index(0, 0).data(CompletionRole.Item)
    assert (item.key, item.external) == ("@bob:partner.example", True)
    assert "external" in composer.suggestions.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return)
    assert not composer.popup.isVisible()
    qtbot.keyClicks(composer.editor, "!")
    assert composer.editor.mentioned() == ["@bob:partner.example"]
    assert composer.text() == "Merci [Bob Lefèvre](https://matrix.to/#/%40bob%3Apartner.example) !"
    assert composer.editor.toPlainText() == "Merci Bob Lefèvre !"


def test_arrows_choose_and_escape_closes_the_list(qtbot):
    composer = in_window(qtbot)
    composer.set_members("!a:velotech.example", [PARTNER, COLLEAGUE])
    qtbot.keyClicks(composer.editor, "@")
    assert composer.suggestions.rowCount() == 2
    qtbot.keyClick(composer.editor, Qt.Key.Key_Down)
    assert composer.popup.currentIndex().row() == 1
    qtbot.keyClick(composer.editor, Qt.Key.Key_Escape)
    assert not composer.popup.isVisible()
    qtbot.keyClicks(composer.editor, "e")  # the same word goes on: the list stays closed
    assert not composer.popup.isVisible()
    qtbot.keyClicks(composer.editor, " :thu")
    assert composer.popup.isVisible()
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return)
    assert composer.editor.toPlainText() == "@e 👍"


def test_a_draft_stays_with_its_room(qtbot):
    composer = in_window(qtbot)
    composer.set_members("!a:velotech.example", [PARTNER])
    qtbot.keyClicks(composer.editor, "Pour @bo")
    qtbot.keyClick(composer.editor, Qt.Key.Key_Tab)
    qtbot.keyClicks(composer.editor, "demain")
    composer.start_reply("$q", "Bob", "Une question ?")
    composer.set_room("!b:velotech.example")
    assert composer.text() == ""
    assert not composer.banner.isVisible()
    qtbot.keyClicks(composer.editor, "ailleurs")
    composer.set_room("!a:velotech.example")
    assert composer.editor.toPlainText() == "Pour Bob Lefèvre demain"
    assert composer.editor.mentioned() == ["@bob:partner.example"]
    assert (composer.mode, composer.target) == ("reply", "$q")
    assert composer.banner.label.text() == "Replying to Bob: Une question ?"
    assert composer.draft_of("!b:velotech.example") == "ailleurs"


def test_reply_and_edit_modes_send_with_their_target_and_escape_cancels(qtbot):
    composer = in_window(qtbot)
    replies, edits, plain = [], [], []
    composer.replySendRequested.connect(lambda text, eid: replies.append((text, eid)))
    composer.editSendRequested.connect(lambda text, eid: edits.append((text, eid)))
    composer.sendRequested.connect(plain.append)
    composer.start_reply("$q", "Bob", "x" * 200)
    assert composer.banner.label.text().endswith("…")
    qtbot.keyClicks(composer.editor, "oui")
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return)
    assert replies == [("oui", "$q")]
    assert not composer.banner.isVisible()

    qtbot.keyClicks(composer.editor, "brouillon")
    composer.start_edit("$mine", "ancien texte")
    assert composer.text() == "ancien texte"
    assert composer.send_button.text() == "Save"
    qtbot.keyClick(composer.editor, Qt.Key.Key_Escape)
    assert composer.mode == ""
    assert composer.text() == "brouillon"  # what was there before the edit comes back
    composer.editor.clear()

    up: list[bool] = []
    composer.editLastRequested.connect(lambda: up.append(True))
    qtbot.keyClick(composer.editor, Qt.Key.Key_Up)
    assert up == [True]
    qtbot.keyClicks(composer.editor, "en cours")
    composer.start_edit("$mine", "ancien")
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return)
    assert edits == []  # unchanged: no edit sent
    assert composer.text() == "en cours"  # and the text from before the edit is back
    composer.start_edit("$mine", "ancien")
    composer.editor.selectAll()
    qtbot.keyClicks(composer.editor, "nouveau")
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return)
    assert edits == [("nouveau", "$mine")]
    assert composer.text() == "en cours"
    assert plain == []


def test_pasted_files_and_images_are_not_text(qtbot, tmp_path):
    composer = in_window(qtbot)
    files, data = [], []
    composer.filesChosen.connect(files.append)
    composer.pictureChosen.connect(lambda *picture: data.append(picture))
    document = tmp_path / "a.txt"
    document.write_text("x")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(document))])
    composer.editor.insertFromMimeData(mime)
    assert files == [[document]]
    image = QMimeData()
    picture = QImage(4, 4, QImage.Format.Format_RGB32)
    picture.fill(0)
    image.setImageData(picture)
    composer.editor.insertFromMimeData(image)
    [(width, height, rgba, name)] = data  # pixels: the protocol thread makes the PNG
    assert (width, height, len(rgba)) == (4, 4, 4 * 4 * 4)
    assert rgba[:4] == b"\x00\x00\x00\xff"  # black, opaque, in R, G, B, A order
    assert re.fullmatch(r"image \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png", name)
    text = QMimeData()
    text.setHtml("<b>gras</b>")
    text.setText("gras")
    composer.editor.insertFromMimeData(text)
    assert composer.text() == "gras"


def test_upload_rows_progress_cancel_and_refusal(qtbot):
    composer = in_window(qtbot)
    cancelled: list[str] = []
    composer.uploadCancelRequested.connect(cancelled.append)
    uploads = composer.uploads
    uploads.progress("t1", "plan.pdf", 50, 200)
    assert uploads.isVisible()
    assert uploads.value("t1") == 25
    uploads.rows["t1"].button.click()
    assert cancelled == ["t1"]
    assert not uploads.isVisible()
    uploads.progress("t2", "other.pdf", 10, 200, "!b:velotech.example")
    assert not uploads.isVisible()  # another room's upload
    composer.set_room("!b:velotech.example")
    assert uploads.isVisible()
    composer.set_room("!a:velotech.example")
    uploads.remove("t2")
    uploads.fail("refused:big.iso", "big.iso", "Not sent: too big")
    row = uploads.rows["refused:big.iso"]
    assert row.error.text() == "Not sent: too big"
    assert row.button.text() == "Dismiss"
    row.button.click()
    assert cancelled == ["t1"]  # dismissing a refusal cancels nothing
    assert not uploads.rows


def test_emoji_picker_search_and_keyboard(qtbot):
    composer = in_window(qtbot)
    picker = composer.open_emoji_picker()
    qtbot.waitUntil(picker.isActiveWindow)
    assert picker.category() == "recent"
    assert picker.model.rowCount() > 0
    qtbot.keyClicks(picker.search, "thumbs")
    assert picker.model.emoji(0).char == "👍"
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    assert picker.grid.hasFocus()
    qtbot.keyClick(picker.grid, Qt.Key.Key_Right)
    second = picker.model.emoji(1).char
    qtbot.keyClick(picker.grid, Qt.Key.Key_Return)
    assert composer.editor.toPlainText() == second
    assert emojis.RECENT.chars[0] == second
    picker = composer.open_emoji_picker()
    picker.show_category("food")
    assert picker.model.emoji(0).category == "food"
    assert all(b.accessibleName() for b in picker.tabs.buttons())
    qtbot.keyClick(picker.search, Qt.Key.Key_Escape)
    assert not picker.isVisible()


def test_suggestion_and_emoji_models_pass_the_model_tester(qtmodeltester):
    model = SuggestionModel()
    model.set_items([Suggestion.of_member(PARTNER), Suggestion.of_member(COLLEAGUE)])
    qtmodeltester.check(model)
    model.set_items([Suggestion.of_emoji(e) for e in emojis.search("heart", limit=5)])
    qtmodeltester.check(model)
    grid = EmojiGridModel()
    grid.set_emoji(emojis.search("cat"))
    qtmodeltester.check(grid)


def test_every_control_has_an_accessible_name(qtbot):
    composer = in_window(qtbot)
    composer.start_reply("$q", "Bob", "?")
    for widget in (
        composer.editor,
        composer.send_button,
        composer.emoji_button,
        composer.attach_button,
        composer.banner.close_button,
    ):
        assert widget.accessibleName(), widget.objectName()


def test_unblocking_gives_the_focus_back_to_the_editor(qtbot):
    """Qt's stack alone gives the focus back to the page's last focused widget (here the
    attach button, where a stray Enter would open a file dialog); the composer puts it in the
    editor. (Blocking from the editor and unblocking would pass on Qt's behaviour alone: the
    stack moves the focus to the shown page's last focused widget, both ways.)"""
    composer = in_window(qtbot)
    window = composer.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    composer.attach_button.setFocus()
    qtbot.waitUntil(composer.attach_button.hasFocus)
    composer.set_blocked("Accept the charter first.", "Read the charter…")
    composer.blocked.action.setFocus()
    qtbot.waitUntil(composer.blocked.action.hasFocus)
    composer.set_blocked(None)
    assert composer.editor.hasFocus()


def test_the_list_closes_when_the_editor_loses_the_focus(qtbot):
    composer = in_window(qtbot)
    window = composer.window()
    other = QPushButton("elsewhere", window)
    window.layout().addWidget(other)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    composer.editor.setFocus()
    composer.set_members("!a:velotech.example", [PARTNER])
    qtbot.keyClicks(composer.editor, "@bo")
    assert composer.popup.isVisible()
    other.setFocus()
    assert not composer.popup.isVisible()
