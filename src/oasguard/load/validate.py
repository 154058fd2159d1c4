"""Optional full validation against the OpenAPI schema (openapi-spec-validator): `--validate`.

Off by default: it costs about 100 times the parse on large documents (docs/decisions.md).
"""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from oasguard.errors import LoadError
from oasguard.load.document import Document, escape


def violations(document: Document) -> list[str]:
    """Every violation of the OpenAPI schema in the entry document, one line each."""
    from openapi_spec_validator import (
        OpenAPIV2SpecValidator,
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
    )

    validator_class = {
        "2.0": OpenAPIV2SpecValidator,
        "3.0": OpenAPIV30SpecValidator,
        "3.1": OpenAPIV31SpecValidator,
    }[document.version]

    # The validator never reads a file or URL on its own: every `file:` URI it asks for is read
    # through this side's sandboxed tree, and no other scheme has a handler.
    def read(uri: str) -> object:
        path = PurePosixPath(posixpath.normpath(unquote(urlsplit(uri).path).lstrip("/") or "."))
        return document.resolver.file_content(path)

    sandboxed = type("Sandboxed", (validator_class,), {"resolver_handlers": {"file": read}})
    validator = sandboxed(document.root, base_uri="file:///" + document.spec.path.as_posix())
    found: list[str] = []
    errors = validator.iter_errors()
    while True:
        try:
            error = next(errors)
        except StopIteration:
            break
        except RecursionError:  # a valid document may be deeper than the validator can walk
            raise LoadError(
                f"{document.name}: too deep to validate ({_depth(document.root):,} levels); "
                "compare it without --validate"
            ) from None
        except Exception as failure:  # the validator's own checks stumble on what it flagged
            if not found:
                found.append(f"{document.name}: invalid document ({type(failure).__name__}: {failure})")
            break
        where = "/" + "/".join(escape(str(part)) for part in getattr(error, "path", ()))
        message = " ".join(str(getattr(error, "message", error)).split())
        found.append(f"{document.name}: {where}: {message}")
    return found


def _depth(root: object) -> int:
    """How deeply `root` nests (mappings and lists), counted without recursion."""
    deepest, stack = 0, [(root, 1)]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, (dict, list)) or id(node) in seen:
            continue
        seen.add(id(node))  # YAML aliases share nodes: each is walked once
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest
