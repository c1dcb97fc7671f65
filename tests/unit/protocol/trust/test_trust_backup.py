"""Key backup v1 session data, cross-checked both ways with vodozemac's PkEncryption."""

from __future__ import annotations

import json

import pytest
import vodozemac

from cercle.protocol.trust import backup as b
from cercle.protocol.trust.canonical import NamedSigningKey, SigningKey, decode_base64
from cercle.protocol.trust.canonical import encode_base64 as b64

SESSION = b.BackedUpSession(
    session_key="AQAAAABvWMNZjKFtebYIePKieQguozuoLgzeY6wKcyJjLJcJhmplbmlwI",
    sender_key="RF3s+E7RkTQTGF2d8Deol0FkQvgII2aJDf3/Jp5mxVU",
    sender_claimed_keys={"ed25519": "aj40p+aw64yPIdsxoog8jhPu9i7l7NcFRecuOQblE3Y"},
    forwarding_curve25519_key_chain=("hPQNcabIABgGnx3/ACv/jmMmiQHoeFfuLB17tzWp6Hw",),
)


def test_our_session_data_opens_with_vodozemac():
    key = b.BackupKey.generate()
    data = b.encrypt_session(key.public_key, SESSION.to_json())
    pk = vodozemac.PkDecryption.from_key(vodozemac.Curve25519SecretKey.from_bytes(key.to_bytes()))
    assert pk.public_key.to_base64() == key.public_key
    message = vodozemac.Message.from_base64(data["ciphertext"], data["mac"], data["ephemeral"])
    assert json.loads(pk.decrypt(message)) == SESSION.to_json()  # vodozemac checks the v1 MAC


def test_vodozemac_session_data_opens_with_ours():
    key = b.BackupKey.generate()
    pk = vodozemac.PkEncryption.from_key(vodozemac.Curve25519PublicKey.from_base64(key.public_key))
    m = pk.encrypt(json.dumps(SESSION.to_json()).encode())
    data = {"ephemeral": b64(m.ephemeral_key), "ciphertext": b64(m.ciphertext), "mac": b64(m.mac)}
    assert b.BackedUpSession.from_json(b.decrypt_session(key, data)) == SESSION


def test_mac_is_over_the_empty_buffer_and_eight_bytes():
    key = b.BackupKey.generate()
    data = b.encrypt_session(key.public_key, {"a": 1})
    assert len(decode_base64(data["mac"])) == 8
    # Two encryptions of different data under the same ephemeral key share the MAC: it does not
    # cover the ciphertext (the libolm bug the spec documents).
    eph = bytes(range(32))
    one = b.encrypt_session(key.public_key, {"a": 1}, ephemeral=eph)
    two = b.encrypt_session(key.public_key, {"b": 2}, ephemeral=eph)
    assert one["mac"] == two["mac"]
    assert one["ciphertext"] != two["ciphertext"]


def test_wrong_key_is_told_in_words():
    data = b.encrypt_session(b.BackupKey.generate().public_key, SESSION.to_json())
    with pytest.raises(b.WrongBackupKey) as err:
        b.decrypt_session(b.BackupKey.generate(), data)
    assert "does not open your key backup" in str(err.value)


def test_flipped_mac_byte_is_refused():
    key = b.BackupKey.generate()
    data = b.encrypt_session(key.public_key, SESSION.to_json())
    mac = bytearray(decode_base64(data["mac"]))
    mac[0] ^= 1
    with pytest.raises(b.WrongBackupKey):
        b.decrypt_session(key, {**data, "mac": b64(bytes(mac))})


def test_mangled_ciphertext_is_an_error_not_garbage():
    key = b.BackupKey.generate()
    data = b.encrypt_session(key.public_key, SESSION.to_json())
    ct = bytearray(decode_base64(data["ciphertext"]))
    ct[-1] ^= 0xFF  # breaks the PKCS#7 padding or the JSON
    with pytest.raises(b.BackupError):
        b.decrypt_session(key, {**data, "ciphertext": b64(bytes(ct))})
    with pytest.raises(b.BackupError):
        b.decrypt_session(key, {**data, "ciphertext": b64(bytes(ct[:-3]))})
    with pytest.raises(b.BackupError):
        b.decrypt_session(key, {"ciphertext": data["ciphertext"]})


