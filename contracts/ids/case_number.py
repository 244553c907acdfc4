"""案号 — case number: `（2022）豫0482执1234号` is year, court code, case-type code and sequence;
since 2019 a 专门审判代字 may stand between the court code and the type (`（2019）最高法知民终1号`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from contracts.ids._fields import identifier_validator, schemas
from contracts.ids._text import clean
from contracts.ids.case_types import CASE_TYPE_CODES, SPECIAL_TRIAL_CODES
from contracts.ids.court import COURT_PATTERN, SUPREME_COURT, checked_court_code
from contracts.ids.errors import InvalidIdentifierError

CASE_YEARS = range(1949, 2100)
"""收案年度 — the years a case number may carry."""

MAX_SEQUENCE_DIGITS = 8
"""A serial number within one court, year and case type: far below a hundred million."""
_CASE_SHAPE = re.compile(r"[(〔](?P<year>[0-9]+)[)〕](?P<middle>.+?)(?P<sequence>[0-9]+)号")
_COURT = re.compile(r"(?P<prefix>[^0-9])(?P<digits>[0-9]*)(?P<case_type>[^0-9]+)")


def _case_error(reason: str) -> InvalidIdentifierError:
    return InvalidIdentifierError("case_number", reason)


@dataclass(frozen=True)
class CaseNumberParts:
    """案号的组成 — the parts of a case number."""

    year: int
    court_code: str
    case_type: str
    sequence: int
    special_trial: str = ""
    """专门审判代字, e.g. 知; empty when the number has none."""

    @property
    def canonical(self) -> str:
        """The canonical form, full-width brackets: `（2022）豫0482执1234号`."""
        middle = f"{self.court_code}{self.special_trial}{self.case_type}"
        return f"（{self.year}）{middle}{self.sequence}号"


def _split_middle(middle: str) -> tuple[str, str]:
    if middle.startswith(SUPREME_COURT):
        return SUPREME_COURT, middle.removeprefix(SUPREME_COURT)
    match = _COURT.fullmatch(middle)
    if match is None:
        raise _case_error(f"cannot find court code and case type in {middle!r}")
    return checked_court_code(match["prefix"], match["digits"]), match["case_type"]


def _split_special(codes: str) -> tuple[str, str]:
    """(专门审判代字, 类型代字): the first character is a special-trial code only when what
    follows it is a case type."""
    if codes[:1] in SPECIAL_TRIAL_CODES and codes[1:] in CASE_TYPE_CODES:
        return codes[0], codes[1:]
    return "", codes


def _case_shape(text: str) -> re.Match[str]:
    if not text.endswith("号"):
        raise _case_error("must end with 号")
    if not re.match(r"[(〔][0-9]+[)〕]", text):
        raise _case_error("must start with the year in brackets, e.g. （2022）")
    match = _CASE_SHAPE.fullmatch(text)
    if match is None:
        raise _case_error("must end with the sequence number and 号, e.g. 执1234号")
    return match


def _year(text: str) -> int:
    year = int(text)
    if len(text) != 4 or year not in CASE_YEARS:
        raise _case_error(f"year {text} is out of range ({CASE_YEARS[0]}–{CASE_YEARS[-1]})")
    return year


def _case_type(code: str) -> str:
    if code not in CASE_TYPE_CODES:
        raise _case_error(f"unknown case-type code {code!r}")
    return code


def _sequence(text: str) -> int:
    # Checked before int(): a court's serial never runs to more than a few digits, and Python
    # refuses to convert strings of over 4,300 digits at all.
    if len(text.lstrip("0")) > MAX_SEQUENCE_DIGITS:
        raise _case_error(f"sequence number has more than {MAX_SEQUENCE_DIGITS} digits")
    if int(text) == 0:
        raise _case_error("sequence number must be at least 1")
    return int(text)


def parse_case_number(value: str) -> CaseNumberParts:
    """Parse a 案号 written with ( ), （ ） or 〔 〕 brackets, with or without leading zeros."""
    match = _case_shape(clean(value).replace("〔", "(").replace("〕", ")"))
    court_code, codes = _split_middle(match["middle"])
    special, case_type = _split_special(codes)
    return CaseNumberParts(
        year=_year(match["year"]),
        court_code=court_code,
        case_type=_case_type(case_type),
        sequence=_sequence(match["sequence"]),
        special_trial=special,
    )


def normalize_case_number(value: str) -> str:
    """The canonical form of a 案号: full-width （ ）, no leading zeros in the sequence."""
    return parse_case_number(value).canonical


CaseNumber = Annotated[
    str,
    identifier_validator("case_number", normalize_case_number),
    *schemas(
        r"^\s*[(（〔]\s*[0-9]{4}\s*[)）〕].+[0-9]+号\s*$",
        rf"^（[0-9]{{4}}）{COURT_PATTERN}[^0-9]+[1-9][0-9]*号$",
        "案号 — case number, e.g. （2022）豫0482执1234号: year, court code, case-type code, "
        "sequence. Canonical form uses full-width brackets.",
    ),
]
"""案号 — validated and in canonical form `（2022）豫0482执1234号`."""
