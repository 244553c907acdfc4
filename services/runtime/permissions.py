"""授权 — the NATS users and permissions, generated from the organization registry.

Pure functions (no I/O): `authorization(registry, …)` gives the `authorization { users: […] }`
block as data, `render(…)` as nats-server configuration text. `fuyuan deploy nats-config`
(services/cli/deploy.py) writes it; docs/PERMISSIONS.md explains it.

Three kinds of user, all in the one (global) account, so JetStream works as it does without
authorization:

- one per organization, named by its code (`CT410300`, `NR410300`, …). It publishes only as
  itself (`*.command.*.*.<ORG>`, `*.reply.*.*.<ORG>`), reads only what is addressed to it or what
  it did (`*.notice|rejection|event.*.*.<ORG>`), receives replies only on its own inbox prefix
  `_INBOX_<ORG>`, and uses JetStream only through its own durable consumer `<context>_<ORG>` per
  context stream, created with a filter subject that ends in its own code.
- one per service, `svc_<service>`: its context's subjects, the dead letters, the whole JetStream
  API and `_INBOX.>`; the ledger reads every context.
- `operator`: everything, for administration only.

Subject and permission wildcards are per token, so a pattern ending in `.<ORG>` can never match
another organization's code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from contracts.catalog import CONTEXTS
from contracts.organizations import Registry
from contracts.subjects import DEADLETTER_ROOT, stream_name
from services.runtime.catalog import SERVICES

OPERATOR_USER = "operator"
SERVICE_USER_PREFIX = "svc_"
PASSWORD_ENV_PREFIX = "FUYUAN_NATS_PW_"
"""`$FUYUAN_NATS_PW_<USER>` (user name in capitals) holds a user's password in production."""
SERVICE_INBOX = "_INBOX"
LEDGER_SERVICE = "ledger"
"""The service that journals every context, so it reads them all."""

DEV_PASSWORD_SALT = "fuyuan-nats-dev-password"
"""Development passwords are `dev-` + the first 24 hex digits of
sha256(`fuyuan-nats-dev-password:<user>`): deterministic, documented, and therefore no secret."""


class Role(StrEnum):
    ORGANIZATION = "organization"
    SERVICE = "service"
    OPERATOR = "operator"


@dataclass(frozen=True)
class Permissions:
    """Allow lists; NATS denies every subject not allowed."""

    publish: tuple[str, ...]
    subscribe: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "publish": {"allow": list(self.publish)},
            "subscribe": {"allow": list(self.subscribe)},
        }


@dataclass(frozen=True)
class EnvVar:
    """A reference nats-server resolves from its environment when it loads the config."""

    name: str

    def __str__(self) -> str:
        return f"${self.name}"


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    permissions: Permissions


# ---- names -----------------------------------------------------------------------------------


def consumer_name(context: str, org: str) -> str:
    """The one durable consumer an organization may have on a context's stream."""
    return f"{context}_{org}"


def inbox_prefix(org: str) -> str:
    """What an organization passes as nats-py `connect(inbox_prefix=…)`."""
    return f"{SERVICE_INBOX}_{org}"


def service_user(service: str) -> str:
    return f"{SERVICE_USER_PREFIX}{service}"


def password_variable(user: str) -> str:
    return f"{PASSWORD_ENV_PREFIX}{user.upper()}"


def dev_password(user: str) -> str:
    digest = hashlib.sha256(f"{DEV_PASSWORD_SALT}:{user}".encode()).hexdigest()
    return f"dev-{digest[:24]}"


# ---- permissions -----------------------------------------------------------------------------


def organization_permissions(org: str, contexts: Iterable[str]) -> Permissions:
    """A court, bureau, bank, joint office …: publishes as itself, reads what is its own."""
    js: list[str] = ["$JS.API.INFO"]
    for context in contexts:
        stream, consumer = stream_name(context), consumer_name(context, org)
        js += [
            f"$JS.API.STREAM.INFO.{stream}",
            # The create subject carries the filter (NATS 2.9+), and the server refuses a request
            # whose filter differs from it: only a filter of this stream ending in the org's code.
            # `CONSUMER.DURABLE.CREATE` carries no filter, so it is not allowed.
            f"$JS.API.CONSUMER.CREATE.{stream}.{consumer}.{context}.*.*.*.{org}",
            f"$JS.API.CONSUMER.INFO.{stream}.{consumer}",
            f"$JS.API.CONSUMER.DELETE.{stream}.{consumer}",
            f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}",
            f"$JS.ACK.{stream}.{consumer}.>",
        ]
    return Permissions(
        publish=(f"*.command.*.*.{org}", f"*.reply.*.*.{org}", *js),
        subscribe=(
            f"*.notice.*.*.{org}",
            f"*.rejection.*.*.{org}",
            f"*.event.*.*.{org}",
            f"{inbox_prefix(org)}.>",
        ),
    )


