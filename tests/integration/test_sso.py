"""Discovery, SSO through a local OpenID Connect provider, and logout against a real Synapse."""

from __future__ import annotations

import asyncio
import html
import re
import secrets
from urllib.parse import urljoin, urlsplit

import aiohttp
import pytest
from oidc_provider import OidcProvider
from yarl import URL

from cercle.protocol import session as ses
from cercle.protocol import sso
from cercle.protocol.client import LoginFailed, MatrixClient, MatrixError
from cercle.protocol.localnet import LocalNetwork

pytestmark = pytest.mark.integration

IDP = "cercle"  # Synapse names it "oidc-cercle"
OIDC_CALLBACK = "/_synapse/client/oidc/callback"


def synapse_oidc(provider: OidcProvider) -> dict:
    """Synapse's `oidc_providers` entry for our local OIDC provider."""
    return {
        "idp_id": IDP,
        "idp_name": "Cercle test IdP",
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
        "scopes": ["openid", "profile"],
        "discover": True,
        "skip_verification": True,  # a plain-http issuer on loopback
        "user_mapping_provider": {
            "config": {
                "localpart_template": "{{ user.preferred_username }}",
                "display_name_template": "{{ user.name }}",
            }
        },
    }


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory):
    """One Synapse whose only sign-in besides passwords is SSO through our OIDC provider."""
    provider = OidcProvider().start()
    oidc = synapse_oidc(provider)
    net = LocalNetwork(
        tmp_path_factory.mktemp("sso"),
        ("company",),
        extra_config={"company": {"oidc_providers": [oidc]}},
    )
    server = net["company"]
    provider.redirect_uris = {server.client_url + OIDC_CALLBACK}
    try:
        net.start()
        yield server, provider
    finally:
        net.stop()
        provider.stop()


class Browser:
    """What the system browser does during SSO: follows redirects, keeps cookies, clicks
    Synapse's "Continue" on its confirmation page, and lands on our loopback callback."""

    def __init__(self, homeserver_url: str) -> None:
        # Synapse's session cookies are Secure; browsers treat loopback http as a secure origin.
        self.secure_origins = [URL(homeserver_url)]
        self.pages: list[tuple[str, int, str]] = []

    async def open(self, url: str) -> None:
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=self.secure_origins)
        async with aiohttp.ClientSession(
            cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=30)
        ) as http:
            method, data = "GET", None
            for _ in range(20):
                async with http.request(method, url, data=data, allow_redirects=False) as r:
                    body = await r.text()
                    self.pages.append((url, r.status, body[:2000]))
                    if r.status in (301, 302, 303, 307, 308):
                        url, method, data = urljoin(url, r.headers["Location"]), "GET", None
                        continue
                if urlsplit(url).path == sso.CALLBACK_PATH:
                    assert r.status == 200, body
                    return
                assert r.status == 200, f"{url} → {r.status}: {body[:500]}"
                url, method, data = self._next(url, body)
        raise AssertionError("too many pages")

    @staticmethod
    def _next(url: str, page: str) -> tuple[str, str, dict | None]:
        """The page's way on, as a user would take it: its form, or its primary button link."""
        form = re.search(r'<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>', page, re.S)
        if form:
            fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form[2]))
            fields = {k: html.unescape(v) for k, v in fields.items()}
            return urljoin(url, html.unescape(form[1])), "POST", fields
        link = re.search(r'<a href="([^"]+)" class="primary-button"', page)
        assert link, f"no way on from {url}:\n{page[:1000]}"
        return urljoin(url, html.unescape(link[1])), "GET", None


def fresh_user(provider: OidcProvider) -> str:
    name = f"sso{secrets.token_hex(4)}"
    provider.user = {"sub": f"sub-{name}", "preferred_username": name, "name": "Dominique SSO"}
    return name


async def _whoami(client: MatrixClient) -> str:
    return (await client.call(client.nio.whoami())).user_id


