"""nio's crypto store on SQLCipher: readable back, bound to the profile's keys, no DEFAULT_KEY."""

from __future__ import annotations

import os
import stat

import pytest
from nio import AsyncClient, AsyncClientConfig
from nio.crypto import OlmAccount

from cercle.storage.crypto_store import CRYPTO_DB_NAME, crypto_store_class, open_crypto_store
from cercle.storage.errors import CryptoStoreCorrupt
from cercle.storage.keys import ProfileKeys


def keys() -> ProfileKeys:
    return ProfileKeys.derive("keyring", os.urandom(32))


def test_account_round_trip_in_an_encrypted_file(tmp_path):
    k = keys()
    store = open_crypto_store(tmp_path, "@a:x", "DEV", k)
    account = OlmAccount()
    store.save_account(account)
    store.close()
    assert os.listdir(tmp_path) == [CRYPTO_DB_NAME]  # WAL and shm are gone after close
    assert not (tmp_path / CRYPTO_DB_NAME).read_bytes().startswith(b"SQLite format 3")
    again = open_crypto_store(tmp_path, "@a:x", "DEV", k)
    assert again.load_account().identity_keys == account.identity_keys
    assert again.pickle_key == k.pickle_key
    again.close()


def test_file_name_does_not_carry_the_user_id(tmp_path):
    open_crypto_store(tmp_path, "@secret-user:x", "DEV", keys()).close()
    assert not any("secret-user" in name for name in os.listdir(tmp_path))


def test_another_key_cannot_read_it(tmp_path):
    open_crypto_store(tmp_path, "@a:x", "DEV", keys()).close()
    with pytest.raises(CryptoStoreCorrupt, match="key backup"):
        open_crypto_store(tmp_path, "@a:x", "DEV", keys())


def test_unbound_class_is_refused(tmp_path):
    from cercle.storage.crypto_store import CercleCryptoStore

    with pytest.raises(TypeError, match="crypto_store_class"):
        CercleCryptoStore("@a:x", "DEV", str(tmp_path), "DEFAULT_KEY")


def test_nio_client_builds_it_and_never_uses_the_default_pickle_key(tmp_path):
    k = keys()
    config = AsyncClientConfig(store=crypto_store_class(k), store_sync_tokens=False)
    assert config.pickle_key == "DEFAULT_KEY"  # what nio would pass: the store replaces it
    crypto_dir = tmp_path / "crypto"  # created by the store, 0700
    client = AsyncClient("https://hs", store_path=str(crypto_dir), config=config)
    client.restore_login("@a:x", "DEV", "token")  # loads the store the way nio always does
    try:
        assert client.store.pickle_key == k.pickle_key
        assert client.olm is not None
        identity = client.olm.account.identity_keys
    finally:
        client.store.close()
    assert stat.S_IMODE(crypto_dir.stat().st_mode) == 0o700
    reopened = open_crypto_store(crypto_dir, "@a:x", "DEV", k)
    account = reopened.load_account()
    assert account.identity_keys == identity
    reopened.close()
    with pytest.raises(Exception):  # noqa: B017,PT011 - nio raises its own error for a bad key
        OlmAccount.from_pickle(account.pickle("DEFAULT_KEY"), k.pickle_key, account.shared)
