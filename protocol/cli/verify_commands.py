"""cercle-cli's `verify USER`: emoji verification (SAS) in the terminal, in your DM with USER."""

from __future__ import annotations

import argparse
import asyncio
import sys

from cercle.protocol import rooms
from cercle.protocol.account import Account
from cercle.protocol.cli.output import EXIT_OK, CliError, Output
from cercle.protocol.profiles import ProfileLocation
from cercle.protocol.trust.remote import TrustError
from cercle.protocol.trust.verification import Phase, Verification, VerificationCancelled

EXIT_NOT_VERIFIED = 4


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    verify = sub.add_parser(
        "verify", help="verify USER by comparing emoji (asks; the answer from stdin when piped)"
    )
    verify.add_argument("user", metavar="USER")
    verify.add_argument(
        "--wait", action="store_true", help="wait for USER's request instead of sending one"
    )


def _answer(prompt: str) -> bool:
    """y/N from the terminal, or the next line of stdin when it is not a terminal."""
    if sys.stdin.isatty():
        line = input(prompt)
    else:
        print(prompt, file=sys.stderr, flush=True)
        line = sys.stdin.readline()
    return line.strip().lower() in ("y", "yes", "o", "oui")


async def cmd_verify(args: argparse.Namespace, out: Output, location: ProfileLocation) -> int:
    from cercle.protocol.cli.commands import _account

    account = await _account(args, location)
    try:
        await account.start()
        flow = await (_wait_for(account, args.user) if args.wait else _request(account, args.user))
        return await _run(flow, out)
    except VerificationCancelled as e:
        raise CliError(str(e), EXIT_NOT_VERIFIED) from None
    except TrustError as e:
        raise CliError(str(e)) from None
    finally:
        await account.close()


async def _request(account: Account, user_id: str) -> Verification:
    """In our DM with `user_id` (created when there is none), as Element does."""
    dms = (await rooms.direct_rooms(account.client)).get(user_id, [])
    room_id = dms[0] if dms else await rooms.create_dm(account.client, user_id)
    flow = await account.verifications.request(user_id, room_id=room_id)
    print(f"Asked {user_id} to verify; waiting for them to accept…", file=sys.stderr)
    await flow.ready
    if flow.phase is Phase.READY:  # they may have started SAS already
        await flow.start_sas()
    return flow


async def _wait_for(account: Account, user_id: str) -> Verification:
    print(f"Waiting for {user_id} to ask for verification…", file=sys.stderr)
    while True:
        flow = await account.verifications.incoming.get()
        if flow.other_user == user_id:
            await flow.accept()
            return flow


async def _run(flow: Verification, out: Output) -> int:
    shown = await flow.short_auth
    out.record(
        {
            "user_id": flow.other_user,
            "emoji": [list(e) for e in shown.emoji],
            "decimals": list(shown.decimals),
        },
        "Compare with what "
        + flow.other_user
        + " sees:\n  "
        + "   ".join(f"{emoji} {name}" for emoji, name in shown.emoji)
        + "\n  "
        + " ".join(str(d) for d in shown.decimals),
    )
    match = await asyncio.to_thread(_answer, "Do they match? [y/N] ")
    await flow.confirm(match)
    verified = await flow.finished
    if flow.signing_error is not None:
        raise CliError(f"Verified, but not recorded: {flow.signing_error}", EXIT_NOT_VERIFIED)
    out.record(
        {"user_id": verified.user_id, "verified": True, "master_key": verified.master_key},
        f"{verified.user_id} is verified.",
    )
    return EXIT_OK
