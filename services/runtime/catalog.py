"""The services this system runs, each its own process, schema and subject root."""

SERVICES: tuple[str, ...] = ("enforcement", "bankruptcy", "risk", "reporting", "ledger")
