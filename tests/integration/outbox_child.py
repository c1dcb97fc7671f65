"""Child process for the SIGKILL test: queues N messages, then sends them, printing each send."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from keyring.backends.fail import Keyring as NoKeyring

from cercle.protocol.account import Account
from cercle.protocol.changes import OutboxChanged
from cercle.protocol.profiles import KeyOptions, ProfileLocation, open_profile
from cercle.storage.keys import KdfParams

OPTIONS = KeyOptions(backend=NoKeyring(), kdf=KdfParams(memory_kib=1024, iterations=1, lanes=1))


def publish(change) -> None:
    if isinstance(change, OutboxChanged) and change.echo.state == "sent":
        print("sent", change.echo.body, flush=True)


async def main(profile_dir: str, passphrase: str, room_id: str, count: int) -> None:
    folder = Path(profile_dir)
    profile = await open_profile(ProfileLocation(folder.parent, folder.name), passphrase, OPTIONS)
    account = await Account.resume(profile, publish)
    assert account is not None
    for n in range(count):
        await account.send_text(room_id, f"message {n:02d}")
    print("queued", count, flush=True)
    await account.outbox.run()  # until killed


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
