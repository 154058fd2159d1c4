"""A JSON document is read by orjson when that read is provably the standard parser's
(`load/parse.py: _read_fast`): whatever the text, `parse` gives what `json.loads` gives, types
included, and refuses what it refuses (a duplicate key, NaN), naming the line."""

from __future__ import annotations

import itertools
import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CORPUS, no_cyclic_collection
from oasguard.errors import LoadError
from oasguard.load import parse as parse_module
from oasguard.load.parse import _read_fast, _respelled, parse

#: keys that collide often, with the characters the fast read's proof is about
KEYS = st.sampled_from(["a", "b", "a:", ":", "e+", "x\u2028", "é", "9.2e+18"])
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**63, -(2**63) - 1, 2**64, 10**19, -0]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e16, 1e300, -0.0, 9.2e18]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=8), KEYS)


def _objects(children):
    # a mapping as its pairs, so that a key may come twice, as it can in a text
    return st.lists(st.tuples(KEYS, children), max_size=4).map(lambda pairs: ("object", pairs))


VALUES = st.recursive(SCALARS, lambda children: st.one_of(st.lists(children, max_size=4), _objects(children)))


def _text(
    value: object, ascii_only: bool, indent: bool, escape_colons: bool, depth: int = 0, spread: bool = False
) -> str:
    """`value` as JSON text in one of the forms documents are written in (`spread`: an empty
    list or mapping across lines, as Stripe writes them)."""
    space = ("\n" + "  " * (depth + 1)) if indent else ""
    end = ("\n" + "  " * depth) if indent else ""
    empty = ("\n" + end) if indent and spread else ""
    if isinstance(value, tuple):
        items = []
        for key, child in value[1]:
            name = json.dumps(key, ensure_ascii=ascii_only)
            if escape_colons:
                name = name.replace(":", "\\u003a")
            inner = _text(child, ascii_only, indent, escape_colons, depth + 1, spread)
            items.append(f"{space}{name}{': ' if indent else ':'}{inner}")
        return "{" + ",".join(items) + (end if items else empty) + "}"
    if isinstance(value, list):
        items = [
            space + _text(child, ascii_only, indent, escape_colons, depth + 1, spread) for child in value
        ]
        return "[" + ",".join(items) + (end if items else empty) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


def _standard(data: bytes) -> object:
    """What the standard parser reads, or "refused" for a duplicate key, NaN or Infinity."""

    def unique(pairs):
        mapping = dict(pairs)
        if len(mapping) != len(pairs):
            raise ValueError("duplicate")
        return mapping

    def constant(text):
        raise ValueError("constant")

    try:
        return json.loads(data, object_pairs_hook=unique, parse_constant=constant)
    except ValueError:
        return "refused"


def _parsed(data: bytes) -> object:
    try:
        return parse(data, "doc.json")
    except LoadError:
        return "refused"


#: the layouts a value is written in, all of them for each value drawn: a layout is three
#: booleans, cheap to go through, while drawing a value is most of a property's time (hypothesis's
#: own work, about 4 ms a value); each layout is then checked on more values than when it was
#: drawn with the value (issue 17), and a failure names it
LAYOUTS = list(itertools.product((False, True), repeat=3))


@settings(max_examples=300, deadline=None)
@given(value=_objects(VALUES))
def test_any_text_reads_as_the_standard_parser_reads_it(value):
    for ascii_only, indent, escape_colons in LAYOUTS:
        data = _text(value, ascii_only, indent, escape_colons).encode("utf-8")
        expected, got = _standard(data), _parsed(data)
        layout = f"ascii_only={ascii_only} indent={indent} escape_colons={escape_colons}: {data!r}"
        assert got == expected, layout
        assert json.dumps(got) == json.dumps(expected), layout  # types too: 1 is not 1.0, nor True


#: what escapes are made of: a backslash before a quote, a `u`, a `b`; quotes and commas
TRICKY = ["\\", '"', "u0062", "b", "\b", ",", "/", "\n", " ", "é"]
#: values that both parsers read alike and orjson writes as `json.dumps` does: then a text laid
#: out as orjson's differs from orjson's own only in blanks and escapes, unless a key repeats
ALIKE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**62), 2**62),
        st.text(max_size=8),
        KEYS,
        st.lists(st.sampled_from(TRICKY), max_size=6).map("".join),
    ),
    lambda children: st.one_of(st.lists(children, max_size=4), _objects(children)),
)


