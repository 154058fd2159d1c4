"""Refactors that change nothing for a client report nothing (SPEC 3.3), on real documents.

For each single-file document D of the fixtures and of the corpus, and each transform T below,
`oasguard diff D T(D)` must report zero changes. The transforms rewrite the document the way
teams refactor their specs: switch between JSON and YAML, inline every component schema that
is used once, move inline object schemas into components, rename every component with all its
`$ref`s, wrap every schema as `allOf: [schema]`, and reorder every mapping's keys; and the way
SPEC 3.3.1 says the same thing twice: an enum written `const`, or split into one `oneOf`
variant per value (typed, or untyped: values imply their type), an object schema or component
written as a `oneOf` of one, and a type list split into one single-type `anyOf` variant per type.

Multi-file documents are left out: a transform would have to rewrite the files beside them. A
transform that finds nothing to rewrite in a document is not diffed (it would prove nothing).
A transformed document is written as JSON whatever D is written in, but by `json-yaml`: the
other transforms rewrite the tree, and writing and reading a Stripe document as YAML costs 4 s
a transform and proves nothing `json-yaml` does not. `json-yaml` and `reorder-keys` are
checked in one diff (TOGETHER: D's keys reordered, written in the other format; neither
rewrites what the other does), and each alone only when that diff reports something, to name
it. That document also has one unrelated operation added (PROBE_PATH), whose `path-added` is
the one change it may report: it is test_fingerprints' refactored revision, byte for byte, so
that oasguard parses that text once per worker for both modules (2 s of YAML for GitHub's).

The source side of every diff is loaded once for all its transforms and handed to the engine
(`_source_side`, `_loaded_once`): a transform is about the model, and the reading of text is
proved by `json-yaml`/`reorder-keys` (whose document is read as any revision is) and by
test_json_read; the transformed side is written and read as a user's file would be.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import itertools
import json
import math
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

import oasguard.engine
from conftest import CORPUS, FIXTURES, no_cyclic_collection, parsed_document, yaml_parsed_once
from oasguard.engine import RunOptions, diff, run_deep
from oasguard.load import Document, load
from oasguard.sources import Spec, file_spec

Tree = Any
Slot = tuple[Any, Any]  # (container, key): container[key] is the thing

#: Keys whose values hold no schema slots (example data): the walk skips them.
_DATA_KEYS = {"example", "examples"}
#: Keys of a schema whose value is a schema, a list of schemas, or a map of schemas.
_SUB_SCHEMA = {"items", "additionalProperties", "not", "additionalItems", "contains", "propertyNames"}
_SUB_SCHEMA |= {"if", "then", "else", "unevaluatedItems", "unevaluatedProperties", "contentSchema"}
_SCHEMA_LISTS = {"allOf", "oneOf", "anyOf", "prefixItems"}
_SCHEMA_MAPS = {"properties", "patternProperties", "dependentSchemas", "$defs", "definitions"}


# --- reading and writing ---------------------------------------------------------------------


def _read(path: Path) -> Tree:
    text = path.read_text(encoding="utf-8")
    if text.lstrip()[:1] in ("{", "["):
        return json.loads(text)
    return yaml.load(text, Loader=yaml.CSafeLoader)


class _Dumper(yaml.CSafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # write shared subtrees out in full
        return True


def _write(tree: Tree, path: Path, as_json: bool, odd_floats: bool = True) -> None:
    if as_json:
        path.write_bytes(_json_bytes(tree, odd_floats))
    else:
        path.write_text(_text(tree, as_json), encoding="utf-8")


def _text(tree: Tree, as_json: bool, odd_floats: bool = True) -> str:
    if as_json:
        return _json_bytes(tree, odd_floats).decode("utf-8")
    return yaml.dump(tree, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


#: orjson writes what `json.dumps(tree, ensure_ascii=False, default=str)` writes, five times
#: faster (0.02 s for GitHub's document, not 0.1): keys that are not strings (YAML's `200:`) as
#: json writes them, dates and times through `str`; but NaN and the infinities as `null`
_ORJSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def _json_bytes(tree: Tree, odd_floats: bool = True) -> bytes:
    """`tree` as JSON: by orjson, unless it may hold NaN or an infinity (`odd_floats`, see
    `_has_odd_float`) or an integer beyond 64 bits, which json writes as it did."""
    if not odd_floats:
        try:
            return orjson.dumps(tree, default=str, option=_ORJSON)
        except orjson.JSONEncodeError:
            pass
    return json.dumps(tree, ensure_ascii=False, default=str).encode("utf-8")


@functools.lru_cache(maxsize=4)
def _has_odd_float(source: Path) -> bool:
    """Whether the parsed document holds NaN or an infinity, as a value or a key (a transform
    makes no number: its output holds one only if the source does)."""
    stack = [_pristine(source)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
            stack.extend(key for key in node if isinstance(key, float))
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, float) and not math.isfinite(node):
            return True
    return False


def _is_json(path: Path) -> bool:
    return _source_text(path).lstrip()[:1] in ("{", "[")


@functools.lru_cache(maxsize=2)
def _source_text(source: Path) -> str:
    """The text of a source document, read once for its transforms (whether it is JSON, whether
    a transform finds anything to rewrite in it), not three times a transform."""
    return source.read_text(encoding="utf-8")


# --- where schemas and refs are -----------------------------------------------------------------


def _schema_slots(doc: Tree) -> list[Slot]:
    """Every place in the document (outside schemas) that holds a schema object, in document
    order (a list appended to by a plain recursion: nested generators passed each slot up
    through every level, a third of a transform's own time on GitHub's document)."""
    found: list[Slot] = []
    components = doc.get("components") if isinstance(doc.get("components"), dict) else {}
    for section in (components.get("schemas"), doc.get("definitions")):
        if isinstance(section, dict):
            found.extend((section, name) for name in section)

    def walk(node: Tree) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in _DATA_KEYS or (isinstance(key, str) and key.startswith("x-")):
                    continue
                if key == "schema" and isinstance(value, dict):
                    found.append((node, key))
                elif key not in ("components", "definitions") or node is not doc:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    for section, value in components.items():
        if section != "schemas":
            walk(value)
    return found


def _inner_slots(schema: Tree) -> list[Slot]:
    """The slots of the schemas directly inside a schema."""
    found: list[Slot] = []
    if not isinstance(schema, dict) or "$ref" in schema:
        return found
    for key, value in schema.items():
        if key in _SUB_SCHEMA and isinstance(value, dict):
            found.append((schema, key))
        elif (key == "items" and isinstance(value, list)) or (
            key in _SCHEMA_LISTS and isinstance(value, list)
        ):
            found.extend((value, index) for index, item in enumerate(value) if isinstance(item, dict))
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            found.extend((value, name) for name, item in value.items() if isinstance(item, dict))
    return found


def _all_schema_slots(doc: Tree) -> list[Slot]:
    """Every schema slot at every depth, outermost first."""
    found: list[Slot] = []
    seen: set[int] = set()
    pending = _schema_slots(doc)
    while pending:
        slot = pending.pop()
        schema = slot[0][slot[1]]
        if id(schema) in seen:
            continue
        seen.add(id(schema))
        found.append(slot)
        pending.extend(_inner_slots(schema))
    return found


def _refs(node: Tree) -> Iterator[dict]:
    """Every mapping holding a `$ref` (one inside example data too: rewriting it is harmless)."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _schema_section(doc: Tree) -> tuple[dict, str]:
    if "swagger" in doc:
        return doc.setdefault("definitions", {}), "#/definitions/"
    return doc.setdefault("components", {}).setdefault("schemas", {}), "#/components/schemas/"


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def _mapping_targets(doc: Tree) -> set[str]:
    """`$ref`s named by discriminator mappings (strings, not `$ref` objects)."""
    targets: set[str] = set()
    for slot in _all_schema_slots(doc):
        discriminator = slot[0][slot[1]].get("discriminator")
        if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
            targets.update(value for value in discriminator["mapping"].values() if isinstance(value, str))
    return targets


