"""cercle-cli's commands: each opens the profile, does one job, prints records, returns a code."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from cercle.protocol import media, messages, roomlist, rooms, session
from cercle.protocol.account import Account
from cercle.protocol.changes import Change, Message, TimelineAppended
from cercle.protocol.cli.community_commands import cmd_community
from cercle.protocol.cli.output import EXIT_AUTH, EXIT_NETWORK, EXIT_OK, CliError, Output
from cercle.protocol.cli.trust_commands import cmd_devices, cmd_identities, cmd_recovery
from cercle.protocol.cli.verify_commands import cmd_verify
from cercle.protocol.client import LoginFailed, MatrixError, ServerUnreachable
from cercle.protocol.policy import load_policy
from cercle.protocol.profiles import (
    KeyOptions,
    NeedsPassphrase,
    Profile,
    ProfileLocation,
    StorageError,
    open_profile,
)
from cercle.storage.keys import backend_name, secure_backend
from cercle.storage.profile import remove_profile
from cercle.storage.timeline import TimelineEvent

DELIVERY_WAIT_S = 30.0  # `send` waits this long for delivery before leaving it queued

Handler = Callable[[argparse.Namespace, Output, ProfileLocation], Awaitable[int]]


async def run(args: argparse.Namespace, out: Output) -> int:
    location = ProfileLocation.from_path(args.profile)
    handler = COMMANDS[args.command]
    try:
        return await handler(args, out, location)
    except LoginFailed as e:
        raise CliError(str(e), EXIT_AUTH) from None
    except ServerUnreachable as e:
        raise CliError(str(e), EXIT_NETWORK) from None
    except MatrixError as e:
        raise CliError(f"the server refused: {e}", EXIT_NETWORK) from None
    except StorageError as e:
        raise CliError(str(e), EXIT_AUTH) from None


# -- profile and account ---------------------------------------------------------------------


def _passphrase_from_file(args: argparse.Namespace) -> str | None:
    if not args.passphrase_file:
        return None
    try:
        text = Path(args.passphrase_file).read_text(encoding="utf-8")
    except OSError as e:
        raise CliError(f"cannot read the passphrase file: {e.strerror}") from None
    return text.rstrip("\r\n")


def _prompt_passphrase(creating: bool) -> str:
    if not sys.stdin.isatty():
        raise CliError(
            "no secure keyring here and no passphrase given: use --passphrase-file", EXIT_AUTH
        )
    if not creating:
        return getpass.getpass("Passphrase protecting Cercle's data: ")
    first = getpass.getpass("No secure keyring here. Choose a passphrase for Cercle's data: ")
    if first != getpass.getpass("The same passphrase again: "):
        raise CliError("the two passphrases differ", EXIT_AUTH)
    return first


async def _open(
    args: argparse.Namespace,
    location: ProfileLocation,
    *,
    create: bool = False,
    options: KeyOptions | None = None,
) -> Profile:
    if not create and not location.exists():
        raise CliError(f"no account in {location.path}: run `cercle-cli login` first", EXIT_AUTH)
    passphrase = _passphrase_from_file(args)
    try:
        return await open_profile(location, passphrase, options)
    except NeedsPassphrase:
        if passphrase is not None:
            raise
        return await open_profile(location, _prompt_passphrase(not location.exists()), options)


@contextlib.asynccontextmanager
async def _opened(args: argparse.Namespace, location: ProfileLocation) -> AsyncIterator[Profile]:
    """The unlocked profile for a command that needs only the cache; closed afterwards."""
    profile = await _open(args, location)
    try:
        yield profile
    finally:
        await asyncio.to_thread(profile.close)


async def _account(args, location, publish: Callable[[Change], None] = lambda _: None) -> Account:
    profile = await _open(args, location)
    account = await Account.resume(profile, publish)
    if account is None:
        await asyncio.to_thread(profile.close)
        raise CliError("this profile holds no session: run `cercle-cli login`", EXIT_AUTH)
    return account


async def _room_id(account: Account, room: str) -> str:
    """A room id from an id, a cached alias, or an alias the server resolves."""
    if room.startswith("!"):
        return room
    if room.startswith("#"):
        for row in await asyncio.to_thread(account.store.rooms.list, join_state=None):
            if row.canonical_alias == room:
                return row.room_id
        reply = await account.client.call(account.client.nio.room_resolve_alias(room))
        return reply.room_id
    raise CliError(f"{room!r} is neither a room id (!…) nor an alias (#…)")


async def _sync_round(account: Account) -> None:
    """One sync, stored: nio then knows members and devices to encrypt for."""
    await account.engine.restore()
    await account.engine.sync_round(0)


def _event_record(event: TimelineEvent | Message) -> tuple[dict[str, Any], str]:
    body: Any
    if isinstance(event, Message):
        body, ts, kind = event.body, event.timestamp_ms, "m.room.message"
        encrypted, sender = event.encrypted, event.sender
    else:
        body = event.content.get("body") if isinstance(event.content, dict) else None
        ts, kind, encrypted, sender = (
            event.origin_server_ts,
            event.type,
            event.encrypted,
            event.sender,
        )
    record = {
        "event_id": event.event_id,
        "room_id": event.room_id,
        "sender": sender,
        "type": kind,
        "body": body if isinstance(body, str) else None,
        "origin_server_ts": ts,
        "encrypted": encrypted,
    }
    return record, f"{sender}: {body if isinstance(body, str) else '[' + kind + ']'}"


# -- commands --------------------------------------------------------------------------------


async def cmd_login(args, out: Output, location: ProfileLocation) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.user}: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CliError("no password given", EXIT_AUTH)
    policy = load_policy()
    if policy.login_blocked:
        raise CliError(
            "this computer's Cercle policy names no usable server: contact IT", EXIT_AUTH
        )
    homeserver = policy.effective_homeserver(args.homeserver)  # a locked server always wins
    if policy.homeserver_locked and args.homeserver and homeserver != args.homeserver:
        out.note(f"the server is set by your organisation: signing in to {homeserver}")
    if not homeserver and not args.user.startswith("@"):
        raise CliError("give --homeserver, or the full user id (@name:server) to discover it")
    info = await session.discover(homeserver or args.user)
    profile = await _open(args, location, create=True)
    try:
        account = await Account.sign_in(
            info.base_url, args.user, password, lambda _: None, profile=profile
        )
    except BaseException:
        await asyncio.to_thread(profile.close)
        raise
    out.record(
        {
            "user_id": account.user_id,
            "device_id": account.client.nio.device_id,
            "homeserver": info.base_url,
        },
        f"Signed in as {account.user_id}",
    )
    await account.close()
    return EXIT_OK


async def cmd_whoami(args, out: Output, location: ProfileLocation) -> int:
    async with _opened(args, location) as profile:
        saved = await asyncio.to_thread(profile.store.session.load)
    if saved is None:
        raise CliError("not signed in", EXIT_AUTH)
    out.record(
        {"user_id": saved.user_id, "device_id": saved.device_id, "homeserver": saved.homeserver},
        f"{saved.user_id} (device {saved.device_id}) on {saved.homeserver}",
    )
    return EXIT_OK


async def cmd_rooms(args, out: Output, location: ProfileLocation) -> int:
    async with _opened(args, location) as profile:
        saved = await asyncio.to_thread(profile.store.session.load)
        user_id = saved.user_id if saved else ""
        rows = await asyncio.to_thread(roomlist.summaries, profile.store, user_id)
    for row in rows:
        flags = [
            f
            for f, on in (
                ("space", row.is_space),
                ("encrypted", row.encrypted),
                ("invited", row.invited),
            )
            if on
        ]
        if row.external_servers:
            flags.append("external: " + ", ".join(row.external_servers))
        out.record(
            {
                "room_id": row.room_id,
                "name": row.name,
                "members": row.member_count,
                "is_space": row.is_space,
                "encrypted": row.encrypted,
                "invited": row.invited,
                "external_servers": list(row.external_servers),
            },
            f"{row.room_id}  {row.name}" + (f"  ({'; '.join(flags)})" if flags else ""),
        )
    return EXIT_OK


async def cmd_logout(args, out: Output, location: ProfileLocation) -> int:
    account = await _account(args, location)
    code = EXIT_OK
    try:
        await session.logout(account.client)
    except (ServerUnreachable, aiohttp.ClientError) as e:
        out.note(f"the server was not told (unreachable: {e}); this device is signed out here")
        code = EXIT_NETWORK
    await asyncio.to_thread(account.store.session.clear)
    await account.close()
    if args.wipe:
        await asyncio.to_thread(remove_profile, location.name, base=location.base)
    out.record(
        {"signed_out": True, "wiped": bool(args.wipe)},
        "Signed out" + (" and removed from this computer" if args.wipe else ""),
    )
    return code


async def cmd_create_room(args, out: Output, location: ProfileLocation) -> int:
    account = await _account(args, location)
    try:
        room_id = await account.client.create_room(
            args.name, encrypted=args.encrypted, invite=args.invite
        )
    finally:
        await account.close()
    out.record({"room_id": room_id, "name": args.name}, room_id)
    return EXIT_OK


async def cmd_join(args, out: Output, location: ProfileLocation) -> int:
    account = await _account(args, location)
    try:
        room_id = await rooms.join(account.client, args.room)
    finally:
        await account.close()
    out.record({"room_id": room_id}, room_id)
    return EXIT_OK


async def cmd_invite(args, out: Output, location: ProfileLocation) -> int:
    account = await _account(args, location)
    try:
        room_id = await _room_id(account, args.room)
        await rooms.invite(account.client, room_id, args.user)
    finally:
        await account.close()
    out.record({"room_id": room_id, "invited": args.user}, f"Invited {args.user}")
    return EXIT_OK


async def cmd_leave(args, out: Output, location: ProfileLocation) -> int:
    account = await _account(args, location)
    try:
        room_id = await _room_id(account, args.room)
        await rooms.leave(account.client, room_id)
    finally:
        await account.close()
    out.record({"room_id": room_id, "left": True}, f"Left {room_id}")
    return EXIT_OK


async def cmd_send(args, out: Output, location: ProfileLocation) -> int:
    account = await _account(args, location)
    try:
        room_id = args.room
        try:
            room_id = await _room_id(account, args.room)
            await _sync_round(account)
        except ServerUnreachable:
            if not room_id.startswith("!"):
                raise
            out.note("offline: the message is queued and goes with the next `cercle-cli sync`")
        content = messages.text_content(args.text)
        txn_id = await account.outbox.enqueue(room_id, "m.room.message", content)
        out.record({"txn_id": txn_id, "room_id": room_id, "state": "queued"}, txn_id)
        try:
            await asyncio.wait_for(account.outbox.run(until_empty=True), DELIVERY_WAIT_S)
        except TimeoutError:
            out.note("not delivered yet; it stays queued (see `cercle-cli outbox`)")
        entry = await asyncio.to_thread(account.store.outbox.get, txn_id)
        if entry is not None and entry.state.value == "failed":
            raise CliError(f"the server refused the message: {entry.failure_reason}", EXIT_NETWORK)
    finally:
        await account.close()
    return EXIT_OK


async def cmd_upload(args, out: Output, location: ProfileLocation) -> int:
    path = Path(args.file)
    if not await asyncio.to_thread(path.is_file):
        raise CliError(f"no such file: {path}")
    account = await _account(args, location)
    try:
        room_id = await _room_id(account, args.room)
        await _sync_round(account)
        sent = await media.send_file(
            account.client,
            room_id,
            path,
            cache=account.store.media,
            on_progress=lambda done, total: None,
        )
    finally:
        await account.close()
    uri = sent.upload.content_uri if sent.upload else None
    out.record({"event_id": sent.event_id, "room_id": room_id, "content_uri": uri}, sent.event_id)
    return EXIT_OK


async def cmd_download(args, out: Output, location: ProfileLocation) -> int:
    account = await _account(args, location)
    try:
        file_info = await asyncio.to_thread(_encrypted_file_for, account, args.mxc)
        data = await media.download(
            account.client, args.mxc, cache=account.store.media, file=file_info
        )
    finally:
        await account.close()
    await asyncio.to_thread(Path(args.out).write_bytes, data)
    out.record(
        {"mxc": args.mxc, "out": args.out, "size": len(data)}, f"{len(data)} bytes → {args.out}"
    )
    return EXIT_OK


def _encrypted_file_for(account: Account, mxc: str, scan: int = 200) -> dict | None:
    """The keys of an encrypted attachment, from the cached event that carries it (the newest
    `scan` events of each room, most active rooms first)."""
    for room in account.store.rooms.list(join_state=None):
        for event in reversed(account.store.timeline.page(room.room_id, limit=scan).events):
            file = event.content.get("file")
            if isinstance(file, dict) and file.get("url") == mxc:
                return file
    return None


async def cmd_sync(args, out: Output, location: ProfileLocation) -> int:
    account = await _account(args, location, _printer(out))
    try:
        if args.once:
            await _sync_round(account)
            try:
                await asyncio.wait_for(account.outbox.run(until_empty=True), DELIVERY_WAIT_S)
            except TimeoutError:
                out.note("some messages could not be delivered yet (see `cercle-cli outbox`)")
            await account.key_backup.upload_pending()  # keys received this round, backed up
        else:
            await account.start()
            await asyncio.Event().wait()  # until interrupted
    finally:
        await account.close()
    return EXIT_OK


async def cmd_outbox(args, out: Output, location: ProfileLocation) -> int:
    async with _opened(args, location) as profile:
        entries = await asyncio.to_thread(profile.store.outbox.unsent)
    for e in entries:
        body = e.content.get("body") if isinstance(e.content, dict) else None
        out.record(
            {
                "txn_id": e.txn_id,
                "room_id": e.room_id,
                "type": e.event_type,
                "state": e.state.value,
                "attempts": e.attempts,
                "failure_reason": e.failure_reason,
                "body": body,
            },
            f"{e.state.value:8} {e.txn_id}  {e.room_id}  {body or e.event_type}"
            + (f"  ({e.failure_reason})" if e.failure_reason else ""),
        )
    return EXIT_OK


async def cmd_history(args, out: Output, location: ProfileLocation) -> int:
    async with _opened(args, location) as profile:
        room_id = args.room
        if not room_id.startswith("!"):
            rows = await asyncio.to_thread(profile.store.rooms.list, join_state=None)
            match = [r.room_id for r in rows if room_id in (r.canonical_alias, r.name)]
            if not match:
                raise CliError(f"no cached room {room_id!r} (use its id)")
            room_id = match[0]
        page = await asyncio.to_thread(profile.store.timeline.page, room_id, limit=args.limit)
        shown = await asyncio.to_thread(roomlist.messages, profile.store, page.events)
    for message in shown:
        out.record(*_event_record(message))
    return EXIT_OK


async def cmd_search(args, out: Output, location: ProfileLocation) -> int:
    async with _opened(args, location) as profile:
        hits = await asyncio.to_thread(profile.store.search.search, args.query, limit=args.limit)
    for hit in hits:
        out.record(
            {
                "event_id": hit.event_id,
                "room_id": hit.room_id,
                "sender": hit.sender,
                "origin_server_ts": hit.origin_server_ts,
                "snippet": hit.snippet,
            },
            f"{hit.room_id}  {hit.sender}: {hit.snippet}",
        )
    return EXIT_OK


async def cmd_tail(args, out: Output, location: ProfileLocation) -> int:
    account = await _account(args, location, _printer(out))
    account.engine.publishes_history = True  # a first sync prints the rooms' history first
    try:
        await account.start()
        await asyncio.Event().wait()  # until interrupted
    finally:
        await account.close()
    return EXIT_OK


def _printer(out: Output) -> Callable[[Change], None]:
    def publish(change: Change) -> None:
        if isinstance(change, TimelineAppended):
            for message in change.messages:
                out.record(*_event_record(message))

    return publish


async def cmd_doctor(args, out: Output, location: ProfileLocation) -> int:
    checks: list[tuple[str, bool, str]] = []
    backend = secure_backend()
    checks.append(
        (
            "keyring",
            backend is not None,
            backend_name(backend)
            if backend
            else "no secure keyring: the profile is protected by a passphrase instead",
        )
    )
    code = EXIT_OK
    if not location.exists():
        checks.append(("profile", False, f"none in {location.path}; run `cercle-cli login`"))
    else:
        account = await _account(args, location)
        try:
            store = account.store
            token = await asyncio.to_thread(store.session.sync_token)
            joined = await asyncio.to_thread(store.rooms.list)
            unsent = await asyncio.to_thread(store.outbox.unsent)
            checks.append(("profile", True, f"{location.path}"))
            checks.append(
                (
                    "cache",
                    bool(token),
                    f"{len(joined)} rooms; "
                    + ("resumes from its sync token" if token else "never synced"),
                )
            )
            checks.append(
                (
                    "outbox",
                    not any(e.state.value == "failed" for e in unsent),
                    f"{len(unsent)} unsent",
                )
            )
            try:
                versions = await session.discover(account.client.nio.homeserver)
                checks.append(
                    ("server", True, f"{versions.base_url} answers (spec {versions.versions[-1]})")
                )
            except (session.DiscoveryError, aiohttp.ClientError, OSError) as e:
                checks.append(("server", False, str(e)))
                code = EXIT_NETWORK
            own = roomlist.server_of(account.user_id)
            remote: set[str] = set()
            for room in joined:
                members = await asyncio.to_thread(store.rooms.members, room.room_id)
                remote.update(roomlist.server_of(m.user_id) for m in members)
            remote.discard(own)
            checks.append(
                (
                    "federation",
                    True,
                    "partners' servers in your rooms: " + (", ".join(sorted(remote)) or "none"),
                )
            )
        finally:
            await account.close()
    for name, ok, detail in checks:
        out.record(
            {"check": name, "ok": ok, "detail": detail},
            f"{'ok ' if ok else 'NO '} {name:10} {detail}",
        )
    return code


COMMANDS: dict[str, Handler] = {
    "login": cmd_login,
    "whoami": cmd_whoami,
    "rooms": cmd_rooms,
    "logout": cmd_logout,
    "create-room": cmd_create_room,
    "join": cmd_join,
    "invite": cmd_invite,
    "leave": cmd_leave,
    "send": cmd_send,
    "upload": cmd_upload,
    "download": cmd_download,
    "sync": cmd_sync,
    "outbox": cmd_outbox,
    "history": cmd_history,
    "search": cmd_search,
    "tail": cmd_tail,
    "doctor": cmd_doctor,
    "recovery": cmd_recovery,
    "devices": cmd_devices,
    "identities": cmd_identities,
    "community": cmd_community,
    "verify": cmd_verify,
}
