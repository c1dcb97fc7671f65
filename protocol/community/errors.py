"""The community layer's errors: each says what the user can do about it."""

from __future__ import annotations

from collections.abc import Iterable

from cercle.protocol.errors import MatrixError


def is_refusal(error: MatrixError) -> bool:
    """The server said no to us (rights, membership), not that it could not answer."""
    return error.errcode == "M_FORBIDDEN" or error.status == 403


def raise_unless_refused(outcomes: Iterable[MatrixError | None]) -> None:
    """After an operation failed in every room: raises the first failure that was not a
    refusal (an unreachable server…), so that it is explained as what it is."""
    for error in outcomes:
        if error is not None and not is_refusal(error):
            raise error


class CommunityError(MatrixError):
    """A community operation failed for a reason the user can act on (the message says how)."""


class NotACommunity(CommunityError):
    """The room is not a space holding Cercle's `org.cercle.community` state."""
