"""Sessions: discovery decisions, SSO URLs and callback, soft-logout classification (no server)."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp import web

from cercle.protocol import session as ses
from cercle.protocol import sso
from cercle.protocol.client import MatrixError

# -- user ids, server names, input ---------------------------------------------------------


@pytest.mark.parametrize(
    ("user_id", "expected"),
    [
        ("@alice:example.com", ("alice", "example.com")),
        ("@alice:example.com:8448", ("alice", "example.com:8448")),
        (" @bob:[::1]:8008 ", ("bob", "[::1]:8008")),
        ("@c.d=e/f:1.2.3.4", ("c.d=e/f", "1.2.3.4")),
    ],
)
def test_user_ids_split_into_localpart_and_server(user_id, expected):
    assert ses.parse_user_id(user_id) == expected


@pytest.mark.parametrize(
    "bad", ["alice", "@alice", "@:example.com", "@alice:", "alice:example.com", "@a:ex ample/x"]
)
def test_malformed_user_ids_ask_the_user_again(bad):
    with pytest.raises(ses.InvalidUserId, match=r"@name:example\.com|server name") as caught:
        ses.parse_user_id(bad)
    assert caught.value.action == ses.FAIL_PROMPT


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("example.com", ("example.com", None)),
        ("example.com:8448", ("example.com", 8448)),
        ("[::1]:8448", ("::1", 8448)),
        ("127.0.0.1", ("127.0.0.1", None)),
    ],
)
def test_server_names_split_into_host_and_port(name, expected):
    assert ses.split_server_name(name) == expected


@pytest.mark.parametrize("bad", ["", "example.com:port", "example.com/path", "a@example.com"])
def test_bad_server_names_are_refused(bad):
    with pytest.raises(ses.InvalidUserId):
        ses.split_server_name(bad)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("example.com", False),
        ("10.0.0.1", False),
        ("localhost.example.com", False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert ses.is_loopback(host) is loopback


def test_well_known_is_https_only_except_on_loopback_where_http_comes_first():
    assert ses.well_known_origins("example.com") == ["https://example.com"]
    assert ses.well_known_origins("example.com:8448") == ["https://example.com:8448"]
    assert ses.well_known_origins("localhost:8008") == [
        "http://localhost:8008",
        "https://localhost:8008",
    ]
    assert ses.well_known_origins("[::1]:8008") == ["http://[::1]:8008", "https://[::1]:8008"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("@alice:example.com", ("user", "@alice:example.com")),
        ("example.com", ("server", "example.com")),
        ("https://matrix.example.com/", ("url", "https://matrix.example.com")),
        ("http://127.0.0.1:8008", ("url", "http://127.0.0.1:8008")),
    ],
)
def test_what_the_user_typed_is_classified(typed, expected):
    assert ses.classify_input(typed) == expected


# -- the spec's well-known decisions ---------------------------------------------------------

ORIGIN = "https://example.com"


def wk(base_url: object) -> bytes:
    return json.dumps({"m.homeserver": {"base_url": base_url}}).encode()


def test_404_means_the_domain_itself_is_the_homeserver():
    assert ses.decide_well_known(ORIGIN, 404, b"<html>Not found</html>") == ORIGIN


def test_200_with_a_base_url_gives_it():
    body = wk("https://matrix.example.com/")
    assert ses.decide_well_known(ORIGIN, 200, body) == "https://matrix.example.com/"


def test_extra_keys_are_ignored():
    body = json.dumps(
        {
            "m.homeserver": {"base_url": "https://m.example.com", "extra": 1},
            "m.identity_server": {"base_url": "https://id.example.com"},
            "org.example": {},
        }
    ).encode()
    assert ses.decide_well_known(ORIGIN, 200, body) == "https://m.example.com"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, wk("https://m.example.com")),  # any other status
        (403, b""),
        (302, b""),
        (200, b""),  # empty body
        (200, b"{not json"),  # unparseable
        (200, b"\xff\xfe"),  # not even text
        (200, b"[]"),  # not an object
        (200, b'"https://m.example.com"'),
        (200, b"{}"),  # no m.homeserver
        (200, json.dumps({"m.homeserver": "https://m.example.com"}).encode()),
        (200, json.dumps({"m.homeserver": {}}).encode()),  # no base_url
        (200, wk("")),
        (200, wk(None)),
        (200, wk(42)),
    ],
)
def test_everything_else_asks_the_user_for_the_homeserver(status, body):
    with pytest.raises(ses.DiscoveryPrompt, match="enter your homeserver's address") as caught:
        ses.decide_well_known(ORIGIN, status, body)
    assert caught.value.action == ses.FAIL_PROMPT


@pytest.mark.parametrize(
    ("url", "normalized"),
    [
        ("https://matrix.example.com", "https://matrix.example.com"),
        ("https://matrix.example.com/", "https://matrix.example.com"),
        ("https://example.com/matrix/", "https://example.com/matrix"),
        ("https://example.com:8448", "https://example.com:8448"),
        (" http://127.0.0.1:8008/ ", "http://127.0.0.1:8008"),
        ("http://localhost:8008", "http://localhost:8008"),
        ("http://[::1]:8008", "http://[::1]:8008"),
    ],
)
def test_base_urls_are_normalized(url, normalized):
    assert ses.normalize_base_url(url) == normalized


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("matrix.example.com", "not a valid"),
        ("ftp://matrix.example.com", "not a valid"),
        ("https://", "not a valid"),
        ("https://example.com:99999", "not a valid"),
        ("https://example.com/?x=1", "not a valid"),
        ("https://example.com/#x", "not a valid"),
        ("https://user:pw@example.com", "credentials"),
        ("http://matrix.example.com", "not encrypted"),
        ("http://10.0.0.5:8008", "not encrypted"),
    ],
)
def test_invalid_base_urls_are_hard_errors(url, why):
    with pytest.raises(ses.DiscoveryFailed, match=why) as caught:
        ses.normalize_base_url(url)
    assert caught.value.action == ses.FAIL_ERROR


def test_a_versions_answer_lists_the_spec_versions():
    body = json.dumps({"versions": ["v1.1", "v1.11"], "unstable_features": {}}).encode()
    assert ses.check_versions("https://m.example.com", 200, body) == ("v1.1", "v1.11")


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (404, b"{}"),
        (502, b'{"versions": ["v1.1"]}'),
        (200, b"<html>"),
        (200, b"{}"),
        (200, b'{"versions": "v1.1"}'),
        (200, b'{"versions": [1]}'),
        (200, None),
    ],
)
def test_a_failing_versions_check_is_a_hard_error(status, body):
    with pytest.raises(ses.DiscoveryFailed, match="does not answer as a Matrix homeserver"):
        ses.check_versions("https://m.example.com", status, body)


def test_a_user_name_without_a_server_needs_one():
    with pytest.raises(ses.InvalidUserId, match="Which server"):
        asyncio.run(ses.login_password("alice", "secret"))


# -- login flows and SSO URLs ----------------------------------------------------------------

FLOWS = {
    "flows": [
        {"type": "m.login.password"},
        {
            "type": "m.login.sso",
            "identity_providers": [
                {"id": "oidc-corp", "name": "Corp", "icon": "mxc://x/y", "brand": "corp"},
                {"id": "oidc-bare"},
                {"name": "no id"},
                "junk",
            ],
        },
        {"type": "m.login.token"},
        {"type": "m.login.application_service"},
        {"no": "type"},
        7,
    ]
}


def test_login_flows_are_read_and_junk_skipped():
    flows = sso.parse_login_flows(FLOWS)
    assert (flows.password, flows.sso, flows.token) == (True, True, True)
    assert flows.providers == (
        sso.IdentityProvider("oidc-corp", "Corp", "mxc://x/y", "corp"),
        sso.IdentityProvider("oidc-bare", "oidc-bare"),
    )


@pytest.mark.parametrize("body", [None, [], {}, {"flows": "x"}, {"flows": [None]}])
def test_malformed_login_flows_offer_nothing(body):
    assert sso.parse_login_flows(body) == sso.LoginFlows()


def test_the_callback_url_is_loopback_with_the_state():
    assert sso.callback_url(4321, "s+t/a") == "http://127.0.0.1:4321/callback?state=s%2Bt%2Fa"


def test_sso_redirect_urls_carry_the_callback_encoded():
    back = sso.callback_url(4321, "abc")
    url = sso.sso_redirect_url("https://m.example.com", back)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://m.example.com/_matrix/client/v3/login/sso/redirect"
    )
    assert parse_qs(parts.query) == {"redirectUrl": [back]}
    specific = sso.sso_redirect_url("https://m.example.com/base", back, "oidc-corp/x")
    assert specific.startswith(
        "https://m.example.com/base/_matrix/client/v3/login/sso/redirect/oidc-corp%2Fx?"
    )


def test_a_callback_counts_only_with_our_state_and_a_token():
    assert sso.read_callback({"state": "s1", "loginToken": "tok"}, "s1") == "tok"
    assert sso.read_callback({"state": "s2", "loginToken": "tok"}, "s1") is None
    assert sso.read_callback({"loginToken": "tok"}, "s1") is None
    assert sso.read_callback({"state": "s1"}, "s1") is None
    assert sso.read_callback({"state": "s1", "loginToken": ""}, "s1") is None


# -- the loopback callback server ------------------------------------------------------------


def _callback_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["redirectUrl"][0]


def test_the_token_arrives_on_the_loopback_callback_and_forged_ones_are_ignored():
    seen: list[tuple[int, str]] = []

    async def browser(url: str) -> None:
        assert url.startswith("https://hs.example/_matrix/client/v3/login/sso/redirect/idp?")
        back = _callback_of(url)
        assert back.startswith("http://127.0.0.1:")
        async with aiohttp.ClientSession() as http:
            for target in (
                back.replace("state=", "state=x") + "&loginToken=forged",
                back,  # no token
                back + "&loginToken=real-token",
                back + "&loginToken=second",  # too late: the first one won
            ):
                async with http.get(target) as r:
                    seen.append((r.status, await r.text()))
                    assert r.headers["Cache-Control"] == "no-store"

    token = asyncio.run(
        sso.receive_login_token("https://hs.example", browser, idp_id="idp", timeout_s=30)
    )
    assert token == "real-token"
    assert [status for status, _ in seen] == [400, 400, 200, 200]
    assert "You can close this window" in seen[2][1]


def test_a_plain_browser_opener_is_called_with_the_url():
    opened: list[str] = []

    def open_browser(url: str) -> bool:
        opened.append(url)

        async def later() -> None:
            async with aiohttp.ClientSession() as http:
                await http.get(_callback_of(url) + "&loginToken=t0k")

        asyncio.get_running_loop().create_task(later())
        return True

    assert asyncio.run(sso.receive_login_token("https://hs", open_browser, timeout_s=30)) == "t0k"
    assert len(opened) == 1


def test_no_browser_is_an_error_that_shows_the_url():
    with pytest.raises(sso.SsoError, match="Open this address yourself: https://hs/"):
        asyncio.run(sso.receive_login_token("https://hs", lambda url: False, timeout_s=30))


def test_a_browser_that_fails_ends_the_wait():
    async def browser(url: str) -> None:
        raise aiohttp.ClientConnectionError("connection refused")

    with pytest.raises(sso.SsoError, match="could not complete sign-in: connection refused"):
        asyncio.run(sso.receive_login_token("https://hs", browser, timeout_s=30))


def test_no_callback_in_time_is_a_timeout_and_the_port_is_released():
    urls: list[str] = []

    async def scenario():
        with pytest.raises(sso.SsoTimedOut, match="within 0 s"):
            await sso.receive_login_token("https://hs", urls.append, timeout_s=0.2)
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectionError):
                await http.get(_callback_of(urls[0]) + "&loginToken=late")

    asyncio.run(scenario())


def test_cancelling_the_wait_releases_the_port():
    urls: list[str] = []

    async def scenario():
        opened = asyncio.Event()

        def open_browser(url: str) -> None:
            urls.append(url)
            opened.set()

        task = asyncio.create_task(sso.receive_login_token("https://hs", open_browser))
        await asyncio.wait_for(opened.wait(), 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectionError):
                await http.get(_callback_of(urls[0]) + "&loginToken=late")

    asyncio.run(scenario())


def test_sso_refuses_a_server_without_it():
    async def scenario():
        app = web.Application()

        async def flows(request: web.Request) -> web.Response:
            return web.json_response({"flows": [{"type": "m.login.password"}]})

        app.router.add_get(ses.LOGIN_PATH, flows)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        try:
            info = ses.ServerInfo(f"http://127.0.0.1:{runner.addresses[0][1]}")
            with pytest.raises(sso.SsoUnavailable, match="does not offer single sign-on"):
                await sso.login_sso(info, open_browser=lambda url: pytest.fail("opened"))
        finally:
            await runner.cleanup()

    asyncio.run(scenario())


# -- soft logout -----------------------------------------------------------------------------


def test_unknown_token_with_soft_logout_keeps_the_data():
    body = (
        '{"errcode": "M_UNKNOWN_TOKEN", "error": "Access token has expired", "soft_logout": true}'
    )
    ended = ses.classify_auth_error(401, body)
    assert isinstance(ended, ses.SoftLoggedOut)
    assert ended.soft_logout is True
    assert (ended.errcode, ended.status) == ("M_UNKNOWN_TOKEN", 401)
    assert "expired" in str(ended)
    assert "keys stay on this computer" in str(ended)


@pytest.mark.parametrize(
    "body",
    [
        {"errcode": "M_UNKNOWN_TOKEN", "error": "Invalid access token passed."},
        {"errcode": "M_UNKNOWN_TOKEN", "soft_logout": False},
        {"errcode": "M_UNKNOWN_TOKEN", "soft_logout": "true"},  # not a boolean: not soft
        b'{"errcode": "M_UNKNOWN_TOKEN"}',
    ],
)
def test_unknown_token_without_soft_logout_is_a_full_logout(body):
    ended = ses.classify_auth_error(401, body)
    assert type(ended) is ses.LoggedOut
    assert ended.soft_logout is False
    assert "Sign in again" in str(ended)


def test_a_locked_account_is_a_soft_logout():
    ended = ses.classify_auth_error(
        401, {"errcode": "M_USER_LOCKED", "error": "locked", "soft_logout": True}
    )
    assert isinstance(ended, ses.SoftLoggedOut)
    assert "locked by an administrator" in str(ended)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (403, {"errcode": "M_FORBIDDEN", "error": "nope"}),
        (429, {"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 5}),
        (500, "<html>Internal error</html>"),
        (502, b""),
        (401, None),
        (401, [1, 2]),
        (401, {"error": "no errcode"}),
    ],
)
def test_other_errors_are_not_about_the_session(status, body):
    assert ses.classify_auth_error(status, body) is None


def test_matrix_errors_from_the_client_are_classified_too():
    plain = MatrixError("Invalid access token passed.", errcode="M_UNKNOWN_TOKEN", status=401)
    assert type(ses.classify_matrix_error(plain)) is ses.LoggedOut
    soft = MatrixError("expired", errcode="M_UNKNOWN_TOKEN", status=401)
    soft.soft_logout = True  # what MatrixClient.call sets once it passes the flag on
    assert type(ses.classify_matrix_error(soft)) is ses.SoftLoggedOut
    assert ses.classify_matrix_error(MatrixError("no", errcode="M_FORBIDDEN")) is None
    already = ses.SoftLoggedOut("expired", errcode="M_UNKNOWN_TOKEN")
    assert ses.classify_matrix_error(already) is already
    assert isinstance(already, ses.TokenRejected)
    assert isinstance(already, MatrixError)


# -- discovery's I/O against a canned loopback server ----------------------------------------


async def _serve(routes: dict[str, tuple[int, object]]) -> tuple[web.AppRunner, str]:
    async def answer(request: web.Request) -> web.Response:
        status, body = routes.get(request.path, (404, "not found"))
        if isinstance(body, dict):
            return web.json_response(body, status=status)
        return web.Response(status=status, text=str(body))

    app = web.Application()
    app.router.add_get("/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"127.0.0.1:{runner.addresses[0][1]}"


VERSIONS = (200, {"versions": ["v1.11"]})
INSECURE = {"m.homeserver": {"base_url": "http://insecure.example"}}


@pytest.mark.parametrize(
    ("well_known", "versions", "outcome"),
    [
        (None, VERSIONS, "server-name"),  # 404: the domain itself
        ("self", VERSIONS, "well-known"),
        ((500, "oops"), VERSIONS, ses.DiscoveryPrompt),
        ((200, "{broken"), VERSIONS, ses.DiscoveryPrompt),
        ((200, {"m.homeserver": {}}), VERSIONS, ses.DiscoveryPrompt),
        (
            (200, {"m.homeserver": {"base_url": "http://insecure.example"}}),
            None,
            ses.DiscoveryFailed,
        ),
        (None, (404, "no"), ses.DiscoveryFailed),
        (None, (200, {"versions": 3}), ses.DiscoveryFailed),
    ],
)
def test_discover_follows_the_spec_against_a_canned_server(well_known, versions, outcome):
    async def scenario():
        routes: dict[str, tuple[int, object]] = {}
        runner, host = await _serve(routes)
        try:
            if versions:
                routes[ses.VERSIONS_PATH] = versions
            if well_known == "self":
                routes[ses.WELL_KNOWN_PATH] = (
                    200,
                    {"m.homeserver": {"base_url": f"http://{host}/"}},
                )
            elif well_known:
                routes[ses.WELL_KNOWN_PATH] = well_known
            if isinstance(outcome, str):
                info = await ses.discover(f"@alice:{host}")
                assert info == ses.ServerInfo(f"http://{host}", ("v1.11",), host, outcome)
            else:
                with pytest.raises(outcome):
                    await ses.discover(f"@alice:{host}")
        finally:
            await runner.cleanup()

    asyncio.run(scenario())


def test_nobody_listening_on_loopback_asks_the_user():
    async def scenario():
        runner, host = await _serve({})
        await runner.cleanup()  # the port is now closed
        with pytest.raises(ses.DiscoveryPrompt, match=f"Could not reach {host}"):
            await ses.discover(f"@alice:{host}")
        with pytest.raises(ses.DiscoveryFailed, match="does not answer"):
            await ses.discover(f"http://{host}")

    asyncio.run(scenario())
