"""Test-wide set-up: offscreen Qt, and the real Secret Service fixture."""

from __future__ import annotations

import os

import pytest

# Widgets render without a display; set before any Qt import (pytest-qt imports Qt lazily).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
