"""A loopback TCP proxy that loses traffic on demand, for fault tests.

Clients connect to the proxy instead of the server. It forwards both ways until told otherwise:
- `drop_replies()`: what the server sends is silently discarded (the connection stays open),
  so requests arrive and their answers — JetStream acknowledgements — never do;
- `reset()`: every open connection is reset on both sides at once (RST, no goodbye);
- `blackhole()`: new connections are accepted and then nothing is forwarded on them;
- `resume()`: forward again, on open and new connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from dataclasses import dataclass, field


@dataclass
class _Link:
    client: asyncio.StreamWriter
    server: asyncio.StreamWriter | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


@dataclass
class Proxy:
    """Forwards 127.0.0.1:`port` to `upstream_host`:`upstream_port`."""

    upstream_host: str
    upstream_port: int
    port: int = 0
    dropping: bool = False
    holing: bool = False
    links: list[_Link] = field(default_factory=list)
    dropped_bytes: int = 0
    _server: asyncio.Server | None = None

    @classmethod
    def to(cls, url: str) -> Proxy:
        """A proxy for `nats://host:port` (or any scheme://host:port)."""
        host, _, port = url.split("://", 1)[-1].rsplit("@", 1)[-1].partition(":")
        return cls(host, int(port.split("/")[0]))

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    async def start(self) -> Proxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self.reset()
        if self._server is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)

    def drop_replies(self) -> None:
        self.dropping = True

    def blackhole(self) -> None:
        self.holing = True

    def resume(self) -> None:
        self.dropping = self.holing = False

    def reset(self) -> None:
        """Reset every open connection on both sides."""
        links, self.links = self.links, []
        for link in links:
            for w in (link.client, link.server):
                if w is not None:
                    _abort(w)
            for t in link.tasks:
                t.cancel()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        link = _Link(writer)
        self.links.append(link)
        if self.holing:
            # Accepted, then silence: the client waits until its own timeout.
            link.tasks.append(asyncio.create_task(_swallow(reader)))
            return
        try:
            up_reader, up_writer = await asyncio.wait_for(
                asyncio.open_connection(self.upstream_host, self.upstream_port), 5.0
            )
        except (OSError, TimeoutError):
            _abort(writer)
            return
        link.server = up_writer
        link.tasks += [
            asyncio.create_task(self._pump(reader, up_writer, replies=False)),
            asyncio.create_task(self._pump(up_reader, writer, replies=True)),
        ]

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, replies: bool
    ) -> None:
        try:
            while data := await reader.read(65536):
                if replies and self.dropping:
                    self.dropped_bytes += len(data)
                    continue
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()


async def _swallow(reader: asyncio.StreamReader) -> None:
    with contextlib.suppress(OSError):
        while await reader.read(65536):
            pass


def _abort(writer: asyncio.StreamWriter) -> None:
    # SO_LINGER 0: closing sends RST instead of FIN, as a crashed peer or a middlebox would.
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
