"""Server discovery, password login and logout, soft logout (single sign-on: sso.py)."""

from __future__ import annotations

import ipaddress
import json
import logging
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from cercle.protocol.client import CryptoStore, LoginFailed, MatrixClient, MatrixError

log = logging.getLogger(__name__)

# The two outcomes of the spec's discovery algorithm that stop it ("Well-known URIs").
FAIL_PROMPT = "FAIL_PROMPT"  # tell the user, let them type their homeserver's address
FAIL_ERROR = "FAIL_ERROR"  # the server is misconfigured: a hard error

HTTP_TIMEOUT_S = 30.0
MAX_BODY = 64 * 1024
WELL_KNOWN_PATH = "/.well-known/matrix/client"
VERSIONS_PATH = "/_matrix/client/versions"
LOGIN_PATH = "/_matrix/client/v3/login"


# -- errors ----------------------------------------------------------------------------------


class DiscoveryError(Exception):
    """Finding the homeserver failed; `action` is FAIL_PROMPT or FAIL_ERROR as the spec names it."""

    action = FAIL_ERROR


class InvalidUserId(DiscoveryError):
    """What the user typed is neither a Matrix ID (@alice:example.com) nor a server address."""

    action = FAIL_PROMPT


class DiscoveryPrompt(DiscoveryError):
    """The domain publishes no usable discovery file: ask the user for the homeserver address."""

    action = FAIL_PROMPT


class DiscoveryFailed(DiscoveryError):
    """The homeserver address is invalid or does not answer as a Matrix homeserver."""

    action = FAIL_ERROR


class TokenRejected(MatrixError):
    """The server no longer accepts this device's access token."""

    SOFT = False

    def __init__(self, message: str, *, errcode: str | None = None, status: int | None = None):
        super().__init__(message, errcode=errcode, status=status)
        self.soft_logout = self.SOFT  # after the base, which may set its own default


class LoggedOut(TokenRejected):
    """Signed out by the server (elsewhere or by an admin): this device is gone for good."""


class SoftLoggedOut(TokenRejected):
    """The session expired: sign in again on the same device; cache and keys are kept."""

    SOFT = True


# -- discovery: pure decisions ---------------------------------------------------------------


@dataclass(frozen=True)
class ServerInfo:
    """A homeserver found and checked: where its client API is and which versions it speaks."""

    base_url: str  # scheme://host[:port][/path], no trailing slash
    versions: tuple[str, ...] = ()
    server_name: str | None = None  # the domain of the user id it was found from
    via: str = "url"  # "well-known" | "server-name" (the 404 fallback) | "url" (typed directly)


def parse_user_id(user_id: str) -> tuple[str, str]:
    """`@alice:example.com[:port]` → ("alice", "example.com[:port]")."""
    localpart, sep, server = user_id.strip()[1:].partition(":")
    if not user_id.strip().startswith("@") or not sep or not localpart or not server:
        raise InvalidUserId(f"“{user_id}” is not a Matrix ID: write it as @name:example.com.")
    split_server_name(server)
    return localpart, server


def split_server_name(server_name: str) -> tuple[str, int | None]:
    """`example.com`, `example.com:8448`, `1.2.3.4:80`, `[::1]:8448` → (host, port or None)."""
    text = server_name.strip()
    try:
        parts = urlsplit(f"//{text}")
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or parts.path or parts.query or parts.fragment or parts.username:
        raise InvalidUserId(f"“{server_name}” is not a server name like example.com.")
    return host, port


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _origin(scheme: str, host: str, port: int | None) -> str:
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" + (f":{port}" if port else "")


def well_known_origins(server_name: str) -> list[str]:
    """Where to look for the discovery file, in order. https only, as the spec says, except on
    loopback: there plain http comes first, then https. Loopback traffic never leaves the machine,
    and a plain-http server (the local test homeservers) never answers a TLS handshake, so https
    first would stall until the timeout, while http to a TLS port fails at once. A host that is
    not loopback is never tried over http."""
    host, port = split_server_name(server_name)
    if is_loopback(host):
        return [_origin("http", host, port), _origin("https", host, port)]
    return [_origin("https", host, port)]


