"""Compare two normalised Apis operation by operation, one module per family of rules.

`paths` walks both documents (servers, operations, webhooks) and hands each check a `Here`
(context.py): the run, the operation and the location, which makes the facts. `parameters`,
`bodies`, `responses` and `security` hold the checks of their families, as `rules/` does.
"""
