"""The composer on its own: keys, growth, blocked state and placeholder (no server)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cercle.desktop.views.composer import MAX_LINES, Composer


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
    one = composer.editor.height()
    composer.set_text("a\nb\nc")
    three = composer.editor.height()
    assert three > one
    composer.set_text("\n".join("x" * 30))
    assert composer.editor.height() == composer.editor._lines_height(MAX_LINES)
    composer.set_text("")
    assert composer.editor.height() == one


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
