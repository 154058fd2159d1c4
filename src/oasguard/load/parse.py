"""Parse bytes as JSON or YAML by their content, refusing what would exhaust time or memory, and
reading YAML as OpenAPI means it (YAML 1.2 core schema, string keys, no duplicate keys)."""

from __future__ import annotations

import json
import re

import orjson

from oasguard.errors import LoadError, brief
from oasguard.static import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import ClassVar

#: At most this many nodes once YAML aliases are expanded (a "billion laughs" stops here).
MAX_EXPANDED_NODES = 5_000_000
#: At most this many keys copied by YAML merge keys (`<<`) in one document: a chain of mappings,
#: each merging the one before, copies a quadratic number of keys (PyYAML dedupes repeated aliases
#: in one merge since 6.0.4, not chains).
MAX_MERGED_KEYS = 100_000
#: Integers longer than this many bits (about Python's 4,300-digit conversion limit) are refused:
#: nothing could print or compare them in decimal without that limit.
MAX_INT_BITS = 14_000
#: an anchor's name as libyaml reads it, and as YAML 1.2 allows it (any but space and `[]{},`)
_ANCHORS = (re.compile(rb"&([0-9A-Za-z_-]+)"), re.compile(rb"&([^\s\[\]{},]+)"))
#: past this many anchor names the text is not worth reading further: the walk decides
_MANY_ANCHORS = 512

#: (byte-order mark, codec); UTF-32 first: its little-endian mark starts like UTF-16's
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def parse(data: bytes, name: str) -> object:
    """The data structure in `data`; LoadError naming `name` (and the line) if it is not one."""
    data = _utf8(data, name)
    stripped = data.lstrip()
    if not stripped:
        raise LoadError(f"{name}: empty document")
    if stripped[:1] in (b"{", b"["):
        try:
            return _parse_json(data, name)
        except RecursionError:
            raise LoadError(f"{name}: nested too deeply") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            json_error = error  # YAML flow style also starts with "{": give YAML a chance
        try:
            return _parse_yaml(data, name)
        except _YamlValueError:
            raise  # YAML in flow style, read as far as its values: its own error is the one to give
        except LoadError:
            if isinstance(json_error, json.JSONDecodeError):
                raise LoadError(f"{name}:{json_error.lineno}: invalid JSON ({json_error.msg})") from None
            raise
    return _parse_yaml(data, name)


