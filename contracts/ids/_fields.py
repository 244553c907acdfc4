"""Pydantic glue: turn a parse function into a field validator with accepted/canonical schemas."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from contracts.ids.errors import LABELS, InvalidIdentifierError


def identifier_validator(kind: str, parse: Callable[[str], str]) -> AfterValidator:
    """Run `parse`, reporting an `InvalidIdentifierError` as a pydantic `invalid_<kind>` error.
    The parses are pure and the same ids come again and again (a case's number in every message
    of the case): the last ones parsed are kept (errors are not, they are raised each time)."""
    cached = functools.lru_cache(maxsize=4096)(parse)

    def validate(value: str) -> str:
        try:
            return cached(value)
        except InvalidIdentifierError as error:
            raise PydanticCustomError(
                f"invalid_{kind}",
                "{label}: {reason}",
                {"label": LABELS[kind], "reason": error.reason},
            ) from None

    return AfterValidator(validate)


def schemas(accepted: str, canonical: str, description: str) -> tuple[WithJsonSchema, ...]:
    """JSON schemas: the `accepted` pattern for validation, the `canonical` one for output."""

    def schema(pattern: str) -> dict[str, Any]:
        return {"type": "string", "pattern": pattern, "description": description}

    return (
        WithJsonSchema(schema(accepted), mode="validation"),
        WithJsonSchema(schema(canonical), mode="serialization"),
    )
