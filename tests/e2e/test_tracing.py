"""One trace from the court's query through every bureau notice and answer to the result,
exported over OTLP/HTTP to a receiver inside the test."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from nats.aio.client import Client
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from contracts.enforcement import PropertyKind, QueryProperty
from contracts.envelope import Message
from services.bureaus.client import BureauClient, Handler
from services.bureaus.replies import answer
from services.runtime.devstack import free_port
from services.runtime.observability import inject_headers
from tests.e2e.world import COURT, World, expected_bureaus, registered

pytestmark = pytest.mark.integration


class Receiver(BaseHTTPRequestHandler):
    spans: ClassVar[list[Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        for rs in request.resource_spans:
            for ss in rs.scope_spans:
                Receiver.spans.extend(ss.spans)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def otlp(tracer_provider: TracerProvider) -> Iterator[SimpleSpanProcessor]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1/traces"
    processor = SimpleSpanProcessor(OTLPSpanExporter(endpoint=url, timeout=5))
    tracer_provider.add_span_processor(processor)
    Receiver.spans = []
    try:
        yield processor
    finally:
        processor.shutdown()  # later spans of the session are dropped by it, not sent
        server.shutdown()


@contextlib.asynccontextmanager
async def bureaus_answering(nats_url: str, world: World, codes: set[str]) -> AsyncIterator[None]:
    """A real bureau client per bureau, answering each query with nothing found."""

    def handler(org: str) -> Handler:
        async def handle(notice: Message[Any]) -> Message[Any] | None:
            return answer(notice, [], org, world.clock())

        return handle

    stop = asyncio.Event()
    fast: dict[str, Any] = {"backoff": (0.05, 0.1), "fetch_timeout": 0.2}
    clients = [BureauClient(org, nats_url, handler(org), **fast) for org in sorted(codes)]
    tasks = [asyncio.create_task(client.run(stop)) for client in clients]
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)


def in_trace(trace_id: str) -> dict[str, list[Any]]:
    """Span name → the exported spans of that name in the trace."""
    spans: dict[str, list[Any]] = {}
    for span in Receiver.spans:
        if span.trace_id.hex() == trace_id:
            spans.setdefault(span.name, []).append(span)
    return spans


async def until(predicate: Callable[[], bool], seconds: float = 15) -> None:
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")


def child_of(span: Any, parent: Any) -> bool:
    return bool(span.parent_span_id == parent.span_id)


async def test_one_trace_runs_from_the_query_through_each_bureaus_spans_and_answer_to_the_result(
    world: World, nc: Client, nats_url: str, otlp: SimpleSpanProcessor
) -> None:
    reg = await registered(world)
    kinds = (PropertyKind.REAL_ESTATE, PropertyKind.DEPOSIT)
    world.silent = expected_bureaus(kinds)  # the bureau clients below answer instead
    results: list[Any] = []

    async def court(raw: Any) -> None:
        results.append(raw)

    await nc.subscribe(f"enforcement.notice.property_result.v1.{COURT}", cb=court)
    async with bureaus_answering(nats_url, world, world.silent):
        with trace.get_tracer("court").start_as_current_span("court queries property") as root:
            trace_id = format(root.get_span_context().trace_id, "032x")
            case, debtor = reg.data.case_number, reg.data.debtors[0]
            query = QueryProperty(case_number=case, debtor=debtor, kinds=list(kinds))
            await world.command(query, headers=inject_headers())
        [result] = await world.wait("property_result")
    assert result["data"]["complete"] is True
    assert len(world.silent) >= 2
    otlp.force_flush()
    spans = in_trace(trace_id)
    [court_span] = spans["court queries property"]
    [service] = spans[f"consume enforcement.command.query_property.v1.{COURT}"]
    assert child_of(service, court_span)
    handled_answers = []
    for bureau in world.silent:
        [consumed] = spans[f"consume enforcement.notice.property_query.v1.{bureau}"]
        [published] = spans[f"publish enforcement.reply.property_answer.v1.{bureau}"]
        [handled] = spans[f"consume enforcement.reply.property_answer.v1.{bureau}"]
        assert child_of(consumed, service)  # the notice carries the service's context
        assert child_of(published, consumed)
        assert child_of(handled, published)  # the answer carries the bureau's context
        handled_answers.append(handled.span_id.hex())
    _, result_trace, result_parent, _ = results[0].headers["traceparent"].split("-")
    assert (result_trace, result_parent in handled_answers) == (trace_id, True)


async def test_a_result_the_deadline_closes_continues_the_trace_of_the_query(
    world: World, nc: Client, otlp: SimpleSpanProcessor
) -> None:
    reg = await registered(world)
    kinds = (PropertyKind.REAL_ESTATE,)
    world.silent = expected_bureaus(kinds)  # nobody answers: the deadline closes the query
    results: list[Any] = []

    async def court(raw: Any) -> None:
        results.append(raw)

    await nc.subscribe(f"enforcement.notice.property_result.v1.{COURT}", cb=court)
    with trace.get_tracer("court").start_as_current_span("court queries property") as root:
        trace_id = format(root.get_span_context().trace_id, "032x")
        case, debtor = reg.data.case_number, reg.data.debtors[0]
        query = QueryProperty(case_number=case, debtor=debtor, kinds=list(kinds))
        await world.command(query, headers=inject_headers())
    await until(lambda: len(world.notices) >= len(world.silent))  # the query is stored
    world.clock.now += timedelta(hours=72, seconds=1)
    assert await world.deadlines().tick() == 1
    [result] = await world.wait("property_result")
    assert result["data"]["complete"] is False
    otlp.force_flush()
    spans = in_trace(trace_id)
    [service] = spans[f"consume enforcement.command.query_property.v1.{COURT}"]
    [deadline] = spans["deadline due"]
    assert child_of(deadline, service)  # the query's stored context, not a new trace
    assert results[0].headers["traceparent"].split("-")[1:3] == [trace_id, deadline.span_id.hex()]
