"""The emoji catalogue (`emoji` package): names in the interface language, search, recents."""

from __future__ import annotations

import functools
import threading
import unicodedata
from dataclasses import dataclass

SKIN_TONES = {chr(c) for c in range(0x1F3FB, 0x1F400)}
# What "recent" shows before the user has picked anything: the usual reactions of a workplace.
DEFAULT_RECENT = ("👍", "❤️", "😂", "🎉", "🙏", "👀", "✅", "😊", "🔥", "🚀", "👏", "🤔")
RECENT_SIZE = 24
# Newer emoji show as empty boxes with the colour-emoji fonts desktops ship (Noto Color Emoji
# of 2024 covers 15.1); the data goes further (Unicode 18).
MAX_EMOJI_VERSION = 15.1
_load_lock = threading.Lock()


# The picker's categories, by Unicode block (the package has none): close to Unicode's groups.
CATEGORIES = ("smileys", "people", "nature", "food", "activities", "travel", "objects",
              "symbols", "flags")  # fmt: skip
_RANGES = (  # (first, last, category), the first matching wins
    (0x1F600, 0x1F64F, "smileys"), (0x1F910, 0x1F917, "smileys"), (0x1F920, 0x1F92F, "smileys"),
    (0x1F970, 0x1F97A, "smileys"), (0x1F9D0, 0x1F9D0, "smileys"), (0x1FAE0, 0x1FAEF, "smileys"),
    (0x263A, 0x263A, "smileys"), (0x2639, 0x2639, "smileys"), (0x1F47B, 0x1F47F, "smileys"),
    (0x1F480, 0x1F480, "smileys"), (0x1F4A9, 0x1F4A9, "smileys"),
    (0x1F440, 0x1F450, "people"), (0x1F466, 0x1F487, "people"), (0x1F918, 0x1F91F, "people"),
    (0x1F930, 0x1F93E, "people"), (0x1F9B0, 0x1F9B9, "people"), (0x1F9D1, 0x1F9DF, "people"),
    (0x1FAF0, 0x1FAFF, "people"), (0x261D, 0x261D, "people"), (0x270A, 0x270D, "people"),
    (0x1F574, 0x1F57A, "people"), (0x1F590, 0x1F596, "people"), (0x1F645, 0x1F64F, "people"),
    (0x1F6B6, 0x1F6B6, "people"), (0x1F3C3, 0x1F3CC, "people"), (0x1F9CD, 0x1F9CF, "people"),
    (0x1F32D, 0x1F32F, "food"), (0x1F3C5, 0x1F3C6, "activities"),
    (0x1F400, 0x1F43F, "nature"), (0x1F330, 0x1F344, "nature"), (0x1F980, 0x1F9AE, "nature"),
    (0x1F300, 0x1F32F, "nature"), (0x1FAB0, 0x1FABF, "nature"), (0x1F490, 0x1F490, "nature"),
    (0x1F4AE, 0x1F4AE, "nature"), (0x1F940, 0x1F940, "nature"), (0x2600, 0x2604, "nature"),
    (0x26C4, 0x26C8, "nature"), (0x2744, 0x2744, "nature"),
    (0x1F345, 0x1F37F, "food"), (0x1F950, 0x1F96F, "food"), (0x1F9C0, 0x1F9CB, "food"),
    (0x1FAD0, 0x1FADF, "food"), (0x2615, 0x2615, "food"),
    (0x1F380, 0x1F3CF, "activities"), (0x1F3D0, 0x1F3D3, "activities"),
    (0x1F3F8, 0x1F3FA, "activities"), (0x1F93A, 0x1F94F, "activities"),
    (0x1F9E7, 0x1F9E9, "activities"), (0x26BD, 0x26BE, "activities"),
    (0x26F3, 0x26F3, "activities"), (0x1FA80, 0x1FA8F, "activities"),
    (0x1F680, 0x1F6FF, "travel"), (0x1F3D4, 0x1F3F0, "travel"), (0x26F0, 0x26FD, "travel"),
    (0x2708, 0x2708, "travel"), (0x1F5FA, 0x1F5FF, "travel"), (0x1F30D, 0x1F310, "travel"),
    (0x1F1E6, 0x1F1FF, "flags"), (0x1F3F3, 0x1F3F4, "flags"), (0x1F6A9, 0x1F6A9, "flags"),
    (0x1F38C, 0x1F38C, "flags"),
    (0x1F4A0, 0x1F4FF, "objects"), (0x1F500, 0x1F5FF, "objects"), (0x1FA70, 0x1FAFF, "objects"),
    (0x1F9E0, 0x1F9FF, "objects"), (0x231A, 0x23F3, "objects"), (0x260E, 0x260E, "objects"),
    (0x2702, 0x2712, "objects"),
)  # fmt: skip


