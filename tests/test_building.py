"""Building the graph: what the normaliser reads once and shares keeps every node's own place."""

from __future__ import annotations

import functools
import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CORPUS
from oasguard.engine import run_deep
from oasguard.load import load
from oasguard.load.document import escape
from oasguard.model import normalise
from oasguard.model.nodes import path_key
from oasguard.model.unchanged import Unchanged
from oasguard.sources import file_spec

#: pairs whose operations inherit the document's security (or have none), in 2.0, 3.0 and 3.1
PAIRS = ("petstore", "twilio-messaging-json", "discord-3.1", "kubernetes-swagger2")


def _pair(name: str) -> tuple[str, str]:
    manifest = json.loads((CORPUS / "MANIFEST.json").read_text())
    pair = next(p for p in manifest["pairs"] if p["name"] == name)
    return str(CORPUS / pair["base"]), str(CORPUS / pair["revision"])


@pytest.mark.parametrize("name", PAIRS)
def test_every_operation_keeps_its_own_pointer_when_the_document_security_is_read_once(name: str):
    """The document's `security` is read once for all the operations that inherit it; each
    operation still points at itself, and its security at the document's (a slip that gave the
    first operation the document's `/security` as its own place moved every change of that
    operation to the document's root in the reports)."""
    base, revision = (load(file_spec(path)) for path in _pair(name))

    def both():
        unchanged = Unchanged(base, revision)
        return normalise(base, unchanged, side=0), normalise(revision, unchanged, side=1)

    for api, document in zip(run_deep(both), (base, revision), strict=True):
        own = {
            (path, method): f"/paths/{escape(path)}/{method}"
            for path, item in document.root["paths"].items()
            for method in item
            if method in ("get", "put", "post", "delete", "options", "head", "patch", "trace")
        }
        for operation in api.operations.values():
            here = own[(operation.path, operation.method)]
            assert operation.where.pointer == here
            if "security" in document.root["paths"][operation.path][operation.method]:
                assert operation.security_where.pointer == here + "/security"
            else:
                assert operation.security_where.pointer == "/security"
        assert api.operations  # the pairs all change some path item


def _erased_by_hand(path: str) -> str:
    """`path_key` as SPEC 3.3 defines it, one character at a time: every `{...}` (nested braces
    included, an unclosed one running to the end) is `{}`; a `}` closing nothing is kept."""
    out, depth = [], 0
    for char in path:
        if char == "{":
            depth += 1
            if depth == 1:
                out.append("{}")
        elif char == "}" and depth:
            depth -= 1
        elif not depth:
            out.append(char)
    return "".join(out) or "/"


#: the template alphabet: every template up to this long is checked, longer ones drawn
_TEMPLATE_ALPHABET, _TEMPLATES_ALL_UP_TO = "/ab{}~", 6


def test_every_short_template_is_erased_by_one_substitution_as_by_hand():
    """`path_key` takes a template whose braces are balanced and not nested through one regular
    substitution; every template of up to 6 characters of `/ab{}~` (55,987 of them, 0.1 s, where
    hypothesis drew 3,000 in 1.2 s) gives what the character walk gives."""
    for size in range(_TEMPLATES_ALL_UP_TO + 1):
        for chars in itertools.product(_TEMPLATE_ALPHABET, repeat=size):
            path = "".join(chars)
            assert path_key(path) == _erased_by_hand(path), path


@given(
    st.text(alphabet=_TEMPLATE_ALPHABET, min_size=_TEMPLATES_ALL_UP_TO + 1, max_size=14)
    | st.sampled_from(["/a/{id}/b/{x}", "/{a{b}c}/d", "/{", "/}{", ""])
)
@settings(max_examples=500, deadline=None)
def test_a_template_erased_by_one_substitution_is_the_same_as_by_hand(path: str):
    """`path_key` takes a template whose braces are balanced and not nested through one regular
    substitution; any longer template gives what the character walk gives."""
    assert path_key(path) == _erased_by_hand(path)


