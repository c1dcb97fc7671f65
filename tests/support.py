"""Helpers shared by tests that talk to the local homeservers (imported as `support`)."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import nio
from keyring.backends.fail import Keyring as NoKeyring

from cercle.protocol.account import Account
from cercle.protocol.client import CryptoStore, MatrixClient
from cercle.protocol.localnet import Account as Registered
from cercle.protocol.profiles import KeyOptions, ProfileLocation, open_profile
from cercle.storage.keys import KdfParams

# No keyring at all: profiles are passphrase-protected (fail-closed); a cheap Argon2id keeps
# tests fast (the real cost is storage's default).
NO_KEYRING = KeyOptions(backend=NoKeyring(), kdf=KdfParams(memory_kib=1024, iterations=1, lanes=1))
PASSPHRASE = "a test passphrase"


async def login(account: Registered, crypto_dir: Path | None = None) -> MatrixClient:
    """A bare MatrixClient for `account` (E2EE with a throw-away store when a folder is given),
    after one sync."""
    crypto = None
    if crypto_dir is not None:
        folder = crypto_dir / account.user_id.strip("@").replace(":", "_")
        crypto = CryptoStore(nio.store.SqliteStore, folder, secrets.token_hex(16))
    client = await MatrixClient.login(
        account.homeserver, account.user_id, account.password, crypto=crypto
    )
    await client.sync_once()
    return client


async def signed_in(
    account: Registered, folder: Path, publish=lambda _: None, options: KeyOptions | None = None
) -> Account:
    """Cercle's own account stack for `account`, on a passphrase profile in `folder` (or one
    keyed as `options` says, without a passphrase)."""
    location = ProfileLocation(folder, "profile")
    if options is None:
        profile = await open_profile(location, PASSPHRASE, NO_KEYRING)
    else:
        profile = await open_profile(location, None, options)
    return await Account.sign_in(
        account.homeserver, account.user_id, account.password, publish, profile=profile
    )


async def until(read, check=bool, within: float = 30.0):
    """Calls `read` off the loop (it may touch the store) until `check(value)`; returns it."""
    async with asyncio.timeout(within):
        while True:
            value = await asyncio.to_thread(read)
            if check(value):
                return value
            await asyncio.sleep(0.1)


def server_of(user_id: str) -> str:
    return user_id.split(":", 1)[1]


async def eventually(check: Callable[[], Awaitable[Any]], what: str, within: float = 30.0) -> Any:
    """Retries the coroutine `check` until it returns something truthy (federation, indexing
    and state resolution are asynchronous); fails with `what` after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what} did not happen within {within} s"
        await asyncio.sleep(0.2)


def run_with_clients(register, scenario: Callable[..., Awaitable[None]], *labels: str) -> None:
    """Registers a fresh user per label ("company", "partner"…), logs each in, runs
    `scenario(*clients)` and always closes them."""
    accounts = [register(label) for label in labels]

    async def main() -> None:
        clients = [await login(a) for a in accounts]
        try:
            await scenario(*clients)
        finally:
            await asyncio.gather(*(c.close() for c in clients))

    asyncio.run(main())


async def sent_event_id(account: Account, txn_id: str, within: float = 30.0) -> str:
    """The event id the server gave an event `account` queued in its outbox."""
    entry = await until(
        lambda: account.store.outbox.get(txn_id), lambda e: e is not None and e.event_id, within
    )
    return entry.event_id


async def join_when_invited(host: Account, guest: Account, room_id: str) -> None:
    """`guest` waits for its invite to `room_id`, joins, and `host` sees it joined."""
    await until(
        lambda: guest.store.rooms.get(room_id),
        lambda r: r is not None and r.join_state == "invite",
    )
    await guest.client.join(room_id)
    await until(
        lambda: host.store.rooms.member(room_id, guest.user_id),
        lambda m: m is not None and m.membership == "join",
    )


def sign_in_window(qtbot, window, account: Registered, passphrase: str, wait: int) -> None:
    """Through a MainWindow's own screens (the `app_window` fixture): the new profile's
    passphrase, then the login form; returns once the home view shows."""
    from PySide6.QtCore import Qt

    window.session.start(passphrase)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login, timeout=wait)
    login = window.login
    login.homeserver.setText(account.homeserver)
    login.user.setText(account.user_id)
    login.password.setText(account.password)
    qtbot.mouseClick(login.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home, timeout=wait)
