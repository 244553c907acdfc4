"""当事人 — parties to an enforcement case, and amounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from contracts.base import Contract
from contracts.ids import CreditCode, ResidentId, unmasked

Yuan = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
"""An amount in yuan (元), two decimal places."""


class Person(Contract):
    """自然人 — a natural person party."""

    kind: Literal["person"] = "person"
    name: str = Field(min_length=1, max_length=100)
    """姓名 — full name."""
    id_number: ResidentId
    """公民身份号码 — resident ID number; masked whenever logged or shown."""


class Organization(Contract):
    """法人或其他组织 — an organization party."""

    kind: Literal["organization"] = "organization"
    name: str = Field(min_length=1, max_length=200)
    """名称 — registered name."""
    credit_code: CreditCode
    """统一社会信用代码 — unified social credit code."""
    legal_representative: str | None = Field(default=None, max_length=100)
    """法定代表人 — legal representative's name."""


Party = Annotated[Person | Organization, Field(discriminator="kind")]


def party_id(party: Person | Organization) -> str:
    """The identifier that names a party: ID number or credit code, as a plain string (a
    resident id's `str` is masked; this is the full value, for keys and lookups)."""
    if isinstance(party, Person):
        return unmasked(party.id_number)
    return party.credit_code
