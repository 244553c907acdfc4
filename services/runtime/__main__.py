"""`python -m services.runtime <service>`: run one service in the foreground (reads NATS_URL and
DATABASE_URL), loading only what the service runs.

`fuyuan service <name>` hands over to this (the process replaces itself, same pid), and
`fuyuan up`, the benchmarks and the compose containers start services through it: the command
line's module loads every command with its libraries (typer, click, cryptography, the workbench,
the exporters), about 15 MiB of resident memory a service never uses (docs/SCALING.md, "Resident
memory").
"""

from __future__ import annotations

import importlib
import sys

from services.runtime.catalog import SERVICES

UNUSED = ("rich",)
"""Libraries a service never uses that others load when installed: structlog loads rich (and
with it pygments, about 3 MiB) for its console renderer's tracebacks, while a service logs JSON
lines with plain tracebacks (`services/runtime/observability.py`). Marked absent before anything
imports structlog, so that its `import rich` finds nothing, as where rich is not installed."""


def keep_out() -> None:
    """Mark the unused libraries absent, unless something has loaded them already."""
    for name in UNUSED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "not importable"


def run(name: str) -> None:
    if name not in SERVICES:
        raise SystemExit(f"unknown service {name!r}; known: {', '.join(SERVICES)}")
    keep_out()
    importlib.import_module(f"services.{name}.main").main()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(f"usage: python -m services.runtime {{{','.join(SERVICES)}}}", file=sys.stderr)
        sys.exit(2)
    run(sys.argv[1])
