"""Release signing: Ed25519 detached signatures and a signed SHA256SUMS; one changed byte fails."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import sign  # noqa: E402
import verify  # noqa: E402


@pytest.fixture
def keys(tmp_path):
    """A throw-away key pair, as IT would make with `sign.py --generate-key`."""
    private, public = tmp_path / "keys" / "release.pem", tmp_path / "keys" / "release.pub"
    private.parent.mkdir()
    sign.generate_key(private, public)
    assert private.stat().st_mode & 0o077 == 0, "the private key must not be readable by others"
    return private, public


@pytest.fixture
def release(tmp_path, keys, monkeypatch):
    """A signed release folder with two artifacts."""
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "cercle_0.1.0_amd64.deb").write_bytes(b"!<arch>\n" + bytes(range(256)) * 64)
    (folder / "Cercle-0.1.0-x86_64.AppImage").write_bytes(b"\x7fELF" + b"\0" * 4096)
    names = sorted(p.name for p in folder.iterdir())
    (folder / "SHA256SUMS").write_text(
        "".join(f"{hashlib.sha256((folder / n).read_bytes()).hexdigest()}  {n}\n" for n in names)
    )
    monkeypatch.setenv(sign.KEY_FILE_ENV, str(keys[0]))
    assert sign.main([str(folder / n) for n in [*names, "SHA256SUMS"]]) == 0
    return folder


def test_intact_release_verifies(release, keys, capsys):
    assert verify.verify_release(release, keys[1].read_bytes()) == []
    assert verify.main(["--key", str(keys[1]), str(release)]) == 0
    assert "OK" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["cercle_0.1.0_amd64.deb", "SHA256SUMS", "SHA256SUMS.sig"])
def test_one_changed_byte_fails(release, keys, name):
    path = release / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert verify.verify_release(release, keys[1].read_bytes())
    assert verify.main(["--key", str(keys[1]), str(release)]) == 1


def test_artifact_and_sums_replaced_together_still_fail(release, keys):
    """An attacker who rewrites SHA256SUMS to match a changed artifact still lacks the key."""
    deb = release / "cercle_0.1.0_amd64.deb"
    deb.write_bytes(deb.read_bytes() + b"x")
    sums = release / "SHA256SUMS"
    lines = sums.read_text().splitlines()
    lines = [
        f"{hashlib.sha256(deb.read_bytes()).hexdigest()}  {deb.name}" if deb.name in ln else ln
        for ln in lines
    ]
    sums.write_text("\n".join(lines) + "\n")
    problems = verify.verify_release(release, keys[1].read_bytes())
    assert problems == [
        "SHA256SUMS: BAD or missing signature: do not install anything from this folder"
    ]


def test_missing_signature_and_wrong_key_fail(release, keys, tmp_path):
    (release / "Cercle-0.1.0-x86_64.AppImage.sig").unlink()
    assert verify.verify_release(release, keys[1].read_bytes()) == [
        "Cercle-0.1.0-x86_64.AppImage: BAD or missing signature"
    ]
    other_private, other_public = tmp_path / "o.pem", tmp_path / "o.pub"
    sign.generate_key(other_private, other_public)
    assert verify.verify_release(release, other_public.read_bytes())


def test_signatures_are_deterministic(release, keys):
    """Ed25519 signs the same bytes the same way: a rebuilt release has identical .sig files."""
    first = (release / "SHA256SUMS.sig").read_bytes()
    key = sign.load_key({sign.KEY_FILE_ENV: str(keys[0])})
    assert sign.sign_file(key, release / "SHA256SUMS").read_bytes() == first
    assert len(first) == 64


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl command not installed")
def test_openssl_alone_verifies_the_documented_way(release, keys):
    """IT without Python: `openssl pkeyutl -verify -rawin` accepts the signature."""
    command = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(keys[1]), "-rawin"]
    ok = subprocess.run(
        [*command, "-in", "SHA256SUMS", "-sigfile", "SHA256SUMS.sig"],
        cwd=release, capture_output=True, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert verify._openssl_ok(
        keys[1].read_bytes(), release / "SHA256SUMS", release / "SHA256SUMS.sig"
    )
    deb = release / "cercle_0.1.0_amd64.deb"
    assert not verify._openssl_ok(keys[1].read_bytes(), release / "SHA256SUMS", deb)


def test_key_comes_from_it_never_from_the_repo(keys, tmp_path):
    with pytest.raises(sign.SigningKeyError, match="CERCLE_SIGNING_KEY"):
        sign.load_key({})
    inside = ROOT / "packaging" / "release.pem"
    with pytest.raises(sign.SigningKeyError, match="inside the repository"):
        sign.load_key({sign.KEY_FILE_ENV: str(inside)})
    assert sign.load_key({sign.KEY_ENV: keys[0].read_text()})
    ec = generate_private_key(SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(sign.SigningKeyError, match="expected Ed25519"):
        sign.load_key({sign.KEY_ENV: ec.decode()})
    with pytest.raises(sign.SigningKeyError, match="not a usable PEM"):
        sign.load_key({sign.KEY_ENV: "nonsense"})


def test_no_private_key_is_committed():
    tracked = subprocess.run(
        ["git", "grep", "-l", "PRIVATE KEY-----", "--", "."],
        cwd=ROOT, capture_output=True, text=True, check=False,
    ).stdout.split()  # fmt: skip
    assert [t for t in tracked if not t.startswith("tests/")] == []
