"""cercle-cli's community commands: `community create|show|charter|acl|ban`."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from cercle.protocol.account import Account
from cercle.protocol.cli.output import EXIT_OK, CliError, Output
from cercle.protocol.community import acl, charter, moderation
from cercle.protocol.community.create import create_community
from cercle.protocol.community.errors import CommunityError
from cercle.protocol.community.state import load_community
from cercle.protocol.profiles import ProfileLocation


async def cmd_community(args: argparse.Namespace, out: Output, location: ProfileLocation) -> int:
    from cercle.protocol.cli.commands import _account, _room_id

    account = await _account(args, location)
    try:
        if args.action == "create":
            return await _create(account, args, out)
        space_id = await _room_id(account, args.space)
        return await ACTIONS[args.action](account, space_id, args, out)
    except acl.AclRefused as e:
        raise CliError(e.explanation) from None
    except (CommunityError, ValueError) as e:
        raise CliError(str(e)) from None
    finally:
        await account.close()


async def _create(account: Account, args: argparse.Namespace, out: Output) -> int:
    made = await create_community(
        account.client, args.name, args.template, purpose=args.purpose or "", invite=args.invite
    )
    record = {"space_id": made.space_id, "template": made.template, "rooms": made.rooms,
              "moderation_room": made.moderation_room}  # fmt: skip
    out.record(record, made.space_id)
    return EXIT_OK


async def _show(account: Account, space_id: str, args: argparse.Namespace, out: Output) -> int:
    c = await load_community(account.client, space_id, with_rooms=False)
    record = {
        "space_id": c.space_id,
        "name": c.name,
        "kind": c.info.kind if c.info else None,
        "purpose": c.info.purpose if c.info else None,
        "charter_version": c.charter.version if c.charter else None,
        "editorial": {
            "tone": c.editorial.tone,
            "language": c.editorial.language,
            "allowed_post_types": list(c.editorial.allowed_post_types),
        }
        if c.editorial
        else None,
        "rooms": list(c.rooms),
        "moderation_room": c.info.moderation_room if c.info else None,
        "needs_acceptance": charter.needs_acceptance(c, account.user_id),
    }
    text = (
        f"{c.name or c.space_id} ({record['kind'] or 'not a Cercle community'})\n"
        f"  purpose: {record['purpose'] or '—'}\n  charter: v{record['charter_version'] or '—'}"
        f"\n  rooms: {', '.join(c.rooms) or '—'}"
    )
    out.record(record, text)
    return EXIT_OK


async def _charter(account: Account, space_id: str, args: argparse.Namespace, out: Output) -> int:
    c = await load_community(account.client, space_id, with_rooms=False)
    if args.publish:
        try:
            text = await asyncio.to_thread(Path(args.publish).read_text, encoding="utf-8")
        except OSError as e:
            raise CliError(f"cannot read the charter file: {e.strerror}") from None
        version = await charter.publish_charter(account.client, c, text)
        out.record({"space_id": space_id, "version": version}, f"Published version {version}")
        return EXIT_OK
    accepted = {str(v): list(users) for v, users in charter.who_accepted(c).items()}
    record = {"space_id": space_id, "version": c.charter.version if c.charter else None,
              "text": c.charter.text if c.charter else None, "accepted": accepted}  # fmt: skip
    out.record(record, c.charter.text if c.charter else "No charter.")
    return EXIT_OK


async def _acl(account: Account, space_id: str, args: argparse.Namespace, out: Output) -> int:
    c = await load_community(account.client, space_id, with_rooms=False)
    applied = await acl.apply_allow_list(account.client, c, args.allow, deny=args.deny)
    record = {"space_id": space_id, "acl": applied.content, "rooms": list(applied.rooms),
              "failed": [r for r, _ in applied.failed]}  # fmt: skip
    out.record(record, f"Allow-list applied to {len(applied.rooms)} rooms")
    return EXIT_OK


async def _ban(account: Account, space_id: str, args: argparse.Namespace, out: Output) -> int:
    c = await load_community(account.client, space_id, with_rooms=False)
    result = await moderation.ban(account.client, c, args.user, reason=args.reason)
    record = {"space_id": space_id, "banned": args.user, "rooms": list(result.rooms),
              "failed": [r for r, _ in result.failed]}  # fmt: skip
    out.record(record, f"Banned {args.user} from {len(result.rooms)} rooms")
    return EXIT_OK


ACTIONS = {"show": _show, "charter": _charter, "acl": _acl, "ban": _ban}


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`community create|show|charter|acl|ban` (see README)."""
    from cercle.protocol.community.templates import TEMPLATES

    community = sub.add_parser("community", help="communities: create, show, charter, acl, ban")
    actions = community.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create a community from a template")
    create.add_argument("name")
    create.add_argument("--template", required=True, choices=list(TEMPLATES))
    create.add_argument("--purpose")
    create.add_argument("--invite", action="append", default=[], metavar="USER")
    show = actions.add_parser("show", help="kind, purpose, charter version, editorial, rooms")
    show.add_argument("space")
    chart = actions.add_parser("charter", help="the charter and who accepted it, or publish")
    chart.add_argument("space")
    chart.add_argument("--publish", metavar="FILE", help="publish FILE as the next version")
    allow = actions.add_parser("acl", help="apply a server allow-list to every room")
    allow.add_argument("space")
    allow.add_argument("--allow", nargs="+", required=True, metavar="SERVER")
    allow.add_argument("--deny", nargs="*", default=[], metavar="SERVER")
    ban = actions.add_parser("ban", help="ban a user from every room of the community")
    ban.add_argument("space")
    ban.add_argument("user")
    ban.add_argument("--reason")
