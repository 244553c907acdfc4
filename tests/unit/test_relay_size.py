"""The relay's size check counts exactly what the server counts against max_payload."""

from __future__ import annotations

from typing import Any

from nats.aio.client import Client

from services.runtime.relay import Pending


async def sent_size(subject: str, payload: bytes, headers: dict[str, str]) -> int:
    """The size nats-py announces in its HPUB command: headers plus payload."""
    nc, sent = Client(), []

    async def capture(cmd: Any, priority: bool = False) -> None:
        sent.append(bytes(cmd))

    nc._send_command = capture  # type: ignore[method-assign]
    await nc._send_publish(subject, "_INBOX.x", payload, len(payload), headers)
    first_line = sent[0].split(b"\r\n", 1)[0]
    return int(first_line.split()[-1])


async def test_the_size_of_an_event_with_its_headers_is_what_the_server_is_told() -> None:
    p = Pending(
        tx=1,
        position=7,
        event_id="7b0e8a0e-8d8e-4a55-9d0c-6f0a3c1d9e21",
        type="enforcement.event.freeze_applied.v1",
        subject="enforcement.event.x.v1.FUYUAN",
        message='{"note": "冻结 — frozen"}'.encode(),
        headers={
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "Fuyuan-Note": " 说明 ",
        },
    )
    assert p.wire_size() == await sent_size(p.subject, p.message, p.outgoing_headers())
