"""`fuyuan ids check` — says what each value is, never echoes a full personal id."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from services.cli.main import app

RESIDENT_ID = "11010519491231002X"
MASKED = "110105********002X"
runner = CliRunner()


def _check(*values: str) -> Any:
    return runner.invoke(app, ["ids", "check", *values], env={"COLUMNS": "200"})


def _check_json(*values: str) -> tuple[int, list[dict[str, Any]]]:
    result = runner.invoke(app, ["ids", "check", "--json", *values])
    return result.exit_code, json.loads(result.stdout)


def test_valid_values_exit_zero_and_show_the_normalized_form() -> None:
    result = _check("(2022)豫0482执1234号", "91350100m000100y43")
    assert result.exit_code == 0, result.output
    assert "（2022）豫0482执1234号" in result.output
    assert "91350100M000100Y43" in result.output
    assert "汝州市人民法院" in result.output


def test_an_invalid_value_exits_one_and_says_why() -> None:
    result = _check("(2022)豫0482执1234号", "(1899)豫03执1号")
    assert result.exit_code == 1
    assert "year 1899 is out of range" in result.output


def test_a_resident_id_is_shown_masked_in_the_table() -> None:
    result = _check(RESIDENT_ID.lower())
    assert result.exit_code == 0
    assert MASKED in result.output
    assert RESIDENT_ID not in result.output.upper()


def test_an_invalid_resident_id_is_masked_too() -> None:
    wrong = RESIDENT_ID[:17] + "1"
    result = _check(wrong)
    assert result.exit_code == 1
    assert wrong not in result.output
    assert "110105********0021" in result.output


def test_json_output_lists_every_value_with_its_verdict() -> None:
    code, rows = _check_json(RESIDENT_ID, "(2021)豫0311执恢88号", "hello")
    assert code == 1
    assert [row["kind"] for row in rows] == ["resident_id", "case_number", "unknown"]
    assert [row["valid"] for row in rows] == [True, True, False]
    assert rows[0]["value"] == rows[0]["normalized"] == MASKED
    assert rows[1]["normalized"] == "（2021）豫0311执恢88号"
    assert rows[1]["details"]["court"] == "洛阳市洛龙区人民法院"
    assert rows[2]["reason"]


def test_json_output_never_contains_a_full_resident_id() -> None:
    result = runner.invoke(app, ["ids", "check", "--json", RESIDENT_ID, "110105491231002"])
    assert result.exit_code == 0
    assert RESIDENT_ID not in result.stdout and "110105491231002" not in result.stdout


def test_an_unrecognised_string_of_digits_is_masked() -> None:
    code, rows = _check_json("4104821990")
    assert code == 1
    assert rows[0]["value"] == "**********"


def test_an_invalid_credit_code_is_masked_as_it_may_be_a_mistyped_id() -> None:
    code, rows = _check_json("1101051949123A002X")
    assert code == 1
    assert rows[0]["kind"] == "credit_code"
    assert rows[0]["value"] == "110105********002X"
