"""法院代字 — the court code in case numbers: 最高法, 豫, 豫03, 豫0482."""

from __future__ import annotations

import re
from typing import Annotated

from contracts.ids._fields import identifier_validator, schemas
from contracts.ids._text import clean
from contracts.ids.errors import InvalidIdentifierError
from contracts.ids.regions import PROVINCES

SUPREME_COURT = "最高法"
"""Court code of the Supreme People's Court 最高人民法院."""

COURT_PREFIXES = frozenset(PROVINCES.values()) | {"兵", "军"}
"""First character of every court code but the Supreme Court's: a province, 兵 for the courts
of the Xinjiang Production and Construction Corps, or 军 for the military courts."""

COURT_PATTERN = f"(最高法|[{''.join(sorted(COURT_PREFIXES))}]([0-9]{{2}}){{0,2}})"
"""Regular expression (a group) matching any court code."""


def checked_court_code(prefix: str, digits: str, kind: str = "case_number") -> str:
    """The court code `prefix + digits`, or an `InvalidIdentifierError` of `kind` saying why."""
    if prefix not in COURT_PREFIXES:
        reason = f"unknown court code {prefix + digits!r}: {prefix!r} is not a province"
        raise InvalidIdentifierError(kind, reason)
    if len(digits) not in (0, 2, 4):
        reason = f"court code {prefix + digits!r} must have 0, 2 or 4 digits"
        raise InvalidIdentifierError(kind, reason)
    return prefix + digits


def parse_court_code(value: str) -> str:
    """Validate a 法院代字: 最高法, or a province character followed by 0, 2 or 4 digits."""
    text = clean(value)
    if text == SUPREME_COURT:
        return text
    match = re.fullmatch(r"([^0-9])([0-9]*)", text)
    if match is None:
        raise InvalidIdentifierError("court_code", f"{text!r} is not a court code")
    return checked_court_code(match[1], match[2], kind="court_code")


CourtCode = Annotated[
    str,
    identifier_validator("court_code", parse_court_code),
    *schemas(
        rf"^\s*{COURT_PATTERN}\s*$",
        f"^{COURT_PATTERN}$",
        "法院代字 — court code used in case numbers: 最高法, or a province character and 0, 2 "
        "or 4 digits.",
    ),
]
"""法院代字 — the court code in case numbers: 最高法, 豫, 豫03, 豫0482."""
