"""授权 — NATS accounts, users and permissions, generated from the organization registry.

Pure functions, no I/O: `accounts(registry, …)` gives the nats-server `accounts { … }` block as
data, `nats_config(registry, …)` as configuration text. `fuyuan deploy nats-config`
(services/cli/deploy.py) writes it; docs/PERMISSIONS.md explains it.

- Account `SERVICES` holds the platform: the streams (JetStream is enabled here only), one user
  per service (`svc_<service>`: publishes what its relay publishes — its context's events,
  notices and rejections, never a command or a reply, which only the organization named in the
  subject may publish — its dead letters and relay alerts but no operator's action on them, its
  own instances' heartbeats in the `fuyuan_status` bucket; the whole JetStream API; `_INBOX.>`;
  the ledger and the reporting service read every context), `auditor` (reads the LEDGER stream's checkpoints and nothing
  else, for `fuyuan audit verify`), `workbench` (the web workbench: publishes any
  organization's command, reads notices, rejections and events; it authenticates officers
  itself and the services still check every envelope) and `operator` (everything,
  administration only).
- Every organization has an account of its own, named by its code, with one user of that name.
  It imports from `SERVICES`, and may use, exactly what concerns it: publish (service imports)
  `<context>.command.*.*.<ORG>` for each context of the catalog but the risk context, where it
  publishes exactly the commands its role in the joint mechanism allows
  (`risk.command.<name>.v1.<ORG>`, from `contracts/risk/roles.py`: the leading group decides
  linkage items, the joint office runs meetings, memos, check-offs and accountability, member
  units submit, request, report and claim) and the reporting context, where a member unit
  publishes `reporting.command.submit_report.v1.<ORG>` and the joint office the other reporting
  commands (`contracts/reporting/roles.py`), and `*.reply.*.*.<ORG>`; receive (stream imports)
  `*.notice|rejection|event.*.*.<ORG>`; and the JetStream API subjects of its own durable
  consumer `<context>_<ORG>` per context stream, which it may create only with a filter subject
  that ends in its own code. The user's permissions allow the same subjects (plus the inboxes
  `_INBOX.>` and `_INBOX_<ORG>.>`, which in its own account only ever carry its own replies), so
  a violation is reported to the client at once.

- An administrator (破产管理人, kind `administrator`) is narrower: it publishes only its own four
  bankruptcy commands, `bankruptcy.command.<request_coordination|publish_employee_claims|
  report_deregistration|apply_expense_aid>.v1.<ORG>`, no reply and no other context's command; it
  receives `bankruptcy.notice|rejection.*.*.<ORG>`; and it has a durable consumer on the
  bankruptcy stream only. Courts publish the procedure's commands and bureaus reply to task
  notices through the rule above, like any other command or reply.

Why an account per organization and not one shared account: NATS never checks the reply subject
of a request against permissions. In a shared account an organization could ask its own consumer
for messages "in reply to" any subject (`$JS.API.CONSUMER.MSG.NEXT…` with reply `deadletter.…`) and
the server would deliver them there, into other streams or other organizations' subscriptions.
Across an account boundary the reply is rewritten to a private `_R_.…` subject that leads only
back into the requester's own account.

Subject and permission wildcards match whole tokens, so a pattern ending in `.<ORG>` can never
match another organization's code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from contracts.bankruptcy.administrator import (
    PublishEmployeeClaims,
    ReportDeregistration,
    RequestCoordination,
)
from contracts.bankruptcy.aid import ApplyExpenseAid
from contracts.catalog import CONTEXTS, public
from contracts.organizations import OrgKind, Registry
from contracts.reporting import roles as reporting_roles
from contracts.risk import roles as risk_roles
from contracts.subjects import DEADLETTER_ACTIONS, DEADLETTER_ROOT, stream_name, subject
from services.runtime.catalog import SERVICES

SERVICE_ACCOUNT = "SERVICES"
"""The account of the services, the operator and the streams."""
OPERATOR_USER = "operator"
AUDITOR_USER = "auditor"
"""Reads the LEDGER stream (the published checkpoints) and nothing else."""
STATUS_BUCKET = "fuyuan_status"
"""The heartbeats: key `<service>.<instance>`, subjects `$KV.fuyuan_status.<service>.<instance>`."""
PLATFORM_KINDS = ("event", "notice", "rejection")
"""What a service's relay publishes. Commands and replies are the organizations' alone."""
SERVICE_USER_PREFIX = "svc_"
INBOX = "_INBOX"
LEDGER_SERVICE = "ledger"
"""The service that journals every context, so it reads them all."""
READERS_OF_EVERY_CONTEXT = frozenset({LEDGER_SERVICE, "reporting"})
"""The ledger journals every context; the reporting service keeps its ledgers, reports and
indicators from every context's events."""
PASSWORD_ENV_PREFIX = "FUYUAN_NATS_PW_"
"""`$FUYUAN_NATS_PW_<USER>` (user name in capitals) holds a user's password in production."""
BANKRUPTCY = "bankruptcy"
ADMINISTRATOR_COMMANDS = (
    RequestCoordination.TYPE,
    PublishEmployeeClaims.TYPE,
    ReportDeregistration.TYPE,
    ApplyExpenseAid.TYPE,
)
"""What an administrator may publish (under its own code), and nothing else."""
GOVERNED_CONTEXTS = frozenset({risk_roles.CONTEXT, reporting_roles.CONTEXT})
"""Contexts whose commands each kind of organization may publish only as their table of roles
says (`contracts/risk/roles.py`, `contracts/reporting/roles.py`), one exact subject per command;
in every other context of the catalog an organization publishes any command under its own
code."""
WORKBENCH_USER = "workbench"
"""The web workbench (工作台): it signs officers in itself and publishes each officer's commands
under the officer's organization, so it may publish the commands of every organization; it
reads what is addressed to organizations (notices, rejections, events) to show them. The
services still check every envelope as they do any sender's."""
DEV_PASSWORD_SALT = "fuyuan-nats-dev-password"
"""Development passwords are `dev-` + the first 24 hex digits of
sha256(`fuyuan-nats-dev-password:<user>`): deterministic, documented, and therefore no secret."""


