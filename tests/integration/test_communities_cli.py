"""cercle-cli community create|show|charter|acl|ban against the federating pair (as IT scripts)."""

from __future__ import annotations

import asyncio
import io
import json
import sys

import pytest
from support import eventually, login, server_of

from cercle.protocol import rooms
from cercle.protocol.cli import main
from cercle.protocol.community import charter
from cercle.protocol.community.state import load_community

pytestmark = pytest.mark.integration


def test_community_commands(capsys, monkeypatch, tmp_path, register):
    manager, partner = register("company"), register("partner")
    secret = tmp_path / "passphrase"
    secret.write_text("a long enough passphrase\n", encoding="utf-8")
    base = ["--json", "--profile", str(tmp_path / "it"), "--passphrase-file", str(secret)]

    def cli(*args: str, stdin: str = "", expect: int = 0) -> list[dict]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main([*base, *args])
        out = capsys.readouterr()
        assert code == expect, f"cercle-cli {' '.join(args)} → {code}: {out.err}"
        cli.err = out.err  # type: ignore[attr-defined]
        return [json.loads(line) for line in out.out.splitlines() if line.strip()]

    cli("login", "--homeserver", manager.homeserver, "--user", manager.user_id,
        stdin=manager.password + "\n")  # fmt: skip
    [made] = cli(
        "community", "create", "Réseau CLI", "--template", "partners",
        "--purpose", "Les revendeurs", "--invite", partner.user_id,
    )  # fmt: skip
    space = made["space_id"]
    assert set(made["rooms"]) == {"general", "questions", "documents", "announcements"}

    [shown] = cli("community", "show", space)
    assert shown["kind"] == "partner"
    assert shown["purpose"] == "Les revendeurs"
    assert shown["charter_version"] == 1
    assert shown["needs_acceptance"] is False  # the author accepted their charter
    assert set(shown["rooms"]) == set(made["rooms"].values())

    home = server_of(manager.user_id)

    async def partner_accepts() -> None:
        client = await login(partner)
        try:

            async def invited() -> bool:
                await client.sync_once(timeout_ms=500)
                return space in client.nio.invited_rooms

            await eventually(invited, "the partner's invite")
            await rooms.join(client, space, via=[home])
            await charter.accept_charter(client, await load_community(client, space))
        finally:
            await client.close()

    asyncio.run(partner_accepts())
    [accepted] = cli("community", "charter", space)
    assert accepted["version"] == 1
    assert sorted(accepted["accepted"]["1"]) == sorted([manager.user_id, partner.user_id])

    text = tmp_path / "charter-v2.md"
    text.write_text("# Charte v2\n\n1. Nouvelle règle.\n", encoding="utf-8")
    assert cli("community", "charter", space, "--publish", str(text))[0]["version"] == 2
    [shown] = cli("community", "show", space)
    assert shown["charter_version"] == 2
    assert shown["needs_acceptance"] is True  # a new version asks again, the author included

    cli("community", "acl", space, "--allow", "elsewhere.example", expect=1)
    assert "your own server" in cli.err  # type: ignore[attr-defined]
    [applied] = cli("community", "acl", space, "--allow", "localhost*")
    assert applied["acl"]["allow"] == ["localhost*"]
    assert not applied["failed"]
    assert len(applied["rooms"]) == 6  # space, four rooms, the moderators' room

    [banned] = cli("community", "ban", space, partner.user_id, "--reason", "test")
    assert banned["banned"] == partner.user_id
    assert len(banned["rooms"]) == 6
