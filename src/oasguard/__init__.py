"""oasguard: tells a pull request whether it breaks the clients of an HTTP API."""

__version__ = "0.6.0"
