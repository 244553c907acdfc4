"""Creating the streams at start while JetStream refuses for an outage: tried again, not fatal."""

from __future__ import annotations

import nats.errors
import pytest
from nats.js.api import StreamConfig
from nats.js.errors import APIError, BadRequestError, ServiceUnavailableError
from structlog.testing import capture_logs

from services.runtime import streams


def refusal(code: int, description: str) -> BadRequestError:
    return BadRequestError(code=400, err_code=code, description=description)


NO_PEERS = refusal(10005, "no suitable peers for placement, peer offline")


@pytest.mark.parametrize(
    "error",
    [
        NO_PEERS,
        ServiceUnavailableError(code=503, err_code=10008, description="temporarily unavailable"),
        APIError(code=500, err_code=10009, description="JetStream cluster can not handle request"),
        nats.errors.TimeoutError(),
        nats.errors.NoRespondersError(),
    ],
)
def test_an_outage_is_told_from_a_mistake(error: Exception) -> None:
    assert streams.unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        refusal(10058, "stream name already in use with a different configuration"),
        refusal(10052, "replicas > 1 not supported in non-clustered mode"),
        ValueError("a bug"),
    ],
)
def test_a_mistake_is_not_an_outage(error: Exception) -> None:
    assert not streams.unavailable(error)


class Refusing:
    """Refuses `times` tries with `error`, then creates the stream."""

    def __init__(self, times: int, error: Exception) -> None:
        self.times, self.error, self.tries = times, error, 0

    async def __call__(self) -> StreamConfig:
        self.tries += 1
        if self.tries <= self.times:
            raise self.error
        return StreamConfig(name="ENFORCEMENT")


async def test_refusals_of_an_outage_are_tried_again_with_growing_pauses_and_logged() -> None:
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    attempt = Refusing(7, NO_PEERS)
    with capture_logs() as logs:
        config = await streams.patiently("ENFORCEMENT", attempt, sleep=sleep)
    assert config.name == "ENFORCEMENT" and attempt.tries == 8
    assert pauses == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    warnings = [e for e in logs if e["log_level"] == "warning"]
    assert len(warnings) == 7
    assert warnings[0]["stream"] == "ENFORCEMENT"
    assert "peer offline" in warnings[0]["error"]


async def test_a_mistake_is_raised_at_once() -> None:
    attempt = Refusing(1, refusal(10058, "stream name already in use"))
    with pytest.raises(BadRequestError):
        await streams.patiently("ENFORCEMENT", attempt)
    assert attempt.tries == 1


async def test_with_patience_an_outage_that_lasts_is_raised_in_the_end() -> None:
    attempt = Refusing(10**6, NO_PEERS)
    with pytest.raises(BadRequestError):
        await streams.patiently("ENFORCEMENT", attempt, patience=0.0)
    assert attempt.tries == 1
