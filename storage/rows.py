"""Small helpers the repositories share: JSON in and out of columns, and the clock."""

from __future__ import annotations

import json
import time
from typing import Any


def dumps(value: Any) -> str:
    """Compact JSON for a column."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | None) -> Any:
    """A JSON column back to Python (None stays None)."""
    return None if text is None else json.loads(text)


def now_ms() -> int:
    """Wall-clock milliseconds, the unit Matrix timestamps use."""
    return time.time_ns() // 1_000_000
