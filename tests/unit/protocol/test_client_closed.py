"""A closed client refuses new requests instead of opening a new HTTP session."""

from __future__ import annotations

import asyncio

import pytest

from cercle.protocol.client import ClientClosed, MatrixClient


def test_a_request_after_close_is_refused_without_a_new_http_session():
    async def scenario() -> None:
        client = MatrixClient("http://127.0.0.1:9")  # nothing listens: a request would fail
        await client.close()
        with pytest.raises(ClientClosed):
            await client.call(client.nio.whoami())
        assert client.nio.client_session is None  # nio did not open one to try

    asyncio.run(scenario())
