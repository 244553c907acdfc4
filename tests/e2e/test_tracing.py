"""One trace from the court's query through every bureau notice and answer to the result,
exported over OTLP/HTTP to a receiver inside the test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
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
from contracts.registry import parse_message
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


async def test_one_trace_spans_query_notices_answers_and_result(
    world: World, nc: Client, otlp: SimpleSpanProcessor
) -> None:
    reg = await registered(world)
    kinds = (PropertyKind.REAL_ESTATE, PropertyKind.DEPOSIT)
    world.silent = expected_bureaus(kinds)  # the bureaus below answer instead, keeping the trace
    notices: list[Any] = []
    results: list[Any] = []

    async def bureau(raw: Any) -> None:
        notices.append(raw)
        reply = answer(parse_message(raw.data), [], raw.subject.rsplit(".", 1)[1], world.clock())
        await world.publish(reply, {"traceparent": raw.headers["traceparent"]})

    async def court(raw: Any) -> None:
        results.append(raw)

    await nc.subscribe("enforcement.notice.property_query.v1.*", cb=bureau)
    await nc.subscribe(f"enforcement.notice.property_result.v1.{COURT}", cb=court)
    with trace.get_tracer("court").start_as_current_span("court queries property") as root:
        trace_id = format(root.get_span_context().trace_id, "032x")
        query = QueryProperty(case_number=reg.data.case_number, debtor=reg.data.debtors[0],
                              kinds=list(kinds))  # fmt: skip
        await world.command(query, headers=inject_headers())
    [result] = await world.wait("property_result")
    assert result["data"]["complete"] is True
    assert len(notices) == len(world.silent) >= 2
    assert {n.headers["traceparent"].split("-")[1] for n in notices} == {trace_id}
    assert results[0].headers["traceparent"].split("-")[1] == trace_id
    otlp.force_flush()
    names = [s.name for s in Receiver.spans if s.trace_id.hex() == trace_id]
    assert "court queries property" in names
    assert f"consume enforcement.command.query_property.v1.{COURT}" in names
    answered = [n for n in names if n.startswith("consume enforcement.reply.property_answer.v1.")]
    assert len(answered) == len(notices)
