"""Fixtures for the store's tests: keyring doubles, open profiles and databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from cercle.storage.profile import KeyOptions, Profile

from .helpers import FAST_KDF, TRUSTED_FOR_TESTS, MemoryKeyring


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def keyring_options(memory_keyring) -> KeyOptions:
    """Keyring mode, with the in-memory double trusted."""
    return KeyOptions(backend=memory_keyring, trusted=TRUSTED_FOR_TESTS, kdf=FAST_KDF)


@pytest.fixture
def no_keyring_options() -> KeyOptions:
    """keyring's own fail backend: the machine has no keyring at all."""
    from keyring.backends.fail import Keyring as FailKeyring

    return KeyOptions(backend=FailKeyring(), kdf=FAST_KDF)


@pytest.fixture
def profile_base(tmp_path) -> Path:
    return tmp_path / "profiles"


@pytest.fixture
def passphrase_profile(profile_base, no_keyring_options):
    profile = Profile.open("alice", base=profile_base, passphrase="pw", options=no_keyring_options)
    yield profile
    if profile._lock.held:
        profile.close()
