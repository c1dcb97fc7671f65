"""Typed errors of the local store, each with a message a user can act on."""

from __future__ import annotations


class StorageError(Exception):
    """Base of every error the store raises on purpose; `str(error)` is shown to the user."""


class CannotUnlock(StorageError):
    """The key or passphrase does not open this profile; nothing on disk was changed."""

    def __init__(self, detail: str = "") -> None:
        message = "Cannot unlock this profile: the passphrase or key is wrong. Nothing was changed."
        super().__init__(f"{message} {detail}".strip())


class NeedsPassphrase(StorageError):
    """No secure keyring is available (or the profile uses one): ask the user for a passphrase."""

    def __init__(self, reason: str = "") -> None:
        message = "This profile is protected by a passphrase; enter it to unlock."
        super().__init__(f"{message} {reason}".strip())
        self.reason = reason


class KeyringUnavailable(StorageError):
    """The profile's key lives in the OS keyring, and that keyring cannot be reached now."""

    def __init__(self, detail: str = "") -> None:
        message = (
            "The system keyring that holds this profile's key is not available. Unlock or start "
            "your keyring (for example GNOME Keyring or KWallet) and try again."
        )
        super().__init__(f"{message} {detail}".strip())


class KeyringEntryLost(StorageError):
    """The keyring no longer holds the key of a profile whose database still exists."""

    def __init__(self, profile: str) -> None:
        super().__init__(
            f"The key of profile “{profile}” is missing from the system keyring, so its local "
            "cache cannot be read. Log in again: the cache is rebuilt from the server, and your "
            "message keys come back from key backup. Other profiles are not affected."
        )
        self.profile = profile


class ProfileLocked(StorageError):
    """Another Cercle process already has this profile open."""

    def __init__(self, profile: str, pid: int | None) -> None:
        owner = f" (process {pid})" if pid else ""
        super().__init__(
            f"Profile “{profile}” is already open in another Cercle window{owner}. "
            "Switch to that window, or close it first."
        )
        self.profile = profile
        self.pid = pid


class DatabaseCorrupt(StorageError):
    """The database is damaged or truncated: offer a rebuild, exporting the outbox first."""

    def __init__(self, path: str, detail: str = "") -> None:
        super().__init__(
            "The local cache is damaged and cannot be used. Cercle can rebuild it from the server; "
            "unsent messages are exported first so nothing is lost."
            + (f" ({detail})" if detail else "")
        )
        self.path = path
        self.detail = detail


class CryptoStoreCorrupt(DatabaseCorrupt):
    """The encryption-key store (nio's, under crypto/) is damaged."""

    def __init__(self, path: str, detail: str = "") -> None:
        StorageError.__init__(
            self,
            "The store of message keys on this computer is damaged. Log in again on this "
            "computer: your message keys come back from key backup."
            + (f" ({detail})" if detail else ""),
        )
        self.path = path
        self.detail = detail


class SchemaTooNew(StorageError):
    """The database was written by a newer Cercle whose schema this version cannot read."""

    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"This profile was created by a newer version of Cercle (schema {found}, this version "
            f"reads up to {supported}). Update Cercle to open it."
        )
        self.found = found
        self.supported = supported


class DiskFull(StorageError):
    """The disk (or the database's size limit) is full; the last change was not saved."""

    def __init__(self) -> None:
        super().__init__(
            "The disk is full: the last change was not saved. Free some space and try again."
        )


class InvalidProfileName(StorageError):
    """A profile name that would not make a safe directory name."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"“{name}” is not a valid profile name: use 1 to 64 letters, digits, '.', '_' or '-'."
        )
