"""Real Synapse homeservers federating on loopback: one implementation for tests, demo and bench."""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

STATE_FILE = "network.json"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0

# Everything a busy test or a seeding script does in a burst; Synapse's defaults are sized for
# abuse on the open internet (0.003 logins per second per account, 0.1 joins per second ...).
_NO_LIMIT = {"per_second": 10_000, "burst_count": 100_000}
RATE_LIMITS = {
    key: _NO_LIMIT
    for key in (
        "rc_message",
        "rc_registration",
        "rc_registration_token_validity",
        "rc_admin_redaction",
        "rc_joins_per_room",
        "rc_key_requests",
        "rc_3pid_validation",
        "rc_third_party_invite",
        "rc_media_create",
        "rc_delayed_event_mgmt",
        "rc_room_creation",
        "rc_reports",
        "rc_user_directory",
        "rc_profile",
    )
} | {
    "rc_login": {"address": _NO_LIMIT, "account": _NO_LIMIT, "failed_attempts": _NO_LIMIT},
    "rc_joins": {"local": _NO_LIMIT, "remote": _NO_LIMIT},
    "rc_invites": {"per_room": _NO_LIMIT, "per_user": _NO_LIMIT, "per_issuer": _NO_LIMIT},
    "rc_presence": {"per_user": _NO_LIMIT},
    "rc_federation": {
        "window_size": 1000,
        "sleep_limit": 10_000,
        "sleep_delay": 1,
        "reject_limit": 10_000,
        "concurrent": 100,
    },
}


LOOPBACK_ALLOWED_BLOCKLIST = [
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "192.0.0.0/24",
    "169.254.0.0/16", "192.88.99.0/24", "198.18.0.0/15", "192.0.2.0/24", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/4", "fe80::/10", "fc00::/7", "2001:db8::/32", "ff00::/8",
    "fec0::/10",
]  # fmt: skip


class LocalNetError(RuntimeError):
    """A local homeserver could not be prepared, started or used."""


@dataclass(frozen=True)
class ServerSpec:
    """What makes a local homeserver itself across restarts (kept in the network's state file)."""

    label: str  # "company", "partner", ...
    client_port: int
    federation_port: int
    registration_secret: str
    macaroon_secret: str
    form_secret: str
    # The server name's host part. "localhost" for all by default; server ACLs ignore ports, so
    # a test that needs a server an allow-list can tell apart names it "127.0.0.1" (an IP
    # literal, which the ACL's `allow_ip_literals` also governs).
    host: str = "localhost"

    @property
    def server_name(self) -> str:
        # An explicit port makes Synapse skip .well-known/SRV and dial the peer directly.
        return f"{self.host}:{self.federation_port}"

    @property
    def client_url(self) -> str:
        return f"http://127.0.0.1:{self.client_port}"


@dataclass(frozen=True)
class Account:
    """A user registered on a local homeserver, logged in on one device."""

    user_id: str
    password: str
    access_token: str
    device_id: str
    homeserver: str  # client URL


