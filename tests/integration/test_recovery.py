"""Recovery on the real Synapse pair: cross-signing seen from the partner's server, a second
device restoring old encrypted history from the key backup, a wrong recovery key, no silent
reset."""

from __future__ import annotations

import asyncio
import io
import json
import secrets
import sys
import time

import pytest
from support import join_when_invited, login, signed_in, until

from cercle.protocol.cli import main
from cercle.protocol.rooms import send_request
from cercle.protocol.trust import api
from cercle.protocol.trust.bootstrap import AlreadySetUp, own_devices, setup_recovery
from cercle.protocol.trust.crosssigning import TrustLevel, judge_user
from cercle.protocol.trust.recovery import InvalidRecoveryKey, encode_recovery_key
from cercle.protocol.trust.remote import latest_backup
from cercle.protocol.trust.restore import WrongRecoveryKey, restore_recovery

pytestmark = pytest.mark.integration


def test_setup_cross_signs_this_device_as_the_partner_server_sees_it(
    register, tmp_path, record_property
):
    company_user, partner_user = register("company"), register("partner")

    async def scenario():
        cercle = await signed_in(company_user, tmp_path / "cercle")
        observer = await login(partner_user)
        try:
            t0 = time.perf_counter()
            done = await setup_recovery(cercle, company_user.password)
            record_property("setup_s", round(time.perf_counter() - t0, 3))
            assert len("".join(done.recovery_key.split())) == 48
            assert done.recovery_key not in repr(done)

            # Seen from the partner's server, over federation.
            body = await send_request(
                observer, api.keys_query([company_user.user_id]), what="keys query"
            )
            result = api.parse_keys_query(body)
            trust = judge_user(
                result,
                company_user.user_id,
                own_user_id=partner_user.user_id,
                trusted_master_key=None,
            )
            assert trust.master is not None
            assert trust.master.public_key == done.master_key
            assert trust.self_signing is not None
            assert trust.level is TrustLevel.CROSS_SIGNED
            device_id = cercle.client.nio.device_id
            assert trust.devices[device_id].level is TrustLevel.CROSS_SIGNED

            # Our own view: this device holds the master key, so the chain is verified.
            mine = await own_devices(cercle)
            assert mine.devices[device_id].level is TrustLevel.VERIFIED

            # The backup is signed by our master key and this device; 4S names its key.
            backup = await latest_backup(cercle.client)
            assert backup is not None
            assert backup.version == done.backup_version
            signers = set(backup.auth_data["signatures"][company_user.user_id])
            assert signers == {f"ed25519:{done.master_key}", f"ed25519:{device_id}"}
        finally:
            await cercle.close()
            await observer.close()

    asyncio.run(scenario())


def test_second_device_restores_and_reads_old_history(register, tmp_path, record_property):
    company_user, partner_user = register("company"), register("partner")

    async def scenario():
        first = await signed_in(company_user, tmp_path / "first")
        partner = await signed_in(partner_user, tmp_path / "partner")
        second = None
        await asyncio.gather(first.start(), partner.start())
        try:
            done = await setup_recovery(first, company_user.password)
            room_id = await partner.client.create_room(
                "Historique chiffré", encrypted=True, invite=[company_user.user_id]
            )
            await join_when_invited(partner, first, room_id)
            texts = [f"Ancien message {i} {secrets.token_hex(3)}" for i in range(2)]
            for text in texts:
                await partner.send_text(room_id, text)
            # The first device reads them, and its room key goes to the backup.
            await until(
                lambda: [
                    m.content.get("body")
                    for m in first.store.timeline.page(room_id, limit=20).events
                ],
                lambda bodies: all(t in bodies for t in texts),
            )
            t0 = time.perf_counter()
            async with asyncio.timeout(10):
                while True:  # the uploader looks for new room keys every 2 s
                    backup = await latest_backup(first.client)
                    if backup is not None and backup.count >= 1:
                        break
                    await asyncio.sleep(0.2)
            record_property("backed_up_after_s", round(time.perf_counter() - t0, 3))

            # A second device of the same user: the history is there, but sealed.
            second = await signed_in(company_user, tmp_path / "second")
            await second.start()
            stored = await until(
                lambda: [
                    e
                    for e in second.store.timeline.page(room_id, limit=20).events
                    if e.encrypted and e.sender == partner_user.user_id
                ],
                lambda found: len(found) == len(texts),
            )
            assert all(e.decryption_error is not None for e in stored)

            t0 = time.perf_counter()
            restored = await restore_recovery(second, recovery_key=done.recovery_key)
            record_property("restore_s", round(time.perf_counter() - t0, 3))
            assert restored.keys_imported >= 1
            assert restored.keys_failed == 0
            assert restored.master_key == done.master_key
            for event in stored:
                now = await asyncio.to_thread(second.store.timeline.get, event.event_id)
                assert now.decryption_error is None
                assert now.content["body"] in texts

            # The second device is now cross-signed too.
            devices = await own_devices(second)
            assert devices.devices[second.client.nio.device_id].level is TrustLevel.VERIFIED
            assert devices.devices[first.client.nio.device_id].level is TrustLevel.VERIFIED
        finally:
            await asyncio.gather(
                first.close(), partner.close(), *([second.close()] if second else [])
            )

    asyncio.run(scenario())


