"""身份号码掩码 — masking personal ids whenever they are shown."""

from __future__ import annotations


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


def unmasked(value: str) -> str:
    """The full value as a plain `str`, whether or not it is a `MaskedId`."""
    return str.__str__(value)