def _exponent_by_search(written: bytes) -> bool:
    at = written.find(b"e+")
    while at != -1:
        start = at
        while start and written[start - 1] in b"-.0123456789":
            start -= 1
        if not start or written[start - 1] in b":,[":
            return True
        at = written.find(b"e+", at + 2)
    return False


@given(st.binary(max_size=40).map(lambda b: bytes(b'e+:,[1.-x"'[c % 10] for c in b)))
@settings(max_examples=1000, deadline=None)
def test_a_large_number_is_found_from_the_plus_signs_as_by_a_search(written: bytes):
    """The JSON read leaves to the standard parser a document whose compact form writes a number
    with `e+` (an integer beyond 64 bits that orjson made a float): found from each `+` while
    they are few, then by a search of the rest, as the search alone finds it."""
    _as_by_a_search("_BYTES_A_PLUS", "_large_number", _exponent_by_search, written)


def _as_by_a_search(threshold: str, name: str, search, text: bytes) -> None:
    """load/parse's `name` finds what `search` finds in `text` with its `threshold` (bytes a
    character it steps through, before it searches the rest) set to each of 1 to 4, then as
    shipped in `text` and each of its prefixes (drawing a text is most of the cost)."""
    from oasguard.load import parse

    saved = getattr(parse, threshold)
    found = getattr(parse, name)
    expected = search(text)
    try:
        for every in (1, 2, 3, 4):
            setattr(parse, threshold, every)
            assert found(text) == expected, every
    finally:
        setattr(parse, threshold, saved)
    for end in range(len(text) + 1):
        assert found(text[:end]) == search(text[:end])


def _colon_escaped_by_search(data: bytes) -> bool:
    at = data.find(b"\\u003")
    while at != -1:
        if data[at + 5 : at + 6] in (b"a", b"A"):
            return True
        at = data.find(b"\\u003", at + 5)
    return False


#: the pieces an escaped-colon text is made of (a drawn byte picks one: cheaper than a list)
_COLON_PIECES = (b"\\", b"u003", b"a", b"A", b"\\u003a", b"\\u003A", b"x", b"\\u0030")


@given(st.binary(max_size=12).map(lambda b: b"".join(_COLON_PIECES[c % 8] for c in b)))
@settings(max_examples=1000, deadline=None)
def test_an_escaped_colon_is_found_from_the_backslashes_as_by_a_search(data: bytes):
    """The JSON read leaves to the standard parser a text whose colon is written `\\u003a`
    (the colons would not count keys): found from each backslash while they are few, then by a
    search of the rest, as the search alone finds it."""
    _as_by_a_search("_BYTES_A_BACKSLASH", "_colon_escaped", _colon_escaped_by_search, data)


_TOKENS = st.lists(st.text(alphabet="a/~01", max_size=4), max_size=4)


#: where a chain of children starts: each is checked with every drawn chain
_STARTS = ("", "/", "/a~1b", "/~0/x", "/components/responses/e~01")


@given(st.lists(_TOKENS, max_size=4))
@settings(max_examples=400, deadline=None)
def test_a_place_gives_the_tokens_of_its_pointer_without_spelling_it(links: list[list[str]]):
    """`Where.tokens` (what the shared slots are found by) walks the chain of children to the
    first place whose pointer is known: the tokens are those of the pointer spelled, whatever
    the escapes, and asking for them spells nothing. Each chain is checked from every start and
    cut after each link (hypothesis's drawing was the cost, 1,500 draws of a start and a chain)."""
    from pathlib import PurePosixPath

    from oasguard.load.document import pointer_tokens
    from oasguard.model.nodes import Where

    for start in _STARTS:
        for end in range(len(links) + 1):
            where = Where(PurePosixPath("a.json"), start)
            for tokens in links[:end]:
                where = where.child(*tokens)
            found = where.tokens()
            if end:
                assert where._pointer is None  # nothing spelled
            assert found == pointer_tokens(where.pointer)