# --- the transforms --------------------------------------------------------------------------


def switch_format(doc: Tree) -> Tree:
    """JSON ↔ YAML: the same tree, written in the other format (see `_transformed`)."""
    return doc


def reorder_keys(doc: Tree) -> Tree:
    """Every mapping with its keys in reverse order (lists keep theirs: their order can matter)."""
    if isinstance(doc, dict):
        return {key: reorder_keys(doc[key]) for key in reversed(list(doc))}
    if isinstance(doc, list):
        return [reorder_keys(item) for item in doc]
    return doc


def wrap_in_all_of(doc: Tree) -> Tree:
    """Every schema object, at every depth, replaced by `allOf: [schema]`."""
    for container, key in _all_schema_slots(doc):
        container[key] = {"allOf": [container[key]]}
    return doc


def rename_components(doc: Tree) -> Tree:
    """Every component (and Swagger 2.0 definition, parameter, response) renamed, every `$ref`
    and discriminator mapping following it."""
    if "swagger" in doc:
        sections = {f"#/{name}/": doc.get(name) for name in ("definitions", "parameters", "responses")}
    else:
        components = doc.get("components", {})
        sections = {
            f"#/components/{name}/": value
            for name, value in components.items()
            if name != "securitySchemes" and isinstance(value, dict)
        }
    renamed: dict[str, str] = {}
    for prefix, section in sections.items():
        if not isinstance(section, dict):
            continue
        for name in list(section):
            renamed[prefix + _escape(name)] = prefix + _escape(f"Renamed{name}")
            section[f"Renamed{name}"] = section.pop(name)
    _implicit_mappings_made_explicit(doc, renamed)
    for holder in _refs(doc):
        holder["$ref"] = _follow(holder["$ref"], renamed)
    for slot in _all_schema_slots(doc):
        discriminator = slot[0][slot[1]].get("discriminator")
        if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
            mapping = discriminator["mapping"]
            for value, target in mapping.items():
                mapping[value] = _follow(target, renamed)
    return doc


