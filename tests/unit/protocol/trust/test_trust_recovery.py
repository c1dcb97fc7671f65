"""Recovery keys (appendices: "Cryptographic key representation") and passphrase keys."""

from __future__ import annotations

import base58
import pytest

from cercle.protocol.trust import recovery as r

# Vectors produced by matrix-js-sdk 43.0.0's encodeRecoveryKey / deriveRecoveryKeyFromPassphrase
# (the code Element runs), for inputs chosen here: an independent implementation's output.
KEY = bytes(i * 7 + 3 for i in range(32))
JS_VECTORS = [
    (KEY, "EsT1 t3bE JPZs Bz9H xApv jfQh PY9X gmGM bhbN Kz2L 2t9n aeKB"),
    (b"\xff" * 32, "EsUK 2TRo ZKTB CKmv wEDA o6rq tTYu aKzp eJ9f 95nM 3VHk Xbnq"),
    (bytes(32), "EsSz ygLv VP1b xF1C v7kE eBQx MxDP buG5 w25T L3b6 hfyG Kkrd"),
]


@pytest.mark.parametrize(("key", "text"), JS_VECTORS)
def test_encoding_matches_element(key, text):
    assert r.encode_recovery_key(key) == text
    assert r.decode_recovery_key(text) == key


def test_layout_follows_the_spec_steps():
    text = r.encode_recovery_key(KEY)
    groups = text.split(" ")
    assert all(len(g) == 4 for g in groups[:-1])
    assert 1 <= len(groups[-1]) <= 4
    raw = base58.b58decode(text.replace(" ", ""))
    assert raw[:2] == b"\x8b\x01"
    assert raw[2:34] == KEY
    assert len(raw) == 35
    parity = 0
    for b in raw[:-1]:
        parity ^= b
    assert raw[-1] == parity


@pytest.mark.parametrize(
    "typed",
    [
        "EsT1t3bEJPZsBz9HxApvjfQhPY9XgmGMbhbNKz2L2t9naeKB",
        "  EsT1 t3bE\tJPZs Bz9H\nxApv jfQh PY9X gmGM bhbN Kz2L 2t9n aeKB  ",
        "EsT1-t3bE".replace("-", " ") + " JPZs Bz9H xApv jfQh PY9X gmGM bhbN Kz2L 2t9n aeKB",
    ],
)
def test_whitespace_is_ignored(typed):
    assert r.decode_recovery_key(typed) == KEY


@pytest.mark.parametrize(
    ("typed", "detail"),
    [
        ("EsT1 t3bE JPZs Bz9H xApv jfQh PY9X gmGM bhbN Kz2L 2t9n aeKC", "parity"),  # one typo
        ("EsT1 t3bE JPZs Bz9H xApv jfQh PY9X gmGM bhbN Kz2L 2t9n aeK", ""),  # one lost
        ("EsT1 t3bE JPZs Bz9H xApv jfQh PY9X", "bytes"),  # truncated
        ("EsT1 t3bE JPZs Bz9H xApv jfQh PY9X gmGM bhbN Kz2L 2t9n aeKO", "alphabet"),  # O
        ("", "empty"),
        ("EsT1 t3bE JPZs Bz9H xApv jfQh PY9X gmGM bhbN Kz2L 2t9n aéKB", "alphabet"),
    ],
)
def test_bad_keys_get_a_message_a_user_understands(typed, detail):
    with pytest.raises(r.InvalidRecoveryKey) as err:
        r.decode_recovery_key(typed)
    assert "not a valid recovery key" in str(err.value)
    assert "typos" in str(err.value)
    assert detail in err.value.detail


def test_wrong_prefix_is_refused():
    payload = b"\x8b\x02" + KEY
    parity = 0
    for b in payload:
        parity ^= b
    text = base58.b58encode(payload + bytes([parity])).decode()
    with pytest.raises(r.InvalidRecoveryKey) as err:
        r.decode_recovery_key(text)
    assert err.value.detail == "wrong prefix"


def test_every_single_character_typo_is_caught():
    text = r.encode_recovery_key(KEY).replace(" ", "")
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    for i in range(2, len(text)):  # the first two characters only carry the fixed prefix
        typo = text[:i] + alphabet[(alphabet.index(text[i]) + 1) % 58] + text[i + 1 :]
        with pytest.raises(r.InvalidRecoveryKey):
            r.decode_recovery_key(typo)


def test_round_trip_of_random_keys():
    for _ in range(50):
        key = r.new_key()
        assert r.decode_recovery_key(r.encode_recovery_key(key)) == key


def test_pbkdf2_matches_element():
    # matrix-js-sdk deriveRecoveryKeyFromPassphrase("correct horse battery staple", "MmMsAlty",
    # 1000, 256): the salt is used as its UTF-8 text, not base64-decoded.
    info = r.PassphraseInfo.from_json(
        {"algorithm": "m.pbkdf2", "salt": "MmMsAlty", "iterations": 1000}
    )
    assert info.bits == 256
    key = r.derive_key_from_passphrase("correct horse battery staple", info)
    assert key.hex() == "2321998332a004103e526592d93c08adce8ec2b6a0f9ffe00ab4f9b757d320af"


def test_passphrase_info_round_trips_and_new_salts_differ():
    info = r.PassphraseInfo.new()
    assert r.PassphraseInfo.from_json(info.to_json()) == info
    assert info.iterations == r.DEFAULT_ITERATIONS
    assert len(info.salt) == 32
    assert r.PassphraseInfo.new().salt != info.salt


@pytest.mark.parametrize(
    "bad",
    [
        {"algorithm": "m.scrypt", "salt": "s", "iterations": 1},
        {"algorithm": "m.pbkdf2", "salt": "", "iterations": 1},
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": 0},
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": True},
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": 2**31},  # a server's DoS
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": 1, "bits": 255},
        "m.pbkdf2",
    ],
)
def test_unusable_passphrase_info_is_refused(bad):
    with pytest.raises(r.InvalidPassphraseInfo):
        r.PassphraseInfo.from_json(bad)
