"""Start-up: the window's modules do not load nio, aiohttp or markdown-it before the first paint
(they cost ~0.8 s of CPU; the protocol thread loads them once the cached room list is shown)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HEAVY = ("nio", "aiohttp", "jsonschema", "markdown_it")


@pytest.mark.parametrize(
    "module",
    [
        "cercle.desktop.accounts",  # the whole window, every account's page
        "cercle.desktop.views.main_window",
        "cercle.desktop.views.composer",
        "cercle.desktop.session",
        "cercle.desktop.attention",
        "cercle.desktop.dialogs.security",
        "cercle.desktop.notifications",
        "cercle.desktop.views.timeline_actions",
        "cercle.desktop.views.thread_panel",
        "cercle.protocol.media",
        "cercle.protocol.roomlist",
    ],
)
def test_a_module_the_window_imports_leaves_heavy_libraries_unloaded(module):
    code = f"import sys, {module}; print(sorted(n for n in {HEAVY!r} if n in sys.modules))"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]", f"{module} loads {done.stdout.strip()}"


def test_the_window_imports_no_protocol_or_storage_module_after_pyside6():
    """app.preload() loads them first: past PySide6's import hook each import costs more."""
    code = (
        "import sys\n"
        "from cercle.desktop import app\n"
        "app.preload()\n"
        "before = set(sys.modules)\n"
        "import qasync\n"
        "from cercle.desktop.views.account_pane import AccountsWindow\n"
        "from cercle.desktop.views.main_window import MainWindow\n"
        "from cercle.desktop import accounts, i18n, preferences, settings, theme\n"
        "late = sorted(m for m in set(sys.modules) - before\n"
        "              if m.startswith(('cercle.protocol', 'cercle.storage')))\n"
        "print(late)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]", f"add to app.PRELOADED: {done.stdout.strip()}"