def _follow(ref: str, renamed: dict[str, str]) -> str:
    """`ref` with the component it starts with renamed. A renamed key is a section's prefix and
    one escaped name (no `/` in it), so at most one of the ref's first segments is one: looked
    up, not searched for among thousands of components for each of tens of thousands of refs."""
    end = 0
    for _ in range(4):  # `#`, `components`, the section, the name (`#/definitions/name`: three)
        end = ref.find("/", end + 1)
        head = ref if end < 0 else ref[:end]
        if head in renamed:
            return renamed[head] + ref[len(head) :]
        if end < 0:
            break
    return ref


def _implicit_mappings_made_explicit(doc: Tree, renamed: dict[str, str]) -> None:
    """A discriminator without a mapping names its variants by component name; renaming the
    components would change those values, so spell the old ones out first."""
    for slot in _all_schema_slots(doc):
        schema = slot[0][slot[1]]
        discriminator = schema.get("discriminator")
        if not isinstance(discriminator, dict):
            continue
        mapping = discriminator.setdefault("mapping", {}) if isinstance(discriminator, dict) else {}
        if not isinstance(mapping, dict):
            continue
        for variant in schema.get("oneOf", []) + schema.get("anyOf", []):
            ref = variant.get("$ref") if isinstance(variant, dict) else None
            if isinstance(ref, str) and ref.count("/") == 3:
                implicit = _unescape(ref.rsplit("/", 1)[1])
                if implicit not in mapping and ref not in mapping.values():
                    mapping[implicit] = ref
        if not mapping:
            del discriminator["mapping"]


def inline_used_once(doc: Tree) -> Tree:
    """Every component schema `$ref`ed exactly once (and not by a discriminator) written out
    where it is used, and removed from the components."""
    section, prefix = _schema_section(doc)
    uses: dict[str, list[dict]] = {}
    owner: dict[str, str | None] = {}
    for name, schema in section.items():
        for holder in _refs(schema):
            uses.setdefault(holder["$ref"], []).append(holder)
            owner[id(holder)] = name
    for holder in _refs(
        {key: value for key, value in doc.items() if key not in ("components", "definitions")}
    ):
        uses.setdefault(holder["$ref"], []).append(holder)
    for name, value in doc.get("components", {}).items():
        if name != "schemas":
            for holder in _refs(value):
                uses.setdefault(holder["$ref"], []).append(holder)
    named = _mapping_targets(doc) | _discriminated_variants(doc)
    roots = {id(schema) for schema in section.values()}  # a component that is only a `$ref` stays
    chosen: dict[str, dict] = {}
    for name in section:
        ref = prefix + _escape(name)
        holders = uses.get(ref, [])
        if (
            len(holders) == 1
            and set(holders[0]) == {"$ref"}
            and ref not in named
            and id(holders[0]) not in roots
        ):
            chosen[name] = holders[0]
    # a cycle of schemas each used once would become an infinite tree: keep those as they are
    changed = True
    while changed:
        changed = False
        for name in list(chosen):
            seen, current = {name}, owner.get(id(chosen[name]))
            while current in chosen and current not in seen:
                seen.add(current)
                current = owner.get(id(chosen[current]))
            if current == name or current in seen:
                del chosen[name]
                changed = True
    for name, holder in chosen.items():
        schema = section.pop(name)
        holder.clear()
        holder.update(schema if isinstance(schema, dict) else {"allOf": [schema]})
    return doc


def _discriminated_variants(doc: Tree) -> set[str]:
    """Refs whose component name is a discriminator value (variants of a discriminated union,
    and schemas inheriting a discriminator through `allOf`)."""
    found: set[str] = set()
    section, prefix = _schema_section(doc)
    parents = {
        prefix + _escape(name)
        for name, schema in section.items()
        if isinstance(schema, dict) and "discriminator" in schema
    }
    for slot in _all_schema_slots(doc):
        schema = slot[0][slot[1]]
        if "discriminator" in schema:
            found.update(
                variant["$ref"]
                for variant in schema.get("oneOf", []) + schema.get("anyOf", [])
                if isinstance(variant, dict) and isinstance(variant.get("$ref"), str)
            )
    for name, schema in section.items():
        if isinstance(schema, dict) and any(
            isinstance(part, dict) and part.get("$ref") in parents for part in schema.get("allOf", [])
        ):
            found.add(prefix + _escape(name))
    return found | parents


