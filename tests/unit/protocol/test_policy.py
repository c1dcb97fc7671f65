"""The managed policy: values and locks from each platform's source, invalid input fails safe."""

from __future__ import annotations

import json
import logging
import plistlib
from pathlib import Path

import jsonschema
import pytest

from cercle.protocol import policy as pol

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = json.loads((ROOT / "packaging/policy/policy.schema.json").read_text(encoding="utf-8"))
EXAMPLE = ROOT / "packaging/policy/example-policy.json"


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_no_policy_file_is_unmanaged(tmp_path):
    policy = pol.load_policy(tmp_path / "absent.json")
    assert policy == pol.UNMANAGED
    assert not policy.is_managed
    assert not policy.homeserver_locked
    assert policy.describe() == ()
    assert policy.server_allowed("anything.org")


def test_example_policy_is_valid_and_reports_locks(caplog):
    jsonschema.validate(json.loads(EXAMPLE.read_text(encoding="utf-8")), SCHEMA)
    with caplog.at_level(logging.ERROR):
        policy = pol.load_policy(EXAMPLE)
    assert caplog.records == []
    assert policy.errors == ()
    assert policy.default_homeserver == "https://matrix.example.com"
    assert policy.homeserver_locked
    assert policy.is_locked("e2ee_required")
    assert not policy.is_locked("cache_retention_days")
    assert policy.e2ee_required
    assert policy.cache_retention_days == 90
    assert not policy.feature_enabled("link_previews")
    assert policy.feature_enabled("file_upload")
    assert policy.server_allowed("partner.example.org")
    assert policy.server_allowed("chat.example.net")
    assert not policy.server_allowed("example.net.evil.org")
    assert not policy.server_allowed("other.org")
    assert policy.server_allowed("example.com", own_server="example.com")
    lines = {s.key: s for s in policy.describe()}
    assert list(lines) == list(pol.KEYS)
    assert lines["default_homeserver"].locked
    assert lines["default_homeserver"].value == "https://matrix.example.com"
    assert not lines["cache_retention_days"].locked
    assert lines["cache_retention_days"].value == "90 days"
    assert lines["features_disabled"].value == "link_previews, room_directory"


def test_schema_and_code_name_the_same_settings():
    assert set(SCHEMA["properties"]) == {*pol.KEYS, "version", "locked"}
    assert set(SCHEMA["properties"]["locked"]["items"]["enum"]) == set(pol.KEYS)
    assert set(SCHEMA["properties"]["features_disabled"]["items"]["enum"]) == pol.KNOWN_FEATURES


def test_unset_settings_keep_defaults_and_stay_unlocked(tmp_path):
    policy = pol.load_policy(write(tmp_path, {"cache_retention_days": 30}))
    assert policy.is_managed
    assert policy.errors == ()
    assert policy.cache_retention_days == 30
    assert policy.locked == frozenset()
    assert policy.default_homeserver is None
    assert not policy.homeserver_locked
    assert [s.key for s in policy.describe()] == ["cache_retention_days"]


@pytest.mark.parametrize(
    ("key", "bad", "safest"),
    [
        ("default_homeserver", "ftp://matrix.example.com", None),
        ("default_homeserver", "http://matrix.example.com", None),
        ("default_homeserver", 42, None),
        ("allowed_servers", "partner.org", ()),
        ("allowed_servers", ["ok.org", "not a server"], ()),
        ("e2ee_required", "yes", True),
        ("e2ee_required", 1, True),
        ("features_disabled", "link_previews", pol.KNOWN_FEATURES),
        ("cache_retention_days", -5, pol.MIN_RETENTION_DAYS),
        ("cache_retention_days", "30", pol.MIN_RETENTION_DAYS),
        ("cache_retention_days", True, pol.MIN_RETENTION_DAYS),
    ],
)
def test_invalid_value_logs_and_applies_the_safest_locked(tmp_path, caplog, key, bad, safest):
    data = {key: bad, "locked": []}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)
    with caplog.at_level(logging.ERROR, logger="cercle.protocol.policy"):
        policy = pol.load_policy(write(tmp_path, data))
    assert getattr(policy, key) == safest
    assert policy.is_locked(key), "an invalid setting must be locked at its safest value"
    assert len(policy.errors) == 1
    assert key in policy.errors[0]
    assert any(key in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)