def _lookup_by_hand(document: object, pointer: str) -> object:
    """RFC 6901 as `lookup` read it before it walked tokens: split, unescape, then each token a
    key as written or an array index (ASCII digits, no leading zero)."""
    from oasguard.load.document import NOWHERE

    node = document
    for token in pointer.split("/")[1:] if pointer else ():
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            if token not in node:
                return NOWHERE
            node = node[token]
        elif (
            isinstance(node, list)
            and token.isascii()
            and token.isdigit()
            and (token == "0" or token[0] != "0")
        ):
            if int(token) >= len(node):
                return NOWHERE
            node = node[int(token)]
        else:
            return NOWHERE
    return node


def _token_paths(node: object, above: tuple[str, ...] = ()):
    """The tokens of every place in `node`, itself included (list indexes as written)."""
    yield above
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _token_paths(value, (*above, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _token_paths(value, (*above, str(index)))


@given(
    st.recursive(
        st.integers(0, 3) | st.text(alphabet="a~/", max_size=2),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(alphabet="a~/01", max_size=2), inner, max_size=3)
        ),
        max_leaves=12,
    ),
    st.lists(st.lists(st.text(alphabet="a~/01", max_size=3), max_size=4), min_size=1, max_size=5),
)
@settings(max_examples=500, deadline=None)
def test_a_walk_by_tokens_finds_what_the_pointer_finds(document: object, drawn: list[list[str]]):
    """`lookup_tokens` (the shared slots' walk of both documents) and `lookup` find what the
    pointer spelled finds, NOWHERE included (list indexes, leading zeros, escapes): for every
    place of the document and each prefix of the drawn tokens (drawing a document was the cost,
    2,000 draws of one document and one list of tokens)."""
    from oasguard.load.document import lookup, lookup_tokens

    paths = set(_token_paths(document))
    paths.update(tuple(tokens[:end]) for tokens in drawn for end in range(len(tokens) + 1))
    for tokens in paths:
        pointer = "".join("/" + escape(token) for token in tokens)
        expected = _lookup_by_hand(document, pointer)
        assert lookup_tokens(document, tokens) is expected
        assert lookup(document, pointer) is expected


def test_schema_nodes_share_only_an_empty_mapping_no_one_can_fill():
    """A Schema's empty bounds, properties and property places are one read-only mapping for
    every node (no dict made per node); a node with properties has its own, a filled lazy
    component has every field a node built at once has, and `replace` keeps working."""
    from dataclasses import fields, replace

    from oasguard.model.nodes import LazySchema, Schema

    base, revision = (load(file_spec(path)) for path in _pair("petstore"))
    api = run_deep(lambda: normalise(base, Unchanged(base, revision), side=0))
    nodes = list(api.components.values())
    for node in list(nodes):
        if isinstance(node, LazySchema):
            node.fill_now()  # what the first read of a field does
        nodes.extend(node.properties.values())
    assert not any(isinstance(node, LazySchema) for node in nodes)
    with_properties = [node for node in nodes if node.properties]
    without = [node for node in nodes if not node.properties]
    assert with_properties and without
    assert len({id(node.properties) for node in with_properties}) == len(with_properties)
    empty = without[0].bounds
    assert all(node.property_where is empty for node in without)
    with pytest.raises(TypeError, match="shared by every node"):
        empty["maxLength"] = 1
    with pytest.raises(TypeError, match="shared by every node"):
        empty.setdefault("x", 1)
    assert empty == {}
    names = [field.name for field in fields(Schema)]
    for node in nodes:
        assert set(vars(node)) == set(names)  # every field the instance's own
        copy = replace(node, title="copied")
        assert [getattr(copy, name) for name in names if name != "title"] == [
            getattr(node, name) for name in names if name != "title"
        ]
        assert copy.title == "copied"
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Schema(nodes[0].where, colour="red")


# -- building, fourth pass (issue 24, session 10) ----------------------------------------------

