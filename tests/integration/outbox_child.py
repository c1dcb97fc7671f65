"""Child process for the SIGKILL test: queues N messages, then sends them, printing each send."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from support import NO_KEYRING

from cercle.protocol.account import Account
from cercle.protocol.changes import OutboxChanged
from cercle.protocol.profiles import ProfileLocation, open_profile


def publish(change) -> None:
    if isinstance(change, OutboxChanged) and change.echo.state == "sent":
        print("sent", change.echo.body, flush=True)


async def main(profile_dir: str, passphrase: str, room_id: str, count: int) -> None:
    folder = Path(profile_dir)
    location = ProfileLocation(folder.parent, folder.name)
    profile = await open_profile(location, passphrase, NO_KEYRING)
    account = await Account.resume(profile, publish)
    assert account is not None
    for n in range(count):
        await account.send_text(room_id, f"message {n:02d}")
    print("queued", count, flush=True)
    await account.outbox.run()  # until killed


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
