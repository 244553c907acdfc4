"""The bureaus' answers to one query, in hand together, are decided against one load of the case
and appended in one write with every answer's inbox row; one bad answer among them is refused by
name after the rest are taken one by one — never a dead letter."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, cast

from nats.aio.msg import Msg
from nats.js import JetStreamContext

from contracts.enforcement import PropertyAnswer, PropertyKind
from contracts.subjects import subject
from services.enforcement import subscribers
from services.runtime.consumer import Holds, Keeper, settle_batch
from tests.fast.builders import CASE, COURT, DEBTOR, query, registered
from tests.fast.harness import Harness, message, of_type
from tests.unit.test_consumer_keys import FakeJs, FakeMsg


class Counted:
    """Loads of the case and writes, as the store sees them."""

    def __init__(self, h: Harness) -> None:
        self.loads = self.appends = self.together = 0
        store = h.store
        load, append, together = store.load, store.append, store.append_together

        async def counted_load(stream_id: str, after_version: int = 0) -> Any:
            self.loads += stream_id.startswith("case-")
            return await load(stream_id, after_version)

        async def counted_append(*writes: Any, inbox: Any = None) -> list[int]:
            self.appends += 1
            return await append(*writes, inbox=inbox)

        async def counted_together(*writes: Any, inboxes: Any) -> list[int]:
            self.together += 1
            return await together(*writes, inboxes=inboxes)

        store.load = counted_load  # type: ignore[method-assign]
        store.append = counted_append  # type: ignore[method-assign]
        store.append_together = counted_together  # type: ignore[method-assign]


async def asked(h: Harness) -> list[tuple[str, str]]:
    await registered(h)
    notices = of_type(await h.send(query(DEBTOR, *PropertyKind), COURT), "notice.property_query")
    assert len(notices) >= 8, "a query goes to many bureaus"
    return [(n.to, n.data["query_id"]) for n in notices]


def answer(h: Harness, bureau: str, query_id: str, seq: int) -> FakeMsg:
    msg = message(PropertyAnswer(query_id=uuid.UUID(query_id)), bureau, h.clock(), case_number=CASE)
    return FakeMsg(msg.model_dump_json().encode(), seq, subject=subject(msg.envelope.type, bureau))


async def settle(h: Harness, batch: list[FakeMsg]) -> None:
    c = h.consumer_for(batch[0].subject)
    assert c.durable == subscribers.REPLIES and c.key is not None
    await settle_batch(
        cast(JetStreamContext, FakeJs()),
        c,
        cast(list[Msg], batch),
        Keeper(c, asyncio.Event()),
        None,
        Holds(),
    )


async def test_the_answers_to_one_query_are_decided_on_one_load_in_one_write() -> None:
    h = Harness()
    bureaus = await asked(h)
    await h.relay()
    counted = Counted(h)
    batch = [answer(h, b, q, 100 + i) for i, (b, q) in enumerate(bureaus)]
    await settle(h, batch)
    assert all(m.done == ["ack"] for m in batch)
    assert (counted.loads, counted.together, counted.appends) == (1, 1, 0)
    out = await h.relay()
    assert of_type(out, "rejection.message_rejected") == []
    (result,) = of_type(out, "notice.property_result", to=COURT)
    assert result.data["complete"] is True
    for m in batch:
        sent = m.data
        event_id = uuid.UUID(json.loads(sent)["envelope"]["event_id"])
        sender = m.subject.rsplit(".", 1)[1]
        assert await h.store.has_processed(subscribers.REPLIES, event_id, sender)


async def test_one_bad_answer_among_them_is_refused_by_name_and_the_rest_are_taken() -> None:
    h = Harness()
    bureaus = await asked(h)
    await h.relay()
    batch = [answer(h, b, q, 100 + i) for i, (b, q) in enumerate(bureaus)]
    bad_bureau = bureaus[3][0]
    batch[3] = answer(h, bad_bureau, str(uuid.uuid4()), 103)  # a query that does not exist
    await settle(h, batch)
    assert all(m.done == ["ack"] for m in batch), "refused, not redelivered nor set aside"
    out = await h.relay()
    (refused,) = of_type(out, "rejection.message_rejected")
    assert refused.to == bad_bureau
    assert any("query" in reason for _, reason in refused.problems)
    assert len(of_type(out, "event.property_answer_recorded")) == len(bureaus) - 1


async def test_a_redelivered_answer_among_them_has_no_second_effect() -> None:
    h = Harness()
    bureaus = await asked(h)
    first = [answer(h, b, q, 100 + i) for i, (b, q) in enumerate(bureaus[:2])]
    await settle(h, first)
    await h.relay()
    again = [first[1].again(), *(answer(h, b, q, 200 + i) for i, (b, q) in enumerate(bureaus[2:]))]
    await settle(h, again)
    out = await h.relay()
    assert len(of_type(out, "event.property_answer_recorded")) == len(bureaus) - 2
    assert of_type(out, "rejection.message_rejected") == []
    assert of_type(out, "notice.property_result", to=COURT)
