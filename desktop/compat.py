"""Works around PySide6 6.12.0 on CPython 3.11: each void Qt call drops a reference to None."""

from __future__ import annotations

import ctypes
import sys

# Measured: painter.save(), setPen(), QColor.setAlphaF()… and a QVariant-less data() each return
# None without the reference they owe; one repaint of the timeline loses ~200, and the process
# aborts ("none_dealloc: deallocating None") once None's ~6,000 references are gone. Python 3.12
# made None immortal (PEP 683), where the bug is harmless; on 3.11 we make it immortal in effect.
HEADROOM = 1 << 48


def keep_none_alive() -> None:
    """Gives None enough references to outlive any leak (no-op from Python 3.12 on)."""
    if sys.version_info >= (3, 12):
        return
    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt, first field of PyObject
    if refcount.value < HEADROOM:
        refcount.value += HEADROOM
