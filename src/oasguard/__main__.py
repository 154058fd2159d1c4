"""`python -m oasguard` and the `oasguard` script run the command line.

`oasguard --version` is answered here, before the command line is built: building it imports
typer (about 23 ms, a third of the start-up), which a version check never needs. Every other
command goes through `oasguard.cli.main`."""

from __future__ import annotations

import sys


def main() -> None:
    """Print the version for exactly `oasguard --version`, else run the command line."""
    if sys.argv[1:] == ["--version"]:
        from oasguard import __version__

        sys.stdout.write(f"oasguard {__version__}\n")
        sys.exit(0)
    from oasguard.cli import main as run

    run()


if __name__ == "__main__":
    main()
