"""The relay's batch span links each distinct trace of the batch once, read from the stored
trace headers as the propagator reads them."""

from __future__ import annotations

from opentelemetry import trace

from services.runtime.observability import extract_context
from services.runtime.relay import MAX_LINKS, Pending, _links


def pending(n: int, headers: dict[str, str]) -> Pending:
    return Pending(1, n, f"id-{n}", "t", "s", b"{}", headers)


def traceparent(trace_id: int, span_id: int = 1, flags: str = "01") -> str:
    return f"00-{trace_id:032x}-{span_id:016x}-{flags}"


def propagated(headers: dict[str, str]) -> trace.SpanContext:
    return trace.get_current_span(extract_context(headers)).get_span_context()


def test_each_distinct_trace_is_linked_once_as_the_propagator_reads_it() -> None:
    headers = [
        {"traceparent": traceparent(7)},
        {"traceparent": traceparent(7)},
        {"traceparent": traceparent(8, 2, "00")},
        {"traceparent": traceparent(9), "tracestate": "vendor=x"},
        {"traceparent": traceparent(9), "tracestate": "vendor=x"},
    ]
    links = list(_links([pending(i, h) for i, h in enumerate(headers)]))
    assert links == [propagated(headers[0]), propagated(headers[2]), propagated(headers[3])]
    assert links[2].trace_state.get("vendor") == "x"


def test_no_link_for_missing_or_invalid_trace_headers() -> None:
    headers = [
        {},
        {"traceparent": traceparent(0)},  # an all-zero trace id is invalid
        {"traceparent": "00-zz-zz-01"},
        {"traceparent": traceparent(5, 0)},  # so is an all-zero span id
        {"other": "x"},
    ]
    assert list(_links([pending(i, h) for i, h in enumerate(headers)])) == []


def test_at_most_the_link_limit() -> None:
    batch = [pending(i, {"traceparent": traceparent(i + 1)}) for i in range(MAX_LINKS + 50)]
    links = list(_links(batch))
    assert len(links) == MAX_LINKS
    assert [c.trace_id for c in links] == list(range(1, MAX_LINKS + 1))
