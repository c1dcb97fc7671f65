"""Reading the server's word on our fallback key, and the upload request."""

from __future__ import annotations

import json

from cercle.protocol.e2ee import fallback_keys_upload, unused_fallback_key_types


def test_unused_fallback_key_types_from_a_parsed_body():
    assert unused_fallback_key_types(
        {"device_unused_fallback_key_types": ["signed_curve25519"]}
    ) == {"signed_curve25519"}
    assert unused_fallback_key_types({"device_unused_fallback_key_types": []}) == frozenset()
    assert unused_fallback_key_types({"next_batch": "s"}) is None  # the server did not say


def test_unused_fallback_key_types_from_raw_bytes_small_and_big():
    small = json.dumps({"next_batch": "s", "device_unused_fallback_key_types": []}).encode()
    assert unused_fallback_key_types(small) == frozenset()
    big = {
        "rooms": {"join": {"!r:x": {"timeline": {"events": [{"body": "x" * (2 << 20)}]}}}},
        "device_unused_fallback_key_types": ["signed_curve25519"],
    }
    assert unused_fallback_key_types(json.dumps(big).encode()) == {"signed_curve25519"}
    assert unused_fallback_key_types(b"not json") is None


def test_fallback_keys_go_in_a_keys_upload():
    key = {"key": "abc", "fallback": True, "signatures": {}}
    request = fallback_keys_upload({"signed_curve25519:AAAAAQ": key})
    assert request.method == "POST"
    assert request.path == "/_matrix/client/v3/keys/upload"
    assert request.body == {"fallback_keys": {"signed_curve25519:AAAAAQ": key}}