class Role(StrEnum):
    ORGANIZATION = "organization"
    SERVICE = "service"
    AUDITOR = "auditor"
    WORKBENCH = "workbench"
    OPERATOR = "operator"


class Direction(StrEnum):
    """How an organization uses a subject of the services' account."""

    SERVICE = "service"
    """It publishes (or sends requests) there: a service import."""
    STREAM = "stream"
    """It receives from there: a stream import."""


@dataclass(frozen=True)
class Grant:
    """One subject of the services' account an organization may use."""

    direction: Direction
    subject: str
    streamed_responses: bool = False
    """A request answered by several messages (a pull batch), not by one."""


@dataclass(frozen=True)
class Permissions:
    """Allow lists; NATS denies every subject not allowed, and every subject denied even where
    an allowed wildcard covers it."""

    publish: tuple[str, ...]
    subscribe: tuple[str, ...]
    deny_publish: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        publish: dict[str, list[str]] = {"allow": list(self.publish)}
        if self.deny_publish:
            publish["deny"] = list(self.deny_publish)
        return {"publish": publish, "subscribe": {"allow": list(self.subscribe)}}


@dataclass(frozen=True)
class User:
    name: str
    account: str
    role: Role
    permissions: Permissions


@dataclass(frozen=True)
class EnvVar:
    """A reference nats-server resolves from its environment when it loads the config."""

    name: str

    def __str__(self) -> str:
        return f"${self.name}"


# ---- names -----------------------------------------------------------------------------------


def consumer_name(context: str, org: str) -> str:
    """The one durable consumer an organization may have on a context's stream."""
    return f"{context}_{org}"


def inbox_prefix(org: str) -> str:
    """An inbox prefix an organization may pass to nats-py `connect(inbox_prefix=…)`; the
    default `_INBOX` works as well: both exist only in the organization's own account."""
    return f"{INBOX}_{org}"


def service_user(service: str) -> str:
    return f"{SERVICE_USER_PREFIX}{service}"


def password_variable(user: str) -> str:
    """`FUYUAN_NATS_PW_CT410300`, `FUYUAN_NATS_PW_SVC_ENFORCEMENT`, `FUYUAN_NATS_PW_OPERATOR`."""
    return f"{PASSWORD_ENV_PREFIX}{user.upper()}"


