"""The fault suite's own accounts (`chaos`): the fuzzer's event ids, the book's places, and what
the report shows of a failed audit."""

from __future__ import annotations

import json
import re
import uuid

from chaos.book import Book, Sent, envelope_id
from chaos.checks import Audit, injected, summarize
from chaos.fuzz import GOLDEN, hostile

RECONCILE = (
    "bankruptcy log: 0 missing from the journal, 2 missing from the service, 0 differ, "
    "0 set aside by the relay",
    "  journaled, not in the service's log: 4074160f-35b3-e794-9383-6e646628a325",
    "  journaled, not in the service's log: e3e70682-c209-4cac-629f-6fbed82c07cd",
    "enforcement log: 0 missing from the journal, 0 missing from the service, 0 differ, "
    "0 set aside by the relay",
    "BANKRUPTCY stream: 13 messages, 0 missing from the journal, 0 differ, 0 only in the "
    "journal, 0 letters removed after an operator's recorded action",
    "ENFORCEMENT stream: 4123 messages, 0 missing from the journal, 0 differ, 0 only in the "
    "journal, 0 letters removed after an operator's recorded action",
    "DEADLETTER stream: 0 messages, 0 missing from the journal, 0 differ, 0 only in the "
    "journal, 0 letters removed after an operator's recorded action",
)
FOREIGN = {"4074160f-35b3-e794-9383-6e646628a325", "e3e70682-c209-4cac-629f-6fbed82c07cd"}


def failed(lines: tuple[str, ...]) -> Audit:
    return Audit("reconcile", False, summarize(False, lines), lines)


UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_no_two_hostile_messages_of_a_run_share_an_event_id() -> None:
    examples = list(hostile(200, at_seed=7))
    ids = [eid for _subject, data in examples if (eid := envelope_id(data))]
    assert len(ids) > 50
    assert len(set(ids)) == len(ids)
    assert list(hostile(200, at_seed=7)) == examples  # the same for the same seed


def test_the_ids_are_numbered_in_every_body_built_on_a_sample() -> None:
    # Even where the suite cannot read the id back (a key repeated, bytes cut), the service
    # may: every event id in any body is the run's own, in no other example.
    samples = "".join(p.read_text("utf-8") for p in GOLDEN.glob("*.json"))
    owner: dict[str, int] = {}
    for n, (_subject, data) in enumerate(hostile(200, at_seed=11)):
        for text in set(UUID_TEXT.findall(data.decode("utf-8", "replace"))):
            if text not in samples:
                assert owner.setdefault(text, n) == n, f"{text} in examples {owner[text]} and {n}"
    assert len(owner) > 50
    assert {uuid.UUID(t).version for t in owner} == {5}


def sent(stream: str, seq: int, subject: str, event_id: str | None, kind: str = "fuzz") -> Sent:
    return Sent(seq, subject, kind, "0" * 64, event_id, 1.0, stream)


def rejection(event_id: str, rejected: str) -> bytes:
    envelope = {"event_id": event_id, "type": "enforcement.rejection.message_rejected.v1"}
    return json.dumps({"envelope": envelope, "data": {"rejected_event_id": rejected}}).encode()


def test_the_same_sequence_in_two_streams_is_two_messages() -> None:
    book = Book()
    command = sent(
        "ENFORCEMENT", 6, "enforcement.command.register_case.v1.CT410482", "a" * 8, "command"
    )
    foreign = sent("BANKRUPTCY", 6, "bankruptcy.event.petition_accepted.v1.CT410482", "b" * 8)
    book.record_sent(command)
    book.record_sent(foreign)
    assert len(book.sent) == 2
    book.observe(40, "enforcement.rejection.message_rejected.v1.CT410482", rejection("r1", "b" * 8))
    book.letter(("BANKRUPTCY", 6), "enforcement_bankruptcy", "boom")
    assert book.answered_at(foreign) is not None
    assert book.answered_at(command) is None
    assert [str(s) for s in book.unanswered()] == [
        "ENFORCEMENT:6 command enforcement.command.register_case.v1.CT410482 id=aaaaaaaa"
    ]


def test_a_failed_check_shows_what_failed_first_and_in_full() -> None:
    summary = summarize(False, RECONCILE)
    assert summary.startswith("bankruptcy log: 0 missing from the journal, 2 missing from the")
    assert "e3e70682-c209-4cac-629f-6fbed82c07cd" in summary
    assert "BANKRUPTCY stream" not in summary and "(4 other lines without a problem)" in summary
    # Many ids: the first ones, then a count, never a cut in the middle of a line.
    many = (RECONCILE[0], *[f"  not journaled: ENFORCEMENT:{n}" for n in range(40)])
    assert summarize(False, many).endswith("ENFORCEMENT:11; … and 28 more")
    # A command that passed: its first words.
    assert summarize(True, ("ok: entries checked: 3", "more")) == "ok: entries checked: 3; more"


def test_reconcile_passes_when_it_names_exactly_what_the_suite_published_for_another() -> None:
    judged = injected(failed(RECONCILE), FOREIGN | {"another-injected"})
    assert judged.ok
    assert "the 2 events the suite published on another service's subjects" in judged.summary


def test_reconcile_still_fails_on_anything_else() -> None:
    # An id the suite did not publish.
    assert not injected(failed(RECONCILE), {"4074160f-35b3-e794-9383-6e646628a325"}).ok
    # Nothing injected at all.
    assert not injected(failed(RECONCILE), set()).ok
    # Another problem beside them: a stream message not journaled.
    worse = (
        *RECONCILE[:4],
        "ENFORCEMENT stream: 4123 messages, 1 missing from the journal, 0 differ, 0 only in "
        "the journal, 0 letters removed after an operator's recorded action",
        "  not journaled: ENFORCEMENT:77",
    )
    assert not injected(failed(worse), FOREIGN).ok
    # An event of the log missing from the journal, on the same line.
    both = (
        "bankruptcy log: 1 missing from the journal, 2 missing from the service, 0 differ, "
        "0 set aside by the relay",
        *RECONCILE[1:3],
        "  not journaled: 11111111-1111-1111-1111-111111111111",
    )
    assert not injected(failed(both), FOREIGN).ok
