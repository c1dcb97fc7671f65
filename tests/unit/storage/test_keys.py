"""Key policy: secure keyring or fail closed to a passphrase; never a default or clear key."""

from __future__ import annotations

import json

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail

from cercle.storage import keys
from cercle.storage.errors import (
    CannotUnlock,
    KeyringEntryLost,
    KeyringUnavailable,
    NeedsPassphrase,
)
from cercle.storage.keys import KEYRING_SERVICE, KdfParams, KeyManager, secure_backend

from .helpers import FAST_KDF, TRUSTED_FOR_TESTS, MemoryKeyring, PlaintextKeyring


class ZeroPriorityKeyring(MemoryKeyring):
    priority = 0  # type: ignore[assignment]


def manager(tmp_path, backend, name="alice", trusted=TRUSTED_FOR_TESTS, kdf=FAST_KDF):
    return KeyManager(tmp_path / f"{name}.json", name, backend=backend, trusted=trusted, kdf=kdf)


def chain(*members):
    """A chainer over exactly these members (keyring's own discovers them at run time)."""

    class TestChainer(chainer.ChainerBackend):
        backends = tuple(members)  # type: ignore[assignment]

    KeyringBackend._classes.discard(TestChainer)
    return TestChainer()


def test_secure_backend_policy():
    mem, plain, zero = MemoryKeyring(), PlaintextKeyring(), ZeroPriorityKeyring()
    assert secure_backend(fail.Keyring(), TRUSTED_FOR_TESTS) is None
    assert secure_backend(plain, TRUSTED_FOR_TESTS) is None
    assert secure_backend(zero, TRUSTED_FOR_TESTS | {"test_keys.ZeroPriorityKeyring"}) is None
    assert secure_backend(mem, TRUSTED_FOR_TESTS) is mem
    # the default trust list knows only OS keyrings: a test double is not trusted
    assert secure_backend(mem) is None
    insecure_chain = chain(plain, fail.Keyring())
    assert insecure_chain.priority > 0  # keyring itself would happily use it
    assert secure_backend(insecure_chain, TRUSTED_FOR_TESTS) is None
    # a chainer yields its secure member itself, so writes cannot fall through to plaintext
    assert secure_backend(chain(plain, mem), TRUSTED_FOR_TESTS) is mem


def test_headless_default_keyring_is_not_secure(monkeypatch):
    monkeypatch.setattr(keys, "PLATFORM_BACKENDS", {})  # no Secret Service, no kwallet…
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert secure_backend() is None


class BestKeyring(MemoryKeyring):
    priority = 5  # type: ignore[assignment]


class BrokenKeyring(MemoryKeyring):
    def __init__(self) -> None:
        raise RuntimeError("its library is missing")


# Out of keyring's own discovery, which every later test's get_keyring() would run them in.
KeyringBackend._classes.difference_update({BestKeyring, BrokenKeyring})


def probe_only(monkeypatch, *classes) -> list[str]:
    """The platform's candidates are these test classes; keyring's discovery would fail."""
    names = [f"{__name__}.{cls.__name__}" for cls in classes]
    monkeypatch.setattr(
        keys, "PLATFORM_BACKENDS", dict.fromkeys(("linux", "darwin", "win32"), names)
    )
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    return names


