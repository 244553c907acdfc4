"""`fuyuan deploy` — files a deployment needs, generated from the code and the registry."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated

import typer

from contracts.organizations import Registry, RegistryError
from services.runtime import permissions

app = typer.Typer(help="Generate deployment files: the NATS accounts, permissions and passwords.")


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
        typer.Option(
            help="The organization registry; default: $FUYUAN_ORGANIZATIONS or "
            "deploy/organizations.yaml."
        ),
    ] = None,
) -> None:
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


def read_env_file(path: Path) -> dict[str, str]:
    """`NAME=value` lines (comments and blank lines skipped), as compose reads them."""
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines())
    return {
        name.strip(): value.strip()
        for name, *rest in pairs
        for value in rest
        if name.strip() and not name.lstrip().startswith("#")
    }


def new_password() -> str:
    """Letters and digits, starting with a letter: nats-server reads a resolved `$NAME` as a
    configuration token, so a password of digits only would be a number, and `{`, `#` or a
    space would break the parse."""
    return "p" + secrets.token_hex(24)


def _write_secret(path: Path, lines: list[str]) -> None:
    # Created readable by its owner only, before a single secret is in it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    path.chmod(0o600)


@app.command("nats-passwords")
def nats_passwords(
    out: Annotated[
        Path, typer.Option(help="Every NATS user's password, for the NATS nodes (env_file).")
    ] = Path("nats-passwords.env"),
    compose_env: Annotated[
        Path,
        typer.Option(
            help="The services' own passwords, for docker compose to put in "
            "each service's NATS_URL."
        ),
    ] = Path(".env"),
    registry: Annotated[Path | None, typer.Option(help="The organization registry.")] = None,
) -> None:
    """A fresh random password for every NATS user that has none yet; existing ones are kept.

    Writes `$FUYUAN_NATS_PW_<USER>` for every user to OUT (give it to the NATS nodes only; hand
    each organization its own), and adds each service's variable to COMPOSE_ENV, where compose
    reads it for that service's NATS_URL. Both files are made readable by their owner only.
    """
    try:
        orgs = Registry.load(registry)
    except (OSError, RegistryError) as error:
        typer.echo(f"cannot read the organization registry: {error}", err=True)
        raise typer.Exit(2) from None
    users = permissions.users(orgs)
    known = read_env_file(out)
    names = [permissions.password_variable(u.name) for u in users]
    added = [name for name in names if name not in known]
    known |= {name: new_password() for name in added}
    header = ["# NATS passwords by `fuyuan deploy nats-passwords`: SECRET, never commit it."]
    extra = [f"{k}={v}" for k, v in known.items() if k not in names]
    _write_secret(out, [*header, *(f"{n}={known[n]}" for n in names), *extra])
    _services_env(compose_env, users, known)
    typer.echo(f"{out}: {len(names)} users, {len(added)} new passwords", err=True)


def _services_env(path: Path, users: list[permissions.User], known: dict[str, str]) -> None:
    present = read_env_file(path)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    for user in users:
        if user.role not in (permissions.Role.SERVICE, permissions.Role.WORKBENCH):
            continue
        name = permissions.password_variable(user.name)
        if name not in present:
            lines.append(f"{name}={known[name]}")
        elif present[name] != known[name]:
            typer.echo(f"{path}: {name} differs from the NATS nodes' password", err=True)
            raise typer.Exit(1)
    _write_secret(path, lines)
