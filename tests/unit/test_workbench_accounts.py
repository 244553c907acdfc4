"""Accounts: the registry and the role decide who may hold one; demonstration accounts fit."""

from __future__ import annotations

import pytest

from contracts.organizations.registry import Registry
from services.reporting.workbench import demo
from services.reporting.workbench.accounts import (
    AccountError,
    MemoryAccounts,
    check,
    verify,
    wait_after,
)
from services.reporting.workbench.roles import Role, commands

REGISTRY = Registry.load()


def test_an_organization_missing_from_the_registry_is_refused_naming_the_unit() -> None:
    with pytest.raises(AccountError, match=r"^单位：组织名录中没有代码为 XX410300 的单位"):
        check(REGISTRY, "A1", "XX410300", Role.BUREAU)


def test_a_role_the_organizations_kind_cannot_hold_is_refused_naming_the_role() -> None:
    with pytest.raises(AccountError, match=r"^岗位：联席办不能由"):
        check(REGISTRY, "A1", "DR410300", Role.OFFICE)


def test_a_bank_is_no_member_of_the_mechanism() -> None:
    bank = next(org for org in REGISTRY if org.kind == "bank")
    with pytest.raises(AccountError, match=r"^岗位"):
        check(REGISTRY, "A1", bank.code, Role.MEMBER)


def test_the_roles_commands_are_the_services_table() -> None:
    office = commands(Role.OFFICE, REGISTRY.get("JO410300").kind)
    assert "risk.command.review_linkage_item.v1" in office
    assert "reporting.command.return_report.v1" in office
    assert "risk.command.submit_linkage_item.v1" not in office
    bureau = commands(Role.BUREAU, REGISTRY.get("DR410300").kind)
    assert "reporting.command.submit_report.v1" in bureau
    assert commands(Role.AUDITOR, REGISTRY.get("JO410300").kind) == frozenset()


def test_wrong_passwords_wait_longer_each_time_up_to_a_limit() -> None:
    waits = [wait_after(n) for n in range(1, 12)]
    assert waits[:2] == [None, None]
    seconds = [w.total_seconds() for w in waits[2:] if w]
    assert seconds[0] == 30 and seconds == sorted(seconds) and seconds[-1] == 900


async def test_the_demonstration_accounts_fit_and_are_made_once() -> None:
    accounts = MemoryAccounts()
    made = await demo.create(accounts, REGISTRY)
    assert len(made) == len(demo.ACCOUNTS) == len({a[3] for a in demo.ACCOUNTS})
    assert await demo.create(accounts, REGISTRY) == []
    account = await accounts.get("JO0001")
    assert account is not None and verify(account, demo.PASSWORD)
    assert not verify(account, "wrong")
