"""The generated AsyncAPI document read by FastStream's own AsyncAPI models, and every reference
in it followed: each channel's message resolves to a message whose payload is a schema of the
document. A copy broken in any of those ways is refused, so the checks can fail.

FastStream 0.7.8 models AsyncAPI 2.6.0 and 3.0.0 (`faststream.specification.asyncapi`). Its
models are lenient — they allow extra fields, take any string as the version and leave a
reference unresolved — so the version, the references and the channel parameters are checked
here as well."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from faststream.specification.asyncapi.v2_6_0.schema import (
    ApplicationSchema as AsyncAPI260,
)
from faststream.specification.asyncapi.v3_0_0.schema import (
    ApplicationSchema as AsyncAPI300,
)
from faststream.specification.base.schema import BaseApplicationSchema
from pydantic import ValidationError

from contracts.asyncapi import GENERATED

MODELS: dict[str, type[BaseApplicationSchema]] = {"3.0.0": AsyncAPI300, "2.6.0": AsyncAPI260}
"""The AsyncAPI versions FastStream models, each with its document model."""


class BrokenDocumentError(Exception):
    """The document is not one FastStream reads, or a reference in it leads nowhere."""


def documents() -> list[Path]:
    """The generated AsyncAPI documents as they are now (another change may regenerate them)."""
    found = sorted(p for p in GENERATED.glob("asyncapi*") if p.suffix in (".json", ".yaml", ".yml"))
    assert found, f"no AsyncAPI document in {GENERATED.name}/"
    return found


def load(path: Path) -> dict[str, Any]:
    text = path.read_text("utf-8")
    loaded = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    assert isinstance(loaded, dict)
    return loaded


def pointer(document: dict[str, Any], ref: str) -> Any:
    """What a local reference (`#/components/schemas/X`) points at; raises when nothing."""
    if not ref.startswith("#/"):
        raise BrokenDocumentError(f"{ref}: not a reference within the document")
    node: Any = document
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or token not in node:
            raise BrokenDocumentError(f"{ref}: nothing at {token!r}")
        node = node[token]
    return node


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def followed(document: dict[str, Any], node: Any) -> Any:
    """The node, or what its `$ref` points at."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = pointer(document, node["$ref"])
    return node


def payload_schemas(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(channel, message, schema) for every message of every channel: the message resolved, its
    payload a reference to a schema among the document's components, resolved."""
    schemas = document.get("components", {}).get("schemas", {})
    for channel_name, channel in document.get("channels", {}).items():
        messages = followed(document, channel).get("messages") or {}
        if not messages:
            raise BrokenDocumentError(f"channel {channel_name}: no message")
        for message_name, message in messages.items():
            payload = followed(document, message).get("payload")
            ref = payload.get("$ref") if isinstance(payload, dict) else None
            prefix = "#/components/schemas/"
            if not isinstance(ref, str) or not ref.startswith(prefix):
                raise BrokenDocumentError(f"{channel_name}/{message_name}: payload is no schema")
            if ref.removeprefix(prefix) not in schemas:
                raise BrokenDocumentError(f"{channel_name}/{message_name}: {ref} is missing")
            schema = pointer(document, ref)
            if not isinstance(schema, dict):
                raise BrokenDocumentError(f"{ref}: not a schema")
            yield channel_name, message_name, schema


def check_parameters(document: dict[str, Any]) -> None:
    """Every `{name}` in a channel's address is a declared parameter, and no other."""
    for name, channel in document.get("channels", {}).items():
        channel = followed(document, channel)
        used = set(re.findall(r"\{([^}]+)\}", channel.get("address") or ""))
        declared = set(channel.get("parameters") or {})
        if used != declared:
            raise BrokenDocumentError(f"channel {name}: address uses {used}, declares {declared}")


def validated(document: dict[str, Any]) -> BaseApplicationSchema:
    """The document read by FastStream's model of its AsyncAPI version, every reference in it
    resolved and every channel's messages carrying a schema; raises `ValidationError` or
    `BrokenDocumentError`."""
    version = document.get("asyncapi")
    if version not in MODELS:
        raise BrokenDocumentError(f"AsyncAPI {version!r} is not modelled by FastStream")
    model = MODELS[version].model_validate(document)
    for ref in references(document):
        pointer(document, ref)
    check_parameters(document)
    for _ in payload_schemas(document):
        pass
    return model


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.name)
def test_the_generated_document_is_read_by_faststreams_asyncapi_models(path: Path) -> None:
    document = load(path)
    model = validated(document)
    assert isinstance(model, AsyncAPI300)  # the version contracts/asyncapi.py declares
    assert model.info.title and model.info.version
    assert set(model.channels) == set(document["channels"])
    assert set(model.operations) == set(document["operations"])
    assert model.components is not None and model.components.messages
    assert len(model.components.messages) == len(document["components"]["messages"])
    for name, operation in model.operations.items():
        channel = operation.channel
        ref = getattr(channel, "ref", None)
        assert ref is not None, name
        assert pointer(document, ref) is document["channels"][ref.rsplit("/", 1)[1]]


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.name)
def test_every_channels_message_payload_resolves_to_a_schema_of_the_document(path: Path) -> None:
    document = load(path)
    seen = {channel for channel, _, _ in payload_schemas(document)}
    assert seen == set(document["channels"])
    for channel, message, schema in payload_schemas(document):
        assert schema.get("type") == "object", (channel, message)
        assert {"envelope", "data"} <= set(schema.get("properties", {})), (channel, message)


