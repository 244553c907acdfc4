"""Placeholder for `fuyuan ids`."""

import typer

app = typer.Typer(help="Check identifiers: 公民身份号码, 统一社会信用代码, 案号.")
