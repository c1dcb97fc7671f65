"""Secret storage m.secret_storage.v1.aes-hmac-sha2, checked against matrix-js-sdk's output."""

from __future__ import annotations

import pytest

from cercle.protocol.trust import recovery
from cercle.protocol.trust import secrets as s
from cercle.protocol.trust.canonical import decode_base64

KEY = bytes(i * 7 + 3 for i in range(32))
# matrix-js-sdk 43.0.0 calculateKeyCheck(KEY, "AAECAwQFBgcICQoLDA0ODw") — note its padded base64
JS_KEY_CHECK = {
    "iv": "AAECAwQFBgcICQoLDA0ODw==",
    "mac": "LjcEP1luoAJ3Uv8Du7d9QnDFLQ/ydqGaZ4KJyXKM0sg=",
}
# matrix-js-sdk encryptAESSecretStorageItem(SECRET, KEY, "m.cross_signing.master", iv)
SECRET = "c2VjcmV0IG1hc3RlciBrZXkgc2VlZA"
JS_SECRET = {
    "iv": "8J+Qsyvtn7HzfRQxtNiMTw==",
    "ciphertext": "Ni8zLTQFyVJiMjLl8uvng+YDSUyeBi0RQ6cDGBGu",
    "mac": "UwuE64efh/qUJXo0g3+8BvT0p5HXO92clcMzZ2cK8iE=",
}


def js_description() -> s.KeyDescription:
    return s.KeyDescription.from_json(
        "key1", {"algorithm": s.AES_HMAC_SHA2, "name": "m.default", **JS_KEY_CHECK}
    )


def test_key_check_matches_element():
    desc = js_description()
    s.check_key(KEY, desc)
    assert s.key_check_mac(KEY, decode_base64(JS_KEY_CHECK["iv"])) == desc.mac


def test_wrong_key_is_told_in_words():
    wrong = bytearray(KEY)
    wrong[0] ^= 1
    with pytest.raises(s.WrongRecoveryKey) as err:
        s.check_key(bytes(wrong), js_description())
    assert "recovery key" in str(err.value)
    assert "try again" in str(err.value)


def test_element_secret_decrypts_and_our_encryption_matches_it():
    encrypted = s.EncryptedSecret.from_json(JS_SECRET)
    assert s.decrypt_secret(KEY, s.MASTER, encrypted) == SECRET
    ours = s.encrypt_secret(KEY, s.MASTER, SECRET, iv=encrypted.iv)
    assert ours == encrypted
    assert ours.to_json()["mac"] == JS_SECRET["mac"].rstrip("=")  # we write unpadded


def test_secret_name_is_bound_into_the_keys():
    encrypted = s.EncryptedSecret.from_json(JS_SECRET)
    with pytest.raises(s.WrongRecoveryKey):
        s.decrypt_secret(KEY, s.SELF_SIGNING, encrypted)


@pytest.mark.parametrize("field", ["ciphertext", "mac"])
def test_one_flipped_byte_is_detected(field):
    encrypted = s.encrypt_secret(KEY, s.BACKUP, "the backup key")
    blob = bytearray(getattr(encrypted, field))
    blob[0] ^= 0x80
    tampered = s.EncryptedSecret(
        encrypted.iv,
        bytes(blob) if field == "ciphertext" else encrypted.ciphertext,
        bytes(blob) if field == "mac" else encrypted.mac,
    )
    with pytest.raises(s.WrongRecoveryKey):
        s.decrypt_secret(KEY, s.BACKUP, tampered)


def test_new_ivs_clear_bit_63():
    assert all(s.new_iv()[8] & 0x80 == 0 for _ in range(64))


def test_full_round_trip_through_account_data_with_a_passphrase():
    info = recovery.PassphraseInfo.new(iterations=1000)
    key = recovery.derive_key_from_passphrase("hunter2 but longer", info)
    desc = s.new_key_description(key, name="Cercle", passphrase=info)
    assert desc.iv is not None
    assert desc.iv[8] & 0x80 == 0
    account_data = {
        s.DEFAULT_KEY: s.default_key_content(desc.key_id),
        desc.event_type: desc.to_json(),
        s.MASTER: s.store_secret(key, desc, s.MASTER, "master seed"),
    }
    # … and another device reads it back
    key_id = s.parse_default_key(account_data[s.DEFAULT_KEY])
    assert key_id == desc.key_id
    read = s.KeyDescription.from_json(key_id, account_data[s.key_event_type(key_id)])
    assert read == desc
    again = s.key_from_passphrase("hunter2 but longer", read)
    assert s.open_secret(again, read, s.MASTER, account_data[s.MASTER]) == "master seed"
    with pytest.raises(s.WrongRecoveryKey):
        s.open_secret(
            s.key_from_passphrase("hunter3", read), read, s.MASTER, account_data[s.MASTER]
        )


def test_key_right_but_secret_altered_is_not_called_a_wrong_key():
    desc = s.new_key_description(KEY)
    content = s.store_secret(KEY, desc, s.USER_SIGNING, "usk seed")
    entry = content["encrypted"][desc.key_id]
    entry["ciphertext"] = (
        "A" + entry["ciphertext"][1:]
        if entry["ciphertext"][0] != "A"
        else ("B" + entry["ciphertext"][1:])
    )
    with pytest.raises(s.SecretCorrupted):
        s.open_secret(KEY, desc, s.USER_SIGNING, content)


def test_description_without_check_accepts_any_key_as_the_spec_says():
    desc = s.KeyDescription.from_json("k", {"algorithm": s.AES_HMAC_SHA2})
    assert not desc.checkable
    s.check_key(b"\x00" * 32, desc)
    content = s.store_secret(KEY, desc, s.BACKUP, "x")
    with pytest.raises(s.WrongRecoveryKey):  # then a wrong key shows at the secret's MAC
        s.open_secret(bytes(32), desc, s.BACKUP, content)


@pytest.mark.parametrize(
    "content",
    [
        {"algorithm": "m.secret_storage.v1.curve25519-aes-sha2"},
        {"algorithm": s.AES_HMAC_SHA2, "iv": "!!", "mac": "AAAA"},
        {"algorithm": s.AES_HMAC_SHA2, "iv": "AAAA", "mac": "AAAA"},  # iv not 16 bytes
        {"algorithm": s.AES_HMAC_SHA2, "passphrase": {"algorithm": "m.argon2"}},
        [],
    ],
)
def test_malformed_key_descriptions_are_refused(content):
    with pytest.raises(s.SecretStorageError):
        s.KeyDescription.from_json("k", content)


def test_account_data_helpers():
    assert s.key_event_type("abc") == "m.secret_storage.key.abc"
    assert s.parse_default_key({"key": ""}) is None
    assert s.parse_default_key({}) is None
    assert s.parse_secret({"encrypted": {}}, "k") is None
    with pytest.raises(s.SecretStorageError):
        s.parse_secret({}, "k")
    key_ids = {s.new_key_id() for _ in range(20)}
    assert len(key_ids) == 20
    assert all(len(k) == 32 and k.isalnum() for k in key_ids)


def test_private_key_values():
    seed = bytes(range(32))
    assert s.decode_private_key(s.encode_private_key(seed)) == seed
    with pytest.raises(s.SecretStorageError):
        s.decode_private_key(s.encode_private_key(seed)[:-4])
