"""The layering rule: desktop → protocol → storage, never back; no Qt below desktop/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QT_MODULES = {"PySide6", "shiboken6", "qasync", "PyQt5", "PyQt6", "pytestqt"}

# layer folder -> top-level or cercle.* modules it must never import
FORBIDDEN = {
    "protocol": QT_MODULES | {"cercle.desktop"},
    "storage": QT_MODULES | {"cercle.desktop", "cercle.protocol", "nio"},
}
# The one named place where storage may touch nio: the crypto-store adapter.
NIO_ADAPTER = ROOT / "storage" / "crypto_store.py"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, including inside functions and `if TYPE_CHECKING` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", None) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value))
    return found


def violations(layer: str) -> list[str]:
    bad = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for module in imported_modules(path):
            for banned in FORBIDDEN[layer]:
                if banned == "nio" and path == NIO_ADAPTER:
                    continue
                if module == banned or module.startswith(banned + "."):
                    bad.append(f"{path.relative_to(ROOT)} imports {module}")
    return bad


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_stay_downward(layer):
    assert violations(layer) == []


def test_rule_catches_a_qt_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from PySide6 import QtCore\n", encoding="utf-8")
    assert "PySide6" in imported_modules(probe)
