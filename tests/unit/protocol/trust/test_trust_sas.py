"""SAS verification: two state machines talking through canned in-memory transports."""

from __future__ import annotations

import asyncio

import pytest
import vodozemac

from cercle.protocol.trust.sas import EMOJI, Party, SasKeys, commitment, start_content
from cercle.protocol.trust.verification import (
    Phase,
    TheirKeys,
    Verification,
    VerificationCancelled,
    Verified,
    is_fresh,
)

ALICE, BOB = Party("@alice:a", "ADEV"), Party("@bob:b", "BDEV")
KEYS = {
    ALICE: {"dev": "A" * 43, "master": "M" * 43},
    BOB: {"dev": "B" * 43, "master": "N" * 43},
}


class Wire:
    """Delivers what one side sends to the other, recording the event types."""

    def __init__(self) -> None:
        self.peer: Verification | None = None
        self.sent: list[tuple[str, dict]] = []
        self.drop: set[str] = set()

    async def send(self, event_type: str, content: dict) -> dict:
        content = {**content, "m.relates_to": {"rel_type": "m.reference", "event_id": "$request"}}
        self.sent.append((event_type, content))
        if event_type.rsplit(".", 1)[-1] not in self.drop:
            assert self.peer is not None
            asyncio.get_running_loop().call_soon(
                lambda: asyncio.ensure_future(self.peer.handle(event_type, content))
            )
        return content


def _flow(me: Party, other: Party, wire: Wire, *, requested: bool, **kw) -> Verification:
    async def their_keys(user: str, device: str) -> TheirKeys:
        keys = kw.pop("their", None) or KEYS[other]
        return TheirKeys(keys["dev"] if device == other.device_id else None, keys["master"])

    signed: list[Verified] = []

    async def on_verified(v: Verified) -> None:
        signed.append(v)

    mine = KEYS[me]
    flow = Verification(
        flow_id="$request",
        own=me,
        other_user=other.user_id,
        other_device=None if requested else other.device_id,
        transport=wire,
        own_keys={
            f"ed25519:{me.device_id}": mine["dev"],
            f"ed25519:{mine['master']}": mine["master"],
        },
        their_keys=their_keys,
        we_requested=requested,
        in_room=True,
        on_verified=on_verified,
        timeout=kw.get("timeout", 5),
    )
    flow.signed = signed  # type: ignore[attr-defined]
    return flow


def _pair(**kw) -> tuple[Verification, Verification, Wire, Wire]:
    wa, wb = Wire(), Wire()
    a = _flow(ALICE, BOB, wa, requested=True, **kw.get("a", {}))
    b = _flow(BOB, ALICE, wb, requested=False, **kw.get("b", {}))
    wa.peer, wb.peer = b, a
    return a, b, wa, wb


async def _until_showing(a: Verification, b: Verification, starter: Verification) -> None:
    await b.accept()
    await asyncio.wait_for(a.ready, 1)
    await starter.start_sas()
    sa, sb = await asyncio.wait_for(asyncio.gather(a.short_auth, b.short_auth), 1)
    assert sa == sb
    assert len(sa.emoji) == 7
    assert all(1000 <= d <= 9191 for d in sa.decimals)


@pytest.mark.parametrize("starter", ["requester", "accepter"])
def test_both_confirm_then_each_verified_the_others_device_and_master_key(starter):
    async def run():
        a, b, wa, wb = _pair()
        await _until_showing(a, b, a if starter == "requester" else b)
        await asyncio.gather(a.confirm(True), b.confirm(True))
        va, vb = await asyncio.wait_for(asyncio.gather(a.finished, b.finished), 1)
        assert va == Verified(BOB.user_id, "BDEV", KEYS[BOB]["dev"], KEYS[BOB]["master"])
        assert vb == Verified(ALICE.user_id, "ADEV", KEYS[ALICE]["dev"], KEYS[ALICE]["master"])
        assert a.signed == [va]
        assert b.signed == [vb]
        assert (a.phase, b.phase) == (Phase.DONE, Phase.DONE)
        kinds = [t.rsplit(".", 1)[-1] for t, _ in wa.sent + wb.sent]
        assert sorted(kinds) == sorted(
            ["ready", "start", "accept", "key", "key", "mac", "mac", "done", "done"]
        )

    asyncio.run(run())


