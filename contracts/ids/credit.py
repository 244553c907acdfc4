"""统一社会信用代码 — unified social credit code (GB 32100-2015) and the organization code
(GB 11714) inside it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from contracts.ids._fields import identifier_validator, schemas
from contracts.ids._text import clean, weighted
from contracts.ids.errors import InvalidIdentifierError

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of a 统一社会信用代码 (never I, O, S, V, Z), in value order."""

_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

REGISTRATION_AUTHORITIES: Mapping[str, str] = {
    "1": "机构编制 establishment",
    "2": "外交 foreign affairs",
    "3": "司法行政 justice",
    "4": "文化 culture",
    "5": "民政 civil affairs",
    "6": "旅游 tourism",
    "7": "宗教 religious affairs",
    "8": "工会 trade unions",
    "9": "工商 market regulation",
    "A": "中央军委改革和编制办公室 military establishment",
    "N": "农业 agriculture",
    "Y": "其他 other",
}
"""登记管理部门代码 — the first character of a credit code."""

ORGANIZATION_TYPES: Mapping[str, str] = {
    "11": "机关 government organ",
    "12": "事业单位 public institution",
    "13": "群众团体 mass organization",
    "19": "其他 other",
    "51": "社会团体 social organization",
    "52": "民办非企业单位 private non-enterprise unit",
    "53": "基金会 foundation",
    "59": "其他 other",
    "91": "企业 enterprise",
    "92": "个体工商户 individual business",
    "93": "农民专业合作社 farmers' cooperative",
}
"""机构类别代码 — the well-known (authority, type) pairs, for display only."""


def _credit_error(reason: str) -> InvalidIdentifierError:
    return InvalidIdentifierError("credit_code", reason)


def credit_code_check_character(first17: str) -> str:
    """GB 32100 check character: 31 - Σ value·3^i mod 31 (31 → 0), over the first 17 characters."""
    if len(first17) != 17 or any(char not in CREDIT_ALPHABET for char in first17):
        raise ValueError("needs exactly 17 characters of the credit-code alphabet")
    remainder = weighted(first17, _CREDIT_WEIGHTS, CREDIT_ALPHABET.index) % 31
    return CREDIT_ALPHABET[(31 - remainder) % 31]


def organization_code_check_character(first8: str) -> str:
    """GB 11714 check character of an organization code: 11 - Σ value·w mod 11 (10 → X, 11 → 0)."""
    if not re.fullmatch(r"[0-9A-Z]{8}", first8):
        raise ValueError("needs exactly 8 digits or capital letters")
    remainder = weighted(first8, _ORG_CODE_WEIGHTS, lambda char: int(char, 36)) % 11
    return "0123456789X"[(11 - remainder) % 11]


def _credit_shape(text: str) -> None:
    if len(text) != 18:
        raise _credit_error(f"must have 18 characters, got {len(text)}")
    for position, char in enumerate(text, start=1):
        if char not in CREDIT_ALPHABET:
            raise _credit_error(f"character {char!r} at position {position} is not allowed")
    if not text[2:8].isdigit():
        raise _credit_error("the registration region (characters 3–8) must be 6 digits")


def _credit_checks(text: str) -> None:
    expected = credit_code_check_character(text[:17])
    if text[17] != expected:
        raise _credit_error(f"check character is {text[17]!r}, expected {expected!r}")
    inner = organization_code_check_character(text[8:16])
    if text[16] != inner:
        raise _credit_error(
            f"organization-code check character is {text[16]!r}, expected {inner!r}"
        )


def parse_credit_code(value: str) -> str:
    """Validate a 统一社会信用代码 and return it in capitals."""
    text = clean(value).upper()
    _credit_shape(text)
    _credit_checks(text)
    return text


CreditCode = Annotated[
    str,
    identifier_validator("credit_code", parse_credit_code),
    *schemas(
        r"^\s*[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{18}\s*$",
        r"^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$",
        "统一社会信用代码 — unified social credit code (GB 32100-2015), 18 characters with "
        "check characters for the organization code and the whole.",
    ),
]
"""统一社会信用代码 — validated, in capitals."""
