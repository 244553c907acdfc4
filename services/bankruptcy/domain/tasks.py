"""协调事项 — tasks generated from the topic catalogue and their life: assignment to the lead
unit of the court's jurisdiction (the joint office stands in where the jurisdiction has none of
that kind), acknowledgement, progress, completion with evidence, blockage (which asks the joint
office for a coordination meeting), waiver with a reason, and one escalation to the joint office
for a task not acknowledged or not completed in time."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from contracts.bankruptcy import tasks as t
from contracts.bankruptcy.administrator import RequestCoordination
from contracts.bankruptcy.topics import Item, Topic, UnitKind, UnknownTopicError
from contracts.organizations.kinds import PLATFORM_CODE
from services.bankruptcy.domain import errors
from services.bankruptcy.domain.case import ACCEPTED, BankruptcyCase, Stage, Task
from services.bankruptcy.domain.closure import with_closure
from services.bankruptcy.domain.periods import add_days, midnight, working_days_or_none
from services.bankruptcy.domain.rules import Out, Rules

_IDS = uuid.UUID("5b0f8c52-3d1e-4a7b-9f60-2c8e4d7a1b93")


def task_id(
    case: BankruptcyCase, trigger: t.Trigger, topic: str, item: str, n: int = 0
) -> uuid.UUID:
    """Stable for the same fact: a redelivered acceptance assigns the same tasks."""
    return uuid.uuid5(_IDS, f"{case.number}/{trigger}/{topic}/{item}/{n}")


def _units(case: BankruptcyCase, kind: UnitKind, rules: Rules) -> tuple[str, ...]:
    if kind is UnitKind.COURT:
        return (case.court,) if case.court else ()
    if kind is UnitKind.ADMINISTRATOR:
        return (case.administrator.code,) if case.administrator else ()
    if kind is UnitKind.JOINT_OFFICE:
        return (rules.where.joint_office,)
    return tuple(rules.where.units.get(kind.value, ()))


def spec(
    case: BankruptcyCase,
    item: Item,
    topic: Topic,
    rules: Rules,
    *,
    ids: tuple[t.Trigger, int],
    on: date,
    request: str | None = None,
    due_on: date | None = None,
) -> t.TaskSpec:
    """The task an item gives in this case's jurisdiction, assigned on `on`."""
    a = item.assignment(rules.where.level)
    lead = next(iter(_units(case, a.lead, rules)), rules.where.joint_office)
    co = [code for kind in a.co_units for code in _units(case, kind, rules) if code != lead]
    return t.TaskSpec(
        task_id=task_id(case, ids[0], topic.id, item.id, ids[1]),
        topic=topic.id,
        item=item.id,
        lead=lead,
        lead_kind=a.lead.value,
        co_units=tuple(dict.fromkeys(co)),
        request=request or item.zh,
        legal_basis=item.legal_basis,
        acknowledge_by=working_days_or_none(on, rules.catalogue.acknowledge_working_days),
        due_on=due_on or add_days(on, item.due_days),
    )


def notices(case: BankruptcyCase, s: t.TaskSpec) -> list[Out]:
    """The task notice to the lead and to each co-unit: only what they need to act."""
    debtor, admin = case.debtor, case.administrator
    assert debtor is not None and admin is not None and case.accepted_on is not None
    out: list[Out] = []
    for role, code in [(t.Role.LEAD, s.lead), *((t.Role.CO_UNIT, c) for c in s.co_units)]:
        notice = t.CoordinationTaskNotice(
            task_id=s.task_id,
            case_number=case.number or "",
            role=role,
            topic=s.topic,
            item=s.item,
            debtor_name=debtor.name,
            debtor_credit_code=debtor.credit_code,
            accepted_on=case.accepted_on,
            administrator_name=admin.name,
            administrator_contact=admin.contact,
            request=s.request,
            legal_basis=s.legal_basis,
            lead=s.lead,
            lead_kind=s.lead_kind,
            co_units=s.co_units,
            acknowledge_by=s.acknowledge_by,
            due_on=s.due_on,
        )
        out.append((notice, code))
    return out


