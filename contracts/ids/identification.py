"""识别 — say what a string is (公民身份号码, 统一社会信用代码 or 案号) and whether it is valid."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from contracts.ids._text import clean
from contracts.ids.case_number import parse_case_number
from contracts.ids.case_types import CASE_TYPES
from contracts.ids.credit import ORGANIZATION_TYPES, REGISTRATION_AUTHORITIES, parse_credit_code
from contracts.ids.errors import IdKind, InvalidIdentifierError
from contracts.ids.resident import parse_resident_id, sex

Details = dict[str, str | int]

UNKNOWN_REASON = "not a 公民身份号码, 统一社会信用代码 or 案号"


@dataclass(frozen=True)
class IdentifyResult:
    """识别结果 — what a string is and whether it is valid.

    `normalized` is set when valid (a `MaskedId` for a resident id); `reason` when invalid;
    `details` says what the identifier encodes — parts, region, sex, never a birth date.
    """

    kind: IdKind | Literal["unknown"]
    valid: bool
    normalized: str | None = None
    reason: str | None = None
    details: Details = field(default_factory=dict)


def _resident(value: str) -> tuple[str, Details]:
    resident = parse_resident_id(value)
    return resident, {"region": resident[:6], "sex": sex(resident)}


def _credit(value: str) -> tuple[str, Details]:
    code = parse_credit_code(value)
    return code, {
        "registration_authority": REGISTRATION_AUTHORITIES.get(code[0], code[0]),
        "organization_type": ORGANIZATION_TYPES.get(code[:2], code[1]),
        "region": code[2:8],
        "organization_code": code[8:17],
    }


def _case(value: str) -> tuple[str, Details]:
    parts = parse_case_number(value)
    return parts.canonical, {
        "year": parts.year,
        "court_code": parts.court_code,
        "special_trial": parts.special_trial,
        "case_type": parts.case_type,
        "case_type_name": CASE_TYPES[parts.case_type],
        "sequence": parts.sequence,
    }


_READERS: Mapping[IdKind, Callable[[str], tuple[str, Details]]] = {
    "resident_id": _resident,
    "credit_code": _credit,
    "case_number": _case,
}


def _kind_of(text: str) -> IdKind | None:
    if text.startswith(("(", "〔")) or text.endswith("号"):
        return "case_number"
    if re.fullmatch(r"[0-9]{13,18}[0-9Xx]", text):
        return "resident_id"
    if len(text) == 18 and text.isascii() and text.isalnum():
        return "credit_code"
    return None


def _read(kind: IdKind, value: str) -> IdentifyResult:
    try:
        normalized, details = _READERS[kind](value)
    except InvalidIdentifierError as error:
        return IdentifyResult(kind=kind, valid=False, reason=error.reason)
    return IdentifyResult(kind=kind, valid=True, normalized=normalized, details=details)


def identify(value: str) -> IdentifyResult:
    """Say what `value` is — 公民身份号码, 统一社会信用代码 or 案号 — and whether it is valid.

    Digit strings are taken as resident ids (so they are masked when shown), except an
    18-character one that is a valid credit code but not a valid resident id.
    """
    kind = _kind_of(clean(value))
    if kind is None:
        return IdentifyResult(kind="unknown", valid=False, reason=UNKNOWN_REASON)
    result = _read(kind, value)
    if kind == "resident_id" and not result.valid and len(clean(value)) == 18:
        as_credit = _read("credit_code", value)
        return as_credit if as_credit.valid else result
    return result