def dev_password(user: str) -> str:
    digest = hashlib.sha256(f"{DEV_PASSWORD_SALT}:{user}".encode()).hexdigest()
    return f"dev-{digest[:24]}"


def _contexts(contexts: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(CONTEXTS) if contexts is None else tuple(contexts)


def _services(services: Iterable[str] | None) -> tuple[str, ...]:
    return SERVICES if services is None else tuple(services)


# ---- what each kind of user may do -----------------------------------------------------------


def governed_commands(kind: OrgKind | None) -> tuple[str, ...]:
    """The commands of the governed contexts an organization of `kind` may publish: the risk
    context's by its role in the joint mechanism (`contracts.risk.roles.PUBLISHERS`), the
    reporting context's by `contracts.reporting.roles` (a member unit submits its reports, the
    joint office runs the rest)."""
    if kind is None:
        return ()
    return (*risk_roles.commands_of(kind), *reporting_roles.commands_of(kind, public()))


def organization_grants(
    org: str, contexts: Iterable[str] | None = None, kind: OrgKind | None = None
) -> list[Grant]:
    """Every subject of the services' account an organization may use, in a fixed order: the
    commands of each context (of a governed context, those its `kind` may publish), replies,
    the JetStream API, notices, rejections and events; an administrator's are its bankruptcy
    commands, notices and rejections only."""
    known = _contexts(contexts)
    if kind is OrgKind.ADMINISTRATOR:
        publish = [
            Grant(Direction.SERVICE, subject(type_, org)) for type_ in ADMINISTRATOR_COMMANDS
        ]
        receive = [
            Grant(Direction.STREAM, f"{BANKRUPTCY}.{what}.*.*.{org}")
            for what in ("notice", "rejection")
        ]
        known = tuple(context for context in known if context == BANKRUPTCY)
    else:
        publish = [
            *(
                Grant(Direction.SERVICE, f"{context}.command.*.*.{org}")
                for context in known
                if context not in GOVERNED_CONTEXTS
            ),
            *(Grant(Direction.SERVICE, subject(type_, org)) for type_ in governed_commands(kind)),
            Grant(Direction.SERVICE, f"*.reply.*.*.{org}"),
        ]
        receive = [
            Grant(Direction.STREAM, f"*.{what}.*.*.{org}")
            for what in ("notice", "rejection", "event")
        ]
    api = [Grant(Direction.SERVICE, "$JS.API.INFO")]
    for context in known:
        stream, consumer = stream_name(context), consumer_name(context, org)
        api += [
            Grant(Direction.SERVICE, f"$JS.API.STREAM.INFO.{stream}"),
            # The create subject carries the filter (NATS 2.9+) and the server refuses a request
            # whose filter differs from it: only a filter of this stream ending in the org's code.
            # `CONSUMER.DURABLE.CREATE` carries no filter, so it is not granted.
            Grant(
                Direction.SERVICE,
                f"$JS.API.CONSUMER.CREATE.{stream}.{consumer}.{context}.*.*.*.{org}",
            ),
            Grant(Direction.SERVICE, f"$JS.API.CONSUMER.INFO.{stream}.{consumer}"),
            Grant(Direction.SERVICE, f"$JS.API.CONSUMER.DELETE.{stream}.{consumer}"),
            Grant(
                Direction.SERVICE,
                f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}",
                streamed_responses=True,
            ),
            Grant(Direction.SERVICE, f"$JS.ACK.{stream}.{consumer}.>"),
        ]
    return [*publish, *api, *receive]


def organization_permissions(
    org: str, contexts: Iterable[str] | None = None, kind: OrgKind | None = None
) -> Permissions:
    """The same subjects as its grants; replies come back on `_INBOX.>` or `_INBOX_<ORG>.>`,
    which exist only in its own account."""
    grants = organization_grants(org, contexts, kind)
    inboxes = (f"{INBOX}.>", f"{inbox_prefix(org)}.>")
    return Permissions(
        publish=tuple(g.subject for g in grants if g.direction is Direction.SERVICE),
        subscribe=(*(g.subject for g in grants if g.direction is Direction.STREAM), *inboxes),
    )


