"""公民身份号码 — resident id number (GB 11643-1999): validation, birth date, sex and age."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from contracts.ids._fields import identifier_validator, schemas
from contracts.ids._text import clean, weighted
from contracts.ids.errors import InvalidIdentifierError
from contracts.ids.masking import MaskedId
from contracts.ids.regions import RESIDENT_PROVINCE_CODES

_RESIDENT_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_RESIDENT_CHECK = "10X98765432"
_MODERN = re.compile(r"[0-9]{17}[0-9X]")
_LEGACY = re.compile(r"[0-9]{15}")


def _resident_error(reason: str) -> InvalidIdentifierError:
    return InvalidIdentifierError("resident_id", reason)


def resident_id_check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character (0-9 or X) of the first 17 digits."""
    if not re.fullmatch(r"[0-9]{17}", first17):
        raise ValueError("needs exactly 17 digits")
    return _RESIDENT_CHECK[weighted(first17, _RESIDENT_WEIGHTS, int) % 11]


def _resident_shape(text: str) -> str:
    if _LEGACY.fullmatch(text):
        body = text[:6] + "19" + text[6:]
        return body + resident_id_check_character(body)
    if _MODERN.fullmatch(text):
        return text
    if len(text) not in (15, 18):
        raise _resident_error(f"must have 18 characters (15 in the legacy form), got {len(text)}")
    raise _resident_error("only digits are allowed, and X as the 18th character")


def _birth(text: str) -> date:
    year, month, day = int(text[6:10]), int(text[10:12]), int(text[12:14])
    if not 1900 <= year <= 2099:
        raise _resident_error("the birth year is out of range (1900–2099)")
    try:
        return date(year, month, day)
    except ValueError:
        raise _resident_error("the birth-date digits (7–14) are not a real date") from None


def _check_resident(text: str) -> None:
    if text[:2] not in RESIDENT_PROVINCE_CODES:
        raise _resident_error(f"unknown province code {text[:2]!r} in the region")
    _birth(text)
    expected = resident_id_check_character(text[:17])
    if text[17] != expected:
        raise _resident_error(f"check character is {text[17]!r}, expected {expected!r}")


def parse_resident_id(value: str) -> MaskedId:
    """Validate and normalize a 公民身份号码: upper-case X; a legacy 15-digit number is upgraded
    to its 18-digit form (19 inserted before the year, check character appended)."""
    text = _resident_shape(clean(value).upper())
    _check_resident(text)
    return MaskedId(text)


def birth_date(resident_id: str) -> date:
    """出生日期 — the birth date encoded in a 公民身份号码."""
    return _birth(parse_resident_id(resident_id))


def sex(resident_id: str) -> Literal["male", "female"]:
    """性别 — odd 17th digit: male; even: female."""
    return "male" if int(parse_resident_id(resident_id)[16]) % 2 else "female"


def age_on(resident_id: str, day: date) -> int:
    """周岁 — completed years on `day`, the birthday itself counting.

    Criminal law counts a 周岁 from the day after the birthday: pass `day - timedelta(days=1)`.
    """
    born = birth_date(resident_id)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


ResidentId = Annotated[
    str,
    identifier_validator("resident_id", parse_resident_id),
    *schemas(
        r"^\s*([0-9]{17}[0-9Xx]|[0-9]{15})\s*$",
        r"^[0-9]{17}[0-9X]$",
        "公民身份号码 — resident id number, 18 characters with an ISO 7064 MOD 11-2 check "
        "character; a legacy 15-digit number is upgraded. Masked whenever displayed.",
    ),
]
"""公民身份号码 — validated, upper-case, 18 characters; the value is a `MaskedId`."""
