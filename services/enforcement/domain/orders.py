"""执行裁定与协助执行 — what the law asks of a control order beyond its amount and term, checked
around the control rules (`control`), which stay as they are:

- property that may not be seized, frozen or detained is refused (查封规定 第三条), and the debtor's
  only home is seized but marked never to be sold (第四条);
- each order carries the ruling and the notice of assistance with their electronic seal
  (网络查询冻结存款规定 第三条、第四条), refused without them where the service requires them;
- a deposit freeze names a specific amount, the cap of what is frozen: the order says the rest of
  the account stays in use (法发〔2019〕35号 第4条); equity whose value is unknown may be frozen
  by a ratio or quantity of the stake at the applicant's request (强制执行股权规定 第五条), the
  order naming it and the amount 0, so the over-seizure test counts nothing for it;
- a deduction goes online only to a bureau ready and agreed to take it (第九条), over the counter
  otherwise; from income, it keeps back the living expenses of the debtor and dependants
  (查封规定 第三条第（二）项; 民事诉讼法: 保留被执行人及其所扶养家属的生活必需费用).

Each rule runs after the control rules, so a command they refuse is refused as before.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from contracts.enforcement import (
    ControlOrder,
    CourtDocuments,
    DeductFunds,
    DeductionChannel,
    FreezeProperty,
    PropertyKind,
    ReleaseControl,
    ReleaseExcess,
    RenewControl,
)
from services.enforcement.domain import control, errors
from services.enforcement.domain.case import Case
from services.enforcement.domain.query import Out


def _documents(documents: CourtDocuments | None, required: bool) -> None:
    if required and documents is None:
        raise errors.CourtDocumentsMissingError(
            "send the ruling and the notice of assistance with their electronic seal "
            "(裁定书、协助执行通知书、电子签章)"
        )


def _with(outs: list[Out], **fields: object) -> list[Out]:
    """The order to the bureau, carrying what the rules add to it."""
    return [
        (p.model_copy(update=fields) if isinstance(p, ControlOrder) else p, org) for p, org in outs
    ]


def check_exempt(cmd: FreezeProperty) -> None:
    """查封规定 第三条 and 第四条."""
    if cmd.holding.exempt is not None:
        raise errors.ExemptPropertyError(
            f"{cmd.holding.exempt}: property that may not be seized, frozen or detained "
            "(查封规定 第三条)"
        )
    if cmd.only_home and cmd.holding.kind is not PropertyKind.REAL_ESTATE:
        raise errors.OnlyHomeError("only a home, real estate, is the debtor's only home")


def check_share(cmd: FreezeProperty) -> None:
    """法发〔2019〕35号 第4条 and 强制执行股权规定 第五条: a deposit is frozen by a specific amount;
    a ratio or quantity only of equity whose value is unknown, at the applicant's request, with
    the amount 0 (not valued)."""
    kind = cmd.holding.kind
    if kind is PropertyKind.DEPOSIT and not cmd.amount:
        raise errors.DepositAmountError(
            "a deposit freeze names a specific amount to freeze (法发〔2019〕35号 第4条)"
        )
    if cmd.share is None:
        return
    if kind is not PropertyKind.EQUITY:
        raise errors.EquityShareError(f"a ratio or quantity is frozen of equity only, not {kind}")
    if cmd.holding.value is not None:
        raise errors.EquityShareError(
            f"the equity's value is known ({cmd.holding.value}): freeze it by amount"
        )
    if not cmd.share.on_applicant_request:
        raise errors.EquityShareError(
            "a ratio or quantity is frozen at the applicant's request (强制执行股权规定 第五条)"
        )
    if cmd.amount:
        raise errors.EquityShareError(
            f"frozen by a ratio or quantity, the equity is not valued: amount 0, not {cmd.amount}"
        )


def decide_freeze(
    cmd: FreezeProperty,
    case: Case,
    *,
    court: str,
    control_id: UUID,
    now: datetime,
    tolerance: Decimal = Decimal(0),
    require_documents: bool = False,
) -> list[Out]:
    outs = control.decide_freeze(
        cmd, case, court=court, control_id=control_id, now=now, tolerance=tolerance
    )
    check_exempt(cmd)
    check_share(cmd)
    _documents(cmd.documents, require_documents)
    return _with(
        outs,
        documents=cmd.documents,
        sale_barred=cmd.only_home,
        rest_usable=cmd.holding.kind is PropertyKind.DEPOSIT,
        share=cmd.share,
    )


def decide_renew(
    cmd: RenewControl,
    case: Case,
    *,
    court: str,
    order_id: UUID,
    now: datetime,
    require_documents: bool = False,
) -> list[Out]:
    outs = control.decide_renew(cmd, case, court=court, order_id=order_id, now=now)
    _documents(cmd.documents, require_documents)
    return _with(outs, documents=cmd.documents)


def decide_release(
    cmd: ReleaseControl, case: Case, *, court: str, order_id: UUID, require_documents: bool = False
) -> list[Out]:
    outs = control.decide_release(cmd, case, court=court, order_id=order_id)
    _documents(cmd.documents, require_documents)
    return _with(outs, documents=cmd.documents)


def decide_release_excess(
    cmd: ReleaseExcess,
    case: Case,
    *,
    court: str,
    order_id: UUID,
    now: datetime,
    require_documents: bool = False,
) -> list[Out]:
    outs = control.decide_release_excess(cmd, case, court=court, order_id=order_id, now=now)
    _documents(cmd.documents, require_documents)
    return outs


def _check_deduction(cmd: DeductFunds, case: Case, online: frozenset[str]) -> None:
    bureau = case.controls[cmd.control_id].bureau
    if cmd.channel is DeductionChannel.ONLINE and bureau not in online:
        raise errors.DeductionChannelError(
            f"{bureau} takes no online deduction (网络扣划 needs its readiness and agreement): "
            "send it with channel counter (临柜)"
        )
    if not cmd.from_income:
        return
    if cmd.living_expenses is None:
        raise errors.LivingExpensesError(
            "a deduction from income keeps back the living expenses of the debtor and "
            "dependants: state living_expenses (at least the local minimum living standard)"
        )
    available = case.controls[cmd.control_id].amount - cmd.living_expenses
    if cmd.amount > available:
        raise errors.OverFreezeError(
            f"{cmd.amount} leaves less than the {cmd.living_expenses} kept for living: at most "
            f"{max(available, Decimal(0))}"
        )


def decide_deduct(
    cmd: DeductFunds,
    case: Case,
    *,
    court: str,
    order_id: UUID,
    online: frozenset[str] = frozenset(),
    require_documents: bool = False,
) -> list[Out]:
    """扣划, over the channel the bureau takes; `online` are the bureaus that take it online."""
    outs = control.decide_deduct(cmd, case, court=court, order_id=order_id)
    _check_deduction(cmd, case, online)
    _documents(cmd.documents, require_documents)
    return _with(outs, documents=cmd.documents, channel=cmd.channel)
