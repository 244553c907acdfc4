"""A NATS connection's trouble is said once per outage, not once per reconnection attempt."""

from __future__ import annotations

from structlog.testing import capture_logs

from services.runtime.host import ConnectionLog


async def test_the_same_connection_error_is_logged_once_and_the_recovery_once() -> None:
    said = ConnectionLog("fuyuan-enforcement")
    with capture_logs() as logs:
        for _ in range(30):
            await said.error(ConnectionRefusedError(111, "Connect call failed"))
        await said.reconnected()
        await said.reconnected()
        await said.error(ConnectionResetError(104, "reset"))
    assert [e["event"] for e in logs] == [
        "NATS connection trouble",
        "NATS connection back",
        "NATS connection trouble",
    ]