def _placed(char: str) -> tuple[str, int]:
    """(category, rank of its block): blocks sort in the order _RANGES lists them."""
    point = ord(char[0])
    for n, (first, last, category) in enumerate(_RANGES):
        if first <= point <= last:
            return category, n
    return "symbols", len(_RANGES)


def category_of(char: str) -> str:
    return _placed(char)[0]


@dataclass(frozen=True)
class Emoji:
    char: str
    shortcode: str  # English CLDR name as a shortcode, without colons: "thumbs_up"
    aliases: tuple[str, ...]  # the usual other shortcodes: "thumbsup", "+1"
    name: str  # words in the language asked for ("pouce vers le haut"), English if none
    category: str = "symbols"


def _words(code: str) -> str:
    return code.strip(":").replace("_", " ")


def _fold(text: str) -> str:
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def catalog(language: str = "en") -> tuple[Emoji, ...]:
    """Every fully-qualified emoji without skin tones, by category then code point, named in
    `language` when the data has it."""
    import emoji as emoji_data  # ~40 ms: loaded when the picker or a completion first needs it

    if language not in emoji_data.LANGUAGES:
        language = "en"
    if language != "en":
        with _load_lock:
            emoji_data.config.load_language(language)
    fully = emoji_data.STATUS["fully_qualified"]
    out = []
    for char, data in emoji_data.EMOJI_DATA.items():
        if data["status"] != fully or SKIN_TONES.intersection(char):
            continue
        if data.get("E", 0) > MAX_EMOJI_VERSION:
            continue
        shortcode = data["en"].strip(":")
        aliases = tuple(a.strip(":") for a in data.get("alias", ()))
        name = _words(data.get(language) or data["en"])
        out.append(Emoji(char, shortcode, aliases, name, category_of(char)))
    order = {c: i for i, c in enumerate(CATEGORIES)}
    out.sort(key=lambda e: (order[e.category], _placed(e.char)[1], [ord(c) for c in e.char]))
    return tuple(out)


@functools.cache
def _by_char(language: str) -> dict[str, Emoji]:
    return {e.char: e for e in catalog(language)}


def lookup(char: str, language: str = "en") -> Emoji | None:
    return _by_char(language).get(char)


@functools.cache
def _index(language: str) -> tuple[tuple[Emoji, tuple[str, ...]], ...]:
    """Each emoji with its searchable words, folded: shortcode, aliases, localized name."""
    out = []
    for e in catalog(language):
        keys = (e.shortcode, *e.aliases, e.name.replace(" ", "_"))
        out.append((e, tuple(dict.fromkeys(_fold(k) for k in keys))))
    return tuple(out)


def search(query: str, language: str = "en", limit: int | None = 50) -> list[Emoji]:
    """Emoji whose shortcode, an alias or a word of their name starts with `query` (case and
    accents ignored; spaces and underscores alike), then those containing it elsewhere."""
    wanted = _fold(query.strip(":").strip()).replace(" ", "_")
    if not wanted:
        return list(catalog(language)[:limit])
    first, second = [], []
    for e, keys in _index(language):
        if any(k.startswith(wanted) or f"_{wanted}" in k for k in keys):
            first.append(e)
        elif any(wanted in k for k in keys):
            second.append(e)
    # Shorter names first: ":thu" wants thumbs_up before thumbs_down_dark_skin_tone.
    first.sort(key=lambda e: (not _starts(e, wanted, language), len(e.shortcode)))
    found = first + second
    return found[:limit] if limit is not None else found


def _starts(e: Emoji, wanted: str, language: str) -> bool:
    return any(_fold(k).startswith(wanted) for k in (e.shortcode, *e.aliases, e.name))


class Recent:
    """The emoji this user picked last, most recent first (kept in memory for the session)."""

    def __init__(self, initial: tuple[str, ...] = DEFAULT_RECENT) -> None:
        self.chars: list[str] = list(initial)

    def use(self, char: str) -> None:
        if char in self.chars:
            self.chars.remove(char)
        self.chars.insert(0, char)
        del self.chars[RECENT_SIZE:]


RECENT = Recent()