def service_permissions(service: str, contexts: Iterable[str]) -> Permissions:
    """A service: its own context (the ledger: every context), dead letters, all of JetStream."""
    reads = list(contexts) if service == LEDGER_SERVICE else []
    own = [f"{context}.>" for context in dict.fromkeys([service, *reads])]
    common = (f"{DEADLETTER_ROOT}.>", f"{SERVICE_INBOX}.>")
    return Permissions(
        publish=(f"{service}.>", *common, "$JS.API.>", "$JS.ACK.>"),
        subscribe=(*own, *common),
    )


def operator_permissions() -> Permissions:
    return Permissions(publish=(">",), subscribe=(">",))


def users(
    registry: Registry,
    contexts: Sequence[str] | None = None,
    services: Sequence[str] | None = None,
) -> list[User]:
    """Every user: the organizations (by code), the services, the operator. Contexts and
    services default to the catalogs (`contracts.catalog.CONTEXTS`, `SERVICES`)."""
    contexts = tuple(CONTEXTS) if contexts is None else tuple(contexts)
    services = SERVICES if services is None else tuple(services)
    orgs = [
        User(org.code, Role.ORGANIZATION, organization_permissions(org.code, contexts))
        for org in registry
    ]
    svcs = [User(service_user(s), Role.SERVICE, service_permissions(s, contexts)) for s in services]
    return [*orgs, *svcs, User(OPERATOR_USER, Role.OPERATOR, operator_permissions())]


# ---- the configuration -----------------------------------------------------------------------


def authorization(
    registry: Registry,
    contexts: Sequence[str] | None = None,
    services: Sequence[str] | None = None,
    *,
    dev_passwords: bool,
) -> dict[str, Any]:
    """The `authorization` block as data; a password is a string (dev) or an `EnvVar`."""
    entries = []
    for user in users(registry, contexts, services):
        password: str | EnvVar = (
            dev_password(user.name) if dev_passwords else EnvVar(password_variable(user.name))
        )
        entries.append(
            {"user": user.name, "password": password, "permissions": user.permissions.as_dict()}
        )
    return {"users": entries}


def _value(value: Any, indent: str) -> str:
    """One value; mappings and lists one item a line, indented by two spaces a level."""
    inner = indent + "  "
    if isinstance(value, EnvVar):
        return str(value)  # unquoted: nats-server resolves `$NAME`; quoted it would be literal
    if isinstance(value, str):
        return json.dumps(value)  # quoted: `$JS.API…` unquoted would be a variable reference
    if isinstance(value, list):
        items = [f"{inner}{_value(item, inner)}" for item in value]
        return "[\n" + "\n".join(items) + f"\n{indent}]"
    if isinstance(value, Mapping):
        items = [f"{inner}{key}: {_value(item, inner)}" for key, item in value.items()]
        return "{\n" + "\n".join(items) + f"\n{indent}}}"
    raise TypeError(f"cannot render {value!r}")


def render(block: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """nats-server configuration text: the `authorization { … }` block, after `# header` lines."""
    lines = [f"# {line}".rstrip() for line in header]
    return "\n".join([*lines, f"authorization {_value(block, '')}", ""])


def nats_config(
    registry: Registry,
    contexts: Sequence[str] | None = None,
    services: Sequence[str] | None = None,
    *,
    dev_passwords: bool,
) -> str:
    """The text `fuyuan deploy nats-config` writes (auth.conf, included by common.conf)."""
    mode = (
        "development passwords (NOT secret: derived as documented in docs/PERMISSIONS.md)"
        if dev_passwords
        else f"passwords from the environment of nats-server (${PASSWORD_ENV_PREFIX}<USER>)"
    )
    header = [
        "Generated by `fuyuan deploy nats-config` from the organization registry: do not edit.",
        "Who may publish and read what: docs/PERMISSIONS.md.",
        f"Passwords: {mode}.",
    ]
    block = authorization(registry, contexts, services, dev_passwords=dev_passwords)
    return render(block, header)
