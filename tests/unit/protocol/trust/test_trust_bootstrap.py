"""Recovery plumbing without a server: user-interactive auth, local records sealed against the
server, room keys exported to the backup and imported back into nio."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
import vodozemac
from nio.crypto import InboundGroupSession
from nio.crypto.memorystores import GroupSessionStore

from cercle.protocol.client import MatrixError
from cercle.protocol.trust import bootstrap, keybackup
from cercle.protocol.trust.backup import BackedUpSession, BackupKey, decrypt_session
from cercle.protocol.trust.crosssigning import CrossSigningSecrets
from cercle.protocol.trust.local import BackupState, LocalIdentity, LocalTrust

USER = "@alice:example.org"
ROOM = "!room:example.org"
SENDER_KEY = "RF3s+E7RkTQTGF2d8Deol0FkQvgII2aJDf3/Jp5mxVU"
SIGNING_KEY = "aj40p+aw64yPIdsxoog8jhPu9i7l7NcFRecuOQblE3Y"


# -- user-interactive auth -----------------------------------------------------------------


def _uia(flows, *, errcode=None):
    body = {"session": "S1", "flows": [{"stages": f} for f in flows], "params": {}}
    if errcode:
        body["errcode"] = errcode
    return MatrixError("auth", status=401, errcode=errcode, body=body)


class FakeServer:
    """Answers each request with the next reply (an exception is raised) and records it."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.requests = []

    async def __call__(self, client, request, *, what):
        self.requests.append(request)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


CLIENT = SimpleNamespace(user_id=USER)


def test_upload_passes_uia_with_the_password(monkeypatch):
    server = FakeServer(_uia([["m.login.password"]]), {})
    monkeypatch.setattr(bootstrap, "send_request", server)
    keys = CrossSigningSecrets.generate()
    asyncio.run(bootstrap.upload_cross_signing(CLIENT, keys, "hunter2"))
    first, second = server.requests
    assert "auth" not in first.body
    assert second.body["auth"] == {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": USER},
        "password": "hunter2",
        "session": "S1",
    }
    assert second.body["master_key"]["keys"] == {keys.master.key_id: keys.master.public_key}


def test_a_first_upload_without_uia_needs_no_password(monkeypatch):
    server = FakeServer({})
    monkeypatch.setattr(bootstrap, "send_request", server)
    asyncio.run(bootstrap.upload_cross_signing(CLIENT, CrossSigningSecrets.generate(), None))
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("replies", "password", "error", "words"),
    [
        ([_uia([["m.login.password"]]), _uia([["m.login.password"]], errcode="M_FORBIDDEN")],
         "wrong", bootstrap.PasswordRejected, "did not accept your account password"),
        ([_uia([["m.login.password"]])], None, bootstrap.PasswordNeeded, "account password"),
        ([_uia([["m.login.sso"]])], "pw", bootstrap.UnsupportedAuth, "m.login.sso"),
    ],
    ids=["wrong-password", "no-password", "sso-only"],
)  # fmt: skip
def test_uia_failures_are_typed_and_say_what_to_do(monkeypatch, replies, password, error, words):
    monkeypatch.setattr(bootstrap, "send_request", FakeServer(*replies))
    with pytest.raises(error) as raised:
        asyncio.run(
            bootstrap.upload_cross_signing(CLIENT, CrossSigningSecrets.generate(), password)
        )
    assert words in str(raised.value)


def test_other_refusals_stay_matrix_errors(monkeypatch):
    refused = MatrixError("nope", status=400, errcode="M_INVALID_SIGNATURE")
    monkeypatch.setattr(bootstrap, "send_request", FakeServer(refused))
    with pytest.raises(MatrixError) as raised:
        asyncio.run(bootstrap.upload_cross_signing(CLIENT, CrossSigningSecrets.generate(), "pw"))
    assert raised.value is refused


# -- local records -------------------------------------------------------------------------


