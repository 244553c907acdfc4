"""标识号错误 — the kinds of identifier and the error that names why one is refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

IdKind = Literal["resident_id", "credit_code", "case_number"]


class InvalidIdentifierError(ValueError):
    """An identifier that fails validation; `reason` says why, without echoing a personal id."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(f"{LABELS[kind]}: {reason}")
        self.kind = kind
        self.reason = reason


LABELS: Mapping[str, str] = {
    "resident_id": "公民身份号码 resident id",
    "credit_code": "统一社会信用代码 credit code",
    "case_number": "案号 case number",
    "court_code": "法院代字 court code",
}
