"""The emoji catalogue: shortcode search, names in French, categories, recents."""

from __future__ import annotations

from cercle.desktop import emojis


def test_shortcode_prefix_finds_thumbs_up_first():
    assert emojis.search(":thu")[0].char == "👍"
    assert emojis.search("+1")[0].char == "👍"
    assert emojis.search("thumbsup")[0].char == "👍"


def test_french_names_are_searchable_and_shown():
    thumbs = emojis.lookup("👍", "fr")
    assert thumbs is not None
    assert thumbs.name == "pouce vers le haut"
    assert emojis.search("pouce", "fr")[0].char == "👍"
    assert emojis.search("coeur rouge", "fr")[0].char == "❤️"  # œ typed as oe
    assert emojis.search(":thu", "fr")[0].char == "👍"  # English shortcodes work in French too


def test_unknown_language_falls_back_to_english():
    thumbs = emojis.lookup("👍", "xx")
    assert thumbs is not None
    assert thumbs.name == "thumbs up"


def test_catalogue_has_no_skin_tones_and_starts_with_faces():
    catalog = emojis.catalog()
    assert not any(emojis.SKIN_TONES.intersection(e.char) for e in catalog)
    assert catalog[0].category == "smileys"
    assert [e.category for e in catalog] == sorted(
        (e.category for e in catalog), key=emojis.CATEGORIES.index
    )
    assert emojis.lookup("🍕").category == "food"
    assert emojis.lookup("🇫🇷").category == "flags"


def test_emoji_too_new_for_the_fonts_are_left_out():
    assert emojis.lookup("\U0001faf9") is None  # leftwards thumb sign, Emoji 18
    assert emojis.lookup("🫰") is not None  # Emoji 14


def test_no_match_and_empty_query():
    assert emojis.search("zzzzqqq") == []
    assert len(emojis.search("", limit=5)) == 5


def test_recent_keeps_the_latest_first_and_bounded():
    recent = emojis.Recent(("👍", "❤️"))
    recent.use("❤️")
    recent.use("🎉")
    assert recent.chars[:3] == ["🎉", "❤️", "👍"]
    for n in range(40):
        recent.use(chr(0x1F600 + n))
    assert len(recent.chars) == emojis.RECENT_SIZE
