"""模糊测试 — hypothesis strategies of hostile input for every ingress subject of a service.

What a careless or hostile integrator can put on a subject it may publish on: random bytes, JSON
of the wrong shape, wrong JSON types in the envelope, nesting deeper than any parser should
follow, numbers Python refuses to parse, characters PostgreSQL cannot store, messages at and
just over the size limit, golden samples (`tests/contract/golden`) mutated byte by byte or field
by field, repeated keys, and subjects whose last token names no organization or whose type is
not one the service takes. Each example is a `(subject, bytes)` pair.

The ingress types come from the service's own subscribers (`ingress_types`), not from a list
kept by hand. A golden sample's event id is replaced by a fresh one. Hypothesis draws the same
value again on purpose (a UUID too), and the same id from the same sender is a redelivery by
the system's contract, so `hostile` numbers the ids of a run instead: each example's event id is
its own, and the same for the same seed.

    from chaos.fuzz import hostile, ingress_messages
    for subject, data in hostile(300, seed=7): ...
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from contracts import catalog, limits

_ = catalog  # every message type registered, as the service has them

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "contract" / "golden"

BAD_TOKENS = ("*", "法院", "ct410482", "CT", "C", "CT410482" * 5, "CT-410", "Ω1234", "1CT4")
"""Last tokens a rejection cannot be addressed to (not `[A-Z][A-Z0-9]{2,31}`)."""
UNDELIVERABLE_TOKENS = ("", ">", "a b", "a\tb", "x\x00y")
"""Tokens NATS would not route to the service's consumers (direct drive only). A last token `>`
is stored by the stream (`enforcement.>`) but matches no `enforcement.command.*.*.*` filter; the
generated permissions let no organization publish it."""
FOREIGN_TYPES = ("fly_away", "Register_case", "register-case", "注册", "x" * 80)
"""Names in the type position of a subject that no service takes."""


@functools.cache
def ingress_types(context: str = "enforcement") -> dict[str, str]:
    """Message type → durable consumer, for every type the service's subscribers route."""
    if context != "enforcement":
        raise ValueError(f"no subscribers known for {context}")
    from contracts.organizations import Registry
    from services.enforcement import subscribers
    from services.enforcement.handlers import Handlers
    from services.enforcement.settings import EnforcementSettings
    from services.runtime.eventstore.memory import MemoryEventStore
    from services.runtime.intake import Intake

    handlers = Handlers(MemoryEventStore(), Registry.load(), EnforcementSettings())
    consumers = subscribers.consumers(handlers, lambda: datetime.now(UTC), 5)
    return {
        message_type: c.durable
        for c in consumers
        if isinstance(c.handle, Intake)
        for message_type in c.handle.routes
    }


@functools.cache
def golden(message_type: str) -> dict[str, Any] | None:
    path = GOLDEN / f"{message_type}.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def senders(message_type: str) -> list[str]:
    """Who may publish the type: the golden sample's organization (a court or bureau)."""
    sample = golden(message_type)
    return [sample["envelope"]["organization"]] if sample else ["CT410482"]


# ---- JSON values ------------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
json_values = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
"""Any JSON value (of modest size): the wrong shape anywhere."""

nasty_text = st.one_of(
    st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfffy", "\x1b[31m", "\x07", "\x7f", "\ufeff"]),
    st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=8),
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=2),
    st.text(max_size=30),
)
"""Strings PostgreSQL or a terminal would choke on, and ordinary ones."""


