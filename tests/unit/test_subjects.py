"""Subject rules: ASCII tokens, the organization last, no case numbers or personal ids."""

from __future__ import annotations

import pytest

from contracts import catalog
from contracts.subjects import commands, notices_for, split, stream_name, subject


def test_a_subject_is_the_type_with_the_organization_appended() -> None:
    s = subject("enforcement.command.register_case.v1", "CT410482")
    assert s == "enforcement.command.register_case.v1.CT410482"
    assert split(s) == ("enforcement.command.register_case.v1", "CT410482")


@pytest.mark.parametrize("org", ["洛阳中院", "CT.410300", "CT 410300", "（2022）豫0482执1234号"])
def test_a_subject_token_must_be_plain_ascii(org: str) -> None:
    with pytest.raises(ValueError, match="token"):
        subject("enforcement.command.register_case.v1", org)


def test_patterns_put_the_organization_where_permissions_can_see_it() -> None:
    assert commands("enforcement") == "enforcement.command.*.*.*"
    assert notices_for("enforcement", "NR410300") == "enforcement.notice.*.*.NR410300"


def test_stream_names_hold_no_dots() -> None:
    assert "." not in stream_name("enforcement")


def test_every_registered_type_makes_an_ascii_subject() -> None:
    for message_type in catalog.public():
        assert subject(message_type, "FUYUAN").isascii()
