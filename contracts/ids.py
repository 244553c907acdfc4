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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

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

PROVINCES: Mapping[str, str] = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "内", "21": "辽", "22": "吉",
    "23": "黑", "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣",
    "37": "鲁", "41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼",
    "50": "渝", "51": "川", "52": "黔", "53": "云", "54": "藏", "61": "陕", "62": "甘",
    "63": "青", "64": "宁", "65": "新",
}  # fmt: skip
"""省级行政区划 — the 31 provincial codes (first two digits of a division code) and the character
courts use for them in case numbers (Inner Mongolia's courts write 内, not 蒙)."""

RESIDENT_PROVINCE_CODES = frozenset(PROVINCES) | {"71", "81", "82", "83"}
"""Province codes a 公民身份号码 may start with: the 31 provinces, Taiwan (71) and the residence
permits of Hong Kong (81), Macao (82) and Taiwan (83) residents."""


def _clean(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def _weighted(text: str, weights: tuple[int, ...], value: Callable[[str], int]) -> int:
    return sum(value(char) * weight for char, weight in zip(text, weights, strict=True))


# --- 身份号码掩码 masking ------------------------------------------------------------------------


def mask_id(value: str) -> str:
    """Mask a personal id for display: keep the first 6 (region) and last 4, one `*` per hidden
    character, so `410482199001011234` → `410482********1234`; shorter than 15 → all `*`."""
    if len(value) < 15:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


class MaskedId(str):
    """A personal id that is whole as data and masked whenever shown.

    `repr`, `str` and `format` (f-strings, `%s`, logging, model reprs) give `mask_id(self)`;
    equality, hashing, slicing, `json.dumps`, pydantic JSON and database drivers see the full
    value. `.unmasked` gives the full value as a plain `str`.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(mask_id(self))

    def __str__(self) -> str:
        return mask_id(self)

    def __format__(self, spec: str) -> str:
        return format(mask_id(self), spec)

    @property
    def unmasked(self) -> str:
        return str.__str__(self)


# --- 公民身份号码 resident id (GB 11643-1999) -----------------------------------------------------

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
    return _RESIDENT_CHECK[_weighted(first17, _RESIDENT_WEIGHTS, int) % 11]


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
    text = _resident_shape(_clean(value).upper())
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


# --- 统一社会信用代码 credit code (GB 32100-2015) -------------------------------------------------

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
    remainder = _weighted(first17, _CREDIT_WEIGHTS, CREDIT_ALPHABET.index) % 31
    return CREDIT_ALPHABET[(31 - remainder) % 31]


def organization_code_check_character(first8: str) -> str:
    """GB 11714 check character of an organization code: 11 - Σ value·w mod 11 (10 → X, 11 → 0)."""
    if not re.fullmatch(r"[0-9A-Z]{8}", first8):
        raise ValueError("needs exactly 8 digits or capital letters")
    remainder = _weighted(first8, _ORG_CODE_WEIGHTS, lambda char: int(char, 36)) % 11
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
    text = _clean(value).upper()
    _credit_shape(text)
    _credit_checks(text)
    return text


# --- 案号 case number ---------------------------------------------------------------------------

CASE_TYPES: Mapping[str, str] = {
    "刑初": "刑事一审 criminal first instance",
    "刑终": "刑事二审 criminal appeal",
    "刑监": "刑事审判监督 criminal supervision",
    "刑申": "刑事申诉 criminal petition for retrial",
    "刑抗": "刑事抗诉再审 criminal protest retrial",
    "刑再": "刑事再审 criminal retrial",
    "刑核": "刑事复核 criminal review",
    "刑更": "减刑假释 commutation and parole",
    "刑医": "强制医疗 compulsory medical treatment",
    "刑辖": "刑事管辖 criminal jurisdiction",
    "刑他": "刑事其他 criminal other",
    "民初": "民事一审 civil first instance",
    "民终": "民事二审 civil appeal",
    "民监": "民事审判监督 civil supervision",
    "民申": "民事申请再审 civil petition for retrial",
    "民抗": "民事抗诉再审 civil protest retrial",
    "民再": "民事再审 civil retrial",
    "民撤": "第三人撤销之诉 third-party revocation",
    "民特": "民事特别程序 civil special procedure",
    "民催": "公示催告 public summons",
    "民督": "督促程序 payment order",
    "民辖": "民事管辖 civil jurisdiction",
    "民辖终": "民事管辖上诉 civil jurisdiction appeal",
    "民他": "民事其他 civil other",
    "行初": "行政一审 administrative first instance",
    "行终": "行政二审 administrative appeal",
    "行监": "行政审判监督 administrative supervision",
    "行申": "行政申请再审 administrative petition for retrial",
    "行抗": "行政抗诉再审 administrative protest retrial",
    "行再": "行政再审 administrative retrial",
    "行审": "非诉行政执行审查 review of administrative enforcement",
    "行审复": "非诉行政执行审查复议 reconsideration of that review",
    "行辖": "行政管辖 administrative jurisdiction",
    "行辖终": "行政管辖上诉 administrative jurisdiction appeal",
    "行他": "行政其他 administrative other",
    "财保": "非诉财产保全 pre-litigation property preservation",
    "行保": "行政非诉保全 administrative preservation",
    "执": "首次执行 enforcement",
    "执恢": "恢复执行 resumed enforcement",
    "执保": "财产保全执行 preservation enforcement",
    "执异": "执行异议 enforcement objection",
    "执复": "执行复议 enforcement reconsideration",
    "执监": "执行监督 enforcement supervision",
    "执协": "执行协调 enforcement coordination",
    "执请": "执行请示 enforcement referral",
    "执他": "执行其他 enforcement other",
    "破申": "破产申请审查 bankruptcy application review",
    "破": "破产 bankruptcy",
    "破终": "破产上诉 bankruptcy appeal",
    "破监": "破产监督 bankruptcy supervision",
    "强清申": "强制清算申请审查 compulsory liquidation application review",
    "强清": "强制清算 compulsory liquidation",
    "强清终": "强制清算上诉 compulsory liquidation appeal",
}
"""类型代字 — case-type codes and what they mean."""

CASE_TYPE_CODES = frozenset(CASE_TYPES)
"""The case-type codes a 案号 may carry."""

SUPREME_COURT = "最高法"
"""Court code of the Supreme People's Court 最高人民法院."""

COURT_PREFIXES = frozenset(PROVINCES.values()) | {"兵"}
"""First character of every court code but the Supreme Court's: a province, or 兵 for the courts
of the Xinjiang Production and Construction Corps."""

CASE_YEARS = range(1949, 2100)
"""收案年度 — the years a case number may carry."""

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

    @property
    def canonical(self) -> str:
        """The canonical form, full-width brackets: `（2022）豫0482执1234号`."""
        return f"（{self.year}）{self.court_code}{self.case_type}{self.sequence}号"


def _court_code(prefix: str, digits: str) -> str:
    if prefix not in COURT_PREFIXES:
        raise _case_error(f"unknown court code {prefix + digits!r}: {prefix!r} is not a province")
    if len(digits) not in (0, 2, 4):
        raise _case_error(f"court code {prefix + digits!r} must have 0, 2 or 4 digits")
    return prefix + digits


def parse_court_code(value: str) -> str:
    """Validate a 法院代字: 最高法, or a province character followed by 0, 2 or 4 digits."""
    text = _clean(value)
    match = re.fullmatch(r"([^0-9])([0-9]*)", text)
    if text == SUPREME_COURT:
        return text
    try:
        if match is None:
            raise _case_error(f"{text!r} is not a court code")
        return _court_code(match[1], match[2])
    except InvalidIdentifierError as error:
        raise InvalidIdentifierError("court_code", error.reason) from None


def _split_middle(middle: str) -> tuple[str, str]:
    if middle.startswith(SUPREME_COURT):
        return SUPREME_COURT, middle.removeprefix(SUPREME_COURT)
    match = _COURT.fullmatch(middle)
    if match is None:
        raise _case_error(f"cannot find court code and case type in {middle!r}")
    return _court_code(match["prefix"], match["digits"]), match["case_type"]


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
    if int(text) == 0:
        raise _case_error("sequence number must be at least 1")
    return int(text)


def parse_case_number(value: str) -> CaseNumberParts:
    """Parse a 案号 written with ( ), （ ） or 〔 〕 brackets, with or without leading zeros."""
    match = _case_shape(_clean(value).replace("〔", "(").replace("〕", ")"))
    court_code, case_type = _split_middle(match["middle"])
    return CaseNumberParts(
        year=_year(match["year"]),
        court_code=court_code,
        case_type=_case_type(case_type),
        sequence=_sequence(match["sequence"]),
    )


def normalize_case_number(value: str) -> str:
    """The canonical form of a 案号: full-width （ ）, no leading zeros in the sequence."""
    return parse_case_number(value).canonical


# --- pydantic field types -----------------------------------------------------------------------


def _field_validator(kind: str, parse: Callable[[str], str]) -> AfterValidator:
    def validate(value: str) -> str:
        try:
            return parse(value)
        except InvalidIdentifierError as error:
            raise PydanticCustomError(
                f"invalid_{kind}",
                "{label}: {reason}",
                {"label": LABELS[kind], "reason": error.reason},
            ) from None

    return AfterValidator(validate)


def _schemas(accepted: str, canonical: str, description: str) -> tuple[WithJsonSchema, ...]:
    def schema(pattern: str) -> dict[str, Any]:
        return {"type": "string", "pattern": pattern, "description": description}

    return (
        WithJsonSchema(schema(accepted), mode="validation"),
        WithJsonSchema(schema(canonical), mode="serialization"),
    )


_COURT_PATTERN = f"(最高法|[{''.join(sorted(COURT_PREFIXES))}]([0-9]{{2}}){{0,2}})"

ResidentId = Annotated[
    str,
    _field_validator("resident_id", parse_resident_id),
    *_schemas(
        r"^\s*([0-9]{17}[0-9Xx]|[0-9]{15})\s*$",
        r"^[0-9]{17}[0-9X]$",
        "公民身份号码 — resident id number, 18 characters with an ISO 7064 MOD 11-2 check "
        "character; a legacy 15-digit number is upgraded. Masked whenever displayed.",
    ),
]
"""公民身份号码 — validated, upper-case, 18 characters; the value is a `MaskedId`."""

CreditCode = Annotated[
    str,
    _field_validator("credit_code", parse_credit_code),
    *_schemas(
        r"^\s*[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{18}\s*$",
        r"^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$",
        "统一社会信用代码 — unified social credit code (GB 32100-2015), 18 characters with "
        "check characters for the organization code and the whole.",
    ),
]
"""统一社会信用代码 — validated, in capitals."""

CaseNumber = Annotated[
    str,
    _field_validator("case_number", normalize_case_number),
    *_schemas(
        r"^\s*[(（〔]\s*[0-9]{4}\s*[)）〕].+[0-9]+号\s*$",
        rf"^（[0-9]{{4}}）{_COURT_PATTERN}[^0-9]+[1-9][0-9]*号$",
        "案号 — case number, e.g. （2022）豫0482执1234号: year, court code, case-type code, "
        "sequence. Canonical form uses full-width brackets.",
    ),
]
"""案号 — validated and in canonical form `（2022）豫0482执1234号`."""

CourtCode = Annotated[
    str,
    _field_validator("court_code", parse_court_code),
    *_schemas(
        rf"^\s*{_COURT_PATTERN}\s*$",
        f"^{_COURT_PATTERN}$",
        "法院代字 — court code used in case numbers: 最高法, or a province character and 0, 2 "
        "or 4 digits.",
    ),
]
"""法院代字 — the court code in case numbers: 最高法, 豫, 豫03, 豫0482."""


# --- identify -----------------------------------------------------------------------------------

Details = dict[str, str | int]


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
    kind = _kind_of(_clean(value))
    if kind is None:
        return IdentifyResult(kind="unknown", valid=False, reason=UNKNOWN_REASON)
    result = _read(kind, value)
    if kind == "resident_id" and not result.valid and len(_clean(value)) == 18:
        as_credit = _read("credit_code", value)
        return as_credit if as_credit.valid else result
    return result


UNKNOWN_REASON = "not a 公民身份号码, 统一社会信用代码 or 案号"
