"""Publishing and accepting the charter: a refusal is worded as one, other failures stay theirs."""

from __future__ import annotations

import asyncio

import pytest

from cercle.protocol.community import schema
from cercle.protocol.community.charter import CharterRefused, accept_charter, publish_charter
from cercle.protocol.community.state import community_from_state
from cercle.protocol.errors import MatrixError, ServerUnreachable

COMMUNITY = community_from_state(
    "!space:velotech.example",
    [
        {"type": schema.COMMUNITY, "state_key": "", "content": {"kind": "internal"}},
        {"type": schema.CHARTER, "state_key": "", "content": schema.charter_content(1, "x")},
    ],
)


class Client:
    user_id = "@lea:velotech.example"

    def __init__(self, error: MatrixError) -> None:
        self.error = error

    async def put_state(self, *_args) -> str:
        raise self.error


@pytest.mark.parametrize("operation", [accept_charter, publish_charter])
def test_a_forbidden_answer_is_a_charter_refusal(operation):
    client = Client(MatrixError("no", errcode="M_FORBIDDEN", status=403))
    args = (client, COMMUNITY) if operation is accept_charter else (client, COMMUNITY, "v2")
    with pytest.raises(CharterRefused):
        asyncio.run(operation(*args))


@pytest.mark.parametrize("operation", [accept_charter, publish_charter])
@pytest.mark.parametrize(
    "error",
    [ServerUnreachable("down"), MatrixError("busy", errcode="M_LIMIT_EXCEEDED", status=429)],
)
def test_other_failures_are_not_said_to_be_a_question_of_rights(operation, error):
    """An unreachable server is not "only community managers can": explained as what it is."""
    client = Client(error)
    args = (client, COMMUNITY) if operation is accept_charter else (client, COMMUNITY, "v2")
    with pytest.raises(MatrixError) as raised:
        asyncio.run(operation(*args))
    assert raised.value is error
