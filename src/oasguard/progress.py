"""A spinner on stderr for runs that take a while: only on a terminal, never in pipes or CI logs."""

from __future__ import annotations

import os
import sys
import threading
from types import TracebackType

from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

#: Seconds before the spinner appears: quick runs never show one.
DELAY = 1.0


def wanted() -> bool:
    """Show progress only to a person watching a terminal."""
    return sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class Progress:
    """Remembers the current stage; after DELAY seconds shows it with a rich spinner on stderr."""

    def __init__(self) -> None:
        self.enabled = wanted()
        #: OASGUARD_PROGRESS_AFTER=0 shows it at once (how the tests see it on a quick run)
        self._delay = float(os.environ.get("OASGUARD_PROGRESS_AFTER", DELAY))
        self._stage = "working"
        self._lock = threading.Lock()
        self._status: Any = None
        self._timer: threading.Timer | None = None
        self._stopped = False

    def __call__(self, stage: str) -> None:
        with self._lock:
            self._stage = stage
            if self._status is not None:
                self._status.update(f"oasguard: {stage}")

    def __enter__(self) -> Progress:
        if self.enabled and self._delay <= 0:
            self._show()
        elif self.enabled:
            self._timer = threading.Timer(self._delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def _show(self) -> None:
        from rich.console import Console

        with self._lock:
            if self._stopped:
                return
            console = Console(file=sys.stderr)
            self._status = console.status(f"oasguard: {self._stage}")
            self._status.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        with self._lock:
            self._stopped = True
            if self._timer is not None:
                self._timer.cancel()
            if self._status is not None:
                self._status.stop()
