"""The managed policy IT sets per machine: values, which are locked, and the safest fallbacks."""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import plistlib
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

LINUX_POLICY_FILE = Path("/etc/cercle/policy.json")
WINDOWS_POLICY_KEY = r"SOFTWARE\Policies\Cercle"  # under HKEY_LOCAL_MACHINE
MACOS_BUNDLE_ID = "org.cercle.Cercle"
MACOS_MANAGED_DIR = Path("/Library/Managed Preferences")
# Honoured only when the machine has no policy of its own (development, demos, tests): a user
# must never be able to point Cercle away from the policy IT installed.
POLICY_FILE_ENV = "CERCLE_POLICY_FILE"

SCHEMA_VERSION = 1
KEYS = (
    "default_homeserver",
    "allowed_servers",
    "e2ee_required",
    "features_disabled",
    "cache_retention_days",
)
# Features IT may switch off. Names outside this set are reported and have no effect.
KNOWN_FEATURES = frozenset(
    {
        "link_previews",  # the homeserver fetches URLs on the user's behalf
        "file_upload",  # sending files and images
        "room_directory",  # browsing and joining public rooms
        "partner_invites",  # inviting people from other servers
        "voice_messages",
        "analytics",
    }
)
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 3650

LABELS = {
    "default_homeserver": "Server",
    "allowed_servers": "Partner servers",
    "e2ee_required": "End-to-end encryption required",
    "features_disabled": "Disabled features",
    "cache_retention_days": "Local history kept",
}

_SERVER_NAME = re.compile(
    r"^(?:\*\.)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?)(?::\d{1,5})?$"
)


@dataclass(frozen=True)
class ManagedSetting:
    """One line of "managed by your organisation", ready for the settings and login screens."""

    key: str
    label: str
    value: str
    locked: bool


@dataclass(frozen=True)
class Policy:
    """What IT set for this machine. Unset fields keep Cercle's own defaults and stay unlocked.

    `allowed_servers` None means any server; an empty tuple means the user's own server only.
    `cache_retention_days` None means history is kept until the user clears it.
    """

    default_homeserver: str | None = None
    allowed_servers: tuple[str, ...] | None = None
    e2ee_required: bool = False
    features_disabled: frozenset[str] = frozenset()
    cache_retention_days: int | None = None
    managed: frozenset[str] = frozenset()  # keys IT set (shown as managed)
    locked: frozenset[str] = frozenset()  # keys the user cannot change
    source: str | None = None  # where the policy came from; None when unmanaged
    errors: tuple[str, ...] = ()  # problems found, each already logged

    @property
    def is_managed(self) -> bool:
        return self.source is not None

    @property
    def homeserver_locked(self) -> bool:
        """The login screen must not let the user pick another server."""
        return "default_homeserver" in self.locked

    @property
    def login_blocked(self) -> bool:
        """A locked server that could not be read: refuse to log in rather than guess."""
        return self.homeserver_locked and self.default_homeserver is None

    def effective_homeserver(self, typed: str | None) -> str | None:
        """The server to log in to: the locked one whatever was typed, else the user's choice."""
        if self.homeserver_locked:
            return self.default_homeserver
        return (typed or "").strip() or self.default_homeserver

    def is_locked(self, key: str) -> bool:
        if key not in KEYS:
            raise KeyError(key)
        return key in self.locked

    def feature_enabled(self, name: str) -> bool:
        return name not in self.features_disabled

    def server_allowed(self, server_name: str, own_server: str | None = None) -> bool:
        """Whether rooms and people on `server_name` may be reached; one's own server always."""
        name = server_name.lower()
        if self.allowed_servers is None or (own_server and name == own_server.lower()):
            return True
        for pattern in self.allowed_servers:
            if pattern.startswith("*."):
                if name.endswith(pattern[1:]) and len(name) > len(pattern) - 1:
                    return True
            elif name == pattern:
                return True
        return False

    def describe(self) -> tuple[ManagedSetting, ...]:
        """The managed settings in a fixed order, with values worded for people."""
        return tuple(
            ManagedSetting(key, LABELS[key], self._value_text(key), key in self.locked)
            for key in KEYS
            if key in self.managed or key in self.locked
        )

    def _value_text(self, key: str) -> str:
        if key == "default_homeserver":
            return self.default_homeserver or "none (the policy could not be read: contact IT)"
        if key == "allowed_servers":
            if self.allowed_servers is None:
                return "any"
            return ", ".join(self.allowed_servers) or "your organisation's server only"
        if key == "e2ee_required":
            return "yes" if self.e2ee_required else "no"
        if key == "features_disabled":
            return ", ".join(sorted(self.features_disabled)) or "none"
        days = self.cache_retention_days
        return "until cleared" if days is None else f"{days} day{'s' if days != 1 else ''}"