def extract_inline_objects(doc: Tree) -> Tree:
    """Every inline object schema (one with `properties`) moved into the components under a
    new name and `$ref`ed from where it was."""
    section, prefix = _schema_section(doc)
    roots = {id(section[name]) for name in section}
    counter = 0
    for container, key in _all_schema_slots(doc):
        schema = container[key]
        if id(schema) in roots or "$ref" in schema or not isinstance(schema.get("properties"), dict):
            continue
        counter += 1
        name = f"Extracted{counter}"
        while name in section:
            name += "x"
        section[name] = schema
        container[key] = {"$ref": prefix + _escape(name)}
    return doc


def enum_as_const(doc: Tree) -> Tree:
    """In a 3.1 document, every enum of one value (`enum: [x]`) written `const: x` (3.0 has no
    `const`: its documents are left as they are)."""
    if not str(doc.get("openapi", "")).startswith("3.1"):
        return doc
    for container, key in _all_schema_slots(doc):
        schema = container[key]
        enum = schema.get("enum")
        if isinstance(enum, list) and len(enum) == 1 and "const" not in schema:
            container[key] = {("const" if name == "enum" else name): value for name, value in schema.items()}
            container[key]["const"] = enum[0]
    return doc


#: keywords that stay beside a `oneOf` made of a schema: they say how the whole is used
#: (documentation, the default a parameter falls back to, whether a property is read or written)
_OUTSIDE = {"description", "title", "example", "examples", "default", "readOnly", "writeOnly", "deprecated"}


def _outside(schema: dict) -> dict:
    return {k: v for k, v in schema.items() if k in _OUTSIDE or (isinstance(k, str) and k.startswith("x-"))}


def _inside(schema: dict) -> dict:
    return {k: v for k, v in schema.items() if k not in _outside(schema)}


def split_enum_into_one_of(doc: Tree) -> Tree:
    """Every schema that is an enum of two values or more (and nothing of a composition) written
    as `oneOf` variants of one value each (SPEC 3.3.1: no change). OpenAPI 3 only."""
    if "swagger" in doc:
        return doc
    for container, key in _all_schema_slots(doc):
        schema = container[key]
        values = schema.get("enum")
        if (
            not isinstance(values, list)
            or len(values) < 2
            or {"$ref", "allOf", "oneOf", "anyOf", "const"} & set(schema)
            or len({json.dumps(v, sort_keys=True) for v in values}) != len(values)
        ):
            continue
        inside = _inside(schema)
        variants = [{**inside, "enum": [value]} for value in values]
        container[key] = {**_outside(schema), "oneOf": variants}
    return doc


def wrap_in_one_of(doc: Tree) -> Tree:
    """Every inline object schema (one with `properties`, not an `allOf` part nor a component)
    replaced by `oneOf: [it]`: a composition of one variant (SPEC 3.3.1: no change). OpenAPI 3 only."""
    if "swagger" in doc:
        return doc
    section, _ = _schema_section(doc)
    roots = {id(schema) for schema in section.values()}
    # what an `allOf` holds at any depth is merged property by property with the other parts,
    # where a composition stays apart from the plain schema it meets: left as it is
    parts: set[int] = set()
    pending = [
        part
        for container, key in _all_schema_slots(doc)
        if isinstance(container[key].get("allOf"), list)
        for part in container[key]["allOf"]
    ]
    while pending:
        part = pending.pop()
        if isinstance(part, dict) and id(part) not in parts:
            parts.add(id(part))
            pending.extend(inner[0][inner[1]] for inner in _inner_slots(part))
    for container, key in _all_schema_slots(doc):
        schema = container[key]
        if (
            id(schema) in roots
            or id(schema) in parts
            or not isinstance(schema.get("properties"), dict)
            or {"$ref", "oneOf", "anyOf", "discriminator"} & set(schema)
        ):
            continue
        container[key] = {**_outside(schema), "oneOf": [_inside(schema)]}
    return doc


def wrap_components_in_one_of(doc: Tree) -> Tree:
    """Every object component (one with `properties` or `type: object`) written as `oneOf: [it]`:
    a composition of one variant wherever the component is used, as a property, an `allOf`
    part, a variant or a discriminator's target (SPEC 3.3.1: no change). OpenAPI 3 only."""
    if "swagger" in doc:
        return doc
    section, _ = _schema_section(doc)
    for name, schema in section.items():
        if (
            isinstance(schema, dict)
            and (isinstance(schema.get("properties"), dict) or schema.get("type") == "object")
            and not {"$ref", "oneOf", "anyOf", "discriminator"} & set(schema)
        ):
            section[name] = {**_outside(schema), "oneOf": [_inside(schema)]}
    return doc


