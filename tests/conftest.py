"""Test-wide fixtures: offscreen Qt, the real Secret Service, and the local Synapse pair."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from cercle.protocol.localnet import Account, LocalNetwork

# Widgets render without a display; set before any Qt import (pytest-qt imports Qt lazily).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_log_offsets = pytest.StashKey[dict[str, int]]()
_used_net = pytest.StashKey[LocalNetwork]()
_a_test_failed = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "localnet" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def secret_service():
    """The real Secret Service that scripts/test provides (gnome-keyring in a private D-Bus).

    Under scripts/test (CERCLE_TEST_SECRET_SERVICE=1) a missing or unusable Secret Service is a
    failure, never a skip: those tests guard the key policy. Run bare, outside that wrapper, they
    are skipped with a reason.
    """
    import keyring
    from keyring.backends import SecretService

    if os.environ.get("CERCLE_TEST_SECRET_SERVICE") != "1":
        pytest.skip("needs the Secret Service that scripts/test starts")
    backend = SecretService.Keyring()
    assert backend.priority > 0, "gnome-keyring is not answering on the session bus"
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def localnet(request):
    """Two real federating homeservers on loopback (company, partner), shared by the session.

    Their files and logs are kept, and their path printed, if any test using them failed.
    """
    root = Path(tempfile.mkdtemp(prefix="cercle-localnet-"))
    net = LocalNetwork(root, ("company", "partner"))
    request.session.stash[_a_test_failed] = False
    try:
        yield net.start()
    finally:
        net.stop()
        if request.session.stash[_a_test_failed]:
            print(f"\nlocalnet: a test failed; homeserver files and logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def register(request, localnet) -> Callable[..., Account]:
    """register("company") or register("partner") → a brand-new user, logged in on one device.

    A failed test that used it gets what each homeserver logged meanwhile in its report.
    """
    request.node.stash[_log_offsets] = {s.label: _size(s.log_path) for s in localnet.servers}
    request.node.stash[_used_net] = localnet

    def make(label: str = "company", **kwargs) -> Account:
        return localnet[label].register(**kwargs)

    return make


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    net = item.stash.get(_used_net, None)
    if report.failed and net is not None:
        item.session.stash[_a_test_failed] = True
        offsets = item.stash[_log_offsets]
        for server in net.servers:
            with open(server.log_path, errors="replace") as f:
                f.seek(offsets[server.label])
                tail = f.read()[-20_000:]
            report.sections.append((f"{server.label} homeserver log ({report.when})", tail))
    return report


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0
