"""Cercle's version, read from the installed distribution's metadata."""

from __future__ import annotations


def cercle_version() -> str:
    # importlib.metadata loads the email package (~40 ms): only when a version is asked for.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cercle")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
