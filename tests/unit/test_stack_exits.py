"""`fuyuan up`'s judgement of a child's exit: a service that never logged its start crashed at
start, however long that start took; one that did is restarted."""

from __future__ import annotations

from pathlib import Path

from services.cli.stack import Child, came_up


def _child(tmp_path: Path, args: tuple[str, ...], before: bytes, after: bytes) -> Child:
    log = tmp_path / "child.log"
    log.write_bytes(before + after)
    return Child("enforcement", args, log, log_offset=len(before))


def test_a_service_that_never_logged_its_start_did_not_come_up(tmp_path: Path) -> None:
    line = b'{"event": "service cannot start", "reason": "bad setting"}\n'
    assert not came_up(_child(tmp_path, ("service", "enforcement"), b"", line))


def test_a_service_that_logged_its_start_came_up(tmp_path: Path) -> None:
    line = b'{"service": "enforcement", "event": "service started"}\n'
    assert came_up(_child(tmp_path, ("service", "enforcement"), b"", line))


def test_only_this_run_of_the_log_counts(tmp_path: Path) -> None:
    earlier = b'{"service": "enforcement", "event": "service started"}\n'
    now = b'{"event": "service cannot start"}\n'
    assert not came_up(_child(tmp_path, ("service", "enforcement"), earlier, now))


def test_children_that_are_not_services_are_judged_by_time_alone(tmp_path: Path) -> None:
    assert came_up(_child(tmp_path, ("workbench", "--port", "1"), b"", b""))