def enum_into_untyped_consts(doc: Tree) -> Tree:
    """Every typed enum (`{type: string, enum: [a, b]}`) written as `oneOf` of one untyped value
    each (`const` in 3.1, `enum: [a]` in 3.0): values imply their type (SPEC 3.3, 3.3.1: no
    change). OpenAPI 3 only."""
    if "swagger" in doc:
        return doc
    spell = "const" if str(doc.get("openapi", "")).startswith("3.1") else "enum"
    for container, key in _all_schema_slots(doc):
        schema = container[key]
        values = schema.get("enum")
        if (
            not isinstance(values, list)
            or not values
            or None in values
            or set(_inside(schema)) != {"type", "enum"}
            or not isinstance(schema["type"], str)
            or len({json.dumps(v, sort_keys=True) for v in values}) != len(values)
        ):
            continue
        variants = [{"const": value} if spell == "const" else {"enum": [value]} for value in values]
        container[key] = {**_outside(schema), "oneOf": variants}
    return doc


#: each type's own keywords: a keyword constrains only the values of its type
_OWN_KEYWORDS = {
    "string": {"minLength", "maxLength", "pattern", "contentMediaType", "contentEncoding", "contentSchema"},
    "number": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"},
    "array": {"items", "prefixItems", "contains", "minContains", "maxContains", "minItems", "maxItems"},
    "object": {"properties", "required", "additionalProperties", "patternProperties", "propertyNames"},
    "boolean": set(),
    "null": set(),
}
_OWN_KEYWORDS["integer"] = _OWN_KEYWORDS["number"]
_OWN_KEYWORDS["array"] |= {"uniqueItems", "unevaluatedItems"}
_OWN_KEYWORDS["object"] |= {"minProperties", "maxProperties", "dependentRequired", "dependentSchemas"}
_OWN_KEYWORDS["object"] |= {"unevaluatedProperties"}


def split_type_lists(doc: Tree) -> Tree:
    """Every type list (`type: [boolean, number, string, "null"]`) written as `anyOf` of one
    schema per type, each with its type's own keywords (`maxLength` goes with `string`); it
    accepts exactly the same values (no change). A schema with any other keyword is left."""
    for container, key in _all_schema_slots(doc):
        schema = container[key]
        types = schema.get("type")
        if (
            not isinstance(types, list)
            or len(types) < 2
            or not all(t in _OWN_KEYWORDS for t in types)
            or {"integer", "number"} <= set(types)
        ):
            continue
        inside = {k: v for k, v in _inside(schema).items() if k != "type"}
        numeric = [t for t in types if t in ("string", "number", "integer")]
        if "format" in inside and len(numeric) != 1:
            continue
        owner = {k: t for t in types for k in _OWN_KEYWORDS[t] | ({"format"} if t in numeric else set())}
        if not set(inside) <= set(owner) or len(set(types)) != len(types):
            continue
        variants = [{"type": t, **{k: v for k, v in inside.items() if owner[k] == t}} for t in types]
        container[key] = {**_outside(schema), "anyOf": variants}
    return doc


TRANSFORMS: dict[str, Callable[[Tree], Tree]] = {
    "json-yaml": switch_format,
    "reorder-keys": reorder_keys,
    "wrap-all-of": wrap_in_all_of,
    "rename-components": rename_components,
    "inline-used-once": inline_used_once,
    "extract-inline-objects": extract_inline_objects,
    "enum-as-const": enum_as_const,
    "split-enum-into-one-of": split_enum_into_one_of,
    "wrap-in-one-of": wrap_in_one_of,
    "wrap-components-in-one-of": wrap_components_in_one_of,
    "enum-into-untyped-consts": enum_into_untyped_consts,
    "split-type-lists": split_type_lists,
}


# --- the documents ---------------------------------------------------------------------------


#: (no optional quote before `$ref`: it changes no answer of `search`, and a pattern that starts
#: with a literal is scanned five times faster over the corpus's 100 MB)
_FILE_REF = re.compile(r"""\$ref["']?\s*:\s*["']?(?!#)[^\s"']""")


def _single_file(path: Path) -> bool:
    """No `$ref` to another file (read from the text: cheap enough to decide at collection)."""
    return not _FILE_REF.search(path.read_text(encoding="utf-8"))


def _fixture_documents() -> list[Path]:
    found = []
    for path in sorted(FIXTURES.rglob("*")):
        wanted = path.suffix in (".yaml", ".yml", ".json") and path.stem in ("base", "revision")
        if wanted and "bad" not in path.relative_to(FIXTURES).parts and _single_file(path):
            found.append(path)
    return found


def _corpus_documents() -> list[Path]:
    """The documents of the corpus pairs: by default the newest of each API and format (the
    other versions of an API add time, not cases); OASGUARD_ALL_DOCUMENTS=1 takes every one."""
    manifest = CORPUS / "MANIFEST.json"
    if not manifest.exists():
        return []
    pairs = json.loads(manifest.read_text())["pairs"]
    every = sorted({CORPUS / pair[side] for pair in pairs for side in ("base", "revision")})
    if os.environ.get("OASGUARD_ALL_DOCUMENTS"):
        return [path for path in every if _single_file(path)]
    newest: dict[tuple[str, str], Path] = {}
    for path in reversed(every):  # sorted: the first of each API and suffix is its newest version
        key = (path.relative_to(CORPUS).parts[0], path.suffix)
        if key not in newest and _single_file(path):  # (only those read: 100 MB in each process)
            newest[key] = path
    return sorted(newest.values())


#: an unrelated operation: added to the document of BOTH (and test_fingerprints' revision), it
#: is reported as `path-added`, and nothing else may be
PROBE_PATH = "/oasguard-unrelated-probe"


def add_unrelated_path(doc: Tree) -> Tree:
    doc.setdefault("paths", {})[PROBE_PATH] = {
        "get": {"responses": {"200": {"description": "an unrelated operation"}}}
    }
    return doc


#: PROBE_PATH's path item as `add_unrelated_path` adds it, written as YAML under `paths:`
_PROBE_YAML = (
    f"  {PROBE_PATH}:\n    get:\n      responses:\n        '200':\n"
    "          description: an unrelated operation\n"
)


#: transforms whose output may equal the input as a tree and still differ as a document
_ALWAYS_COMPARED = {"json-yaml", "reorder-keys"}
#: transforms checked in one diff (see the module's docstring), and the name of that check
TOGETHER = ("json-yaml", "reorder-keys")
BOTH = "+".join(TOGETHER)
#: what each document is checked for: TOGETHER in one diff, then every other transform
CHECKS = [BOTH, *(name for name in TRANSFORMS if name not in TOGETHER)]
#: what a document's text must hold for a transform to find anything to rewrite (read before
#: a copy of the tree is made and walked: no corpus document writes a type list, one is 3.1)
_WRITTEN = {
    "split-type-lists": re.compile(r"""type["']?\s*:\s*(\[|\n\s*- )"""),
    "enum-as-const": re.compile(r"""openapi["']?\s*:\s*["']?3\.1"""),
}


def _parsed(source: Path) -> Tree:
    """A fresh copy of the parsed document: each document is parsed once per test process (its
    tests share a worker, see conftest), and each transform gets a copy of its own."""
    return parsed_document(source)


@functools.lru_cache(maxsize=1)
def _pristine(source: Path) -> Tree:
    """The parsed document that a transform's result is compared with (whether it rewrote
    anything): one copy kept for the source's transforms, never handed to a transform (a second
    copy per transform took as long as the transform, 0.2 s for GitHub's document)."""
    return parsed_document(source)


def _transformed(source: Path, name: str, stem: Path) -> Path | None:
    """The transformed document, written to `stem` with the suffix of its format; None when the
    transform found nothing to rewrite (the diff of a document with itself proves nothing and
    costs a whole run)."""
    if name in _WRITTEN and not _WRITTEN[name].search(_source_text(source)):
        return None
    if name == BOTH:
        target = stem.with_name(f"{stem.name}.{'yaml' if _is_json(source) else 'json'}")
        target.write_text(refactored(source), encoding="utf-8")
        return target
    with no_cyclic_collection():
        doc = _parsed(source)
        if name == "json-yaml":
            as_json = not _is_json(source)
        else:
            as_json = True  # see the module's docstring
            doc = TRANSFORMS[name](doc)
            if name not in _ALWAYS_COMPARED and doc == _pristine(source):
                return None
        target = stem.with_name(f"{stem.name}.{'json' if as_json else 'yaml'}")
        _write(doc, target, as_json, odd_floats=_has_odd_float(source))
    return target


@functools.lru_cache(maxsize=2)
def refactored(source: Path) -> str:
    """The text of `source` with every mapping's keys reordered (`reorder_keys`), written in the
    other format (YAML for a JSON document, JSON for a YAML one), and PROBE_PATH added: BOTH's
    document, and test_fingerprints' refactored revision when `source` is a pair's revision (its
    corpus test runs on the same worker, see conftest). Made once for the test process: YAML
    writing is PyYAML's slowest part (3.4 s for the GitHub document)."""
    with no_cyclic_collection():
        return _refactored_text(source)


