"""Lays a source tree out as the importable `cercle` package the bundle is built from."""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path


def lay_out(src: Path, dest: Path) -> str:
    """Copy each package-dir folder of pyproject.toml to dest/<import path>; return the version.

    Subpackages and data files come along whole (the spec collects what is imported and every
    data file), and a minimal dist-info lets importlib.metadata find the version.
    """
    pyproject = tomllib.loads((src / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    package_dir = pyproject["tool"]["setuptools"]["package-dir"]
    if dest.exists():
        shutil.rmtree(dest)
    for name, folder in sorted(package_dir.items()):
        shutil.copytree(
            src / folder,
            dest.joinpath(*name.split(".")),
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    info = dest / f"{project['name']}-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
        f"Summary: {project.get('description', '')}\n",
        encoding="utf-8",
    )
    (info / "INSTALLER").write_text("cercle packaging/build.sh\n", encoding="utf-8")
    return str(project["version"])


if __name__ == "__main__":
    print(lay_out(Path(sys.argv[1]), Path(sys.argv[2])))
