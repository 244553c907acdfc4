"""Command partitions on a real NATS server: where the stream stores a command, who decides the
count, and what is still read after the count changed."""

from __future__ import annotations

import pytest
from nats.aio.client import Client
from nats.js.api import AckPolicy, ConsumerConfig

from contracts.subjects import commands, partition, partition_count, partition_of, published
from services.runtime import streams
from services.runtime.consumer import Consumer
from services.runtime.partitions import units

pytestmark = pytest.mark.integration

ORGS = ("CT410482", "CT410300", "JO410300", "DR410300", "BK410300")


async def _nothing(_d: object) -> None:
    return None


async def test_a_command_is_stored_in_its_organizations_partition_and_read_as_published(
    nc: Client,
) -> None:
    js = nc.jetstream()
    await streams.ensure(js, streams.context_stream("testing", 1, 8))
    sent = [f"testing.command.do_it.v1.{org}" for org in ORGS]
    sent += ["testing.event.done.v1.CT410482", "testing.command.do_it.v1.*"]
    for name in sent:
        await js.publish(name, b"{}")
    stored = [(await js.get_msg("TESTING", seq)).subject or "" for seq in range(1, len(sent) + 1)]
    expected = [f"{name}.{partition_of(name.rsplit('.', 1)[1], 8)}" for name in sent[:5]]
    # An event is not partitioned; a token NATS cannot map is stored as it came.
    assert stored == [*expected, *sent[5:]]
    assert [published(s) for s in stored] == sent
    for k in {partition_of(org, 8) for org in ORGS}:
        sub = await js.pull_subscribe(
            partition("testing", k),
            stream="TESTING",
            config=ConsumerConfig(ack_policy=AckPolicy.NONE),
        )
        got = {published(m.subject) for m in await sub.fetch(10, timeout=2)}
        assert got == {f"testing.command.do_it.v1.{o}" for o in ORGS if partition_of(o, 8) == k}


async def test_only_the_service_that_owns_a_stream_sets_its_partitions(nc: Client) -> None:
    js = nc.jetstream()
    await streams.ensure_all(js, ("testing",), 1, 8, owner="testing")
    await streams.ensure_all(js, ("testing",), 1, 3, owner="ledger")  # declares it as well
    info = await js.stream_info("TESTING")
    assert info.config.subject_transform is not None
    assert partition_count(info.config.subject_transform.dest) == 8
    await streams.ensure_all(js, ("testing",), 1, 4, owner="testing")
    info = await js.stream_info("TESTING")
    assert info.config.subject_transform is not None
    assert partition_count(info.config.subject_transform.dest) == 4


async def test_partitions_of_a_larger_count_before_are_still_read_after_it_shrank(
    nc: Client,
) -> None:
    js = nc.jetstream()
    await streams.ensure(js, streams.context_stream("testing", 1, 8))
    c = Consumer("testing", "testing_commands", commands("testing"), _nothing)
    for k in (2, 7):
        await js.pull_subscribe(
            partition("testing", k), durable=f"testing_commands_p{k}", stream="TESTING"
        )
    await streams.ensure(js, streams.context_stream("testing", 1, 4))
    found = [(u.durable, u.subject) for u in await units(js, c, 4)]
    assert found == [
        *((f"testing_commands_p{k}", f"testing.command.*.*.*.{k}") for k in range(4)),
        ("testing_commands_p7", "testing.command.*.*.*.7"),
        ("testing_commands", "testing.command.*.*.*"),
    ]
