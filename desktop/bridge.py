"""Protocol ↔ Qt: runs work on the protocol thread and turns its typed changes into Qt signals."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from cercle.protocol.changes import (
    Change,
    IdentityChanged,
    OutboxChanged,
    ReceiptsChanged,
    RoomsChanged,
    SessionEnded,
    SyncStateChanged,
    TimelineAppended,
    TimelineReplaced,
    TypingChanged,
    UploadProgress,
)
from cercle.protocol.runtime import ProtocolThread

log = logging.getLogger(__name__)
T = TypeVar("T")


class Bridge(QObject):
    """The only door between the UI thread and the protocol thread.

    Work goes out with `run(coro, on_success, on_failure)` (Anki-style operations); results and
    changes come back through the UI loop's `call_soon_threadsafe`, so no Qt object is ever
    touched from the protocol thread.
    """

    roomsChanged = Signal(object)  # RoomsChanged
    timelineAppended = Signal(object)  # TimelineAppended
    timelineReplaced = Signal(object)  # TimelineReplaced
    outboxChanged = Signal(object)  # OutboxChanged
    uploadProgress = Signal(object)  # UploadProgress
    syncStateChanged = Signal(object)  # SyncStateChanged
    sessionEnded = Signal(object)  # SessionEnded
    identityChanged = Signal(object)  # IdentityChanged
    receiptsChanged = Signal(object)  # ReceiptsChanged
    typingChanged = Signal(object)  # TypingChanged

    _SIGNALS: dict[type, str] = {  # noqa: RUF012 - a class-level routing table
        RoomsChanged: "roomsChanged",
        TimelineAppended: "timelineAppended",
        TimelineReplaced: "timelineReplaced",
        OutboxChanged: "outboxChanged",
        UploadProgress: "uploadProgress",
        SyncStateChanged: "syncStateChanged",
        SessionEnded: "sessionEnded",
        IdentityChanged: "identityChanged",
        ReceiptsChanged: "receiptsChanged",
        TypingChanged: "typingChanged",
    }

    def __init__(
        self,
        protocol: ProtocolThread,
        ui_loop: asyncio.AbstractEventLoop,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._protocol = protocol
        self._ui_loop = ui_loop
        self._closed = False

    # -- changes, from the protocol thread --------------------------------------------------

    def publish(self, change: Change) -> None:
        """Called on the protocol thread; the matching signal fires on the UI thread."""
        self._ui_loop.call_soon_threadsafe(self._emit, change)

    def in_ui(self, callback: Callable[..., None]) -> Callable[..., None]:
        """Wraps `callback` so that calling it from the protocol thread runs it on the UI thread
        (progress reports of a long operation); dropped once the bridge is closed."""

        def later(*args: Any) -> None:
            self._ui_loop.call_soon_threadsafe(lambda: None if self._closed else callback(*args))

        return later

    def _emit(self, change: Change) -> None:
        if self._closed:
            return
        getattr(self, self._SIGNALS[type(change)]).emit(change)

    # -- operations, from the UI thread ------------------------------------------------------

    def run(
        self,
        coro: Coroutine[Any, Any, T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> concurrent.futures.Future[T]:
        """Runs `coro` on the protocol loop; the callbacks run on the UI thread afterwards."""
        return self.watch(self._protocol.submit(coro), on_success, on_failure)

    def watch(
        self,
        future: concurrent.futures.Future[T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> concurrent.futures.Future[T]:
        """As `run`, for work already submitted to the protocol loop (the early profile open)."""

        def done(f: concurrent.futures.Future[T]) -> None:
            self._ui_loop.call_soon_threadsafe(self._deliver, f, on_success, on_failure)

        future.add_done_callback(done)
        return future

    def _deliver(self, future, on_success, on_failure) -> None:
        if self._closed or future.cancelled():
            return
        error = future.exception()
        if error is None:
            if on_success is not None:
                on_success(future.result())
        elif on_failure is not None:
            on_failure(error)
        else:
            log.error("background operation failed", exc_info=error)

    def close(self) -> None:
        """Drops whatever is still in flight: the UI is going away."""
        self._closed = True