def test_sso_login_through_oidc_gives_a_working_client(sso_server):
    server, provider = sso_server
    name = fresh_user(provider)
    browser = Browser(server.client_url)

    async def scenario():
        info = await ses.discover(server.client_url)
        flows = await sso.login_flows(info)
        assert (flows.sso, flows.token, flows.password) == (True, True, True)
        assert [p.id for p in flows.providers] == [f"oidc-{IDP}"]
        client = await sso.login_sso(
            info, idp_id=f"oidc-{IDP}", open_browser=browser.open, timeout_s=60
        )
        try:
            assert await _whoami(client) == f"@{name}:{server.server_name}"
            assert client.user_id == f"@{name}:{server.server_name}"
            assert client.nio.device_id
            profile = await client.call(client.nio.get_displayname())
            assert profile.displayname == "Dominique SSO"
            # Signing in again (e.g. after a soft logout) keeps the same user and device.
            again = await sso.login_sso(
                info, open_browser=Browser(server.client_url).open, device_id=client.nio.device_id
            )
            assert again.user_id == client.user_id
            assert again.nio.device_id == client.nio.device_id
            await again.close()
        finally:
            await client.close()

    asyncio.run(scenario())
    visited = [urlsplit(u).path for u, _, _ in browser.pages]
    assert visited[0].startswith(sso.SSO_REDIRECT_PATH)
    assert {"/authorize", OIDC_CALLBACK} <= set(visited)
    assert visited[-1] == sso.CALLBACK_PATH
    assert "You can close this window" in browser.pages[-1][2]


def test_a_forged_callback_is_ignored_and_the_real_one_signs_in(sso_server):
    server, provider = sso_server
    name = fresh_user(provider)
    real = Browser(server.client_url)
    forged_status: list[int] = []

    async def attacker_then_user(url: str) -> None:
        redirect = dict(URL(url).query)["redirectUrl"]
        forged = URL(redirect).update_query(state="guessed", loginToken="syt_forged")
        async with aiohttp.ClientSession() as http, http.get(forged) as r:
            forged_status.append(r.status)
        await real.open(url)

    async def scenario():
        info = await ses.discover(server.client_url)
        client = await sso.login_sso(info, open_browser=attacker_then_user, timeout_s=60)
        try:
            assert await _whoami(client) == f"@{name}:{server.server_name}"
        finally:
            await client.close()

    asyncio.run(scenario())
    assert forged_status == [400]


def test_discovery_from_a_loopback_user_id_reads_the_well_known_file_over_http(sso_server):
    server, _ = sso_server
    port = urlsplit(server.client_url).port

    async def scenario():
        # On loopback http is tried first (then https); Synapse serves the well-known file
        # since its public_baseurl is set.
        info = await ses.discover(f"@someone:localhost:{port}")
        assert info.base_url == server.client_url
        assert info.via == "well-known"
        assert info.server_name == f"localhost:{port}"
        assert "v1.1" in info.versions
        direct = await ses.discover(server.client_url + "/")
        assert direct == ses.ServerInfo(server.client_url, info.versions, None, "url")

    asyncio.run(scenario())


def test_discovery_of_a_server_that_is_not_matrix_is_a_hard_error(sso_server):
    _, provider = sso_server  # an HTTP server with no Matrix API, which answers 404 to anything
    host = urlsplit(provider.issuer).netloc

    async def scenario():
        with pytest.raises(ses.DiscoveryFailed, match="does not answer as a Matrix homeserver"):
            await ses.discover(provider.issuer)
        # The well-known file is missing (404): the domain itself is tried, and fails the check.
        with pytest.raises(ses.DiscoveryFailed, match=f"http://{host} does not answer"):
            await ses.discover(f"@someone:{host}")

    asyncio.run(scenario())


def test_password_login_then_logout_leaves_a_token_the_server_rejects(sso_server):
    server, _ = sso_server
    account = server.register()
    localpart = account.user_id[1:].split(":")[0]

    async def scenario():
        info = await ses.discover(server.client_url)
        client = await ses.login_password(localpart, account.password, server=info)
        assert await _whoami(client) == account.user_id
        stale = client.session
        await ses.logout(client)
        zombie = MatrixClient.restore(stale)
        try:
            with pytest.raises(MatrixError) as caught:
                await _whoami(zombie)
        finally:
            await zombie.close()
        ended = ses.classify_matrix_error(caught.value)
        assert isinstance(ended, ses.LoggedOut)
        with pytest.raises(LoginFailed):
            await ses.login_password(account.user_id, "wrong", server=server.client_url)

    asyncio.run(scenario())


def test_signing_in_again_keeps_the_device(sso_server):
    server, _ = sso_server
    account = server.register()

    async def scenario():
        first = await ses.login_password(
            account.user_id, account.password, server=server.client_url
        )
        saved = first.session
        await first.close()
        # What the app does after a soft logout: the saved session, a new token, same device.
        client = MatrixClient.restore(saved)
        try:
            await ses.sign_in_again(client, account.password)
            assert client.nio.device_id == saved.device_id
            assert client.nio.access_token != saved.access_token
            assert await _whoami(client) == account.user_id
            with pytest.raises(LoginFailed):
                await ses.sign_in_again(client, "wrong")
        finally:
            await client.close()

    asyncio.run(scenario())
