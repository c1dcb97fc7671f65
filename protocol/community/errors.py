"""The community layer's errors: each says what the user can do about it."""

from __future__ import annotations

from cercle.protocol.errors import MatrixError


class CommunityError(MatrixError):
    """A community operation failed for a reason the user can act on (the message says how)."""


class NotACommunity(CommunityError):
    """The room is not a space holding Cercle's `org.cercle.community` state."""
