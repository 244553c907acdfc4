"""Bases for every message that crosses a service boundary: frozen, strict, documented."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, StringConstraints

OrgCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z][A-Z0-9]{2,31}$"),
]
"""组织代码 — organization code: ASCII capitals and digits, used unchanged as a subject token."""

TYPE_PATTERN = re.compile(
    r"^[a-z]+\.(command|event|notice|reply|rejection)\.[a-z][a-z0-9_]*\.v[1-9][0-9]*$"
)
KINDS = ("command", "event", "notice", "reply", "rejection")


class Contract(BaseModel):
    """A frozen model that refuses unknown fields; field docstrings become schema descriptions."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        use_attribute_docstrings=True,
        ser_json_timedelta="iso8601",
        # Validation errors are logged and sent back: never echo a personal id in them.
        hide_input_in_errors=True,
    )


class Payload(Contract):
    """The data of one message type. `TYPE` is the one string naming it everywhere.

    The type string is `<context>.<kind>.<name>.v<N>`: stored type, registry key and, with the
    organization code appended, the NATS subject.
    """

    TYPE: ClassVar[str] = ""

    @classmethod
    def kind(cls) -> str:
        return cls.TYPE.split(".")[1]

    @classmethod
    def context(cls) -> str:
        return cls.TYPE.split(".")[0]


class Command(Payload):
    """命令 — something an organization asks a service to do; it may be refused."""


class Event(Payload):
    """事件 — a fact a service recorded; never changes once written."""


class Notice(Payload):
    """通知 — a fact addressed to one organization, published on that organization's subject."""


class Reply(Payload):
    """答复 — an organization's answer to a notice."""


class Rejection(Payload):
    """拒收 — a message that was refused, sent back to its sender with the reason."""
