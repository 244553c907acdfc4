"""The generated NATS accounts and permissions: exact allow lists, coverage of the registry, and
a config the pinned nats-server accepts (`-t`)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contracts.base import TYPE_PATTERN
from contracts.catalog import CONTEXTS, PAYLOADS
from contracts.organizations import OrgKind, Registry
from contracts.risk import roles
from services.cli import deploy
from services.runtime import permissions as perms
from services.runtime.catalog import SERVICES
from services.runtime.devstack import nats_server_binary

COURT, OTHER_COURT, BUREAU, OTHER_BUREAU = "CT410300", "CT410482", "NR410300", "VA410300"
ADMINISTRATOR, OTHER_ADMINISTRATOR = "AMLUOPU410300", "AMRUHE410482"
ENFORCEMENT_ONLY = ("enforcement",)
BOTH = ("bankruptcy", "enforcement")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


def matches(pattern: str, subject: str) -> bool:
    """NATS subject matching: `*` is one token, `>` one or more trailing tokens."""
    pat, sub = pattern.split("."), subject.split(".")
    for i, token in enumerate(pat):
        if token == ">":
            return len(sub) > i
        if i >= len(sub) or (token != "*" and token != sub[i]):
            return False
    return len(pat) == len(sub)


def allowed(patterns: tuple[str, ...], subject: str) -> bool:
    return any(matches(p, subject) for p in patterns)


def org_api(org: str) -> list[str]:
    return [
        "$JS.API.INFO",
        "$JS.API.STREAM.INFO.ENFORCEMENT",
        f"$JS.API.CONSUMER.CREATE.ENFORCEMENT.enforcement_{org}.enforcement.*.*.*.{org}",
        f"$JS.API.CONSUMER.INFO.ENFORCEMENT.enforcement_{org}",
        f"$JS.API.CONSUMER.DELETE.ENFORCEMENT.enforcement_{org}",
        f"$JS.API.CONSUMER.MSG.NEXT.ENFORCEMENT.enforcement_{org}",
        f"$JS.ACK.ENFORCEMENT.enforcement_{org}.>",
    ]


@pytest.mark.parametrize("org", [COURT, BUREAU])
def test_a_court_and_a_bureau_get_exactly_their_own_subjects(org: str) -> None:
    got = perms.organization_permissions(org, ENFORCEMENT_ONLY)
    assert got.publish == (
        f"enforcement.command.*.*.{org}",
        f"*.reply.*.*.{org}",
        *org_api(org),
    )
    assert got.subscribe == (
        f"*.notice.*.*.{org}",
        f"*.rejection.*.*.{org}",
        f"*.event.*.*.{org}",
        "_INBOX.>",
        f"_INBOX_{org}.>",
    )


@pytest.mark.parametrize("org", [COURT, BUREAU])
def test_an_organization_imports_exactly_what_it_may_use(org: str) -> None:
    got = perms.imports(org, ENFORCEMENT_ONLY)
    services = [f"enforcement.command.*.*.{org}", f"*.reply.*.*.{org}", *org_api(org)]
    streams = [f"*.notice.*.*.{org}", f"*.rejection.*.*.{org}", f"*.event.*.*.{org}"]
    assert got == [
        *({"service": {"account": "SERVICES", "subject": s}} for s in services),
        *({"stream": {"account": "SERVICES", "subject": s}} for s in streams),
    ]


def test_each_export_goes_only_to_the_organizations_it_names(registry: Registry) -> None:
    exports = perms.exports(registry, ENFORCEMENT_ONLY)
    by_subject = {e.get("service") or e.get("stream"): e for e in exports}
    assert len(by_subject) == len(exports), "nats-server keys exports by subject"
    everyone = sorted(org.code for org in registry)
    for subject, entry in by_subject.items():
        if subject == "$JS.API.INFO":
            assert sorted(entry["accounts"]) == everyone
        elif subject == "$JS.API.STREAM.INFO.ENFORCEMENT":  # not the administrators'
            assert sorted(entry["accounts"]) == [c for c in everyone if not c.startswith("AM")]
        else:
            tokens = set(re.split(r"[._]", subject))
            owners = [code for code in everyone if code in tokens]
            assert len(owners) == 1, subject
            assert entry["accounts"] == owners, subject
    assert by_subject[f"enforcement.command.*.*.{COURT}"] == {
        "service": f"enforcement.command.*.*.{COURT}",
        "accounts": [COURT],
    }
    assert by_subject[f"$JS.API.CONSUMER.MSG.NEXT.ENFORCEMENT.enforcement_{BUREAU}"] == {
        "service": f"$JS.API.CONSUMER.MSG.NEXT.ENFORCEMENT.enforcement_{BUREAU}",
        "response_type": "stream",
        "accounts": [BUREAU],
    }
    assert by_subject[f"*.notice.*.*.{BUREAU}"] == {
        "stream": f"*.notice.*.*.{BUREAU}",
        "accounts": [BUREAU],
    }


def test_an_organization_cannot_act_as_or_read_for_another() -> None:
    court = perms.organization_permissions(COURT, ENFORCEMENT_ONLY)
    bureau = perms.organization_permissions(BUREAU, ENFORCEMENT_ONLY)
    assert allowed(court.publish, f"enforcement.command.query_property.v1.{COURT}")
    assert not allowed(court.publish, f"enforcement.command.query_property.v1.{OTHER_COURT}")
    assert not allowed(bureau.publish, f"enforcement.command.register_case.v1.{OTHER_COURT}")
    assert allowed(bureau.publish, f"enforcement.reply.property_answer.v1.{BUREAU}")
    assert not allowed(bureau.publish, f"enforcement.reply.property_answer.v1.{OTHER_BUREAU}")
    assert not allowed(bureau.publish, f"enforcement.notice.property_query.v1.{BUREAU}")
    assert not allowed(bureau.publish, f"enforcement.event.case_registered.v1.{BUREAU}")
    assert allowed(bureau.subscribe, f"enforcement.notice.property_query.v1.{BUREAU}")
    assert not allowed(bureau.subscribe, f"enforcement.notice.property_query.v1.{OTHER_BUREAU}")
    assert not allowed(bureau.subscribe, f"enforcement.command.query_property.v1.{COURT}")
    # Its own consumer, created with a filter ending in its own code — and nothing else.
    create = f"$JS.API.CONSUMER.CREATE.ENFORCEMENT.enforcement_{BUREAU}"
    assert allowed(bureau.publish, f"{create}.enforcement.notice.*.*.{BUREAU}")
    assert allowed(bureau.publish, f"{create}.enforcement.*.*.*.{BUREAU}")
    assert not allowed(bureau.publish, f"{create}.enforcement.notice.*.*.{OTHER_BUREAU}")
    assert not allowed(bureau.publish, f"{create}.enforcement.>")
    assert not allowed(bureau.publish, create)  # multi-filter form: no filter in the subject
    assert not allowed(
        bureau.publish, f"$JS.API.CONSUMER.DURABLE.CREATE.ENFORCEMENT.enforcement_{BUREAU}"
    )
    other = f"$JS.API.CONSUMER.CREATE.ENFORCEMENT.enforcement_{OTHER_BUREAU}"
    assert not allowed(bureau.publish, f"{other}.enforcement.notice.*.*.{OTHER_BUREAU}")
    assert not allowed(
        bureau.publish, f"$JS.API.CONSUMER.MSG.NEXT.ENFORCEMENT.enforcement_{OTHER_BUREAU}"
    )
    assert not allowed(bureau.publish, "$JS.API.STREAM.CREATE.ENFORCEMENT")
    assert not allowed(bureau.publish, "$JS.API.STREAM.MSG.GET.ENFORCEMENT")


SHARED = ("$JS.API.INFO", "_INBOX.>")
"""Subjects every organization has: account info, and the inboxes of its own account."""
CONSUMER_API = re.compile(
    r"^\$JS\.(?:API\.CONSUMER\.(CREATE|INFO|DELETE|MSG\.NEXT)|ACK)\.([A-Z]+)\.([^.]+)(\..+)?$"
)


def _bankruptcy_api(org: str) -> list[str]:
    return [
        "$JS.API.INFO",
        "$JS.API.STREAM.INFO.BANKRUPTCY",
        f"$JS.API.CONSUMER.CREATE.BANKRUPTCY.bankruptcy_{org}.bankruptcy.*.*.*.{org}",
        f"$JS.API.CONSUMER.INFO.BANKRUPTCY.bankruptcy_{org}",
        f"$JS.API.CONSUMER.DELETE.BANKRUPTCY.bankruptcy_{org}",
        f"$JS.API.CONSUMER.MSG.NEXT.BANKRUPTCY.bankruptcy_{org}",
        f"$JS.ACK.BANKRUPTCY.bankruptcy_{org}.>",
    ]


def test_an_administrator_gets_exactly_its_four_commands_and_its_bankruptcy_notices() -> None:
    org = ADMINISTRATOR
    got = perms.organization_permissions(org, BOTH, OrgKind.ADMINISTRATOR)
    assert got.publish == (
        f"bankruptcy.command.request_coordination.v1.{org}",
        f"bankruptcy.command.publish_employee_claims.v1.{org}",
        f"bankruptcy.command.report_deregistration.v1.{org}",
        f"bankruptcy.command.apply_expense_aid.v1.{org}",
        *_bankruptcy_api(org),
    )
    assert got.subscribe == (
        f"bankruptcy.notice.*.*.{org}",
        f"bankruptcy.rejection.*.*.{org}",
        "_INBOX.>",
        f"_INBOX_{org}.>",
    )
    imported = perms.imports(org, BOTH, OrgKind.ADMINISTRATOR)
    assert [next(iter(i.values()))["subject"] for i in imported] == [
        *got.publish,
        *got.subscribe[:2],
    ]


def test_who_may_take_part_in_a_bankruptcy(registry: Registry) -> None:
    """The court publishes the procedure's steps, a bureau answers its task notices (and the
    finance bureau its expense-aid decisions), an administrator only its own requests."""
    users = {u.name: u.permissions for u in perms.users(registry, BOTH)}
    court, bureau, admin = users[COURT], users["HR410300"], users[ADMINISTRATOR]
    for name in ("accept_petition", "declare_bankrupt", "terminate_proceedings", "waive_task"):
        assert allowed(court.publish, f"bankruptcy.command.{name}.v1.{COURT}"), name
        assert not allowed(court.publish, f"bankruptcy.command.{name}.v1.{OTHER_COURT}"), name
        assert not allowed(admin.publish, f"bankruptcy.command.{name}.v1.{ADMINISTRATOR}"), name
    for name in ("task_acknowledgement", "task_progress", "task_completion", "task_blockage"):
        assert allowed(bureau.publish, f"bankruptcy.reply.{name}.v1.HR410300"), name
        assert not allowed(bureau.publish, f"bankruptcy.reply.{name}.v1.HR410482"), name
        assert not allowed(admin.publish, f"bankruptcy.reply.{name}.v1.{ADMINISTRATOR}"), name
    assert allowed(users["FN410300"].publish, "bankruptcy.reply.expense_aid_decision.v1.FN410300")
    assert allowed(bureau.subscribe, "bankruptcy.notice.coordination_task.v1.HR410300")
    assert "$JS.API.CONSUMER.MSG.NEXT.BANKRUPTCY.bankruptcy_HR410300" in bureau.publish
    for name in ("request_coordination", "publish_employee_claims", "apply_expense_aid"):
        assert allowed(admin.publish, f"bankruptcy.command.{name}.v1.{ADMINISTRATOR}"), name
        assert not allowed(admin.publish, f"bankruptcy.command.{name}.v1.{OTHER_ADMINISTRATOR}")
    assert not allowed(admin.publish, f"enforcement.command.query_property.v1.{ADMINISTRATOR}")
    assert allowed(admin.subscribe, f"bankruptcy.notice.coordination_task.v1.{ADMINISTRATOR}")
    assert allowed(admin.subscribe, f"bankruptcy.rejection.message_rejected.v1.{ADMINISTRATOR}")
    assert not allowed(admin.subscribe, f"enforcement.notice.property_query.v1.{ADMINISTRATOR}")
    assert not allowed(admin.subscribe, f"bankruptcy.notice.coordination_task.v1.{BUREAU}")
    assert not any(".ENFORCEMENT." in subject for subject in admin.publish)


def test_every_organization_subject_ends_in_its_own_code(registry: Registry) -> None:
    for user in perms.users(registry):
        if user.role is not perms.Role.ORGANIZATION:
            continue
        code = user.name
        for subject in (*user.permissions.publish, *user.permissions.subscribe):
            if subject in SHARED or subject.startswith("$JS.API.STREAM.INFO."):
                continue
            if subject == f"_INBOX_{code}.>":
                continue
            if subject.startswith("$JS."):
                found = CONSUMER_API.match(subject)
                assert found, subject
                action, stream, consumer, rest = found.groups()
                assert consumer == f"{stream.lower()}_{code}", subject
                if action == "CREATE":
                    assert rest == f".{stream.lower()}.*.*.*.{code}", subject
                elif action is None:
                    assert rest == ".>", subject
                else:
                    assert rest is None, subject
            else:
                assert subject.endswith(f".{code}"), subject


def test_every_organization_of_the_registry_has_its_account_and_user(registry: Registry) -> None:
    users = perms.users(registry)
    names = [u.name for u in users]
    assert len(names) == len(set(names))
    orgs = {u.name: u for u in users if u.role is perms.Role.ORGANIZATION}
    assert set(orgs) == {org.code for org in registry}
    assert all(u.account == u.name for u in orgs.values())
    assert {u.name for u in users if u.role is perms.Role.SERVICE} == {f"svc_{s}" for s in SERVICES}
    block = perms.accounts(registry, dev_passwords=True)
    assert set(block) == {"SERVICES", *orgs}
    assert block["SERVICES"]["jetstream"] == "enabled"
    assert [u["user"] for u in block["SERVICES"]["users"]] == [
        *(f"svc_{s}" for s in SERVICES),
        "auditor",
        "workbench",
        "operator",
    ]
    for code in orgs:
        assert [u["user"] for u in block[code]["users"]] == [code]
        assert "jetstream" not in block[code]  # they use the services' streams, through imports


def test_an_organization_gets_one_consumer_per_context_stream() -> None:
    got = perms.organization_permissions(BUREAU)
    for context in CONTEXTS:
        stream = context.upper()
        assert f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{context}_{BUREAU}" in got.publish
    assert perms.consumer_name("enforcement", BUREAU) == "enforcement_NR410300"


def test_services_and_the_operator() -> None:
    enforcement = perms.service_permissions("enforcement", ("enforcement", "ledger"))
    assert enforcement.publish == (
        "enforcement.event.>",
        "enforcement.notice.>",
        "enforcement.rejection.>",
        "deadletter.>",
        "_INBOX.>",
        "$KV.fuyuan_status.enforcement.>",
        "$JS.API.>",
        "$JS.ACK.>",
    )
    assert enforcement.deny_publish == ("deadletter.actions.>",)
    assert enforcement.subscribe == ("enforcement.>", "deadletter.>", "_INBOX.>")
    ledger = perms.service_permissions("ledger", ("enforcement", "bankruptcy", "ledger"))
    assert ledger.publish[:3] == ("ledger.event.>", "ledger.notice.>", "ledger.rejection.>")
    assert "$KV.fuyuan_status.ledger.>" in ledger.publish
    assert ledger.subscribe == (
        "ledger.>",
        "enforcement.>",
        "bankruptcy.>",
        "deadletter.>",
        "_INBOX.>",
    )
    assert perms.operator_permissions() == perms.Permissions((">",), (">",))


def test_a_service_publishes_what_its_relay_does_but_never_as_an_organization() -> None:
    """The journal takes the last token of a command or reply subject as its authenticated
    sender: a service able to publish there could speak as any court."""
    svc = perms.service_permissions("enforcement")

    def may(subject: str) -> bool:
        return allowed(svc.publish, subject) and not allowed(svc.deny_publish, subject)

    for subject in (
        "enforcement.event.case_registered.v1.CT410300",
        "enforcement.notice.property_query.v1.NR410300",
        "enforcement.rejection.message_rejected.v1.CT410300",
        "deadletter.enforcement.enforcement_commands",
        "deadletter.enforcement.relay",
        "$KV.fuyuan_status.enforcement.box_1-42",
        "$JS.API.STREAM.CREATE.REPLAY",
        "$JS.API.CONSUMER.MSG.NEXT.REPLAY.enforcement_commands_replay",
        "$JS.API.STREAM.CREATE.KV_fuyuan_status",
    ):
        assert may(subject), subject
    for subject in (
        f"enforcement.command.register_case.v1.{COURT}",
        f"enforcement.reply.property_answer.v1.{BUREAU}",
        "ledger.event.checkpoint_signed.v1.FUYUAN",
        "deadletter.actions.replayed",
        "deadletter.actions.dropped",
        "$KV.fuyuan_status.ledger.box_1-42",
        "replay.enforcement.enforcement_commands",
    ):
        assert not may(subject), subject


def test_the_auditor_reads_the_ledger_stream_and_nothing_else() -> None:
    auditor = perms.auditor_permissions()
    assert allowed(auditor.publish, "$JS.API.CONSUMER.CREATE.LEDGER.abc.ledger.>")
    assert allowed(auditor.publish, "$JS.API.CONSUMER.MSG.NEXT.LEDGER.abc")
    assert allowed(auditor.publish, "$JS.API.STREAM.INFO.LEDGER")
    for subject in (
        "$JS.API.CONSUMER.CREATE.ENFORCEMENT.abc.enforcement.>",
        "$JS.API.CONSUMER.MSG.NEXT.DEADLETTER.abc",
        "$JS.API.STREAM.DELETE.LEDGER",
        "$JS.API.STREAM.PURGE.LEDGER",
        "$JS.API.STREAM.MSG.DELETE.LEDGER",
        "ledger.event.checkpoint_signed.v1.FUYUAN",
        f"enforcement.command.register_case.v1.{COURT}",
    ):
        assert not allowed(auditor.publish, subject), subject
    assert auditor.subscribe == ("_INBOX.>",)


def test_passwords_dev_scheme_and_environment_references(registry: Registry) -> None:
    import hashlib

    expected = "dev-" + hashlib.sha256(b"fuyuan-nats-dev-password:CT410300").hexdigest()[:24]
    assert perms.dev_password(COURT) == expected
    assert perms.dev_password(COURT) != perms.dev_password(OTHER_COURT)
    assert perms.password_variable("svc_enforcement") == "FUYUAN_NATS_PW_SVC_ENFORCEMENT"
    text = perms.nats_config(registry, dev_passwords=False)
    assert f"password: $FUYUAN_NATS_PW_{COURT}\n" in text  # unquoted: a variable reference
    assert "dev-" not in text
    dev = perms.nats_config(registry, dev_passwords=True)
    assert f'password: "{perms.dev_password(COURT)}"' in dev
    assert "$FUYUAN_NATS_PW_" not in dev.split("accounts {", 1)[1]


def test_the_output_is_deterministic(registry: Registry) -> None:
    assert perms.nats_config(registry, dev_passwords=False) == perms.nats_config(
        Registry.load(), dev_passwords=False
    )


def _check_config(tmp_path: Path, auth: str, env: dict[str, str] | None = None) -> str:
    (tmp_path / "auth.conf").write_text(auth, encoding="utf-8")
    server = tmp_path / "server.conf"
    server.write_text(
        "listen: 127.0.0.1:4222\n"
        f'jetstream {{ store_dir: "{tmp_path / "store"}" }}\n'
        "include ./auth.conf\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [str(nats_server_binary()), "-c", str(server), "-t"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
    )
    return f"{result.returncode}\n{result.stdout}{result.stderr}"


def test_nats_server_accepts_the_dev_config(tmp_path: Path, registry: Registry) -> None:
    out = _check_config(tmp_path, perms.nats_config(registry, dev_passwords=True))
    assert out.startswith("0\n") and "is valid" in out, out


def test_nats_server_resolves_the_passwords_from_its_environment(
    tmp_path: Path, registry: Registry
) -> None:
    text = perms.nats_config(registry, dev_passwords=False)
    missing = _check_config(tmp_path, text)
    assert not missing.startswith("0\n")
    assert "FUYUAN_NATS_PW_" in missing and "can not be found" in missing, missing
    env = {perms.password_variable(u.name): f"pw{i}x" for i, u in enumerate(perms.users(registry))}
    out = _check_config(tmp_path, text, env)
    assert out.startswith("0\n") and "is valid" in out, out


def test_the_command_writes_the_file_or_prints_it(tmp_path: Path, registry: Registry) -> None:
    runner = CliRunner()
    target = tmp_path / "cluster" / "auth.conf"
    result = runner.invoke(deploy.app, ["nats-config", "--out", str(target), "--dev-passwords"])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == perms.nats_config(registry, dev_passwords=True)
    printed = runner.invoke(deploy.app, ["nats-config"])
    assert printed.exit_code == 0, printed.output
    assert printed.stdout == perms.nats_config(registry, dev_passwords=False)
    bad = runner.invoke(deploy.app, ["nats-config", "--registry", str(tmp_path / "missing.yaml")])
    assert bad.exit_code == 2


def test_nats_passwords_gives_every_user_one_keeps_them_and_the_services_get_theirs(
    tmp_path: Path, registry: Registry
) -> None:
    runner = CliRunner()
    out, compose_env = tmp_path / "nats-passwords.env", tmp_path / ".env"
    compose_env.write_text("FUYUAN_DB_PASSWORD=kept\n", encoding="utf-8")
    args = ["nats-passwords", "--out", str(out), "--compose-env", str(compose_env)]
    first = runner.invoke(deploy.app, args)
    assert first.exit_code == 0, first.output
    passwords = deploy.read_env_file(out)
    assert set(passwords) == {perms.password_variable(u.name) for u in perms.users(registry)}
    assert all(re.fullmatch(r"p[0-9a-f]{48}", p) for p in passwords.values())
    assert len(set(passwords.values())) == len(passwords)
    for path in (out, compose_env):
        assert path.stat().st_mode & 0o777 == 0o600, path
    services = deploy.read_env_file(compose_env)
    assert services == {
        "FUYUAN_DB_PASSWORD": "kept",
        **{k: v for k, v in passwords.items() if k.startswith("FUYUAN_NATS_PW_SVC_")},
        # The workbench container connects as its own user too.
        "FUYUAN_NATS_PW_WORKBENCH": passwords["FUYUAN_NATS_PW_WORKBENCH"],
    }
    assert runner.invoke(deploy.app, args).exit_code == 0
    assert deploy.read_env_file(out) == passwords, "a second run changes no password"
    assert deploy.read_env_file(compose_env) == services
    compose_env.write_text("FUYUAN_NATS_PW_SVC_LEDGER=pother\n", encoding="utf-8")
    differs = runner.invoke(deploy.app, args)
    assert differs.exit_code == 1 and "FUYUAN_NATS_PW_SVC_LEDGER differs" in differs.output


def test_the_generated_passwords_are_accepted_by_nats_server(
    tmp_path: Path, registry: Registry
) -> None:
    out = tmp_path / "nats-passwords.env"
    args = ["nats-passwords", "--out", str(out), "--compose-env", str(tmp_path / ".env")]
    assert CliRunner().invoke(deploy.app, args).exit_code == 0
    text = perms.nats_config(registry, dev_passwords=False)
    result = _check_config(tmp_path, text, deploy.read_env_file(out))
    assert result.startswith("0\n") and "is valid" in result, result


# ---- the joint mechanism: who may publish which risk command -------------------------------------

OFFICE, LEADING_GROUP, TOWN, PROCURATORATE = "JO410300", "LG410300", "TG410311001", "PR410300"
BANK = "BKICBC410300"
MEMBER_COMMANDS = (
    "submit_linkage_item",
    "request_coordination_meeting",
    "report_progress",
    "claim_completion",
)
OFFICE_COMMANDS = (
    "review_linkage_item",
    "convene_meeting",
    "hold_meeting",
    "issue_memo",
    "accept_completion",
    "reconcile_entry",
    "close_entry",
    "raise_accountability",
    "grant_commendation",
)


def risk(name: str, org: str) -> str:
    return f"risk.command.{name}.v1.{org}"


def test_only_the_office_runs_the_mechanism_and_only_the_leading_group_decides(
    registry: Registry,
) -> None:
    users = {u.name: u.permissions for u in perms.users(registry)}
    for org in (OFFICE, LEADING_GROUP, COURT, BUREAU, TOWN, PROCURATORATE, BANK, ADMINISTRATOR):
        assert registry.get(org)  # every one of them is in the registry
    members = (COURT, BUREAU, TOWN, PROCURATORATE, "HC410300", "JB410482")
    for name in OFFICE_COMMANDS:
        assert allowed(users[OFFICE].publish, risk(name, OFFICE)), name
        assert not allowed(users[OFFICE].publish, risk(name, "JO410482")), name
        for org in (LEADING_GROUP, BANK, ADMINISTRATOR, *members):
            assert not allowed(users[org].publish, risk(name, org)), (org, name)
    for org in members:
        for name in MEMBER_COMMANDS:
            assert allowed(users[org].publish, risk(name, org)), (org, name)
            assert not allowed(users[org].publish, risk(name, OFFICE)), (org, name)
        assert not allowed(users[org].publish, risk("decide_linkage_item", org)), org
    assert allowed(users[LEADING_GROUP].publish, risk("decide_linkage_item", LEADING_GROUP))
    for org in (OFFICE, BANK, ADMINISTRATOR):
        assert not allowed(users[org].publish, risk("decide_linkage_item", org)), org
    for org in (OFFICE, LEADING_GROUP, BANK, ADMINISTRATOR):
        for name in MEMBER_COMMANDS:
            assert not allowed(users[org].publish, risk(name, org)), (org, name)
    # the other contexts are as before: a court still publishes any enforcement command
    assert allowed(users[COURT].publish, f"enforcement.command.query_property.v1.{COURT}")
    assert not allowed(users[COURT].publish, risk("no_such_command", COURT))


def test_every_risk_subject_an_organization_may_publish_is_a_row_of_the_roles_table(
    registry: Registry,
) -> None:
    for user in perms.users(registry):
        if user.role is not perms.Role.ORGANIZATION:
            continue
        kind = registry.get(user.name).kind
        granted = {p for p in user.permissions.publish if matches(p, risk("x", user.name))}
        assert not granted, (user.name, granted)  # no wildcard reaches the risk context
        for type_ in roles.PUBLISHERS:
            assert allowed(user.permissions.publish, f"{type_}.{user.name}") == (
                kind in roles.who_may(type_)
            ), (user.name, type_)
        imported = {
            i["service"]["subject"] for i in perms.imports(user.name, None, kind) if "service" in i
        }
        assert {s for s in imported if s.startswith("risk.command.")} == {
            f"{t}.{user.name}" for t in roles.commands_of(kind)
        }


def test_every_risk_command_has_its_row_in_the_roles_table() -> None:
    commands = [t for t in PAYLOADS if t.startswith(f"{roles.CONTEXT}.command.")]
    assert not [t for t in commands if t not in roles.PUBLISHERS]
    for type_, allowed_roles in roles.PUBLISHERS.items():
        assert TYPE_PATTERN.match(type_) and type_.startswith("risk.command."), type_
        assert allowed_roles, type_
    assert roles.roles_of(OrgKind.JOINT_OFFICE) == {roles.Role.OFFICE}
    assert roles.roles_of(OrgKind.LEADING_GROUP) == {roles.Role.LEADING_GROUP}
    assert roles.roles_of(OrgKind.TOWN_GOVERNMENT) == {roles.Role.MEMBER}
    assert roles.roles_of(OrgKind.COURT) == {roles.Role.MEMBER, roles.Role.COURT}
    assert not roles.roles_of(OrgKind.BANK) and not roles.roles_of(OrgKind.PLATFORM)


def test_the_workbench_publishes_any_organizations_command_and_reads_what_is_addressed_to_them() -> (
    None
):
    got = perms.workbench_permissions()
    assert got.publish == (
        "*.command.*.*.*",
        "$JS.API.INFO",
        "$JS.API.STREAM.INFO.*",
        "$JS.API.STREAM.MSG.GET.LEDGER",
        "$JS.API.DIRECT.GET.LEDGER.>",
    )
    assert not any(".reply." in s or ".event." in s for s in got.publish)
    assert set(got.subscribe) == {
        "*.notice.*.*.*",
        "*.rejection.*.*.*",
        "*.event.*.*.*",
        "_INBOX.>",
    }


def test_a_member_unit_submits_its_own_report_and_only_the_joint_office_runs_the_rest(
    registry: Registry,
) -> None:
    submit = "reporting.command.submit_report.v1"
    town = perms.organization_permissions("TG410482001", kind=OrgKind.TOWN_GOVERNMENT)
    assert f"{submit}.TG410482001" in town.publish
    assert "reporting.command.return_report.v1.TG410482001" not in town.publish
    assert not any(s.startswith("reporting.command.*") for s in town.publish)
    office = perms.organization_permissions("JO410482", kind=OrgKind.JOINT_OFFICE)
    assert "reporting.command.return_report.v1.JO410482" in office.publish
    assert "reporting.command.issue_reporting_notice.v1.JO410482" in office.publish
    assert f"{submit}.JO410482" not in office.publish
    bank = next(o for o in registry if o.kind is OrgKind.BANK)
    assert not any(
        s.startswith("reporting.command.")
        for s in perms.organization_permissions(bank.code, kind=bank.kind).publish
    )


def test_the_reporting_service_reads_every_context() -> None:
    got = perms.service_permissions("reporting")
    assert {f"{c}.>" for c in CONTEXTS} <= set(got.subscribe)
    assert "reporting.command.>" not in got.publish