@settings(max_examples=750, deadline=None)
@given(value=_objects(ALIKE))
def test_a_text_laid_out_as_orjson_writes_is_proved_exactly_when_no_key_repeats(value):
    saved = parse_module._BYTES_A_DIFFERENCE
    parse_module._BYTES_A_DIFFERENCE = 1  # as many differences as bytes (escapes, here)
    try:
        for ascii_only, escape_colons, spread in LAYOUTS:
            data = _text(value, ascii_only, True, escape_colons, spread=spread).encode("utf-8")
            expected = _standard(data)
            document = orjson.loads(data)
            proved = _respelled(data, orjson.dumps(document, option=orjson.OPT_INDENT_2))
            layout = f"ascii_only={ascii_only} escape_colons={escape_colons} spread={spread}: {data!r}"
            assert proved is (expected != "refused"), layout  # a repeated key is found, nothing else
            if proved:
                assert json.dumps(document) == json.dumps(expected), layout
    finally:
        parse_module._BYTES_A_DIFFERENCE = saved


@pytest.mark.parametrize(
    "text, fast",
    [
        (b'{"a": 1, "b": {"c": [1, 2.5, null, true]}}', True),
        (b'{"a":1,"a":2}', False),  # orjson keeps the last: one colon fewer written back
        (b'{"a":{"x:y":1},"a":3}', False),  # the dropped value's colons are gone too
        (b'{"a\\u003a":1,"a\\u003a":2}', False),  # an escaped colon: the standard parser decides
        (b'{"a":18446744073709551616}', False),  # beyond 64 bits: orjson would make a float
        (b'{"a":-9223372036854775809}', False),
        (b'{"a":1e400}', False),  # infinity: orjson refuses it
        (b'{"a":"9.2e+18"}', True),  # looks like a number, but inside a string
        (b'{"a": [1e+20]}', False),  # a float that large: the standard parser decides
        (b'{"a":[1e+20]}', True),  # unless the text is what orjson writes, byte for byte
        # laid out as orjson's OPT_INDENT_2: compared with that, blanks and escapes aside
        (b'{\n  "a": [\n\n  ],\n  "b": {\n  }\n}\n', True),  # empty, and written across lines
        (b'{\n  "a": "\\u00e9\\/\\ud83d\\ude00",\n  "b": "\\\\\\u0041"\n}', True),
        (b'{\n  "a\\u003a": 1,\n  "a\\u003a": 2\n}', False),
        (b'{\n  "a": [\n\n  ],\n  "a": []\n}', False),  # the same member twice, spelled two ways
        (b'{\n  "a": {\n    "b": 1\n  },\n  "a": {\n    "b": 1\n  }\n}', False),
        (b'{\n  "a": 18446744073709551616\n}', False),
        (b'{\n  "a": 1E5,\n  "b": -0\n}', True),  # spelled otherwise: the colons decide
        (b'{\n  "a": "x\\u000a"\n}', True),  # orjson writes \n: the colons decide
    ],
)
def test_the_fast_read_is_taken_only_where_it_is_proved(text: bytes, fast: bool):
    assert (_read_fast(text) is not None) is fast
    assert _parsed(text) == _standard(text)


def test_a_duplicate_key_is_refused_at_its_line():
    data = b'{\n  "openapi": "3.0.3",\n  "paths": {},\n  "paths": {\n    "/a": {}\n  }\n}'
    with pytest.raises(LoadError, match=r"doc\.json:4: invalid JSON \(duplicate key 'paths'\)"):
        parse(data, "doc.json")


@pytest.mark.skipif(not (CORPUS / "MANIFEST.json").is_file(), reason="the corpus is not here")
def test_every_json_document_of_the_corpus_takes_the_fast_read_and_reads_the_same():
    documents = sorted(path for path in CORPUS.rglob("*.json") if path.name != "MANIFEST.json")
    assert len(documents) >= 20
    # 80 MB of JSON parsed three ways make millions of containers, none in a cycle: without the
    # cyclic collector, which would scan all the worker keeps again and again (issue 17)
    with no_cyclic_collection():
        for path in documents:
            data = path.read_bytes()
            document = _read_fast(data)  # what `parse` returns for them
            assert document is not None, path  # Stripe, Kubernetes, GitHub ...: all of them
            # each is laid out as orjson's indented text, and proved by comparison with it (Stripe's,
            # with a blank line in each empty list, has its colons counted instead: cheaper there)
            assert data.startswith(b'{\n  "'), path
            assert _respelled(data, orjson.dumps(document, option=orjson.OPT_INDENT_2)), path
            # orjson writes what tells values apart (`true` and `1`, `1` and `1.0`, key order), in C
            assert orjson.dumps(document) == orjson.dumps(_standard(data)), path
