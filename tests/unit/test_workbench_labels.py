"""Every code the workbench's screens show has its Chinese label: a new status, item kind or
meeting matter fails here until it gets one."""

from __future__ import annotations

from contracts.risk.meetings import Matter
from services.reporting.domain import readmodel
from services.reporting.exports import labels
from services.reporting.workbench.screens import KINDS, MATTERS, STATUS


def test_every_item_status_has_a_chinese_label() -> None:
    statuses = (readmodel.OPEN, readmodel.DUE_SOON, readmodel.OVERDUE, readmodel.CHECKED_OFF)
    assert set(STATUS) == set(statuses)
    assert STATUS[readmodel.CHECKED_OFF] == "已销号"
    assert not any(label.isascii() for label in STATUS.values())


def test_every_item_kind_has_a_chinese_label() -> None:
    kinds = set(readmodel._ITEM_IDS) | set(labels.ITEM_KINDS)
    assert kinds <= set(KINDS), kinds - set(KINDS)
    assert not any(label.isascii() for label in KINDS.values())


def test_every_meeting_matter_has_a_chinese_label() -> None:
    for matter in Matter:
        assert MATTERS.get(matter.value, "").strip(), matter
    assert MATTERS["major_risk"] == "重大风险隐患"
