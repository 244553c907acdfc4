"""A rejection's reasons are said in Chinese on the workbench, the English kept beside: every
refusal the services can send has its Chinese reason (a new one fails here until it gets one),
pydantic's messages are recognised by their type, and a reason nothing recognises is shown as it
is."""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import re
import uuid
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError

import services
from contracts.envelope import Envelope, Message
from contracts.organizations.model import UnknownOrganizationError
from contracts.rejections import FieldProblem
from contracts.risk.rejections import MessageRejected
from services.bankruptcy.domain.errors import BankruptcyError
from services.enforcement.domain.errors import EnforcementError
from services.reporting.domain.errors import ReportingError
from services.reporting.workbench import reasons
from services.reporting.workbench.notices import said
from services.risk.domain.errors import RiskError

BASES: tuple[type[Exception], ...] = (
    EnforcementError,
    RiskError,
    BankruptcyError,
    ReportingError,
    UnknownOrganizationError,
)
"""What the services' intakes refuse with (`refusals=` in each service's subscribers)."""


def _all_refusals() -> set[type[Exception]]:
    for module in pkgutil.walk_packages(services.__path__, "services."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: set[type[Exception]] = set()
    todo: list[type[Exception]] = list(BASES)
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            todo.extend(cls.__subclasses__())
    return found


def test_the_refusal_bases_are_those_the_intakes_refuse_with() -> None:
    assert {b.__name__ for b in BASES} == set(reasons.REFUSAL_BASES)
    for service in ("enforcement", "risk", "bankruptcy", "reporting"):
        source = importlib.import_module(f"services.{service}.subscribers").__file__ or ""
        with open(source, encoding="utf-8") as f:
            refusals = re.search(r"refusals=\(([^)]*)\)", f.read())
        assert refusals, service
        named = {n.strip().split(".")[-1] for n in refusals[1].split(",") if n.strip()}
        assert named - {"*edges", "more_refusals"} <= set(reasons.REFUSAL_BASES), named


def test_the_source_names_every_refusal_class_the_services_define() -> None:
    assert {c.__name__ for c in _all_refusals()} == reasons.refusal_classes()


def test_every_refusal_the_services_can_send_has_a_chinese_reason() -> None:
    missing = reasons.refusal_classes() - set(reasons.REFUSALS)
    assert not missing, f"give these refusals a Chinese reason in reasons.REFUSALS: {missing}"
    assert not set(reasons.REFUSALS) - reasons.refusal_classes(), "a refusal no longer exists"
    for name, chinese in reasons.REFUSALS.items():
        assert chinese.strip() and not chinese.isascii(), name


def _example(pattern: re.Pattern[str] | None) -> str:
    """A text of this form, each value shown as `X1`."""
    if pattern is None:
        return "data"
    return re.sub(r"\\(.)", r"\1", pattern.pattern.replace(reasons.VALUE, "X1"))


def test_every_raise_site_of_a_refusal_is_recognised_as_its_own_in_chinese() -> None:
    sites = [s for s in reasons.raise_sites() if s.pattern is not None]
    assert len(sites) > 300  # the scan found the services' raise sites
    wrong = []
    for site in sites:
        reason, field = _example(site.pattern), _example(site.field)
        found = reasons.raise_site_of(reason, field)
        assert found is not None, (site, reason)
        # Told apart by message and field, unless another refusal says the very same words
        # about the very same field (nothing on the wire can tell them apart then).
        same = (found.pattern, found.field) == (site.pattern, site.field)
        if found.refusal != site.refusal and not same:
            wrong.append((site.path, site.line, reason, field, found.refusal))
        shown = reasons.say(reason, field)
        assert shown == reasons.Said(reasons.REFUSALS[found.refusal], reason, True), site
    assert not wrong, wrong


def test_a_refusal_is_said_in_chinese_and_keeps_its_english() -> None:
    reason = "AB1 is not the executing court of the case"
    shown = reasons.say(reason, "envelope.organization")
    assert shown == reasons.Said("不是本案的执行法院", reason, True)
    site = reasons.raise_site_of(reason, "envelope.organization")
    assert site is not None and site.refusal == "NotTheExecutingCourtError"


def test_the_field_tells_apart_refusals_that_say_the_same_words() -> None:
    reason = "1234 is not an enforcement case"
    bankruptcy = reasons.raise_site_of(reason, "data.enforcement_case_number")
    enforcement = reasons.raise_site_of(reason, "data.case_number")
    assert bankruptcy is not None and bankruptcy.refusal == "NotABankruptcyCaseError"
    assert enforcement is not None and enforcement.refusal == "NotAnEnforcementCaseError"


class _Kind(Enum):
    PERSON = "person"
    COMPANY = "company"


class _Form(BaseModel):
    name: str = Field(min_length=2)
    amount: int = Field(gt=0)
    kind: _Kind
    on: date


def _pydantic(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        _Form.model_validate(data)
    return {str(e["loc"][0]): e["msg"] for e in raised.value.errors(include_url=False)}


def test_pydantic_messages_are_said_in_chinese_with_their_values() -> None:
    said_by_field = {
        field: reasons.say(message)
        for field, message in _pydantic({"name": "x", "amount": 0, "kind": "ghost"}).items()
    }
    assert said_by_field["name"].text == "至少须有 2 个字符"
    assert said_by_field["amount"].text == "须大于 0"
    assert said_by_field["kind"].text == "须为以下之一：'person' or 'company'"
    assert said_by_field["on"].text == "必填项"
    assert said_by_field["on"].original == "Field required"
    assert all(s.known for s in said_by_field.values())


def test_every_chinese_template_is_of_a_pydantic_type_and_uses_its_values() -> None:
    english = reasons.pydantic_templates()
    for kind, chinese in reasons.PYDANTIC.items():
        assert kind in english, kind
        assert set(re.findall(r"\{(\w+)\}", chinese)) <= set(
            re.findall(r"\{(\w+)\}", english[kind])
        ), kind


def test_the_intakes_own_reasons_are_said_in_chinese() -> None:
    assert reasons.say("must be a JSON object").text == "须为 JSON 对象"
    assert reasons.say("unknown message type risk.command.x.v9").text == (
        "未知的消息类型 risk.command.x.v9"
    )
    assert reasons.say("and 3 more problem(s) not listed").text == "另有 3 处问题未列出"


def test_a_reason_nothing_recognises_is_shown_as_it_is() -> None:
    reason = "the moon is not in the right phase"
    assert reasons.say(reason) == reasons.Said(reason, reason, False)


def test_a_rejection_shows_chinese_reasons_and_the_english_problems() -> None:
    raw = b"{}"
    cause = uuid.uuid4()
    data = MessageRejected(
        rejected_event_id=cause,
        rejected_type="risk.command.submit_linkage_item.v1",
        subject="risk.command.submit_linkage_item.v1.ORG1",
        problems=[
            FieldProblem(field="data.needs.0", reason="no organization with code 'ZZ9'"),
            FieldProblem(field="data.needs.1", reason="the moon is not right"),
        ],
        received_sha256=hashlib.sha256(raw).hexdigest(),
        received_size=len(raw),
        received_excerpt="{}",
    )
    env = Envelope(
        event_id=uuid.uuid4(),
        type=data.TYPE,
        occurred_at=datetime.now(UTC),
        organization="FUYUAN",
        correlation_id=cause,
        causation_id=cause,
    )
    shown = said(
        "rejection", "risk.rejection.message_rejected.v1.ORG1", Message(envelope=env, data=data)
    )
    assert (
        shown.text
        == "「提交联动事项」被拒收：需联动的单位：未知的单位；需联动的单位：the moon is not right"
    )
    assert shown.original == (
        "data.needs.0: no organization with code 'ZZ9'; data.needs.1: the moon is not right"
    )
