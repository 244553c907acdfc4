"""Command partitions: the stream stores a command with its organization's partition appended,
and every reader gets back the subject it was published on."""

from __future__ import annotations

import pytest

from contracts.subjects import (
    commands,
    partition,
    partition_count,
    partition_of,
    partition_transform,
    published,
)
from services.runtime.consumer import Consumer
from services.runtime.partitions import is_partitioned, lock_key, partition_consumers


async def _nothing(_d: object) -> None:
    return None


def test_a_partitioned_command_is_handed_on_under_the_subject_it_was_published_on() -> None:
    stored = "enforcement.command.freeze_property.v1.CT410482.7"
    assert published(stored) == "enforcement.command.freeze_property.v1.CT410482"


@pytest.mark.parametrize(
    "stored",
    [
        "enforcement.command.freeze_property.v1.CT410482",  # stored before partitions
        "enforcement.event.case_registered.v1.CT410482",
        "enforcement.notice.property_query.v1.BK410300",
        "enforcement.event.case_registered.v1.CT410482.7",  # not a command: not ours to cut
        "enforcement.command.freeze_property.v1.CT410482.x",
        "deadletter.enforcement.enforcement_commands_p3",
    ],
)
def test_anything_else_is_handed_on_as_stored(stored: str) -> None:
    assert published(stored) == stored


def test_the_transform_maps_the_organization_token_and_nothing_else() -> None:
    source, destination = partition_transform("enforcement", 8)
    assert source == commands("enforcement")
    assert destination == (
        "enforcement.command.{{wildcard(1)}}.{{wildcard(2)}}.{{wildcard(3)}}.{{partition(8,3)}}"
    )
    assert partition_count(destination) == 8
    assert partition_count("enforcement.command.{{wildcard(1)}}") is None
    assert partition("enforcement", 3) == "enforcement.command.*.*.*.3"


def test_an_organization_always_lands_in_the_same_partition() -> None:
    # The values NATS itself stored these organizations' commands under (FNV-1a, 8 partitions).
    expected = {"CT410482": 7, "CT410300": 0, "JO410300": 4, "DR410300": 5}
    assert {org: partition_of(org, 8) for org in expected} == expected


def test_a_partition_count_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="partition count"):
        partition_transform("enforcement", 0)


def test_a_commands_consumer_becomes_one_per_partition_and_the_unpartitioned_rest() -> None:
    c = Consumer("enforcement", "enforcement_commands", commands("enforcement"), _nothing)
    replies = Consumer("enforcement", "enforcement_replies", "enforcement.reply.*.*.*", _nothing)
    assert is_partitioned(c) and not is_partitioned(replies)
    split = partition_consumers(c, 3)
    assert [(p.durable, p.subject) for p in split] == [
        ("enforcement_commands_p0", "enforcement.command.*.*.*.0"),
        ("enforcement_commands_p1", "enforcement.command.*.*.*.1"),
        ("enforcement_commands_p2", "enforcement.command.*.*.*.2"),
        ("enforcement_commands", "enforcement.command.*.*.*"),
    ]
    assert all(p.handle is c.handle and p.max_attempts == c.max_attempts for p in split)


def test_lock_keys_fit_a_signed_bigint_and_differ_per_partition() -> None:
    keys = {lock_key("partition", "enforcement", f"enforcement_commands_p{k}") for k in range(64)}
    assert len(keys) == 64
    assert all(0 <= k < 2**63 for k in keys)
