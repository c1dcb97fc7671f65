"""The room list kept across a clean restart: encoded when an account closes, decoded at start."""

from __future__ import annotations

import hashlib
import io
import logging
import pickle
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from enum import Enum

from cercle.protocol import changes
from cercle.protocol.changes import RoomSummary

log = logging.getLogger(__name__)

PROTOCOL = 5


def _encoding() -> str:
    """Names the shape of every class a row can hold, so that rows another version of Cercle
    saved (a field added or renamed) are never read as if they were this one's."""
    shapes = []
    for name, value in sorted(vars(changes).items()):
        if isinstance(value, type) and value.__module__ == changes.__name__:
            if is_dataclass(value):
                shapes.append((name, [f.name for f in fields(value)]))
            elif issubclass(value, Enum):
                shapes.append((name, [member.value for member in value]))
    return f"pickle{PROTOCOL}-{hashlib.sha256(repr(shapes).encode()).hexdigest()[:16]}"


ENCODING = _encoding()


class _RowsUnpickler(pickle.Unpickler):
    """Builds only the row classes of cercle.protocol.changes (and pickle's own containers):
    data naming anything else, a function to call for instance, is refused. The rows come
    from the encrypted store, which only this profile's key writes; this keeps it that way."""

    def find_class(self, module: str, name: str) -> type:
        if module == changes.__name__:
            value = getattr(changes, name, None)
            if isinstance(value, type) and (is_dataclass(value) or issubclass(value, Enum)):
                return value
        raise pickle.UnpicklingError(f"{module}.{name} is not a room list class")


def encode(rows: Iterable[RoomSummary]) -> bytes:
    return pickle.dumps(tuple(rows), protocol=PROTOCOL)


def decode(data: bytes) -> tuple[RoomSummary, ...] | None:
    """The saved rows, or None (logged) if they cannot be read: the caller rebuilds them."""
    try:
        rows = _RowsUnpickler(io.BytesIO(data)).load()
    except Exception as error:  # damaged or foreign: never fatal, the store has the truth
        log.warning("the saved room list cannot be read (%s): rebuilt", type(error).__name__)
        return None
    if not isinstance(rows, tuple) or not all(type(row) is RoomSummary for row in rows):
        log.warning("the saved room list holds something else: rebuilt")
        return None
    return rows
