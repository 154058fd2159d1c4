"""Escaping of untrusted text, one function per medium: names and values from a document are
data, and each reporter escapes them here, at output, never at input."""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, and the Unicode format characters that reorder or hide text
#: (bidi overrides and isolates, zero-width marks, the line and paragraph separators)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """`text` safe to write on one line of a terminal or a CI log: every control and
    reordering character shown as a visible escape (`\\n`, `\\x1b`, `\\u202e`), and a line that
    would start with `::` (a GitHub workflow command) prefixed so that it never does."""
    shown = _UNSAFE.sub(_visible, text)
    return " " + shown if shown.startswith("::") else shown