def _utf8(data: bytes, name: str) -> bytes:
    """`data` as UTF-8 without a byte-order mark. JSON and YAML may also be UTF-16 or UTF-32 (told
    by a mark or by the NULs around the first ASCII character); those are decoded here, first, so
    that every later check (aliases, budgets) reads characters, not bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    codec, skip = None, 0
    for mark, candidate in _BOMS:
        if data.startswith(mark):
            codec, skip = candidate, len(mark)
            break
    else:
        head = data[:4]
        if len(head) == 4 and head[:3] == b"\0\0\0" and head[3]:
            codec = "utf-32-be"
        elif len(head) == 4 and head[0] and head[1:] == b"\0\0\0":
            codec = "utf-32-le"
        elif len(head) >= 2 and not head[0] and head[1]:
            codec = "utf-16-be"
        elif len(head) >= 2 and head[0] and not head[1]:
            codec = "utf-16-le"
    if codec is None:
        return data
    try:
        return data[skip:].decode(codec).encode("utf-8")
    except UnicodeError as error:
        where = f"{error.reason} at byte {error.start}"
        raise LoadError(f"{name}: not valid {codec.upper()} text ({where})") from None


# -- JSON ------------------------------------------------------------------------------------------


class _Refused(Exception):
    """Raised by the JSON hooks: the fast parse found something that is not a faithful JSON value."""


def _unique(pairs: list[tuple[str, object]]) -> dict:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _Refused
    return mapping


def _constant(text: str) -> object:
    raise _Refused


def _parse_json(data: bytes, name: str) -> object:
    document = _read_fast(data)
    if document is not None:
        return document
    try:
        return json.loads(data, object_pairs_hook=_unique, parse_constant=_constant)
    except _Refused:
        pass
    except json.JSONDecodeError:
        raise
    except ValueError:  # an integer longer than Python converts
        pass
    line, problem = _json_problem(data.decode("utf-8", "replace"))
    raise LoadError(f"{name}:{line}: invalid JSON ({problem})")


_MANTISSA = frozenset(b"-.0123456789")


def _read_fast(data: bytes) -> object | None:
    """The document in `data` read by orjson, when that read is provably the standard parser's
    (then with no duplicate key, NaN or Infinity); else None, and the standard parser reads it,
    or says what is wrong. Half the time of `json.loads` with the duplicate-key hook, which alone
    costs a third of a parse (docs/performance.md, issue 24).

    orjson refuses NaN, Infinity, numbers it cannot hold as a double, and text that is not
    JSON; but it keeps the last of two equal keys, and reads an integer beyond 64 bits as a float.
    Both are caught by writing the document back, in one of two ways:
    - laid out as orjson lays out (two spaces an indent, `"key": value`, which most documents
      are: GitHub, Stripe, Kubernetes), written back so and compared (`_respelled`): the text is
      that one spelled otherwise only in its blanks and escapes, so it holds the same members and
      the same numbers, spelled alike (a key dropped, or an integer made a float, is a difference
      of another kind);
    - otherwise compactly: a colon outside strings ends a key, so the `:` bytes of a text are its
      keys plus the colons in its strings. The document written back has one per key it kept, and
      the same strings: fewer `:` bytes than the text exactly when a key was dropped (its colon,
      and any in its value, are gone). A colon escaped as `\\u003a` would count in one and not
      the other: such a text is left to the standard parser. A float orjson makes of an integer
      beyond 64 bits is at least 2⁶³, which it writes as `9.223372036854776e+18`: a document
      written back with a number in that form (a float that large, or what looks like one in a
      string) is left to the standard parser too."""
    try:
        document = orjson.loads(data)
        if (
            data[:5] == _LAID_OUT
            and data.find(b"\n\n", 0, _LOOK) == -1
            and _respelled(data, orjson.dumps(document, option=orjson.OPT_INDENT_2))
        ):
            return document
        if _colon_escaped(data):
            return None
        written = orjson.dumps(document)
    except (ValueError, TypeError, RecursionError):  # the standard parser says what is wrong
        return None
    if written == data:
        return document
    if written.count(b":") != data.count(b":") or _large_number(written):
        return None
    return document


#: how a text laid out as orjson's `OPT_INDENT_2` starts
_LAID_OUT = b'{\n  "'
#: a blank line, which orjson never writes, looked for in the first `_LOOK` bytes: Stripe's
#: (Ruby's `pretty_generate`) are inside every empty list, where its text differs from orjson's
#: layout (one difference in 5 KB, about 50,000 instructions each to find): its colons are
#: counted for less
_LOOK = 65536
#: blanks between tokens: what JSON allows, and what orjson writes
_BLANKS = re.compile(rb"[ \t\r\n]*")
#: one escape in a string: a surrogate pair as one, so that it decodes to one character
_ESCAPE = re.compile(
    rb'\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|["\\/bfnrt])'
)
#: the first stretch compared whole after a difference (then doubled while equal)
_STRETCH = 1024
#: at most one difference per this many bytes of the text (then the colons decide)
_BYTES_A_DIFFERENCE = 1024
_NEWLINE, _BACKSLASH = ord("\n"), ord("\\")
_LINE_BLANKS = frozenset(b"\t\r\n")


def _respelled(text: bytes, written: bytes) -> bool:
    """Whether the JSON text `text` is `written` (orjson's text of what it read from `text`)
    spelled otherwise only in blanks between tokens and in escapes within strings.

    The two are compared a stretch at a time (`startswith` of a view: `memcmp`, no copy), a
    difference found by halving the stretch that holds it. At a difference both texts have read
    the same so far, so both are outside a string or inside one, at the same point of it:
    - a tab, CR or line feed is never inside a string (JSON has them escaped there), so where
      the text has one, or orjson's a line feed, both are between tokens: the blanks are skipped
      in both;
    - a backslash is always inside a string, and starts an escape when an even number of
      backslashes precede it: the character it decodes to must be what `written` holds there,
      as orjson writes it.
    Any other difference (a member missing, a number spelled otherwise) answers False, and so do
    more differences than one per `_BYTES_A_DIFFERENCE` bytes (a text laid out another way)."""
    if text == written:
        return True
    view = memoryview(written)
    starts = text.startswith
    i = j = 0
    last = len(written)
    left = len(text) // _BYTES_A_DIFFERENCE + 16
    stretch = _STRETCH
    while j < last:
        if starts(view[j : j + stretch], i):  # no copy of a long stretch
            i += stretch
            j += stretch
            stretch += stretch
            continue
        low, high = i, i + stretch  # text[:low] is written's equal, text[:high] is not
        shift = j - i
        while high - low > 1:  # short copies compared: cheaper than views
            middle = (low + high) >> 1
            if text[low:middle] == written[low + shift : middle + shift]:
                low = middle
            else:
                high = middle
        i = low
        j = low + shift
        left -= 1
        if i >= len(text) or not left:
            return False
        byte = text[i]
        if byte in _LINE_BLANKS or written[j] == _NEWLINE:
            i = _BLANKS.match(text, i).end()
            j = _BLANKS.match(written, j).end()
        elif byte == _BACKSLASH and _starts_escape(text, i):
            escape = _ESCAPE.match(text, i)
            if escape is None:
                return False
            try:
                spelled = orjson.dumps(json.loads(b'"' + escape.group() + b'"'))[1:-1]
            except (ValueError, TypeError):  # a lone surrogate: orjson writes none
                return False
            if not written.startswith(spelled, j):
                return False
            i = escape.end()
            j += len(spelled)
        else:
            return False
        stretch = _STRETCH
    return i >= len(text) or _BLANKS.match(text, i).end() == len(text)


def _starts_escape(text: bytes, at: int) -> bool:
    """Whether the backslash at `at`, in a string, starts an escape: an even number of
    backslashes before it (a run of them pairs up from its first)."""
    start = at
    while start and text[start - 1] == _BACKSLASH:
        start -= 1
    return (at - start) % 2 == 0


def _colon_escaped(data: bytes) -> bool:
    """Whether `data` writes a colon as an escape (`\\u003a`), the one way a colon of the text is
    not a `:` byte: found from its backslashes while they are few (Stripe: 1,463 in 4 MB, about
    3,000 instructions each), then from the rare `\\u003` (`bytes.find`: 1.9 instructions a byte,
    where a compiled pattern takes 5)."""
    return _found(data, b"\\u003", 0, _escapes_a_colon, _BYTES_A_BACKSLASH)


def _escapes_a_colon(data: bytes, at: int) -> bool:
    """Whether the `\\u003` at `at` is `\\u003a` (or `A`)."""
    return data[at + 5 : at + 6] in (b"a", b"A")


#: the backslashes looked at one by one: one per this many bytes of the text, then a search
_BYTES_A_BACKSLASH = 2048


def _large_number(written: bytes) -> bool:
    """Whether compact JSON `written` holds a number written with a positive exponent (or text
    that looks like one: `:9.2e+18` in a string). Found from the `+` bytes while they are few:
    `bytes.find(b"e+")` (a two-byte needle, searched without `memchr`) costs about 4 instructions
    a byte, 10.9 M for a Kubernetes document written back, the `+` 2.8 M for its 991 (about 2,800
    each: one per 700 bytes is where the search is as cheap, so past one per 2,048 bytes the rest
    is searched)."""
    return _found(written, b"e+", 1, _exponent_at, _BYTES_A_PLUS)


def _found(text: bytes, needle: bytes, offset: int, holds: Callable[[bytes, int], bool], every: int) -> bool:
    """Whether `needle` is in `text` somewhere `holds(text, at)` (`at` where it starts). Found from
    the bytes `needle[offset]`, each by `memchr` (a one-byte needle), while they are no more than
    one per `every` bytes of the text; past that, from `needle` searched (`bytes.find` of a longer
    needle runs without `memchr`, 2 to 4 instructions a byte) from the byte not looked at yet."""
    byte = needle[offset : offset + 1]
    find = text.find
    at = find(byte)
    for _ in range(len(text) // every + 1):
        if at == -1:
            return False
        start = at - offset
        if start >= 0 and text.startswith(needle, start) and holds(text, start):
            return True
        at = find(byte, at + 1)
    if at == -1:
        return False
    at = find(needle, max(at - offset, 0))
    while at != -1:
        if holds(text, at):
            return True
        at = find(needle, at + len(needle))
    return False


def _exponent_at(written: bytes, at: int) -> bool:
    """Whether the `e+` at `at` ends a number's mantissa: a number that starts the text or
    follows `:`, `,` or `[`."""
    start = at
    while start and written[start - 1] in _MANTISSA:
        start -= 1
    return not start or written[start - 1] in b":,["


#: the `+` bytes looked at one by one: one per this many bytes of the text, then a search
_BYTES_A_PLUS = 2048


_JSON_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"(\s*:)?|[{}\[\]]|-?(?:Infinity|NaN)\b|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?', re.S
)
_INT_DIGITS = 4300


def _json_problem(text: str) -> tuple[int, str]:
    """The line and description of the first duplicate key, NaN/Infinity or over-long integer in
    `text` (a JSON document the fast parse refused): slow, only ever run on a document in error."""
    objects: list[set[str] | None] = []
    line, counted = 1, 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        problem = None
        if first == "{":
            objects.append(set())
        elif first == "[":
            objects.append(None)
        elif first in "}]":
            if objects:
                objects.pop()
        elif first == '"':
            if match.group(1) is not None and objects and objects[-1] is not None:
                try:
                    key = json.loads(token[: token.rindex('"') + 1])
                except ValueError:
                    continue
                if key in objects[-1]:
                    problem = f"duplicate key {_show(key)}"
                objects[-1].add(key)
        elif token.lstrip("-")[:1] in ("I", "N"):
            problem = f"{token} is not a JSON number"
        elif "." not in token and "e" not in token.lower() and len(token.lstrip("-")) > _INT_DIGITS:
            problem = f"an integer of {len(token.lstrip('-')):,} digits (at most {_INT_DIGITS:,})"
        if problem is not None:
            line += text.count("\n", counted, match.start())
            return line, problem
    return line, "a value that cannot be read"


def _show(key: str) -> str:
    return brief(key)


# -- YAML ------------------------------------------------------------------------------------------

_LOADER: type | None = None


class _YamlValueError(LoadError):
    """YAML whose syntax was read, with a value or key that cannot be taken."""


def yaml_loader() -> type:
    """The YAML loader every document and evidence file is read with: libyaml's C parser
    (PyYAML's pure-Python one without it) with the YAML 1.2 core schema's resolver:
    `on`/`yes`/`no` are strings, `010` is 10, `1e6` a number, `1:30` and dates are strings.
    OpenAPI documents are YAML 1.2. Mapping keys are the text written (never a number or a
    boolean), a duplicate key is an error, and a value that cannot be built (an integer too
    long, `!!timestamp 2024-02-30`) is an error at its line."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml
    from yaml.constructor import ConstructorError, SafeConstructor

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    merge_tag = "tag:yaml.org,2002:merge"

    def at_line(construct):  # a constructor whose ValueError names the node's line
        def wrapped(loader, node):
            try:
                return construct(loader, node)
            except (ValueError, TypeError, KeyError, OverflowError) as error:
                problem = f"cannot read {node.value!r:.60}: {error}"
                raise ConstructorError(None, None, problem, node.start_mark) from None

        return wrapped

    def construct_int(loader, node):
        text = str(loader.construct_scalar(node))
        sign = -1 if text[:1] == "-" else 1
        digits = text[1:] if text[:1] in "+-" else text
        if digits[:2] in ("0o", "0x"):
            value = int(digits[2:], 8 if digits[1] == "o" else 16)
        elif len(digits) > _INT_DIGITS:
            value = 1 << MAX_INT_BITS  # refused below, without converting it
        else:
            value = int(digits, 10)
        if value.bit_length() > MAX_INT_BITS:
            raise ConstructorError(
                None, None, f"an integer of more than {_INT_DIGITS:,} digits", node.start_mark
            )
        return sign * value

    class Loader(base):  # type: ignore[misc, valid-type]
        yaml_implicit_resolvers: ClassVar[dict] = {}
        yaml_constructors: ClassVar[dict] = dict(SafeConstructor.yaml_constructors)

        def construct_mapping(self, node, deep=False):
            if not isinstance(node, yaml.MappingNode):
                raise ConstructorError(None, None, f"expected a mapping, found {node.id}", node.start_mark)
            own: dict[str, object] = {}
            merged = False
            for key_node, value_node in node.value:
                if key_node.tag == merge_tag:
                    merged = True
                    continue
                key = self._key(key_node)
                if key in own:
                    raise ConstructorError(None, None, f"duplicate key {_show(key)}", key_node.start_mark)
                own[key] = value_node
            if merged:  # merged pairs first, the node's own keys override them
                self.flatten_mapping(node)
                self.merged_keys = getattr(self, "merged_keys", 0) + len(node.value) - len(own)
                if self.merged_keys > MAX_MERGED_KEYS:
                    problem = (
                        f"YAML merge keys (<<) copy more than {MAX_MERGED_KEYS:,} keys (a merge-key bomb?)"
                    )
                    raise ConstructorError(None, None, problem, node.start_mark)
                return {self._key(k): self.construct_object(v, deep=deep) for k, v in node.value}
            return {key: self.construct_object(value, deep=deep) for key, value in own.items()}

        @staticmethod
        def _key(node) -> str:
            if isinstance(node, yaml.ScalarNode):
                return node.value
            problem = f"a mapping key must be a string, not a {node.id}"
            raise ConstructorError(None, None, problem, node.start_mark)

    resolver = Loader.add_implicit_resolver
    resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
    resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    resolver(
        "tag:yaml.org,2002:int",
        re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"),
    )
    resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+.0123456789"),
    )
    resolver(merge_tag, re.compile(r"^(?:<<)$"), ["<"])  # not YAML 1.2, but used in OpenAPI documents
    constructors = Loader.yaml_constructors
    constructors["tag:yaml.org,2002:int"] = at_line(construct_int)
    for tag in ("float", "bool"):
        constructors[f"tag:yaml.org,2002:{tag}"] = at_line(constructors[f"tag:yaml.org,2002:{tag}"])
    # What JSON has no type for is read as JSON would carry it, so that no report ever shows a
    # Python value (`b'...'`, `datetime(...)`, `{'a'}`): a `!!binary` value is its base64 text,
    # a `!!timestamp` the text written (once checked to be a date), a `!!set` its mapping form.
    written = {
        "timestamp": lambda text: text,  # `!!timestamp 2024-01-02` stays `2024-01-02`
        "binary": lambda text: "".join(text.split()),  # base64 without its line breaks
    }
    for tag, text_of in written.items():
        check = constructors[f"tag:yaml.org,2002:{tag}"]

        def as_written(loader, node, check=check, text_of=text_of):
            check(loader, node)  # an invalid date or base64 text is still an error at its line
            return text_of(str(loader.construct_scalar(node)))

        constructors[f"tag:yaml.org,2002:{tag}"] = at_line(as_written)
    constructors["tag:yaml.org,2002:set"] = lambda loader, node: dict.fromkeys(
        loader.construct_mapping(node, deep=True)
    )
    _LOADER = Loader
    return Loader


def _parse_yaml(data: bytes, name: str) -> object:
    import yaml  # only when there is YAML to read: JSON documents never pay for the import

    try:
        document = yaml.load(data, Loader=yaml_loader())
    except yaml.MarkedYAMLError as error:
        line = f":{error.problem_mark.line + 1}" if error.problem_mark else ""
        kind = _YamlValueError if isinstance(error, yaml.constructor.ConstructorError) else LoadError
        raise kind(f"{name}{line}: invalid YAML ({error.problem})") from None
    except yaml.YAMLError as error:
        raise LoadError(f"{name}: invalid YAML ({error})") from None
    except RecursionError:
        raise LoadError(f"{name}: nested too deeply") from None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
        raise LoadError(f"{name}: invalid YAML value ({type(error).__name__}: {error})") from None
    if _may_alias(data):
        _check_expansion(document, name)
    return document


def _may_alias(data: bytes) -> bool:
    """Whether the YAML text `data` may use an alias: a `*` before the name of an anchor it
    defines (an alias to no anchor is an error the parser has already raised).

    Read from the text, over-approximating (any `&name`, any `*` before one): a description's
    emphasis (`*Starting May 1*`) is no alias, and sizing a 3 MB document's aliases costs as
    much as reading it."""
    names = {name for anchor in _ANCHORS for name in anchor.findall(data)}
    if not names:
        return False
    if len(names) > _MANY_ANCHORS:
        return True
    alias = re.compile(rb"\*(?:" + b"|".join(map(re.escape, sorted(names, key=len, reverse=True))) + rb")")
    return alias.search(data) is not None


def _check_expansion(document: object, name: str) -> None:
    """Refuse YAML whose aliases expand beyond MAX_EXPANDED_NODES (each shared node counted per use,
    a mapping's keys as well as its values).

    The parser shares aliased nodes, so memory is fine; but every later walk would pay the full
    expansion. Sizes are computed once per distinct node, bottom up, without recursion.
    """
    sizes: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[tuple[object, bool]] = [(document, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if not children_done:
            if id(node) in entered:
                raise LoadError(f"{name}: a YAML alias refers to a node that contains it")
            entered.add(id(node))
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else ()
        if not children_done:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        # a long string counts for its length: copying it is what an alias bomb of strings costs
        if isinstance(node, str):
            own = 1 + len(node) // 100
        elif isinstance(node, dict):
            own = 1 + sum(1 + len(key) // 100 for key in node)
        else:
            own = 1
        total = own + sum(sizes.get(id(child), 1) for child in children)
        if total > MAX_EXPANDED_NODES:
            raise LoadError(
                f"{name}: YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?)"
            )
        sizes[id(node)] = total


#: `openapi: 3...` or `swagger: "2.0"` unindented (a top-level key of a YAML document)
_YAML_MARKER = re.compile(
    rb'^(?:\xef\xbb\xbf)?["\']?(?:openapi|swagger)["\']?[ \t]*:[ \t]*["\']?[23]\.', re.MULTILINE
)
_JSON_MARKER = re.compile(rb'"(?:openapi|swagger)"\s*:\s*"[23]\.')


def looks_like_openapi(data: bytes) -> bool:
    """Whether `data` is an OpenAPI or Swagger document by its content, without parsing YAML
    (seconds on a large document, which the diff parses anyway): JSON with an `openapi` or
    `swagger` key at the top level, or YAML with such a key unindented."""
    if b"\0" in data[:65536]:
        return False
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        if not _JSON_MARKER.search(data):
            return False
        try:
            document = json.loads(data)
        except (ValueError, RecursionError):
            return False
        return isinstance(document, dict) and ("openapi" in document or "swagger" in document)
    return bool(_YAML_MARKER.search(data))