def test_the_platform_backends_are_probed_without_keyring_discovery(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no keyringrc.cfg
    probe_only(monkeypatch, ZeroPriorityKeyring, BrokenKeyring, MemoryKeyring, BestKeyring)
    assert isinstance(keys.default_keyring(), BestKeyring)  # the highest viable priority
    probe_only(monkeypatch, ZeroPriorityKeyring, BrokenKeyring)
    assert isinstance(keys.default_keyring(), fail.Keyring)  # none answers: keyring decides


def test_a_backend_the_user_chose_is_keyrings_to_load(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    probe_only(monkeypatch, BestKeyring)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    assert isinstance(keys.default_keyring(), fail.Keyring)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    (tmp_path / "python_keyring").mkdir()
    (tmp_path / "python_keyring" / "keyringrc.cfg").write_text("[backend]\n")
    assert isinstance(keys.default_keyring(), fail.Keyring)
    (tmp_path / "python_keyring" / "keyringrc.cfg").unlink()
    assert isinstance(keys.default_keyring(), BestKeyring)
    chosen = MemoryKeyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", chosen)  # keyring.set_keyring's
    monkeypatch.setattr(keyring, "get_keyring", lambda: keyring.core._keyring_backend)
    assert keys.default_keyring() is chosen


def test_no_keyring_needs_a_passphrase(tmp_path):
    with pytest.raises(NeedsPassphrase, match="No secure system keyring"):
        manager(tmp_path, fail.Keyring()).create()


def test_insecure_backend_needs_a_passphrase_and_gets_nothing(tmp_path):
    plain = PlaintextKeyring()
    with pytest.raises(NeedsPassphrase):
        manager(tmp_path, plain).create()
    keys = manager(tmp_path, plain).create("correct horse")
    assert keys.mode == "passphrase"
    assert plain.entries == {}


def test_keyring_mode_round_trip(tmp_path):
    mem = MemoryKeyring()
    created = manager(tmp_path, mem).create()
    assert created.mode == "keyring"
    assert len(mem.entries) == 1
    ((service, _),) = mem.entries
    assert service == KEYRING_SERVICE
    unlocked = manager(tmp_path, mem).unlock()
    assert unlocked == created
    assert len({created.db_key, created.crypto_db_key, created.pickle_key.encode()}) == 3
    assert created.pickle_key != "DEFAULT_KEY"


def test_passphrase_mode_round_trip_and_wrong_passphrase(tmp_path):
    created = manager(tmp_path, fail.Keyring()).create("correct horse")
    assert manager(tmp_path, fail.Keyring()).unlock("correct horse") == created
    with pytest.raises(CannotUnlock):
        manager(tmp_path, fail.Keyring()).unlock("wrong horse")
    with pytest.raises(NeedsPassphrase):
        manager(tmp_path, fail.Keyring()).unlock()


def test_passphrase_mode_is_kept_even_when_a_keyring_appears(tmp_path):
    created = manager(tmp_path, fail.Keyring()).create("pw")
    mem = MemoryKeyring()
    with pytest.raises(NeedsPassphrase):
        manager(tmp_path, mem).unlock()
    assert manager(tmp_path, mem).unlock("pw") == created
    assert mem.entries == {}


def test_params_file_holds_salt_and_cost_but_no_key(tmp_path):
    kdf = KdfParams()  # the real default cost, once
    keys = manager(tmp_path, fail.Keyring(), kdf=kdf).create("pw")
    text = (tmp_path / "alice.json").read_text()
    params = json.loads(text)
    assert params["mode"] == "passphrase"
    assert params["kdf"]["name"] == "argon2id"
    assert params["kdf"]["memory_kib"] == 65536
    assert len(params["kdf"]["salt"]) >= 22  # 16 random bytes
    for secret in (keys.db_key.hex(), keys.crypto_db_key.hex(), keys.pickle_key):
        assert secret not in text


def test_salts_differ_so_same_passphrase_gives_different_keys(tmp_path):
    a = manager(tmp_path, fail.Keyring(), name="a").create("same")
    b = manager(tmp_path, fail.Keyring(), name="b").create("same")
    assert a.db_key != b.db_key


def test_empty_passphrase_is_refused(tmp_path):
    with pytest.raises(NeedsPassphrase, match="cannot be empty"):
        manager(tmp_path, fail.Keyring()).create("")


def test_lost_keyring_entry_names_the_way_back(tmp_path):
    mem = MemoryKeyring()
    manager(tmp_path, mem).create()
    mem.entries.clear()
    with pytest.raises(KeyringEntryLost) as caught:
        manager(tmp_path, mem).unlock()
    message = str(caught.value)
    assert "Log in again" in message
    assert "key backup" in message
    assert "alice" in message


def test_replaced_keyring_entry_is_lost_not_corrupt(tmp_path):
    mem = MemoryKeyring()
    manager(tmp_path, mem).create()
    key = next(iter(mem.entries))
    mem.entries[key] = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="  # 32 bytes, wrong ones
    with pytest.raises(KeyringEntryLost):
        manager(tmp_path, mem).unlock()


def test_keyring_gone_at_unlock_is_unavailable_not_passphrase(tmp_path):
    manager(tmp_path, MemoryKeyring()).create()
    with pytest.raises(KeyringUnavailable):
        manager(tmp_path, fail.Keyring()).unlock("any passphrase")


def test_profiles_are_independent(tmp_path):
    mem = MemoryKeyring()
    a = manager(tmp_path, mem, name="a").create()
    b = manager(tmp_path, mem, name="b").create()
    assert a.db_key != b.db_key
    manager(tmp_path, mem, name="a").forget()
    assert manager(tmp_path, mem, name="b").unlock() == b
    with pytest.raises(KeyringEntryLost):
        manager(tmp_path, mem, name="a").unlock()


def test_forget_removes_keyring_entry_and_params(tmp_path):
    mem = MemoryKeyring()
    m = manager(tmp_path, mem)
    m.create()
    m.forget()
    assert mem.entries == {}
    assert not (tmp_path / "alice.json").exists()


@pytest.mark.keyring
def test_real_secret_service_round_trip(tmp_path, secret_service):
    m = KeyManager(tmp_path / "k.json", "real", kdf=FAST_KDF)  # keyring's default backend
    keys = m.create()
    assert keys.mode == "keyring"
    entry_id = m.keyring_entry_id()
    assert entry_id is not None
    assert secret_service.get_password(KEYRING_SERVICE, entry_id) is not None
    assert KeyManager(tmp_path / "k.json", "real").unlock() == keys
    m.forget()
    assert secret_service.get_password(KEYRING_SERVICE, entry_id) is None