def _encode(obj: Any, ascii_only: bool = False) -> bytes:
    """JSON bytes as an integrator's encoder might write them: UTF-8 (a lone surrogate then
    becomes bytes no UTF-8 decoder takes) or ASCII with `\\uXXXX` escapes (a lone surrogate
    then stays an escape, which only a check of the escapes finds)."""
    return json.dumps(obj, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


# ---- bodies built on golden samples -----------------------------------------------------------


FUZZ_IDS = uuid.UUID("5f0a3c1e-9b7d-5e2a-8c4f-1d6b2a7e9c30")
"""The namespace of the event ids a run of `hostile` gives its examples (UUID version 5)."""

_numbered: ContextVar[Callable[[], uuid.UUID] | None] = ContextVar("numbered", default=None)
"""While `hostile` draws: the next event id of the run, in place of the one Hypothesis drew."""


def run_ids(at_seed: int) -> Callable[[], uuid.UUID]:
    """Event ids 0, 1, 2… of the run with this seed: never the same twice, the same each run."""
    count = 0

    def allocate() -> uuid.UUID:
        nonlocal count
        count += 1
        return uuid.uuid5(FUZZ_IDS, f"{at_seed}/{count - 1}")

    return allocate


@contextlib.contextmanager
def numbered(at_seed: int) -> Iterator[None]:
    token = _numbered.set(run_ids(at_seed))
    try:
        yield
    finally:
        _numbered.reset(token)


def _fresh(message_type: str, event_id: uuid.UUID) -> dict[str, Any]:
    if (allocate := _numbered.get()) is not None:
        event_id = allocate()
    sample = copy.deepcopy(golden(message_type) or {"envelope": {}, "data": {}})
    if isinstance(sample.get("envelope"), dict):
        sample["envelope"]["event_id"] = str(event_id)
    return sample


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


def _set(obj: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    obj[path[0]] = _set(obj[path[0]], path[1:], value)
    return obj


@st.composite
def replaced(draw: st.DrawFn, message_type: str, values: st.SearchStrategy[Any]) -> bytes:
    """A golden sample with one value anywhere (the envelope, `data`, a field) replaced."""
    sample = _fresh(message_type, draw(st.uuids()))
    path = draw(st.sampled_from(_paths(sample)))
    return _encode(_set(sample, path, draw(values)), ascii_only=draw(st.booleans()))


@st.composite
def nested(draw: st.DrawFn, message_type: str) -> bytes:
    """Arrays or objects nested around the limit and far beyond it, in place of a field."""
    depth = draw(
        st.one_of(
            st.integers(limits.MAX_DEPTH - 3, limits.MAX_DEPTH + 3),
            st.integers(100, 5000),
            st.just(100_000),
        )
    )
    opening, closing = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    deep = opening * depth + "1" + closing * depth
    sample = _fresh(message_type, draw(st.uuids()))
    path = draw(st.sampled_from(_paths(sample)[1:] or [("data",)]))
    marker = "\u2063NESTED\u2063"
    text = json.dumps(_set(sample, path, marker), ensure_ascii=False)
    return text.replace(json.dumps(marker, ensure_ascii=False), deep).encode()


@st.composite
def long_numbers(draw: st.DrawFn, message_type: str) -> bytes:
    """Numbers with thousands of digits (Python refuses over 4,300) or huge exponents."""
    digits = draw(
        st.one_of(
            st.integers(limits.MAX_DIGITS - 2, limits.MAX_DIGITS + 2),
            st.integers(4290, 4310),
            st.integers(5000, 20000),
        )
    )
    number = draw(
        st.sampled_from(
            [
                "9" * digits,
                "-" + "1" * digits,
                "0." + "3" * digits,
                "1e" + str(digits),
                "1E-99999",
                "1e309",
            ]
        )
    )
    sample = _fresh(message_type, draw(st.uuids()))
    path = draw(st.sampled_from(_paths(sample)[1:] or [("data",)]))
    marker = "\u2063NUMBER\u2063"
    text = json.dumps(_set(sample, path, marker), ensure_ascii=False)
    return text.replace(json.dumps(marker, ensure_ascii=False), number).encode()


@st.composite
def near_limit(draw: st.DrawFn, message_type: str) -> bytes:
    """A valid golden sample padded with whitespace to the size limit, just under or just over."""
    body = _encode(_fresh(message_type, draw(st.uuids())))
    size = limits.MAX_MESSAGE_BYTES + draw(st.integers(-2, 2))
    return body[:-1] + b" " * max(0, size - len(body)) + body[-1:]


@st.composite
def mutated(draw: st.DrawFn, message_type: str) -> bytes:
    """A golden sample with bytes flipped, cut, repeated or inserted."""
    data = bytearray(_encode(_fresh(message_type, draw(st.uuids()))))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        how = draw(st.sampled_from(["flip", "cut", "repeat", "insert"]))
        if how == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "cut":
            del data[at : at + draw(st.integers(1, 16))]
        elif how == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 64))]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
    return bytes(data)


