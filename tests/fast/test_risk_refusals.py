"""Every refusal the risk service can give, provoked by a real command through its consumers, in
milliseconds: the sender gets one rejection naming the field and the reason, and nothing else
happens. The refusals are found by walking the class tree of what the intake refuses, so a new
refusal without a scenario here fails the suite."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import pytest

from services.runtime.intake import Intake
from tests.fast import risk_builders as b
from tests.fast.harness import Published
from tests.fast.risk_harness import RiskHarness

Scenario = Callable[[RiskHarness], Awaitable[tuple[str, list[Published]]]]
SCENARIOS: dict[str, tuple[Scenario, str, str]] = {}
"""Refusal class name → (scenario, the field named, a phrase its reason must hold)."""

NOT_PROVOKED = {
    "RiskError": "the base class: the domain raises only its subclasses, each tested here",
}
"""Refusal classes no message provokes as themselves, and why."""


def provokes(error: str, field: str, reason: str) -> Callable[[Scenario], Scenario]:
    def record(scenario: Scenario) -> Scenario:
        SCENARIOS[error] = (scenario, field, reason)
        return scenario

    return record


def refusals() -> dict[str, type[Exception]]:
    """Every class the risk intakes turn into a rejection, and every subclass of them."""
    intakes = [c.handle for c in RiskHarness().consumers if isinstance(c.handle, Intake)]
    found: dict[str, type[Exception]] = {}
    todo = [cls for intake in intakes for cls in intake.refusals]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo += cls.__subclasses__()
    return found


REFUSALS = refusals()
LATER = date(2026, 12, 1)


# ---- who may act --------------------------------------------------------------------------------


@provokes("NotPermittedError", "envelope.organization", "may not send risk.command.convene_")
async def _a_unit_convenes(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.request(), b.UNIT))
    return b.UNIT, await h.send(b.convene(), b.UNIT)


@provokes("NotTheOfficeError", "envelope.organization", "only JO410482")
async def _another_office_convenes(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.request(), b.UNIT))
    return b.OTHER_OFFICE, await h.send(b.convene(), b.OTHER_OFFICE)


@provokes("NotTheLeadingGroupError", "envelope.organization", "only the leading group")
async def _another_group_decides(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.submit(), b.UNIT))
    b.assert_effect(await h.send(b.review(), b.OFFICE))
    return "LG410300", await h.send(b.decide(), "LG410300")


@provokes("NotInvolvedError", "envelope.organization", "neither submitted the item nor is needed")
async def _an_outsider_implements(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.approved(h)
    return b.OUTSIDER, await h.send(b.implement(), b.OUTSIDER)


@provokes("NotTheOwnerError", "envelope.organization", "does not own the item")
async def _another_unit_claims(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    return b.OWNER2, await h.send(b.claim(b.MEMO_A), b.OWNER2)


@provokes("UnknownOrganizationError", "data", "ZZ410482")
async def _an_unknown_unit_is_needed(h: RiskHarness) -> tuple[str, list[Published]]:
    return b.UNIT, await h.send(b.submit(needs=("ZZ410482",)), b.UNIT)


# ---- linkage items ------------------------------------------------------------------------------


@provokes("UnknownLinkageItemError", "data.item_id", "no linkage item")
async def _reviews_nothing(h: RiskHarness) -> tuple[str, list[Published]]:
    return b.OFFICE, await h.send(b.review(), b.OFFICE)


@provokes("LinkageItemExistsError", "data.item_id", "exists already")
async def _submits_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.submit(), b.UNIT))
    return b.UNIT, await h.send(b.submit(title="again"), b.UNIT)


@provokes("NotApprovedError", "data.item_id", "before the leading group's approval")
async def _implements_before_approval(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.submit(), b.UNIT))
    b.assert_effect(await h.send(b.review(), b.OFFICE))
    return b.NEEDED, await h.send(b.implement(), b.NEEDED)


@provokes("LinkageStageError", "data.item_id", "the item is submitted, not reviewed")
async def _decides_unreviewed(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.submit(), b.UNIT))
    return b.GROUP, await h.send(b.decide(), b.GROUP)


@provokes("FutureDateError", "data.submitted_on", "after today")
async def _dated_tomorrow(h: RiskHarness) -> tuple[str, list[Published]]:
    return b.UNIT, await h.send(b.submit(submitted_on=LATER), b.UNIT)


# ---- meetings and memo items ------------------------------------------------------------------


@provokes("UnknownMeetingError", "data.meeting_id", "no meeting")
async def _holds_nothing(h: RiskHarness) -> tuple[str, list[Published]]:
    return b.OFFICE, await h.send(b.hold(), b.OFFICE)


@provokes("MeetingExistsError", "data.meeting_id", "exists already")
async def _requests_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.request(), b.UNIT))
    return b.UNIT, await h.send(b.request(), b.UNIT)


@provokes("MeetingStageError", "data.meeting_id", "the meeting is requested, not held")
async def _memo_before_the_meeting(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.request(), b.UNIT))
    return b.OFFICE, await h.send(b.memo(), b.OFFICE)


@provokes("DuplicateMemoItemError", "data.items.1.item_id", "appears twice")
async def _an_item_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.request(), b.UNIT))
    b.assert_effect(await h.send(b.convene(), b.OFFICE))
    b.assert_effect(await h.send(b.hold(), b.OFFICE))
    return b.OFFICE, await h.send(b.memo(b.memo_item(), b.memo_item()), b.OFFICE)


@provokes("DueDateError", "data.items.0.due_on", "not after the memo's issue")
async def _due_before_issue(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.request(), b.UNIT))
    b.assert_effect(await h.send(b.convene(), b.OFFICE))
    b.assert_effect(await h.send(b.hold(), b.OFFICE))
    early = b.memo_item(due=b.DAY - timedelta(days=1))
    return b.OFFICE, await h.send(b.memo(early), b.OFFICE)


@provokes("UnknownMemoItemError", "data.item_id", "has no item")
async def _progress_on_no_item(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    return b.OWNER, await h.send(b.progress(b.ITEM), b.OWNER)


@provokes("MemoItemStateError", "data.item_id", "accepts only a claimed completion")
async def _accepts_unclaimed(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    return b.OFFICE, await h.send(b.accept(), b.OFFICE)


@provokes("RemarksRequiredError", "data.remarks", "says why")
async def _returns_without_reasons(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    b.assert_effect(await h.send(b.claim(), b.OWNER))
    return b.OFFICE, await h.send(b.accept(accepted=False), b.OFFICE)


# ---- accountability and commendation ------------------------------------------------------


@provokes("BasisError", "data.basis", "never overdue")
async def _accountability_on_an_item_in_time(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    return b.OFFICE, await h.send(b.accountability(), b.OFFICE)


@provokes("WrongUnitError", "data.unit", "owned by PS410482")
async def _commends_another_unit(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    b.assert_effect(await h.send(b.claim(), b.OWNER))
    b.assert_effect(await h.send(b.accept(), b.OFFICE))
    return b.OFFICE, await h.send(b.commendation(unit=b.OWNER2), b.OFFICE)


@provokes("AlreadyRecordedError", "data.basis", "commended for it already")
async def _commends_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    b.assert_effect(await h.send(b.claim(), b.OWNER))
    b.assert_effect(await h.send(b.accept(), b.OFFICE))
    b.assert_effect(await h.send(b.commendation(), b.OFFICE))
    return b.OFFICE, await h.send(b.commendation(), b.OFFICE)


# ---- the guard -----------------------------------------------------------------------------------


def test_every_refusal_has_a_scenario_and_every_scenario_a_refusal() -> None:
    assert sorted(set(REFUSALS) - set(SCENARIOS) - set(NOT_PROVOKED)) == []
    assert sorted((set(SCENARIOS) | set(NOT_PROVOKED)) - set(REFUSALS)) == []
    assert set(SCENARIOS).isdisjoint(NOT_PROVOKED)


@pytest.mark.parametrize("name", sorted(set(REFUSALS) - set(NOT_PROVOKED)))
async def test_the_refusal_reaches_the_sender_naming_the_field_and_the_reason(name: str) -> None:
    if name not in SCENARIOS:
        pytest.fail(f"no scenario provokes {name}: add one with @provokes")
    scenario, field, reason = SCENARIOS[name]
    h = RiskHarness()
    sender, out = await scenario(h)
    assert [x.type for x in out] == ["risk.rejection.message_rejected.v1"], [
        (x.type, x.problems) for x in out
    ]
    assert out[0].to == sender
    assert [f for f, _ in out[0].problems] == [field], out[0].problems
    assert reason in out[0].problems[0][1], out[0].problems
