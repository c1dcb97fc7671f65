"""Canonical JSON and JSON signing against the spec's appendices and its test vectors."""

from __future__ import annotations

import json

import pytest

from cercle.protocol.trust import canonical as c

# Appendices, "Cryptographic Test Vectors": the seed, server name and key id of every vector.
SPEC_SEED = c.decode_base64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1")
SPEC_KEY = c.NamedSigningKey(SPEC_SEED, "ed25519:1")


@pytest.mark.parametrize(
    ("given", "canonical"),
    [  # every example of the appendices' "Canonical JSON" section
        ("{}", "{}"),
        ('{"one": 1, "two": "Two"}', '{"one":1,"two":"Two"}'),
        ('{"b": "2", "a": "1"}', '{"a":"1","b":"2"}'),
        ('{"b":"2","a":"1"}', '{"a":"1","b":"2"}'),
        (
            '{"auth": {"success": true, "mxid": "@john.doe:example.com", "profile": {'
            '"display_name": "John Doe", "three_pids": [{"medium": "email", "address": '
            '"john.doe@example.org"}, {"medium": "msisdn", "address": "123456789"}]}}}',
            '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe",'
            '"three_pids":[{"address":"john.doe@example.org","medium":"email"},'
            '{"address":"123456789","medium":"msisdn"}]},"success":true}}',
        ),
        ('{"a": "日本語"}', '{"a":"日本語"}'),
        ('{"本": 2, "日": 1}', '{"日":1,"本":2}'),
        ('{"a": "\\u65E5"}', '{"a":"日"}'),
        ('{"a": null}', '{"a":null}'),
        ('{"a": -0, "b": 1e10}', '{"a":0,"b":10000000000}'),
    ],
)
def test_spec_canonical_json_examples(given, canonical):
    assert c.canonical_json(json.loads(given)) == canonical.encode("utf-8")


def test_control_characters_use_the_grammar_escapes():
    assert c.canonical_json({"a": '\x00\x08\t\n\x0c\r\x1f"\\\x7f'}) == (
        b'{"a":"\\u0000\\b\\t\\n\\f\\r\\u001f\\"\\\\\x7f"}'
    )


@pytest.mark.parametrize(
    "value", [{"a": 1.5}, {"a": float("nan")}, {"a": 2**53}, {"a": -(2**53)}, {1: "x"}, {"a": b"x"}]
)
def test_values_outside_canonical_json_are_refused(value):
    with pytest.raises(c.CanonicalJsonError):
        c.canonical_json(value)


def test_range_limits_are_inclusive():
    assert c.canonical_json([2**53 - 1, -(2**53) + 1]) == b"[9007199254740991,-9007199254740991]"


def test_lone_surrogate_is_refused():
    with pytest.raises(c.CanonicalJsonError):
        c.canonical_json({"a": "\ud800"})


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"", ""),
        (b"f", "Zg"),
        (b"fo", "Zm8"),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg"),
        (b"fooba", "Zm9vYmE"),
        (b"foobar", "Zm9vYmFy"),
    ],
)
def test_spec_unpadded_base64_examples(raw, text):
    assert c.encode_base64(raw) == text
    assert c.decode_base64(text) == raw
    assert c.decode_base64(text + "=" * (-len(text) % 4)) == raw  # padded is accepted too


@pytest.mark.parametrize("bad", ["Z", "Zm9v!", "Zm=9v", "Zm9v===", "-_-_"])
def test_bad_base64_is_refused(bad):
    with pytest.raises(c.InvalidBase64):
        c.decode_base64(bad)


def test_spec_signing_vector_empty_object():
    assert c.sign_json({}, SPEC_KEY, signed_by="domain") == {
        "signatures": {
            "domain": {
                "ed25519:1": "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7X"
                "g4ahLwYGYZzuHGZKM5ZAQ"
            }
        }
    }


def test_spec_signing_vector_with_data_and_its_verification():
    signed = c.sign_json({"one": 1, "two": "Two"}, SPEC_KEY, signed_by="domain")
    assert signed["signatures"]["domain"]["ed25519:1"] == (
        "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"
    )
    c.verify_json(signed, signed_by="domain", key_id="ed25519:1", public_key=SPEC_KEY.public_key)


def test_signing_keeps_unsigned_and_other_signatures_out_of_the_signed_bytes():
    obj = {"one": 1, "unsigned": {"age_ts": 1}, "signatures": {"other": {"ed25519:x": "sig"}}}
    signed = c.sign_json(obj, SPEC_KEY, signed_by="domain")
    assert signed["unsigned"] == {"age_ts": 1}
    assert signed["signatures"]["other"] == {"ed25519:x": "sig"}
    assert "signatures" not in obj["signatures"]["other"]
    assert "domain" not in obj["signatures"]
    signed["unsigned"]["age_ts"] = 2  # not covered: still valid
    assert c.is_signed_by(
        signed, signed_by="domain", key_id="ed25519:1", public_key=SPEC_KEY.public_key
    )


def test_tampering_breaks_the_signature():
    signed = c.sign_json({"one": 1, "two": "Two"}, SPEC_KEY, signed_by="domain")
    args = {"signed_by": "domain", "key_id": "ed25519:1", "public_key": SPEC_KEY.public_key}
    with pytest.raises(c.InvalidSignature):
        c.verify_json({**signed, "two": "Tw0"}, **args)
    sig = bytearray(c.decode_base64(signed["signatures"]["domain"]["ed25519:1"]))
    sig[5] ^= 0x01
    flipped = {**signed, "signatures": {"domain": {"ed25519:1": c.encode_base64(bytes(sig))}}}
    with pytest.raises(c.InvalidSignature):
        c.verify_json(flipped, **args)
    with pytest.raises(c.InvalidSignature):  # the signature is under another entity
        c.verify_json(signed, signed_by="other", key_id="ed25519:1", public_key=args["public_key"])
    other = c.SigningKey.generate()
    with pytest.raises(c.InvalidSignature):
        c.verify_json(signed, **{**args, "public_key": other.public_key})


def test_verification_is_strict_about_small_order_keys():
    # The identity point as public key with R = identity, S = 0 satisfies the cofactorless
    # equation for any message; OpenSSL accepts it, a strict verifier must not.
    identity = bytes([1]) + bytes(31)
    with pytest.raises(c.InvalidSignature):
        c.verify_signature(
            c.encode_base64(identity), b"anything", c.encode_base64(identity + bytes(32))
        )


def test_signing_key_round_trips_its_seed_and_hides_it_in_repr():
    key = c.SigningKey.generate()
    assert c.SigningKey(key.seed).public_key == key.public_key
    assert key.key_id == "ed25519:" + key.public_key
    assert c.encode_base64(key.seed) not in repr(key)
    assert SPEC_KEY.public_key == "XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI"
