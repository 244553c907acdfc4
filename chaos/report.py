"""docs/RELIABILITY.md from a run: a summary, then a table per scenario."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime
from pathlib import Path

from chaos.accounting import Tally
from chaos.result import Result

ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def code() -> str:
    commit = _git("rev-parse", "--short", "HEAD")
    if not commit:
        return "not a git checkout"
    dirty = _git(
        "status", "--porcelain", "--untracked-files=no", "--", "services", "contracts", "deploy"
    )
    return f"commit {commit}" + (", with uncommitted changes to the services" if dirty else "")


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()}, {os.cpu_count()} cores"
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores"


def mark(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def _n(value: int) -> str:
    return f"{value:,}" if value == 0 else f"**{value:,}**"


def sent_text(t: Tally) -> str:
    kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(t.sent.items()))
    return f"{sum(t.sent.values()):,} ({kinds})"


def summary_row(r: Result) -> str:
    t = r.tally
    audit = [mark(a.ok) if a else "—" for a in (r.verify, r.reconcile)]
    alive = mark(bool(r.alive) and all(r.alive.values()))
    return (
        f"| {r.title} | {sum(t.sent.values()):,} | {t.outcome['effect']:,} | "
        f"{t.outcome['rejection']:,} | {_n(t.outcome['set_aside'])} | "
        f"{_n(t.outcome['silent'])} | {_n(t.outcome['lost'])} | {_n(t.duplicated)} | "
        f"{r.recovery_text()} | {audit[0]} | {audit[1]} | {alive} | "
        f"{'pass' if r.passed else '**FAIL**'} |"
    )


def faults_text(r: Result) -> str:
    if not r.faults:
        return "none (the load only)" if not r.fuzzed else f"{r.fuzzed:,} hostile messages"
    parts = []
    for f in r.faults:
        rec = f"recovered in {f.recovery:.1f} s" if f.recovery is not None else "not recovered"
        parts.append(
            f"{f.name} at {f.start - r.load_started:.0f} s (for {f.end - f.start:.0f} s), {rec}"
        )
    return "; ".join(parts)


def scenario_section(r: Result) -> list[str]:
    t = r.tally
    rows = [
        ("messages sent", sent_text(t)),
        ("effects", f"{t.outcome['effect']:,}"),
        ("rejections", f"{t.outcome['rejection']:,}"),
        (
            "set aside (with reason)",
            _n(t.outcome["set_aside"])
            + (
                f": {', '.join(f'{k} ×{n}' for k, n in t.set_aside_reasons.most_common(4))}"
                if t.set_aside_reasons
                else ""
            ),
        ),
        ("silent (recorded, never published)", _n(t.outcome["silent"])),
        ("lost", _n(t.outcome["lost"]) + _wildcards(t)),
        ("duplicated effects", _n(t.duplicated)),
        ("events in the log never published", _n(t.unpublished)),
        (
            "stream messages not journaled",
            _n(max(0, r.not_journaled)) if r.not_journaled >= 0 else f"unknown ({t.journal_error})",
        ),
        ("ledger dead letters", _n(t.ledger_letters)),
        ("faults", faults_text(r)),
        ("recovery time (median / max)", r.recovery_text()),
        ("peak RSS", ", ".join(f"{k} {v:.0f} MiB" for k, v in r.peak_rss_mib.items()) or "—"),
        ("`fuyuan audit verify`", _audit(r.verify)),
        ("`fuyuan audit reconcile`", _audit(r.reconcile)),
        (
            "alive at the end (answers a new message)",
            ", ".join(f"{k} {mark(v)}" for k, v in r.alive.items()) or "—",
        ),
        (
            "clean stop on SIGTERM",
            ", ".join(f"{k} {mark(v)}" for k, v in r.clean_stop.items()) or "—",
        ),
        ("every message answered within the wait", mark(r.settled)),
        ("scenario time", f"{r.seconds:.0f} s"),
    ]
    out = [
        f"## {r.title}",
        "",
        f"Result: {'pass' if r.passed else '**FAIL**'}",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in rows],
        "",
    ]
    if r.error:
        error = r.error.replace(f"{ROOT}/", "")
        out += [f"The scenario stopped with an error: `{error}`", ""]
    for violation in r.violations:
        out.append(f"- **{violation}**")
    for note in r.notes:
        out.append(f"- {note}".replace(f"{ROOT}/", ""))
    for what, examples in t.examples.items():
        out.append(f"- {what}, e.g.: " + "; ".join(f"`{e}`" for e in examples))
    if t.unsent:
        out.append(f"- {t.unsent} message(s) the server never acknowledged (not counted as sent)")
    return [*out, ""]


def _wildcards(t: Tally) -> str:
    if not t.lost_on_wildcards:
        return ""
    return (
        f", of which {t.lost_on_wildcards} on a subject with a wildcard token (`*`, `>`): "
        "stored by the stream, matched by no consumer; production permissions refuse such "
        "a publish"
    )


def _audit(a: object) -> str:
    if a is None:
        return "not run"
    ok, summary = getattr(a, "ok", False), getattr(a, "summary", "")
    text = summary.replace("|", "/").replace("\n", " ")
    return f"{'ok' if ok else '**FAILED**'}: {text}"


HEADER = """# Reliability: the fault suite 故障演练

