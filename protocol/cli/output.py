"""What cercle-cli prints and how it exits: text for people, JSON lines for scripts."""

from __future__ import annotations

import json
import sys
from typing import Any

EXIT_OK = 0
EXIT_USAGE = 1
EXIT_AUTH = 2  # sign-in or unlock failed
EXIT_NETWORK = 3  # server unreachable or refused


class CliError(Exception):
    """Ends the command with a message on stderr and an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Output:
    """`--json`: one object per line on stdout; otherwise readable lines."""

    def __init__(self, json_lines: bool, stream=None) -> None:
        self.json_lines = json_lines
        self.stream = stream or sys.stdout

    def record(self, obj: dict[str, Any], text: str) -> None:
        if self.json_lines:
            print(json.dumps(obj, ensure_ascii=False, sort_keys=True), file=self.stream)
        else:
            print(text, file=self.stream)
        self.stream.flush()

    def note(self, text: str) -> None:
        """Progress and hints for people: stderr, so stdout stays parseable."""
        print(text, file=sys.stderr)

    def error(self, text: str) -> None:
        print(f"cercle-cli: {text}", file=sys.stderr)
