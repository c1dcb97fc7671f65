"""Request builders and response parsers for cross-signing, key backup and secret storage."""

from __future__ import annotations

import pytest

from cercle.protocol.trust import api
from cercle.protocol.trust.crosssigning import CrossSigningSecrets

ALICE = "@alice:velotech.test"


def test_device_signing_upload_without_then_with_password_auth():
    keys = CrossSigningSecrets.generate().key_objects(ALICE)
    first = api.device_signing_upload(keys)
    assert first.method == "POST"
    assert first.path == "/_matrix/client/v3/keys/device_signing/upload"
    assert first.body is not None
    assert "auth" not in first.body
    assert set(first.body) == {"master_key", "self_signing_key", "user_signing_key"}
    challenge = api.parse_uia(
        401,
        {
            "flows": [{"stages": ["m.login.password"]}, {"stages": ["m.login.sso"]}],
            "params": {},
            "session": "xyz",
        },
    )
    assert challenge is not None
    assert challenge.password_suffices
    second = api.device_signing_upload(
        keys, auth=api.password_auth(ALICE, "hunter2", challenge.session)
    )
    assert second.body is not None
    assert second.body["auth"] == {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": ALICE},
        "password": "hunter2",
        "session": "xyz",
    }
    with pytest.raises(ValueError, match="not cross-signing keys"):
        api.device_signing_upload({"device_keys": {}})


def test_uia_parsing():
    assert api.parse_uia(403, {"flows": []}) is None
    assert api.parse_uia(401, {"errcode": "M_UNKNOWN_TOKEN"}) is None
    failed = api.parse_uia(
        401,
        {
            "flows": [{"stages": ["m.login.recaptcha", "m.login.password"]}],
            "completed": ["m.login.recaptcha"],
            "session": "s",
            "errcode": "M_FORBIDDEN",
            "error": "Invalid password",
        },
    )
    assert failed is not None
    assert failed.password_suffices  # the other stage is done
    assert failed.errcode == "M_FORBIDDEN"
    sso_only = api.parse_uia(401, {"flows": [{"stages": ["m.login.sso"]}], "session": "s"})
    assert sso_only is not None
    assert not sso_only.password_suffices


def test_signatures_upload_files_objects_by_device_id_or_public_key():
    device = {"user_id": ALICE, "device_id": "DEV1", "keys": {}, "signatures": {}}
    master = {
        "user_id": "@bob:b.test",
        "usage": ["master"],
        "keys": {"ed25519:PUB": "PUB"},
        "signatures": {},
    }
    req = api.signatures_upload([device, master])
    assert req.path == "/_matrix/client/v3/keys/signatures/upload"
    assert req.body == {ALICE: {"DEV1": device}, "@bob:b.test": {"PUB": master}}
    with pytest.raises(ValueError, match="names its user"):
        api.signatures_upload([{"device_id": "X"}])
    failures = api.parse_signatures_upload(
        {"failures": {ALICE: {"DEV1": {"errcode": "M_INVALID_SIGNATURE", "error": "bad"}}}}
    )
    assert failures == [api.SignatureFailure(ALICE, "DEV1", "M_INVALID_SIGNATURE", "bad")]
    assert api.parse_signatures_upload({}) == []


def test_keys_query():
    req = api.keys_query([ALICE])
    assert req.body == {"device_keys": {ALICE: []}, "timeout": 10_000}
    assert api.keys_query({ALICE: ["DEV1"]}, timeout_ms=5).body == {
        "device_keys": {ALICE: ["DEV1"]},
        "timeout": 5,
    }
    result = api.parse_keys_query(
        {"device_keys": {ALICE: {}}, "master_keys": {ALICE: {"x": 1}}, "failures": "junk"}
    )
    assert result.master_keys == {ALICE: {"x": 1}}
    assert result.failures == {}


def test_backup_version_builders_and_parser():
    assert api.backup_version_get().path == "/_matrix/client/v3/room_keys/version"
    assert api.backup_version_get("1").path == "/_matrix/client/v3/room_keys/version/1"
    create = api.backup_version_create({"public_key": "abc"})
    assert create.method == "POST"
    assert create.body == {
        "algorithm": "m.megolm_backup.v1.curve25519-aes-sha2",
        "auth_data": {"public_key": "abc"},
    }
    update = api.backup_version_update("7", {"public_key": "abc"})
    assert update.method == "PUT"
    assert update.body is not None
    assert update.body["version"] == "7"
    assert api.backup_version_delete("7").method == "DELETE"
    version = api.parse_backup_version(
        {
            "algorithm": "m.megolm_backup.v1.curve25519-aes-sha2",
            "auth_data": {"public_key": "abc"},
            "count": 42,
            "etag": "e",
            "version": "1",
        }
    )
    assert version == api.BackupVersion(
        "1", "m.megolm_backup.v1.curve25519-aes-sha2", {"public_key": "abc"}, 42, "e"
    )
    assert api.parse_backup_created({"version": "2"}) == "2"
    with pytest.raises(api.MalformedResponse):
        api.parse_backup_version({"version": 1, "algorithm": "a", "auth_data": {}})


def test_backup_keys_paths_encode_ids_and_carry_the_version():
    room, session = "!room:velotech.test", "ab/cd+ef"
    assert api.backup_keys_get("1").path == "/_matrix/client/v3/room_keys/keys?version=1"
    assert api.backup_keys_get("1", room).path == (
        "/_matrix/client/v3/room_keys/keys/%21room%3Avelotech.test?version=1"
    )
    assert api.backup_keys_delete("1", room, session).path == (
        "/_matrix/client/v3/room_keys/keys/%21room%3Avelotech.test/ab%2Fcd%2Bef?version=1"
    )
    with pytest.raises(ValueError, match="room id"):
        api.backup_keys_get("1", None, session)
    data = {"first_message_index": 0, "forwarded_count": 0, "is_verified": False}
    put = api.backup_keys_put("1", {room: {session: data}})
    assert put.method == "PUT"
    assert put.body == {"rooms": {room: {"sessions": {session: data}}}}
    assert api.backup_session_put("1", room, session, data).body == data


def test_backup_keys_parsers_skip_malformed_entries():
    good = {
        "first_message_index": 1,
        "forwarded_count": 0,
        "is_verified": True,
        "session_data": {"ephemeral": "e", "ciphertext": "c", "mac": "m"},
    }
    rooms, skipped = api.parse_backup_keys(
        {"rooms": {"!r:s": {"sessions": {"good": good, "bad": {"session_data": {}}}}}}
    )
    assert rooms["!r:s"]["good"] == api.KeyBackupData(1, 0, True, good["session_data"])
    assert skipped == ["!r:s/bad"]
    assert api.parse_room_keys_update({"etag": "e", "count": 3}) == api.RoomKeysUpdate("e", 3)
    with pytest.raises(api.MalformedResponse):
        api.parse_room_keys_update({"etag": "e", "count": True})
    with pytest.raises(api.MalformedResponse):
        api.parse_backup_keys({})


def test_account_data():
    get = api.account_data_get(ALICE, "m.secret_storage.key.abc")
    assert get.path == (
        "/_matrix/client/v3/user/%40alice%3Avelotech.test/account_data/m.secret_storage.key.abc"
    )
    put = api.account_data_put(ALICE, "m.secret_storage.default_key", {"key": "abc"})
    assert put.method == "PUT"
    assert put.body == {"key": "abc"}
