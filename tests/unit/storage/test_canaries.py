"""Nothing readable on disk: canaries written through the store never appear in any file."""

from __future__ import annotations

import base64
import secrets

import pytest
from nio.crypto import InboundGroupSession, OlmAccount, OutboundGroupSession

from cercle.storage.crypto_store import open_crypto_store
from cercle.storage.profile import KeyOptions, Profile
from cercle.storage.rooms import StateEvent
from cercle.storage.session import Session
from cercle.storage.store import RoomBatch, SyncBatch
from cercle.storage.timeline import NewEvent

from .helpers import FAST_KDF, files_under, forms_of, leaks


def canaries() -> dict[str, str]:
    tag = secrets.token_hex(6)
    return {
        "message body": f"Canari du message élève {tag}",
        "room name": f"CanaryRoomName-{tag}",
        "display name": f"CanaryDisplayName-{tag}",
        "file content": f"CanaryFileContent-{tag}",
        "thumbnail": f"CanaryThumbnail-{tag}",
        "access token": f"syt_CanaryAccessToken_{tag}",
        "outbox": f"CanaryUnsentMessage-{tag}",
    }


def write_everything(profile: Profile, c: dict[str, str]) -> dict[str, bytes]:
    """Writes each canary through the store; returns the raw room-key bytes to look for too."""
    store = profile.store
    store.session.save(Session("@alice:example.org", "DEVICE", c["access token"], "https://hs"))
    store.write_sync_batch(
        SyncBatch(
            "s1",
            [
                RoomBatch(
                    "!room:example.org",
                    state=[
                        StateEvent("m.room.name", "", {"name": c["room name"]}),
                        StateEvent(
                            "m.room.member",
                            "@bob:example.org",
                            {"membership": "join", "displayname": c["display name"]},
                        ),
                    ],
                    timeline=[
                        NewEvent(
                            "$1",
                            "@bob:example.org",
                            "m.room.message",
                            1,
                            {"msgtype": "m.text", "body": c["message body"]},
                            encrypted=True,
                        )
                    ],
                )
            ],
        )
    )
    assert store.search.search("canari eleve")  # the index holds it, in the encrypted file
    store.media.put("mxc://example.org/file", c["file content"].encode())
    store.media.put("mxc://example.org/file", c["thumbnail"].encode(), variant="thumb:96x96")
    store.outbox.enqueue("!room:example.org", "m.room.message", {"body": c["outbox"]})

    crypto = open_crypto_store(
        profile.paths.crypto_dir, "@alice:example.org", "DEVICE", profile.keys
    )
    account = OlmAccount()
    crypto.save_account(account)
    outbound = OutboundGroupSession()
    inbound = InboundGroupSession(
        outbound.session_key,
        account.identity_keys["ed25519"],
        account.identity_keys["curve25519"],
        "!room:example.org",
    )
    crypto.save_inbound_group_session(inbound)
    loaded = crypto.load_inbound_group_sessions()
    assert loaded.get("!room:example.org", account.identity_keys["curve25519"], inbound.id)
    crypto.close()
    c["room key"] = outbound.session_key
    raw_key = base64.b64decode(outbound.session_key + "=" * (-len(outbound.session_key) % 4))
    return {"room key (raw ratchet)": raw_key[5:69]}  # the 128-byte ratchet's first half


def assert_no_leak(profile: Profile, c: dict[str, str], raw: dict[str, bytes]) -> None:
    root = profile.paths.root
    found = leaks(root, c)
    for path in files_under(root):
        data = path.read_bytes()
        found += [f"{path.name}: {label}" for label, value in raw.items() if value in data]
    assert found == []


def check_profile(profile: Profile) -> None:
    c = canaries()
    raw = write_everything(profile, c)
    wal = profile.paths.db.with_name("cercle.db-wal")
    assert wal.stat().st_size > 0  # the data is still in the WAL: scan it before a checkpoint
    assert_no_leak(profile, c, raw)
    profile.store.db.checkpoint()
    assert_no_leak(profile, c, raw)
    profile.close()
    assert_no_leak(profile, c, raw)


def test_the_scanner_finds_a_clear_canary(tmp_path):
    secret = "CanaryInTheClear-123456"
    for index, form in enumerate(forms_of(secret)):
        (tmp_path / f"f{index}").write_bytes(b"xx" + form + b"yy")
    assert len(leaks(tmp_path, {"c": secret})) == len(forms_of(secret))
    (tmp_path / "b64").write_bytes(base64.b64encode(b"...." + secret.encode()))
    assert "b64: c" in leaks(tmp_path, {"c": secret})


def test_no_canary_on_disk_in_passphrase_mode(profile_base, no_keyring_options):
    profile = Profile.open(
        "canary", base=profile_base, passphrase="a passphrase", options=no_keyring_options
    )
    assert profile.keys.mode == "passphrase"
    check_profile(profile)


@pytest.mark.keyring
def test_no_canary_on_disk_with_the_secret_service(profile_base, secret_service):
    profile = Profile.open("canary", base=profile_base, options=KeyOptions(kdf=FAST_KDF))
    assert profile.keys.mode == "keyring"
    check_profile(profile)
