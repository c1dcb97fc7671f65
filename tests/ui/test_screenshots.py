"""The screenshot tool renders every screen in both languages and both themes, offscreen."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from cercle.desktop.tools import sample, screenshots


def test_screens_render_in_both_languages_and_themes(qapp, tmp_path):
    style, former, locale = qapp.style().name(), QApplication.palette(), QLocale()
    try:
        written = screenshots.render(tmp_path, qapp)
    finally:
        QGuiApplication.styleHints().unsetColorScheme()
        qapp.setStyle(style)
        qapp.setPalette(former)
        QLocale.setDefault(locale)
    names = sorted(p.name for p in written)
    # Every screen comes in both languages and both themes.
    screens = {name.rsplit("-", 2)[0] for name in names}
    variants = {f"{lang}-{theme}" for lang in ("fr", "en") for theme in ("light", "dark")}
    assert {f"{screen}-{v}.png" for screen in screens for v in variants} == set(names)
    assert len(screens) >= 11
    assert "composer-mention-fr-dark.png" in names
    assert "composer-emoji-en-light.png" in names
    assert "emoji-picker-fr-light.png" in names
    assert "community-fr-light.png" in names
    assert "community-files-en-dark.png" in names
    assert "verification-fr-light.png" in names
    assert "security-en-dark.png" in names
    assert "home-fr-dark.png" in names
    assert "timeline-top-en-light.png" in names
    home = QImage(str(tmp_path / "home-fr-dark.png"))
    assert (home.width(), home.height()) == (1100, 700)
    assert home.pixelColor(2, 690).lightness() < 60  # a dark window really was painted


def test_sample_community_has_subspaces_unread_and_people_from_several_servers():
    rooms = sample.rooms().rooms
    spaces = [r for r in rooms if r.is_space]
    assert any(s.parents for s in spaces)  # a subspace
    assert any(r.is_direct for r in rooms)
    assert any(r.highlight_count for r in rooms)
    assert len({m.server for m in sample.members()}) >= 3
    assert any(m.external for m in sample.members())


def test_sample_data_has_what_the_screens_must_show():
    day = sample.partner_day()
    assert {m.state for m in day} == {"sent", "failed", "sending"}
    assert len({m.sender for m in day}) >= 4
    assert any(m.html for m in day)
    assert any(m.reply_to for m in day)
    assert any(m.edited for m in day)
    assert any(m.redacted for m in day)
    assert any(chip.mine for m in day for chip in m.reactions)
    rooms = sample.rooms().rooms
    assert any(r.external_servers for r in rooms)
    assert any(r.invited for r in rooms)
