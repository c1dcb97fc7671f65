"""Starts the real app (`cercle.desktop.app.launch`) on a profile and prints what it showed."""

from __future__ import annotations

import asyncio
import json
import os
import sys


def main(folder: str, end: str) -> None:
    """`end`: "close" quits as the app does; "crash" stops dead, as a kill would."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from cercle.desktop import app as cercle_app

    launched = cercle_app.launch(cercle_app.parse_args(["--profile", folder, "--lang", "en"]))
    session = launched.accounts.panes[0].session
    seen: dict = {"events": []}
    done = asyncio.Event()

    def rows(*_args) -> None:
        names = [session.rooms.row_summary(r).name for r in range(session.rooms.rowCount())]
        seen["events"].append(["rooms", names])

    def signed_in(user_id: str) -> None:
        seen["events"].append(["signed in", user_id])
        done.set()

    def needs_sign_in() -> None:
        seen["events"].append(["needs sign in"])
        done.set()

    session.rooms.rowsInserted.connect(rows)
    session.signedIn.connect(signed_in)
    session.needsSignIn.connect(needs_sign_in)

    def stopped(*what) -> None:  # the profile could not open, or a passphrase is asked
        seen["events"].append(["stopped", *map(str, what)])
        done.set()

    session.profileFailed.connect(stopped)
    session.passphraseNeeded.connect(stopped)
    with launched.loop:
        launched.loop.run_until_complete(asyncio.wait_for(done.wait(), 60))
        early = launched.early
        seen["opened_early"] = bool(
            early is not None
            and early.done()
            and early.exception() is None
            and session.profile is early.result().profile
        )
        seen["saved_list"] = seen["opened_early"] and early is not None and early.result().saved
        if end == "close":
            launched.close()
    print(json.dumps(seen), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
