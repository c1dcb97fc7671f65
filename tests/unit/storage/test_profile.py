"""Profiles: directories and modes, the lock, unlock paths, rebuild after damage, and wipe."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import platformdirs
import pytest

from cercle.storage.db import PAGE_SIZE
from cercle.storage.errors import (
    CannotUnlock,
    DatabaseCorrupt,
    InvalidProfileName,
    KeyringEntryLost,
    NeedsPassphrase,
    ProfileLocked,
)
from cercle.storage.keys import KEYRING_SERVICE
from cercle.storage.outbox import entries_from_json, export_json
from cercle.storage.profile import (
    Profile,
    ProfilePaths,
    list_profiles,
    profiles_root,
    remove_profile,
)
from cercle.storage.rooms import StateEvent
from cercle.storage.session import Session
from cercle.storage.store import RoomBatch, SyncBatch
from cercle.storage.timeline import NewEvent

from .helpers import files_under


def test_default_root_is_the_platform_data_dir():
    assert profiles_root() == Path(
        platformdirs.user_data_dir("Cercle", appauthor=False), "profiles"
    )


@pytest.mark.parametrize("name", ["", "..", "a/b", "../x", ".hidden", "x" * 65, "sp ace"])
def test_unsafe_names_are_refused(tmp_path, name):
    with pytest.raises(InvalidProfileName):
        ProfilePaths.for_name(name, tmp_path)


def test_modes_are_private(passphrase_profile):
    profile = passphrase_profile
    profile.store.media.put("mxc://x/y", b"data")
    profile.store.session.save(Session("@a:x", "DEV", "tok", "https://x"))
    root = profile.paths.root
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE(root.parent.stat().st_mode) == 0o700
    files = files_under(root)
    names = {p.name for p in files}
    assert {"cercle.db", "cercle.db-wal", "cercle.db-shm", "keys.json", "profile.lock"} <= names
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in root.rglob("*"):
        if path.is_dir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o700, path


def test_second_open_in_this_process_is_locked(
    passphrase_profile, profile_base, no_keyring_options
):
    with pytest.raises(ProfileLocked, match="already open"):
        Profile.open("alice", base=profile_base, passphrase="pw", options=no_keyring_options)


def test_second_process_gets_profile_locked_with_the_owner_pid(passphrase_profile, profile_base):
    code = textwrap.dedent(
        f"""
        from cercle.storage.errors import ProfileLocked
        from cercle.storage.profile import Profile
        try:
            Profile.open("alice", base={str(profile_base)!r}, passphrase="pw")
        except ProfileLocked as error:
            print("LOCKED", error.pid)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["LOCKED", str(os.getpid())]


def test_close_releases_the_lock(passphrase_profile, profile_base, no_keyring_options):
    passphrase_profile.close()
    again = Profile.open("alice", base=profile_base, passphrase="pw", options=no_keyring_options)
    again.close()


def test_no_keyring_asks_for_a_passphrase(profile_base, no_keyring_options):
    with pytest.raises(NeedsPassphrase):
        Profile.open("bob", base=profile_base, options=no_keyring_options)
    with Profile.open("bob", base=profile_base, passphrase="s3", options=no_keyring_options) as p:
        assert p.keys.mode == "passphrase"


def test_wrong_passphrase_leaves_the_profile_untouched(passphrase_profile, profile_base):
    passphrase_profile.store.outbox.enqueue("!r:x", "m.room.message", {"body": "hi"})
    passphrase_profile.close()
    root = passphrase_profile.paths.root
    before = {p: p.read_bytes() for p in files_under(root)}
    with pytest.raises(CannotUnlock):
        Profile.open("alice", base=profile_base, passphrase="nope")
    assert {p: p.read_bytes() for p in files_under(root)} == before


def test_keyring_mode_profile_and_lost_entry(profile_base, keyring_options, memory_keyring):
    with Profile.open("a", base=profile_base, options=keyring_options) as a:
        assert a.keys.mode == "keyring"
        a.store.session.save(Session("@a:x", "DEV", "tok", "https://x"))
    with Profile.open("b", base=profile_base, options=keyring_options):
        pass
    entry_of_a = keyring_options.manager(
        ProfilePaths.for_name("a", profile_base)
    ).keyring_entry_id()
    del memory_keyring.entries[(KEYRING_SERVICE, entry_of_a)]
    with pytest.raises(KeyringEntryLost, match="Log in again"):
        Profile.open("a", base=profile_base, options=keyring_options)
    with Profile.open("b", base=profile_base, options=keyring_options) as b:  # untouched
        assert b.keys.mode == "keyring"


