"""Interop tests against an independent client: matrix-js-sdk with its Rust crypto (Element's)."""

from __future__ import annotations

import os

import pytest
from peer_harness import JsPeer, missing_install

_peer = pytest.StashKey[JsPeer]()


@pytest.fixture
def js_peer(request):
    """A fresh matrix-js-sdk client process (not logged in: `await js_peer.login(account)`).

    Under scripts/test (CERCLE_TEST_SECRET_SERVICE=1) a missing Node install is a failure, never
    a skip; run bare, the tests are skipped with the reason. The process is always killed on
    teardown; a failed test's report carries its protocol transcript and log.
    """
    why = missing_install()
    if why is not None:
        if os.environ.get("CERCLE_TEST_SECRET_SERVICE") == "1":
            pytest.fail(f"the js peer cannot run: {why}", pytrace=False)
        pytest.skip(f"the js peer cannot run: {why}")
    peer = JsPeer()
    request.node.stash[_peer] = peer
    try:
        yield peer
    finally:
        peer.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    peer = item.stash.get(_peer, None)
    if peer is not None and report.failed:
        report.sections.append((f"js peer ({report.when})", peer.report()))
    return report