def test_what_the_mac_proved_is_told_before_our_done_goes_out():
    """The other side may act on our `done` at once (ask this device for secrets): by then
    the device it proved must be known here."""

    async def run():
        a, b, _, wb = _pair()
        told: list[tuple[Verified, list[str]]] = []
        b._on_mac_checked = lambda v: told.append((v, [t for t, _ in wb.sent]))
        await _until_showing(a, b, a)
        await asyncio.gather(a.confirm(True), b.confirm(True))
        await asyncio.wait_for(asyncio.gather(a.finished, b.finished), 1)
        ((verified, sent_by_then),) = told
        assert verified == Verified(
            ALICE.user_id, "ADEV", KEYS[ALICE]["dev"], KEYS[ALICE]["master"]
        )
        assert "m.key.verification.mac" in sent_by_then
        assert "m.key.verification.done" not in sent_by_then
        assert wb.sent[-1][0] == "m.key.verification.done"

    asyncio.run(run())


def test_a_mismatch_cancels_both_sides_with_mismatched_sas():
    async def run():
        a, b, wa, _ = _pair()
        await _until_showing(a, b, a)
        await a.confirm(False)
        for flow in (a, b):
            with pytest.raises(VerificationCancelled) as e:
                await asyncio.wait_for(flow.finished, 1)
            assert e.value.code == "m.mismatched_sas"
        assert wa.sent[-1][0] == "m.key.verification.cancel"
        assert a.signed == []
        assert b.signed == []

    asyncio.run(run())


def test_a_master_key_the_server_does_not_publish_is_not_taken_as_verified():
    async def run():
        # Bob's server claims another master key for Alice than the one her device MACs.
        a, b, _, _ = _pair(b={"their": {"dev": KEYS[ALICE]["dev"], "master": "X" * 43}})
        await _until_showing(a, b, a)
        await asyncio.gather(a.confirm(True), b.confirm(True))
        verified = await asyncio.wait_for(b.finished, 1)
        # Only her device is proven; her identity is not, so it is not signed (CVE-2022-39250).
        assert verified.master_key is None
        assert verified.device_key == KEYS[ALICE]["dev"]

    asyncio.run(run())


def test_a_device_key_that_does_not_match_cancels():
    async def run():
        a, b, _, _ = _pair(b={"their": {"dev": "Z" * 43, "master": KEYS[ALICE]["master"]}})
        await _until_showing(a, b, a)
        await asyncio.gather(a.confirm(True), b.confirm(True))
        for flow in (a, b):
            with pytest.raises(VerificationCancelled) as e:
                await asyncio.wait_for(flow.finished, 1)
            assert e.value.code == "m.key_mismatch"

    asyncio.run(run())


def test_no_answer_times_out_with_m_timeout():
    async def run():
        a, _b, wa, _ = _pair(a={"timeout": 0.1})
        with pytest.raises(VerificationCancelled) as e:
            await asyncio.wait_for(a.finished, 1)
        assert e.value.code == "m.timeout"
        assert e.value.by_us
        await asyncio.sleep(0.05)
        assert wa.sent[-1][1]["code"] == "m.timeout"

    asyncio.run(run())


def test_the_other_side_cancelling_ends_the_flow():
    async def run():
        a, b, _, _ = _pair()
        await b.accept()
        await a.cancel("m.user", "changed my mind")
        with pytest.raises(VerificationCancelled) as e:
            await asyncio.wait_for(b.ready if not b.ready.done() else b.finished, 1)
        assert e.value.code == "m.user"
        assert not e.value.by_us

    asyncio.run(run())


def test_a_start_without_our_mac_method_is_refused():
    async def run():
        _a, b, _, wb = _pair()
        await b.accept()
        bad = {**start_content("ADEV"), "message_authentication_codes": ["hkdf-hmac-sha256"]}
        await b.handle("m.key.verification.start", bad)
        assert wb.sent[-1][1]["code"] == "m.unknown_method"
        assert b.phase is Phase.CANCELLED

    asyncio.run(run())


def test_commitment_is_sha256_of_key_then_canonical_start():
    import base64
    import hashlib

    start = {"b": 1, "a": "x"}
    digest = hashlib.sha256(b'KEY{"a":"x","b":1}').digest()
    assert commitment("KEY", start) == base64.b64encode(digest).decode().rstrip("=")


def test_emoji_table_and_short_auth_agree_with_vodozemac():
    assert len(EMOJI) == 64
    assert len({name for _, name in EMOJI}) == 64
    assert EMOJI[0] == ("🐶", "Dog")
    assert EMOJI[63] == ("📌", "Pin")
    x, y = SasKeys(), SasKeys()
    x.establish(y.public_key)
    y.establish(x.public_key)
    assert x.short_auth("info") == y.short_auth("info")
    raw = vodozemac.Sas()
    assert isinstance(raw.public_key.to_base64(), str)


def test_freshness_of_requests():
    now = 10**13
    assert is_fresh(now - 60_000, now)
    assert not is_fresh(now - 11 * 60_000, now)
    assert not is_fresh(now + 6 * 60_000, now)
    assert not is_fresh("soon", now)