class Homeserver:
    """One Synapse process: its files under `root/<label>/`, its ports, its log."""

    def __init__(
        self, spec: ServerSpec, root: Path, python: str, extra_config: dict | None = None
    ) -> None:
        self.spec = spec
        self.extra_config = extra_config or {}
        self.dir = root / spec.label
        self.python = python
        self.process: subprocess.Popen[bytes] | None = None

    label = property(lambda self: self.spec.label)
    server_name = property(lambda self: self.spec.server_name)
    client_url = property(lambda self: self.spec.client_url)

    @property
    def log_path(self) -> Path:
        return self.dir / "homeserver.log"

    # -- files -------------------------------------------------------------------------------

    def prepare(self, peers_tls: bool = True) -> None:
        """Writes the config, signing key and TLS certificate if missing (idempotent)."""
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        signing_key = self.dir / "signing.key"
        if not signing_key.exists():
            seed = base64.b64encode(secrets.token_bytes(32)).decode().rstrip("=")
            _write_private(signing_key, f"ed25519 a_{secrets.token_hex(2)} {seed}\n")
        if not (self.dir / "tls.crt").exists():
            cert, key = _self_signed_certificate()
            _write_private(self.dir / "tls.key", key)
            _write_private(self.dir / "tls.crt", cert)
        _write_private(self.dir / "log.config", json.dumps(self._log_config(), indent=1))
        _write_private(self.dir / "homeserver.yaml", json.dumps(self._config(), indent=1))

    def _config(self) -> dict:
        d = str(self.dir)
        return {
            "server_name": self.spec.server_name,
            "public_baseurl": self.spec.client_url + "/",
            "pid_file": f"{d}/homeserver.pid",
            "listeners": [
                {
                    "port": self.spec.client_port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                },
                {
                    # Federation must be TLS; peers accept our self-signed certificate below.
                    "port": self.spec.federation_port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": True,
                    "resources": [{"names": ["federation", "keys"], "compress": False}],
                },
            ],
            "tls_certificate_path": f"{d}/tls.crt",
            "tls_private_key_path": f"{d}/tls.key",
            "federation_verify_certificates": False,
            "ip_range_whitelist": ["127.0.0.0/8", "::1/128"],
            # Synapse's default blocklist without loopback: the allow-list above lets names that
            # resolve to loopback through, but a server *named* 127.0.0.1:PORT (an IP literal,
            # see ServerSpec.host) is checked against this list alone.
            "ip_range_blacklist": LOOPBACK_ALLOWED_BLOCKLIST,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "database": {"name": "sqlite3", "args": {"database": f"{d}/homeserver.db"}},
            "log_config": f"{d}/log.config",
            "media_store_path": f"{d}/media_store",
            "signing_key_path": f"{d}/signing.key",
            "registration_shared_secret": self.spec.registration_secret,
            "macaroon_secret_key": self.spec.macaroon_secret,
            "form_secret": self.spec.form_secret,
            "enable_registration": True,
            "enable_registration_without_verification": True,
            "report_stats": False,
            "bcrypt_rounds": 4,  # loopback test accounts: fast logins over strong hashes
            "presence": {"enabled": False},
            "url_preview_enabled": False,
            "user_directory": {"enabled": True, "search_all_users": True},
            # Synapse denies directory publishing by default; partners browse the company's.
            "room_list_publication_rules": [{"action": "allow"}],
            "allow_public_rooms_over_federation": True,
            "federation": {
                "destination_min_retry_interval": "2s",
                "destination_max_retry_interval": "10s",
                "max_short_retry_delay": "1s",
                "max_long_retry_delay": "2s",
            },
            **RATE_LIMITS,
            **self.extra_config,  # e.g. oidc_providers for SSO tests
        }

    def _log_config(self) -> dict:
        return {
            "version": 1,
            "formatters": {"f": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
            "handlers": {
                "file": {
                    "class": "logging.FileHandler",
                    "formatter": "f",
                    "filename": str(self.log_path),
                    "encoding": "utf8",
                }
            },
            "loggers": {
                "synapse.storage.SQL": {"level": "WARNING"},
                "synapse.access": {"level": "INFO"},
            },
            "root": {"level": "INFO", "handlers": ["file"]},
            "disable_existing_loggers": False,
        }

    # -- process -----------------------------------------------------------------------------

    def launch(self) -> None:
        """Starts Synapse in the background; `wait_ready` waits for it to answer.

        On Linux the child is bound to the life of the *thread* that calls this (PR_SET_PDEATHSIG
        follows the parent thread), so LocalNetwork calls it from a thread it keeps until stop().
        """
        if self.running:
            return
        for port in (self.spec.client_port, self.spec.federation_port):
            if not _port_free(port):
                raise LocalNetError(
                    f"{self.label} homeserver: port {port} is taken (another Cercle demo or "
                    f"test network running?)"
                )
        out = open(self.dir / "stdout.log", "ab")  # noqa: SIM115 - handed to the child
        try:
            self.process = subprocess.Popen(
                [self.python, "-m", "synapse.app.homeserver", "-c", "homeserver.yaml"],
                cwd=self.dir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        finally:
            out.close()

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        unverified = ssl.create_default_context()
        unverified.check_hostname = False
        unverified.verify_mode = ssl.CERT_NONE
        probes = [
            (f"{self.client_url}/_matrix/client/versions", None),
            (f"https://127.0.0.1:{self.spec.federation_port}/_matrix/key/v2/server", unverified),
        ]
        while probes:
            if self.process is None or self.process.poll() is not None:
                raise LocalNetError(
                    f"{self.label} homeserver exited while starting; see {self.dir}/stdout.log "
                    f"and {self.log_path}:\n{self.tail_log()}"
                )
            url, ctx = probes[0]
            try:
                with urllib.request.urlopen(url, timeout=2, context=ctx) as r:
                    r.read()
                probes.pop(0)
                continue
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise LocalNetError(f"{self.label} homeserver did not answer {url} in {timeout}s")
            time.sleep(0.05)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM, then SIGKILL after `timeout`; always reaps the process."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("%s homeserver ignored SIGTERM; killing it", self.label)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def tail_log(self, lines: int = 40) -> str:
        text = ""
        for path in (self.dir / "stdout.log", self.log_path):
            if path.exists():
                text += "".join(path.read_text(errors="replace").splitlines(True)[-lines:])
        return text

    # -- accounts ----------------------------------------------------------------------------

    def register(
        self, localpart: str | None = None, password: str | None = None, *, admin: bool = False
    ) -> Account:
        """Registers a user through the shared-secret admin API and returns its first session."""
        localpart = localpart or f"u{secrets.token_hex(5)}"
        password = password or secrets.token_urlsafe(12)
        url = f"{self.client_url}/_synapse/admin/v1/register"
        nonce = _http_json("GET", url)["nonce"]
        body = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": _shared_secret_mac(self.spec, nonce, localpart, password, admin),
        }
        reply = _http_json("POST", url, body)
        return Account(
            user_id=reply["user_id"],
            password=password,
            access_token=reply["access_token"],
            device_id=reply["device_id"],
            homeserver=self.client_url,
        )


def _shared_secret_mac(spec: ServerSpec, nonce: str, user: str, password: str, admin: bool) -> str:
    mac = hmac.new(spec.registration_secret.encode(), digestmod=hashlib.sha1)
    mac.update(nonce.encode() + b"\x00" + user.encode() + b"\x00" + password.encode() + b"\x00")
    mac.update(b"admin" if admin else b"notadmin")
    return mac.hexdigest()


class LocalNetwork:
    """N federating homeservers under one root directory; the first is the company's."""

    def __init__(
        self,
        root: Path,
        labels: tuple[str, ...] = ("company", "partner"),
        *,
        python: str = sys.executable,
        extra_config: dict[str, dict] | None = None,
        hosts: dict[str, str] | None = None,
    ) -> None:
        """`extra_config` maps a label to Synapse settings merged over the defaults; `hosts`
        maps a label to its server name's host when first created ("localhost" otherwise)."""
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._hosts = hosts or {}
        specs = self._load_or_create_specs(labels)
        extra = extra_config or {}
        self.servers = [Homeserver(s, self.root, python, extra.get(s.label)) for s in specs]
        # Children die with the thread that spawned them (see Homeserver.launch): this one lives
        # until stop(), whichever thread called start().
        self._spawner: ThreadPoolExecutor | None = None

    def _load_or_create_specs(self, labels: tuple[str, ...]) -> list[ServerSpec]:
        state = self.root / STATE_FILE
        if state.exists():
            known = {s["label"]: ServerSpec(**s) for s in json.loads(state.read_text())["servers"]}
        else:
            known = {}
        # Ports are part of each server's identity (its server_name): chosen once, then kept.
        specs = [
            known.get(label) or _new_spec(label, self._hosts.get(label, "localhost"))
            for label in labels
        ]
        if [s.label for s in specs] != list(known)[: len(specs)] or not state.exists():
            _write_private(state, json.dumps({"servers": [asdict(s) for s in specs]}, indent=1))
        return specs

    def __getitem__(self, label: str) -> Homeserver:
        for server in self.servers:
            if server.label == label:
                return server
        raise KeyError(label)

    def start(self) -> LocalNetwork:
        """Starts every server at once and returns when all answer clients and federation."""
        for server in self.servers:
            server.prepare()
        try:
            if self._spawner is None:
                self._spawner = ThreadPoolExecutor(1, thread_name_prefix="localnet-spawner")
            for server in self.servers:
                self._spawner.submit(server.launch).result()
            with ThreadPoolExecutor(len(self.servers)) as pool:
                list(pool.map(lambda s: s.wait_ready(), self.servers))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        with ThreadPoolExecutor(max(1, len(self.servers))) as pool:
            list(pool.map(lambda s: s.stop(), self.servers))
        if self._spawner is not None:
            self._spawner.shutdown()
            self._spawner = None

    def __enter__(self) -> LocalNetwork:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- helpers ---------------------------------------------------------------------------------


def _new_spec(label: str, host: str = "localhost") -> ServerSpec:
    if host not in ("localhost", "127.0.0.1"):  # the TLS certificate names these two only
        raise LocalNetError(f"a local homeserver's host is localhost or 127.0.0.1, not {host}")
    client_port, federation_port = _free_ports(2)
    return ServerSpec(
        label=label,
        client_port=client_port,
        federation_port=federation_port,
        registration_secret=secrets.token_urlsafe(24),
        macaroon_secret=secrets.token_urlsafe(24),
        form_secret=secrets.token_urlsafe(24),
        host=host,
    )


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As Twisted does for its listeners, so a port in TIME_WAIT after a restart counts as free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def _self_signed_certificate() -> tuple[str, str]:
    """A certificate for `localhost` and 127.0.0.1: federation insists on TLS, even on loopback."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem.decode()


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when its parent dies, so a killed test run leaves no orphan."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _http_json(method: str, url: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.loads(reply.read())
    except urllib.error.HTTPError as e:
        raise LocalNetError(f"{method} {url} → {e.code}: {e.read()[:500]!r}") from None