def test_local_records_round_trip_and_never_show_keys(store):
    local = LocalTrust(store, "pickle key of this profile")
    keys, backup = CrossSigningSecrets.generate(), BackupKey.generate()
    local.save_identity(LocalIdentity(keys.master.public_key, keys, backup))
    again = local.identity()
    assert again is not None
    assert again.secrets is not None
    assert again.secrets.user_signing.seed == keys.user_signing.seed
    assert again.backup_key is not None
    assert again.backup_key.to_bytes() == backup.to_bytes()
    assert keys.master.public_key in repr(again)
    assert keys.master.seed.hex() not in repr(again)
    local.save_backup_state(BackupState("3", backup.public_key, {"sid": 4}))
    assert local.backup_state() == BackupState("3", backup.public_key, {"sid": 4})


def test_records_a_server_could_inject_are_ignored(store):
    """Global account data from /sync lands in the same table: a record without our MAC, or
    written by another profile, is as if absent."""
    keys = CrossSigningSecrets.generate()
    LocalTrust(store, "another profile").save_identity(LocalIdentity(keys.master.public_key, keys))
    ours = LocalTrust(store, "this profile")
    assert ours.identity() is None
    forged = LocalIdentity(keys.master.public_key, keys).to_json()
    store.receipts.set_account_data("org.cercle.local.cross_signing", {"body": forged})
    assert ours.identity() is None
    assert ours.backup_state() is None


# -- room keys to and from the backup ------------------------------------------------------


def _session(room_id=ROOM) -> tuple[vodozemac.GroupSession, InboundGroupSession]:
    outbound = vodozemac.GroupSession()
    inbound = InboundGroupSession(
        outbound.session_key.to_base64(), SIGNING_KEY, SENDER_KEY, room_id
    )
    return outbound, inbound


class FakeOlm:
    def __init__(self):
        self.inbound_group_store = GroupSessionStore()
        self.saved = []

    def save_inbound_group_session(self, session):
        self.saved.append(session)


def test_new_room_keys_are_backed_up_once_and_decrypt_back(store, monkeypatch):
    olm = FakeOlm()
    outbound, inbound = _session()
    olm.inbound_group_store.add(inbound)
    backup = BackupKey.generate()
    local = LocalTrust(store, "this profile")
    local.save_backup_state(BackupState("7", backup.public_key))
    client = SimpleNamespace(nio=SimpleNamespace(olm=olm), user_id=USER)
    server = FakeServer({"etag": "1", "count": 1})
    monkeypatch.setattr(keybackup, "send_request", server)

    uploader = keybackup.KeyBackup(client, local)
    assert asyncio.run(uploader.upload_pending()) == 1
    assert asyncio.run(uploader.upload_pending()) == 0  # once only
    [put] = server.requests
    assert put.method == "PUT"
    assert put.path.endswith("/room_keys/keys?version=7")
    entry = put.body["rooms"][ROOM]["sessions"][inbound.id]
    assert entry["first_message_index"] == 0
    backed = BackedUpSession.from_json(decrypt_session(backup, entry["session_data"]))
    assert backed.sender_claimed_keys == {"ed25519": SIGNING_KEY}
    assert local.backup_state().uploaded == {inbound.id: 0}

    # What went up restores on another device and decrypts the room's messages.
    other = FakeOlm()
    [done] = keybackup.import_sessions(other, [(ROOM, inbound.id, backed)])
    assert done.session_id == inbound.id
    restored = other.inbound_group_store.get(ROOM, SENDER_KEY, inbound.id)
    assert restored.decrypt(outbound.encrypt(b"bonjour").to_base64())[0] == "bonjour"
    assert other.saved == [restored]


def test_import_keeps_an_earlier_session_and_skips_mislabelled_ones():
    outbound, inbound = _session()
    outbound.encrypt(b"one")
    later = BackedUpSession(
        session_key=vodozemac.InboundGroupSession(outbound.session_key).export_at(1).to_base64(),
        sender_key=SENDER_KEY,
        sender_claimed_keys={"ed25519": SIGNING_KEY},
    )
    olm = FakeOlm()
    olm.inbound_group_store.add(inbound)  # we hold it from index 0
    done = keybackup.import_sessions(olm, [(ROOM, inbound.id, later), (ROOM, "other id", later)])
    assert [d.first_known_index for d in done] == [1]
    assert olm.inbound_group_store.get(ROOM, SENDER_KEY, inbound.id) is inbound
    assert olm.saved == []
