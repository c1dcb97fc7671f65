"""Signs release files with IT's Ed25519 key: a detached raw signature `<file>.sig` for each."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from verify import fingerprint

REPO = Path(__file__).resolve().parent.parent
KEY_FILE_ENV = "CERCLE_SIGNING_KEY_FILE"
KEY_ENV = "CERCLE_SIGNING_KEY"
PASSPHRASE_ENV = "CERCLE_SIGNING_KEY_PASSPHRASE"


class SigningKeyError(SystemExit):
    """The signing key is missing, in the wrong place or not an Ed25519 private key."""


def load_key(environ: os._Environ[str] | dict[str, str] = os.environ) -> Ed25519PrivateKey:
    """IT's key from $CERCLE_SIGNING_KEY_FILE (a PEM path) or $CERCLE_SIGNING_KEY (PEM text)."""
    passphrase = environ.get(PASSPHRASE_ENV)
    if environ.get(KEY_FILE_ENV):
        path = Path(environ[KEY_FILE_ENV]).resolve()
        if path.is_relative_to(REPO):
            raise SigningKeyError(f"sign: refusing a key inside the repository ({path})")
        try:
            pem = path.read_bytes()
        except OSError as exc:
            raise SigningKeyError(f"sign: cannot read {KEY_FILE_ENV}: {exc}") from exc
    elif environ.get(KEY_ENV):
        pem = environ[KEY_ENV].encode()
    else:
        raise SigningKeyError(f"sign: set {KEY_FILE_ENV} or {KEY_ENV} to IT's release key")
    try:
        key = serialization.load_pem_private_key(
            pem, password=passphrase.encode() if passphrase else None
        )
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"sign: not a usable PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"sign: the key is {type(key).__name__}, expected Ed25519")
    return key


def sign_file(key: Ed25519PrivateKey, path: Path) -> Path:
    """Write `<path>.sig`: the 64-byte Ed25519 signature of the file (deterministic)."""
    sig = path.with_name(path.name + ".sig")
    sig.write_bytes(key.sign(path.read_bytes()))
    return sig


def generate_key(private: Path, public: Path) -> None:
    """A new release key pair for IT: private PEM (mode 0600) and public PEM."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument(
        "--generate-key", nargs=2, metavar=("PRIVATE", "PUBLIC"), type=Path,
        help="make a new key pair (for IT, kept outside the repository) and stop",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.generate_key:
        generate_key(*args.generate_key)
        print(f"sign: new key, fingerprint {fingerprint(args.generate_key[1].read_bytes())}")
        return 0
    key = load_key()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for path in args.files:
        print(f"sign: {sign_file(key, path).name}")
    print(f"sign: key fingerprint {fingerprint(public)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