def test_invalid_locked_server_blocks_login_instead_of_letting_the_user_choose(tmp_path):
    policy = pol.load_policy(write(tmp_path, {"default_homeserver": "matrix.example.com"}))
    assert policy.homeserver_locked
    assert policy.login_blocked
    assert "contact IT" in policy.describe()[0].value


def test_valid_settings_survive_beside_an_invalid_one(tmp_path):
    data = {"default_homeserver": "https://m.example.com/", "e2ee_required": "true"}
    policy = pol.load_policy(write(tmp_path, {**data, "locked": ["default_homeserver"]}))
    assert policy.default_homeserver == "https://m.example.com"  # trailing slash normalised
    assert policy.locked == {"default_homeserver", "e2ee_required"}
    assert policy.e2ee_required is True


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '"just a string"', "\udcff"])
def test_unreadable_policy_fails_closed(tmp_path, caplog, text):
    path = tmp_path / "policy.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with caplog.at_level(logging.ERROR):
        policy = pol.load_policy(path)
    assert policy.is_managed
    assert policy.errors
    assert policy.locked == frozenset(pol.KEYS)
    assert policy.login_blocked
    assert policy.e2ee_required
    assert policy.allowed_servers == ()
    assert policy.features_disabled == pol.KNOWN_FEATURES
    assert policy.cache_retention_days == pol.MIN_RETENTION_DAYS
    assert caplog.records


def test_unknown_names_are_reported_not_silently_dropped(tmp_path):
    data = {
        "version": 2,
        "e2ee_requried": True,
        "features_disabled": ["link_previews", "teleport"],
        "locked": ["features_disabled", "colour"],
    }
    policy = pol.load_policy(write(tmp_path, data))
    text = "\n".join(policy.errors)
    for word in ("version", "e2ee_requried", "teleport", "colour"):
        assert word in text
    assert policy.features_disabled == {"link_previews"}
    assert policy.locked == {"features_disabled"}


def test_malformed_lock_list_locks_everything_set(tmp_path):
    data = {"e2ee_required": False, "cache_retention_days": 7, "locked": "all"}
    policy = pol.load_policy(write(tmp_path, data))
    assert policy.locked == {"e2ee_required", "cache_retention_days"}
    assert policy.errors


def test_locking_an_unset_setting_locks_the_default_and_says_so(tmp_path):
    policy = pol.load_policy(write(tmp_path, {"locked": ["e2ee_required"]}))
    assert policy.is_locked("e2ee_required")
    assert policy.e2ee_required is False
    assert policy.errors


def test_loopback_http_is_allowed_for_development(tmp_path):
    for url in ("http://localhost:8008", "http://127.0.0.1:8448", "http://[::1]:8008"):
        assert pol.load_policy(write(tmp_path, {"default_homeserver": url})).errors == ()


def test_env_override_only_without_a_machine_policy(tmp_path, monkeypatch):
    mine = write(tmp_path, {"cache_retention_days": 5})
    monkeypatch.setenv(pol.POLICY_FILE_ENV, str(mine))
    machine = tmp_path / "etc-policy.json"
    monkeypatch.setattr(pol, "LINUX_POLICY_FILE", machine)
    assert pol.load_policy(platform="linux").cache_retention_days == 5
    machine.write_text(json.dumps({"cache_retention_days": 30}), encoding="utf-8")
    assert pol.load_policy(platform="linux").cache_retention_days == 30


def test_macos_managed_preferences(tmp_path):
    data = {
        "PayloadUUID": "ignored",
        "default_homeserver": "https://matrix.example.com",
        "e2ee_required": True,
        "locked": ["default_homeserver"],
    }
    (tmp_path / "alice").mkdir()
    (tmp_path / f"{pol.MACOS_BUNDLE_ID}.plist").write_bytes(plistlib.dumps(data))
    policy = pol.load_macos_policy(tmp_path, user="alice")
    assert policy.errors == ()
    assert policy.homeserver_locked
    assert policy.e2ee_required
    user_plist = tmp_path / "alice" / f"{pol.MACOS_BUNDLE_ID}.plist"
    user_plist.write_bytes(b"garbage")
    assert pol.load_macos_policy(tmp_path, user="alice").login_blocked
    assert pol.load_macos_policy(tmp_path / "nowhere", user="alice") == pol.UNMANAGED


