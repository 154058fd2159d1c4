"""The one error family for "the run could not be done"; only the CLI turns it into exit 2."""

from __future__ import annotations


class OasguardError(Exception):
    """A run that cannot be done: bad usage, unreadable or invalid input, a refused `$ref`."""


class UsageError(OasguardError):
    """The command line asks for something that does not exist."""


class LoadError(OasguardError):
    """A document cannot be read, parsed, resolved or understood."""


class RefError(LoadError):
    """A `$ref` is dangling, cyclic with no content, remote, or leaves the root."""


class SourceError(OasguardError):
    """A file or git revision cannot be found or read."""
