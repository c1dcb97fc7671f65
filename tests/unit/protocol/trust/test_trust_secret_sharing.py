"""Secret requests and the checks on received secrets, with canned /keys/query answers."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from cercle.protocol.trust import secret_sharing
from cercle.protocol.trust.backup import BackupKey
from cercle.protocol.trust.crosssigning import CrossSigningSecrets, KeysQueryResult
from cercle.protocol.trust.local import LocalIdentity
from cercle.protocol.trust.olm_gate import OlmPayload
from cercle.protocol.trust.secret_sharing import (
    REQUEST,
    SHAREABLE,
    SecretRejected,
    SecretRequest,
    SecretSharing,
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


class _Devices:
    def __init__(self, master: str | None, trusted_curve: str) -> None:
        self.master, self.trusted_curve = master, trusted_curve
        self.saved: list[LocalIdentity] = []

    async def trusted_master(self):
        return self.master

    async def find(self, *, curve25519=None, ed25519=None, device_id=None):
        if curve25519 == self.trusted_curve:
            return SimpleNamespace(device_id="PHONE"), "cross-signed by our identity"
        return None, "not verified (neither cross-signed by our identity nor by emoji here)"

    def local(self):
        devices = self

        class Local:
            def identity(self):
                return LocalIdentity(devices.master) if devices.master else None

            def save_identity(self, identity):
                devices.saved.append(identity)

        return Local()


def _sharing(monkeypatch, master: str | None = ours.master.public_key):
    sent: list = []

    async def call(request):
        return await request

    async def to_device(message):
        sent.append(message)

    async def keys(_client):
        return published(ours)

    monkeypatch.setattr(secret_sharing, "query_own_keys", keys)
    client = SimpleNamespace(
        user_id=ME, call=call, nio=SimpleNamespace(device_id="LAPTOP", to_device=to_device)
    )
    devices = _Devices(master, "PHONE-CURVE")
    sharing = SecretSharing(SimpleNamespace(client=client), devices, None)  # type: ignore[arg-type]
    return sharing, sent, devices


def _send(request_id: str, secret: str, *, sender: str = ME, curve: str = "PHONE-CURVE"):
    content = {"request_id": request_id, "secret": secret}
    return OlmPayload(sender, curve, "ed", "m.secret.send", content)


def test_a_secret_is_taken_only_for_a_request_we_made_then_the_others_are_cancelled(monkeypatch):
    async def scenario():
        sharing, sent, _ = _sharing(monkeypatch)
        await sharing.request([SELF_SIGNING])
        (asked,) = sent
        assert (asked.type, asked.recipient, asked.recipient_device) == (REQUEST, ME, "*")
        request_id = asked.content["request_id"]
        value = encode_private_key(ours.self_signing.seed)

        await sharing._receive(_send("not-ours", value))
        assert sharing.outcomes[-1] == (
            "not-ours",
            "ignored: a secret we did not ask for (or already have)",
        )
        await sharing._receive(_send(request_id, value, curve="ELSEWHERE"))
        assert sharing.outcomes[-1][1].startswith("ignored: the sending device is not verified")
        wrong = encode_private_key(other.self_signing.seed)
        await sharing._receive(_send(request_id, wrong))
        assert sharing.outcomes[-1][1] == (
            f"rejected from PHONE: {SELF_SIGNING} does not match our published public key"
        )
        assert sharing.pending == {request_id: SELF_SIGNING}

        await sharing._receive(_send(request_id, value))
        assert sharing.outcomes[-1] == (request_id, f"received {SELF_SIGNING} from PHONE")
        assert sharing.pending == {}
        assert sent[-1].content == cancel_content(request_id, "LAPTOP")
        assert (sent[-1].recipient, sent[-1].recipient_device) == (ME, "*")
        # Taken once: the same answer again is not asked for any more.
        await sharing._receive(_send(request_id, value))
        assert sharing.outcomes[-1][1].startswith("ignored: a secret we did not ask for")

    asyncio.run(scenario())


def test_nothing_is_taken_from_another_user_even_for_our_request_id(monkeypatch):
    async def scenario():
        sharing, sent, _ = _sharing(monkeypatch)
        await sharing.request([MASTER])
        request_id = sent[0].content["request_id"]
        value = encode_private_key(ours.master.seed)
        await sharing._receive(_send(request_id, value, sender="@eve:velotech.test"))
        assert sharing.outcomes[-1][1] == "ignored: a secret from another user @eve:velotech.test"
        assert sharing.pending == {request_id: MASTER}

    asyncio.run(scenario())
