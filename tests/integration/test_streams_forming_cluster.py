"""A service starting while its NATS cluster is still short of a node: JetStream refuses to place
a replicated stream ("no suitable peers for placement"), the service says so and tries again,
and the streams are made once the node is there."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from structlog.testing import capture_logs

from chaos.servers import ClusterNats, Node
from services.runtime import streams
from services.runtime.devstack import nats_server_binary

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


@pytest.fixture
def short_of_one(tmp_path: Path) -> Iterator[ClusterNats]:
    """Three nodes routed to each other, two of them running: a meta leader, a peer offline."""
    nodes = [Node(f"n{i}", tmp_path / f"n{i}") for i in (1, 2, 3)]
    cluster = ClusterNats(nodes, str(nats_server_binary()))
    for node in nodes[:2]:
        node.start(nodes, cluster.binary)
    try:
        yield cluster
    finally:
        cluster.stop()


async def test_streams_are_made_once_the_missing_node_is_there(short_of_one: ClusterNats) -> None:
    cluster = short_of_one
    absent = cluster.node("n3")
    nc = await nats.connect(servers=[n.url for n in cluster.nodes[:2]], connect_timeout=5)
    try:
        js = nc.jetstream(timeout=5)
        with capture_logs() as logs:
            making = asyncio.create_task(
                streams.ensure_all(js, ("enforcement",), replicas=3, patience=120)
            )
            deadline = time.monotonic() + 60
            while not any(e["event"] == "stream not ready, trying again" for e in logs):
                assert not making.done(), making.exception()
                assert time.monotonic() < deadline, "no refusal while a node was missing"
                await asyncio.sleep(0.1)
            absent.start(cluster.nodes, cluster.binary)
            await asyncio.wait_for(making, 120)
        refusals = [e for e in logs if e["event"] == "stream not ready, trying again"]
        assert refusals[0]["stream"] == "ENFORCEMENT"
        for name in ("ENFORCEMENT", "DEADLETTER", "REPLAY"):
            info = await js.stream_info(name)
            assert info.config.num_replicas == 3
    finally:
        await nc.close()