def decide_well_known(origin: str, status: int, body: bytes | None) -> str:
    """The spec's decision on a `/.well-known/matrix/client` answer from `origin`: the base URL to
    validate next. 404 means "no file" (IGNORE): the domain itself is the homeserver."""
    if status == 404:
        return origin
    if status != 200 or not body:
        raise DiscoveryPrompt(
            f"{origin} answered {status} for its Matrix discovery file: enter your homeserver's "
            f"address (ask your IT team)."
        )
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise DiscoveryPrompt(
            f"{origin} publishes an unreadable Matrix discovery file: enter your homeserver's "
            f"address (ask your IT team)."
        )
    homeserver = data.get("m.homeserver")
    base_url = homeserver.get("base_url") if isinstance(homeserver, dict) else None
    if not isinstance(base_url, str) or not base_url:
        raise DiscoveryPrompt(
            f"{origin}'s Matrix discovery file names no homeserver: enter your homeserver's "
            f"address (ask your IT team)."
        )
    return base_url


def normalize_base_url(url: str) -> str:
    """A homeserver base URL, checked and without its trailing slash; http only on loopback."""
    try:
        parts = urlsplit(url.strip())
        host, _ = parts.hostname, parts.port  # .port raises on a bad port
    except ValueError:
        host = None
    if not host or parts.scheme not in ("https", "http") or parts.query or parts.fragment:
        raise DiscoveryFailed(f"“{url}” is not a valid homeserver address (https://…).")
    if parts.username or parts.password:
        raise DiscoveryFailed(f"“{url}” carries credentials; a homeserver address must not.")
    if parts.scheme == "http" and not is_loopback(host):
        raise DiscoveryFailed(
            f"“{url}” is not encrypted (http): Cercle only talks to homeservers over https."
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")


def check_versions(base_url: str, status: int, body: bytes | None) -> tuple[str, ...]:
    """The spec versions a `/_matrix/client/versions` answer lists, or FAIL_ERROR."""
    try:
        data = json.loads(body or b"") if status == 200 else None
    except (ValueError, UnicodeDecodeError):
        data = None
    versions = data.get("versions") if isinstance(data, dict) else None
    if not isinstance(versions, list) or not all(isinstance(v, str) for v in versions):
        raise DiscoveryFailed(
            f"{base_url} does not answer as a Matrix homeserver (HTTP {status} for "
            f"{VERSIONS_PATH}): check the address, or ask your IT team."
        )
    return tuple(versions)


def classify_input(text: str) -> tuple[str, str]:
    """What the user typed: ("url", base URL), ("user", user id) or ("server", server name)."""
    text = text.strip()
    if text.startswith("@"):
        parse_user_id(text)
        return "user", text
    if "://" in text:
        return "url", normalize_base_url(text)
    split_server_name(text)
    return "server", text


# -- discovery: I/O --------------------------------------------------------------------------


async def http_get(http: aiohttp.ClientSession, url: str) -> tuple[int, bytes]:
    async with http.get(url) as reply:
        if reply.url.scheme == "http" and not is_loopback(reply.url.host or ""):
            raise DiscoveryFailed(f"{url} redirects to unencrypted http ({reply.url}): refused.")
        return reply.status, await reply.content.read(MAX_BODY)


def http_session(timeout: float, ssl_context: ssl.SSLContext | None) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(ssl=ssl_context if ssl_context is not None else True)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout))


async def discover(
    target: str, *, timeout_s: float = HTTP_TIMEOUT_S, ssl_context: ssl.SSLContext | None = None
) -> ServerInfo:
    """Finds and checks the homeserver for a user id (`@alice:example.com`), a server name
    (`example.com`) or a homeserver URL (`https://matrix.example.com`)."""
    kind, value = classify_input(target)
    async with http_session(timeout_s, ssl_context) as http:
        if kind == "url":
            return ServerInfo(value, await _versions(http, value), None, "url")
        server_name = parse_user_id(value)[1] if kind == "user" else value
        origins = well_known_origins(server_name)
        for i, origin in enumerate(origins):
            try:
                status, body = await http_get(http, origin + WELL_KNOWN_PATH)
            except (aiohttp.ClientError, TimeoutError, OSError) as e:
                if i + 1 < len(origins):
                    log.info("no answer from %s (%s); trying %s", origin, e, origins[i + 1])
                    continue
                raise DiscoveryPrompt(
                    f"Could not reach {server_name} to find its homeserver ({_reason(e)}): enter "
                    f"your homeserver's address, or check your network."
                ) from e
            break
        raw = decide_well_known(origin, status, body)
        base_url = normalize_base_url(raw)
        versions = await _versions(http, base_url)
        via = "server-name" if status == 404 else "well-known"
        log.info("homeserver of %s is %s (via %s)", server_name, base_url, via)
        return ServerInfo(base_url, versions, server_name, via)