def test_missing_key_file_with_a_database_is_entry_lost(passphrase_profile, profile_base):
    passphrase_profile.close()
    passphrase_profile.paths.keys_file.unlink()
    with pytest.raises(KeyringEntryLost):
        Profile.open("alice", base=profile_base, passphrase="pw")


def test_wipe_leaves_no_file_and_no_keyring_entry(profile_base, keyring_options, memory_keyring):
    profile = Profile.open("gone", base=profile_base, options=keyring_options)
    profile.store.media.put("mxc://x/y", b"picture")
    from cercle.storage.crypto_store import open_crypto_store

    crypto = open_crypto_store(profile.paths.crypto_dir, "@a:x", "DEV", profile.keys)
    crypto.close()
    assert memory_keyring.entries
    profile.wipe()
    assert not profile.paths.root.exists()
    assert memory_keyring.entries == {}
    assert list_profiles(profile_base) == []


def test_wipe_in_passphrase_mode(passphrase_profile):
    passphrase_profile.wipe()
    assert not passphrase_profile.paths.root.exists()


def test_remove_profile_that_cannot_be_opened(profile_base, keyring_options, memory_keyring):
    with Profile.open("x", base=profile_base, options=keyring_options):
        pass
    memory_keyring.entries.clear()  # the key is gone: the profile cannot open any more
    remove_profile("x", base=profile_base, options=keyring_options)
    assert not (profile_base / "x").exists()


def test_remove_profile_refuses_an_open_one(passphrase_profile, profile_base):
    with pytest.raises(ProfileLocked):
        remove_profile("alice", base=profile_base)


def damage_a_middle_page(path):
    """Garbles a page of the timeline's bulk (not the schema, outbox or statistics pages)."""
    data = bytearray(path.read_bytes())
    start = (len(data) // PAGE_SIZE // 2) * PAGE_SIZE
    data[start + 200 : start + 400] = os.urandom(200)
    path.write_bytes(bytes(data))


def test_corrupt_database_rebuild_keeps_the_outbox_and_session(
    passphrase_profile, profile_base, no_keyring_options
):
    store = passphrase_profile.store
    store.session.save(Session("@a:x", "DEV", "tok", "https://x"))
    queued = store.outbox.enqueue("!r:x", "m.room.message", {"body": "unsent one"})
    sent = store.outbox.enqueue("!r:x", "m.room.message", {"body": "sent"})
    store.outbox.mark_sending(sent.txn_id)
    store.outbox.mark_sent(sent.txn_id, "$done")
    events = [
        NewEvent(f"$e{i}", "@a:x", "m.room.message", i, {"body": f"message {i} " * 30})
        for i in range(400)
    ]
    store.write_sync_batch(SyncBatch("s1", [RoomBatch("!r:x", timeline=events)]))
    store.db.checkpoint()
    passphrase_profile.close()
    damage_a_middle_page(passphrase_profile.paths.db)

    with pytest.raises(DatabaseCorrupt, match="rebuild"):
        Profile.open("alice", base=profile_base, passphrase="pw", options=no_keyring_options)

    profile, salvaged = Profile.rebuild(
        "alice", base=profile_base, passphrase="pw", options=no_keyring_options
    )
    with profile:
        assert [e.txn_id for e in salvaged] == [queued.txn_id]
        assert entries_from_json(export_json(salvaged)) == salvaged
        assert [e.content for e in profile.store.outbox.unsent()] == [{"body": "unsent one"}]
        assert profile.store.session.load() == Session("@a:x", "DEV", "tok", "https://x")
        assert profile.store.session.sync_token() is None  # the next sync starts afresh
        assert profile.store.rooms.list() == []
        profile.store.db.integrity_check()


def test_state_and_sync_through_a_profile_survive_reopen(passphrase_profile, profile_base):
    passphrase_profile.store.write_sync_batch(
        SyncBatch(
            "s9",
            [RoomBatch("!r:x", state=[StateEvent("m.room.name", "", {"name": "Général"})])],
        )
    )
    passphrase_profile.close()
    with Profile.open("alice", base=profile_base, passphrase="pw") as again:
        assert again.store.session.sync_token() == "s9"
        assert again.store.rooms.get("!r:x").name == "Général"


def test_profile_name_from_argument_environment_or_default(monkeypatch):
    from cercle.storage.profile import profile_name

    monkeypatch.delenv("CERCLE_PROFILE", raising=False)
    assert profile_name() == "default"
    monkeypatch.setenv("CERCLE_PROFILE", "work")
    assert profile_name() == "work"
    assert profile_name("perso") == "perso"
    monkeypatch.setenv("CERCLE_PROFILE", "../evil")
    with pytest.raises(InvalidProfileName):
        profile_name()
