"""`fuyuan projections` refuses what it cannot act on before it connects anywhere."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from services.cli.main import app


@pytest.mark.parametrize("command", ["rebuild", "lag"])
def test_a_service_without_projections_is_refused(command: str) -> None:
    result = CliRunner().invoke(app, ["projections", command, "--service", "ledger"])
    assert result.exit_code == 2
    assert "has no projections" in result.output


def test_without_a_database_url_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["projections", "rebuild"])
    assert result.exit_code == 2
    assert "DATABASE_URL is not set" in result.output
