"""cercle-cli's `verify USER` (in your DM) and `verify --own-device DEVICE`: emoji verification."""

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
    verify.add_argument("user", metavar="USER", nargs="?")
    verify.add_argument(
        "--wait", action="store_true", help="wait for USER's request instead of sending one"
    )
    verify.add_argument(
        "--own-device",
        metavar="DEVICE",
        nargs="?",
        const="*",
        help="verify one of your own devices instead (to-device; without DEVICE, the first "
        "of them to accept); then the device without your secrets (cross-signing, backup key) "
        "gets them from the other",
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

    if not args.user and not args.own_device:
        raise CliError("give USER, or --own-device DEVICE for one of your own devices")
    account = await _account(args, location)
    try:
        await account.start()
        if args.own_device:
            flow = await (
                _wait_for(account, account.user_id, args.own_device)
                if args.wait
                else _request_own(account, args.own_device)
            )
            return await _run(flow, out, account)
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


async def _request_own(account: Account, device_id: str) -> Verification:
    """To one of our own devices, to-device."""
    flow = await account.verifications.request(account.user_id, device_id=device_id)
    where = "your other devices" if device_id == "*" else f"your device {device_id}"
    print(f"Asked {where} to verify; accept it there…", file=sys.stderr)
    await flow.ready
    if flow.phase is Phase.READY:
        await flow.start_sas()
    return flow


async def _wait_for(account: Account, user_id: str, device_id: str | None = None) -> Verification:
    device_id = None if device_id == "*" else device_id
    who = f"your device {device_id}" if device_id else user_id
    print(f"Waiting for {who} to ask for verification…", file=sys.stderr)
    while True:
        flow = await account.verifications.incoming.get()
        if flow.other_user == user_id and device_id in (None, flow.other_device):
            await flow.accept()
            return flow


async def _run(flow: Verification, out: Output, own: Account | None = None) -> int:
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
    if own is not None:
        return await _secrets_after(own, flow, out)
    if flow.signing_error is not None:
        raise CliError(f"Verified, but not recorded: {flow.signing_error}", EXIT_NOT_VERIFIED)
    out.record(
        {"user_id": verified.user_id, "verified": True, "master_key": verified.master_key},
        f"{verified.user_id} is verified.",
    )
    return EXIT_OK


SECRETS_WAIT_S = 60.0  # our other device answers within a sync or two
ANSWER_LINGER_S = 30.0  # at most, the device holding the secrets stays to answer
QUIET_S = 3.0  # …and leaves once its answers have stopped for this long


async def _secrets_after(account: Account, flow: Verification, out: Output) -> int:
    """After our own device was verified: the device without our secrets waits for them;
    the one holding them stays a moment to answer the other's requests."""
    device = flow.other_device or ""
    await account.verifications.settled()  # the secret requests, if any, are out
    asking = account.secret_sharing.completed
    if asking is not None:
        print("Asking your verified device for your secrets…", file=sys.stderr)
        try:
            received = await asyncio.wait_for(asyncio.shield(asking), SECRETS_WAIT_S)
        except TimeoutError:
            raise CliError(
                f"Verified {device}, but it did not send your secrets in time "
                "(is it online, with recovery set up?)",
                EXIT_NOT_VERIFIED,
            ) from None
        out.record(
            {"device_id": device, "verified": True, "secrets": sorted(received)},
            f"Your device {device} is verified; it sent "
            + ", ".join(sorted(received))
            + ". This device is now cross-signed.",
        )
        return EXIT_OK
    print(f"Answering {device}'s requests for your secrets…", file=sys.stderr)
    await _linger(account, device)
    sent = sorted(
        o.split()[1] for _, o in account.secret_sharing.outcomes if o.endswith(f"{device} over Olm")
    )
    out.record(
        {"device_id": device, "verified": True, "secrets_sent": sent},
        f"Your device {device} is verified." + (f" Sent it {', '.join(sent)}." if sent else ""),
    )
    return EXIT_OK


async def _linger(account: Account, device: str) -> None:
    """Keeps syncing until the other device's requests were answered (no new answer about it
    for QUIET_S, after at least one), or ANSWER_LINGER_S."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ANSWER_LINGER_S
    seen, last_change = 0, loop.time()
    while loop.time() < deadline:
        about = sum(device in o for _, o in account.secret_sharing.outcomes)
        if about != seen:
            seen, last_change = about, loop.time()
        elif seen and loop.time() - last_change > QUIET_S:
            return
        await asyncio.sleep(0.25)
