"""The real thing, slow: build twice, verify, install into an empty root, run with no Python.

Takes ~7 minutes on 2 cores (two full builds), so it runs only when asked:
    CERCLE_PACKAGING_TESTS=1 .venv/bin/pytest tests/packaging/test_bundle_install.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import sign  # noqa: E402
import verify  # noqa: E402

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("CERCLE_PACKAGING_TESTS") != "1",
        reason="slow (two full builds): set CERCLE_PACKAGING_TESTS=1",
    ),
    pytest.mark.timeout(1800),
]
# Nothing from this session, and a PATH with no Python at all: the bundle must not look for one.
CLEAN_ENV = {"PATH": "/nonexistent/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8"}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Two builds of HEAD in different folders, signed with a throw-away key."""
    base = tmp_path_factory.mktemp("release")
    keys = base / "keys"
    keys.mkdir()
    sign.generate_key(keys / "release.pem", keys / "release.pub")
    # One commit for both: others may commit while the first build runs.
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    outs = []
    for name in ("one", "two"):
        env = {
            **os.environ,
            "CERCLE_SIGNING_KEY_FILE": str(keys / "release.pem"),
            "CERCLE_BUILD_DIR": str(ROOT / "build" / f"packaging-test-{name}"),
        }
        started = time.monotonic()
        subprocess.run(
            ["bash", str(ROOT / "packaging/build.sh"), "--commit", commit,
             "--out", str(base / name)],
            env=env, check=True, cwd=ROOT,
        )  # fmt: skip
        print(f"build {name}: {time.monotonic() - started:.0f} s")
        outs.append(base / name)
    return outs, keys / "release.pub"


def the_deb(folder: Path) -> Path:
    (deb,) = folder.glob("cercle_*_amd64.deb")
    return deb


def test_two_builds_give_identical_debs(builds):
    (one, two), _ = builds
    assert the_deb(one).read_bytes() == the_deb(two).read_bytes()
    assert (one / "SHA256SUMS").read_bytes() == (two / "SHA256SUMS").read_bytes()


def test_release_verifies_and_one_byte_breaks_it(builds, tmp_path):
    (one, _), public = builds
    assert verify.verify_release(one, public.read_bytes()) == []
    copy = tmp_path / "copy"
    shutil.copytree(one, copy)
    deb = the_deb(copy)
    with deb.open("r+b") as handle:
        handle.seek(deb.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))
    assert verify.verify_release(copy, public.read_bytes())


@pytest.fixture(scope="module")
def installed(builds, tmp_path_factory):
    """The .deb unpacked into an empty root, as dpkg would lay it out."""
    (one, _), _ = builds
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(the_deb(one)), str(root)], check=True)
    return root


def run(root: Path, program: str, *args: str, env: dict | None = None, timeout: float = 60):
    binary = root / "usr/bin" / program
    target = root / "usr/lib/cercle" / os.readlink(binary).removeprefix("../lib/cercle/")
    return subprocess.run(
        [str(target), *args], env={**CLEAN_ENV, **(env or {})},
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def test_cli_version_with_no_python_on_the_path(installed):
    assert shutil.which("python3", path=CLEAN_ENV["PATH"]) is None
    result = run(installed, "cercle-cli", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("cercle-cli ")


def test_gui_version_and_start_offscreen(installed, tmp_path):
    result = run(installed, "cercle", "--version", env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("cercle ")
    home = tmp_path / "home"
    home.mkdir()
    env = {**CLEAN_ENV, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
           "XDG_RUNTIME_DIR": str(tmp_path)}  # fmt: skip
    process = subprocess.Popen(
        [str(installed / "usr/lib/cercle/cercle")], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(4)
    alive = process.poll() is None
    process.terminate()
    _, err = process.communicate(timeout=20)
    assert alive, f"the GUI exited early ({process.returncode}): {err[-2000:]}"
    assert "ModuleNotFoundError" not in err
    assert "Could not load the Qt platform plugin" not in err


def test_deb_layout_and_metadata(builds, installed):
    (one, _), _ = builds
    fields = subprocess.run(
        ["dpkg-deb", "-f", str(the_deb(one))], capture_output=True, text=True, check=True
    ).stdout
    assert "Package: cercle" in fields
    assert "libc6 (>= 2.36)" in fields
    desktop = installed / "usr/share/applications/org.cercle.Cercle.desktop"
    assert "x-scheme-handler/matrix" in desktop.read_text(encoding="utf-8")
    assert (installed / "usr/share/icons/hicolor/scalable/apps/org.cercle.Cercle.svg").is_file()
    assert (installed / "usr/share/icons/hicolor/256x256/apps/org.cercle.Cercle.png").is_file()
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(the_deb(one))], capture_output=True, text=True, check=True
    ).stdout
    assert all(" root/root " in line for line in listing.splitlines())
    assert "__pycache__" not in listing


def test_appimage_payload_runs(builds, tmp_path):
    """The squashfs the AppImage carries, extracted, runs through its AppRun (the runtime ELF
    that mounts it is the one piece this machine cannot get; see packaging/README.md)."""
    if not shutil.which("unsquashfs"):
        pytest.skip("squashfs-tools not installed")
    squash = ROOT / "build/packaging-test-one/stage/AppDir.squashfs"
    subprocess.run(
        ["unsquashfs", "-q", "-no-progress", "-d", str(tmp_path / "x"), str(squash)], check=True
    )
    result = subprocess.run(
        [str(tmp_path / "x/AppRun"), "cli", "--version"],
        env={**CLEAN_ENV, "PATH": "/usr/bin:/bin"},  # AppRun is sh: dirname, readlink
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("cercle-cli ")


def test_cli_doctor_runs_from_the_bundle(installed, tmp_path):
    helped = run(installed, "cercle-cli", "--help")
    if "doctor" not in helped.stdout + helped.stderr:
        pytest.skip("cercle-cli has no doctor command yet")
    result = run(installed, "cercle-cli", "doctor", env={"HOME": str(tmp_path)})
    assert "Traceback" not in result.stderr, result.stderr
    assert "ModuleNotFoundError" not in result.stderr


@pytest.mark.skipif(
    os.environ.get("CERCLE_PACKAGING_CHROOT") != "1" or os.geteuid() != 0,
    reason="apt install into a debootstrap root: set CERCLE_PACKAGING_CHROOT=1, run as root",
)
def test_apt_install_into_a_fresh_debian_root(builds):
    (one, _), _ = builds
    result = subprocess.run(
        ["bash", str(ROOT / "packaging/linux/chroot_test.sh"), str(the_deb(one))],
        capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: the GUI ran offscreen" in result.stdout
