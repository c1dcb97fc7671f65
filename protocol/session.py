"""Server discovery, password and SSO login, soft logout."""

from __future__ import annotations

import asyncio
import html
import inspect
import ipaddress
import json
import logging
import secrets
import ssl
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import aiohttp
from aiohttp import web

from cercle.protocol.client import CryptoStore, LoginFailed, MatrixClient, MatrixError

log = logging.getLogger(__name__)

# The two outcomes of the spec's discovery algorithm that stop it ("Well-known URIs").
FAIL_PROMPT = "FAIL_PROMPT"  # tell the user, let them type their homeserver's address
FAIL_ERROR = "FAIL_ERROR"  # the server is misconfigured: a hard error

HTTP_TIMEOUT_S = 30.0
SSO_TIMEOUT_S = 300.0  # the user may be typing a password and a second factor in the browser
BROWSER_GRACE_S = 5.0
MAX_BODY = 64 * 1024
WELL_KNOWN_PATH = "/.well-known/matrix/client"
VERSIONS_PATH = "/_matrix/client/versions"
LOGIN_PATH = "/_matrix/client/v3/login"
SSO_REDIRECT_PATH = "/_matrix/client/v3/login/sso/redirect"
CALLBACK_PATH = "/callback"

OpenBrowser = Callable[[str], Any]  # webbrowser.open, Qt's openUrl, or a coroutine function


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


class SsoError(Exception):
    """Single sign-on did not complete."""


class SsoUnavailable(SsoError):
    """The homeserver does not offer single sign-on (m.login.sso)."""


class SsoTimedOut(SsoError):
    """The browser never came back with a login token."""


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


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, bytes]:
    async with http.get(url) as reply:
        if reply.url.scheme == "http" and not is_loopback(reply.url.host or ""):
            raise DiscoveryFailed(f"{url} redirects to unencrypted http ({reply.url}): refused.")
        return reply.status, await reply.content.read(MAX_BODY)


def _http(timeout: float, ssl_context: ssl.SSLContext | None) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(ssl=ssl_context if ssl_context is not None else True)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout))


async def discover(
    target: str, *, timeout_s: float = HTTP_TIMEOUT_S, ssl_context: ssl.SSLContext | None = None
) -> ServerInfo:
    """Finds and checks the homeserver for a user id (`@alice:example.com`), a server name
    (`example.com`) or a homeserver URL (`https://matrix.example.com`)."""
    kind, value = classify_input(target)
    async with _http(timeout_s, ssl_context) as http:
        if kind == "url":
            return ServerInfo(value, await _versions(http, value), None, "url")
        server_name = parse_user_id(value)[1] if kind == "user" else value
        origins = well_known_origins(server_name)
        for i, origin in enumerate(origins):
            try:
                status, body = await _get(http, origin + WELL_KNOWN_PATH)
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
        status, body = await _get(http, base_url + VERSIONS_PATH)
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


# -- single sign-on --------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentityProvider:
    """One of the SSO providers a homeserver offers (to show as a button)."""

    id: str
    name: str
    icon: str | None = None  # an mxc:// URI
    brand: str | None = None


@dataclass(frozen=True)
class LoginFlows:
    """How a homeserver lets users sign in."""

    password: bool = False
    sso: bool = False
    token: bool = False
    providers: tuple[IdentityProvider, ...] = ()