#: what a `$ref` may spell: the fast path takes only printable `#/` pointers without `%`
_REF_TEXT = st.text(alphabet=st.sampled_from(list("ab/~01# %2F\t\n\u00e9\u2028:?")), max_size=12)


#: keys a `$ref` may name: some only when a tab or a line break in its spelling is dropped
_KEYS = ["a", "b", "a/b", "ab", "a\tb", "a\nb", "a b", "a b ", "é", "a#b", "~", "a:b", "a?b", "%41"]


#: the document every `$ref` of the property is resolved in
_REF_DOCUMENT = {"openapi": "3.0.3", "paths": {}, "info": {}, "x": {key: {"at": key} for key in _KEYS}}


@pytest.fixture(scope="module")
def _ref_document_path(tmp_path_factory) -> str:
    """`_REF_DOCUMENT` written once for the property (one folder an example was 400)."""
    path = tmp_path_factory.mktemp("refs") / "api.json"
    path.write_text(json.dumps(_REF_DOCUMENT))
    return str(path)


@settings(max_examples=400, deadline=None)
@given(tail=st.one_of(st.sampled_from(["x/" + escape(key) for key in _KEYS]), _REF_TEXT.map("x/".__add__)))
def test_a_local_ref_resolves_to_what_urlsplit_and_unquote_make_of_it(tail: str, _ref_document_path: str):
    """A `#/...` `$ref` is resolved without `urlsplit` when nothing in it needs decoding: the
    same target, file and pointer (or the same error) as the full parse, whatever it spells."""
    from urllib.parse import unquote, urlsplit

    from oasguard.errors import RefError
    from oasguard.load.document import NOWHERE, lookup

    document = _REF_DOCUMENT
    spec = file_spec(_ref_document_path)
    ref = "#/" + tail
    parts = urlsplit(ref)
    expected = (
        lookup(document, unquote(parts.fragment))
        if not (parts.scheme or parts.netloc or parts.path) and parts.fragment.startswith("/")
        else None
    )
    resolver = load(spec).resolver
    try:
        found = resolver.deref(ref, spec.path)
    except RefError:
        assert expected is None or expected is NOWHERE or "\0" in unquote(parts.fragment)
        return
    assert found == (expected, spec.path, unquote(parts.fragment))


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"get": {}, "summary": "x"},
        {"x-a": 1, "b": 2, "x-c": {"d": 3}},
        {"a\0x-b": 1, "x-c": 2},  # a NUL in a key: the names are not read from the joined keys
        {"ax-b": 1, "x-": 2, "X-up": 3},
        {1: "a number", "x-a": 1},  # a key that is not text (a mapping made by hand)
    ],
)
def test_the_extensions_found_in_the_joined_keys_are_those_of_each_key(raw: dict):
    from oasguard.model.normalise import _extensions

    by_key = {key: value for key, value in raw.items() if isinstance(key, str) and key.startswith("x-")}
    found = _extensions(raw)
    assert found == by_key and list(found) == list(by_key)


def test_media_types_built_without_init_are_what_init_makes():
    """Swagger 2.0 and 3.x media types are made without calling `MediaType.__init__`: every
    field set, in the order of the dataclass's fields, as `__init__` would have."""
    from dataclasses import fields

    from oasguard.model.nodes import MediaType

    order = [field.name for field in fields(MediaType)]
    for name in ("kubernetes-swagger2", "twilio-messaging-json"):
        base, revision = (load(file_spec(path)) for path in _pair(name))
        seen = 0
        for api in (normalise(base), normalise(revision)):
            for operation in api.operations.values():
                contents = [response.content for response in operation.responses.values()]
                if operation.body is not None:
                    contents.append(operation.body.content)
                for content in contents:
                    for media in content.values():
                        assert list(vars(media)) == order
                        made = MediaType(media.name, media.schema, media.where)
                        assert vars(made) == vars(media)
                        seen += 1
        assert seen > 1000 if name.startswith("kubernetes") else seen > 10


