"""标识号 — resident ids, credit codes and case numbers validate for real."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from contracts.base import Contract
from contracts.ids import (
    CASE_TYPE_CODES,
    CASE_TYPES,
    COURT_PREFIXES,
    CREDIT_ALPHABET,
    RESIDENT_PROVINCE_CODES,
    SUPREME_COURT,
    CaseNumber,
    CaseNumberParts,
    CourtCode,
    CreditCode,
    InvalidIdentifierError,
    MaskedId,
    ResidentId,
    age_on,
    birth_date,
    credit_code_check_character,
    identify,
    mask_id,
    normalize_case_number,
    organization_code_check_character,
    parse_case_number,
    parse_court_code,
    parse_credit_code,
    parse_resident_id,
    resident_id_check_character,
    sex,
)
from contracts.ids.case_types import LEGACY_CASE_TYPES, SPECIAL_TRIAL_CODES


def _with_check(first17: str) -> str:
    return first17 + resident_id_check_character(first17)


# GB 11643-1999's own example, and a man born on 29 February.
GB_SAMPLE = "11010519491231002X"
LEAP_BORN = _with_check("41048220000229001")

# Published codes of real organizations: enterprises, individual businesses (92), government organs
# (11), public institutions (12), social organizations (51, 52).
REAL_CREDIT_CODES = [
    "91350100M000100Y43",
    "91330100799655058B",
    "9144030071526726XG",
    "914403001922038216",
    "91110000802100433B",
    "91110108551385082Q",
    "91440300708461136T",
    "112302070019030687",
    "121526004609138637",
    "1134082855783407XL",
    "91341000MA2N0ABGXX",
    "92510100MA61WJ3204",
    "52610500MJU60350X1",
    "51100000500019541K",
    "11991000010647510A",
]


class Party(Contract):
    """当事人 — a test model carrying every identifier type."""

    resident_id: ResidentId
    """公民身份号码."""
    credit_code: CreditCode
    """统一社会信用代码."""
    case_number: CaseNumber | None = None
    """案号."""
    court_code: CourtCode | None = None
    """法院代字."""


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(sorted(RESIDENT_PROVINCE_CODES)))
    region = province + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    born = draw(st.dates(date(1900, 1, 1), date(2099, 12, 31)))
    sequence = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return _with_check(region + born.strftime("%Y%m%d") + sequence)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    alphabet = st.sampled_from(CREDIT_ALPHABET)
    head = draw(alphabet) + draw(alphabet) + draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    body = "".join(draw(st.lists(alphabet, min_size=8, max_size=8)))
    first17 = head + body + organization_code_check_character(body)
    return first17 + credit_code_check_character(first17)


court_codes = st.one_of(
    st.just(SUPREME_COURT),
    st.builds(
        lambda prefix, digits: prefix + digits,
        st.sampled_from(sorted(COURT_PREFIXES)),
        st.sampled_from(["", "03", "0482", "71", "0311"]),
    ),
)

case_parts = st.builds(
    CaseNumberParts,
    year=st.integers(1949, 2099),
    court_code=court_codes,
    case_type=st.sampled_from(sorted(CASE_TYPE_CODES)),
    sequence=st.integers(1, 10**6),
    special_trial=st.sampled_from(["", *sorted(SPECIAL_TRIAL_CODES)]),
)

BRACKETS = [("(", ")"), ("（", "）"), ("〔", "〕")]


def _written(parts: CaseNumberParts, brackets: tuple[str, str]) -> str:
    opening, closing = brackets
    body = f"{parts.court_code}{parts.special_trial}{parts.case_type}{parts.sequence}号"
    return f"{opening}{parts.year}{closing}{body}"


def _substitutions(value: str, alphabet: str) -> list[str]:
    return [
        value[:i] + char + value[i + 1 :]
        for i in range(len(value))
        for char in alphabet
        if char != value[i]
    ]


# --- resident ids -------------------------------------------------------------------------------


def test_gb_11643_sample_is_valid() -> None:
    assert parse_resident_id(GB_SAMPLE) == GB_SAMPLE
    assert resident_id_check_character(GB_SAMPLE[:17]) == "X"


def test_lowercase_x_is_normalized_to_capital() -> None:
    assert parse_resident_id(GB_SAMPLE.lower()) == GB_SAMPLE


def test_full_width_digits_and_spaces_are_accepted() -> None:
    assert parse_resident_id(" １１０１０５１９４９１２３１００２Ｘ ") == GB_SAMPLE


def test_legacy_fifteen_digit_id_is_upgraded_to_eighteen() -> None:
    assert parse_resident_id("110105491231002") == GB_SAMPLE


def test_resident_id_with_wrong_check_character_is_rejected() -> None:
    with pytest.raises(InvalidIdentifierError, match="check character is '1', expected 'X'"):
        parse_resident_id(GB_SAMPLE[:17] + "1")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1101051949123100", "must have 18 characters (15 in the legacy form), got 16"),
        ("1101051949123A002X", "only digits are allowed"),
        (_with_check("99010519491231002"), "unknown province code '99'"),
        (_with_check("11010519490230002"), "not a real date"),
        (_with_check("11010518991231002"), "birth year is out of range"),
    ],
)
def test_malformed_resident_id_is_rejected_with_its_reason(value: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifierError, match=re.escape(reason)):
        parse_resident_id(value)


def test_reasons_never_echo_the_resident_id() -> None:
    with pytest.raises(InvalidIdentifierError) as caught:
        parse_resident_id(_with_check("11010519490230002"))
    assert "19490230" not in str(caught.value)


def test_birth_date_sex_and_age_are_read_from_the_id() -> None:
    assert birth_date(GB_SAMPLE) == date(1949, 12, 31)
    assert sex(GB_SAMPLE) == "female"
    assert sex(LEAP_BORN) == "male"
    assert age_on(GB_SAMPLE, date(2019, 12, 30)) == 69
    assert age_on(GB_SAMPLE, date(2019, 12, 31)) == 70


def test_someone_born_on_29_february_comes_of_age_on_1_march() -> None:
    assert age_on(LEAP_BORN, date(2018, 2, 28)) == 17
    assert age_on(LEAP_BORN, date(2018, 3, 1)) == 18


@given(resident_ids())
def test_generated_resident_ids_validate_and_round_trip(value: str) -> None:
    assert parse_resident_id(value) == value
    assert parse_resident_id(value.lower()) == value
    assert Party(resident_id=value, credit_code=REAL_CREDIT_CODES[0]).resident_id == value


@given(resident_ids())
def test_any_single_character_change_in_a_resident_id_is_detected(value: str) -> None:
    for changed in _substitutions(value, "0123456789X"):
        with pytest.raises(InvalidIdentifierError):
            parse_resident_id(changed)


# --- masking ------------------------------------------------------------------------------------


def test_mask_keeps_first_six_and_last_four() -> None:
    assert mask_id("410482199001011234") == "410482********1234"
    assert mask_id("110105491231002") == "110105*****1002"
    assert mask_id("4104821990") == "**********"


def test_masked_id_is_whole_as_data_and_masked_when_shown() -> None:
    value = MaskedId(GB_SAMPLE)
    assert value == GB_SAMPLE
    assert hash(value) == hash(GB_SAMPLE)
    assert value.unmasked == GB_SAMPLE and type(value.unmasked) is str
    assert str(value) == f"{value}" == "110105********002X"
    assert f"{value:>20}" == "  110105********002X"
    assert repr(value) == "'110105********002X'"
    assert json.dumps(value) == f'"{GB_SAMPLE}"'


def test_a_model_shows_the_resident_id_masked_but_sends_it_whole() -> None:
    party = Party(resident_id=GB_SAMPLE, credit_code=REAL_CREDIT_CODES[0])
    assert GB_SAMPLE not in repr(party) and GB_SAMPLE not in str(party)
    assert json.loads(party.model_dump_json())["resident_id"] == GB_SAMPLE
    assert party.model_dump(mode="json")["resident_id"] == GB_SAMPLE
    assert Party.model_validate_json(party.model_dump_json()) == party


# --- credit codes -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_real_credit_codes_are_valid(code: str) -> None:
    assert parse_credit_code(code) == code
    assert credit_code_check_character(code[:17]) == code[17]
    assert organization_code_check_character(code[8:16]) == code[16]


def test_lowercase_credit_code_is_normalized_to_capitals() -> None:
    assert parse_credit_code("91350100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("91350100M000100Y4", "must have 18 characters, got 17"),
        ("91350100M0001OOY43", "character 'O' at position 14 is not allowed"),
        ("9135A100M000100Y43", "registration region"),
        ("91350100M000100Y44", "check character is '4', expected '3'"),
    ],
)
def test_malformed_credit_code_is_rejected_with_its_reason(value: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifierError, match=re.escape(reason)):
        parse_credit_code(value)


def test_credit_code_with_a_broken_organization_code_is_rejected() -> None:
    first17 = "91350100M000100Y5"
    with pytest.raises(InvalidIdentifierError, match="organization-code check character"):
        parse_credit_code(first17 + credit_code_check_character(first17))


@given(credit_codes())
def test_generated_credit_codes_validate_and_round_trip(value: str) -> None:
    assert parse_credit_code(value) == value
    assert parse_credit_code(value.lower()) == value


@given(credit_codes())
def test_any_single_character_change_in_a_credit_code_is_detected(value: str) -> None:
    for changed in _substitutions(value, CREDIT_ALPHABET):
        with pytest.raises(InvalidIdentifierError):
            parse_credit_code(changed)


# --- case numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "canonical", "parts"),
    [
        ("(2022)豫0482执1234号", "（2022）豫0482执1234号", (2022, "豫0482", "执", 1234)),
        ("（2023）豫03破申5号", "（2023）豫03破申5号", (2023, "豫03", "破申", 5)),
        ("〔2021〕豫0311执恢88号", "（2021）豫0311执恢88号", (2021, "豫0311", "执恢", 88)),
        ("(2022)豫03行初0012号", "（2022）豫03行初12号", (2022, "豫03", "行初", 12)),
        ("(2020)最高法民终12号", "（2020）最高法民终12号", (2020, "最高法", "民终", 12)),
        (" ( 2019 ) 京 民 终 7 号 ", "（2019）京民终7号", (2019, "京", "民终", 7)),
    ],
)
def test_real_case_numbers_parse_into_parts(
    value: str, canonical: str, parts: tuple[int, str, str, int]
) -> None:
    parsed = parse_case_number(value)
    assert (parsed.year, parsed.court_code, parsed.case_type, parsed.sequence) == parts
    assert parsed.canonical == canonical


def test_a_special_trial_code_stands_between_court_and_case_type() -> None:
    parsed = parse_case_number("(2019)最高法知民终1号")
    assert (parsed.court_code, parsed.special_trial, parsed.case_type) == ("最高法", "知", "民终")
    assert parsed.canonical == "（2019）最高法知民终1号"
    assert parse_case_number("（2022）豫0482执1234号").special_trial == ""


@pytest.mark.parametrize(
    ("code", "meaning"),
    [
        ("清申", "强制清算申请审查"), ("清终", "强制清算上诉"), ("清监", "强制清算监督"),
        ("行保", "非诉行为保全审查"), ("行保复", "非诉行为保全复议"), ("证保", "非诉证据保全"),
        ("司惩", "司法制裁审查"), ("司惩复", "司法制裁复议"), ("司救执", "执行司法救助"),
        ("破", "清算、重整、和解"),
    ],
)  # fmt: skip
def test_case_types_follow_the_current_standard(code: str, meaning: str) -> None:
    assert meaning in CASE_TYPES[code]
    assert parse_case_number(f"(2024)豫03{code}7号").case_type == code


@pytest.mark.parametrize("code", ["强清申", "强清终"])
def test_the_pre_2016_liquidation_codes_are_no_longer_accepted(code: str) -> None:
    with pytest.raises(InvalidIdentifierError, match="unknown case-type code"):
        parse_case_number(f"(2024)豫03{code}7号")


def test_the_enforcement_referral_code_is_only_legacy() -> None:
    assert "执请" in LEGACY_CASE_TYPES
    assert "legacy" in CASE_TYPES["执请"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("(1899)豫03执1号", "year 1899 is out of range"),
        ("(22)豫03执1号", "year 22 is out of range"),
        ("(2022)豫03X12号", "unknown case-type code 'X'"),
        ("(2022)豫033执12号", "court code '豫033' must have 0, 2 or 4 digits"),
        ("(2022)蒙01民初1号", "'蒙' is not a province"),
        ("(2022)豫03执12", "must end with 号"),
        ("2022豫03执12号", "must start with the year in brackets"),
        ("(2022)豫03执号", "must end with the sequence number"),
        ("(2022)豫03执0号", "sequence number must be at least 1"),
    ],
)
def test_malformed_case_number_is_rejected_with_its_reason(value: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifierError, match=re.escape(reason)):
        parse_case_number(value)


@given(case_parts, st.sampled_from(BRACKETS))
def test_generated_case_numbers_validate_and_round_trip(
    parts: CaseNumberParts, brackets: tuple[str, str]
) -> None:
    assert parse_case_number(_written(parts, brackets)) == parts


@given(case_parts)
def test_every_bracket_style_normalizes_to_the_same_case_number(parts: CaseNumberParts) -> None:
    assert {normalize_case_number(_written(parts, pair)) for pair in BRACKETS} == {parts.canonical}


@given(case_parts, st.sampled_from(BRACKETS))
def test_case_number_normalization_is_idempotent(
    parts: CaseNumberParts, brackets: tuple[str, str]
) -> None:
    once = normalize_case_number(_written(parts, brackets))
    assert normalize_case_number(once) == once


def test_court_codes_are_validated_alone() -> None:
    assert parse_court_code("豫0482") == "豫0482"
    assert parse_court_code(SUPREME_COURT) == SUPREME_COURT
    with pytest.raises(InvalidIdentifierError, match="法院代字"):
        parse_court_code("豫3")


# --- pydantic -----------------------------------------------------------------------------------


def test_model_fields_validate_and_normalize() -> None:
    party = Party(
        resident_id=GB_SAMPLE.lower(),
        credit_code="91350100m000100y43",
        case_number="(2022)豫0482执1234号",
        court_code="豫03",
    )
    assert party.resident_id == GB_SAMPLE and isinstance(party.resident_id, MaskedId)
    assert party.credit_code == "91350100M000100Y43"
    assert party.case_number == "（2022）豫0482执1234号"


def test_model_errors_name_the_field_and_the_reason() -> None:
    with pytest.raises(ValidationError) as caught:
        Party(
            resident_id=GB_SAMPLE, credit_code=REAL_CREDIT_CODES[0], case_number="(1899)豫03执1号"
        )
    (error,) = caught.value.errors()
    assert error["loc"] == ("case_number",)
    assert error["type"] == "invalid_case_number"
    assert error["msg"] == "案号 case number: year 1899 is out of range (1949–2099)"


def test_json_schema_has_patterns_and_keeps_field_docstrings() -> None:
    accepted = Party.model_json_schema()["properties"]
    sent = Party.model_json_schema(mode="serialization")["properties"]
    assert accepted["resident_id"]["description"] == "公民身份号码."
    assert "Xx" in accepted["resident_id"]["pattern"]
    assert sent["resident_id"]["pattern"] == "^[0-9]{17}[0-9X]$"
    assert sent["case_number"]["anyOf"][0]["pattern"].startswith("^（")
    assert accepted["credit_code"]["pattern"]


# --- identify -----------------------------------------------------------------------------------


def test_identify_recognises_a_valid_resident_id_without_its_birth_date() -> None:
    result = identify(GB_SAMPLE)
    assert (result.kind, result.valid, result.normalized) == ("resident_id", True, GB_SAMPLE)
    assert result.details == {"region": "110105", "sex": "female"}


def test_identify_recognises_credit_codes_even_when_all_digits() -> None:
    result = identify("112302070019030687")
    assert (result.kind, result.valid) == ("credit_code", True)
    assert result.details["organization_type"] == "机关 government organ"


def test_identify_gives_case_number_parts() -> None:
    result = identify("(2022)豫0482执1234号")
    assert result.normalized == "（2022）豫0482执1234号"
    assert result.details["court_code"] == "豫0482" and result.details["sequence"] == 1234


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("410482199001011234", "resident_id"),
        ("41048219900101123", "resident_id"),
        ("91350100M000100Y44", "credit_code"),
        ("(2022)豫03X12号", "case_number"),
        ("hello", "unknown"),
        ("", "unknown"),
    ],
)
def test_identify_says_why_an_invalid_value_fails(value: str, kind: str) -> None:
    result = identify(value)
    assert (result.kind, result.valid, result.normalized) == (kind, False, None)
    assert result.reason


def test_identify_names_the_special_trial_character() -> None:
    details = identify("（2019）最高法知民终1号").details
    assert (details["special_trial"], details["case_type"]) == ("知", "民终")
    assert identify("(2022)豫0482执1234号").details["special_trial"] == ""


def test_a_military_court_code_is_a_court_code() -> None:
    assert parse_case_number("（2023）军01执5号").court_code == "军01"
    assert parse_court_code("军") == "军" and parse_court_code("军01") == "军01"
    with pytest.raises(InvalidIdentifierError, match="not a province"):
        parse_court_code("海01")


def test_a_sequence_number_of_thousands_of_digits_is_refused_by_name() -> None:
    with pytest.raises(InvalidIdentifierError, match="more than 8 digits"):
        parse_case_number("（2022）豫0482执" + "9" * 5000 + "号")
    assert parse_case_number("（2022）豫0482执" + "0" * 20 + "12345678号").sequence == 12345678