def test_low_order_ephemeral_key_is_refused():
    key = b.BackupKey.generate()
    data = b.encrypt_session(key.public_key, {"a": 1})
    with pytest.raises(b.BackupError):
        b.decrypt_session(key, {**data, "ephemeral": b64(bytes(32))})


def test_backup_key_round_trips():
    key = b.BackupKey.generate()
    assert b.BackupKey(key.to_bytes()).public_key == key.public_key
    assert b64(key.to_bytes()) not in repr(key)


def test_backed_up_session_validation():
    assert b.BackedUpSession.from_json(SESSION.to_json()) == SESSION
    bad = {**SESSION.to_json(), "algorithm": "m.olm.v1.curve25519-aes-sha2"}
    with pytest.raises(b.BackupError):
        b.BackedUpSession.from_json(bad)
    with pytest.raises(b.BackupError):
        b.BackedUpSession.from_json({**SESSION.to_json(), "sender_claimed_keys": {"ed25519": 1}})


def test_key_backup_data_shape():
    key = b.BackupKey.generate()
    data = b.key_backup_data(
        key.public_key, SESSION, first_message_index=3, forwarded_count=0, is_verified=True
    )
    assert set(data) == {"first_message_index", "forwarded_count", "is_verified", "session_data"}
    assert b.BackedUpSession.from_json(b.decrypt_session(key, data["session_data"])) == SESSION


# -- trust -------------------------------------------------------------------------------------

USER = "@camille:velotech.test"


def test_backup_signed_by_our_master_key_is_trusted_and_tampering_is_not():
    master = SigningKey.generate()
    auth = b.make_auth_data(b.BackupKey.generate().public_key, user_id=USER, signers=[master])
    trust = b.backup_trust(
        b.BACKUP_ALGORITHM, auth, user_id=USER, trusted_master_key=master.public_key
    )
    assert trust.trusted
    swapped = {**auth, "public_key": b.BackupKey.generate().public_key}  # a server's swap
    assert not b.backup_trust(
        b.BACKUP_ALGORITHM, swapped, user_id=USER, trusted_master_key=master.public_key
    ).trusted


def test_backup_signed_by_a_verified_device_is_trusted_only_if_verified():
    device = NamedSigningKey(bytes(range(32)), "ed25519:DEVICEA")
    auth = b.make_auth_data(b.BackupKey.generate().public_key, user_id=USER, signers=[device])
    assert b.backup_trust(
        b.BACKUP_ALGORITHM, auth, user_id=USER, verified_devices={"DEVICEA": device.public_key}
    ).trusted
    assert not b.backup_trust(b.BACKUP_ALGORITHM, auth, user_id=USER, verified_devices={}).trusted
    other = SigningKey.generate()
    assert not b.backup_trust(
        b.BACKUP_ALGORITHM, auth, user_id=USER, verified_devices={"DEVICEA": other.public_key}
    ).trusted


def test_signature_by_someone_else_or_unknown_algorithm_is_not_trusted():
    master = SigningKey.generate()
    auth = b.make_auth_data(
        b.BackupKey.generate().public_key, user_id="@mallory:evil.test", signers=[master]
    )
    assert not b.backup_trust(
        b.BACKUP_ALGORITHM, auth, user_id=USER, trusted_master_key=master.public_key
    ).trusted
    mine = b.make_auth_data(b.BackupKey.generate().public_key, user_id=USER, signers=[master])
    assert not b.backup_trust(
        "m.megolm_backup.v2", mine, user_id=USER, trusted_master_key=master.public_key
    ).trusted


def test_backup_whose_key_we_hold_is_trusted_unsigned():
    key = b.BackupKey.generate()
    auth = {"public_key": key.public_key}
    assert b.backup_trust(b.BACKUP_ALGORITHM, auth, user_id=USER, backup_key=key).trusted
    assert not b.backup_trust(
        b.BACKUP_ALGORITHM, auth, user_id=USER, backup_key=b.BackupKey.generate()
    ).trusted
