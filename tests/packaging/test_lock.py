"""The bundle's requirements lock: every package hash-pinned at the version constraints.txt pins."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "packaging" / "requirements.lock"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            found[canonical(match.group(1))] = match.group(2)
    return found


def test_every_locked_package_has_hashes():
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text(encoding="utf-8"))
    packages = [b for b in blocks if "==" in b.splitlines()[0]]
    assert len(packages) >= 40
    for block in packages:
        assert "--hash=sha256:" in block, block.splitlines()[0]


def test_lock_agrees_with_constraints():
    locked = pins(LOCK.read_text(encoding="utf-8"))
    constrained = pins((ROOT / "constraints.txt").read_text(encoding="utf-8"))
    for name, version in locked.items():
        if name in constrained:
            assert constrained[name] == version, (
                f"{name}: lock {version}, constraints {constrained[name]}"
            )


def test_lock_covers_the_runtime_dependencies_and_pyinstaller():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["package"]]
    locked = pins(LOCK.read_text(encoding="utf-8"))
    for requirement in wanted:
        name = canonical(re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0])
        assert name in locked, f"{name} is a dependency but not in requirements.lock (run lock.sh)"
    assert "matrix-synapse" not in locked, "dev tools must stay out of the bundle"
    # Platform-only dependencies are locked too, for the Windows and macOS workflows.
    assert "pywin32-ctypes" in locked
    assert "macholib" in locked