class FakeWinreg:
    """The few `winreg` calls the loader makes, over a dict of values."""

    HKEY_LOCAL_MACHINE = "HKLM"
    REG_SZ, REG_DWORD, REG_MULTI_SZ = 1, 4, 7

    def __init__(self, values: dict[str, tuple[object, int]] | None):
        self.values = values

    def OpenKey(self, root, path):
        assert (root, path) == ("HKLM", pol.WINDOWS_POLICY_KEY)
        if self.values is None:
            raise FileNotFoundError(path)
        return self

    def EnumValue(self, key, index):
        items = list(self.values.items())
        if index >= len(items):
            raise OSError("no more data")
        name, (value, kind) = items[index]
        return name, value, kind

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_windows_registry_policy():
    reg = FakeWinreg(
        {
            "default_homeserver": ("https://matrix.example.com", FakeWinreg.REG_SZ),
            "allowed_servers": (["partner.org", ""], FakeWinreg.REG_MULTI_SZ),
            "e2ee_required": (1, FakeWinreg.REG_DWORD),
            "cache_retention_days": (14, FakeWinreg.REG_DWORD),
            "locked": (["default_homeserver", "e2ee_required"], FakeWinreg.REG_MULTI_SZ),
        }
    )
    policy = pol.load_windows_policy(reg)
    assert policy.errors == ()
    assert policy.source == "HKLM\\SOFTWARE\\Policies\\Cercle"
    assert policy.allowed_servers == ("partner.org",)
    assert policy.e2ee_required is True
    assert policy.cache_retention_days == 14
    assert policy.homeserver_locked
    assert not policy.is_locked("cache_retention_days")
    assert pol.load_windows_policy(FakeWinreg(None)) == pol.UNMANAGED
    bad = pol.load_windows_policy(FakeWinreg({"e2ee_required": (7, FakeWinreg.REG_DWORD)}))
    assert bad.e2ee_required is True
    assert bad.is_locked("e2ee_required")
    assert bad.errors


def test_policy_module_stays_qt_free():
    source = (ROOT / "protocol/policy.py").read_text(encoding="utf-8")
    assert "PySide6" not in source
    assert "cercle.desktop" not in source


def test_locked_server_cannot_be_changed_by_what_the_user_types(tmp_path):
    locked = pol.load_policy(
        write(
            tmp_path,
            {"default_homeserver": "https://m.example.com", "locked": ["default_homeserver"]},
        )
    )
    assert locked.effective_homeserver("https://evil.example.org") == "https://m.example.com"
    assert locked.effective_homeserver(None) == "https://m.example.com"
    suggested = pol.load_policy(write(tmp_path, {"default_homeserver": "https://m.example.com"}))
    assert suggested.effective_homeserver("https://other.org") == "https://other.org"
    assert suggested.effective_homeserver("  ") == "https://m.example.com"
    assert pol.UNMANAGED.effective_homeserver(None) is None
    blocked = pol.load_policy(write(tmp_path, {"default_homeserver": 3}))
    assert blocked.effective_homeserver("https://mine.org") is None


def read_reg_file(path: Path) -> dict[str, tuple[object, int]]:
    """The values of a .reg export, typed as winreg would return them."""
    values: dict[str, tuple[object, int]] = {}
    for line in path.read_text(encoding="utf-16").splitlines():
        if not line.startswith('"'):
            continue
        name, _, raw = line[1:].partition('"=')
        if raw.startswith("dword:"):
            values[name] = (int(raw[6:], 16), FakeWinreg.REG_DWORD)
        elif raw.startswith("hex(7):"):
            data = bytes(int(b, 16) for b in raw[7:].split(",")).decode("utf-16-le")
            values[name] = (data.rstrip("\0").split("\0"), FakeWinreg.REG_MULTI_SZ)
        else:
            values[name] = (raw.strip('"'), FakeWinreg.REG_SZ)
    return values


def test_windows_and_macos_examples_say_what_the_json_example_says():
    expected = pol.load_policy(EXAMPLE)
    reg = pol.load_windows_policy(FakeWinreg(read_reg_file(EXAMPLE.with_suffix(".reg"))))
    profile = plistlib.loads(EXAMPLE.with_suffix(".mobileconfig").read_bytes())
    payload = profile["PayloadContent"][0]
    assert payload["PayloadType"] == pol.MACOS_BUNDLE_ID
    mac = pol.parse_policy({k: v for k, v in payload.items() if not k.startswith("Payload")}, "mac")
    for policy in (reg, mac):
        assert policy.errors == ()
        assert policy.describe() == expected.describe()
