"""`fuyuan deploy` — files a deployment needs, generated from the code and the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from contracts.organizations import Registry, RegistryError
from services.runtime import permissions

app = typer.Typer(help="Generate deployment files: the NATS accounts and permissions.")


@app.callback()
def _group() -> None:
    """Generate deployment files (see docs/PERMISSIONS.md and docs/DEPLOY.md)."""


@app.command("nats-config")
def nats_config(
    out: Annotated[
        Path | None,
        typer.Option(help="Write here (e.g. deploy/nats/cluster/auth.conf); default: stdout."),
    ] = None,
    passwords_from_env: Annotated[
        bool,
        typer.Option(
            "--passwords-from-env/--dev-passwords",
            help="Production: each password is $FUYUAN_NATS_PW_<USER>, resolved by nats-server "
            "from its environment. Development: fixed, documented, NOT secret passwords.",
        ),
    ] = True,
    registry: Annotated[
        Path | None,
        typer.Option(help="The organization registry; default: $FUYUAN_ORGANIZATIONS or "
                     "deploy/organizations.yaml."),
    ] = None,
) -> None:  # fmt: skip
    """The NATS `accounts` block: one account per organization, one for the services.

    A court or bureau publishes only as itself, reads only its own notices, rejections and
    events, and uses only its own durable consumers `<context>_<ORG>`.
    """
    try:
        orgs = Registry.load(registry)
    except (OSError, RegistryError) as error:
        typer.echo(f"cannot read the organization registry: {error}", err=True)
        raise typer.Exit(2) from None
    text = permissions.nats_config(orgs, dev_passwords=not passwords_from_env)
    if out is None:
        typer.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    users = permissions.users(orgs)
    typer.echo(
        f"wrote {out}: {len(users)} users "
        f"({sum(u.role is permissions.Role.ORGANIZATION for u in users)} organizations), "
        + ("development passwords" if not passwords_from_env else "passwords from environment"),
        err=True,
    )
