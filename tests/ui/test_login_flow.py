"""The sign-in screen against real servers: the homeserver found from the user id, its sign-in
methods, single sign-on through a local OpenID Connect provider, errors in words, and signing
in again after a soft logout."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest
from integration.test_sso import IDP, OIDC_CALLBACK, Browser, fresh_user, synapse_oidc
from oidc_provider import OidcProvider
from PySide6.QtCore import Qt

from cercle.protocol.changes import SessionEnded
from cercle.protocol.localnet import LocalNetwork

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory):
    """A Synapse with single sign-on through our OIDC provider (as tests/integration/test_sso.py
    starts it), named after its client port: `@name:localhost:PORT` is then discovered through
    the /.well-known/matrix/client file it serves there, as a company's domain would."""
    provider = OidcProvider().start()
    oidc = synapse_oidc(provider)
    net = LocalNetwork(tmp_path_factory.mktemp("login-sso"), ("company",))
    server = net["company"]
    name = f"localhost:{server.spec.client_port}"
    server.extra_config = {"oidc_providers": [oidc], "server_name": name}
    provider.redirect_uris = {server.client_url + OIDC_CALLBACK}
    try:
        net.start()
        yield server, name, provider
    finally:
        net.stop()
        provider.stop()


def open_login(qtbot, window):
    window.session.start(PASSPHRASE)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login, timeout=15_000)
    return window.login


def type_user(qtbot, login, text: str) -> None:
    login.user.setFocus()
    qtbot.keyClicks(login.user, text)


@pytest.mark.integration
def test_typing_a_user_id_finds_its_server_and_signs_in(qtbot, app_window, sso_server):
    server, name, _ = sso_server
    account = server.register()
    assert account.user_id.endswith(":" + name)
    login = open_login(qtbot, app_window)
    assert not login.homeserver.text()
    type_user(qtbot, login, account.user_id)
    qtbot.waitUntil(lambda: login.found.text().startswith("Found"), timeout=15_000)
    host = urlsplit(account.homeserver).netloc
    assert login.found.text() == f"Found {host}"
    assert login.homeserver.text() == account.homeserver.rstrip("/")
    assert login.homeserver.isHidden()  # found: the field is only for "another homeserver"
    assert login.change_server.isVisible()
    assert login.password.isVisible()
    assert [b.text() for b in login.sso_buttons] == ["Continue with Cercle test IdP"]
    assert not login.error.isVisible()
    qtbot.mouseClick(login.change_server, Qt.MouseButton.LeftButton)
    assert login.homeserver.isVisible()
    assert not login.change_server.isVisible()

    login.password.setText(account.password)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app_window.stack.currentWidget() is app_window.home, timeout=20_000)
    assert app_window.session.account.user_id == account.user_id


def test_a_bare_name_needs_the_server(qtbot, app_window):
    login = open_login(qtbot, app_window)
    type_user(qtbot, login, "camille")
    login.look_up()  # what the timer does when typing pauses
    assert login.homeserver.isVisible()
    assert not login.found.isVisible()
    login.password.setText("secret")
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert login.error.text() == "Enter the homeserver address, your user name and password."
    assert login.user.text() == "camille"
    assert login.password.text() == "secret"


def test_an_unknown_server_is_said_in_words_and_nothing_is_lost(qtbot, app_window):
    login = open_login(qtbot, app_window)
    type_user(qtbot, login, "@camille:localhost:1")  # nothing listens on port 1
    login.password.setText("secret")
    qtbot.waitUntil(login.error.isVisible, timeout=15_000)
    assert login.error.text().startswith("Could not find the homeserver of this user name.")
    assert login.homeserver.isVisible()  # now the address is needed
    assert login.user.text() == "@camille:localhost:1"
    assert login.password.text() == "secret"

    # A server typed by hand that is down: named, with what to do.
    login.homeserver.setFocus()
    qtbot.keyClicks(login.homeserver, "http://127.0.0.1:1")
    qtbot.waitUntil(lambda: "does not answer" in login.error.text(), timeout=15_000)
    assert login.error.text() == (
        "http://127.0.0.1:1 does not answer as a Matrix homeserver. Check the address; the "
        "server may also be down."
    )
    assert login.password.text() == "secret"


def test_each_sign_in_failure_has_words(qtbot, app_window):
    from cercle.protocol import session as ses
    from cercle.protocol import sso
    from cercle.protocol.errors import LoginFailed

    explain = app_window.session.explain
    sentences = {
        explain(LoginFailed("M_FORBIDDEN")),
        explain(ses.InvalidUserId("x")),
        explain(ses.DiscoveryPrompt("x")),
        explain(ses.DiscoveryFailed("x"), "https://m.example"),
        explain(sso.SsoTimedOut("x")),
        explain(sso.SsoUnavailable("x")),
        explain(sso.SsoError("x")),
    }
    assert len(sentences) == 7
    assert "Something went wrong" not in " ".join(sentences)
    assert explain(sso.SsoTimedOut("x")).startswith("Single sign-on did not come back")


