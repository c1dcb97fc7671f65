"""The homeserver's refusals as exceptions, importable without nio (the UI needs them first)."""

from __future__ import annotations

from typing import Any


class MatrixError(Exception):
    """The homeserver refused a request; `errcode` is the Matrix error code when it gave one."""

    def __init__(
        self,
        message: str,
        *,
        errcode: str | None = None,
        status: int | None = None,
        soft_logout: bool = False,
        body: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.errcode = errcode
        self.status = status
        self.soft_logout = soft_logout  # with M_UNKNOWN_TOKEN: keep cache and keys, sign in again
        # The reply's JSON, for callers that act on more than the code: a 401 asking for
        # user-interactive auth carries its session and flows there.
        self.body = body or {}


class ServerUnreachable(MatrixError):
    """No answer from the homeserver (down, wrong address, no network)."""


class ClientClosed(MatrixError):
    """The device's client was closed (signing out, quitting): no request leaves any more."""


class LoginFailed(MatrixError):
    """Wrong user name or password, or the account is deactivated."""
