"""Interop tests against an independent client: matrix-js-sdk with its Rust crypto (Element's)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from peer_harness import JsPeer, missing_install

_peers = pytest.StashKey[list[JsPeer]]()


@pytest.fixture
def js_peers(request) -> Callable[[], JsPeer]:
    """js_peers() → a fresh matrix-js-sdk client process, not logged in yet
    (`await peer.login(account)`); as many as a test needs.

    Under scripts/test (CERCLE_TEST_SECRET_SERVICE=1) a missing Node install is a failure, never
    a skip; run bare, the tests are skipped with the reason. Every process is killed on
    teardown; a failed test's report carries each one's protocol transcript and log.
    """
    why = missing_install()
    if why is not None:
        if os.environ.get("CERCLE_TEST_SECRET_SERVICE") == "1":
            pytest.fail(f"the js peer cannot run: {why}", pytrace=False)
        pytest.skip(f"the js peer cannot run: {why}")
    peers: list[JsPeer] = []
    request.node.stash[_peers] = peers

    def make() -> JsPeer:
        peers.append(JsPeer())
        return peers[-1]

    try:
        yield make
    finally:
        for peer in peers:
            peer.close()


@pytest.fixture
def js_peer(js_peers) -> JsPeer:
    """One fresh matrix-js-sdk client process (see `js_peers`)."""
    return js_peers()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        for n, peer in enumerate(item.stash.get(_peers, ()), 1):
            report.sections.append((f"js peer {n} ({report.when})", peer.report()))
    return report
