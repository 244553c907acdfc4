"""The journal's fast canonical path gives the reference package's bytes, for any input."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.ledger.domain import canonical_body, reference_canonical_body

# Every code point, surrogates and characters outside the BMP included.
ANY_CHARACTER = st.characters(codec=None, categories=None)
KEYS = st.text(ANY_CHARACTER, max_size=4) | st.sampled_from(["a", "b", "\ue000", "\U0001f600"])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.integers(min_value=-(2**53) - 2, max_value=2**53 + 2)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(ANY_CHARACTER, max_size=12)
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=20,
)


def written(value: Any, ascii_only: bool) -> bytes:
    """The value as a sender's JSON library may write it: escaped or not, spaced or not."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    return text.encode("utf-8", "surrogatepass")


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(VALUES, st.booleans())
def test_the_fast_path_writes_the_reference_bytes_for_any_json(
    value: Any, ascii_only: bool
) -> None:
    raw = written(value, ascii_only)
    assert canonical_body(raw)[0] == reference_canonical_body(raw)[0]


@settings(max_examples=300)
@given(st.binary(max_size=64))
def test_the_fast_path_writes_the_reference_bytes_for_any_bytes(raw: bytes) -> None:
    assert canonical_body(raw)[0] == reference_canonical_body(raw)[0]


def test_keys_outside_the_bmp_are_ordered_by_utf16_as_rfc_8785_says() -> None:
    # U+1F600 is D83D DE00 in UTF-16, before U+E000; in code points it comes after.
    raw = json.dumps({"\ue000": 1, "\U0001f600": 2}, ensure_ascii=False).encode()
    assert canonical_body(raw)[0] == '{"\U0001f600":2,"\ue000":1}'.encode()


def test_floats_and_large_integers_are_written_as_rfc_8785_says() -> None:
    assert canonical_body(b'{"b":1.0,"a":1e21}')[0] == b'{"a":1e+21,"b":1}'
    assert canonical_body(b"[9007199254740993]")[0] == b"[9007199254740993]"  # refused: as is


def test_a_typical_message_takes_the_fast_path_and_is_sorted_and_compact() -> None:
    raw = '{"envelope": {"type": "t", "case_number": "（2025）豫03执1号"}, "data": {"n": 3}}'
    assert canonical_body(raw.encode())[0] == (
        '{"data":{"n":3},"envelope":{"case_number":"（2025）豫03执1号","type":"t"}}'.encode()
    )
