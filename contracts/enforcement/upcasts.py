"""旧版本 — logs written before one event per fact hold `enforcement.event.control_recorded.v1`,
one event whose `status` named the fact (requested, applied, queued, refused, expiring, lapsed,
released, deducted). Read, each becomes the event of its fact (`control_facts`): the registry
applies the upcaster to every stored message it parses, so the case is rebuilt from the new
events whichever form its log holds."""

from __future__ import annotations

from typing import Any

from contracts.enforcement.control import Action
from contracts.enforcement.control_facts import (
    ControlApplied,
    ControlExpiring,
    ControlLapsed,
    ControlOrdered,
    ControlQueued,
    ControlRefused,
    ControlReleased,
    ControlRenewed,
    FundsDeducted,
    LapseReason,
    QueuedControlTookEffect,
)
from contracts.registry import upcaster

CONTROL_RECORDED_V1 = "enforcement.event.control_recorded.v1"


def _took_effect(v1: dict[str, Any], env: dict[str, Any]) -> dict[str, Any]:
    # The platform promoted a queued control itself (轮候生效 inferred) on the day it wrote this.
    return {
        "type": QueuedControlTookEffect.TYPE,
        "effective_on": str(env.get("occurred_at", ""))[:10],
        "until": v1.get("until"),
    }


def _fact(v1: dict[str, Any], env: dict[str, Any]) -> dict[str, Any]:
    """The new event's type and fields (besides control_id and order_id) for one v1 status."""
    status, action, detail = v1.get("status"), v1.get("action"), v1.get("detail")
    if status == "requested":
        first = {k: v1[k] for k in ("prior_claims", "term_days") if v1.get(k) is not None}
        return {
            "type": ControlOrdered.TYPE,
            "action": action,
            "bureau": v1.get("bureau"),
            "holding": v1.get("holding"),
            "amount": v1.get("amount"),
            "until": v1.get("until"),
            **first,
        }
    if status == "applied" and v1.get("order_id") is None:
        return _took_effect(v1, env)
    if status == "applied" and action == Action.RENEW:
        return {"type": ControlRenewed.TYPE, "until": v1.get("until"), "bureau_reference": detail}
    if status == "applied":
        return {"type": ControlApplied.TYPE, "until": v1.get("until"), "bureau_reference": detail}
    if status == "queued":
        return {"type": ControlQueued.TYPE, "until": v1.get("until"), "reason": detail}
    if status == "refused":
        return {"type": ControlRefused.TYPE, "action": action, "reason": detail}
    if status == "expiring":
        return {"type": ControlExpiring.TYPE, "until": v1.get("until")}
    if status == "lapsed":
        return {
            "type": ControlLapsed.TYPE,
            "reason": LapseReason.EXPIRED.value,
            "until": v1.get("until"),
            "detail": detail,
        }
    if status == "released":
        return {"type": ControlReleased.TYPE, "bureau_reference": detail}
    if status == "deducted":
        return {
            "type": FundsDeducted.TYPE,
            "remaining": v1.get("amount"),
            "bureau_reference": detail,
        }
    raise ValueError(f"{CONTROL_RECORDED_V1} with an unknown status {status!r}")


@upcaster(CONTROL_RECORDED_V1)
def control_recorded_v1(message: dict[str, Any]) -> dict[str, Any]:
    """A v1 `ControlRecorded` → the event of the fact its status named, same envelope otherwise."""
    env, v1 = dict(message.get("envelope") or {}), dict(message.get("data") or {})
    fact = _fact(v1, env)
    env["type"] = fact.pop("type")
    data = {"control_id": v1.get("control_id"), "order_id": v1.get("order_id"), **fact}
    return {**message, "envelope": env, "data": {k: v for k, v in data.items() if v is not None}}