@pytest.mark.integration
def test_single_sign_on_lands_on_the_home_screen(qtbot, app_window, sso_server):
    server, server_name, provider = sso_server
    user_id = f"@{fresh_user(provider)}:{server_name}"
    browser = Browser(server.client_url)
    app_window.login_flow.open_browser = browser.open  # the system browser, scripted
    login = open_login(qtbot, app_window)
    type_user(qtbot, login, user_id)
    qtbot.waitUntil(lambda: login.sso_buttons != [], timeout=15_000)
    [button] = login.sso_buttons
    assert button.text() == "Continue with Cercle test IdP"
    assert login.password.isVisible()  # this server offers passwords too
    assert login.or_label.isVisible()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert login.waiting.isVisible()
    assert login.waiting_label.text() == "Finish signing in in your browser…"
    qtbot.waitUntil(lambda: app_window.stack.currentWidget() is app_window.home, timeout=60_000)
    account = app_window.session.account
    assert account.user_id == user_id
    assert not login.waiting.isVisible()
    visited = [urlsplit(u).path for u, _, _ in browser.pages]
    assert visited[0].endswith(f"/oidc-{IDP}")

    # Saved like a password sign-in: the profile resumes it.
    saved = app_window.session.bridge.run(
        asyncio.to_thread(account.profile.store.session.load)
    ).result(10)
    assert saved.user_id == user_id
    assert saved.device_id == account.client.nio.device_id

    # The session expires: the same user signs in again through SSO, on the same device.
    app_window.session.bridge.publish(SessionEnded("expired", soft_logout=True))
    qtbot.waitUntil(lambda: app_window.stack.currentWidget() is login, timeout=5_000)
    assert login.user.text() == user_id
    qtbot.waitUntil(lambda: login.sso_buttons != [], timeout=15_000)
    again = Browser(server.client_url)
    app_window.login_flow.open_browser = again.open
    token = account.client.nio.access_token
    qtbot.mouseClick(login.sso_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app_window.stack.currentWidget() is app_window.home, timeout=60_000)
    assert app_window.session.account is account
    assert account.client.nio.device_id == saved.device_id
    assert account.client.nio.access_token != token
    assert again.pages[-1][0].startswith("http://127.0.0.1:")  # our loopback callback
    resaved = app_window.session.bridge.run(
        asyncio.to_thread(account.profile.store.session.load)
    ).result(10)
    assert resaved.access_token == account.client.nio.access_token


@pytest.mark.integration
def test_single_sign_on_can_be_cancelled(qtbot, app_window, sso_server):
    server, _, _ = sso_server
    opened: list[str] = []

    async def browser_left_open(url: str) -> None:
        opened.append(url)
        await asyncio.sleep(3600)

    app_window.login_flow.open_browser = browser_left_open
    login = open_login(qtbot, app_window)
    login.homeserver.setFocus()
    qtbot.keyClicks(login.homeserver, server.client_url)
    qtbot.waitUntil(lambda: login.sso_buttons != [], timeout=15_000)
    login.user.setText("@someone:example.com")  # kept through the cancel
    qtbot.mouseClick(login.sso_buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: opened != [], timeout=15_000)
    assert not login.sso_buttons[0].isEnabled()
    qtbot.mouseClick(login.cancel_sso, Qt.MouseButton.LeftButton)
    assert not login.waiting.isVisible()
    assert login.sso_buttons[0].isEnabled()
    assert login.submit.isEnabled()
    assert not login.error.isVisible()
    assert login.user.text() == "@someone:example.com"
    assert app_window.stack.currentWidget() is login


def test_an_expired_session_signs_in_again_on_the_same_device(qtbot, app_window, register):
    account = register("company")
    login = open_login(qtbot, app_window)
    login.homeserver.setText(account.homeserver)
    login.user.setText(account.user_id)
    login.password.setText(account.password)
    qtbot.mouseClick(login.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app_window.stack.currentWidget() is app_window.home, timeout=20_000)
    device = app_window.session.account.client.nio.device_id

    # What the sync engine publishes when the server answers M_UNKNOWN_TOKEN, soft_logout.
    app_window.session.bridge.publish(SessionEnded("expired", soft_logout=True))
    qtbot.waitUntil(lambda: app_window.stack.currentWidget() is login, timeout=5_000)
    assert login.title.text() == "Your session expired"
    assert login.subtitle.text().startswith("Sign in again to continue.")
    assert login.user.text() == account.user_id
    assert login.user.isReadOnly()
    assert login.homeserver.isHidden()

    login.password.setText("wrong")
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(login.error.isVisible, timeout=15_000)
    assert login.error.text() == "Wrong user name or password."
    assert login.user.text() == account.user_id

    login.password.setText(account.password)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app_window.stack.currentWidget() is app_window.home, timeout=20_000)
    assert app_window.session.account.client.nio.device_id == device
    assert login.title.text() == "Welcome to Cercle"
    assert not login.user.isReadOnly()
