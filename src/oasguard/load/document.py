"""A loaded OpenAPI document and the sandboxed `$ref` resolution of everything it refers to."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from oasguard.errors import LoadError, RefError, SourceError, brief
from oasguard.load.parse import parse
from oasguard.sources import Spec

#: `$ref` chains longer than this are refused (they are cycles in all but name).
MAX_REF_CHAIN = 256


def escape(token: str) -> str:
    """One RFC 6901 reference token."""
    return token.replace("~", "~0").replace("/", "~1")


@dataclass
class Document:
    """The parsed entry document of one side, its OpenAPI version and its `$ref` resolver."""

    spec: Spec
    root: dict
    #: "2.0", "3.0" or "3.1"
    version: str
    resolver: RefResolver = field(repr=False)

    @property
    def name(self) -> str:
        return self.spec.tree.display(self.spec.path)


def load(spec: Spec, dangling_as_empty: bool = False) -> Document:
    """Read, parse and check the entry document of `spec`. With `dangling_as_empty`, a `$ref` to
    nothing in a document that was read is an empty schema instead of an error (an opt-in for
    broken documents; a missing file is still an error)."""
    name = spec.tree.display(spec.path)
    root = parse(spec.tree.read(spec.path), name)
    if not isinstance(root, dict):
        raise LoadError(f"{name}: not an OpenAPI document (the top level is not a mapping)")
    version = _version(root, name)
    for key in ("paths", "components", "definitions", "webhooks", "info"):
        value = root.get(key)
        if value is not None and not isinstance(value, dict):
            raise LoadError(f"{name}: invalid document: '{key}' must be a mapping")
    if version != "3.1" and not isinstance(root.get("paths"), dict):
        raise LoadError(f"{name}: invalid document: 'paths' is missing")
    return Document(spec, root, version, RefResolver(spec, root, dangling_as_empty))


def _version(root: dict, name: str) -> str:
    openapi, swagger = root.get("openapi"), root.get("swagger")
    if openapi is not None:
        text = brief(openapi) if not isinstance(openapi, str) else openapi[:60]
        if text.startswith("3.0"):
            return "3.0"
        if text.startswith("3.1"):
            return "3.1"
        raise LoadError(f"{name}: unsupported OpenAPI version '{text}' (3.0.x and 3.1.x are)")
    if swagger is not None:
        if str(swagger) == "2.0":
            return "2.0"
        raise LoadError(f"{name}: unsupported Swagger version {brief(swagger)} (2.0 is)")
    raise LoadError(f"{name}: not an OpenAPI document (no 'openapi' or 'swagger' field)")


class RefResolver:
    """Resolves `$ref`s of one side, reading other files from the same tree and nowhere else.

    It decides which files may be read at all (no remote URLs, nothing outside the root), parses
    them with the same loader as the entry document and resolves RFC 6901 pointers in them
    (docs/decisions.md says why this is not done with `referencing`).
    """

    def __init__(self, spec: Spec, root: dict, dangling_as_empty: bool = False) -> None:
        self._tree = spec.tree
        self._dangling_as_empty = dangling_as_empty
        self._files: dict[PurePosixPath, object] = {spec.path: root}
        self._names: dict[PurePosixPath, str] = {}
        #: what each `$ref` spelling of a file leads to, by file: the entry's table is found by
        #: identity (a key holding the file would hash its path in Python on every lookup)
        self._entry = spec.path
        self._entry_cache: dict[str, tuple[object, PurePosixPath, str]] = {}
        self._caches: dict[PurePosixPath, dict[str, tuple[object, PurePosixPath, str]]] = {
            spec.path: self._entry_cache
        }

    def display(self, path: PurePosixPath) -> str:
        """How to name a file of this side to a user (remembered: it is asked for on every lookup)."""
        name = self._names.get(path)
        if name is None:
            name = self._names[path] = self._tree.display(path)
        return name

    def document(self, path: PurePosixPath) -> object:
        """The parsed content of a file of this side (already loaded through a `$ref`)."""
        return self._files[path]

    def file_content(self, path: PurePosixPath) -> object:
        """The parsed content of `path` in this side's tree, read through the sandbox."""
        if path not in self._files:
            self._load_file(path.as_posix(), path, self.display(path))
        return self._files[path]

    def deref(self, ref: object, file: PurePosixPath) -> tuple[object, PurePosixPath, str]:
        """Follow `ref` (written in `file`) and any `$ref`-only targets after it.

        Returns the content, the file it is in and its JSON pointer there.
        """
        seen: list[str] = []
        while True:
            if not isinstance(ref, str):
                raise RefError(f"{self.display(file)}: $ref must be a string, not {brief(ref)}")
            cache = self._entry_cache if file is self._entry else self._caches.setdefault(file, {})
            cached = cache.get(ref)
            if cached is None:
                cached = cache[ref] = self._lookup(ref, file)
            target, file, pointer = cached
            if not (isinstance(target, dict) and "$ref" in target):
                return cached
            key = f"{file}#{pointer}"  # only for a chain: most targets are content
            if key in seen:
                raise RefError(
                    f"{self.display(file)}: $ref cycle with no content: " + " -> ".join([*seen, key])
                )
            if len(seen) > MAX_REF_CHAIN:
                raise RefError(f"{self.display(file)}: $ref chain longer than {MAX_REF_CHAIN}")
            seen.append(key)
            ref = target["$ref"]

    def _lookup(self, ref: str, file: PurePosixPath) -> tuple[object, PurePosixPath, str]:
        if ref[:2] == "#/" and "%" not in ref and ref.isprintable():
            # a pointer into the same file, nothing to decode (almost every `$ref`): what
            # `urlsplit` and `unquote` below make of it (no scheme, no path, the fragment after
            # the first `#`; they remove tabs and line breaks only, which are not printable),
            # without their cost (about 15,000 instructions a spelling)
            pointer = ref[1:]
            found = lookup(self._files[file], pointer)
            if found is not NOWHERE:
                return found, file, pointer
        where = self.display(file)
        if "\0" in ref:
            raise RefError(f"{where}: $ref {brief(ref)} holds a NUL character")
        try:
            parts = urlsplit(ref)
        except ValueError as error:  # a malformed URL (an unclosed IPv6 host, ...)
            raise RefError(f"{where}: $ref {brief(ref)} is not a valid URL ({error})") from None
        if parts.scheme or parts.netloc or ref.startswith("//"):
            raise RefError(f"{where}: remote $ref '{ref}' refused (oasguard never uses the network)")
        target = file
        path, fragment = unquote(parts.path), parts.fragment
        if "\0" in path or "\0" in unquote(fragment):
            raise RefError(f"{where}: $ref {brief(ref)} holds a NUL character (percent-encoded)")
        if parts.path:
            target = self._target_file(ref, path, file)
            if target not in self._files:
                self._load_file(ref, target, where)
        if fragment and not fragment.startswith("/"):
            raise RefError(f"{where}: $ref '{ref}' has a fragment that is not a JSON pointer")
        pointer = unquote(fragment)
        found = lookup(self._files[target], pointer)
        if found is NOWHERE and self._dangling_as_empty:
            return {}, target, pointer
        if found is NOWHERE:
            raise RefError(f"{where}: dangling $ref '{ref}' (nothing at that pointer)")
        return found, target, pointer

    def _target_file(self, ref: str, path: str, file: PurePosixPath) -> PurePosixPath:
        where = self.display(file)
        if path.startswith("/"):
            inside = self._tree.contains(path)
            if inside is None:
                raise RefError(f"{where}: $ref '{ref}' leaves the root ({self._tree.label})")
            return inside
        joined = posixpath.normpath(posixpath.join(file.parent.as_posix(), path))
        if joined == ".." or joined.startswith("../"):
            raise RefError(f"{where}: $ref '{ref}' leaves the root ({self._tree.label})")
        return PurePosixPath(joined)

    def _load_file(self, ref: str, target: PurePosixPath, where: str) -> None:
        try:
            data = self._tree.read(target)
        except SourceError as error:
            raise RefError(f"{where}: dangling $ref '{ref}' ({error})") from None
        self._files[target] = parse(data, self.display(target))


