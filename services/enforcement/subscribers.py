"""The only module that knows the enforcement subjects and durable consumer names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from contracts import enforcement as msgs
from contracts.bankruptcy import procedure as bankruptcy_msgs
from contracts.enforcement import aftercare, objections
from contracts.enforcement import duties as duty_msgs
from contracts.enforcement import exemptions as exemption_msgs
from contracts.enforcement import sanctions as sanction_msgs
from contracts.organizations import UnknownOrganizationError
from contracts.subjects import commands, replies, split
from services.enforcement import domain
from services.enforcement.handlers import Handlers
from services.runtime.consumer import BatchHandler, Consumer, Delivery, NotTogether, case_key
from services.runtime.eventstore import EventStore, InboxEntry
from services.runtime.intake import Intake, Route

COMMANDS = "enforcement_commands"
"""The durable consumer of the courts' commands."""
REPLIES = "enforcement_replies"
"""The durable consumer of the bureaus' replies."""
BANKRUPTCY = "enforcement_bankruptcy"
"""The durable consumer of the bankruptcy courts' acceptances (企业破产法 第十九条)."""
CONTEXTS = ("enforcement", "bankruptcy")
"""The streams the service reads: its own, and the bankruptcy service's events."""


def _intake(
    store: EventStore, consumer: str, routes: dict[str, Route], clock: Callable[[], datetime]
) -> Intake:
    return Intake(
        store=store,
        consumer=consumer,
        routes=routes,
        rejection_type=msgs.MessageRejected,
        refusals=(domain.EnforcementError, UnknownOrganizationError),
        clock=clock,
    )


TOGETHER = frozenset(
    {
        msgs.PropertyAnswer.TYPE,
        msgs.ControlOutcome.TYPE,
        sanction_msgs.SanctionAck.TYPE,
        objections.ObjectToControl.TYPE,
    }
)
"""The replies decided together when several of one case are in hand (`replies_together`)."""


def replies_together(intake: Intake, h: Handlers) -> BatchHandler:
    """The replies of one case in hand, decided against one load and appended in one write.
    If the intake would refuse any of them, or one is of a kind not decided together, the
    consumer handles them one by one instead (a bad one refused by name, never a dead letter)."""

    async def handle(ds: list[Delivery]) -> None:
        if any(split(d.subject)[0] not in TOGETHER for d in ds):
            raise NotTogether
        msgs_in_hand = [intake.accept(d) for d in ds]
        inboxes = [
            InboxEntry(intake.consumer, m.envelope.event_id, m.envelope.organization)
            for m in msgs_in_hand
        ]
        await h.replies_together(msgs_in_hand, inboxes, intake.clock())

    return handle


def consumers(h: Handlers, clock: Callable[[], datetime], max_attempts: int) -> list[Consumer]:
    command_routes: dict[str, Route] = {
        msgs.RegisterCase.TYPE: h.register_case,
        msgs.QueryProperty.TYPE: h.query_property,
        msgs.FreezeProperty.TYPE: h.freeze_property,
        msgs.RenewControl.TYPE: h.renew_control,
        msgs.ReleaseControl.TYPE: h.release_control,
        msgs.ReleaseExcess.TYPE: h.release_excess,
        msgs.DeductFunds.TYPE: h.deduct_funds,
        msgs.CloseWithoutProperty.TYPE: h.close_without_property,
        aftercare.ResumeEnforcement.TYPE: h.resume_enforcement,
        aftercare.ConcludeCase.TYPE: h.conclude_case,
        sanction_msgs.ListDishonestDebtor.TYPE: h.list_dishonest_debtor,
        sanction_msgs.RestrictConsumption.TYPE: h.restrict_consumption,
        sanction_msgs.LiftSanction.TYPE: h.lift_sanction,
        sanction_msgs.CorrectListing.TYPE: h.correct_listing,
        sanction_msgs.RecordCreditRepair.TYPE: h.record_credit_repair,
        duty_msgs.RecordListingDuty.TYPE: h.record_listing_duty,
        duty_msgs.RecordListingRequest.TYPE: h.record_listing_request,
        duty_msgs.RefuseListingRequest.TYPE: h.refuse_listing_request,
        exemption_msgs.GrantRestrictionExemption.TYPE: h.grant_restriction_exemption,
        objections.AnswerObjection.TYPE: h.answer_objection,
        sanction_msgs.AskSanctionStatus.TYPE: h.ask_sanction_status,
    }
    reply_routes: dict[str, Route] = {
        msgs.PropertyAnswer.TYPE: h.property_answer,
        msgs.ControlOutcome.TYPE: h.control_outcome,
        sanction_msgs.SanctionAck.TYPE: h.sanction_ack,
        objections.ObjectToControl.TYPE: h.object_to_control,
    }
    bankruptcy_routes: dict[str, Route] = {
        bankruptcy_msgs.PetitionAccepted.TYPE: h.bankruptcy_accepted,
    }
    answers = _intake(h.store, REPLIES, reply_routes, clock)
    # Courts' commands and bureaus' replies: many cases at once, each case in order.
    return [
        Consumer(
            context="enforcement",
            durable=COMMANDS,
            subject=commands("enforcement"),
            handle=_intake(h.store, COMMANDS, command_routes, clock),
            max_attempts=max_attempts,
            key=case_key,
        ),
        Consumer(
            context="enforcement",
            durable=REPLIES,
            subject=replies("enforcement"),
            handle=answers,
            max_attempts=max_attempts,
            key=case_key,
            handle_group=replies_together(answers, h),
        ),
        Consumer(
            context="bankruptcy",
            durable=BANKRUPTCY,
            subject=f"{bankruptcy_msgs.PetitionAccepted.TYPE}.*",
            handle=_intake(h.store, BANKRUPTCY, bankruptcy_routes, clock),
            max_attempts=max_attempts,
        ),
    ]
