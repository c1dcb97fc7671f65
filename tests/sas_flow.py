"""Cercle asks an Element-grade JS peer to verify by emoji and both confirm (interop tests)."""

from __future__ import annotations

import asyncio
from typing import Any

WAIT_MS = 10_000


def emoji_names(emoji) -> list[str]:
    return [name for _, name in emoji]


async def cercle_asks_and_both_confirm(cercle, js_peer, room_id: str) -> tuple[Any, Any]:
    """The in-room flow with Cercle as the requester: returns (flow, Cercle's Verified result),
    after checking both sides showed the same emoji."""
    flow = await cercle.verifications.request(js_peer.user_id, room_id=room_id)
    incoming = await js_peer.next_event("verificationRequest", within=10)
    js_id = incoming["verificationId"]
    await js_peer.acall("acceptVerification", verificationId=js_id)
    await asyncio.wait_for(flow.ready, 10)
    await flow.start_sas()
    js_sas, ours = await asyncio.gather(
        js_peer.acall("waitForSas", verificationId=js_id, timeoutMs=WAIT_MS),
        asyncio.wait_for(flow.short_auth, 10),
    )
    assert emoji_names(ours.emoji) == emoji_names(js_sas["emoji"])
    await asyncio.gather(flow.confirm(True), js_peer.acall("confirmSas", verificationId=js_id))
    verified, _ = await asyncio.gather(
        asyncio.wait_for(flow.finished, 10),
        js_peer.acall("waitForVerification", verificationId=js_id, timeoutMs=WAIT_MS),
    )
    return flow, verified


async def own_devices_verify(requester, answerer, within: float = 30) -> tuple[Any, Any]:
    """Two Cercle devices of one user: `requester` asks `answerer` to-device, both confirm the
    same emoji; returns (requester's Verified, answerer's Verified)."""
    flow = await requester.verifications.request(
        requester.user_id, device_id=answerer.client.nio.device_id
    )
    incoming = await asyncio.wait_for(answerer.verifications.incoming.get(), within)
    assert incoming.flow_id == flow.flow_id
    assert not incoming.in_room
    await incoming.accept()
    await asyncio.wait_for(flow.ready, within)
    await flow.start_sas()
    mine, theirs = await asyncio.wait_for(
        asyncio.gather(flow.short_auth, incoming.short_auth), within
    )
    assert mine == theirs
    assert len(mine.emoji) == 7
    await asyncio.gather(flow.confirm(True), incoming.confirm(True))
    return await asyncio.wait_for(asyncio.gather(flow.finished, incoming.finished), within)