def assign(
    case: BankruptcyCase, s: t.TaskSpec, trigger: t.Trigger, by: str, on: date, rules: Rules
) -> list[Out]:
    assigned = t.CoordinationTaskAssigned(
        task=s,
        trigger=trigger,
        requested_by=by,
        assigned_on=on,
        catalogue_version=rules.catalogue.version,
    )
    return [(assigned, PLATFORM_CODE), *notices(case, s)]


def generate(
    case: BankruptcyCase,
    trigger: t.Trigger,
    on: date,
    rules: Rules,
    *,
    by: str,
    ground: str | None = None,
) -> list[Out]:
    """The tasks a fact generates from the catalogue (acceptance, an approved plan, a
    termination), once: the same fact seen again generates nothing."""
    if case.generated(trigger):
        return []
    out: list[Out] = []
    for topic, item in rules.catalogue.generated_on(trigger, ground):
        s = spec(case, item, topic, rules, ids=(trigger, 0), on=on)
        out += assign(case, s, trigger, by, on, rules)
    return out


def decide_request(
    cmd: RequestCoordination, case: BankruptcyCase, *, by: str, now: datetime, rules: Rules
) -> list[Out]:
    """An ad hoc task on any topic, asked by the administrator or the court."""
    admin = case.administrator.code if case.administrator else None
    if by not in (admin, case.court):
        raise errors.NotTheAdministratorError(f"{by} is neither the administrator nor the court")
    if case.closed_on is not None:
        raise errors.CaseClosedError("the coordination case is closed")
    if case.stage not in ACCEPTED | {Stage.TERMINATED, Stage.DEREGISTERED}:
        raise errors.UnlawfulStepError(f"no coordination before acceptance ({case.stage})")
    try:
        topic = rules.catalogue.topic(cmd.topic)
        item = topic.item(cmd.item)
    except UnknownTopicError as e:
        raise (errors.UnknownItemError if cmd.item else errors.UnknownTopicError)(str(e)) from None
    if cmd.requested_on > now.date():
        raise errors.FutureDateError("requested after today", "data.requested_on")
    if cmd.due_on is not None and cmd.due_on <= cmd.requested_on:
        raise errors.DueDateError("the due day comes after the request")
    n = sum(1 for x in case.tasks.values() if x.trigger is t.Trigger.AD_HOC)
    s = spec(
        case,
        item,
        topic,
        rules,
        ids=(t.Trigger.AD_HOC, n),
        on=cmd.requested_on,
        request=cmd.request,
        due_on=cmd.due_on,
    )
    return assign(case, s, t.Trigger.AD_HOC, by, cmd.requested_on, rules)


# --- the task's life ---------------------------------------------------------------------------


def _open_task(case: BankruptcyCase, task_id: uuid.UUID) -> Task:
    task = case.tasks.get(task_id)
    if task is None:
        raise errors.UnknownTaskError(f"no task {task_id} in this case")
    if task.done:
        raise errors.TaskClosedError(f"task {task_id} is completed or waived")
    return task


def _lead_task(case: BankruptcyCase, task_id: uuid.UUID, by: str, *, acked: bool = True) -> Task:
    task = _open_task(case, task_id)
    if by != task.spec.lead:
        raise errors.NotTheLeadUnitError(f"{by} does not lead task {task_id}")
    if acked and task.acknowledged_on is None:
        raise errors.NotAcknowledgedError("acknowledge the task first")
    return task


def _dated(day: date, task: Task, now: datetime, field: str) -> None:
    if day > now.date():
        raise errors.FutureDateError(f"{day} is after today", field)
    if day < task.assigned_on:
        raise errors.DateOrderError(f"{day} is before the task was assigned", field)


def decide_acknowledge(
    r: t.TaskAcknowledgement, case: BankruptcyCase, *, by: str, now: datetime
) -> list[Out]:
    task = _lead_task(case, r.task_id, by, acked=False)
    if task.acknowledged_on is not None:
        raise errors.AlreadyAcknowledgedError(f"acknowledged on {task.acknowledged_on}")
    _dated(r.acknowledged_on, task, now, "data.acknowledged_on")
    fact = t.CoordinationTaskAcknowledged(
        task_id=r.task_id, acknowledged_on=r.acknowledged_on, handler=r.handler
    )
    return [(fact, by)]


