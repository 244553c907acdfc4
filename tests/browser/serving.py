"""An ASGI application served on a free loopback port inside the test's event loop, so that a
real browser can reach it and the test still shares its clock, pool and NATS connection."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import uvicorn


@contextlib.asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """The application's base URL while the block runs; its lifespan runs around it."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="auto",
        timeout_graceful_shutdown=2,  # an open event stream would otherwise hold the stop
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # wait for the fact: listening, or failed to start
        if task.done():
            raise RuntimeError(f"the web application did not start: {task.exception()!r}")
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