def parse_login_flows(body: Any) -> LoginFlows:
    """Reads `GET /login`; unknown or malformed entries are skipped."""
    flows = body.get("flows") if isinstance(body, dict) else None
    found: dict[str, Any] = {}
    providers: list[IdentityProvider] = []
    for flow in flows if isinstance(flows, list) else ():
        kind = _str(flow.get("type")) if isinstance(flow, dict) else None
        if kind is None:
            continue
        found[kind] = flow
        for idp in flow.get("identity_providers") or () if kind == "m.login.sso" else ():
            idp_id = _str(idp.get("id")) if isinstance(idp, dict) else None
            if idp_id:
                name = _str(idp.get("name")) or idp_id
                providers.append(
                    IdentityProvider(idp_id, name, _str(idp.get("icon")), _str(idp.get("brand")))
                )
    return LoginFlows(
        password="m.login.password" in found,
        sso="m.login.sso" in found,
        token="m.login.token" in found,
        providers=tuple(providers),
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


async def login_flows(
    server: ServerInfo,
    *,
    timeout_s: float = HTTP_TIMEOUT_S,
    ssl_context: ssl.SSLContext | None = None,
) -> LoginFlows:
    async with _http(timeout_s, ssl_context) as http:
        try:
            status, body = await _get(http, server.base_url + LOGIN_PATH)
        except (aiohttp.ClientError, TimeoutError, OSError) as e:
            raise DiscoveryFailed(f"The homeserver {server.base_url} does not answer: {e}") from e
    try:
        data = json.loads(body) if status == 200 else None
    except (ValueError, UnicodeDecodeError):
        data = None
    if data is None:
        raise MatrixError(f"{server.base_url} did not list its sign-in methods", status=status)
    return parse_login_flows(data)


def callback_url(port: int, state: str) -> str:
    """Where the homeserver sends the browser back to: our loopback listener, with a CSRF state."""
    return f"http://127.0.0.1:{port}{CALLBACK_PATH}?{urlencode({'state': state})}"


def sso_redirect_url(base_url: str, redirect_to: str, idp_id: str | None = None) -> str:
    """The homeserver page that starts SSO (at one provider, or letting the user choose)."""
    path = SSO_REDIRECT_PATH + (f"/{quote(idp_id, safe='')}" if idp_id else "")
    return f"{base_url}{path}?{urlencode({'redirectUrl': redirect_to})}"


def read_callback(query: Mapping[str, str], state: str) -> str | None:
    """The login token of a callback whose state matches ours, else None (ignored: a stray or
    forged request must neither sign us in nor end the wait)."""
    given = query.get("state", "")
    token = query.get("loginToken", "")
    if not token or not secrets.compare_digest(given.encode(), state.encode()):
        return None
    return token


_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Cercle</title></head>
<body style="font-family: sans-serif; margin: 3em"><h1>{title}</h1><p>{text}</p></body></html>"""


def _page(status: int, title: str, text: str) -> web.Response:
    body = _PAGE.format(title=html.escape(title), text=html.escape(text))
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return web.Response(status=status, text=body, content_type="text/html", headers=headers)


async def receive_login_token(
    base_url: str,
    open_browser: OpenBrowser,
    *,
    idp_id: str | None = None,
    timeout_s: float = SSO_TIMEOUT_S,
) -> str:
    """Opens the homeserver's SSO page in the browser and waits on a loopback port for the
    `loginToken` it sends back. Cancel the task to give up."""
    state = secrets.token_urlsafe(24)
    got: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def callback(request: web.Request) -> web.Response:
        token = read_callback(request.query, state)
        if token is None:
            log.warning("ignored an SSO callback without a matching state or token")
            return _page(400, "Not for this sign-in", "Start signing in again from Cercle.")
        if not got.done():
            got.set_result(token)
        return _page(200, "You are signed in", "You can close this window and go back to Cercle.")

    app = web.Application()
    app.router.add_get(CALLBACK_PATH, callback)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    browser: asyncio.Future[Any] | None = None
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        url = sso_redirect_url(base_url, callback_url(port, state), idp_id)
        opened = open_browser(url)
        if inspect.isawaitable(opened):
            browser = asyncio.ensure_future(opened)
        elif opened is False:
            raise SsoError(f"Could not open a web browser. Open this address yourself: {url}")
        waiters: set[asyncio.Future[Any]] = {got} | ({browser} if browser else set())
        deadline = asyncio.get_running_loop().time() + timeout_s
        while not got.done():
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise SsoTimedOut(
                    f"Sign-in did not come back from the browser within {timeout_s:.0f} s. "
                    f"Try again."
                )
            done, _ = await asyncio.wait(waiters, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            if browser is not None and browser in done and not got.done():
                if browser.exception() is not None:
                    raise SsoError(f"The browser could not complete sign-in: {browser.exception()}")
                waiters.discard(browser)  # it finished without reaching our callback: keep waiting
        return got.result()
    finally:
        if browser is not None and got.done() and not browser.done():
            await asyncio.wait({browser}, timeout=BROWSER_GRACE_S)  # let it read our answer
        if browser is not None and not browser.done():
            browser.cancel()
            await asyncio.gather(browser, return_exceptions=True)
        await runner.cleanup()


async def login_sso(
    server: ServerInfo,
    *,
    idp_id: str | None = None,
    open_browser: OpenBrowser = webbrowser.open,
    timeout_s: float = SSO_TIMEOUT_S,
    device_name: str = "Cercle",
    device_id: str | None = None,
    crypto: CryptoStore | None = None,
) -> MatrixClient:
    """Signs in through the homeserver's single sign-on in the user's browser (m.login.sso, then
    m.login.token). Pass `device_id` to sign in again on the same device after a soft logout."""
    flows = await login_flows(server)
    if not flows.sso or not flows.token:
        raise SsoUnavailable(f"{server.base_url} does not offer single sign-on.")
    if idp_id is not None and idp_id not in {p.id for p in flows.providers}:
        raise SsoUnavailable(f"{server.base_url} has no sign-in provider “{idp_id}”.")
    token = await receive_login_token(
        server.base_url, open_browser, idp_id=idp_id, timeout_s=timeout_s
    )
    return await login_with_token(
        server.base_url, token, device_name=device_name, device_id=device_id, crypto=crypto
    )


async def login_with_token(
    base_url: str,
    token: str,
    *,
    device_name: str = "Cercle",
    device_id: str | None = None,
    crypto: CryptoStore | None = None,
) -> MatrixClient:
    """`m.login.token` with a short-lived token (from SSO); returns the logged-in client."""
    auth: dict[str, Any] = {
        "type": "m.login.token",
        "token": token,
        "initial_device_display_name": device_name,
    }
    if device_id:
        auth["device_id"] = device_id
    client = MatrixClient(base_url, crypto=crypto)
    try:
        reply = await client.call(client.nio.login_raw(auth))
        if crypto:
            await client.upkeep_keys()  # a peer can only share room keys once ours are up
    except MatrixError as e:
        await client.close()
        if e.errcode in {"M_FORBIDDEN", "M_USER_DEACTIVATED"}:
            raise LoginFailed(
                f"The sign-in was refused ({e}). Try again.", errcode=e.errcode, status=e.status
            ) from None
        raise
    except BaseException:
        await client.close()
        raise
    client.nio.user = reply.user_id
    log.info("signed in by SSO as %s on device %s", reply.user_id, reply.device_id)
    return client
