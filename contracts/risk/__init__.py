"""重大风险与运行机制 — the joint mechanism's own workflows: linkage items 联动事项, coordination
meetings 专题协调会商 with their memos and follow-up 跟踪问效, accountability 追责问责 and
commendation 表扬表彰, the leading group's meetings. The risk service (`services/risk`) takes the
commands; a message it refuses is answered with `MessageRejected`."""

from contracts.risk import accountability, leading_group, linkage, meetings, rejections
from contracts.risk.rejections import MessageRejected

__all__ = [
    "MessageRejected",
    "accountability",
    "leading_group",
    "linkage",
    "meetings",
    "rejections",
]
