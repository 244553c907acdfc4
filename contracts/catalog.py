"""Every context's messages, imported once so the registry knows them all."""

from contracts import bankruptcy, enforcement, ledger, reporting, risk
from contracts.base import Payload
from contracts.registry import PAYLOADS

CONTEXTS = {
    "bankruptcy": bankruptcy,
    "enforcement": enforcement,
    "ledger": ledger,
    "reporting": reporting,
    "risk": risk,
}


def public() -> dict[str, type[Payload]]:
    """The message types of the system's contexts (tests may register types of their own)."""
    return {t: cls for t, cls in sorted(PAYLOADS.items()) if cls.context() in CONTEXTS}


__all__ = ["CONTEXTS", "PAYLOADS", "public"]