async def _versions(http: aiohttp.ClientSession, base_url: str) -> tuple[str, ...]:
    try:
        status, body = await http_get(http, base_url + VERSIONS_PATH)
    except (aiohttp.ClientError, TimeoutError, OSError) as e:
        raise DiscoveryFailed(
            f"The homeserver {base_url} does not answer ({_reason(e)}): check the address and "
            f"your network, or ask your IT team whether it is down."
        ) from e
    return check_versions(base_url, status, body)


def _reason(e: BaseException) -> str:
    return "timed out" if isinstance(e, TimeoutError) else (str(e) or type(e).__name__)


async def _resolve(server: ServerInfo | str | None, user: str, **http: Any) -> ServerInfo:
    if isinstance(server, ServerInfo):
        return server
    if server is None:
        if not user.strip().startswith("@"):
            raise InvalidUserId(
                f"Which server is “{user}” on? Write @{user}:example.com or give the homeserver."
            )
        return await discover(user, **http)
    return await discover(server, **http)


# -- password login and logout ---------------------------------------------------------------


async def login_password(
    user: str,
    password: str,
    *,
    server: ServerInfo | str | None = None,
    device_name: str = "Cercle",
    crypto: CryptoStore | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> MatrixClient:
    """Signs in with a password. `user` is "alice" (then `server` is needed) or "@alice:server"
    (the server is then discovered unless given). Raises LoginFailed, DiscoveryError, MatrixError.
    """
    info = await _resolve(server, user, ssl_context=ssl_context)
    return await MatrixClient.login(
        info.base_url, user.strip(), password, device_name=device_name, crypto=crypto
    )


async def sign_in_again(
    client: MatrixClient, password: str, *, device_name: str = "Cercle"
) -> None:
    """After a soft logout: a new token for the *same* device, so cache and keys stay valid."""
    client.nio.user = client.user_id
    try:
        await client.call(client.nio.login(password, device_name=device_name))
    except MatrixError as e:
        if e.errcode in {"M_FORBIDDEN", "M_USER_DEACTIVATED"}:
            raise LoginFailed(str(e), errcode=e.errcode, status=e.status) from None
        raise


async def logout(client: MatrixClient) -> None:
    """Signs this device out on the server (its keys go with it), then closes the client. A token
    the server already rejects counts as signed out."""
    try:
        await client.call(client.nio.logout())
    except MatrixError as e:
        if e.errcode != "M_UNKNOWN_TOKEN":
            raise
    finally:
        await client.close()


# -- soft logout -----------------------------------------------------------------------------


def classify_auth_error(status: int | None, body: Any) -> TokenRejected | None:
    """The error a rejected request means for the session (body: JSON text, bytes or dict), or
    None when it is not about our token."""
    if isinstance(body, bytes | str):
        try:
            body = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
    if not isinstance(body, dict):
        return None
    return _ended(body.get("errcode"), status, body.get("soft_logout") is True, body.get("error"))


def classify_matrix_error(error: MatrixError) -> TokenRejected | None:
    """Same as classify_auth_error, for a MatrixError from MatrixClient.call (its `soft_logout`
    attribute is read when the client passes it on)."""
    if isinstance(error, TokenRejected):
        return error
    soft = getattr(error, "soft_logout", False) is True
    return _ended(error.errcode, error.status, soft, str(error))


def _ended(errcode: Any, status: int | None, soft: bool, detail: Any) -> TokenRejected | None:
    detail = detail if isinstance(detail, str) and detail else "token rejected"
    if errcode == "M_USER_LOCKED":  # the spec makes a locked account a soft logout
        return SoftLoggedOut(
            f"Your account is locked by an administrator ({detail}). Your messages and keys "
            f"stay on this computer; sign in again once it is unlocked.",
            errcode=errcode,
            status=status,
        )
    if errcode != "M_UNKNOWN_TOKEN":
        return None
    if soft:
        return SoftLoggedOut(
            f"Your session has expired ({detail}). Sign in again to continue; your messages "
            f"and keys stay on this computer.",
            errcode=errcode,
            status=status,
        )
    return LoggedOut(
        f"This device was signed out by the server ({detail}), perhaps from another device or "
        f"by an administrator. Sign in again to continue.",
        errcode=errcode,
        status=status,
    )
