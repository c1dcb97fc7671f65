"""The first profile, opened on the protocol thread while the UI is still being imported."""

from __future__ import annotations

import concurrent.futures
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cercle.protocol.profiles import KeyOptions
    from cercle.protocol.runtime import ProtocolThread
    from cercle.protocol.startup import Opened


def start(
    protocol: ProtocolThread,
    path: str | os.PathLike[str] | None,
    options: KeyOptions | None = None,
) -> concurrent.futures.Future[Opened]:
    """Opens the profile at `path` (`--profile`, else $CERCLE_PROFILE, else the platform's) as a
    session's `start()` without a passphrase would, and reads its cached rooms. This module
    imports nothing heavy: storage, keyring and SQLCipher load on the protocol thread."""
    return protocol.submit(_open(path, options))


async def _open(path: str | os.PathLike[str] | None, options: KeyOptions | None) -> Opened:
    from cercle.protocol import startup
    from cercle.protocol.profiles import ProfileLocation

    return await startup.open_cached(ProfileLocation.from_path(path), None, options)
