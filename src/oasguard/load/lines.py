"""Source lines: where in a file's text the elements named by JSON pointers are written.

Only the formats that show `file:line` pay for this (engine `diff(..., sources=True)`), and they
pay only for the pointers they ask about: JSON is walked with the C scanner along a trie of the
wanted pointers, skipping every other value without descending into it, and a pretty-printed
object the loader read goes from wanted member to wanted member by searching for their key lines;
YAML is read as libyaml's event stream (no composing, no constructing) and walked the same way.
docs/decisions.md has the measurements.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from itertools import accumulate
from pathlib import PurePosixPath

from oasguard.changes import Change, Source
from oasguard.errors import OasguardError
from oasguard.load.document import Document

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SPACES = re.compile(r" *")
#: per indentation, a line that closes an object or a list written at that indentation
_CLOSINGS: dict[str, re.Pattern[str]] = {}


class _Node:
    """One token of the wanted pointers; `line` is where its element is written, once found."""

    __slots__ = ("children", "line")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.line: int | None = None


class _AllFound(Exception):
    """Every wanted element has its line: the rest of the text need not be read."""


class _Unfound:
    """How many wanted elements have no line yet; `found` records one and stops the walk at 0."""

    __slots__ = ("left",)

    def __init__(self, root: _Node) -> None:
        self.left = -1  # the root is found first
        stack = [root]
        while stack:
            node = stack.pop()
            self.left += 1
            stack.extend(node.children.values())

    def found(self, node: _Node, line: int) -> None:
        if node.line is None:
            self.left -= 1
        node.line = line
        if not self.left:
            raise _AllFound


def _tokens(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]]


def find_lines(data: bytes, pointers: Iterable[str], parsed: object = None) -> dict[str, int | None]:
    """The 1-based line of each RFC 6901 pointer's element in `data` (JSON or YAML text).

    The line is where the key of the pointer's last token is written, or for a list item the
    item's first line. A pointer whose last tokens are not in the text gets the line of its
    deepest ancestor that is; text that cannot be read at all gives None for every pointer.
    `parsed`, the content as the loader read it, makes pretty-printed JSON faster to read.
    """
    wanted = list(dict.fromkeys(pointers))
    root = _Node()
    for pointer in wanted:
        node = root
        for token in _tokens(pointer):
            node = node.children.setdefault(token, _Node())
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # Latin-1 maps each byte to one character, so it costs nothing and every UTF-8 text survives
    # it: JSON's structure is ASCII and a newline is one byte. Keys are compared after undoing it.
    text = data.decode("latin-1")
    first = _WHITESPACE.match(text).end()  # type: ignore[union-attr]
    if not (text[first : first + 1] in ("{", "[") and _json_lines(text, root, parsed)):
        _clear(root)
        _yaml_lines(data, root)
    lines: dict[str, int | None] = {}
    for pointer in wanted:
        node, line = root, root.line
        for token in _tokens(pointer):
            child = node.children.get(token)
            if child is None or child.line is None:
                break
            node, line = child, child.line
        lines[pointer] = line
    return lines


def _clear(node: _Node) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        current.line = None
        stack.extend(current.children.values())


# --- JSON ----------------------------------------------------------------------------------------


class _Lines:
    """Line numbers of positions met in increasing order, counting each newline once."""

    __slots__ = ("_at", "_line", "_text")

    def __init__(self, text: str) -> None:
        self._text, self._at, self._line = text, 0, 1

    def __call__(self, position: int) -> int:
        if position < self._at:  # not expected; stay correct anyway
            return self._text.count("\n", 0, position) + 1
        self._line += self._text.count("\n", self._at, position)
        self._at = position
        return self._line


def _json_lines(text: str, root: _Node, parsed: object = None) -> bool:
    """Fill the trie's lines from JSON `text` (bytes read as Latin-1); False if it is not JSON
    (flow-style YAML). `parsed`, the content as the loader read it, lets pretty-printed values
    that are not wanted be jumped over instead of scanned (see `jump`)."""
    scan = json.JSONDecoder().scan_once
    from json.decoder import scanstring

    line_at = _Lines(text)
    skip = _WHITESPACE.match
    unfound = _Unfound(root)

    def value_end(position: int) -> int:
        try:
            return scan(text, position)[1]
        except StopIteration:
            raise ValueError(position) from None

    def key_at(position: int) -> tuple[str, int]:
        key, after = scanstring(text, position + 1)
        return (key if key.isascii() else _utf8(key)), after

    def jump(start: int, keys: list[str], index: int) -> int | None:
        """The end of the pretty-printed object or array at `start` (member `index` of an object
        whose keys the loader read as `keys`), found without reading it: JSON strings hold no raw
        newline, so in pretty-printed text its closing bracket is the first line indented as the
        line it opens on. What follows must be the next key (or the end of the object), else None
        and the value is scanned: text formatted otherwise never yields a wrong end."""
        opening = text[start]
        if opening not in "{[" or text[start + 1 : start + 2] != "\n":
            return None
        line = text.rfind("\n", 0, start) + 1
        indent = _SPACES.match(text, line).end() - line  # type: ignore[union-attr]
        closing = "\n" + " " * indent + ("}" if opening == "{" else "]")
        end = text.find(closing, start)
        if end < 0:
            return None
        end += len(closing)
        after = skip(text, end).end()
        if index == len(keys) - 1:
            return end if text[after : after + 1] == "}" else None
        if text[after : after + 1] != ",":
            return None
        following = skip(text, after + 1).end()
        if text[following : following + 1] != '"' or key_at(following)[0] != keys[index + 1]:
            return None
        return end

    def direct(start: int, node: _Node, value: dict[str, object]) -> int | None:
        """Find the wanted members of the pretty-printed object at `start` (the loader read it
        as `value`, which has no duplicate key) by searching for each one's key line, instead of
        reading every member: JSON strings hold no raw newline, so in pretty-printed text a
        member is the first line `"key":` indented one step deeper than the object's opening
        line after where the previous wanted member's reading stopped, and no line indented as
        the opening line closes a bracket on the way (a regex, as fast as `str.find` is slow on
        such short, frequent needles). The line found is also checked where it is: the first
        member right after the opening bracket; any other after a `,`, with the loader's
        previous key as the nearest earlier line of its indentation that starts a key. Each
        search starts where the previous member's reading stopped, so the text is searched
        about once. Returns where the reading stopped (inside the object: its end is not
        looked for, so only a walk that needs no end reads directly); None at the first check
        that fails, and the object is then read member by member (lines already recorded are
        recorded again, the same)."""
        if text[start + 1 : start + 2] != "\n":
            return None
        line = text.rfind("\n", 0, start) + 1
        outer = text[line : _SPACES.match(text, line).end()]  # type: ignore[union-attr]
        inner = text[start + 2 : _SPACES.match(text, start + 2).end()]  # type: ignore[union-attr]
        if len(inner) <= len(outer):
            return None
        closed = _CLOSINGS.get(outer) or _CLOSINGS.setdefault(outer, re.compile("\n" + outer + "[]}]"))
        keys = list(value)
        index = {key: at for at, key in enumerate(keys)}
        cursor = start
        for at, key, child in sorted((index[k], k, c) for k, c in node.children.items() if k in index):
            written = _written(key)
            needle = "\n" + inner + written + ":"
            found = text.find(needle, cursor)
            if found < 0 or closed.search(text, cursor, found) is not None:
                return None
            if at == 0:
                if found != start + 1:
                    return None
            else:
                previous = text.rfind("\n" + inner + '"', start, found)
                heading = "\n" + inner + _written(keys[at - 1]) + ":"
                if text[found - 1] != "," or previous < 0 or not text.startswith(heading, previous):
                    return None
                # the line above is the previous member's whole (its value a scalar or empty),
                # or the closing line of its value: else the line found may be inside that value
                # (`"a": {"x": 1,` then `"b": 2},` at the members' indentation)
                above = text[text.rfind("\n", 0, found) + 1 : found]
                if previous == found - len(above) - 1:
                    if above[len(heading) - 1 :].lstrip()[:1] in ("{", "[") and above[-3:-1] not in (
                        "{}",
                        "[]",
                    ):
                        return None
                elif above != inner + "}," and above != inner + "],":
                    return None
            unfound.found(child, line_at(found + 1))
            cursor = found + len(needle)
            if child.children:
                cursor = max(cursor, walk(skip(text, cursor).end(), child, value[key], False))
        return cursor

    def walk(position: int, node: _Node, value: object = None, need_end: bool = True) -> int:
        """Walk the value at `position` (no whitespace before it), which the loader read as
        `value` if known; return where it ends (or, for an object read directly when not
        `need_end`, a position inside it after everything read)."""
        opening = text[position : position + 1]
        if opening == "{":
            if not need_end and isinstance(value, dict) and value:
                reached = direct(position, node, value)
                if reached is not None:
                    return reached
            keys = list(value) if isinstance(value, dict) else None
            index = 0
            position = skip(text, position + 1).end()
            if text[position : position + 1] == "}":
                return position + 1
            while True:
                if text[position : position + 1] != '"':
                    raise ValueError(position)
                key, after = key_at(position)
                if keys is not None and (index >= len(keys) or keys[index] != key):
                    keys = None  # not what the loader read: nothing is jumped in this object
                child = node.children.get(key)
                if child is not None:
                    unfound.found(child, line_at(position))
                after = skip(text, after).end()
                if text[after : after + 1] != ":":
                    raise ValueError(after)
                start = skip(text, after + 1).end()
                if child is not None and child.children:
                    end = walk(start, child, value[key] if keys is not None else None)  # type: ignore[index]
                else:
                    end = (keys is not None and jump(start, keys, index)) or value_end(start)
                position = skip(text, end).end()
                separator = text[position : position + 1]
                if separator == "}":
                    return position + 1
                if separator != ",":
                    raise ValueError(position)
                position = skip(text, position + 1).end()
                index += 1
        if opening == "[":
            items = value if isinstance(value, list) else None
            position = skip(text, position + 1).end()
            if text[position : position + 1] == "]":
                return position + 1
            index = 0
            while True:
                child = node.children.get(str(index))
                if child is not None:
                    unfound.found(child, line_at(position))
                if child is not None and child.children:
                    inside = items[index] if items is not None and index < len(items) else None
                    end = walk(position, child, inside)
                else:
                    end = value_end(position)
                position = skip(text, end).end()
                separator = text[position : position + 1]
                if separator == "]":
                    return position + 1
                if separator != ",":
                    raise ValueError(position)
                position = skip(text, position + 1).end()
                index += 1
        return value_end(position)

    start = skip(text, 0).end()
    root.line = line_at(start)
    if not unfound.left:
        return True
    try:
        walk(start, root, parsed, False)
    except _AllFound:
        pass
    except (ValueError, RecursionError):
        return False
    finally:
        # `walk` refers to itself: unbound, the text is freed now, not by the cyclic collector
        # (which the engine turns off while it works)
        walk = None  # type: ignore[assignment]
    return True


def _written(key: str) -> str:
    """`key` as pretty-printed JSON writes it (quoted, UTF-8 read as Latin-1 like the text)."""
    written = json.dumps(key, ensure_ascii=False)
    if not written.isascii():
        written = written.encode("utf-8").decode("latin-1")
    return written


def _utf8(key: str) -> str:
    """A key read from Latin-1 text as the UTF-8 text it was (escapes such as \\u00e9 stay)."""
    try:
        return key.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return key


# --- YAML ----------------------------------------------------------------------------------------


def _yaml_lines(data: bytes, root: _Node) -> None:
    """Fill the trie's lines from YAML `data`, read as libyaml's event stream."""
    import yaml
    from yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        NodeEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
    )

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        events: list[object] = list(yaml.parse(data, Loader=loader))
    except yaml.YAMLError:  # the loader accepted this text: not expected, and no line is no error
        events = []
    anchors: dict[str, int] = {}
    # The nesting depth after each event, summed in C: the end of the collection that starts at
    # `i` is the first later event back at the depth before it (found by list.index, also in C).
    steps = {MappingStartEvent: 1, SequenceStartEvent: 1, MappingEndEvent: -1, SequenceEndEvent: -1}
    depths = list(accumulate([steps.get(type(event), 0) for event in events]))

    def end_of(index: int) -> int:
        """The index just after the node that starts at `index`."""
        if index >= len(events) or not isinstance(events[index], CollectionStartEvent):
            return index + 1
        try:
            return depths.index(depths[index] - 1, index + 1) + 1
        except ValueError:  # a stream cut short by an error
            return len(events)

    def anchored(name: str) -> int | None:
        if not anchors:
            for index, event in enumerate(events):
                if isinstance(event, NodeEvent) and not isinstance(event, AliasEvent) and event.anchor:
                    anchors.setdefault(event.anchor, index)
        return anchors.get(name)

    unfound = _Unfound(root)

    def found(child: _Node, line: int, only_missing: bool) -> bool:
        """Record `child`'s line; False when a merged mapping meets a key the mapping wrote."""
        if only_missing and child.line is not None:
            return False
        unfound.found(child, line)
        return True

    def walk(index: int, node: _Node, only_missing: bool = False, seen: frozenset[int] = frozenset()) -> int:
        """Find `node`'s children in the node that starts at `index`; return the index after it."""
        if index >= len(events):
            return index
        event = events[index]
        if isinstance(event, AliasEvent):
            target = anchored(event.anchor)
            if target is not None and target not in seen:
                walk(target, node, only_missing, seen | {target})
            return index + 1
        if isinstance(event, MappingStartEvent):
            merges: list[int] = []
            index += 1
            while index < len(events) and not isinstance(events[index], CollectionEndEvent):
                key, value = events[index], end_of(index)
                child = node.children.get(key.value) if isinstance(key, ScalarEvent) else None
                if isinstance(key, ScalarEvent) and key.value == "<<" and not key.style:
                    merges.append(value)
                if (
                    child is not None
                    and found(child, key.start_mark.line + 1, only_missing)
                    and child.children
                ):
                    index = walk(value, child, False, seen)
                else:
                    index = end_of(value)
            for value in merges:  # merge keys: only what the mapping does not write itself
                for merged in _merged(value):
                    walk(merged, node, True, seen)
            return index + 1
        if isinstance(event, SequenceStartEvent):
            index += 1
            position = 0
            while index < len(events) and not isinstance(events[index], CollectionEndEvent):
                child = node.children.get(str(position))
                line = events[index].start_mark.line + 1
                if child is not None and found(child, line, only_missing) and child.children:
                    index = walk(index, child, False, seen)
                else:
                    index = end_of(index)
                position += 1
            return index + 1
        return index + 1

    def _merged(index: int) -> list[int]:
        if index < len(events) and isinstance(events[index], SequenceStartEvent):
            items, index = [], index + 1
            while index < len(events) and not isinstance(events[index], CollectionEndEvent):
                items.append(index)
                index = end_of(index)
            return items
        return [index]

    start = next((i for i, e in enumerate(events) if isinstance(e, NodeEvent)), None)
    if start is None:
        return
    root.line = events[start].start_mark.line + 1
    try:
        walk(start, root)
    except (_AllFound, RecursionError):  # deeper than any pointer asks: the lines found so far
        pass
    finally:
        # `walk` refers to itself: unbound, the events are freed now, not by the cyclic
        # collector (which the engine turns off while it works)
        walk = None  # type: ignore[assignment]


