"""The one error family for "the run could not be done"; only the CLI turns it into exit 2."""

from __future__ import annotations

import reprlib

_BRIEF = reprlib.Repr()
_BRIEF.maxstring = _BRIEF.maxother = 60
_BRIEF.maxdict = _BRIEF.maxlist = _BRIEF.maxtuple = _BRIEF.maxset = 4
_BRIEF.maxlevel = 3


def brief(value: object) -> str:
    """A value as a one-line message may show it: short, whatever its size (a YAML alias tree
    of millions of nodes is never written out in full)."""
    text = _BRIEF.repr(value).replace("\n", " ")
    return text if len(text) <= 100 else text[:97] + "..."


def brief_path(path: object, limit: int = 200) -> str:
    """A path as a one-line message names it: whole up to `limit` characters, else its start and
    its end with `...` between (the end names the file)."""
    text = str(path)
    if len(text) <= limit:
        return text
    keep = (limit - 3) // 2
    return f"{text[:keep]}...{text[-keep:]}"


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


class MissingFileError(SourceError):
    """The file is not there (at that revision, or on disk): for a caller, a document that is new."""
