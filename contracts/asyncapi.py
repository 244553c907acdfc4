"""The AsyncAPI 3.0 document and JSON Schemas, generated from the registered message types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from contracts import catalog
from contracts.base import Payload
from contracts.envelope import Envelope, Message

GENERATED = Path(__file__).resolve().parent / "generated"
_REF = "#/components/schemas/{model}"
_SENDS = {
    "command": "organization",
    "reply": "organization",
    "event": "service",
    "notice": "service",
    "rejection": "service",
}


def _name(message_type: str) -> str:
    return message_type.replace(".", "_")


def _channel(t: str, cls: type[Payload]) -> dict[str, Any]:
    role = "receiving" if cls.kind() in ("notice", "rejection") else "publishing"
    return {
        "address": t + ".{org}",
        "description": (cls.__doc__ or "").strip(),
        "parameters": {"org": {"description": f"Code of the {role} organization."}},
        "messages": {_name(t): {"$ref": f"#/components/messages/{_name(t)}"}},
    }


def _message(t: str, cls: type[Payload]) -> dict[str, Any]:
    return {
        "name": t,
        "title": cls.__name__,
        "summary": (cls.__doc__ or "").strip().split("\n")[0],
        "contentType": "application/json",
        "headers": {
            "type": "object",
            "properties": {
                "Nats-Msg-Id": {"type": "string", "description": "The envelope's event id."},
                "traceparent": {"type": "string", "description": "W3C trace context."},
            },
        },
        "payload": {"$ref": f"#/components/schemas/{_name(t)}"},
    }


def _operation(t: str, cls: type[Payload]) -> dict[str, Any]:
    action = "receive" if _SENDS[cls.kind()] == "organization" else "send"
    return {
        "action": action,
        "channel": {"$ref": f"#/channels/{_name(t)}"},
        "summary": f"The system {action}s {t}.",
    }


def schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per message type: the whole wire message, envelope and data."""
    return {t: Message[cls].model_json_schema() for t, cls in catalog.public().items()}  # type: ignore[valid-type]


def _components() -> dict[str, Any]:
    out: dict[str, Any] = {"Envelope": Envelope.model_json_schema(ref_template=_REF)}
    for t, cls in catalog.public().items():
        schema = Message[cls].model_json_schema(ref_template=_REF)  # type: ignore[valid-type]
        out.update(schema.pop("$defs", {}))
        out[_name(t)] = schema
    return out


def document() -> dict[str, Any]:
    items = catalog.public().items()
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Fuyuan 府院联动",
            "version": "1",
            "description": "Messages between courts, bureaus and the Fuyuan services. "
            "A subject is the message type with the organization code appended.",
        },
        "defaultContentType": "application/json",
        "channels": {_name(t): _channel(t, c) for t, c in items},
        "operations": {_name(t): _operation(t, c) for t, c in items},
        "components": {
            "messages": {_name(t): _message(t, c) for t, c in items},
            "schemas": _components(),
        },
    }


def rendered() -> dict[str, str]:
    """Relative path → file text, for every generated file."""
    files = {"asyncapi.json": _dump(document())}
    for t, schema in schemas().items():
        files[f"schemas/{t}.json"] = _dump(schema)
    return files


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def export(target: Path = GENERATED) -> list[Path]:
    written = []
    for rel, text in rendered().items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
