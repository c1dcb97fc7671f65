"""pyproject lists every Cercle package, so a wheel or the bundle carries all of the code."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_folder_with_an_init_is_a_listed_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    mapping = config["setuptools"]["package-dir"]  # import name -> folder
    folders = {folder: name for name, folder in mapping.items()}
    on_disk = set()
    for top, name in folders.items():
        for init in (ROOT / top).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / top)
            on_disk.add(".".join([name, *relative.parts]))
    assert on_disk == set(config["setuptools"]["packages"])


def test_a_built_wheel_holds_the_subpackages_and_data(tmp_path):
    import subprocess
    import sys
    import zipfile

    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("cercle-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "cercle/protocol/cli/commands.py",
        "cercle/protocol/trust/backup.py",
        "cercle/desktop/views/home.py",
        "cercle/storage/migrations/0001_initial.sql",
        "cercle/storage/py.typed",
    ):
        assert expected in names