# --- changes -------------------------------------------------------------------------------------


def with_sources(
    changes: list[Change], base: Document, revision: Document, elsewhere_only: bool = False
) -> list[Change]:
    """`changes` with `source` filled: the file and line of each one's element on its side
    (the base for something removed), each file read once per side. With `elsewhere_only`, only
    the changes whose pointer refers into another file than the entry document get one: a
    pointer means nothing without its file (SPEC 2), whatever the format."""
    entry = {True: base.spec.path.as_posix(), False: revision.spec.path.as_posix()}
    chosen = [not elsewhere_only or change.file not in ("", entry[change.in_base]) for change in changes]
    wanted: dict[tuple[bool, str], list[str]] = {}
    for change, wants in zip(changes, chosen, strict=True):
        if wants:
            wanted.setdefault((change.in_base, change.file), []).append(change.pointer)
    found: dict[tuple[bool, str], dict[str, int | None]] = {}
    for (in_base, file), pointers in wanted.items():
        document = base if in_base else revision
        path = PurePosixPath(file) if file else document.spec.path
        try:
            data = document.spec.tree.read(path)
        except OasguardError:  # read once already; a file gone since then just has no line
            found[(in_base, file)] = {}
            continue
        try:
            parsed = document.resolver.document(path)
        except KeyError:
            parsed = None
        found[(in_base, file)] = find_lines(data, pointers, parsed)
    out = []
    for change, wants in zip(changes, chosen, strict=True):
        if not wants:
            out.append(change)
            continue
        document = base if change.in_base else revision
        file = change.file or document.spec.path.as_posix()
        line = found[(change.in_base, change.file)].get(change.pointer)
        side = "base" if change.in_base else "revision"
        out.append(_sourced(change, Source(file, line, side)))
    return out


def _sourced(change: Change, source: Source) -> Change:
    """`dataclasses.replace(change, source=source)` in a quarter of the time: the fields copied
    as they are (with what `Change` made once and keeps, its order and fingerprint, which no
    source changes) instead of passed through `__init__` by name (1,750 changes: ~8 ms)."""
    sourced = object.__new__(type(change))
    fields = sourced.__dict__
    fields.update(change.__dict__)
    fields["source"] = source
    return sourced
