"""The app's own start, in a fresh process: the first profile opens on the protocol thread while
Qt loads (keyring and SQLCipher), its cached rooms show, then the account resumes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from support import signed_in, until

from cercle.protocol.changes import RoomsChanged
from cercle.protocol.profiles import KeyOptions

CHILD = Path(__file__).with_name("launch_child.py")


def launch(folder: Path, end: str = "close") -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, str(CHILD), str(folder), end],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    assert done.returncode == 0, done.stderr[-3000:]
    assert lines, done.stdout + done.stderr[-3000:]
    return json.loads(lines[-1])


def test_a_first_start_opens_the_profile_early_and_asks_for_a_sign_in(tmp_path, secret_service):
    seen = launch(tmp_path / "profile")
    assert seen["events"] == [["needs sign in"]]
    assert seen["opened_early"]  # the session took the profile the protocol thread opened
    assert (tmp_path / "profile" / "cercle.db").exists()


def test_a_signed_in_profile_shows_its_cached_rooms_then_resumes(
    tmp_path, secret_service, register
):
    employee = register("company")
    options = KeyOptions(backend=secret_service)

    async def first_run() -> None:
        seen: list = []
        account = await signed_in(employee, tmp_path, seen.append, options)
        await account.start()
        await account.client.create_room("Atelier vélo")
        await until(
            lambda: any(
                r.name == "Atelier vélo"
                for c in seen
                if isinstance(c, RoomsChanged)
                for r in c.rooms
            )
        )
        await account.close()

    asyncio.run(first_run())  # closed cleanly: the room list is saved for the next start
    seen = launch(tmp_path / "profile", end="crash")
    assert seen["events"][0] == ["rooms", ["Atelier vélo"]]  # from the cache, before the account
    assert seen["events"][-1] == ["signed in", employee.user_id]
    assert seen["opened_early"]
    assert seen["saved_list"]
    # That run stopped dead: the saved list was used up, the next start rebuilds it, then
    # closes cleanly, which saves it again.
    seen = launch(tmp_path / "profile", end="close")
    assert seen["events"][0] == ["rooms", ["Atelier vélo"]]
    assert not seen["saved_list"]
    assert launch(tmp_path / "profile")["saved_list"]
