"""`fuyuan contracts`: the AsyncAPI document and JSON Schemas, generated from the code."""

from __future__ import annotations

import typer

app = typer.Typer(help="Export or check the AsyncAPI document and JSON Schemas.")


@app.command()
def export() -> None:
    """Write contracts/generated/ (asyncapi.json and schemas/<type>.json)."""
    from contracts.asyncapi import export as write

    for path in write():
        typer.echo(str(path))


@app.command()
def check() -> None:
    """Exit 1 if the committed generated files differ from what the code generates."""
    from contracts.asyncapi import GENERATED, rendered

    stale = [
        rel
        for rel, text in rendered().items()
        if not (GENERATED / rel).exists() or (GENERATED / rel).read_text("utf-8") != text
    ]
    for rel in stale:
        typer.echo(f"stale: {rel}", err=True)
    raise typer.Exit(1 if stale else 0)
