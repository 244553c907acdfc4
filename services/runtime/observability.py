"""Logs and traces: structlog JSON lines and OpenTelemetry, the same in every service.

Every log line carries the trace id and span id of the current span and whatever the handler
bound (correlation id, event type). The span exporter is chosen by the standard variables:
OTEL_TRACES_EXPORTER (otlp, console or none; default none), OTEL_EXPORTER_OTLP_ENDPOINT, and
OTEL_SERVICE_NAME. Trace context travels in NATS headers (W3C traceparent / tracestate).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_propagator = TraceContextTextMapPropagator()


def _add_trace_ids(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    ctx = trace.get_current_span().get_span_context()
    if ctx.is_valid:
        event["trace_id"] = format(ctx.trace_id, "032x")
        event["span_id"] = format(ctx.span_id, "016x")
    return event


def configure_logging(level: str | None = None, *, json_lines: bool = True) -> None:
    level_no = logging.getLevelName((level or os.environ.get("FUYUAN_LOG_LEVEL", "INFO")).upper())
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_lines
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _add_trace_ids,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level_no),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )


def _exporter_from_env() -> SpanExporter | None:
    choice = os.environ.get("OTEL_TRACES_EXPORTER", "none").strip().lower()
    if choice == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()  # endpoint and headers from OTEL_EXPORTER_OTLP_* variables
    if choice == "console":
        return ConsoleSpanExporter(out=sys.stderr)
    return None


def configure_tracing(service_name: str, processor: SpanProcessor | None = None) -> TracerProvider:
    """Install a tracer provider for this process; `processor` overrides the env exporter."""
    name = os.environ.get("OTEL_SERVICE_NAME", f"fuyuan-{service_name}")
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    exporter = _exporter_from_env()
    if processor is not None:
        provider.add_span_processor(processor)
    elif exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return provider


def setup(service_name: str) -> None:
    configure_logging()
    configure_tracing(service_name)


def inject_headers(headers: dict[str, str] | None = None) -> dict[str, str]:
    """Headers with the current trace context added (traceparent, tracestate)."""
    carrier = dict(headers or {})
    _propagator.inject(carrier)
    return carrier


def extract_context(headers: Mapping[str, str] | None) -> otel_context.Context:
    return _propagator.extract(dict(headers or {}))


def trace_headers() -> dict[str, str]:
    """Just the current trace context, for storing beside an event."""
    return inject_headers({})
