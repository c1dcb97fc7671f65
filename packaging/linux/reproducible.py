"""Makes a file tree byte-for-byte repeatable: one mtime, normalised modes, no stray files."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

# Left behind by builds and never wanted in a package.
STRAY = ("__pycache__", ".DS_Store")


def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH (the commit time, set by build.sh); required, never "now"."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value or not value.isdigit():
        raise SystemExit("SOURCE_DATE_EPOCH must be set to the commit time (build.sh sets it)")
    return int(value)


def normal_mode(path: Path) -> int:
    """0755 for folders and executables (any x bit, or an ELF shared object), else 0644."""
    st = path.lstat()
    if stat.S_ISDIR(st.st_mode) or st.st_mode & 0o111:
        return 0o755
    with path.open("rb") as handle:
        if handle.read(4) == b"\x7fELF" and ".so" in path.name:
            return 0o755
    return 0o644


def normalize_tree(root: Path, epoch: int) -> int:
    """Normalise every entry under `root` (and root itself); returns how many entries."""
    count = 0
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        base = Path(dirpath)
        for name in filenames + dirnames:
            path = base / name
            if name in STRAY and path.is_dir() and not path.is_symlink():
                _remove_tree(path)
                continue
            if not path.is_symlink():
                path.chmod(normal_mode(path))
            os.utime(path, (epoch, epoch), follow_symlinks=False)
            count += 1
    root.chmod(0o755)
    os.utime(root, (epoch, epoch))
    return count + 1


def _remove_tree(path: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(path, topdown=False):
        for name in filenames:
            (Path(dirpath) / name).unlink()
        for name in dirnames:
            (Path(dirpath) / name).rmdir()
    path.rmdir()


if __name__ == "__main__":
    print(f"normalised {normalize_tree(Path(sys.argv[1]), source_date_epoch())} entries")
