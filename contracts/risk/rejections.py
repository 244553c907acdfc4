"""拒收 — the rejection the risk service sends back to whoever sent a message it cannot accept,
naming each field at fault and the reason."""

from __future__ import annotations

from contracts.registry import register
from contracts.rejections import MessageRejectedBase


@register
class MessageRejected(MessageRejectedBase):
    """消息拒收 — a message to the risk service was refused."""

    TYPE = "risk.rejection.message_rejected.v1"


__all__ = ["MessageRejected"]