def decide_progress(
    r: t.TaskProgress, case: BankruptcyCase, *, by: str, now: datetime
) -> list[Out]:
    task = _lead_task(case, r.task_id, by)
    _dated(r.reported_on, task, now, "data.reported_on")
    fact = t.CoordinationTaskProgressed(
        task_id=r.task_id, reported_on=r.reported_on, progress=r.progress
    )
    return [(fact, by)]


def decide_blockage(
    r: t.TaskBlockage, case: BankruptcyCase, *, by: str, now: datetime, joint_office: str
) -> list[Out]:
    """A blocked task asks the joint office for a coordination meeting."""
    task = _lead_task(case, r.task_id, by)
    _dated(r.reported_on, task, now, "data.reported_on")
    fact = t.CoordinationTaskBlocked(
        task_id=r.task_id, reported_on=r.reported_on, obstacle=r.obstacle, needs=r.needs
    )
    ask = t.CoordinationMeetingRequested(
        task_id=r.task_id,
        case_number=case.number or "",
        topic=task.spec.topic,
        lead=by,
        obstacle=r.obstacle,
        needs=r.needs,
    )
    return [(fact, by), (ask, joint_office)]


def decide_completion(
    r: t.TaskCompletion, case: BankruptcyCase, *, by: str, now: datetime
) -> list[Out]:
    """Completed with evidence (the contract needs at least one document)."""
    task = _lead_task(case, r.task_id, by)
    _dated(r.completed_on, task, now, "data.completed_on")
    fact = t.CoordinationTaskCompleted(
        task_id=r.task_id, completed_on=r.completed_on, result=r.result, evidence=r.evidence
    )
    return with_closure(case, [(fact, by)], now)


def decide_waiver(
    cmd: t.WaiveTask, case: BankruptcyCase, *, by: str, now: datetime, joint_office: str
) -> list[Out]:
    """The court or the joint office withdraws a task, with the reason."""
    if by not in (case.court, joint_office):
        raise errors.NotAllowedToWaiveError(f"{by} is neither the court nor the joint office")
    task = _open_task(case, cmd.task_id)
    _dated(cmd.waived_on, task, now, "data.waived_on")
    fact = t.CoordinationTaskWaived(
        task_id=cmd.task_id, waived_on=cmd.waived_on, reason=cmd.reason, waived_by=by
    )
    return with_closure(case, [(fact, by)], now)


# --- escalation --------------------------------------------------------------------------------


def _late(task: Task) -> tuple[date, t.Lateness] | None:
    """The first day the task is late and why, while it is open and not yet escalated."""
    if task.done or task.escalated:
        return None
    ack_by = task.spec.acknowledge_by
    if task.acknowledged_on is None and ack_by is not None and ack_by < task.spec.due_on:
        return ack_by + timedelta(days=1), t.Lateness.NOT_ACKNOWLEDGED
    return task.spec.due_on + timedelta(days=1), t.Lateness.NOT_COMPLETED


def next_due(case: BankruptcyCase) -> datetime | None:
    """The first moment `decide_escalation` writes for one of the case's tasks, or None."""
    days = [late[0] for task in case.tasks.values() if (late := _late(task))]
    return midnight(min(days)) if days else None


def decide_escalation(case: BankruptcyCase, now: datetime, joint_office: str) -> list[Out]:
    """Tell the joint office, once per task, of a task not acknowledged or not completed in
    time."""
    out: list[Out] = []
    for task in case.tasks.values():
        late = _late(task)
        if late is None or now.date() < late[0]:
            continue
        notice = t.CoordinationTaskOverdue(
            task_id=task.spec.task_id,
            case_number=case.number or "",
            topic=task.spec.topic,
            lead=task.spec.lead,
            lateness=late[1],
            due_on=late[0] - timedelta(days=1),
        )
        out.append((notice, joint_office))
    return out
