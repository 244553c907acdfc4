"""重大风险与运行机制 — the joint mechanism's own workflows: linkage items 联动事项, coordination
meetings 专题协调会商 with their memos and follow-up 跟踪问效, accountability 追责问责 and
commendation 表扬表彰, the leading group's meetings; the key problem items 十项重点问题事项
(`key_items` is their catalogue, `key_item_ledger` their work), risk cases 重大风险 (`cases`), the
special item 涉党政机关未履行生效判决 (`special`) and the law-based-government task (`lawgov`). The risk service (`services/risk`) takes the
commands; a message it refuses is answered with `MessageRejected`."""

from contracts.risk import (
    accountability,
    cases,
    key_item_ledger,
    lawgov,
    leading_group,
    linkage,
    meetings,
    rejections,
    special,
)
from contracts.risk.rejections import MessageRejected

__all__ = [
    "MessageRejected",
    "accountability",
    "cases",
    "key_item_ledger",
    "lawgov",
    "leading_group",
    "linkage",
    "meetings",
    "rejections",
    "special",
]
