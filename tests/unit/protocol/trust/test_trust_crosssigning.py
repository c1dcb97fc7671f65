"""Cross-signing: key objects, signing, and judging /keys/query signature chains."""

from __future__ import annotations

from typing import Any

import pytest

from cercle.protocol.trust import crosssigning as cs
from cercle.protocol.trust.canonical import NamedSigningKey, SigningKey, is_signed_by, sign_json

ALICE = "@alice:velotech.test"
BOB = "@bob:rouelibre.test"


class Person:
    """A user with cross-signing keys and devices, producing what the server would serve."""

    def __init__(self, user_id: str, devices: tuple[str, ...] = ("DEV1",)) -> None:
        self.user_id = user_id
        self.secrets = cs.CrossSigningSecrets.generate()
        self.objects = self.secrets.key_objects(user_id)
        self.device_keys: dict[str, SigningKey] = {}
        self.devices: dict[str, dict[str, Any]] = {}
        for device_id in devices:
            self.add_device(device_id)

    def add_device(self, device_id: str, *, cross_sign: bool = True) -> None:
        key = NamedSigningKey(SigningKey.generate().seed, f"ed25519:{device_id}")
        obj = {
            "user_id": self.user_id,
            "device_id": device_id,
            "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
            "keys": {f"ed25519:{device_id}": key.public_key, f"curve25519:{device_id}": "c" * 43},
        }
        obj = sign_json(obj, key, signed_by=self.user_id)
        if cross_sign:
            obj = sign_json(obj, self.secrets.self_signing, signed_by=self.user_id)
        obj["unsigned"] = {"device_display_name": f"{device_id}'s laptop"}
        self.device_keys[device_id] = key
        self.devices[device_id] = obj

    @property
    def master_key(self) -> str:
        return self.secrets.master.public_key

    def query(self, *others: Person, viewer: Person | None = None) -> dict[str, Any]:
        """A /keys/query body as `viewer` (default: self) sees self and others."""
        viewer = viewer or self
        people = (self, *others)
        body: dict[str, Any] = {
            "device_keys": {p.user_id: dict(p.devices) for p in people},
            "master_keys": {p.user_id: p.objects["master_key"] for p in people},
            "self_signing_keys": {p.user_id: p.objects["self_signing_key"] for p in people},
            "user_signing_keys": {viewer.user_id: viewer.objects["user_signing_key"]},
        }
        return body


def judge(body: dict[str, Any], user: str, me: Person, **kw: Any) -> cs.UserTrust:
    return cs.judge_user(
        cs.KeysQueryResult.from_json(body),
        user,
        own_user_id=me.user_id,
        trusted_master_key=kw.pop("trusted", me.master_key),
        **kw,
    )


def test_key_objects_have_the_spec_shape_and_are_signed_by_the_master_key():
    alice = Person(ALICE)
    objs = alice.objects
    assert set(objs) == {"master_key", "self_signing_key", "user_signing_key"}
    master = cs.CrossSigningKey.from_json(objs["master_key"], user_id=ALICE, usage=cs.Usage.MASTER)
    assert objs["master_key"]["keys"] == {f"ed25519:{alice.master_key}": alice.master_key}
    for name, usage in (("self_signing_key", "self_signing"), ("user_signing_key", "user_signing")):
        assert objs[name]["usage"] == [usage]
        key = cs.CrossSigningKey.from_json(objs[name], user_id=ALICE, usage=cs.Usage(usage))
        assert key.signed_by(master)
    assert "signatures" not in objs["master_key"]


def test_own_devices_cross_signed_by_a_trusted_identity_are_verified():
    alice = Person(ALICE, ("DEV1", "DEV2"))
    alice.add_device("OLD", cross_sign=False)
    trust = judge(alice.query(), ALICE, alice)
    assert trust.level is cs.TrustLevel.VERIFIED
    assert trust.devices["DEV1"].level is cs.TrustLevel.VERIFIED
    assert trust.devices["DEV2"].level is cs.TrustLevel.VERIFIED
    assert trust.devices["OLD"].level is cs.TrustLevel.UNSIGNED
    assert trust.devices["DEV1"].keys.display_name == "DEV1's laptop"
    assert trust.identity_changed is None


