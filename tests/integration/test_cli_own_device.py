"""`cercle-cli verify --own-device DEVICE`: a new device verifies our other device by emoji
(the answer from stdin) and comes out with our secrets, cross-signed."""

from __future__ import annotations

import asyncio
import io
import json
import sys

import pytest
from support import signed_in

from cercle.protocol.cli import main
from cercle.protocol.trust.bootstrap import own_devices, setup_recovery
from cercle.protocol.trust.crosssigning import TrustLevel
from cercle.protocol.trust.secret_sharing import SHAREABLE

pytestmark = pytest.mark.integration


def test_cli_verifies_our_other_device_and_receives_our_secrets(
    register, tmp_path, capsys, monkeypatch
):
    me = register("company")
    secret = tmp_path / "cli.passphrase"
    secret.write_text("a long cli passphrase\n", encoding="utf-8")
    base = ["--json", "--profile", str(tmp_path / "cli"), "--passphrase-file", str(secret)]

    def cli(*args: str, stdin: str = "") -> tuple[int, list[dict]]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main([*base, *args])
        out = capsys.readouterr().out
        return code, [json.loads(line) for line in out.splitlines() if line.strip()]

    code, _ = cli("login", "--homeserver", me.homeserver, "--user", me.user_id, stdin=me.password)
    assert code == 0
    code, [who] = cli("whoami")
    cli_device = who["device_id"]
    code, _ = cli("verify", stdin="y\n")
    assert code != 0  # neither USER nor --own-device: said in words, nothing asked

    async def scenario():
        holder = await signed_in(me, tmp_path / "holder")
        await holder.start()
        try:
            await setup_recovery(holder, me.password)
            running = asyncio.create_task(
                asyncio.to_thread(
                    cli, "verify", "--own-device", holder.client.nio.device_id, stdin="y\n"
                )
            )
            flow = await asyncio.wait_for(holder.verifications.incoming.get(), 60)
            assert flow.other_device == cli_device
            await flow.accept()
            await asyncio.wait_for(flow.short_auth, 30)
            await flow.confirm(True)
            await asyncio.wait_for(flow.finished, 30)
            code, records = await asyncio.wait_for(running, 90)
            assert code == 0, records
            shown, result = records
            assert len(shown["emoji"]) == 7
            assert result == {
                "device_id": holder.client.nio.device_id,
                "verified": True,
                "secrets": sorted(SHAREABLE),
            }
            mine = await own_devices(holder)
            assert mine.devices[cli_device].level is TrustLevel.VERIFIED
        finally:
            await holder.close()

    asyncio.run(scenario())
