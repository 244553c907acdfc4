"""工作日 — deadlines the law counts in working days (e.g. 法释〔2017〕7号 第九条、第十条: delete,
revoke or correct within three working days), on the official calendar (`contracts.workdays`)."""

from __future__ import annotations

from contracts.workdays import CalendarUnknownError, add_working_days, is_working_day

__all__ = ["CalendarUnknownError", "add_working_days", "is_working_day"]
