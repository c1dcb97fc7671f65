"""A cache too big to check at open is checked in the background once the account runs."""

from __future__ import annotations

import asyncio
import logging

from support import signed_in, until

from cercle.protocol import account as account_module
from cercle.storage.errors import DatabaseCorrupt


def test_an_unchecked_cache_is_checked_after_start_and_damage_is_logged(
    tmp_path, register, monkeypatch, caplog
):
    monkeypatch.setattr(account_module, "STORE_CHECK_DELAY_S", 0.0)
    employee = register("company")

    async def run() -> None:
        account = await signed_in(employee, tmp_path)
        db = account.store.db
        checks: list[bool] = []
        real = db.integrity_check

        def checked() -> None:
            checks.append(True)
            real()

        db.integrity_check = checked  # type: ignore[method-assign]
        db.unchecked = True  # as a large cache opens
        try:
            await account.start()
            await until(lambda: not db.unchecked)
            assert checks == [True]
        finally:
            await account.close()

        # A damaged cache: logged, the account keeps running.
        account = await signed_in(employee, tmp_path / "again")
        db = account.store.db

        def damaged() -> None:
            raise DatabaseCorrupt(str(db.path), "page 7: wrong HMAC")

        db.integrity_check = damaged  # type: ignore[method-assign]
        db.unchecked = True
        try:
            await account.start()
            await until(lambda: "failed its integrity check" in caplog.text)
            await asyncio.sleep(0.2)
            assert db.unchecked  # still owed a check: nothing claims it passed
            assert all(not t.done() for t in account._tasks if t.get_name() == "sync")
        finally:
            await account.close()

    with caplog.at_level(logging.ERROR, logger="cercle.protocol.account"):
        asyncio.run(run())
