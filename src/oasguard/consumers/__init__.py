"""Consumers: the evidence of what each client of the API sends and reads (SPEC 5)."""
