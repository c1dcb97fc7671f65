"""Community-wide role and moderation changes: "only managers/moderators can" is said only when
every room refused; a server that could not be reached is said as such."""

from __future__ import annotations

import asyncio

import pytest

from cercle.protocol.community import moderation, roles, schema
from cercle.protocol.community.state import community_from_state
from cercle.protocol.errors import MatrixError, ServerUnreachable

FORBIDDEN = MatrixError("not allowed", errcode="M_FORBIDDEN", status=403)
COMMUNITY = community_from_state(
    "!space:velotech.example",
    [{"type": schema.COMMUNITY, "state_key": "", "content": {"kind": "internal"}}],
)


def fail_with(error: MatrixError):
    async def request(*_args, **_kwargs):
        raise error

    return request


@pytest.mark.parametrize(
    ("error", "expected"),
    [(FORBIDDEN, roles.RoleRefused), (ServerUnreachable("down"), ServerUnreachable)],
)
def test_a_role_nowhere_applied_says_why(monkeypatch, error, expected):
    monkeypatch.setattr(roles, "room_power_levels", fail_with(error))
    with pytest.raises(expected):
        asyncio.run(roles.apply_role(object(), ["!a:x", "!b:x"], "@zoe:x", roles.Role.MODERATOR))


@pytest.mark.parametrize(
    ("error", "expected"),
    [(FORBIDDEN, moderation.ModerationRefused), (ServerUnreachable("down"), ServerUnreachable)],
)
def test_a_ban_nowhere_done_says_why(monkeypatch, error, expected):
    monkeypatch.setattr(moderation, "request_json", fail_with(error))
    with pytest.raises(expected):
        asyncio.run(moderation._everywhere(object(), COMMUNITY, "ban", "@spam:y", None))
