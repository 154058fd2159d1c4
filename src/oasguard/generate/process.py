"""A generator's child process: run with a deadline in its own process group, killed whole on
timeout, on Ctrl-C or when the other side fails; and what its stderr says, made short."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

#: how long to wait for a killed process group's pipes to close
_AFTER_KILL = 5.0
#: lines of a failed command's stderr shown, and the characters of each
TAIL_LINES = 10
_LINE_CHARS = 300


class Cancelled(Exception):
    """The child was stopped from another thread (Ctrl-C, or the other side failed)."""


@dataclass(frozen=True)
class Finished:
    """What a child did: its exit status (None: killed at the deadline), stdout and stderr."""

    status: int | None
    stdout: bytes
    stderr: bytes

    @property
    def timed_out(self) -> bool:
        return self.status is None


class Child:
    """Runs one process at a time and can stop it from any thread. Each process leads a new
    process group (session), so that killing it also kills what it started (a shell's children,
    a build tool's workers), and a terminal's Ctrl-C reaches oasguard alone, which then kills it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._cancelled = False

    def cancel(self) -> None:
        """Stop the running process (its whole group) and refuse to start another."""
        with self._lock:
            self._cancelled = True
            if self._process is not None:
                _kill(self._process)

    def run(
        self,
        args: list[str] | str,
        cwd: Path,
        env: dict[str, str],
        timeout: float | None,
        shell: bool = False,
    ) -> Finished:
        """Run `args` in `cwd` with `env`, nothing on stdin; killed (its group) past `timeout`."""
        with self._lock:
            if self._cancelled:
                raise Cancelled
            self._process = process = subprocess.Popen(
                args,
                shell=shell,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                **_NEW_GROUP,
            )
        try:
            return self._wait(process, timeout)
        except BaseException:  # Ctrl-C in this thread: the group must not outlive oasguard
            _kill(process)
            _collect(process)
            raise
        finally:
            with self._lock:
                self._process = None

    def _wait(self, process: subprocess.Popen[bytes], timeout: float | None) -> Finished:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            out, err = _collect(process)
            return Finished(None, out, err)
        if self._cancelled:
            raise Cancelled
        return Finished(process.returncode, out, err)


_NEW_GROUP: dict = (
    {"start_new_session": True}
    if os.name == "posix"
    else {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill `process` and its process group (on POSIX; the process alone elsewhere)."""
    if process.poll() is None or os.name == "posix":
        with contextlib.suppress(OSError):
            if os.name == "posix":
                os.killpg(process.pid, signal.SIGKILL)
            else:  # pragma: no cover - Windows
                process.kill()


def _collect(process: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    """What a killed process wrote; given up when a process that left its group keeps the pipes."""
    try:
        return process.communicate(timeout=_AFTER_KILL)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        for stream in (process.stdout, process.stderr):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(_AFTER_KILL)
        return b"", b""


def tail(stderr: bytes, count: int = TAIL_LINES) -> list[str]:
    """The last `count` non-blank lines of `stderr`, each cut to a readable length. A Python
    traceback is kept to its last frame and the exception: the line that says what failed, and
    where, rather than the frames of the framework that called it."""
    rows = [row.rstrip() for row in stderr.decode("utf-8", "replace").splitlines() if row.strip()]
    for at in range(len(rows) - 1, -1, -1):
        if rows[at].startswith("Traceback (most recent call last)"):
            after = rows[at + 1 :]
            frames = [i for i, row in enumerate(after) if row.lstrip().startswith('File "')]
            rows = rows[:at] + (after[frames[-1] :] if frames else after)
            break
    return [row if len(row) <= _LINE_CHARS else row[: _LINE_CHARS - 1] + "…" for row in rows[-count:]]
