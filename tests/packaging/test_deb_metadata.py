"""The .deb's metadata, desktop entry, icons and the helpers that make builds repeatable."""

from __future__ import annotations

import configparser
import os
import stat
import struct
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
sys.path.insert(0, str(ROOT / "packaging" / "linux"))

import build_deb  # noqa: E402
import icons  # noqa: E402
import pysrc  # noqa: E402
import reproducible  # noqa: E402

DESKTOP = ROOT / "packaging/linux/org.cercle.Cercle.desktop"


def test_control_has_the_fields_dpkg_and_it_need():
    depends = build_deb.read_depends()
    text = build_deb.control_text("0.1.0", 1234, depends)
    fields = dict(line.split(": ", 1) for line in text.splitlines() if not line.startswith(" "))
    assert fields["Package"] == "cercle"
    assert fields["Version"] == "0.1.0"
    assert fields["Architecture"] == "amd64"
    assert fields["Installed-Size"] == "1234"
    for needed in ("libc6 (>= 2.36)", "libgl1", "libegl1", "libxcb1", "fontconfig-config"):
        assert needed in fields["Depends"]
    assert "python3" not in fields["Depends"], "the bundle carries its own Python"
    assert text.endswith("\n")


def test_desktop_entry_opens_matrix_links():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(DESKTOP, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert "x-scheme-handler/matrix" in section["MimeType"].split(";")
    assert section["Exec"] == "cercle %u"
    assert section["Icon"] == "org.cercle.Cercle"
    assert section["Type"] == "Application"
    assert section["Categories"].endswith(";")


def test_normalize_tree_fixes_modes_and_times(tmp_path):
    (tmp_path / "sub" / "__pycache__").mkdir(parents=True)
    (tmp_path / "sub" / "__pycache__" / "x.pyc").write_bytes(b"stale")
    data = tmp_path / "sub" / "data.txt"
    data.write_text("x")
    data.chmod(0o600)
    tool = tmp_path / "tool"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o700)
    lib = tmp_path / "libfoo.so.1"
    lib.write_bytes(b"\x7fELF" + b"\0" * 60)
    lib.chmod(0o600)
    (tmp_path / "link").symlink_to("tool")
    reproducible.normalize_tree(tmp_path, 1_700_000_000)
    assert not (tmp_path / "sub" / "__pycache__").exists()
    assert stat.S_IMODE(data.stat().st_mode) == 0o644
    assert stat.S_IMODE(tool.stat().st_mode) == 0o755
    assert stat.S_IMODE(lib.stat().st_mode) == 0o755
    for path in [tmp_path, data, tool, lib, tmp_path / "sub"]:
        assert path.stat().st_mtime == 1_700_000_000
    assert os.lstat(tmp_path / "link").st_mtime == 1_700_000_000


def test_installed_size_rounds_up_per_file(tmp_path):
    (tmp_path / "DEBIAN").mkdir()
    (tmp_path / "DEBIAN" / "control").write_text("ignored" * 1000)
    (tmp_path / "a").write_bytes(b"x")
    (tmp_path / "b").write_bytes(b"x" * 1025)
    assert build_deb.installed_size_kib(tmp_path) == 1 + 2


def test_icon_containers():
    pngs = {size: b"\x89PNG" + bytes([size % 256]) * size for size in icons.SIZES}
    ico = icons.ico(pngs)
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind, count) == (0, 1, len(icons.ICO_SIZES))
    width, _, _, _, _, _, size, offset = struct.unpack_from("<BBBBHHII", ico, 6 + 16 * 6)
    assert width == 0  # 256 px is written as 0
    assert ico[offset : offset + size] == pngs[256]
    icns = icons.icns(pngs)
    assert icns[:4] == b"icns"
    assert struct.unpack_from(">I", icns, 4)[0] == len(icns)


def test_pysrc_lays_out_every_layer_with_its_version(tmp_path):
    version = pysrc.lay_out(ROOT, tmp_path / "pysrc")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert version == project["version"]
    for layer in ("desktop", "protocol", "storage", "resources"):
        assert (tmp_path / "pysrc" / "cercle" / layer / "__init__.py").is_file()
    assert (tmp_path / "pysrc" / "cercle" / "protocol" / "policy.py").is_file()
    assert (tmp_path / "pysrc" / "cercle" / "resources" / "icons" / "cercle.svg").is_file()
    meta = tmp_path / "pysrc" / f"cercle-{version}.dist-info" / "METADATA"
    assert f"Version: {version}" in meta.read_text(encoding="utf-8")
    assert not list((tmp_path / "pysrc").rglob("__pycache__"))


def test_spec_takes_the_entry_points_from_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    spec = (ROOT / "packaging/cercle.spec").read_text(encoding="utf-8")
    assert 'project.get("scripts"' in spec
    assert 'project.get("gui-scripts"' in spec
    assert set(project["scripts"]) | set(project["gui-scripts"]) == {"cercle", "cercle-cli"}
