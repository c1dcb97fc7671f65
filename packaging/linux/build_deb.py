"""Builds cercle_<version>_amd64.deb from the one-dir bundle with dpkg-deb, reproducibly."""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from reproducible import normalize_tree, source_date_epoch

HERE = Path(__file__).resolve().parent
APP_ID = "org.cercle.Cercle"
PREFIX = "usr/lib/cercle"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
MAINTAINER = "Cercle IT packaging <packaging@cercle.invalid>"


def read_depends(path: Path = HERE / "depends.txt") -> list[str]:
    """The system libraries the bundle links to but does not carry (one package a line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def installed_size_kib(root: Path) -> int:
    """Installed-Size as dpkg computes it: 1 KiB per entry at least, sizes rounded up."""
    total = 0
    for path in sorted(root.rglob("*")):
        if path.is_relative_to(root / "DEBIAN"):
            continue
        size = path.lstat().st_size if path.is_file() or path.is_symlink() else 0
        total += max(1, -(-size // 1024))
    return total


def control_text(version: str, installed_kib: int, depends: list[str]) -> str:
    return (
        f"Package: cercle\n"
        f"Version: {version}\n"
        f"Architecture: amd64\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        f"Section: net\n"
        f"Priority: optional\n"
        f"Homepage: https://cercle.invalid/\n"
        f"Description: encrypted enterprise social network on Matrix\n"
        f" Cercle is a desktop Matrix client for a company and its partners: rooms,\n"
        f" communities and end-to-end encrypted messages, with an encrypted local cache.\n"
        f" .\n"
        f" IT can set and lock the server and other settings in /etc/cercle/policy.json\n"
        f" (see /usr/share/doc/cercle/examples/).\n"
    )


def md5sums(root: Path) -> str:
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("DEBIAN/"):
            continue
        lines.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {rel}\n")
    return "".join(lines)


def stage(root: Path, bundle: Path, icons: Path, svg: Path, version: str) -> None:
    """Lay out the package's files under `root`."""
    shutil.copytree(bundle, root / PREFIX, symlinks=True)
    bin_dir = root / "usr/bin"
    bin_dir.mkdir(parents=True)
    for name in ("cercle", "cercle-cli"):
        (bin_dir / name).symlink_to(f"../lib/cercle/{name}")
    apps = root / "usr/share/applications"
    apps.mkdir(parents=True)
    shutil.copyfile(HERE / f"{APP_ID}.desktop", apps / f"{APP_ID}.desktop")
    hicolor = root / "usr/share/icons/hicolor"
    (hicolor / "scalable/apps").mkdir(parents=True)
    shutil.copyfile(svg, hicolor / f"scalable/apps/{APP_ID}.svg")
    for size in PNG_SIZES:
        target = hicolor / f"{size}x{size}/apps/{APP_ID}.png"
        target.parent.mkdir(parents=True)
        shutil.copyfile(icons / f"cercle-{size}.png", target)
    doc = root / "usr/share/doc/cercle"
    (doc / "examples").mkdir(parents=True)
    shutil.copyfile(HERE / "copyright", doc / "copyright")
    for name in ("example-policy.json", "policy.schema.json"):
        shutil.copyfile(HERE.parent / "policy" / name, doc / "examples" / name)
    (root / "DEBIAN").mkdir()


def build(bundle: Path, icons: Path, svg: Path, version: str, out: Path) -> Path:
    epoch = source_date_epoch()
    with tempfile.TemporaryDirectory(prefix="cercle-deb-") as tmp:
        root = Path(tmp) / "root"
        stage(root, bundle, icons, svg, version)
        control = control_text(version, installed_size_kib(root), read_depends())
        (root / "DEBIAN/control").write_text(control, encoding="utf-8")
        (root / "DEBIAN/md5sums").write_text(md5sums(root), encoding="utf-8")
        normalize_tree(root, epoch)
        out.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
        # --root-owner-group: root:root for every file whoever builds. dpkg-deb sorts the file
        # list and clamps mtimes to SOURCE_DATE_EPOCH; one xz thread count keeps the bytes the
        # same on machines with different core counts.
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zxz", "-z6", "--threads-max=2", "--build",
             str(root), str(out)],
            check=True, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", type=Path, required=True)
    parser.add_argument("--icons", type=Path, required=True)
    parser.add_argument("--svg", type=Path, required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    deb = build(args.bundle, args.icons, args.svg, args.version, args.out)
    print(f"build_deb: {deb} ({deb.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