def test_own_identity_not_known_to_us_is_only_cross_signed():
    alice = Person(ALICE)
    trust = judge(alice.query(), ALICE, alice, trusted=None)
    assert trust.level is cs.TrustLevel.CROSS_SIGNED
    assert trust.devices["DEV1"].level is cs.TrustLevel.CROSS_SIGNED


def test_other_user_is_verified_only_once_our_user_signing_key_signs_their_master_key():
    alice, bob = Person(ALICE), Person(BOB)
    before = judge(alice.query(bob), BOB, alice)
    assert before.level is cs.TrustLevel.CROSS_SIGNED
    assert before.devices["DEV1"].level is cs.TrustLevel.CROSS_SIGNED

    master = cs.CrossSigningKey.from_json(
        bob.objects["master_key"], user_id=BOB, usage=cs.Usage.MASTER
    )
    signed = cs.sign_user(master, alice.secrets.user_signing, own_user_id=ALICE)
    assert set(signed["signatures"]) == {ALICE}  # only the new signature is uploaded
    bob.objects["master_key"] = signed  # the server merges it; Alice sees it
    after = judge(alice.query(bob), BOB, alice)
    assert after.level is cs.TrustLevel.VERIFIED
    assert after.devices["DEV1"].level is cs.TrustLevel.VERIFIED
    assert after.pin() == cs.PinnedIdentity(bob.master_key, verified=True)

    # … but not if our own identity is not the one we trust (e.g. it was reset elsewhere)
    assert judge(alice.query(bob), BOB, alice, trusted=SigningKey.generate().public_key).level is (
        cs.TrustLevel.CROSS_SIGNED
    )


def test_signature_by_a_user_signing_key_not_signed_by_our_master_is_worthless():
    alice, bob = Person(ALICE), Person(BOB)
    rogue = SigningKey.generate()  # a user-signing key the server made up
    alice.objects["user_signing_key"] = sign_json(
        {"user_id": ALICE, "usage": ["user_signing"], "keys": {rogue.key_id: rogue.public_key}},
        SigningKey.generate(),
        signed_by=ALICE,
    )
    master = cs.CrossSigningKey.from_json(
        bob.objects["master_key"], user_id=BOB, usage=cs.Usage.MASTER
    )
    bob.objects["master_key"] = cs.sign_user(master, rogue, own_user_id=ALICE)
    assert judge(alice.query(bob), BOB, alice).level is cs.TrustLevel.CROSS_SIGNED


def test_device_signed_by_a_self_signing_key_the_master_did_not_sign_is_unsigned():
    alice, bob = Person(ALICE), Person(BOB)
    impostor = SigningKey.generate()
    bob.objects["self_signing_key"] = sign_json(
        {"user_id": BOB, "usage": ["self_signing"], "keys": {impostor.key_id: impostor.public_key}},
        impostor,
        signed_by=BOB,
    )
    bob.devices["DEV1"] = sign_json(bob.devices["DEV1"], impostor, signed_by=BOB)
    trust = judge(alice.query(bob), BOB, alice)
    assert trust.self_signing is None
    assert trust.devices["DEV1"].level is cs.TrustLevel.UNSIGNED
    assert any("self_signing" in why for why in trust.invalid)


def test_tampered_device_keys_are_dropped():
    alice = Person(ALICE, ("DEV1", "DEV2"))
    alice.devices["DEV1"]["keys"]["curve25519:DEV1"] = "d" * 43  # server swapped the key
    alice.devices["DEV2"]["device_id"] = "DEV3"  # filed under another id
    trust = judge(alice.query(), ALICE, alice)
    assert set(trust.devices) == set()
    assert len(trust.invalid) == 2


def test_device_id_equal_to_a_cross_signing_key_is_flagged_and_never_trusted():
    # CVE-2022-39250: a server makes a device whose id is the self-signing public key.
    alice, bob = Person(ALICE), Person(BOB)
    fake_id = bob.secrets.self_signing.public_key
    bob.add_device(fake_id, cross_sign=False)  # its self-signature sits under the SSK's key id
    master = cs.CrossSigningKey.from_json(
        bob.objects["master_key"], user_id=BOB, usage=cs.Usage.MASTER
    )
    bob.objects["master_key"] = cs.sign_user(master, alice.secrets.user_signing, own_user_id=ALICE)
    trust = judge(alice.query(bob), BOB, alice)
    assert trust.colliding_device_ids == {fake_id}
    assert not trust.may_be_verified
    assert trust.level is cs.TrustLevel.CROSS_SIGNED
    assert trust.devices[fake_id].level is cs.TrustLevel.UNSIGNED
    assert trust.devices["DEV1"].level is cs.TrustLevel.CROSS_SIGNED


