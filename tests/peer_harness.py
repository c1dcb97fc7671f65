"""Drives tests/peer/peer.mjs — matrix-js-sdk with its Rust crypto, the crypto Element uses —
as an independent Matrix client for interop tests.

The peer speaks JSON lines: we write `{"id", "cmd", "args"}`, it answers `{"id", "ok", "result"}`
or `{"id", "ok": false, "error", "details"}`, and writes unsolicited `{"event": ...}` lines. The
process is not bound to an event loop (two reader threads), so a peer started by a sync fixture
is used from inside `asyncio.run` with `await peer.acall(...)`, or from sync code with `call`.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import functools
import itertools
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PEER_DIR = Path(__file__).with_name("peer")
SCRIPT = PEER_DIR / "peer.mjs"
SDK_MARKER = PEER_DIR / "node_modules" / "matrix-js-sdk" / "package.json"
MIN_NODE = 20  # the SDK asks for 22; peer.mjs polyfills the one thing 20 lacks
START_TIMEOUT = 20.0  # node + importing the SDK and the WASM crypto: ~0.5 s measured
STDERR_KEEP = 4000  # lines of the peer's log kept for a failed test's report


class PeerError(Exception):
    """The peer answered a command with an error (`details` as it gave them)."""

    def __init__(self, cmd: str, message: str, details: Any = None) -> None:
        super().__init__(f"js peer: {cmd} failed: {message}" + (f" {details}" if details else ""))
        self.cmd = cmd
        self.message = message
        self.details = details


class PeerDied(Exception):
    """The Node process ended (or never started) while we waited for it."""


@functools.cache
def missing_install() -> str | None:
    """Why the peer cannot run here (no node, too old a node, or `npm ci` not run), or None."""
    if shutil.which("node") is None:
        return "node is not installed (scripts/setup installs it)"
    version = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    try:
        major = int(version.lstrip("v").split(".")[0])
    except ValueError:
        return f"cannot tell node's version ({version!r})"
    if major < MIN_NODE:
        return f"node {version} is too old: matrix-js-sdk 43 needs node >= {MIN_NODE}"
    if not SDK_MARKER.exists():
        return (
            f"{PEER_DIR / 'node_modules'} is missing: run "
            "`npm ci --prefix tests/peer --no-audit --no-fund` (scripts/setup does it)"
        )
    return None


class JsPeer:
    """One `node peer.mjs` process: one matrix-js-sdk client once `login` has run."""

    def __init__(self, *, log_level: str = "info", env: dict[str, str] | None = None) -> None:
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[str, concurrent.futures.Future[Any]]] = {}
        self._lock = threading.Lock()
        self._events: list[dict[str, Any]] = []
        self._events_changed = threading.Condition(self._lock)
        self.stderr: collections.deque[str] = collections.deque(maxlen=STDERR_KEEP)
        self.transcript: list[str] = []  # every protocol line both ways, timestamped
        self._t0 = time.monotonic()
        self.user_id: str | None = None
        self.device_id: str | None = None
        self.process = subprocess.Popen(
            ["node", str(SCRIPT)],
            cwd=PEER_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PEER_LOG_LEVEL": log_level, **(env or {})},
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._died: str | None = None
        self._readers = [
            threading.Thread(target=self._read_stdout, name="js-peer-stdout", daemon=True),
            threading.Thread(target=self._read_stderr, name="js-peer-stderr", daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self.ready = self.wait_event("ready", timeout=START_TIMEOUT)
        self.started_in = time.monotonic() - self._t0

    # -- commands --------------------------------------------------------------------------------

    def request(self, cmd: str, **args: Any) -> concurrent.futures.Future[Any]:
        """Sends a command; the future gets its result, or PeerError / PeerDied."""
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        with self._lock:
            if self._died is not None:
                raise PeerDied(self._died_message())
            request_id = next(self._ids)
            self._pending[request_id] = (cmd, future)
        line = json.dumps({"id": request_id, "cmd": cmd, "args": args})
        self._note(">", line)
        try:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError, OSError) as e:
            with self._lock:
                self._pending.pop(request_id, None)
            raise PeerDied(f"could not write to the peer: {e}\n{self._died_message()}") from e
        return future

    def call(self, cmd: str, *, within: float | None = None, **args: Any) -> Any:
        """Sends a command and waits at most `within` seconds for its result (sync code)."""
        future = self.request(cmd, **args)
        try:
            return future.result(timeout=self._timeout(within, args))
        except concurrent.futures.TimeoutError:
            raise TimeoutError(f"js peer: no answer to {cmd} in time") from None

    async def acall(self, cmd: str, *, within: float | None = None, **args: Any) -> Any:
        """Sends a command and waits at most `within` seconds for its result, off the loop.

        By default the command's own `timeoutMs` (the peer enforces it) plus 10 s."""
        future = self.request(cmd, **args)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self._timeout(within, args))
        except TimeoutError:
            raise TimeoutError(f"js peer: no answer to {cmd} in time") from None

    @staticmethod
    def _timeout(within: float | None, args: dict[str, Any]) -> float:
        if within is not None:
            return within
        # The peer enforces the command's own timeoutMs; give it room to say so itself.
        return args.get("timeoutMs", 10_000) / 1000 + 10.0

    async def login(self, account: Any) -> dict[str, Any]:
        """Logs in a new device of a `register(...)` account (anything with homeserver, user_id,
        password); starts its sync and Rust crypto."""
        result = await self.acall(
            "login",
            homeserver=account.homeserver,
            user=account.user_id,
            password=account.password,
            within=60,
        )
        self.user_id, self.device_id = result["userId"], result["deviceId"]
        return result

    # -- unsolicited events ----------------------------------------------------------------------

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._events if kind is None or e["event"] == kind]

    def wait_event(
        self,
        kind: str,
        check: Callable[[dict[str, Any]], bool] = lambda _: True,
        timeout: float = 10.0,
    ) -> dict[str, Any]:
        """The first event of `kind` (already received or to come) for which `check` holds."""
        deadline = time.monotonic() + timeout
        with self._events_changed:
            while True:
                for event in self._events:
                    if event["event"] == kind and check(event):
                        return event
                if self._died is not None:
                    raise PeerDied(self._died_message())
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"js peer: no {kind!r} event in {timeout} s")
                self._events_changed.wait(left)

    async def next_event(
        self,
        kind: str,
        check: Callable[[dict[str, Any]], bool] = lambda _: True,
        within: float = 10.0,
    ) -> dict[str, Any]:
        """`wait_event` from async code (the wait runs in a thread)."""
        return await asyncio.to_thread(self.wait_event, kind, check, within)

    # -- lifetime --------------------------------------------------------------------------------

    def close(self, grace: float = 3.0) -> None:
        """Asks the peer to stop, then kills it if it has not ended within `grace` seconds."""
        if self.process.poll() is None and self._died is None:
            with contextlib.suppress(PeerDied):
                self.request("stop")
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        for reader in self._readers:
            reader.join(timeout=2)

    def report(self) -> str:
        """The protocol transcript and the peer's log, for a failed test's report."""
        return (
            f"node pid {self.process.pid}, exit code {self.process.poll()}\n"
            "-- protocol --\n"
            + "\n".join(self.transcript[-400:])
            + "\n-- stderr (last lines) --\n"
            + "\n".join(self.stderr)
        )

    def __enter__(self) -> JsPeer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- readers ---------------------------------------------------------------------------------

    def _note(self, direction: str, line: str) -> None:
        stamp = f"{time.monotonic() - self._t0:8.3f}"
        self.transcript.append(f"{stamp} {direction} {line[:2000]}")

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            line = line.rstrip("\n")
            if not line:
                continue
            self._note("<", line)
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                self.stderr.append(f"(stdout, not JSON) {line}")
                continue
            if "event" in message:
                with self._events_changed:
                    self._events.append(message)
                    self._events_changed.notify_all()
                continue
            with self._lock:
                cmd, future = self._pending.pop(message.get("id"), ("?", None))
            if future is None:
                self.stderr.append(f"(reply to no pending command) {line}")
            elif message.get("ok"):
                future.set_result(message.get("result"))
            else:
                future.set_exception(
                    PeerError(cmd, message.get("error", "?"), message.get("details"))
                )
        code = self.process.wait()
        with self._events_changed:
            self._died = f"the js peer exited with code {code}"
            pending = list(self._pending.values())
            self._pending.clear()
            self._events_changed.notify_all()
        for cmd, future in pending:
            if cmd != "stop":
                future.set_exception(PeerDied(f"{self._died_message()} (during {cmd})"))

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr.append(line.rstrip("\n"))

    def _died_message(self) -> str:
        tail = "\n".join(list(self.stderr)[-30:])
        return f"{self._died or 'the js peer is gone'}; its last log lines:\n{tail}"
