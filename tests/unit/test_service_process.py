"""A service process loads what the service runs and no more: `python -m services.runtime`,
what `fuyuan service`, `fuyuan up` and the benchmarks start (docs/SCALING.md, "Resident
memory"). Which modules are loaded is asserted, never a size."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.capacity import service_env
from services.cli.stack import Stack, command
from services.runtime.catalog import SERVICES

NEVER_IN_A_SERVICE = ("services.cli", "typer", "click", "rich", "pygments")
"""The command line and its libraries, and rich that structlog would load when installed."""


def loaded_by(service: str) -> list[str]:
    """The modules of `NEVER_IN_A_SERVICE` loaded once the runner has loaded the service."""
    probe = (
        "import importlib, json, sys\n"
        "from services.runtime.__main__ import keep_out\n"
        "keep_out()\n"
        f"importlib.import_module('services.{service}.main')\n"
        f"watched = {NEVER_IN_A_SERVICE!r}\n"
        "print(json.dumps(sorted(n for n, m in sys.modules.items() if m is not None\n"
        "    and any(n == w or n.startswith(w + '.') for w in watched))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return loaded


def test_no_service_loads_the_command_line_or_rich() -> None:
    loaded = {service: loaded_by(service) for service in SERVICES}
    assert not any(loaded.values()), loaded


def test_the_runner_refuses_a_service_it_does_not_know() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "services.runtime", "nosuch"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode != 0
    assert "unknown service 'nosuch'" in done.stderr


def test_fuyuan_up_starts_services_through_the_runner_and_the_rest_through_the_cli() -> None:
    assert command(("service", "ledger")) == ["-m", "services.runtime", "ledger"]
    workbench = ("workbench", "--port", "1")
    assert command(workbench) == ["-m", "services.cli.main", *workbench]


def test_children_get_two_malloc_arenas_unless_the_environment_says_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert Stack(tmp_path).env()["MALLOC_ARENA_MAX"] == "2"
    assert service_env("nats://x", "postgresql://y", 1)["MALLOC_ARENA_MAX"] == "2"
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert Stack(tmp_path).env()["MALLOC_ARENA_MAX"] == "4"
    assert service_env("nats://x", "postgresql://y", 1)["MALLOC_ARENA_MAX"] == "4"
