"""Single sign-on: the homeserver's sign-in methods, the browser round trip, m.login.token."""

from __future__ import annotations

import asyncio
import html
import inspect
import json
import logging
import secrets
import ssl
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
from aiohttp import web

from cercle.protocol.client import CryptoStore, LoginFailed, MatrixClient, MatrixError
from cercle.protocol.session import (
    HTTP_TIMEOUT_S,
    LOGIN_PATH,
    DiscoveryFailed,
    ServerInfo,
    http_get,
    http_session,
)

log = logging.getLogger(__name__)

SSO_TIMEOUT_S = 300.0  # the user may be typing a password and a second factor in the browser
BROWSER_GRACE_S = 5.0
SSO_REDIRECT_PATH = "/_matrix/client/v3/login/sso/redirect"
CALLBACK_PATH = "/callback"
OpenBrowser = Callable[[str], Any]  # webbrowser.open, Qt's openUrl, or a coroutine function


class SsoError(Exception):
    """Single sign-on did not complete."""


class SsoUnavailable(SsoError):
    """The homeserver does not offer single sign-on (m.login.sso)."""


class SsoTimedOut(SsoError):
    """The browser never came back with a login token."""


class SsoWrongUser(SsoError):
    """Signing in again (after a soft logout), the browser signed in another user."""


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
    async with http_session(timeout_s, ssl_context) as http:
        try:
            status, body = await http_get(http, server.base_url + LOGIN_PATH)
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