def test_device_self_signature_is_not_mistaken_for_a_cross_signature():
    # The device's own key under `ed25519:<device id>`: if the device id were the SSK's public
    # key, a lookup by key id alone would accept the device's self-signature as the SSK's.
    bob = Person(BOB)
    ssk = cs.CrossSigningKey.from_json(
        bob.objects["self_signing_key"], user_id=BOB, usage=cs.Usage.SELF_SIGNING
    )
    bob.add_device(ssk.public_key, cross_sign=False)
    device = cs.DeviceKeys.from_json(
        bob.devices[ssk.public_key], user_id=BOB, device_id=ssk.public_key
    )
    assert not device.signed_by(ssk)


def test_identity_change_is_detected_with_whether_it_was_verified():
    alice, bob = Person(ALICE), Person(BOB)
    old = cs.PinnedIdentity(bob.master_key, verified=True)
    assert judge(alice.query(bob), BOB, alice, pinned=old).identity_changed is None

    reset = Person(BOB)  # Bob resets his identity
    trust = judge(alice.query(reset), BOB, alice, pinned=old)
    assert trust.identity_changed == cs.IdentityChanged(BOB, bob.master_key, reset.master_key, True)
    assert trust.level is cs.TrustLevel.CROSS_SIGNED
    unverified = cs.PinnedIdentity(bob.master_key, verified=False)
    assert (
        judge(alice.query(reset), BOB, alice, pinned=unverified).identity_changed.verified_before
        is False
    )

    hidden = alice.query(bob)
    del hidden["master_keys"][BOB]  # a server hiding the identity is a change too
    assert judge(hidden, BOB, alice, pinned=old).identity_changed.new_master_key is None


def test_sign_device_for_upload():
    alice = Person(ALICE)
    alice.add_device("NEW", cross_sign=False)
    device = cs.DeviceKeys.from_json(alice.devices["NEW"], user_id=ALICE, device_id="NEW")
    signed = cs.sign_device(device, alice.secrets.self_signing)
    assert "unsigned" not in signed
    assert list(signed["signatures"][ALICE]) == [alice.secrets.self_signing.key_id]
    assert is_signed_by(
        signed,
        signed_by=ALICE,
        key_id=alice.secrets.self_signing.key_id,
        public_key=alice.secrets.self_signing.public_key,
    )


def test_judge_all_and_own_user_signing_key():
    alice, bob = Person(ALICE), Person(BOB)
    result = cs.KeysQueryResult.from_json(alice.query(bob))
    trusts = cs.judge_all(result, own_user_id=ALICE, trusted_master_key=alice.master_key)
    assert set(trusts) == {ALICE, BOB}
    usk = cs.own_user_signing_key(result, own_user_id=ALICE, trusted_master_key=alice.master_key)
    assert usk is not None
    assert usk.public_key == alice.secrets.user_signing.public_key
    master = trusts[ALICE].master
    assert master is not None
    with pytest.raises(ValueError, match="our own master key"):
        cs.sign_user(master, alice.secrets.user_signing, own_user_id=ALICE)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda o: o.update(user_id=BOB), "given for"),
        (lambda o: o.update(usage=["self_signing"]), "not for master"),
        (lambda o: o["keys"].update({"ed25519:other": "x"}), "exactly one"),
        (lambda o: o.update(keys={"ed25519:abc": "abc"}), "32-byte"),
    ],
)
def test_malformed_cross_signing_keys_are_refused(change, why):
    obj = Person(ALICE).objects["master_key"]
    change(obj)
    with pytest.raises(cs.InvalidKeyObject, match=why):
        cs.CrossSigningKey.from_json(obj, user_id=ALICE, usage=cs.Usage.MASTER)


def test_a_user_without_cross_signing_is_unsigned():
    alice = Person(ALICE)
    body = alice.query()
    body["device_keys"][BOB] = {}
    trust = judge(body, BOB, alice)
    assert trust.level is cs.TrustLevel.UNSIGNED
    assert trust.pin() is None
