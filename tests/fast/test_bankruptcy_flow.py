"""The bankruptcy service in memory: a case is found under either of its numbers, a higher court
accepts under its own number, a passed statutory clock is told to the court and the joint office
once, and a task's acknowledgement by its lead unit is taken from the reply's envelope."""

from __future__ import annotations

from datetime import date, timedelta

from contracts.bankruptcy import procedure as p
from tests.fast.bankruptcy_harness import BankruptcyHarness
from tests.fast.harness import Published, of_type
from tests.fast.test_bankruptcy_refusals import (
    ADMIN,
    CASE,
    COURT,
    HIGHER,
    JOINT_OFFICE,
    TAX,
    accept,
    accepted,
    ack,
    reply,
    steps,
    task,
)
from tests.unit import test_bankruptcy_builders as b


def facts(out: list[Published]) -> list[str]:
    return [x.type.split(".")[2] for x in out if ".event." in x.type]


async def test_a_step_naming_the_po_number_finds_the_case_opened_under_the_petition() -> None:
    h = BankruptcyHarness()
    await accepted(h)
    out = await h.send(p.NotifyCreditors(case_number=CASE, announced_on=date(2026, 4, 1)), COURT)
    assert facts(out) == ["creditors_notified"]
    assert out[0].message["envelope"]["case_number"] == CASE


async def test_a_higher_court_accepts_under_its_own_number_and_hears_the_case() -> None:
    h = BankruptcyHarness()
    await steps(h, b.petition())
    number = "（2026）豫破1号"
    out = await h.send(accept(case_number=number), HIGHER)
    assert facts(out)[0] == "petition_accepted" and out[0].to == HIGHER
    assert out[0].data["court"] == HIGHER
    out = await h.send(p.NotifyCreditors(case_number=number, announced_on=date(2026, 4, 1)), COURT)
    assert [x.problems for x in out] == [
        [("envelope.organization", f"{COURT} is not the court hearing the case")]
    ]


async def test_a_passed_clock_goes_to_the_court_and_the_joint_office_once() -> None:
    h = BankruptcyHarness()
    await steps(h, b.petition().model_copy(update={"filed_on": date(2026, 10, 1)}))
    on = date(2026, 10, 10)
    await steps(
        h,
        accept(
            accepted_on=on, administrator=b.administrator(on).model_copy(update={"code": ADMIN})
        ),
    )
    h.clock.now = h.clock.now.replace(year=2026, month=11, day=3)  # announce by 4 November
    assert of_type(await h.tick_deadlines(), "notice.procedure_overdue") == []
    h.clock.advance(timedelta(days=2))
    out = of_type(await h.tick_deadlines(), "notice.procedure_overdue")
    assert sorted(x.to for x in out) == sorted([COURT, JOINT_OFFICE])
    assert {x.data["clock"] for x in out} == {"announcement"}
    assert of_type(await h.tick_deadlines(), "notice.procedure_overdue") == []


async def test_the_lead_unit_acknowledges_its_task_by_the_number_on_the_envelope() -> None:
    h = BankruptcyHarness()
    await accepted(h)
    x = await task(h, "tax_claims")
    out = await reply(h, ack(x), TAX)
    assert facts(out) == ["coordination_task_acknowledged"] and out[0].to == TAX
    again = await h.send(ack(x), TAX)  # no number at all: the envelope must name the case
    assert [x.problems for x in again] == [
        [("envelope.case_number", "the envelope must name the case")]
    ]
    assert (await task(h, "tax_claims")).acknowledged_on == date(2026, 3, 18)