UNMANAGED = Policy()


def fail_closed(source: str, errors: tuple[str, ...]) -> Policy:
    """The policy applied when one exists but cannot be read at all: every field at its safest."""
    return Policy(
        default_homeserver=None,
        allowed_servers=(),
        e2ee_required=True,
        features_disabled=KNOWN_FEATURES,
        cache_retention_days=MIN_RETENTION_DAYS,
        managed=frozenset(KEYS),
        locked=frozenset(KEYS),
        source=source,
        errors=errors,
    )


def parse_policy(data: Any, source: str) -> Policy:
    """Validate a policy document (from JSON, the registry or a plist); never raises.

    Each invalid field is logged as an error and replaced by its safest value, locked.
    """
    errors: list[str] = []

    def problem(message: str) -> None:
        text = f"{source}: {message}"
        log.error("managed policy: %s", text)
        errors.append(text)

    if not isinstance(data, Mapping):
        problem(f"expected an object of settings, got {type(data).__name__}")
        return fail_closed(source, tuple(errors))

    version = data.get("version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION or isinstance(version, bool):
        problem(f"unsupported version {version!r}, read as version {SCHEMA_VERSION}")
    for key in sorted(set(data) - set(KEYS) - {"version", "locked"}, key=str):
        problem(f"unknown setting {key!r} ignored")

    values: dict[str, Any] = {}
    managed: set[str] = set()
    forced_locks: set[str] = set()
    for key in KEYS:
        if key not in data:
            continue
        managed.add(key)
        value, message = _VALIDATORS[key](data[key])
        if message is not None:
            problem(f"{key}: {message}; applying the safest setting ({_SAFEST_TEXT[key]}), locked")
            value = _SAFEST[key]
            forced_locks.add(key)
        values[key] = value
    unknown = sorted(set(_as_list(data.get("features_disabled"))) - KNOWN_FEATURES)
    if "features_disabled" not in forced_locks and unknown:
        # Not a reason to disable more: an unknown name is a newer or misspelt feature.
        problem(f"features_disabled: unknown features ignored: {', '.join(unknown)}")

    locked = _parse_locked(data.get("locked", []), managed, problem)
    return Policy(
        **values,
        managed=frozenset(managed),
        locked=frozenset(locked | forced_locks),
        source=source,
        errors=tuple(errors),
    )


def _parse_locked(raw: Any, managed: set[str], problem: Callable[[str], None]) -> set[str]:
    if not isinstance(raw, list | tuple) or not all(isinstance(k, str) for k in raw):
        problem("locked: expected a list of setting names; locking every setting the policy sets")
        return set(managed)
    locked = set()
    for key in raw:
        if key not in KEYS:
            problem(f"locked: unknown setting {key!r} ignored")
        elif key not in managed:
            problem(f"locked: {key!r} is locked but not set; Cercle's default is locked")
            locked.add(key)
        else:
            locked.add(key)
    return locked


def _as_list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []


def _homeserver(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, f"expected a URL string, got {type(value).__name__}"
    parts = urlsplit(value.strip())
    host = parts.hostname or ""
    if parts.scheme not in {"https", "http"} or not host:
        return None, f"{value!r} is not an https:// URL"
    if parts.scheme == "http" and not _is_loopback(host):
        return None, f"{value!r} uses plain http, allowed only for this machine (loopback)"
    if parts.query or parts.fragment or parts.username or parts.password:
        return None, f"{value!r} must not carry credentials, a query or a fragment"
    try:
        parts.port  # noqa: B018 - raises ValueError on an out-of-range port
    except ValueError:
        return None, f"{value!r} has an invalid port"
    return value.strip().rstrip("/"), None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _servers(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return None, "expected a list of server names"
    bad = [v for v in value if not _SERVER_NAME.match(v.strip())]
    if bad:
        return None, f"not server names: {', '.join(map(repr, bad))}"
    return tuple(dict.fromkeys(v.strip().lower() for v in value)), None


def _boolean(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, bool):
        return None, f"expected true or false, got {value!r}"
    return value, None


def _features(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return None, "expected a list of feature names"
    return frozenset(value) & KNOWN_FEATURES, None


def _retention(value: Any) -> tuple[Any, str | None]:
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, int):
        return None, f"expected a whole number of days or null, got {value!r}"
    if not MIN_RETENTION_DAYS <= value <= MAX_RETENTION_DAYS:
        return None, f"{value} is outside {MIN_RETENTION_DAYS}..{MAX_RETENTION_DAYS} days"
    return value, None


_VALIDATORS: dict[str, Callable[[Any], tuple[Any, str | None]]] = {
    "default_homeserver": _homeserver,
    "allowed_servers": _servers,
    "e2ee_required": _boolean,
    "features_disabled": _features,
    "cache_retention_days": _retention,
}
# The safest value of each field, applied (and locked) when IT's value is invalid. A server we
# cannot read blocks login rather than letting the user send company data to a server of their
# choice; no partner servers; encryption on; every optional feature off; the shortest history.
_SAFEST: dict[str, Any] = {
    "default_homeserver": None,
    "allowed_servers": (),
    "e2ee_required": True,
    "features_disabled": KNOWN_FEATURES,
    "cache_retention_days": MIN_RETENTION_DAYS,
}
_SAFEST_TEXT = {
    "default_homeserver": "no server: login blocked",
    "allowed_servers": "own server only",
    "e2ee_required": "encryption required",
    "features_disabled": "all optional features off",
    "cache_retention_days": f"{MIN_RETENTION_DAYS} day",
}


def load_policy_file(path: Path) -> Policy:
    """Read a JSON policy file; a missing file is no policy, an unreadable one fails closed."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return UNMANAGED
    except (OSError, UnicodeDecodeError) as exc:
        return _unreadable(source, f"cannot read the policy: {exc}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _unreadable(source, f"not valid JSON: {exc}")
    return parse_policy(data, source)


def load_macos_policy(managed_dir: Path = MACOS_MANAGED_DIR, user: str | None = None) -> Policy:
    """Read macOS managed preferences (a configuration profile), per-user first."""
    user = user or os.environ.get("USER", "")
    candidates = [managed_dir / user / f"{MACOS_BUNDLE_ID}.plist"] if user else []
    candidates.append(managed_dir / f"{MACOS_BUNDLE_ID}.plist")
    for path in candidates:
        try:
            with path.open("rb") as handle:
                data = plistlib.load(handle)
        except FileNotFoundError:
            continue
        except (OSError, plistlib.InvalidFileException, ValueError) as exc:
            return _unreadable(str(path), f"not a readable property list: {exc}")
        # Profiles add bookkeeping keys (PayloadUUID, …); they are not settings.
        data = {k: v for k, v in data.items() if not str(k).startswith("Payload")}
        return parse_policy(data, str(path))
    return UNMANAGED


def load_windows_policy(winreg: ModuleType | Any = None) -> Policy:
    """Read HKLM\\SOFTWARE\\Policies\\Cercle (Group Policy); `winreg` is injectable for tests."""
    if winreg is None:
        import winreg  # type: ignore[no-redef]
    source = "HKLM\\" + WINDOWS_POLICY_KEY
    try:
        key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, WINDOWS_POLICY_KEY)
    except FileNotFoundError:
        return UNMANAGED
    except OSError as exc:
        return _unreadable(source, f"cannot open the registry key: {exc}")
    data: dict[str, Any] = {}
    with key:
        index = 0
        while True:
            try:
                name, value, kind = winreg.EnumValue(key, index)
            except OSError:  # no more values
                break
            index += 1
            data[name] = _from_registry(name, value, kind, winreg)
    return parse_policy(data, source)


def _from_registry(name: str, value: Any, kind: int, winreg: Any) -> Any:
    """Registry types to the JSON shapes: REG_DWORD 0/1 for booleans, REG_MULTI_SZ for lists."""
    if kind == winreg.REG_DWORD and name == "e2ee_required" and value in (0, 1):
        return bool(value)
    if kind == winreg.REG_MULTI_SZ:
        return [v for v in value if v]
    return value


def load_policy(path: Path | None = None, *, platform: str | None = None) -> Policy:
    """The policy in force on this machine. Never raises; problems are logged and in `.errors`.

    `path` reads that JSON file instead (tests). Otherwise the platform's managed location;
    when the machine has none, `$CERCLE_POLICY_FILE` may name one (development and demos).
    """
    if path is not None:
        return load_policy_file(path)
    platform = platform or sys.platform
    if platform == "win32":
        policy = load_windows_policy()
    elif platform == "darwin":
        policy = load_macos_policy()
    else:
        policy = load_policy_file(LINUX_POLICY_FILE)
    override = os.environ.get(POLICY_FILE_ENV)
    if override and not policy.is_managed:
        return load_policy_file(Path(override))
    if override:
        log.warning("managed policy: %s ignored: this machine has a policy", POLICY_FILE_ENV)
    return policy


def _unreadable(source: str, message: str) -> Policy:
    text = f"{source}: {message}; every setting at its safest, locked"
    log.error("managed policy: %s", text)
    return fail_closed(source, (text,))
