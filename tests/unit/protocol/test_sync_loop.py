"""The sync loop survives unreadable responses and stops when the session is gone."""

from __future__ import annotations

import asyncio

from cercle.protocol import sync
from cercle.protocol.changes import SessionEnded, SyncStateChanged
from cercle.protocol.client import MatrixError


class ScriptedClient:
    """Stands in for MatrixClient.sync_raw/sync_once: raises what the script says, in order."""

    user_id = "@camille:company.test"

    def __init__(self, *outcomes: BaseException) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    async def sync_once(self, timeout_ms, sync_filter):
        self.calls += 1
        raise self.outcomes.pop(0)

    sync_raw = sync_once  # the same for Cercle's own decoding (protocol/decode.py)


def test_a_malformed_response_is_retried_and_a_dead_token_ends_the_session(monkeypatch):
    monkeypatch.setattr(sync, "BACKOFF_FIRST_S", 0.01)
    client = ScriptedClient(
        TypeError("nio choked on a malformed event"),
        MatrixError("Unknown token", errcode="M_UNKNOWN_TOKEN", status=401),
    )
    published = []
    engine = sync.SyncEngine(client, store=None, publish=published.append)  # type: ignore[arg-type]

    asyncio.run(asyncio.wait_for(engine.run(), 5))

    assert client.calls == 2
    retry, ended = published
    assert isinstance(retry, SyncStateChanged)
    assert retry.state == "retrying"
    assert "unreadable response" in retry.detail
    assert isinstance(ended, SessionEnded)
    assert ended.soft_logout is False