def test_wrong_recovery_key_is_refused_with_a_clear_message(register, tmp_path):
    company_user = register("company")

    async def scenario():
        first = await signed_in(company_user, tmp_path / "first")
        second = await signed_in(company_user, tmp_path / "second")
        try:
            done = await setup_recovery(
                first, company_user.password, passphrase="notre phrase de récupération"
            )
            with pytest.raises(WrongRecoveryKey) as wrong:
                await restore_recovery(second, recovery_key=encode_recovery_key(bytes(32)))
            assert "does not unlock your encrypted messages" in str(wrong.value)
            with pytest.raises(WrongRecoveryKey):
                await restore_recovery(second, passphrase="notre phrase de recuperation")
            with pytest.raises(InvalidRecoveryKey) as typo:
                await restore_recovery(second, recovery_key="EsTc LW2K PGiF nope")
            assert "not a valid recovery key" in str(typo.value)
            mine = await own_devices(second)
            assert mine.devices[second.client.nio.device_id].level is TrustLevel.UNSIGNED

            # The passphrase and the recovery key shown at setup open the same storage.
            restored = await restore_recovery(second, passphrase="notre phrase de récupération")
            assert restored.master_key == done.master_key
            again = await restore_recovery(second, recovery_key=done.recovery_key)
            assert again.master_key == done.master_key
            mine = await own_devices(second)
            assert mine.devices[second.client.nio.device_id].level is TrustLevel.VERIFIED
        finally:
            await asyncio.gather(first.close(), second.close())

    asyncio.run(scenario())


def test_setup_twice_is_refused_unless_reset(register, tmp_path):
    company_user = register("company")

    async def scenario():
        cercle = await signed_in(company_user, tmp_path / "cercle")
        try:
            first = await setup_recovery(cercle, company_user.password)
            with pytest.raises(AlreadySetUp) as refused:
                await setup_recovery(cercle, company_user.password)
            assert "restore with your recovery key" in str(refused.value)
            again = await setup_recovery(cercle, company_user.password, reset=True)
            assert again.master_key != first.master_key
            assert again.backup_version != first.backup_version
            mine = await own_devices(cercle)
            assert mine.master is not None
            assert mine.master.public_key == again.master_key
            assert mine.devices[cercle.client.nio.device_id].level is TrustLevel.VERIFIED
        finally:
            await cercle.close()

    asyncio.run(scenario())


def test_cli_recovery_setup_restore_and_devices(register, tmp_path, capsys, monkeypatch):
    """`cercle-cli recovery setup|restore` and `devices`, secrets on stdin, never in argv."""
    user = register("company")
    passphrase_file = tmp_path / "store.passphrase"
    passphrase_file.write_text("a long store passphrase\n", encoding="utf-8")

    def cli(profile: str, *args: str, stdin: str = "", expect: int = 0) -> list[dict]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        base = ["--json", "--profile", str(tmp_path / profile)]
        code = main([*base, "--passphrase-file", str(passphrase_file), *args])
        out = capsys.readouterr()
        cli.err = out.err  # type: ignore[attr-defined]
        assert code == expect, f"cercle-cli {' '.join(args)} → {code}: {out.err}"
        return [json.loads(line) for line in out.out.splitlines() if line.strip()]

    login = ["login", "--homeserver", user.homeserver, "--user", user.user_id]
    [first] = cli("first", *login, stdin=user.password + "\n")
    [device] = cli("first", "devices")
    assert (device["device_id"], device["trust"], device["this_device"]) == (
        first["device_id"],
        "unsigned",
        True,
    )
    assert "recovery setup" in cli.err  # type: ignore[attr-defined]

    [done] = cli("first", "recovery", "setup", stdin=user.password + "\n")
    assert len(done["recovery_key"].replace(" ", "")) == 48
    assert cli("first", "devices")[0]["trust"] == "verified"
    assert cli("first", "recovery", "setup", stdin=user.password + "\n", expect=1) == []
    assert "--reset" in cli.err  # type: ignore[attr-defined]
    # Replacing an identity goes through user-interactive auth: the password is checked.
    reset = ["recovery", "setup", "--reset"]
    assert cli("first", *reset, stdin="wrong password\n", expect=2) == []
    assert "did not accept your account password" in cli.err  # type: ignore[attr-defined]

    [second] = cli("second", *login, stdin=user.password + "\n")
    wrong = encode_recovery_key(bytes(32)) + "\n"
    assert cli("second", "recovery", "restore", stdin=wrong, expect=2) == []
    assert "does not unlock" in cli.err  # type: ignore[attr-defined]
    [restored] = cli("second", "recovery", "restore", stdin=done["recovery_key"] + "\n")
    assert restored["master_key"] == done["master_key"]
    devices = {d["device_id"]: d for d in cli("second", "devices")}
    assert devices[second["device_id"]]["trust"] == "verified"
    assert devices[first["device_id"]]["trust"] == "verified"
    assert devices[second["device_id"]]["this_device"] is True