`make chaos` (`python -m chaos`) runs the services as real processes on loopback under a
sustained mixed load — courts registering cases, querying property, freezing what is found,
closing cases, listing dishonest debtors, restricting consumption and lifting sanctions, and
every bureau answering its notices — and breaks things on purpose, one scenario at a time. It
sent every message itself, so it accounts for each one:

- **effect**: an event or notice it caused (`causation_id`) reached the service's stream;
- **rejection**: a rejection naming it (`rejected_event_id`, or the subject and SHA-256 of the
  bytes when the envelope could not be read) reached the stream, addressed to its sender;
- **set aside**: a dead letter of the service's consumer or the relay's, with its reason;
- **silent**: the service recorded an answer, but it never reached the stream;
- **lost**: nothing anywhere.

**Duplicated** counts effects made twice (two events of one type on one subject caused by one
message, two rejections of one message, one event id in two places of the stream). **Recovery
time** runs from the end of a fault until every message sent before that end, and in the first
2 s after the server took messages again, was answered and the ledger had journaled the stream
up to it. **Peak RSS** is the highest resident memory of
each service process, sampled twice a second. At the end of each scenario a new message must get
its effect and be journaled (alive), `fuyuan audit verify` and `fuyuan audit reconcile` must
exit 0, and each service must stop cleanly on SIGTERM. A scenario passes when nothing is lost,
silent, set aside or duplicated, every stream message is journaled and all of that holds.

The fuzzer gives each hostile message an event id of its own (the same id again from the same
sender would be a redelivery). Some of its messages go on the bankruptcy service's own event
subjects, which the enforcement service reads and only the bankruptcy service may publish on in
production: the journal holds them and that service's log does not, so `fuyuan audit reconcile`
must name exactly those events, and nothing else, for the fuzzer's scenario to pass. A message
is named by its place, `<STREAM>:<sequence>`.
"""


def markdown(results: list[Result], when: datetime, quick: bool, seconds: float) -> str:
    head = [
        HEADER,
        f"Run on {when:%Y-%m-%d %H:%M} UTC, {code()}, {cpu()}, Python "
        f"{platform.python_version()}; {'the short version' if quick else 'the full suite'} "
        f"took {seconds / 60:.1f} min.",
        "",
        "> The machine is shared and noisy (2 cores, other work running): take recovery times "
        "and memory as orders of magnitude, compare medians and ratios rather than single "
        "values; the counts are exact.",
        "",
        "| scenario | sent | effects | rejections | set aside | silent | lost | duplicated | "
        "recovery median / max | verify | reconcile | alive | result |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|---|",
        *[summary_row(r) for r in results],
        "",
    ]
    body = [line for r in results for line in scenario_section(r)]
    return "\n".join(head + body).rstrip() + "\n"
