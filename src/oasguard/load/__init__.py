"""Load: bytes → YAML/JSON → a document whose `$ref`s resolve inside the sandbox."""

from oasguard.load.document import Document, load

__all__ = ["Document", "load"]
