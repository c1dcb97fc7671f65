"""The media cache: encrypted files, per-file keys, tamper detection, eviction."""

from __future__ import annotations

from cercle.storage.media import MAGIC, thumbnail_variant


def test_round_trip_original_and_thumbnail(store):
    store.media.put("mxc://x/a", b"original bytes", mime_type="image/png")
    thumb = thumbnail_variant(96, 96, "crop")
    store.media.put("mxc://x/a", b"small", variant=thumb)
    assert store.media.get("mxc://x/a") == b"original bytes"
    assert store.media.get("mxc://x/a", thumb) == b"small"
    assert store.media.info("mxc://x/a").mime_type == "image/png"
    assert store.media.total_size() == len(b"original bytes") + len(b"small")
    files = list(store.media.directory.iterdir())
    assert len(files) == 2
    for path in files:
        data = path.read_bytes()
        assert data.startswith(MAGIC)
        assert b"original" not in data
        assert b"small" not in data


def test_replacing_removes_the_old_file(store):
    store.media.put("mxc://x/a", b"one")
    store.media.put("mxc://x/a", b"two")
    assert store.media.get("mxc://x/a") == b"two"
    assert len(list(store.media.directory.iterdir())) == 1


def test_tampered_or_swapped_file_is_dropped(store):
    store.media.put("mxc://x/a", b"aaaa")
    store.media.put("mxc://x/b", b"bbbb")
    with store.db.read() as conn:
        files = dict(conn.execute("SELECT mxc, file_name FROM media").fetchall())
    path_a = store.media.directory / files["mxc://x/a"]
    path_b = store.media.directory / files["mxc://x/b"]
    path_a.write_bytes(path_b.read_bytes())  # b's ciphertext under a's name
    assert store.media.get("mxc://x/a") is None
    assert store.media.info("mxc://x/a") is None
    data = bytearray(path_b.read_bytes())
    data[-1] ^= 1
    path_b.write_bytes(bytes(data))
    assert store.media.get("mxc://x/b") is None


def test_missing_file_is_a_miss(store):
    store.media.put("mxc://x/a", b"aaaa")
    for path in store.media.directory.iterdir():
        path.unlink()
    assert store.media.get("mxc://x/a") is None


def test_delete_all_variants(store):
    store.media.put("mxc://x/a", b"1")
    store.media.put("mxc://x/a", b"2", variant="thumb:1x1:scale")
    assert store.media.delete("mxc://x/a") == 2
    assert list(store.media.directory.iterdir()) == []


def test_evict_least_recently_used(store):
    for name in "abc":
        store.media.put(f"mxc://x/{name}", b"z" * 100)
    with store.db.write() as conn:  # make the access order explicit: b, then c, then a
        for ts, name in ((1, "b"), (2, "c"), (3, "a")):
            conn.execute(
                "UPDATE media SET last_access_ts = ? WHERE mxc = ?", (ts, f"mxc://x/{name}")
            )
    assert store.media.evict(150) == 200
    assert store.media.info("mxc://x/a") is not None
    assert store.media.info("mxc://x/b") is None
    assert store.media.info("mxc://x/c") is None
    assert len(list(store.media.directory.iterdir())) == 1


def test_orphans_are_collected(store):
    store.media.put("mxc://x/a", b"1")
    (store.media.directory / "leftover").write_bytes(b"ciphertext of a crash")
    assert store.media.collect_orphans() == 1
    assert store.media.get("mxc://x/a") == b"1"


def test_a_full_disk_while_writing_media_is_typed(store, monkeypatch):
    import errno

    import pytest

    from cercle.storage import files
    from cercle.storage.errors import DiskFull

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", no_space)
    with pytest.raises(DiskFull):
        store.media.put("mxc://x/a", b"data")
    monkeypatch.undo()
    assert store.media.info("mxc://x/a") is None
    assert list(store.media.directory.iterdir()) == []
