"""Identity pins: trust on first use, verified pins, changes to warn about, sealed storage."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from cercle.protocol import changes
from cercle.protocol.trust import crosssigning as cs
from cercle.protocol.trust import pins
from cercle.protocol.trust.canonical import NamedSigningKey, SigningKey, sign_json
from cercle.protocol.trust.local import LocalIdentity, LocalTrust
from cercle.protocol.trust.pins import IdentityPins, NoIdentityChange, Pin, decide

ALICE = "@alice:velotech.test"  # us
BOB = "@bob:rouelibre.test"
SECRET = "the profile's pickle key"


class Person:
    """A user with cross-signing keys and one device, as the server would serve them."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self.reset()

    def reset(self) -> None:
        """A new identity (what "reset cryptographic identity" does in Element)."""
        self.secrets = cs.CrossSigningSecrets.generate()
        self.objects = self.secrets.key_objects(self.user_id)
        key = NamedSigningKey(SigningKey.generate().seed, "ed25519:DEV1")
        device = {
            "user_id": self.user_id,
            "device_id": "DEV1",
            "algorithms": ["m.megolm.v1.aes-sha2"],
            "keys": {"ed25519:DEV1": key.public_key, "curve25519:DEV1": "c" * 43},
        }
        device = sign_json(device, key, signed_by=self.user_id)
        self.device = sign_json(device, self.secrets.self_signing, signed_by=self.user_id)

    @property
    def master_key(self) -> str:
        return self.secrets.master.public_key


def query(me: Person, other: Person, *, verified: bool = False) -> dict[str, Any]:
    """A canned /keys/query answer for `me` asking about `other` (signed by us if `verified`)."""
    master = dict(other.objects["master_key"])
    if verified:
        key = cs.CrossSigningKey.from_json(master, user_id=other.user_id, usage=cs.Usage.MASTER)
        master = cs.sign_user(key, me.secrets.user_signing, own_user_id=me.user_id)
    people = (me, other)
    return {
        "device_keys": {p.user_id: {"DEV1": p.device} for p in people},
        "master_keys": {me.user_id: me.objects["master_key"], other.user_id: master},
        "self_signing_keys": {p.user_id: p.objects["self_signing_key"] for p in people},
        "user_signing_keys": {me.user_id: me.objects["user_signing_key"]},
    }


def judge(body: dict[str, Any], me: Person, pin: Pin | None = None) -> cs.UserTrust:
    return cs.judge_user(
        cs.KeysQueryResult.from_json(body),
        BOB,
        own_user_id=me.user_id,
        trusted_master_key=me.master_key,
        pinned=pin.identity if pin else None,
    )


# -- the decision, pure ----------------------------------------------------------------------


def test_first_sight_pins_the_master_key_unverified_without_a_notice():
    alice, bob = Person(ALICE), Person(BOB)
    pin, change = decide(None, judge(query(alice, bob), alice))
    assert pin == Pin(bob.master_key, verified=False)
    assert change is None


def test_first_sight_of_a_key_we_already_signed_pins_it_verified():
    alice, bob = Person(ALICE), Person(BOB)
    pin, change = decide(None, judge(query(alice, bob, verified=True), alice))
    assert pin == Pin(bob.master_key, verified=True)
    assert change is None


def test_the_same_key_again_changes_nothing():
    alice, bob = Person(ALICE), Person(BOB)
    current = Pin(bob.master_key)
    assert decide(current, judge(query(alice, bob), alice, current)) == (None, None)


def test_an_unverified_users_new_key_is_a_notice_and_is_pinned_at_once():
    alice, bob = Person(ALICE), Person(BOB)
    current = Pin(bob.master_key)
    bob.reset()
    trust = judge(query(alice, bob), alice, current)
    assert trust.identity_changed is not None
    pin, change = decide(current, trust)
    assert change == changes.IdentityChanged(BOB, verified_before=False)
    assert pin == Pin(bob.master_key, verified=False)


def test_a_verified_users_new_key_is_a_warning_kept_until_acknowledged():
    alice, bob = Person(ALICE), Person(BOB)
    old = bob.master_key
    current = Pin(old, verified=True)
    bob.reset()
    pin, change = decide(current, judge(query(alice, bob), alice, current))
    assert change == changes.IdentityChanged(BOB, verified_before=True)
    assert pin == Pin(old, verified=True, acknowledged=False, pending_master_key=bob.master_key)
    # seen again: already told, nothing new
    assert decide(pin, judge(query(alice, bob), alice, pin)) == (None, None)
    # a third identity before the user acknowledged: told again
    bob.reset()
    again, change = decide(pin, judge(query(alice, bob), alice, pin))
    assert change == changes.IdentityChanged(BOB, verified_before=True)
    assert again == Pin(old, True, acknowledged=False, pending_master_key=bob.master_key)


