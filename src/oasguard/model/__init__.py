"""Model: the normalised graph that Swagger 2.0, OpenAPI 3.0 and 3.1 documents all become."""

from oasguard.model.nodes import (
    Api,
    Body,
    Header,
    MediaType,
    Operation,
    Parameter,
    Response,
    Schema,
)
from oasguard.model.normalise import normalise

__all__ = [
    "Api",
    "Body",
    "Header",
    "MediaType",
    "Operation",
    "Parameter",
    "Response",
    "Schema",
    "normalise",
]
