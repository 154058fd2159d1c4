"""`python -m oasguard` runs the command line."""

from oasguard.cli import main

main()
