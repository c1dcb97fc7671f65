"""The company + partner Synapse pair, started once per test session, and fresh users per test."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from cercle.protocol.localnet import Account, LocalNetwork

HERE = Path(__file__).parent
_log_offsets = pytest.StashKey[dict[str, int]]()
_failed = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def localnet(request):
    """Two real federating homeservers on loopback; their files are kept if a test failed."""
    root = Path(tempfile.mkdtemp(prefix="cercle-localnet-"))
    net = LocalNetwork(root, ("company", "partner"))
    request.session.stash[_failed] = False
    try:
        yield net.start()
    finally:
        net.stop()
        if request.session.stash[_failed]:
            print(f"\nlocalnet: a test failed; homeserver files and logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def register(localnet) -> Callable[..., Account]:
    """register("company") or register("partner") → a brand-new user, logged in on one device."""

    def make(label: str = "company", **kwargs) -> Account:
        return localnet[label].register(**kwargs)

    return make


@pytest.fixture(autouse=True)
def _remember_log_offsets(request, localnet):
    request.node.stash[_log_offsets] = {s.label: _size(s.log_path) for s in localnet.servers}
    request.node.stash[_localnet_key] = localnet


_localnet_key = pytest.StashKey[LocalNetwork]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report carries what each homeserver logged while it ran."""
    report = yield
    net = item.stash.get(_localnet_key, None)
    if report.failed and net is not None:
        item.session.stash[_failed] = True
        offsets = item.stash[_log_offsets]
        for server in net.servers:
            with open(server.log_path, errors="replace") as f:
                f.seek(offsets[server.label])
                tail = f.read()[-20_000:]
            report.sections.append((f"{server.label} homeserver log ({report.when})", tail))
    return report


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0
