"""cercle-cli's trust commands: `recovery setup`, `recovery restore`, `devices`, `identities`."""

from __future__ import annotations

import argparse
import getpass
import sys

from cercle.protocol.account import Account
from cercle.protocol.cli.output import EXIT_AUTH, EXIT_OK, CliError, Output
from cercle.protocol.client import MatrixError
from cercle.protocol.profiles import ProfileLocation
from cercle.protocol.trust.bootstrap import (
    AlreadySetUp,
    PasswordNeeded,
    PasswordRejected,
    own_devices,
    setup_recovery,
)
from cercle.protocol.trust.crosssigning import TrustLevel
from cercle.protocol.trust.pins import NoIdentityChange
from cercle.protocol.trust.recovery import InvalidRecoveryKey
from cercle.protocol.trust.remote import TrustError
from cercle.protocol.trust.restore import restore_recovery
from cercle.protocol.trust.secrets import SecretStorageError, WrongRecoveryKey

_AUTH_ERRORS = (PasswordNeeded, PasswordRejected, WrongRecoveryKey, InvalidRecoveryKey)


def _read_secret(prompt: str) -> str:
    """From the terminal without echo, or one line of stdin when it is not a terminal."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


async def _account(args: argparse.Namespace, location: ProfileLocation) -> Account:
    from cercle.protocol.cli.commands import _account as open_account

    return await open_account(args, location)


async def cmd_recovery(args: argparse.Namespace, out: Output, location: ProfileLocation) -> int:
    try:
        if args.action == "setup":
            return await _setup(args, out, location)
        return await _restore(args, out, location)
    except _AUTH_ERRORS as e:
        raise CliError(str(e), EXIT_AUTH) from None
    except (TrustError, SecretStorageError) as e:
        raise CliError(str(e)) from None


async def _setup(args: argparse.Namespace, out: Output, location: ProfileLocation) -> int:
    account = await _account(args, location)
    try:
        password = _read_secret(f"Password for {account.user_id}: ")
        if not password:
            raise CliError("no password given", EXIT_AUTH)
        passphrase = None
        if args.passphrase:
            passphrase = _read_secret("Recovery passphrase: ")
            if sys.stdin.isatty() and passphrase != getpass.getpass("The same passphrase again: "):
                raise CliError("the two passphrases differ")
            if not passphrase:
                raise CliError("no passphrase given")
        try:
            done = await setup_recovery(account, password, passphrase=passphrase, reset=args.reset)
        except AlreadySetUp as e:
            raise CliError(f"{e} (`cercle-cli recovery setup --reset` to reset)") from None
        out.record(
            {
                "recovery_key": done.recovery_key,
                "master_key": done.master_key,
                "backup_version": done.backup_version,
                "device_id": account.client.nio.device_id,
            },
            "Recovery is set up and this device is cross-signed.\n"
            "Your recovery key — write it down and keep it safe; it is not shown again:\n\n"
            f"    {done.recovery_key}\n",
        )
        try:
            sent = await account.key_backup.upload_pending()
            out.note(f"{sent} room keys of this device backed up")
        except MatrixError as e:
            out.note(f"room keys not backed up yet ({e}); `cercle-cli sync` does it later")
    finally:
        await account.close()
    return EXIT_OK


async def _restore(args: argparse.Namespace, out: Output, location: ProfileLocation) -> int:
    account = await _account(args, location)
    try:
        if args.passphrase:
            secret = _read_secret("Recovery passphrase: ")
        else:
            secret = _read_secret("Recovery key: ")
        if not secret.strip():
            raise CliError("nothing given", EXIT_AUTH)
        from cercle.protocol.cli.commands import _sync_round

        await _sync_round(account)  # the history to decrypt once the keys are back
        if args.passphrase:
            done = await restore_recovery(account, passphrase=secret)
        else:
            done = await restore_recovery(account, recovery_key=secret)
        out.record(
            {
                "master_key": done.master_key,
                "device_id": account.client.nio.device_id,
                "backup_version": done.backup_version,
                "keys_imported": done.keys_imported,
                "keys_failed": done.keys_failed,
                "backup": done.backup_note,
            },
            "This device is cross-signed with your identity.\n"
            f"{done.keys_imported} room keys restored"
            + (f", {done.keys_failed} could not be" if done.keys_failed else "")
            + f" ({done.backup_note}).",
        )
    finally:
        await account.close()
    return EXIT_OK


_LABELS = {
    TrustLevel.VERIFIED: "verified",
    TrustLevel.CROSS_SIGNED: "cross-signed",
    TrustLevel.UNSIGNED: "NOT cross-signed",
}


async def cmd_devices(args: argparse.Namespace, out: Output, location: ProfileLocation) -> int:
    account = await _account(args, location)
    try:
        trust = await own_devices(account)
        this = account.client.nio.device_id
    finally:
        await account.close()
    if trust.master is None:
        out.note("no cross-signing identity yet: `cercle-cli recovery setup` creates one")
    elif trust.level is not TrustLevel.VERIFIED:
        out.note("this device does not hold your identity: `cercle-cli recovery restore`")
    for device_id in sorted(trust.devices, key=lambda d: (d != this, d)):
        device = trust.devices[device_id]
        name = device.keys.display_name
        out.record(
            {
                "device_id": device_id,
                "display_name": name,
                "trust": device.level.value,
                "this_device": device_id == this,
                "ed25519": device.keys.ed25519,
            },
            f"{device_id:12} {_LABELS[device.level]:17} {name or ''}"
            + ("  (this device)" if device_id == this else ""),
        )
    return EXIT_OK


async def cmd_identities(args: argparse.Namespace, out: Output, location: ProfileLocation) -> int:
    """Other users' pinned identities, and changes waiting to be acknowledged."""
    account = await _account(args, location)
    try:
        if args.acknowledge:
            try:
                await account.acknowledge_identity(args.acknowledge)
            except NoIdentityChange as e:
                raise CliError(str(e)) from e
            out.note(f"{args.acknowledge}'s new identity is pinned (not verified)")
        pins = await account.identities.pinned()
    finally:
        await account.close()
    for user_id in sorted(pins):
        pin = pins[user_id]
        state = "verified" if pin.verified else "not verified"
        if not pin.acknowledged:
            state = "CHANGED since you verified it: check, then --acknowledge"
        out.record(
            {
                "user_id": user_id,
                "master_key": pin.master_key,
                "verified": pin.verified,
                "acknowledged": pin.acknowledged,
                "pending_master_key": pin.pending_master_key,
            },
            f"{user_id:40} {state}",
        )
    return EXIT_OK