def first(mapping: dict[str, Any]) -> str:
    return next(iter(mapping))


def _operation_verb_of_asyncapi_2(d: dict[str, Any]) -> None:
    d["operations"][first(d["operations"])]["action"] = "publish"


def _message_without_payload(d: dict[str, Any]) -> None:
    del d["components"]["messages"][first(d["components"]["messages"])]["payload"]


def _info_without_version(d: dict[str, Any]) -> None:
    del d["info"]["version"]


def _channel_without_messages(d: dict[str, Any]) -> None:
    del d["channels"][first(d["channels"])]["messages"]


def _version_not_modelled(d: dict[str, Any]) -> None:
    d["asyncapi"] = "3.1.0"


def _channel_message_leads_nowhere(d: dict[str, Any]) -> None:
    channel = d["channels"][first(d["channels"])]
    channel["messages"][first(channel["messages"])]["$ref"] = "#/components/messages/missing"


def _payload_schema_missing(d: dict[str, Any]) -> None:
    message = d["components"]["messages"][first(d["components"]["messages"])]
    del d["components"]["schemas"][message["payload"]["$ref"].rsplit("/", 1)[1]]


def _payload_inline_not_a_schema(d: dict[str, Any]) -> None:
    d["components"]["messages"][first(d["components"]["messages"])]["payload"] = {}


def _schema_reference_dangling(d: dict[str, Any]) -> None:
    d["components"]["schemas"]["Envelope"]["properties"]["event_id"] = {
        "$ref": "#/components/schemas/Nowhere"
    }


def _operation_channel_missing(d: dict[str, Any]) -> None:
    d["operations"][first(d["operations"])]["channel"] = {"$ref": "#/channels/nowhere"}


def _parameter_undeclared(d: dict[str, Any]) -> None:
    del d["channels"][first(d["channels"])]["parameters"]


BREAKAGES: list[Callable[[dict[str, Any]], None]] = [
    _operation_verb_of_asyncapi_2,
    _message_without_payload,
    _info_without_version,
    _channel_without_messages,
    _version_not_modelled,
    _channel_message_leads_nowhere,
    _payload_schema_missing,
    _payload_inline_not_a_schema,
    _schema_reference_dangling,
    _operation_channel_missing,
    _parameter_undeclared,
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__.strip("_"))
def test_a_broken_copy_of_the_document_is_refused(
    breakage: Callable[[dict[str, Any]], None],
) -> None:
    document = load(documents()[0])
    validated(document)  # whole, it passes
    broken = copy.deepcopy(document)
    breakage(broken)
    with pytest.raises((ValidationError, BrokenDocumentError)):
        validated(broken)
