"""Escaping of untrusted text, one function per medium: names and values from a document are
data, and each reporter escapes them here, at output, never at input."""

from __future__ import annotations

import os
import re
from functools import cache
from urllib.parse import quote


@cache
def _unsafe() -> re.Pattern[str]:
    """C0 and C1 controls, DEL, the Unicode format characters that reorder or hide text (bidi
    overrides and isolates, zero-width marks, the line and paragraph separators), lone
    surrogates, and the two noncharacters XML 1.0 cannot carry. Compiled on first use (0.5 ms):
    a JSON report never needs it."""
    return re.compile(
        "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ud800-\udfff\ufeff\ufffe\uffff]"
    )


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` on one line with every control, reordering and invisible character shown as a
    visible escape (`\\n`, `\\x1b`, `\\u202e`): what every medium starts from."""
    return _unsafe().sub(_visible, text)


def terminal(text: str) -> str:
    """`text` safe to write on one line of a terminal or a CI log: every control and
    reordering character shown as a visible escape (`\\n`, `\\x1b`, `\\u202e`), and a line that
    would start with `::` (a GitHub workflow command) prefixed so that it never does."""
    shown = visible(text)
    return " " + shown if shown.startswith("::") else shown


# Markdown and HTML: every character that Markdown or HTML gives a meaning to inside a line
# becomes a numeric character reference (`<>|&"`) or a backslash escape (the other ASCII
# punctuation), which CommonMark turns back into the character as plain text: it cannot open a
# tag, an emphasis, a code span, a link or math, nor end a table cell (GFM splits a row on `|`
# before it decodes references). `@` and `#` get a word joiner after them so that no `@team`
# mention or `#123` reference is made, and `://` and `www.` one inside them so that no bare URL
# becomes a link (GitHub makes those in the rendered text, after references are decoded, so an
# escape alone would not stop them). Text is made one line first (`visible`).
@cache
def _markdown_special() -> re.Pattern[str]:
    """Compiled on first use: a JSON report never needs it."""
    return re.compile(r'[\\`*_\[\]<>|~&"$@#]|://|(?i:www)\.')


_MARKDOWN_ENTITY = {
    **{char: "\\" + char for char in "\\`*_[]~$"},  # a backslash escape: shorter, as safe
    **{char: f"&#{ord(char)};" for char in '<>|&"'},
}
_WORD_JOINER = "\u2060"


def _markdown_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in "@#":
        return char + _WORD_JOINER
    if len(char) > 1:  # `://` or `www.`: GitHub would make a link of a bare URL
        return char[:-1] + _WORD_JOINER + char[-1]
    return _MARKDOWN_ENTITY[char]


def markdown(text: str) -> str:
    """`text` as inline Markdown (GitHub Flavored, a table cell included) and HTML that shows
    exactly these characters on one line: no tag, emphasis, link, code, math, table cell,
    mention or issue reference can come from it."""
    return _markdown_special().sub(_markdown_char, visible(text))


def url_path(path: str) -> str:
    """A file path as the path part of a URL: percent-encoded but for `/`, from the bytes the file
    system names it by (a name not in UTF-8, `caf\\xe9.yaml`, is `caf%E9.yaml`)."""
    return quote(os.fsencode(path), safe="/")


def url(prefix: str) -> str:
    """A URL given by the caller, with nothing in it that could end a Markdown link
    destination or an HTML attribute (spaces, parentheses, quotes, angle brackets, controls)."""
    return quote(prefix, safe=":/?#[]@!$*+,;=%~.-_")


def workflow_data(text: str) -> str:
    """The message of a GitHub workflow command (`::error ...::MESSAGE`), per GitHub's rules
    (`%`, CR, LF percent-encoded), after every control character is made visible."""
    return visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A property value of a GitHub workflow command (`file=`, `title=`): the data escaping
    and also `:` and `,`, which would end the value."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


def xml(text: str) -> str:
    """`text` that XML 1.0 can carry (the XML writer escapes `<`, `&` and quotes): controls,
    lone surrogates and noncharacters shown as visible escapes."""
    return visible(text)
