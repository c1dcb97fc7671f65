"""`cercle-cli`: Cercle without a screen, for IT and scripts (commands arrive with the protocol)."""

from __future__ import annotations

import argparse
import sys

from cercle.protocol.version import cercle_version


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cercle-cli", description="Cercle from the command line, without a screen."
    )
    parser.add_argument("--version", action="version", version=f"cercle-cli {cercle_version()}")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.parse_args(argv)
    parser.print_help(sys.stderr)
    return 1  # usage: no command given


if __name__ == "__main__":
    sys.exit(main())
