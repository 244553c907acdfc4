"""签名检查点 — a signed checkpoint verifies with its key and with nothing else."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.ledger.signing import (
    Checkpoint,
    generate_key,
    key_id,
    public_key_of,
    sign_checkpoint,
    verify_checkpoint,
)

# RFC 8032 §7.1 test 1: a published key pair, so these tests also pin the key encoding.
RFC8032_PRIVATE = base64.b64encode(
    bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
).decode()
RFC8032_PUBLIC = base64.b64encode(
    bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
).decode()
ROOT = bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
BEIJING = timezone(timedelta(hours=8))
SIGNED_AT = datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING)


@pytest.fixture
def checkpoint() -> Checkpoint:
    return sign_checkpoint(8, ROOT, SIGNED_AT, RFC8032_PRIVATE)


def test_the_public_key_of_a_private_key_is_the_rfc_8032_one() -> None:
    assert public_key_of(RFC8032_PRIVATE) == RFC8032_PUBLIC


def test_a_generated_key_is_32_raw_bytes_with_a_32_byte_public_key() -> None:
    private = generate_key()
    assert len(base64.b64decode(private)) == 32
    assert len(base64.b64decode(public_key_of(private))) == 32
    assert generate_key() != private


def test_a_key_id_is_the_start_of_the_sha256_of_the_raw_public_key() -> None:
    raw = base64.b64decode(RFC8032_PUBLIC)
    assert key_id(RFC8032_PUBLIC) == hashlib.sha256(raw).hexdigest()[:16]
    assert key_id(RFC8032_PUBLIC) == key_id(public_key_of(RFC8032_PRIVATE))


def test_a_checkpoint_records_what_was_signed(checkpoint: Checkpoint) -> None:
    assert checkpoint.tree_size == 8
    assert checkpoint.root_hash == ROOT.hex()
    assert checkpoint.signed_at == "2026-03-01T01:30:00.000000+00:00"
    assert checkpoint.key_id == key_id(RFC8032_PUBLIC)


def test_the_signed_payload_is_four_plain_lines(checkpoint: Checkpoint) -> None:
    assert checkpoint.signed_payload() == (
        b"fuyuan-ledger-checkpoint/v1\n8\n"
        + ROOT.hex().encode()
        + b"\n2026-03-01T01:30:00.000000+00:00\n"
    )


def test_ed25519_signatures_are_deterministic_so_a_checkpoint_is_too() -> None:
    first = sign_checkpoint(8, ROOT, SIGNED_AT, RFC8032_PRIVATE)
    assert sign_checkpoint(8, ROOT, SIGNED_AT.astimezone(UTC), RFC8032_PRIVATE) == first


def test_a_signed_checkpoint_verifies_with_its_public_key(checkpoint: Checkpoint) -> None:
    assert verify_checkpoint(checkpoint, RFC8032_PUBLIC)


def test_a_checkpoint_survives_a_json_round_trip(checkpoint: Checkpoint) -> None:
    again = Checkpoint.from_json(checkpoint.to_json())
    assert again == checkpoint
    assert verify_checkpoint(again, RFC8032_PUBLIC)


@pytest.mark.parametrize(
    "changes",
    [
        {"tree_size": 9},
        {"tree_size": 7},
        {"root_hash": "00" * 32},
        {"root_hash": ROOT.hex().upper()},
        {"signed_at": "2026-03-01T01:30:01.000000+00:00"},
        {"signed_at": "2026-03-01T01:30:00+00:00"},
        {"signed_at": "2026-03-01T09:30:00.000000+08:00"},
        {"signed_at": "2026-03-01T01:30:00.000000Z"},
        {"key_id": "0" * 16},
    ],
    ids=repr,
)
def test_a_tampered_checkpoint_does_not_verify(
    checkpoint: Checkpoint, changes: dict[str, object]
) -> None:
    assert not verify_checkpoint(replace(checkpoint, **changes), RFC8032_PUBLIC)  # type: ignore[arg-type]


def test_a_tampered_signature_does_not_verify(checkpoint: Checkpoint) -> None:
    raw = base64.b64decode(checkpoint.signature)
    for i in (0, 31, 32, 63):
        flipped = raw[:i] + bytes([raw[i] ^ 1]) + raw[i + 1 :]
        bad = replace(checkpoint, signature=base64.b64encode(flipped).decode())
        assert not verify_checkpoint(bad, RFC8032_PUBLIC)


def test_a_signature_in_a_second_base64_spelling_does_not_verify(checkpoint: Checkpoint) -> None:
    # The last character of 64 bytes in base64 carries four unused bits.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    sig = checkpoint.signature
    respelled = sig[:-3] + alphabet[alphabet.index(sig[-3]) ^ 1] + "=="
    assert base64.b64decode(respelled) == base64.b64decode(sig)
    assert not verify_checkpoint(replace(checkpoint, signature=respelled), RFC8032_PUBLIC)


def test_a_checkpoint_does_not_verify_with_another_key(checkpoint: Checkpoint) -> None:
    assert not verify_checkpoint(checkpoint, public_key_of(generate_key()))
    forged = sign_checkpoint(8, ROOT, SIGNED_AT, generate_key())
    assert not verify_checkpoint(replace(forged, key_id=checkpoint.key_id), RFC8032_PUBLIC)


@pytest.mark.parametrize(
    "signature",
    ["", "not base64!", "AAAA", base64.b64encode(bytes(64)).decode(), "é" * 88],
    ids=repr,
)
def test_a_malformed_signature_is_refused_without_raising(
    checkpoint: Checkpoint, signature: str
) -> None:
    assert not verify_checkpoint(replace(checkpoint, signature=signature), RFC8032_PUBLIC)


@pytest.mark.parametrize(
    "changes",
    [
        {"tree_size": -1},
        {"tree_size": True},
        {"tree_size": "8"},
        {"root_hash": None},
        {"signed_at": "yesterday"},
        {"signed_at": "2026-03-01T01:30:00"},
        {"signed_at": "2026-13-01T01:30:00+00:00"},
        {"signed_at": "20260301T013000+0000"},
        {"signed_at": "２０２６-03-01T01:30:00+00:00"},
        {"signed_at": "2026-03-01T01:30:00.000000+00:00\n8"},
        {"signature": None},
    ],
    ids=repr,
)
def test_a_malformed_checkpoint_is_refused_without_raising(
    checkpoint: Checkpoint, changes: dict[str, object]
) -> None:
    assert not verify_checkpoint(replace(checkpoint, **changes), RFC8032_PUBLIC)  # type: ignore[arg-type]


@pytest.mark.parametrize("public", ["", "AAAA", "not base64", RFC8032_PRIVATE + "=", "x" * 44])
def test_a_malformed_public_key_is_refused_without_raising(
    checkpoint: Checkpoint, public: str
) -> None:
    assert not verify_checkpoint(checkpoint, public)


def test_signing_needs_an_aware_time_a_32_byte_root_and_a_size() -> None:
    needs = "a checkpoint needs a size >= 0, a 32-byte root and an aware time"
    with pytest.raises(ValueError, match=needs):
        sign_checkpoint(8, ROOT, datetime(2026, 3, 1), RFC8032_PRIVATE)
    with pytest.raises(ValueError, match=needs):
        sign_checkpoint(8, ROOT[:31], SIGNED_AT, RFC8032_PRIVATE)
    with pytest.raises(ValueError, match=needs):
        sign_checkpoint(-1, ROOT, SIGNED_AT, RFC8032_PRIVATE)


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        '{"tree_size": 8}',
        '{"tree_size":"8","root_hash":"","signed_at":"","key_id":"","signature":""}',
        '{"tree_size":8,"root_hash":"","signed_at":"","key_id":"","signature":"","x":1}',
    ],
)
def test_json_that_is_not_a_checkpoint_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Checkpoint.from_json(text)
