"""Verifies a Cercle release: SHA256SUMS.sig with IT's public key, then every listed file."""

from __future__ import annotations

import argparse
import base64
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

SUMS = "SHA256SUMS"


def fingerprint(public_pem: bytes) -> str:
    """SHA-256 of the public key's DER form, as IT publishes it next to the key."""
    der = base64.b64decode(b"".join(x for x in public_pem.splitlines() if not x.startswith(b"-")))
    return "SHA256:" + base64.b64encode(hashlib.sha256(der).digest()).decode().rstrip("=")


def signature_ok(public_pem: bytes, data_path: Path, sig_path: Path) -> bool:
    """Ed25519 check with `cryptography` when installed, else with the openssl command."""
    try:
        signature = sig_path.read_bytes()
    except OSError:
        return False
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        from cryptography.hazmat.primitives.serialization import load_pem_public_key
    except ImportError:
        return _openssl_ok(public_pem, data_path, sig_path)
    key = load_pem_public_key(public_pem)
    if not isinstance(key, Ed25519PublicKey):
        raise SystemExit("verify: the public key is not an Ed25519 key")
    try:
        key.verify(signature, data_path.read_bytes())
    except InvalidSignature:
        return False
    return True


def _openssl_ok(public_pem: bytes, data_path: Path, sig_path: Path) -> bool:
    if not shutil.which("openssl"):
        raise SystemExit("verify: needs the Python package cryptography or the openssl command")
    key_file = sig_path.parent / ".verify-key.pem"
    key_file.write_bytes(public_pem)
    try:
        result = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(key_file), "-rawin",
             "-in", str(data_path), "-sigfile", str(sig_path)],
            capture_output=True, check=False,
        )  # fmt: skip
    finally:
        key_file.unlink()
    return result.returncode == 0


def verify_release(folder: Path, public_pem: bytes) -> list[str]:
    """Every problem found; an empty list means the release is intact and signed by the key."""
    sums = folder / SUMS
    if not sums.is_file():
        return [f"{SUMS} is missing"]
    if not signature_ok(public_pem, sums, folder / (SUMS + ".sig")):
        return [f"{SUMS}: BAD or missing signature: do not install anything from this folder"]
    problems = []
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        path = folder / name
        if not name or "/" in name or name.startswith("."):
            problems.append(f"{SUMS}: malformed line {line!r}")
        elif not path.is_file():
            problems.append(f"{name}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{name}: checksum MISMATCH")
        elif not signature_ok(public_pem, path, folder / (name + ".sig")):
            problems.append(f"{name}: BAD or missing signature")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--key", type=Path, required=True, help="IT's public key (PEM)")
    parser.add_argument("folder", type=Path, nargs="?", default=Path("."))
    args = parser.parse_args(argv)
    public_pem = args.key.read_bytes()
    print(f"verify: key {fingerprint(public_pem)}")
    problems = verify_release(args.folder, public_pem)
    for problem in problems:
        print(f"verify: {problem}", file=sys.stderr)
    if problems:
        print("verify: FAILED", file=sys.stderr)
        return 1
    names = [x.partition("  ")[2] for x in (args.folder / SUMS).read_text().splitlines()]
    print(f"verify: OK: {SUMS} and {', '.join(names)} are signed by this key")
    return 0


if __name__ == "__main__":
    sys.exit(main())
