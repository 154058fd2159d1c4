"""Documents generated from code (SPEC 6): a side's tree (a git revision, the working tree or
the index) and a command (or a FastAPI application) → an OpenAPI document, cleaned up after."""

from oasguard.generate.recipe import DEFAULT_TIMEOUT, Recipe
from oasguard.generate.run import GenerateError, Job, generated, generated_pair
from oasguard.generate.trees import Index, Revision, WorkingTree

__all__ = [
    "DEFAULT_TIMEOUT",
    "GenerateError",
    "Index",
    "Job",
    "Recipe",
    "Revision",
    "WorkingTree",
    "generated",
    "generated_pair",
]
