"""A keyed consumer, without a server: the keys of a batch side by side, each key in order, a
failed message holding the later ones of its key, the deliveries of a key handed over together."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from hypothesis import given
from hypothesis import strategies as st
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from opentelemetry import trace

from services.runtime.consumer import (
    Consumer,
    Delivery,
    Holds,
    Keeper,
    case_key,
    settle_batch,
    stages,
)
from services.runtime.observability import trace_headers
from tests.conftest import SPANS


@dataclass
class FakeMsg:
    """What the consumer uses of a JetStream message, with what it did to it."""

    data: bytes
    seq: int
    delivered: int = 1
    subject: str = "testing.event.n.v1.X"
    headers: dict[str, str] | None = None
    done: list[Any] = field(default_factory=list)

    @property
    def metadata(self) -> Any:
        return SimpleNamespace(
            stream="TESTING",
            num_delivered=self.delivered,
            sequence=SimpleNamespace(stream=self.seq),
        )

    async def ack(self) -> None:
        self.done.append("ack")

    async def nak(self, delay: float | None = None) -> None:
        self.done.append(("nak", delay))

    async def in_progress(self) -> None:
        self.done.append("wip")

    def again(self) -> FakeMsg:
        """The same message delivered once more."""
        return FakeMsg(self.data, self.seq, self.delivered + 1, self.subject)


class FakeJs:
    def __init__(self) -> None:
        self._nc = SimpleNamespace(max_payload=1 << 20)
        self.letters: list[str] = []

    async def publish(self, subject: str, data: bytes, headers: dict[str, str]) -> None:
        self.letters.append(subject)


def msgs(*specs: str, start: int = 1) -> list[FakeMsg]:
    """`A:x` is a message of key A; the sequence is its place in the list."""
    return [FakeMsg(s.encode(), start + i) for i, s in enumerate(specs)]


def key_of(d: Delivery) -> str | None:
    k = d.data.split(b":")[0].decode()
    return k or None


def keyed(handle: Callable[[Delivery], Awaitable[None]], **kw: Any) -> Consumer:
    return Consumer(
        context="testing",
        durable="testing_keyed",
        subject="testing.>",
        handle=handle,
        key=key_of,
        backoff=(0.5, 1.0),
        pause=(0.01,),
        **kw,
    )


async def settle(
    c: Consumer, batch: list[FakeMsg], holds: Holds | None = None, js: FakeJs | None = None
) -> None:
    await settle_batch(
        cast(JetStreamContext, js or FakeJs()),
        c,
        cast(list[Msg], batch),
        Keeper(c, asyncio.Event()),
        None,
        holds,
    )


# -- grouping ---------------------------------------------------------------------------------


@given(st.lists(st.sampled_from(["A", "B", "C", "D", None]), max_size=60), st.randoms())
def test_stages_keep_every_item_once_each_key_in_stream_order_keyless_alone_in_place(
    keys: list[Any], rnd: Any
) -> None:
    places = list(range(len(keys)))
    rnd.shuffle(places)  # redeliveries arrive out of stream order
    items = list(zip(keys, places, strict=True))
    out = stages(items, key=lambda t: t[0], place=lambda t: t[1])
    assert sorted(t[1] for stage in out for _, g in stage for t in g) == sorted(places)
    flat_stage = {t: i for i, stage in enumerate(out) for _, g in stage for t in g}
    for i, item in enumerate(items):
        if item[0] is None:
            assert out[flat_stage[item]] == [(None, [item])], "alone"
            assert all(flat_stage[t] < flat_stage[item] for t in items[:i]), "after the ones before"
            assert all(flat_stage[t] > flat_stage[item] for t in items[i + 1 :]), "before the rest"
    for stage in out:
        assert len({k for k, _ in stage}) == len(stage), "a key once per stage"
        for k, g in stage:
            assert all(t[0] == k for t in g)
            assert [t[1] for t in g] == sorted(t[1] for t in g), "a key: oldest first"
        keys_in_stage = [k for k, _ in stage]
        first_seen = [t[0] for t in items if t in {x for _, g in stage for x in g}]
        assert keys_in_stage == list(dict.fromkeys(first_seen)), "keys as they first appear"


def test_the_case_key_is_the_normalized_case_number_of_data_or_envelope() -> None:
    def d(data: bytes) -> Delivery:
        return Delivery("s", data, {}, 1, 1)

    envelope = b'{"envelope": {"case_number": "\xef\xbc\x882024\xef\xbc\x89\xe8\xb1\xab03\xe6\x89\xa7123\xe5\x8f\xb7"}, "data": {}}'
    ascii_form = b'{"envelope": {}, "data": {"case_number": "(2024)\xe8\xb1\xab03\xe6\x89\xa7123\xe5\x8f\xb7"}}'
    assert case_key(d(envelope)) == case_key(d(ascii_form)) is not None
    assert (
        case_key(
            d(b'{"envelope": {"case_number": "X"}, "data": {"petition_case_number": "Y"}}'),
            ("petition_case_number", "case_number"),
        )
        == "Y"
    )
    for unreadable in (b"not json", b"[1]", b'{"envelope": 3}', b"{}", b"[" * 100_000):
        assert case_key(d(unreadable)) is None


# -- side by side, each key in order ----------------------------------------------------------


async def test_keys_are_worked_on_side_by_side_up_to_the_concurrency_each_in_order() -> None:
    seen: dict[str, list[int]] = {}
    running, most = 0, 0

    async def handle(d: Delivery) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        seen.setdefault(d.data.decode()[0], []).append(d.stream_sequence)
        running -= 1

    batch = msgs(*[f"{k}:" for _ in range(5) for k in "ABCDEFGH"])
    await settle(keyed(handle, concurrency=3), batch)
    assert most == 3
    assert all(m.done == ["ack"] for m in batch)
    for k, places in seen.items():
        assert places == sorted(m.seq for m in batch if m.data.decode()[0] == k)


async def test_at_concurrency_one_a_keyed_consumer_handles_one_message_at_a_time() -> None:
    running, most = 0, 0

    async def handle(d: Delivery) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.001)
        running -= 1

    await settle(keyed(handle, concurrency=1), msgs(*"ABCABC"))
    assert most == 1


async def test_a_message_without_a_key_is_handled_alone_in_its_place() -> None:
    log: list[tuple[str, int]] = []

    async def handle(d: Delivery) -> None:
        log.append(("start", d.stream_sequence))
        await asyncio.sleep(0.01)
        log.append(("end", d.stream_sequence))

    await settle(keyed(handle, concurrency=4), msgs("A:", "B:", ":", "A:", "C:"))
    alone = log.index(("start", 3))
    assert log[alone + 1] == ("end", 3), "nothing else while it is handled"
    assert {s for _, s in log[:alone]} == {1, 2} and {s for _, s in log[alone + 2 :]} == {4, 5}


async def test_a_failed_message_without_a_key_holds_nothing() -> None:
    seen: list[int] = []

    async def handle(d: Delivery) -> None:
        if d.stream_sequence == 1:
            raise ValueError("bad")
        seen.append(d.stream_sequence)

    batch = msgs(":", ":", ":")
    await settle(keyed(handle, concurrency=4), batch)
    assert seen == [2, 3]
    assert batch[0].done == [("nak", 0.5)]


async def test_a_key_that_cannot_be_read_puts_the_message_in_the_lane_without_a_key() -> None:
    def broken(d: Delivery) -> str | None:
        raise RuntimeError("bug in the key")

    seen: list[bytes] = []

    async def handle(d: Delivery) -> None:
        seen.append(d.data)

    batch = msgs("A:", "B:")
    await settle(Consumer("testing", "t", "testing.>", handle, key=broken, concurrency=2), batch)
    assert seen == [b"A:", b"B:"]


# -- a failed message holds its key -----------------------------------------------------------


async def test_the_later_messages_of_a_failed_ones_key_are_put_back_behind_it() -> None:
    failures = {1}
    handled: list[tuple[int, int]] = []

    async def handle(d: Delivery) -> None:
        if d.stream_sequence in failures:
            failures.discard(d.stream_sequence)
            raise ValueError("briefly wrong")
        handled.append((d.stream_sequence, d.attempt))

    c, holds = keyed(handle, concurrency=2), Holds()
    a1, _b2, a3, a4 = batch = msgs("A:", "B:", "A:", "A:")
    await settle(c, batch, holds)
    assert a1.done == [("nak", 0.5)]
    assert [m.done[0][0] for m in (a3, a4)] == ["nak", "nak"]
    assert all(m.done[0][1] > 0.5 for m in (a3, a4)), "they come back after it"
    assert handled == [(2, 1)], "the other key goes on"

    # A later message of the key arriving before the failed one is put back again.
    early = a3.again()
    await settle(c, [early], holds)
    assert early.done[0][0] == "nak" and handled == [(2, 1)]

    # The failed one back, then the rest: in order, and being put back spent no attempt.
    await settle(c, [a1.again(), early.again(), a4.again()], holds)
    assert handled == [(2, 1), (1, 2), (3, 1), (4, 1)]


async def test_a_message_set_aside_lets_its_key_go_on() -> None:
    async def handle(d: Delivery) -> None:
        if d.stream_sequence == 1:
            raise ValueError("poison")

    js, c = FakeJs(), keyed(handle, max_attempts=1)
    first, second = batch = msgs("A:", "A:")
    await settle(c, batch, Holds(), js)
    assert first.done == ["ack"] and second.done == ["ack"]
    assert len(js.letters) == 1


async def test_at_the_servers_last_delivery_a_message_held_behind_is_set_aside_not_lost() -> None:
    async def handle(d: Delivery) -> None:
        if d.stream_sequence == 1:
            raise ValueError("still wrong")

    js, c, holds = FakeJs(), keyed(handle, max_attempts=5), Holds()
    first, second = msgs("A:", "A:")
    await settle(c, [first], holds, js)
    last = FakeMsg(second.data, second.seq, delivered=c.max_deliver)
    await settle(c, [last], holds, js)
    assert last.done == ["ack"] and len(js.letters) == 1, "a letter, never left undelivered"


async def test_a_failing_message_at_the_servers_last_delivery_is_set_aside() -> None:
    async def handle(d: Delivery) -> None:
        raise ValueError("wrong")

    # A durable created before keys, with the server's limit it was created with.
    js, c, holds = FakeJs(), keyed(handle, max_attempts=5), Holds(limit=7)
    assert c.max_deliver > 7
    (m,) = msgs("A:")
    for _ in range(4):
        holds.put_back(cast(Msg, m))  # its attempts as the consumer counts them: few
    late = FakeMsg(m.data, m.seq, delivered=7)
    await settle(c, [late], holds, js)
    assert late.done == ["ack"] and len(js.letters) == 1


# -- together ---------------------------------------------------------------------------------


async def test_the_deliveries_of_one_key_are_handed_over_together() -> None:
    groups: list[list[int]] = []
    one_by_one: list[int] = []

    async def handle(d: Delivery) -> None:
        one_by_one.append(d.stream_sequence)

    async def together(ds: list[Delivery]) -> None:
        groups.append([d.stream_sequence for d in ds])

    batch = msgs("A:", "B:", "A:", "A:")
    await settle(keyed(handle, concurrency=2, handle_group=together), batch)
    assert groups == [[1, 3, 4]]
    assert one_by_one == [2], "a key with one delivery in hand goes alone"
    assert all(m.done == ["ack"] for m in batch)


async def test_a_failing_group_is_handled_again_one_by_one() -> None:
    seen: list[int] = []

    async def handle(d: Delivery) -> None:
        if d.stream_sequence == 2:
            raise ValueError("the bad one")
        seen.append(d.stream_sequence)

    async def together(ds: list[Delivery]) -> None:
        raise ValueError("one of them is bad")

    batch = msgs("A:", "A:", "B:")
    await settle(keyed(handle, concurrency=2, handle_group=together), batch)
    assert 1 in seen and batch[0].done == ["ack"]
    assert batch[1].done == [("nak", 0.5)]


async def test_an_outage_pauses_the_group_and_renews_every_message_in_hand() -> None:
    calls = 0

    async def handle(d: Delivery) -> None:
        pass

    async def together(ds: list[Delivery]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionRefusedError("database away")

    a1, a2, b3 = batch = msgs("A:", "A:", "B:")
    await settle(keyed(handle, concurrency=1, handle_group=together), batch)
    assert calls == 2
    assert a1.done == ["wip", "ack"] and a2.done == ["wip", "ack"]
    assert b3.done == ["wip", "ack"], "the key not started yet is renewed too"


async def test_each_message_handed_over_together_continues_its_senders_trace() -> None:
    tracer = trace.get_tracer("test")
    senders = []
    batch = msgs("A:", "A:", "A:")
    for m in batch:
        with tracer.start_as_current_span("publish") as sent:
            m.headers = trace_headers()
            senders.append(sent.get_span_context())
    current: list[int] = []

    async def together(ds: list[Delivery]) -> None:
        current.append(trace.get_current_span().get_span_context().trace_id)

    SPANS.clear()
    await settle(keyed(lambda d: asyncio.sleep(0), handle_group=together), batch)
    consumed = [s for s in SPANS.get_finished_spans() if s.name == "consume testing.event.n.v1.X"]
    assert sorted((s.parent.span_id, s.context.trace_id) for s in consumed if s.parent) == sorted(
        (c.span_id, c.trace_id) for c in senders
    )
    assert current == [senders[-1].trace_id], "handled in the last one's trace"


async def test_a_message_put_back_again_and_again_waits_longer_each_time() -> None:
    async def handle(d: Delivery) -> None:
        if d.stream_sequence == 1:
            raise ValueError("its nak may be lost: it comes back late")

    c, holds = keyed(handle), Holds()
    first, second = msgs("A:", "A:")
    await settle(c, [first, second], holds)
    delays, m = [], second
    for _ in range(4):
        m = m.again()
        await settle(c, [m], holds)
        delays.append(m.done[0][1] - holds.behind("A", 2, [2]))  # beyond the failed one's due
    assert delays == sorted(delays) and delays[-1] > 4 * delays[0]
    assert all(d <= c.ack_wait for d in delays)


async def test_stopping_during_an_outage_leaves_the_rest_of_the_batch_unhandled() -> None:
    handled: list[int] = []

    async def handle(d: Delivery) -> None:
        if d.stream_sequence == 1:
            raise ConnectionRefusedError("database away")
        handled.append(d.stream_sequence)

    c, stop = keyed(handle, concurrency=2), asyncio.Event()
    stop.set()  # the service is stopping
    batch = msgs("A:", "B:", ":", "A:", "C:")
    await settle_batch(
        cast(JetStreamContext, FakeJs()), c, cast(list[Msg], batch), Keeper(c, stop), None, Holds()
    )
    assert handled == [2], "the other case of its stage only: nothing after the held one"
    assert "ack" not in batch[0].done
    assert all(set(m.done) <= {"wip"} for m in batch[2:]), "renewed at most, never settled"
