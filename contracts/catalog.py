"""Every context's messages, imported once so the registry knows them all."""

from contracts import enforcement
from contracts.registry import PAYLOADS

CONTEXTS = {"enforcement": enforcement}

__all__ = ["CONTEXTS", "PAYLOADS"]
