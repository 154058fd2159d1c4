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
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(_AFTER_KILL)
            raise
        finally:
            with self._lock:
                self._process = None

    def _wait(self, process: subprocess.Popen[bytes], timeout: float | None) -> Finished:
        """Wait for the process itself, not for its pipes to close: what it left running in the
        background (a server it started) is killed with its group once it ends, and would
        otherwise hold stdout open until the deadline."""
        out, err = _Drain(process.stdout), _Drain(process.stderr)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            return Finished(None, out.result(), err.result())
        _kill(process)  # the group: whatever the command left running ends with it
        if self._cancelled:
            raise Cancelled
        return Finished(process.returncode, out.result(), err.result())


class _Drain:
    """Reads a pipe to its end on a thread of its own (two pipes read by one thread can block
    each other when a process fills the one not being read)."""

    def __init__(self, stream) -> None:
        self._chunks: list[bytes] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        with contextlib.suppress(OSError, ValueError):
            for chunk in iter(lambda: stream.read1(1 << 16), b""):
                self._chunks.append(chunk)
        with contextlib.suppress(OSError):
            stream.close()

    def result(self) -> bytes:
        """What was read; once the group is killed the pipe closes at once, unless a process
        that left the group holds it: then what came until _AFTER_KILL."""
        self._thread.join(_AFTER_KILL)
        return b"".join(self._chunks)


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
