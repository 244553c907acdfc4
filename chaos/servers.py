"""The servers a run breaks on purpose: PostgreSQL, a NATS server, a three-node NATS cluster.

One PostgreSQL serves the whole run (a fresh database per scenario); NATS is started per
scenario. Each can be crashed (kill -9, or PostgreSQL's immediate stop, which is a crash to its
clients) and started again on the same port with the same data.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from services.runtime.devstack import EmbeddedNats, EmbeddedPostgres, _pg_bin, free_port


@dataclass
class Postgres:
    """The run's PostgreSQL: crashed and started again by the scenarios that need it."""

    server: EmbeddedPostgres

    @classmethod
    def start(cls, data_dir: Path) -> Postgres:
        # Durable, as in production: with synchronous_commit off, a crash loses commits the
        # server had already confirmed, and the suite would blame the services for it.
        return cls(EmbeddedPostgres(data_dir, durable=True).start())

    def crash(self) -> None:
        """Stop at once, as a crash looks to clients: connections cut, no checkpoint."""
        pg = self.server
        done = subprocess.run(
            [_pg_bin("pg_ctl"), "-D", str(pg.pgdata), "-w", "-m", "immediate", "stop"],
            capture_output=True,
            user=pg.user,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl stop failed: {done.stderr.decode(errors='replace')}")

    def restart(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()

    async def fresh_database(self, prefix: str) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(self.server.url)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        return self.server.url.rpartition("/")[0] + f"/{name}"


@dataclass
class SingleNats:
    """One nats-server with JetStream, syncing every write (as `fuyuan up` runs it), so a
    kill -9 loses nothing it acknowledged."""

    server: EmbeddedNats

    @classmethod
    def start(cls, data_dir: Path) -> SingleNats:
        return cls(EmbeddedNats(data_dir, sync_always=True).start())

    @property
    def url(self) -> str:
        return self.server.url

    def kill(self) -> None:
        proc = self.server.proc
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait(10)

    def restart(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()


@dataclass
class Node:
    name: str
    home: Path
    client_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    cluster_port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.client_port}"

    def config(self, nodes: list[Node]) -> str:
        # The settings of deploy/nats/cluster/common.conf that matter here (max_payload, file
        # storage at the default sync interval: replication gives durability), on loopback.
        routes = "\n".join(f"    nats://127.0.0.1:{n.cluster_port}" for n in nodes if n is not self)
        return (
            f"server_name: {self.name}\nlisten: 127.0.0.1:{self.client_port}\n"
            f"http: 127.0.0.1:{self.http_port}\nmax_payload: 8MB\n"
            f'jetstream {{\n  store_dir: "{self.home / "store"}"\n}}\n'
            f"cluster {{\n  name: chaos\n  listen: 127.0.0.1:{self.cluster_port}\n"
            f"  routes: [\n{routes}\n  ]\n}}\n"
        )

    def start(self, nodes: list[Node], binary: str) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        conf = self.home / "nats.conf"
        conf.write_text(self.config(nodes))
        log = open(self.home / "nats.log", "ab")  # noqa: SIM115 - owned by the process
        self.proc = subprocess.Popen(
            [binary, "-c", str(conf)], stdout=log, stderr=log, start_new_session=True
        )

    def healthy(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.http_port}/healthz"
            with urllib.request.urlopen(url, timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def meta(self) -> dict[str, Any]:
        """The node's view of the JetStream meta group (`/jsz`): its leader and, on the leader,
        whether each other peer is current; empty while the node cannot tell."""
        try:
            url = f"http://127.0.0.1:{self.http_port}/jsz"
            with urllib.request.urlopen(url, timeout=2) as response:
                view = json.load(response).get("meta_cluster")
        except (OSError, ValueError):
            return {}
        return view if isinstance(view, dict) else {}

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@dataclass
class ClusterNats:
    """Three nats-server nodes routed to each other, JetStream replicated (R3)."""

    nodes: list[Node]
    binary: str

    @classmethod
    def start(cls, data_dir: Path, binary: str) -> ClusterNats:
        nodes = [Node(f"n{i}", data_dir / f"n{i}") for i in (1, 2, 3)]
        cluster = cls(nodes, binary)
        for node in nodes:
            node.start(nodes, binary)
        cluster.wait_healthy(60)
        cluster.wait_formed(60)
        return cluster

    @property
    def url(self) -> str:
        return ",".join(n.url for n in self.nodes)

    def wait_healthy(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if all(n.healthy() for n in self.nodes if n.proc and n.proc.poll() is None):
                return
            time.sleep(0.3)
        raise TimeoutError("the NATS cluster did not become healthy")

    def formed(self) -> tuple[bool, str]:
        """Whether JetStream can place a replicated stream: every node names the same meta
        leader, and the leader has every other node as a current peer, none offline. A node
        answers /healthz before that, and a stream created then is refused ("no suitable peers
        for placement, peer offline"). With what is missing, when not."""
        views = {n.name: n.meta() for n in self.nodes}
        leaders = {v.get("leader") or "" for v in views.values()}
        if len(leaders) != 1 or not (leader := leaders.pop()) or leader not in views:
            return False, f"meta leaders as each node sees them: {sorted(leaders)}"
        peers = {r.get("name"): r for r in views[leader].get("replicas") or []}
        others = {n.name for n in self.nodes} - {leader}
        behind = sorted(
            name
            for name in others
            if name not in peers or not peers[name].get("current") or peers[name].get("offline")
        )
        if behind:
            return False, f"leader {leader}; peers not current: {behind}"
        return True, f"leader {leader}"

    def wait_formed(self, seconds: float) -> None:
        """Until the cluster is `formed`, or `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            done, state = self.formed()
            if done:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the NATS cluster did not form within {seconds:g} s: {state}")
            time.sleep(0.3)

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    def restart(self, node: Node) -> None:
        node.start(self.nodes, self.binary)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