def service_permissions(service: str, contexts: Iterable[str] | None = None) -> Permissions:
    """A service: what its relay publishes, its dead letters and relay alerts, its heartbeats,
    all of JetStream; it reads its own context (the ledger and reporting: every context) and the
    dead letters.

    Not a command or a reply of its context: the journal records the last token of those
    subjects as the authenticated sender, so only that organization may publish there. Not an
    operator's action on a dead letter (`deadletter.actions.…`): those are journaled as the
    operator's. Heartbeats only under its own name, so no service speaks for another."""
    reads = _contexts(contexts) if service in READERS_OF_EVERY_CONTEXT else ()
    own = [f"{context}.>" for context in dict.fromkeys([service, *reads])]
    common = (f"{DEADLETTER_ROOT}.>", f"{INBOX}.>")
    return Permissions(
        publish=(
            *(f"{service}.{kind}.>" for kind in PLATFORM_KINDS),
            *common,
            f"$KV.{STATUS_BUCKET}.{service}.>",
            "$JS.API.>",
            "$JS.ACK.>",
        ),
        subscribe=(*own, *common),
        deny_publish=(f"{DEADLETTER_ROOT}.{DEADLETTER_ACTIONS}.>",),
    )


def auditor_permissions() -> Permissions:
    """Read the LEDGER stream through a consumer of its own (ephemeral or named), nothing else:
    `fuyuan audit verify` compares the journal with the checkpoints published there."""
    stream = stream_name(LEDGER_SERVICE)
    api = "$JS.API"
    return Permissions(
        publish=(
            f"{api}.INFO",
            f"{api}.STREAM.INFO.{stream}",
            f"{api}.CONSUMER.CREATE.{stream}",
            f"{api}.CONSUMER.CREATE.{stream}.>",
            f"{api}.CONSUMER.INFO.{stream}.*",
            f"{api}.CONSUMER.DELETE.{stream}.*",
            f"{api}.CONSUMER.MSG.NEXT.{stream}.*",
            f"$JS.ACK.{stream}.>",
        ),
        subscribe=(f"{INBOX}.>",),
    )


def workbench_permissions() -> Permissions:
    """Publish any organization's command, read what is addressed to organizations; publishing
    to a stream is answered on `_INBOX.>`. Never a reply, event, notice or rejection: those are
    the organizations' and the services' own."""
    return Permissions(
        publish=(
            "*.command.*.*.*",
            "$JS.API.INFO",
            "$JS.API.STREAM.INFO.*",
            # The audit screen reads the LEDGER stream's last checkpoint, and nothing else of it.
            f"$JS.API.STREAM.MSG.GET.{stream_name(LEDGER_SERVICE)}",
            f"$JS.API.DIRECT.GET.{stream_name(LEDGER_SERVICE)}.>",
        ),
        subscribe=(*(f"*.{what}.*.*.*" for what in ("notice", "rejection", "event")), f"{INBOX}.>"),
    )


def operator_permissions() -> Permissions:
    return Permissions(publish=(">",), subscribe=(">",))


def users(
    registry: Registry,
    contexts: Sequence[str] | None = None,
    services: Sequence[str] | None = None,
) -> list[User]:
    """Every user: the services, the operator, then the organizations (by code). Contexts and
    services default to the catalogs (`contracts.catalog.CONTEXTS`, `SERVICES`)."""
    found = [
        User(service_user(s), SERVICE_ACCOUNT, Role.SERVICE, service_permissions(s, contexts))
        for s in _services(services)
    ]
    found.append(User(AUDITOR_USER, SERVICE_ACCOUNT, Role.AUDITOR, auditor_permissions()))
    found.append(User(WORKBENCH_USER, SERVICE_ACCOUNT, Role.WORKBENCH, workbench_permissions()))
    found.append(User(OPERATOR_USER, SERVICE_ACCOUNT, Role.OPERATOR, operator_permissions()))
    for org in registry:
        if org.code == SERVICE_ACCOUNT:
            raise ValueError(f"organization code {org.code!r} is the services' account name")
        perms = organization_permissions(org.code, contexts, org.kind)
        found.append(User(org.code, org.code, Role.ORGANIZATION, perms))
    return found


# ---- the configuration -----------------------------------------------------------------------


