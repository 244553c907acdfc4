"""Stream retention on a real NATS server: each context stream keeps its messages for an age and
up to a size from the settings, the oldest going first; a stream made before is brought to it
with its messages and its partitions; only the service that owns a stream decides it; the dead
letters stay until an operator acts."""

from __future__ import annotations

from dataclasses import replace

import pytest
from nats.aio.client import Client
from nats.js.api import DiscardPolicy

from contracts.subjects import partition_count
from services.runtime import streams
from services.runtime.settings import RetentionSettings

pytestmark = pytest.mark.integration

WEEK = streams.Retention(max_age=7 * 86400.0, max_bytes=50_000_000)


async def test_ensure_all_brings_an_existing_stream_to_its_retention_keeping_messages_and_partitions(
    nc: Client,
) -> None:
    js = nc.jetstream()
    # A stream as it was made before it had any retention, with 4 partitions.
    before = streams.context_stream("testing", 1, 4)
    unlimited = replace(
        before, max_age=0.0, max_bytes=-1, duplicate_window=streams.DUPLICATE_WINDOW
    )
    await streams.ensure(js, unlimited)
    assert (await js.stream_info("TESTING")).config.max_age == 0
    for n in range(5):
        await js.publish(f"testing.command.do_it.v1.CT41048{n}", b"{}")
    await streams.ensure_all(js, ("testing",), 1, 4, owner="testing", retention=WEEK)
    info = await js.stream_info("TESTING")
    assert (info.config.max_age, info.config.max_bytes) == (WEEK.max_age, WEEK.max_bytes)
    assert info.config.discard == DiscardPolicy.OLD
    assert (info.state.messages, info.state.first_seq, info.state.last_seq) == (5, 1, 5)
    assert info.config.subject_transform == before.subject_transform
    assert info.config.subject_transform is not None
    assert partition_count(info.config.subject_transform.dest) == 4
    stored = (await js.get_msg("TESTING", 1)).subject or ""
    assert stored.startswith("testing.command.do_it.v1.CT410480.")  # with its partition


async def test_only_the_owner_changes_a_stream_s_retention(nc: Client) -> None:
    js = nc.jetstream()
    await streams.ensure_all(js, ("testing",), 1, owner="testing", retention=WEEK)
    other = streams.Retention(max_age=3600.0, max_bytes=2_000_000)
    await streams.ensure_all(js, ("testing",), 1, owner="ledger", retention=other)
    info = await js.stream_info("TESTING")
    assert (info.config.max_age, info.config.max_bytes) == (WEEK.max_age, WEEK.max_bytes)
    await streams.ensure_all(js, ("testing",), 1, owner="testing", retention=other)
    info = await js.stream_info("TESTING")
    assert (info.config.max_age, info.config.max_bytes) == (3600.0, 2_000_000)
    assert info.config.duplicate_window == 3600.0  # never longer than the stream keeps a message


async def test_the_settings_decide_by_default_and_the_dead_letters_have_no_limit(
    nc: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUYUAN_STREAM_MAX_AGE_DAYS", "2")
    monkeypatch.setenv("FUYUAN_STREAM_MAX_BYTES", "20MB")
    js = nc.jetstream()
    await streams.ensure_all(js, ("testing",), 1)
    info = await js.stream_info("TESTING")
    assert (info.config.max_age, info.config.max_bytes) == (2 * 86400.0, 20_000_000)
    letters = await js.stream_info("DEADLETTER")
    assert (letters.config.max_age, letters.config.max_bytes, letters.config.max_msgs) == (
        0,
        -1,
        -1,
    )


def test_the_default_retention_is_thirty_days_and_a_gigabyte(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FUYUAN_STREAM_MAX_AGE_DAYS", raising=False)
    monkeypatch.delenv("FUYUAN_STREAM_MAX_BYTES", raising=False)
    assert streams.Retention.configured(RetentionSettings()) == streams.Retention(
        30 * 86400.0, 1_000_000_000
    )