def test_a_verified_user_dropping_cross_signing_is_a_warning_too():
    alice, bob = Person(ALICE), Person(BOB)
    current = Pin(bob.master_key, verified=True)
    body = query(alice, bob)
    del body["master_keys"][BOB]
    pin, change = decide(current, judge(body, alice, current))
    assert change == changes.IdentityChanged(BOB, verified_before=True)
    assert pin == Pin(current.master_key, True, acknowledged=False, pending_master_key=None)


def test_a_key_we_signed_meanwhile_upgrades_the_pin():
    alice, bob = Person(ALICE), Person(BOB)
    current = Pin(bob.master_key)
    pin, change = decide(current, judge(query(alice, bob, verified=True), alice, current))
    assert pin == Pin(bob.master_key, verified=True)
    assert change is None


def test_pin_json_round_trip_and_garbage():
    pin = Pin("k", verified=True, acknowledged=False, pending_master_key="n")
    assert Pin.from_json(pin.to_json()) == pin
    assert Pin.from_json(Pin("k").to_json()) == Pin("k")
    assert Pin.from_json({"verified": True}) is None
    assert Pin.from_json("k") is None


# -- the sealed record -----------------------------------------------------------------------


def test_pins_are_sealed_and_acknowledging_repins_unverified(store):
    alice, bob = Person(ALICE), Person(BOB)
    saved = IdentityPins(store, SECRET)
    assert saved.observe(judge(query(alice, bob), alice)) is None
    assert saved.all() == {BOB: Pin(bob.master_key)}
    saved.pin_verified(BOB, bob.master_key)
    old = bob.master_key
    assert IdentityPins(store, SECRET).get(BOB) == Pin(bob.master_key, verified=True)

    with pytest.raises(NoIdentityChange):
        saved.acknowledge(BOB)
    bob.reset()
    change = saved.observe(judge(query(alice, bob), alice, saved.get(BOB)))
    assert change == changes.IdentityChanged(BOB, verified_before=True)
    assert saved.get(BOB) == Pin(old, True, acknowledged=False, pending_master_key=bob.master_key)
    assert saved.acknowledge(BOB) == Pin(bob.master_key, verified=False)
    assert saved.get(BOB) == Pin(bob.master_key, verified=False, acknowledged=True)

    # another profile secret (or a server writing the type) does not verify: ignored
    assert IdentityPins(store, "another secret").all() == {}
    store.receipts.set_account_data(pins.PINS, {"body": {"users": {BOB: {"master_key": "x"}}}})
    assert saved.all() == {}


# -- the monitor, with a canned /keys/query --------------------------------------------------


def test_the_monitor_publishes_a_verified_users_change(store, monkeypatch):
    alice, bob = Person(ALICE), Person(BOB)
    LocalTrust(store, SECRET).save_identity(LocalIdentity(alice.master_key, alice.secrets))
    answers = [query(alice, bob, verified=True)]
    asked: list[Any] = []

    async def send_request(client, request, *, what):
        asked.append(request)
        return answers[-1]

    monkeypatch.setattr(pins, "send_request", send_request)
    published: list[changes.Change] = []
    account = SimpleNamespace(
        store=store,
        profile=SimpleNamespace(keys=SimpleNamespace(pickle_key=SECRET)),
        client=SimpleNamespace(user_id=ALICE),
    )
    monitor = pins.IdentityMonitor(account, published.append)  # type: ignore[arg-type]

    async def scenario() -> None:
        assert await monitor.check([BOB]) == []
        assert (await monitor.pinned())[BOB] == Pin(bob.master_key, verified=True)
        bob.reset()
        answers.append(query(alice, bob))
        assert await monitor.check([BOB]) == [changes.IdentityChanged(BOB, True)]
        assert await monitor.check([BOB]) == []  # told once
        await monitor.acknowledge(BOB)
        assert (await monitor.pinned())[BOB] == Pin(bob.master_key)
        # a user the server did not answer for is left alone
        assert await monitor.check(["@carol:elsewhere.test"]) == []

    asyncio.run(scenario())
    assert published == [changes.IdentityChanged(BOB, verified_before=True)]
    assert "@carol:elsewhere.test" not in monitor.pins().all()