def _user_entry(user: User, dev_passwords: bool) -> dict[str, Any]:
    password = dev_password(user.name) if dev_passwords else EnvVar(password_variable(user.name))
    return {"user": user.name, "password": password, "permissions": user.permissions.as_dict()}


def exports(registry: Registry, contexts: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """What the services' account lends each organization, each subject to exactly the
    organizations that use it (one entry per subject: nats-server keys exports by subject)."""
    lent: dict[Grant, list[str]] = {}
    for org in registry:
        for grant in organization_grants(org.code, contexts, org.kind):
            lent.setdefault(grant, []).append(org.code)
    entries = []
    for grant, orgs in lent.items():
        entry: dict[str, Any] = {str(grant.direction): grant.subject}
        if grant.streamed_responses:
            entry["response_type"] = "stream"
        entry["accounts"] = orgs
        entries.append(entry)
    return entries


def imports(
    org: str, contexts: Sequence[str] | None = None, kind: OrgKind | None = None
) -> list[dict[str, Any]]:
    return [
        {str(g.direction): {"account": SERVICE_ACCOUNT, "subject": g.subject}}
        for g in organization_grants(org, contexts, kind)
    ]


def accounts(
    registry: Registry,
    contexts: Sequence[str] | None = None,
    services: Sequence[str] | None = None,
    *,
    dev_passwords: bool,
) -> dict[str, Any]:
    """The `accounts` block as data; a password is a string (dev) or an `EnvVar`."""
    everyone = users(registry, contexts, services)
    platform = [u for u in everyone if u.account == SERVICE_ACCOUNT]
    block: dict[str, Any] = {
        SERVICE_ACCOUNT: {
            "jetstream": "enabled",
            "users": [_user_entry(u, dev_passwords) for u in platform],
            "exports": exports(registry, contexts),
        }
    }
    for user in everyone:
        if user.role is Role.ORGANIZATION:
            block[user.account] = {
                "users": [_user_entry(user, dev_passwords)],
                "imports": imports(user.name, contexts, registry.get(user.name).kind),
            }
    return block


_BARE = frozenset({"enabled"})
"""Words written unquoted (`jetstream: enabled`)."""
WIDTH = 150
"""Lines of the generated file stay within this width where a value allows."""


def _inline(value: Any) -> str:
    if isinstance(value, EnvVar):
        return str(value)  # unquoted: nats-server resolves `$NAME`; quoted it would be literal
    if isinstance(value, str):
        # quoted: `$JS.API…` unquoted would be read as a variable reference
        return value if value in _BARE else json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {_inline(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"cannot render {value!r}")


def _value(value: Any, indent: str) -> str:
    """A value on one line if it fits in `WIDTH`, else one item a line, indented by two."""
    inline = _inline(value)
    if len(indent) + len(inline) <= WIDTH or not isinstance(value, list | Mapping):
        return inline
    inner = indent + "  "
    if isinstance(value, list):
        items = [f"{inner}{_value(item, inner)}" for item in value]
        return "[\n" + "\n".join(items) + f"\n{indent}]"
    items = [f"{inner}{key}: {_value(item, inner)}" for key, item in value.items()]
    return "{\n" + "\n".join(items) + f"\n{indent}}}"


def render(name: str, block: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """nats-server configuration text: `<name> { … }` after `# header` lines."""
    lines = [f"# {line}".rstrip() for line in header]
    return "\n".join([*lines, f"{name} {_value(block, '')}", ""])


def nats_config(
    registry: Registry,
    contexts: Sequence[str] | None = None,
    services: Sequence[str] | None = None,
    *,
    dev_passwords: bool,
) -> str:
    """The text `fuyuan deploy nats-config` writes (auth.conf, included by common.conf)."""
    mode = (
        "development passwords, NOT secret (derived as docs/PERMISSIONS.md describes)"
        if dev_passwords
        else f"from the environment of nats-server, ${PASSWORD_ENV_PREFIX}<USER IN CAPITALS>"
    )
    header = [
        "Generated by `fuyuan deploy nats-config` from the organization registry: do not edit.",
        "Who may publish and read what, and why: docs/PERMISSIONS.md.",
        f"Passwords: {mode}.",
    ]
    block = accounts(registry, contexts, services, dev_passwords=dev_passwords)
    return render("accounts", block, header)
