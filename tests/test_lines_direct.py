"""Source lines in pretty-printed JSON read directly: a wanted member's key line is searched for
instead of every member being read, and the lines are those of the member-by-member reading."""

from __future__ import annotations

import json
import json.decoder
import random

import pytest

from conftest import CORPUS
from oasguard.load.lines import find_lines

DOCUMENTS = [
    "twilio/2.6.5/twilio_messaging_v1.json",
    "discord/2026-07-10_0004ce1/openapi.json",
    "box/2026-06-10_7aacb82/openapi.json",
]


def _pointers(document: object, objects_only: bool) -> list[str]:
    """Every element's pointer (only through objects if `objects_only`), in document order."""
    out: list[str] = []
    stack: list[tuple[str, object]] = [("", document)]
    while stack:
        pointer, value = stack.pop()
        out.append(pointer)
        if isinstance(value, dict):
            members = [(k.replace("~", "~0").replace("/", "~1"), v) for k, v in value.items()]
        elif isinstance(value, list) and not objects_only:
            members = [(str(i), v) for i, v in enumerate(value)]
        else:
            continue
        stack.extend((f"{pointer}/{token}", v) for token, v in reversed(members))
    return out


def _key_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the keys the member-by-member reading reads (it reads each with `scanstring`)."""
    reads = [0]
    scan = json.decoder.scanstring

    def counted(*args: object) -> tuple[str, int]:
        reads[0] += 1
        return scan(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(json.decoder, "scanstring", counted)
    return reads


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "MANIFEST.json").exists(), reason="no corpus here")
@pytest.mark.parametrize("name", DOCUMENTS)
def test_real_documents_give_the_lines_of_the_member_by_member_reading(name):
    """200 pointers drawn from every element of a real document (lists, escapes, missing tails
    and all), found with the loader's content (direct) and without (read member by member)."""
    data = (CORPUS / name).read_bytes()
    document = json.loads(data)
    everything = _pointers(document, objects_only=False)
    drawn = random.Random(24).sample(everything, 200)
    drawn += [pointer + "/missing/tail" for pointer in drawn[:20]]
    direct = find_lines(data, drawn, document)
    assert direct == find_lines(data, drawn)
    assert all(line is not None for line in direct.values())


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "MANIFEST.json").exists(), reason="no corpus here")
def test_a_pretty_printed_document_is_read_without_reading_its_members(monkeypatch):
    """Pointers through objects only: with the loader's content no key is read one by one (the
    walk goes from wanted member to wanted member); without it, thousands are."""
    data = (CORPUS / DOCUMENTS[1]).read_bytes()
    document = json.loads(data)
    wanted = random.Random(7).sample(_pointers(document, objects_only=True), 300)
    reads = _key_reads(monkeypatch)
    direct = find_lines(data, wanted, document)
    assert reads[0] == 0
    assert direct == find_lines(data, wanted)
    assert reads[0] > 1000


INLINE_MEMBERS = b"""\
{
  "a": {
    "p": 1, "q": 2
  },
  "b": {
    "p": 3,
    "q": 4
  }
}
"""

SHIFTED = b"""\
{
  "a": {
    "p": 1,
      "q": 2
  },
  "c": {
    "p": 5
    ,
    "q": 6
  }
}
"""


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        # `q` of `a` is on `p`'s line: the first `"q":` line at its indentation is `b`'s, after
        # `a` closed (and after the same key `p`): refused, `a` is read member by member
        (INLINE_MEMBERS, {"/a/q": 3, "/b/q": 7}),
        # `q` of `a` is indented deeper: the first `"q":` line at its indentation is `c`'s,
        # after `a` closed: refused; `c`'s own `q` follows a `,` alone on its line
        (SHIFTED, {"/a/q": 4, "/c/q": 9}),
    ],
    ids=["member-on-a-shared-line", "member-indented-otherwise"],
)
def test_text_formatted_otherwise_is_read_member_by_member(text, lines):
    parsed = json.loads(text)
    assert find_lines(text, list(lines), parsed) == lines
    assert find_lines(text, list(lines)) == lines
    # alone: no later wanted member whose search would fail and send the whole text back to
    # the member-by-member reading
    assert find_lines(text, ["/a/q"], parsed) == {"/a/q": lines["/a/q"]}


@pytest.mark.parametrize(
    "text",
    [
        '{\n  "a": {"x": 1,\n  "b": 2},\n  "b": 3\n}\n',
        '{\n  "a": {"x": {"y": 1},\n  "b": 2},\n  "b": 3\n}\n',
        '{\n  "a": {"x": 1, "y": [2],\n  "b": 2},\n  "b": 3\n}\n',
    ],
    ids=["scalar-first", "object-first", "two-first"],
)
def test_a_member_line_inside_the_previous_value_is_not_taken_for_the_member(text):
    """The line found for `b` follows a `,` at the members' indentation, and the nearest key line
    above it is `a`'s; but it is inside `a`'s value, which opened on `a`'s line: `b` is line 4."""
    parsed = json.loads(text)
    assert find_lines(text.encode(), ["/a", "/b"], parsed) == {"/a": 2, "/b": 4}
    assert find_lines(text.encode(), ["/a", "/b"]) == {"/a": 2, "/b": 4}
