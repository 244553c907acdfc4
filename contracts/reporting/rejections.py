"""拒收 — the rejection the reporting service sends back to whoever sent a message it cannot
accept, naming each field at fault and the reason."""

from __future__ import annotations

from contracts.registry import register
from contracts.rejections import MessageRejectedBase


@register
class MessageRejected(MessageRejectedBase):
    """消息拒收 — a message to the reporting service was refused."""

    TYPE = "reporting.rejection.message_rejected.v1"


__all__ = ["MessageRejected"]
