"""cercle-cli, every command, against the federated pair (in-process, as a script would use it)."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys

import pytest

from cercle.protocol.cli import main
from cercle.protocol.client import MatrixClient

pytestmark = pytest.mark.integration


class Cli:
    """Runs `cercle-cli --json --profile P --passphrase-file F …` and parses its JSON lines."""

    def __init__(self, capsys, monkeypatch, profile, passphrase_file):
        self.capsys, self.monkeypatch = capsys, monkeypatch
        self.base = ["--json", "--profile", str(profile), "--passphrase-file", str(passphrase_file)]

    def __call__(self, *args: str, stdin: str = "", expect: int = 0) -> list[dict]:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        self.capsys.readouterr()
        code = main([*self.base, *args])
        captured = self.capsys.readouterr()
        self.err = captured.err
        assert code == expect, f"cercle-cli {' '.join(args)} → {code}: {captured.err}"
        return [json.loads(line) for line in captured.out.splitlines() if line.strip()]


@pytest.fixture
def cli_for(capsys, monkeypatch, tmp_path):
    def make(name: str) -> Cli:
        secret = tmp_path / f"{name}.passphrase"
        secret.write_text(f"{name} long passphrase\n", encoding="utf-8")
        return Cli(capsys, monkeypatch, tmp_path / name, secret)

    return make


async def _partner_joins_and_replies(partner, room_id: str, text: str) -> None:
    client = await MatrixClient.login(partner.homeserver, partner.user_id, partner.password)
    try:
        async with asyncio.timeout(30):
            while room_id not in client.nio.invited_rooms:
                await client.sync_once(500)
        await client.join(room_id)
        await client.sync_once()
        await client.send_text(room_id, text)
    finally:
        await client.close()


def test_every_command(cli_for, register, tmp_path, localnet):
    employee, partner, guest = register("company"), register("partner"), register("partner")
    cli = cli_for("employee")

    assert cli("whoami", expect=2) == []  # no account yet: an auth failure, said in words
    [me] = cli(
        "login",
        "--homeserver",
        employee.homeserver,
        "--user",
        employee.user_id,
        stdin=employee.password + "\n",
    )
    assert me["user_id"] == employee.user_id
    assert cli("whoami")[0]["device_id"] == me["device_id"]

    [room] = cli("create-room", "Atelier CLI", "--invite", partner.user_id)
    room_id = room["room_id"]
    asyncio.run(_partner_joins_and_replies(partner, room_id, "Réponse du partenaire"))
    [queued] = cli("send", room_id, "Bonjour **école**")
    assert queued["state"] == "queued"
    assert cli("outbox") == []  # delivered, nothing left

    cli("sync", "--once")
    history = cli("history", room_id, "--limit", "10")
    bodies = [e["body"] for e in history]
    assert "Réponse du partenaire" in bodies
    assert "Bonjour **école**" in bodies
    mine = next(e for e in history if e["body"] == "Bonjour **école**")
    assert set(mine) >= {
        "event_id",
        "room_id",
        "sender",
        "type",
        "body",
        "origin_server_ts",
        "encrypted",
    }
    assert mine["sender"] == employee.user_id

    hits = cli("search", "ecole")  # accents folded
    assert [h["event_id"] for h in hits] == [mine["event_id"]]

    rows = {r["room_id"]: r for r in cli("rooms")}
    assert rows[room_id]["external_servers"] == [partner.user_id.split(":", 1)[1]]

    document = tmp_path / "devis.txt"
    document.write_bytes("Devis n° 42 — confidentiel".encode())
    [uploaded] = cli("upload", room_id, str(document))
    out = tmp_path / "copie.txt"
    cli("download", uploaded["content_uri"], str(out))
    assert out.read_bytes() == document.read_bytes()

    [invited] = cli("invite", room_id, guest.user_id)
    assert invited["invited"] == guest.user_id
    guest_cli = cli_for("guest")
    guest_cli(
        "login",
        "--user",
        guest.user_id,
        "--homeserver",
        guest.homeserver,
        stdin=guest.password + "\n",
    )
    assert guest_cli("join", room_id)[0]["room_id"] == room_id
    assert guest_cli("leave", room_id)[0]["left"] is True

    checks = {c["check"]: c for c in cli("doctor")}
    assert checks["server"]["ok"]
    assert checks["cache"]["ok"]
    assert partner.user_id.split(":", 1)[1] in checks["federation"]["detail"]

    [done] = cli("logout", "--wipe")
    assert done == {"signed_out": True, "wiped": True}
    assert not (tmp_path / "employee").exists()
    assert cli("whoami", expect=2) == []


def test_tail_prints_new_events_until_interrupted(cli_for, register, tmp_path):
    employee, partner = register("company"), register("partner")
    cli = cli_for("tailer")
    cli(
        "login",
        "--homeserver",
        employee.homeserver,
        "--user",
        employee.user_id,
        stdin=employee.password + "\n",
    )
    [room] = cli("create-room", "Fil en direct", "--invite", partner.user_id)
    tail = subprocess.Popen(
        [sys.executable, "-m", "cercle.protocol.cli", *cli.base, "tail"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = None
    try:
        asyncio.run(_partner_joins_and_replies(partner, room["room_id"], "En direct !"))
        for line in tail.stdout:  # the initial sync prints the room's history first
            event = json.loads(line)
            if event["body"] == "En direct !":
                seen = event
                break
    finally:
        tail.terminate()
        tail.wait(10)
    assert seen is not None, tail.stderr.read()
    assert seen["sender"] == partner.user_id
    assert seen["room_id"] == room["room_id"]


def test_usage_and_unlock_errors_have_their_exit_codes(cli_for, capsys):
    assert main([]) == 1
    assert main(["no-such-command"]) == 1
    assert "invalid choice" in capsys.readouterr().err
    cli = cli_for("nobody")
    assert cli("history", "!r:x", expect=2) == []
    assert "run `cercle-cli login` first" in cli.err  # the message names the way forward
