"""Building the graph: what the normaliser reads once and shares keeps every node's own place."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS
from oasguard.engine import run_deep
from oasguard.load import load
from oasguard.load.document import escape
from oasguard.model import normalise
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