#: what `lookup` returns for a pointer that leads nowhere
NOWHERE = object()


def lookup(document: object, pointer: str) -> object:
    """What the RFC 6901 `pointer` (already percent-decoded) points to in `document`, or NOWHERE.

    A token names a mapping key as written (`200:` unquoted is the key "200") or a list index.
    """
    if not pointer:
        return document
    return lookup_tokens(document, pointer_tokens(pointer))


def pointer_tokens(pointer: str) -> tuple[str, ...]:
    """The reference tokens of the RFC 6901 `pointer` ("" or starting with "/"), unescaped."""
    if not pointer:
        return ()
    tokens = pointer.split("/")[1:]
    if "~" not in pointer:
        return tuple(tokens)
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in tokens)


def lookup_tokens(document: object, tokens: tuple[str, ...] | list[str]) -> object:
    """`lookup` of a pointer given as its reference tokens, unescaped (`pointer_tokens`): what the
    model's places (`Where.tokens`) hold, so that no pointer is spelled to be split again."""
    node = document
    for token in tokens:
        cls = node.__class__
        if cls is dict or (cls is not list and isinstance(node, dict)):
            if token in node:  # keys are the text written, never numbers (docs/decisions.md)
                node = node[token]  # type: ignore[index]
            else:
                return NOWHERE
        elif isinstance(node, list) and _index(token):
            if len(token) > len(str(len(node))) or int(token) >= len(node):  # never int() 5,000 digits
                return NOWHERE
            node = node[int(token)]
        else:
            return NOWHERE
    return node


def _index(token: str) -> bool:
    """Whether `token` is an RFC 6901 array index: ASCII digits only (`²` and `١` are digits to
    Python, not to JSON pointers), no leading zero."""
    return token.isascii() and token.isdigit() and (token == "0" or token[0] != "0")
