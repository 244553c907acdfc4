"""The only module that knows the bankruptcy subjects and durable consumer names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from contracts.bankruptcy import MessageRejected
from contracts.bankruptcy import administrator as adm
from contracts.bankruptcy import aid as a
from contracts.bankruptcy import procedure as p
from contracts.bankruptcy import tasks as t
from contracts.organizations import UnknownOrganizationError
from contracts.subjects import commands, replies, split
from services.bankruptcy.domain import BankruptcyError
from services.bankruptcy.domain.procedure import STEPS
from services.bankruptcy.handlers import Handlers
from services.runtime.consumer import Consumer, Delivery, case_key
from services.runtime.eventstore import EventStore
from services.runtime.intake import Intake, Route

CONTEXT = "bankruptcy"
COMMANDS = "bankruptcy_commands"
"""The durable consumer of the courts', the administrators' and the joint offices' commands."""
REPLIES = "bankruptcy_replies"
"""The durable consumer of the bureaus' replies: task answers, the finance bureau's decision."""


def _intake(
    store: EventStore, consumer: str, routes: dict[str, Route], clock: Callable[[], datetime]
) -> Intake:
    return Intake(
        store=store,
        consumer=consumer,
        routes=routes,
        rejection_type=MessageRejected,
        refusals=(BankruptcyError, UnknownOrganizationError),
        clock=clock,
    )


def case_of(d: Delivery) -> str | None:
    """The case a message acts on, its order kept (the number `handlers.named_number` reads).
    An acceptance names two numbers — the petition's, which its case is known by until then, and
    the case's new one the steps after it name — so it is handled alone, after every message
    before it and before every one after it. (A step naming the petition's number after the
    acceptance is of another key than one naming the new number: the two are decided on one
    stream, each on the other's effect, but not kept in their stream order.)"""
    if split(d.subject)[0] == p.AcceptPetition.TYPE:
        return None
    return case_key(d)


def command_routes(h: Handlers) -> dict[str, Route]:
    routes: dict[str, Route] = {cmd.TYPE: h.step for cmd in STEPS}
    return routes | {
        adm.RequestCoordination.TYPE: h.request_coordination,
        adm.PublishEmployeeClaims.TYPE: h.publish_employee_claims,
        adm.ReportDeregistration.TYPE: h.report_deregistration,
        t.WaiveTask.TYPE: h.waive_task,
        a.ApplyExpenseAid.TYPE: h.apply_expense_aid,
        a.ReviewExpenseAid.TYPE: h.review_expense_aid,
        a.DisburseExpenseAid.TYPE: h.disburse_expense_aid,
    }


def reply_routes(h: Handlers) -> dict[str, Route]:
    return {
        t.TaskAcknowledgement.TYPE: h.acknowledge_task,
        t.TaskProgress.TYPE: h.task_progress,
        t.TaskCompletion.TYPE: h.complete_task,
        t.TaskBlockage.TYPE: h.task_blocked,
        a.ExpenseAidDecision.TYPE: h.expense_aid_decision,
    }


def consumers(h: Handlers, clock: Callable[[], datetime], max_attempts: int) -> list[Consumer]:
    return [
        Consumer(
            context=CONTEXT,
            durable=COMMANDS,
            subject=commands(CONTEXT),
            handle=_intake(h.store, COMMANDS, command_routes(h), clock),
            max_attempts=max_attempts,
            key=case_of,
        ),
        Consumer(
            context=CONTEXT,
            durable=REPLIES,
            subject=replies(CONTEXT),
            handle=_intake(h.store, REPLIES, reply_routes(h), clock),
            max_attempts=max_attempts,
            key=case_of,
        ),
    ]