def _refactored_text(source: Path) -> str:
    reordered = TRANSFORMS["reorder-keys"](_parsed(source))
    if not _is_json(source):
        return _text(add_unrelated_path(reordered), as_json=True, odd_floats=_has_odd_float(source))
    text = _text(reordered, as_json=False)
    # PROBE_PATH written first under the top-level `paths:`, whose entries the YAML writer
    # indents by two spaces (no second YAML writing of the tree)
    at = 0 if text.startswith("paths:\n") else text.find("\npaths:\n") + 1
    if at == 0 and not text.startswith("paths:\n"):  # no `paths`, or `paths: {}`
        return _text(add_unrelated_path(reordered), as_json=False)
    at += len("paths:\n")
    return text[:at] + _PROBE_YAML + text[at:]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One folder for the module's transformed documents, each removed once diffed: pytest's
    `tmp_path` makes a numbered folder per test, a fifth of the time of ten thousand small ones."""
    yield tmp_path_factory.mktemp("transformed")


def _check(source: Path, name: str, scratch: Path) -> None:
    """Diff `source` against its transform `name` (BOTH: the transforms of TOGETHER in one diff;
    when it reports something or fails, each of them alone, and every one that does is named)."""
    if name != BOTH:
        _check_one(source, name, scratch)
        return
    try:
        _check_one(source, name, scratch)
    except Exception as together:  # each alone, to name the culprit
        failed = []
        for alone in TOGETHER:
            try:
                _check_one(source, alone, scratch)
            except Exception as error:
                failed.append(f"{alone}: {type(error).__name__}: {error}")
        if not failed:  # (or the probe's operation is not reported as added)
            failed.append(f"{BOTH} (only together): {type(together).__name__}: {together}")
        raise AssertionError("\n".join(failed)) from together


def _check_one(source: Path, name: str, scratch: Path) -> None:
    """Diff `source` against its transform `name`, written as a file of its own in `scratch` and
    removed after: a new name each time, and no folder (making and removing a folder, or
    truncating a file to write it again, waits on the disk for 3-5 ms; ten thousand fixture
    transforms waited 20 s of the worker's time, issue 17)."""
    stem = scratch / f"{next(_NUMBERS)}-{name}"
    try:
        _diff_transformed(source, name, stem)
    finally:
        for suffix in (".json", ".yaml"):
            stem.with_name(stem.name + suffix).unlink(missing_ok=True)


_NUMBERS = itertools.count()


def _diff_transformed(source: Path, name: str, stem: Path) -> None:
    target = _transformed(source, name, stem)
    if target is None:
        return
    # a $ref to nothing (the 2017 Stripe document has 195) is read as an empty schema: the
    # transforms keep such refs as they are, so the document is still compared as a whole
    # BOTH's document parsed once for it and test_fingerprints; the source loaded once for all
    # its transforms (`_source_side`)
    spec, document = _source_side(source)
    with yaml_parsed_once(*([refactored(source)] if name == BOTH else [])), _loaded_once(spec, document):
        report = run_deep(lambda: diff(spec, file_spec(str(target)), RunOptions(dangling_as_empty=True)))
    changes = report.changes
    if name == BOTH:  # the probe's operation is added, as the one change it makes
        probe = [change.id for change in changes if PROBE_PATH in change.location]
        assert probe == ["path-added"], f"{name} of {source}: {PROBE_PATH} reported as {probe}"
        changes = [change for change in changes if PROBE_PATH not in change.location]
    shown = [f"{change.id} {change.operation} {change.message} @ {change.location}" for change in changes]
    assert shown == [], f"{name} of {source}: {len(shown)} changes, first: {shown[:5]}"


@functools.lru_cache(maxsize=1)
def _source_side(source: Path) -> tuple[Spec, Document]:
    """The source's spec and its document as the engine loads it (`$ref`s to nothing read as
    empty schemas), loaded once for all its transforms and handed to each diff as its base
    (`_loaded_once`): the reading of a text is what `json-yaml` and test_json_read prove, a
    transform is about the model, and the base side is the same document each time (its load
    was an eighth of a corpus transform's CPU, issue 17). A YAML source is parsed once per test
    process for this, test_corpus and test_fingerprints (`yaml_parsed_once`)."""
    spec = file_spec(str(source))
    with yaml_parsed_once(source):
        return spec, run_deep(lambda: load(spec, dangling_as_empty=True))


@contextlib.contextmanager
def _loaded_once(spec: Spec, document: Document) -> Iterator[None]:
    """In the block, the engine's load of `spec` (that object) is `document`; any other spec is
    loaded as usual. The engine reads a loaded document and never changes it: a transform's diff
    after another reports what it reported alone (`test_a_loaded_base_is_read_not_changed`)."""
    loading = oasguard.engine.load

    def loaded(side: Spec, dangling_as_empty: bool = False) -> Document:
        if side is spec:
            assert dangling_as_empty, "the source is loaded with `$ref`s to nothing as empty schemas"
            return document
        return loading(side, dangling_as_empty)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(oasguard.engine, "load", loaded)
        yield


@pytest.mark.parametrize("source", _fixture_documents(), ids=lambda path: str(path.relative_to(FIXTURES)))
def test_fixture_transforms_report_nothing(source: Path, scratch: Path) -> None:
    """Every transform of one fixture document in one test (one test per transform made ten
    thousand tests of a few milliseconds, as much pytest as oasguard); each transform that
    reports a change or fails is named, all of them, not only the first."""
    failed = []
    for name in CHECKS:
        try:
            _check(source, name, scratch)
        except Exception as error:  # each transform is checked whatever the one before did
            failed.append(f"{name}: {type(error).__name__}: {error}")
    assert not failed, "\n".join(failed)


@pytest.mark.corpus
@pytest.mark.parametrize("name", CHECKS)
@pytest.mark.parametrize(
    "source",
    _corpus_documents() or [None],
    ids=lambda path: str(path.relative_to(CORPUS)) if path else "absent",
)
def test_corpus_transform_reports_nothing(source: Path | None, name: str, scratch: Path) -> None:
    if source is None:
        pytest.skip("the corpus (../shared/corpus) is not here")
    _check(source, name, scratch)


def test_transforms_really_transform() -> None:
    """Guard against a transform that silently does nothing."""
    doc = _read(FIXTURES / "petstore" / "base.yaml")
    assert "RenamedPet" in rename_components(copy.deepcopy(doc))["components"]["schemas"]
    wrapped = wrap_in_all_of(copy.deepcopy(doc))
    assert all("allOf" in schema for schema in wrapped["components"]["schemas"].values())
    inline = _read(FIXTURES / "schema" / "request-property-added" / "base.yaml")
    extracted = extract_inline_objects(copy.deepcopy(inline))
    assert list(extracted["components"]["schemas"]) == ["Extracted1"]
    split = split_enum_into_one_of(copy.deepcopy(doc))
    status = split["components"]["schemas"]["Pet"]["properties"]["status"]
    assert [variant["enum"] for variant in status["oneOf"]] == [["available"], ["pending"], ["sold"]]
    one = wrap_in_one_of(copy.deepcopy(inline))
    body = one["paths"]["/items"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert list(body) == ["oneOf"] and "properties" in body["oneOf"][0]
    body = extracted["paths"]["/items"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Extracted1"}
    once = inline_used_once(extract_inline_objects(copy.deepcopy(inline)))
    assert once["components"]["schemas"] == {} and once["paths"] == inline["paths"]
    assert list(reorder_keys(doc)) == list(reversed(list(doc)))
    v31 = _read(FIXTURES / "schema" / "equivalent-const-vs-enum" / "base.yaml")
    as_const = enum_as_const(copy.deepcopy(v31))
    body = as_const["paths"]["/items"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["value"] == {"type": "string", "const": "cat"}
    wrapped = wrap_components_in_one_of(copy.deepcopy(doc))["components"]["schemas"]
    assert list(wrapped["Pet"]) == ["oneOf"] and "properties" in wrapped["Pet"]["oneOf"][0]
    consts = enum_into_untyped_consts(copy.deepcopy(doc))["components"]["schemas"]["Pet"]
    values = [{"enum": ["available"]}, {"enum": ["pending"]}, {"enum": ["sold"]}]
    assert consts["properties"]["status"]["oneOf"] == values
    typed = {"type": ["boolean", "string", "null"], "maxLength": 5, "description": "d"}
    split = split_type_lists({"openapi": "3.1.0", "components": {"schemas": {"T": typed}}})
    assert split["components"]["schemas"]["T"] == {
        "description": "d",
        "anyOf": [{"type": "boolean"}, {"type": "string", "maxLength": 5}, {"type": "null"}],
    }


def test_a_transform_skipped_by_its_text_would_rewrite_nothing() -> None:
    """_WRITTEN's patterns only skip documents their transform leaves as they are: checked on
    every fixture document, and on a 3.1 document written in each of the ways YAML and JSON
    spell its version."""
    for name, written in _WRITTEN.items():
        for source in _fixture_documents():
            if not written.search(source.read_text(encoding="utf-8")):
                doc = _read(source)
                assert TRANSFORMS[name](copy.deepcopy(doc)) == doc, f"{name} skips {source}"
    for text in ("openapi: 3.1.0\n", "openapi: '3.1.1'\n", '{"openapi": "3.1.0"}', '{"openapi" : "3.1"}'):
        assert _WRITTEN["enum-as-const"].search(text), text


def test_a_loaded_base_is_read_not_changed() -> None:
    """What `_loaded_once` relies on: the engine reads a loaded document and changes nothing in
    it, so a document loaded once is each later diff's base as a fresh load would be. Diffed
    twice as the base of a pair with changes (the petstore's, the Twilio pair's when the corpus
    is here), the report is a fresh load's each time, and the document is still as parsed."""
    pairs = [(FIXTURES / "petstore" / "base.yaml", FIXTURES / "petstore" / "revision.yaml")]
    twilio = CORPUS / "twilio" / "2.6.3" / "twilio_messaging_v1.json"
    if twilio.is_file():
        pairs.append((twilio, CORPUS / "twilio" / "2.6.5" / "twilio_messaging_v1.json"))
    options = RunOptions(dangling_as_empty=True)
    for base, revision in pairs:
        fresh = run_deep(functools.partial(diff, file_spec(str(base)), file_spec(str(revision)), options))
        assert fresh.changes, f"{base}: a pair with changes"
        spec = file_spec(str(base))
        document = load(spec, dangling_as_empty=True)
        for _ in range(2):
            with _loaded_once(spec, document):
                again = run_deep(functools.partial(diff, spec, file_spec(str(revision)), options))
            assert again == fresh, base
        assert json.dumps(document.root) == json.dumps(_read(base)), f"{base} was changed"
