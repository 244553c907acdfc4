"""`fuyuan ids` — check identifiers: 公民身份号码, 统一社会信用代码, 案号.

A personal id number is never echoed whole, even though the integrator typed it: resident ids, and
any other invalid value with six or more digits (it may be a mistyped id), are shown masked
(first 6 … last 4). Valid credit codes and all case numbers are shown as typed.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from contracts.ids import IdentifyResult, identify, mask_id
from contracts.organizations import Registry, RegistryError, UnknownOrganizationError

app = typer.Typer(
    help="Check identifiers: 公民身份号码, 统一社会信用代码, 案号.", no_args_is_help=True
)

Row = dict[str, Any]


@cache
def _registry() -> Registry | None:
    try:
        return Registry.load()
    except (OSError, RegistryError):
        return None  # the court's name is a courtesy; checking ids does not need the registry


def _court_name(court_code: object) -> str | None:
    registry = _registry()
    if registry is None or not isinstance(court_code, str):
        return None
    try:
        return registry.court_for_case_code(court_code).name
    except UnknownOrganizationError:
        return None


def _may_be_personal(value: str, result: IdentifyResult) -> bool:
    if result.kind == "resident_id":
        return True
    digits = sum(char.isdigit() for char in value)
    return result.kind != "case_number" and not result.valid and digits >= 6


def _details(result: IdentifyResult) -> dict[str, Any]:
    details: dict[str, Any] = dict(result.details)
    if court := _court_name(details.get("court_code")):
        details["court"] = court
    return details


def _row(value: str) -> Row:
    result = identify(value)
    personal = _may_be_personal(value, result)
    normalized = result.normalized
    return {
        "value": mask_id(value.strip()) if personal else value,
        "kind": result.kind,
        "valid": result.valid,
        "normalized": mask_id(normalized) if personal and normalized else normalized,
        "reason": result.reason,
        "details": _details(result),
    }


KIND_NAMES = {
    "resident_id": "身份号码 resident id",
    "credit_code": "信用代码 credit code",
    "case_number": "案号 case number",
    "unknown": "未识别 unknown",
}


def _value_cell(row: Row) -> str:
    if row["normalized"] in (None, row["value"]):
        return str(row["value"])
    return f"{row['value']}\n→ {row['normalized']}"


def _remark(row: Row) -> str:
    if row["reason"]:
        return f"[red]{escape(row['reason'])}[/]"
    return escape("\n".join(f"{key}: {value}" for key, value in row["details"].items()))


def _table(rows: list[Row]) -> Table:
    table = Table(title="标识号检查 identifier check", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("value → normalized", min_width=18, overflow="fold")
    table.add_column("kind", max_width=12)
    table.add_column("ok")
    table.add_column("reason / details", overflow="fold")
    for number, row in enumerate(rows, start=1):
        valid = "[green]✓[/]" if row["valid"] else "[red]✗[/]"
        kind = KIND_NAMES[row["kind"]]
        table.add_row(str(number), escape(_value_cell(row)), kind, valid, _remark(row))
    return table


@app.command()
def check(
    values: Annotated[list[str], typer.Argument(help="Ids, credit codes or case numbers.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Say what each value is and whether it is valid; exit 1 unless all are valid."""
    rows = [_row(value) for value in values]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        Console().print(_table(rows))
    raise typer.Exit(0 if all(row["valid"] for row in rows) else 1)