@st.composite
def repeated_key(draw: st.DrawFn, message_type: str) -> bytes:
    """A sample whose `envelope` or `data` appears twice, the second time different."""
    sample = _fresh(message_type, draw(st.uuids()))
    key = draw(st.sampled_from(["envelope", "data"]))
    text = _encode(sample).decode()
    return (text[:-1] + f', "{key}": ' + json.dumps(draw(json_values)) + "}").encode()


@st.composite
def raw_controls(draw: st.DrawFn, message_type: str) -> bytes:
    """Control bytes written raw into a sample, or megabytes of them (the old relay breaker)."""
    if draw(st.booleans()):
        size = draw(st.sampled_from([1_500_000, limits.MAX_MESSAGE_BYTES, 8 * 1024 * 1024 - 512]))
        return bytes(range(1, 32)) * (size // 31)
    data = bytearray(_encode(_fresh(message_type, draw(st.uuids()))))
    at = draw(st.integers(0, len(data)))
    data[at:at] = draw(st.binary(min_size=1, max_size=4).map(lambda b: bytes(x % 32 for x in b)))
    return bytes(data)


def bodies(message_type: str) -> st.SearchStrategy[bytes]:
    """Every kind of hostile body for one ingress type."""
    return st.one_of(
        st.binary(max_size=512),
        json_values.map(_encode),
        replaced(message_type, json_values),
        replaced(message_type, nasty_text),
        nested(message_type),
        long_numbers(message_type),
        near_limit(message_type),
        mutated(message_type),
        repeated_key(message_type),
        raw_controls(message_type),
        st.builds(lambda i: _encode(_fresh(message_type, i)), st.uuids()),
    )


# ---- subjects ---------------------------------------------------------------------------------


def subjects_for(
    message_type: str, sender: str, deliverable: bool = False
) -> st.SearchStrategy[str]:
    """Mostly the right subject; else a bad last token, a foreign type, or (when the message
    need not travel through NATS) too few tokens and tokens NATS would not route."""
    context, kind, _, version = message_type.split(".")
    bad = BAD_TOKENS if deliverable else BAD_TOKENS + UNDELIVERABLE_TOKENS
    choices = [
        st.just(f"{message_type}.{sender}"),
        st.just(f"{message_type}.{sender}"),
        st.sampled_from(bad).map(lambda t: f"{message_type}.{t}"),
    ]
    if not deliverable or kind in ("command", "reply"):
        # A service takes every name of its own commands and replies (and refuses the foreign
        # ones); another context's event it reads under its exact type alone.
        foreign = st.sampled_from(FOREIGN_TYPES)
        choices.append(foreign.map(lambda n: f"{context}.{kind}.{n}.{version}.{sender}"))
    if not deliverable:
        choices.append(st.sampled_from([message_type, f"{context}.{kind}", context, ""]))
        choices.append(st.text(max_size=60).map(lambda t: f"{message_type}.{t}"))
    return st.one_of(choices)


@st.composite
def ingress_message(
    draw: st.DrawFn, message_types: Sequence[str], deliverable: bool = False
) -> tuple[str, bytes]:
    message_type = draw(st.sampled_from(list(message_types)))
    sender = draw(st.sampled_from(senders(message_type)))
    return draw(subjects_for(message_type, sender, deliverable)), draw(bodies(message_type))


def ingress_messages(
    message_types: Sequence[str] | None = None, deliverable: bool = True
) -> st.SearchStrategy[tuple[str, bytes]]:
    """Hostile `(subject, bytes)` over the given ingress types (default: all the enforcement
    service routes). `deliverable` keeps subjects NATS routes to the service's consumers."""
    return ingress_message(sorted(message_types or ingress_types()), deliverable)


def hostile(
    count: int,
    message_types: Sequence[str] | None = None,
    at_seed: int = 0,
    deliverable: bool = True,
) -> Iterator[tuple[str, bytes]]:
    """`count` hostile `(subject, bytes)` pairs, the same for the same seed; no two carry the
    same event id (see `numbered`)."""
    found: list[tuple[str, bytes]] = []

    @seed(at_seed)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(ingress_messages(message_types, deliverable))
    def collect(example: tuple[str, bytes]) -> None:
        found.append(example)

    with numbered(at_seed):
        collect()
    yield from found[:count]
