"""标识号 — identifier types that validate for real: 公民身份号码, 统一社会信用代码, 案号.

Each is an `Annotated[str, ...]` usable as a pydantic field type: it validates, normalizes, and
names the reason when it refuses a value. The plain functions (`parse_resident_id`,
`parse_credit_code`, `parse_case_number`) do the same outside pydantic and raise
`InvalidIdentifierError`.

Validation is a pure function of the string — no clock — so a value accepted once is accepted for
ever and replaying the log never rejects what was recorded. Whether a birth date or a case year lies
in the future is for the domain, which is given `now`.

Input is NFKC-normalized first, so full-width digits and letters (`４１０４…`) are accepted, and
whitespace is removed.

Modules: `resident` (公民身份号码), `credit` (统一社会信用代码, GB 11714 organization code),
`case_number` with `court` and `case_types` (案号), `identification`, `masking`, `regions`, `errors`.
"""

from __future__ import annotations

from contracts.ids.case_number import (
    CASE_YEARS,
    CaseNumber,
    CaseNumberParts,
    normalize_case_number,
    parse_case_number,
)
from contracts.ids.case_types import CASE_TYPE_CODES, CASE_TYPES
from contracts.ids.court import COURT_PREFIXES, SUPREME_COURT, CourtCode, parse_court_code
from contracts.ids.credit import (
    CREDIT_ALPHABET,
    ORGANIZATION_TYPES,
    REGISTRATION_AUTHORITIES,
    CreditCode,
    credit_code_check_character,
    organization_code_check_character,
    parse_credit_code,
)
from contracts.ids.errors import LABELS, IdKind, InvalidIdentifierError
from contracts.ids.identification import UNKNOWN_REASON, Details, IdentifyResult, identify
from contracts.ids.masking import MaskedId, mask_id, unmasked
from contracts.ids.regions import PROVINCES, RESIDENT_PROVINCE_CODES
from contracts.ids.resident import (
    ResidentId,
    age_on,
    birth_date,
    parse_resident_id,
    resident_id_check_character,
    sex,
)

__all__ = [
    "CASE_TYPES",
    "CASE_TYPE_CODES",
    "CASE_YEARS",
    "COURT_PREFIXES",
    "CREDIT_ALPHABET",
    "LABELS",
    "ORGANIZATION_TYPES",
    "PROVINCES",
    "REGISTRATION_AUTHORITIES",
    "RESIDENT_PROVINCE_CODES",
    "SUPREME_COURT",
    "UNKNOWN_REASON",
    "CaseNumber",
    "CaseNumberParts",
    "CourtCode",
    "CreditCode",
    "Details",
    "IdKind",
    "IdentifyResult",
    "InvalidIdentifierError",
    "MaskedId",
    "ResidentId",
    "age_on",
    "birth_date",
    "credit_code_check_character",
    "identify",
    "mask_id",
    "normalize_case_number",
    "organization_code_check_character",
    "parse_case_number",
    "parse_court_code",
    "parse_credit_code",
    "parse_resident_id",
    "resident_id_check_character",
    "sex",
    "unmasked",
]