@pytest.mark.parametrize("name", ["kubernetes-swagger2", "petstore"])
def test_parameters_found_alike_are_those_the_full_check_finds_nothing_in(name: str):
    """A parameter pair written alike with one schema node for both sides is not checked (most
    of Kubernetes' operations share their parameters' schemas across both sides): the full check
    finds nothing in any such pair, while the pairs still checked find their facts (petstore
    changes parameters)."""
    from oasguard.compare.operations.context import Here, Run
    from oasguard.compare.operations.parameters import _alike, check_parameter
    from oasguard.compare.schema import SchemaComparer

    base, revision = (load(file_spec(path)) for path in _pair(name))

    def both():
        unchanged = Unchanged(base, revision)
        return normalise(base, unchanged, side=0), normalise(revision, unchanged, side=1)

    old_api, new_api = run_deep(both)
    run = Run(old_api, new_api, SchemaComparer(), {})
    alike = differing = 0
    for key in old_api.operations.keys() & new_api.operations.keys():
        old, new = old_api.operations[key], new_api.operations[key]
        for shared in old.parameters.keys() & new.parameters.keys():
            old_p, new_p = old.parameters[shared], new.parameters[shared]
            found = list(check_parameter(Here(run), old_p, new_p))
            if _alike(old_p, new_p):
                alike += 1
                assert not found
            elif found:
                differing += 1
    if name == "petstore":
        assert differing > 0
    else:
        assert alike > 1000


def _with_body(pet_name_type: str, body_schema: dict) -> dict:
    """A document whose one operation takes `body_schema` inline, and whose `Pet` names its
    `name` property's type `pet_name_type`."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "pets", "version": "1"},
        "paths": {
            "/pets": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": body_schema}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {
            "schemas": {"Pet": {"type": "object", "properties": {"name": {"type": pet_name_type}}}}
        },
    }


@pytest.mark.parametrize(
    ("body", "shared"),
    [
        # a `$ref` in an example is data: the builder never follows it, so the schema means the
        # same on both sides although `Pet` changed
        (
            {
                "type": "object",
                "properties": {"id": {"type": "string"}},
                "example": {"$ref": "#/components/schemas/Pet"},
            },
            True,
        ),
        ({"type": "object", "x-sample": [{"$ref": "#/components/schemas/Pet"}]}, True),
        # a `$ref` the builder follows leads to the changed `Pet`: each side has its own node
        ({"type": "object", "properties": {"pet": {"$ref": "#/components/schemas/Pet"}}}, False),
        ({"type": "array", "items": {"not": {"$ref": "#/components/schemas/Pet"}}}, False),
    ],
)
def test_an_inline_schema_equal_in_both_is_one_node_unless_a_schema_it_refers_to_changed(
    body: dict, shared: bool, tmp_path
):
    """An inline schema equal in both documents is one node for both sides (the comparison skips
    it) when every `$ref` the builder follows from it leads to an unchanged part; a `$ref`
    written in an example or an extension's value does not count."""
    paths = []
    for side, pet_name_type in (("base", "string"), ("revision", "integer")):
        path = tmp_path / f"{side}.json"
        path.write_text(json.dumps(_with_body(pet_name_type, body)))
        paths.append(str(path))
    old, new = _first_body_schemas(*(load(file_spec(path)) for path in paths))
    assert (old is new) is shared


@functools.cache
def _petstore_base():
    return load(file_spec(_pair("petstore")[0]))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=3)),
        min_size=1,
        max_size=6,
    )
)
def test_an_enum_implies_the_types_of_its_values_each_told_by_json_type(values: list):
    """An enum's values imply its type (`{enum: [a, b]}` is a string, SPEC 3.3); an enum of
    strings only is told so without asking `json_type` of each value, and gives what it would.
    A null among them makes the schema nullable and is not one of its values."""
    from oasguard.model.nodes import Where
    from oasguard.model.schema import SchemaBuilder, json_type

    document = _petstore_base()
    node = SchemaBuilder(document).build({"enum": values}, Where(document.spec.path, "/x"))
    kept = [value for value in values if value is not None]
    assert node.nullable is (None in values)
    assert node.enum == tuple(kept)
    if kept:
        expected = frozenset(json_type(value) for value in kept)
        if "number" in expected:
            expected -= {"integer"}
        assert node.types == expected
    else:
        assert node.types is None


