"""`python -m oasguard` and the `oasguard` script run the command line.

`oasguard --version` is answered here, before the command line is built: building it imports
typer (about 23 ms, a third of the start-up), which a version check never needs. Every other
command goes through `oasguard.cli.main`.

A run builds two graphs of millions of objects that all live until it ends, and the process
ends right after. So the command line runs with the cyclic garbage collector off, and leaves
with `os._exit` once its output is flushed: freeing the graphs, or collecting them (the graphs
hold cycles, so the collector would have to trace every object), is work no one waits for. On
the Stripe pair that is 0.1 s of 0.7 s (docs/performance.md). Nothing is left behind by it:
temporary folders and child processes are closed by the `with` blocks that opened them.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys


def main() -> None:
    """Print the version for exactly `oasguard --version`, else run the command line."""
    _standard_output()
    if sys.argv[1:] == ["--version"]:
        from oasguard import __version__

        sys.stdout.write(f"oasguard {__version__}\n")
        sys.exit(0)
    gc.disable()
    from oasguard import codecache

    codecache.install()  # before any dataclass is built: their methods compiled in an earlier run
    # `pathlib` imports `urllib.parse`, which imports `ipaddress` (6 M instructions) only to check
    # a URL's bracketed host, which no diff reads, and `warnings` only for what is deprecated
    codecache.without("urllib.parse", "ipaddress", "warnings")
    # and `pathlib` imports `ntpath` (3 M, with its failing imports of Windows' modules) for
    # Windows paths, `fnmatch` for `glob`: a diff's paths are this system's, and it globs nothing
    # (from 3.12 pathlib calls `fnmatch` as it is imported, and from 3.13 it is a package whose
    # modules would keep the stand-ins: left as it is there)
    if sys.version_info < (3, 12):
        codecache.without("pathlib", "ntpath", "fnmatch", "warnings")
    codecache.uuid_without_platform()  # orjson imports `uuid`
    codecache.datetime_from_c()  # and `datetime`
    from oasguard.cli import main as run

    try:
        run()
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    _leave(code)


def _standard_output() -> None:
    """A report needs a standard output that can carry it. Closed (`oasguard diff A B >&-`): a
    one-line error, exit 2. In an encoding other than UTF's (`PYTHONIOENCODING=latin-1`, the C
    locale without UTF-8 mode), a character it lacks (a location's `›`, a name from a document) is
    written as a backslash escape, which JSON reads back as that character."""
    if sys.stdout is None:
        if sys.stderr is not None:
            sys.stderr.write("oasguard: standard output is closed\n")
            sys.stderr.flush()
        os._exit(2)
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("_", "-")
    if not encoding.startswith("utf") and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")


def _leave(code: object) -> None:
    """Exit with `code` as `sys.exit` would, without the interpreter's clean-up of its objects."""
    if code is not None and not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    try:
        sys.stdout.flush()
    except OSError:  # the reader went away (`| head`): what it read is all it wanted
        code = code or 1
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    from oasguard import codecache

    # after the output: no one waits for it; the modules only of a run read without typer (a plain
    # diff, what CI and hooks run), not those of help or `explain`, which a diff would then read
    codecache.save(modules="typer" not in sys.modules)
    os._exit(code or 0)


if __name__ == "__main__":
    main()
