"""`cercle-cli`: Cercle without a screen, for IT and scripts (a stable interface, see README)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from cercle.protocol.cli import community_commands, verify_commands
from cercle.protocol.cli.output import EXIT_USAGE, CliError, Output
from cercle.protocol.version import cercle_version


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cercle-cli", description="Cercle from the command line, without a screen."
    )
    parser.add_argument("--version", action="version", version=f"cercle-cli {cercle_version()}")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="profile folder (default: $CERCLE_PROFILE, else the platform's)",
    )
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help="read the store passphrase from FILE (when no keyring holds the key)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--log-level", default="WARNING", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    login = sub.add_parser("login", help="sign in (password from a prompt, or stdin)")
    login.add_argument(
        "--homeserver", metavar="URL", help="homeserver URL (default: discovered from the user id)"
    )
    login.add_argument("--user", required=True, metavar="USER", help="@name:server or name")
    sub.add_parser("whoami", help="the signed-in account")
    sub.add_parser("rooms", help="joined and invited rooms, from the cache")
    logout = sub.add_parser("logout", help="sign this device out")
    logout.add_argument(
        "--wipe",
        action="store_true",
        help="also remove the profile from this computer (cache, keys, keyring)",
    )
    create = sub.add_parser("create-room", help="create a room; prints its id")
    create.add_argument("name")
    create.add_argument("--encrypted", action="store_true")
    create.add_argument("--invite", action="append", default=[], metavar="USER")
    join = sub.add_parser("join", help="join by id, alias, matrix.to link or matrix: URI")
    join.add_argument("room")
    invite = sub.add_parser("invite", help="invite a user, from any server")
    invite.add_argument("room")
    invite.add_argument("user")
    leave = sub.add_parser("leave", help="leave a room")
    leave.add_argument("room")
    send = sub.add_parser("send", help="queue a message durably, delivering it if online")
    send.add_argument("room")
    send.add_argument("text")
    upload = sub.add_parser("upload", help="send a file (encrypted in encrypted rooms)")
    upload.add_argument("room")
    upload.add_argument("file")
    download = sub.add_parser("download", help="download (and decrypt) a file")
    download.add_argument("mxc", metavar="MXC_URI")
    download.add_argument("out", metavar="OUT")
    sync = sub.add_parser("sync", help="sync and deliver the outbox (until interrupted)")
    sync.add_argument("--once", action="store_true", help="one round, then return")
    sub.add_parser("outbox", help="unsent events and their states")
    history = sub.add_parser("history", help="a room's messages, from the cache (offline)")
    history.add_argument("room")
    history.add_argument("--limit", type=int, default=20)
    search = sub.add_parser("search", help="local full-text search, encrypted rooms included")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=20)
    sub.add_parser("tail", help="print new events as they arrive, until interrupted")
    sub.add_parser("doctor", help="keyring, cache, server and federation checks")
    _trust_parsers(sub)
    community_commands.add_parsers(sub)
    verify_commands.add_parsers(sub)
    return parser


def _trust_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`recovery setup|restore`, `devices` and `identities` (protocol/cli/trust_commands.py)."""
    recovery = sub.add_parser("recovery", help="cross-signing, secret storage and key backup")
    actions = recovery.add_subparsers(dest="action", metavar="ACTION", required=True)
    setup = actions.add_parser(
        "setup",
        help="create your identity and key backup, cross-sign this device; prints the recovery "
        "key once (account password from a prompt, or stdin)",
    )
    setup.add_argument(
        "--passphrase",
        action="store_true",
        help="derive the recovery key from a passphrase (asked; next stdin line when piped)",
    )
    setup.add_argument(
        "--reset",
        action="store_true",
        help="replace an existing identity (contacts are warned; the old backup is left)",
    )
    restore = actions.add_parser(
        "restore",
        help="cross-sign this device with the recovery key (prompt, or stdin); restore room keys",
    )
    restore.add_argument(
        "--passphrase", action="store_true", help="type the recovery passphrase instead"
    )
    sub.add_parser("devices", help="your devices and whether they are cross-signed")
    identities = sub.add_parser(
        "identities", help="other users' pinned identities and changes to acknowledge"
    )
    identities.add_argument(
        "--acknowledge", metavar="USER", help="accept USER's changed identity (pinned unverified)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: --help/--version exit 0, usage errors exit 2
        return EXIT_USAGE if e.code not in (0, None) else 0
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    out = Output(json_lines=args.json)
    from cercle.protocol.cli import commands

    try:
        return asyncio.run(commands.run(args, out))
    except CliError as e:
        out.error(str(e))
        return e.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