@pytest.mark.parametrize(
    ("old", "new", "shared"),
    [
        ({"type": "number", "default": 1}, {"type": "number", "default": 1}, True),
        # `==` in Python, not in JSON: the path items are `==`, the schema is still two nodes
        ({"type": "number", "default": 1}, {"type": "number", "default": 1.0}, False),
        ({"type": "number", "enum": [1, True]}, {"type": "number", "enum": [True, 1]}, False),
        (
            {"type": "object", "properties": {"a": {}, "b": {}}},
            {"type": "object", "properties": {"b": {}, "a": {}}},
            False,
        ),
    ],
)
def test_a_schema_inside_a_path_item_equal_by_python_is_shared_only_if_json_says_so(
    old: dict, new: dict, shared: bool, tmp_path
):
    """Inside a path item that Python's `==` finds equal in both documents (while a component it
    refers to changed), an inline schema is one node for both sides only when JSON tells no
    difference either: `1` and `1.0`, `true` and `1`, key order."""
    paths = []
    for side, body, pet_name_type in (("base", old, "string"), ("revision", new, "integer")):
        document = _with_body(pet_name_type, body)
        # the path item also refers to the changed `Pet`: it is not left out whole
        document["paths"]["/pets"]["post"]["responses"]["200"]["content"] = {
            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
        }
        path = tmp_path / f"{side}.json"
        path.write_text(json.dumps(document))
        paths.append(str(path))
    base, revision = (load(file_spec(path)) for path in paths)
    assert base.root["paths"] == revision.root["paths"]
    old_node, new_node = _first_body_schemas(base, revision)
    assert (old_node is new_node) is shared


@pytest.mark.parametrize(
    "name", ["petstore", "twilio-messaging-yaml", "discord-3.1", "kubernetes-swagger2", "github"]
)
def test_a_schema_said_to_be_at_its_place_is_the_value_found_there(name: str, monkeypatch):
    """The normaliser hands `Unchanged.slot` the value its side's document holds at a schema's
    place (so that only the other side's is looked up): the schema itself, or for a Swagger 2.0
    parameter the mapping its schema is made of; it is what the place leads to."""
    from oasguard.load.document import lookup_tokens

    asked = []
    original = Unchanged.slot

    def slot(self, side, where, raw, builder, own=None):
        found = lookup_tokens(self._roots[side], where.tokens())
        asked.append((own is not None, found is own, found is raw))
        return original(self, side, where, raw, builder, own)

    monkeypatch.setattr(Unchanged, "slot", slot)
    base, revision = (load(file_spec(path)) for path in _pair(name))

    def both():
        unchanged = Unchanged(base, revision)
        return normalise(base, unchanged, side=0), normalise(revision, unchanged, side=1)

    run_deep(both)
    given = [(same, itself) for known, same, itself in asked if known]
    assert given and all(same for same, _ in given)
    if name == "kubernetes-swagger2":  # its parameters' schemas are made of their mappings
        assert any(not itself for _, itself in given)
    else:
        assert any(itself for _, itself in given)


def _first_body_schemas(base, revision):
    """Both sides normalised together, as a diff does: the JSON request body schema of each
    side's first operation (the same node when the builder shared it)."""

    def both():
        unchanged = Unchanged(base, revision)
        return normalise(base, unchanged, side=0), normalise(revision, unchanged, side=1)

    return tuple(
        api.operations[next(iter(api.operations))].body.content["application/json"].schema
        for api in run_deep(both)
    )
