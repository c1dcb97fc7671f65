"""Secret requests and the checks on received secrets, with canned /keys/query answers."""

from __future__ import annotations

import pytest

from cercle.protocol.trust.backup import BackupKey
from cercle.protocol.trust.crosssigning import CrossSigningSecrets, KeysQueryResult
from cercle.protocol.trust.local import LocalIdentity
from cercle.protocol.trust.secret_sharing import (
    SHAREABLE,
    SecretRejected,
    SecretRequest,
    cancel_content,
    check_backup_secret,
    check_cross_signing_secret,
    parse_request,
    request_content,
    secret_value,
)
from cercle.protocol.trust.secrets import (
    BACKUP,
    MASTER,
    SELF_SIGNING,
    USER_SIGNING,
    encode_private_key,
)

ME = "@moi:velotech.test"
ours = CrossSigningSecrets.generate()
other = CrossSigningSecrets.generate()


def published(keys: CrossSigningSecrets) -> KeysQueryResult:
    objects = keys.key_objects(ME)
    return KeysQueryResult.from_json(
        {
            "device_keys": {ME: {}},
            "master_keys": {ME: objects["master_key"]},
            "self_signing_keys": {ME: objects["self_signing_key"]},
            "user_signing_keys": {ME: objects["user_signing_key"]},
        }
    )


SEEDS = {MASTER: ours.master, SELF_SIGNING: ours.self_signing, USER_SIGNING: ours.user_signing}


@pytest.mark.parametrize("name", [MASTER, SELF_SIGNING, USER_SIGNING])
def test_a_cross_signing_key_matching_our_published_identity_is_taken(name):
    value = encode_private_key(SEEDS[name].seed)
    key = check_cross_signing_secret(
        name, value, published(ours), user_id=ME, trusted_master=ours.master.public_key
    )
    assert key.public_key == SEEDS[name].public_key


@pytest.mark.parametrize("name", [MASTER, SELF_SIGNING, USER_SIGNING])
def test_a_cross_signing_key_that_is_not_the_published_one_is_rejected(name):
    wrong = {MASTER: other.master, SELF_SIGNING: other.self_signing}.get(name, other.user_signing)
    with pytest.raises(SecretRejected, match="does not match our published public key"):
        check_cross_signing_secret(
            name,
            encode_private_key(wrong.seed),
            published(ours),
            user_id=ME,
            trusted_master=ours.master.public_key,
        )


def test_a_key_is_rejected_when_the_server_publishes_another_identity_than_we_verified():
    # The server swapped our identity for one whose keys the sender holds: refused.
    with pytest.raises(SecretRejected, match="not the one this device verified"):
        check_cross_signing_secret(
            SELF_SIGNING,
            encode_private_key(other.self_signing.seed),
            published(other),
            user_id=ME,
            trusted_master=ours.master.public_key,
        )


def test_no_cross_signing_key_is_taken_before_this_device_knows_our_identity():
    with pytest.raises(SecretRejected, match="verify it first"):
        check_cross_signing_secret(
            MASTER,
            encode_private_key(ours.master.seed),
            published(ours),
            user_id=ME,
            trusted_master=None,
        )


@pytest.mark.parametrize("value", [None, 42, "not base64!", encode_private_key(bytes(32))[:-2]])
def test_malformed_secrets_are_rejected(value):
    with pytest.raises(SecretRejected):
        check_cross_signing_secret(
            MASTER, value, published(ours), user_id=ME, trusted_master=ours.master.public_key
        )
    with pytest.raises(SecretRejected):
        check_backup_secret(value, BackupKey.generate().public_key)


def test_the_backup_key_must_open_the_current_backup():
    key = BackupKey.generate()
    value = encode_private_key(key.to_bytes())
    assert check_backup_secret(value, key.public_key).public_key == key.public_key
    with pytest.raises(SecretRejected, match="does not open"):
        check_backup_secret(value, BackupKey.generate().public_key)
    with pytest.raises(SecretRejected, match="does not open"):
        check_backup_secret(value, None)


def test_requests_and_cancellations_round_trip():
    content = request_content(SELF_SIGNING, "r1", "LAPTOP")
    assert parse_request(content) == SecretRequest("request", SELF_SIGNING, "LAPTOP", "r1")
    assert parse_request(cancel_content("r1", "LAPTOP")) == SecretRequest(
        "request_cancellation", None, "LAPTOP", "r1"
    )
    for broken in (
        None,
        {**content, "action": "give"},
        {**content, "request_id": ""},
        {k: v for k, v in content.items() if k != "requesting_device_id"},
        {k: v for k, v in content.items() if k != "name"},
    ):
        assert parse_request(broken) is None


def test_what_we_would_send_is_only_what_we_hold():
    backup = BackupKey.generate()
    full = LocalIdentity(ours.master.public_key, ours, backup)
    assert secret_value(full, SELF_SIGNING) == encode_private_key(ours.self_signing.seed)
    assert secret_value(full, BACKUP) == encode_private_key(backup.to_bytes())
    assert secret_value(full, "m.something.else") is None
    public_only = LocalIdentity(ours.master.public_key)
    assert [secret_value(public_only, n) for n in SHAREABLE] == [None] * 4
    assert secret_value(None, MASTER) is None
