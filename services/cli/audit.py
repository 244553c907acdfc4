"""`fuyuan audit` and `fuyuan trace`: verify the journal, prove entries, follow a case."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import asyncpg
import typer
from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from services.ledger import audit as auditing
from services.ledger import reconcile as reconciling
from services.ledger.disclosure import masked, recipient, rejection_reasons, shown_message
from services.ledger.domain import StoredRow
from services.ledger.journal import Journal
from services.ledger.outside import gather
from services.ledger.proofs import Check, check_consistency, check_inclusion
from services.ledger.signing import generate_key, public_key_of
from services.runtime.eventstore.postgres import PostgresEventStore

app = typer.Typer(help="The audit journal 审计链: verify it, prove entries, reconcile services.")
console = Console(highlight=False)
T = TypeVar("T")
PublicKey = Annotated[
    str | None,
    typer.Option(
        "--public-key",
        help="Base64 Ed25519 public key (default: FUYUAN_LEDGER_PUBLIC_KEY, "
        "or derived from FUYUAN_LEDGER_SIGNING_KEY).",
    ),
]


def _public_key(given: str | None) -> str:
    if given:
        return given
    if key := os.environ.get("FUYUAN_LEDGER_PUBLIC_KEY"):
        return key
    if private := os.environ.get("FUYUAN_LEDGER_SIGNING_KEY"):
        return public_key_of(private)
    typer.echo("no public key: pass --public-key or set FUYUAN_LEDGER_PUBLIC_KEY", err=True)
    raise typer.Exit(2)


def _with_db(work: Callable[[Journal, PostgresEventStore, asyncpg.Pool], Awaitable[T]]) -> T:
    url = os.environ.get("DATABASE_URL")
    if not url:
        typer.echo("DATABASE_URL is not set", err=True)
        raise typer.Exit(2)

    async def run() -> T:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
        try:
            return await work(Journal(pool), PostgresEventStore(pool, "ledger"), pool)
        finally:
            await pool.close()

    return asyncio.run(run())


@app.command()
def keygen() -> None:
    """Make a new Ed25519 signing key for the ledger and print it with its public key."""
    private = generate_key()
    typer.echo(f"FUYUAN_LEDGER_SIGNING_KEY={private}")
    typer.echo(f"FUYUAN_LEDGER_PUBLIC_KEY={public_key_of(private)}")


NO_EXTERNAL = 3
"""Exit status of `verify` when the journal holds against the ledger's own checkpoints but no
checkpoint held outside its tables was checked: not a pass, since whoever can rewrite the
journal can rewrite those too."""
CheckpointFiles = Annotated[
    list[Path] | None,
    typer.Option(
        "--checkpoints",
        help="A checkpoint file kept outside the ledger (from "
        "`fuyuan audit checkpoints export`); may be given more than once.",
    ),
]
WitnessKey = Annotated[
    str | None,
    typer.Option(
        "--witness-key",
        help="Base64 public key of a witness: only the checkpoints "
        "of the files that it countersigned count.",
    ),
]


@app.command()
def verify(
    public_key: PublicKey = None,
    checkpoints: CheckpointFiles = None,
    witness_key: WitnessKey = None,
) -> None:
    """Recompute the whole chain and every signed checkpoint: the ledger's own, those on the
    LEDGER stream (NATS_URL) and those in the files given; name the first broken position.
    Exit 1 when anything is wrong, 3 (with a WARNING) when no checkpoint held outside the
    ledger's tables was checked."""
    key = _public_key(public_key)
    outside = asyncio.run(gather(os.environ.get("NATS_URL"), checkpoints or [], witness_key))
    report = _with_db(lambda j, s, _p: auditing.verify(j, s, key, outside.held))
    console.print(
        f"entries checked: {report.entries}, checkpoints checked: {report.checkpoints} "
        f"({report.external} held outside the ledger's tables)"
    )
    for warning in outside.warnings:
        console.print(f"[yellow]{warning}")
    if report.broken:
        console.print(f"[red]broken at position {report.broken.position}: {report.broken.reason}")
    for problem in [*report.problems, *outside.problems]:
        console.print(f"[red]{problem}")
    if not (report.ok and not outside.problems):
        raise typer.Exit(1)
    if report.external == 0 and report.entries > 0:
        console.print(
            "[bold red]WARNING: no checkpoint held outside the ledger's tables was "
            "checked, so a rewrite by whoever controls the database would pass; read "
            "the LEDGER stream (NATS_URL) or give --checkpoints FILE"
        )
        raise typer.Exit(NO_EXTERNAL)
    console.print("[green]the journal is intact")
    raise typer.Exit(0)


checkpoints_app = typer.Typer(help="Checkpoints kept outside the ledger 外部检查点.")
app.add_typer(checkpoints_app, name="checkpoints")


@checkpoints_app.command("export")
def checkpoints_export(
    file: Annotated[Path, typer.Argument(help="Where to write the checkpoint file.")],
) -> None:
    """Write every signed checkpoint (the ledger's log and the LEDGER stream) to a file that
    another organization keeps and may countersign."""
    from services.ledger.witness import exported

    own = _with_db(lambda _j, s, _p: auditing.own_checkpoints(s))
    outside = asyncio.run(gather(os.environ.get("NATS_URL"), [], None))
    for warning in outside.warnings:
        console.print(f"[yellow]{warning}")
    f = exported([*own, *(h.checkpoint for h in outside.held)])
    f.write(file)
    typer.echo(f"{len(f.checkpoints)} checkpoints written to {file}")


@app.command()
def countersign(
    file: Annotated[Path, typer.Argument(help="A checkpoint file to countersign, in place.")],
    key: Annotated[
        str,
        typer.Option(
            "--key",
            help="The witness's Base64 Ed25519 private key (`fuyuan audit keygen` makes one).",
        ),
    ],
    public_key: PublicKey = None,
) -> None:
    """As a witness 见证方: check each checkpoint with the ledger's public key and add your own
    signature to those that hold; print your public key to give to auditors."""
    from services.ledger.witness import CheckpointFile
    from services.ledger.witness import countersign as sign

    f = CheckpointFile.read(file)
    signed, problems = sign(f, key, _public_key(public_key), datetime.now(UTC))
    f.write(file)
    for problem in problems:
        console.print(f"[red]{problem}")
    typer.echo(f"countersigned {signed} checkpoints; witness public key {public_key_of(key)}")
    raise typer.Exit(1 if problems else 0)


@app.command()
def prove(
    event_id: Annotated[str, typer.Argument(help="Event id (or message key) of the entry.")],
    out: Annotated[
        Path | None, typer.Option(help="Write the proof here instead of stdout.")
    ] = None,
) -> None:
    """An inclusion proof of one entry against the latest signed checkpoint covering it."""
    try:
        doc = _with_db(lambda j, s, _p: auditing.prove(j, s, event_id))
    except LookupError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(1) from e
    _emit(doc, out)


@app.command()
def consistency(
    old: Annotated[int | None, typer.Option(help="Older checkpoint's tree size.")] = None,
    new: Annotated[int | None, typer.Option(help="Newer checkpoint's tree size.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the proof here.")] = None,
) -> None:
    """A consistency proof that the newer signed checkpoint extends the older one."""
    try:
        doc = _with_db(lambda j, s, _p: auditing.consistency(j, s, old, new))
    except LookupError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(1) from e
    _emit(doc, out)


def _emit(doc: dict[str, Any], out: Path | None) -> None:
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"written to {out}")
    else:
        typer.echo(text)


def _report(checks: list[Check]) -> None:
    for c in checks:
        console.print(("[green]ok    " if c.ok else "[red]FAIL  ") + c.what, markup=True)
    raise typer.Exit(0 if all(c.ok for c in checks) else 1)


@app.command("check-proof")
def check_proof(file: Path, public_key: PublicKey = None) -> None:
    """Check an inclusion proof offline, with only the ledger's public key."""
    _report(check_inclusion(json.loads(file.read_text("utf-8")), _public_key(public_key)))


@app.command("check-consistency")
def check_consistency_cmd(file: Path, public_key: PublicKey = None) -> None:
    """Check a consistency proof offline, with only the ledger's public key."""
    _report(check_consistency(json.loads(file.read_text("utf-8")), _public_key(public_key)))


@app.command()
def reconcile() -> None:
    """Compare every message of every context stream and of the DEADLETTER stream (NATS_URL)
    with the journal entry at its place, by content digest; and each service's own event log
    with the journal by event id and digest. Names what is missing, what differs and what the
    relays set aside. A stream is compared from its first message: journal entries older than
    that aged out of it (its retention) and are counted, not failed."""
    from services.ledger.subscribers import journaled_contexts

    contexts = journaled_contexts()
    logs = _with_db(lambda _j, _s, p: reconciling.reconcile(p, contexts))
    clean = all([_print_log(r) for r in logs])
    url = os.environ.get("NATS_URL")
    if not url:
        console.print("[bold red]WARNING: NATS_URL is not set: the streams were not compared")
        raise typer.Exit(1)
    streams = _with_db(lambda j, _s, _p: _check_streams(j, url, contexts))
    clean = all([_print_stream(c) for c in streams]) and clean
    raise typer.Exit(0 if clean else 1)


async def _check_streams(
    journal: Journal, url: str, contexts: tuple[str, ...]
) -> list[reconciling.StreamCheck]:
    from services.ledger.streams import connected

    async with connected(url) as nc:
        return await reconciling.check_streams(journal, nc, contexts)


def _print_log(r: reconciling.Reconciliation) -> bool:
    console.print(
        f"{r.context} log: {len(r.missing_from_journal)} missing from the journal, "
        f"{len(r.missing_from_service)} missing from the service, {len(r.differs)} "
        f"differ, {len(r.set_aside)} set aside by the relay"
    )
    for eid in r.missing_from_journal:
        console.print(f"  [yellow]not journaled: {eid}")
    for eid in r.missing_from_service:
        console.print(f"  [red]journaled, not in the service's log: {eid}")
    for eid in r.differs:
        console.print(f"  [red]journaled with other content than the service's log: {eid}")
    for a in r.set_aside:
        console.print(
            f"  [yellow]set aside by the relay: {a.event_id} at position {a.position} "
            f"({a.subject}, {a.size} bytes): {a.reason}"
        )
    return r.clean


def _print_stream(c: reconciling.StreamCheck) -> bool:
    console.print(
        f"{c.stream} stream: {c.messages} messages, {len(c.missing)} missing from the "
        f"journal, {len(c.differs)} differ, {len(c.journal_only)} only in the journal, "
        f"{len(c.removed)} letters removed after an operator's recorded action, "
        f"{c.aged_out} aged out of the stream (journaled before its first message, "
        f"sequence {c.first}; not a failure)"
    )
    for key in c.missing:
        console.print(f"  [red]not journaled: {key}")
    for key in c.differs:
        console.print(f"  [red]journaled with other content: {key}")
    for key in c.journal_only:
        console.print(f"  [red]journaled, not on the stream: {key}")
    return c.clean


@app.command()
def forgeries(
    as_json: Annotated[bool, typer.Option("--json", help="Entries as JSON lines.")] = False,
) -> None:
    """Messages whose envelope claimed another organization than the one NATS let send them:
    伪造发送方 — forgery attempts, by their real sender."""
    rows = _with_db(lambda j, _s, _p: auditing.forgeries(j))
    for r in rows:
        f = r.facts
        if as_json:
            typer.echo(
                json.dumps(
                    {
                        "position": r.position,
                        "message_key": f.message_key,
                        "sender": f.sender,
                        "claimed": f.organization,
                        "subject": f.subject,
                        "type": f.type,
                        "recorded_at": r.recorded_at.isoformat(),
                    }
                )
            )
        else:
            console.print(
                f"#{r.position} {f.message_key} [bold red]{f.sender}[/] claimed to be "
                f"[bold]{f.organization}[/] on {f.subject}"
            )
    if not as_json:
        console.print(f"{len(rows)} forgery attempts")


def history_tree(title: str, rows: list[StoredRow], names: dict[str, str]) -> Tree:
    """Entries as a tree by causation: who did what, when, caused by what; to whom each notice
    went, why each rejection refused, and every forgery attempt."""
    ids = {r.facts.event_id for r in rows}
    children: dict[str | None, list[StoredRow]] = {}
    for r in rows:
        parent = r.facts.causation_id if r.facts.causation_id in ids else None
        children.setdefault(parent, []).append(r)
    tree = Tree(title)

    shown: set[int] = set()

    def add(node: Tree, parent: str | None) -> None:
        for r in children.get(parent, []):
            if r.position in shown:  # event ids are the senders' own: they may loop
                continue
            shown.add(r.position)
            child = node.add(_label(r, names))
            for reason in rejection_reasons(r):
                child.add(f"[red]reason[/] {escape(masked(reason))}")
            add(child, r.facts.event_id)

    add(tree, None)
    return tree


def _label(r: StoredRow, names: dict[str, str]) -> str:
    f = r.facts
    _context, kind, name = ([*f.type.split("."), "", ""])[:3]
    org = f.organization or f.sender or "?"
    to = recipient(r)
    addressed = f" → [bold]{to}[/] {names.get(to, '')}" if to else ""
    forged = f" [bold red]FORGERY: sent by {f.sender}[/]" if f.forgery else ""
    trace = f"  trace {f.trace_id}" if f.trace_id else ""
    return (
        f"[dim]{r.recorded_at:%Y-%m-%d %H:%M:%S}[/] #{r.position} [bold]{org}[/] "
        f"{names.get(org, '')} — {kind} [cyan]{name}[/]{addressed}{forged}{trace}"
    )


def trace_doc(r: StoredRow, show_ids: bool) -> dict[str, Any]:
    """An entry as `fuyuan trace --json` prints it: resident ids masked unless `show_ids`."""
    from services.ledger.proofs import entry_doc

    doc = entry_doc(r)
    doc["message"] = shown_message(r, show_ids)
    doc["detail"] = r.facts.detail if show_ids else masked(r.facts.detail)
    doc["recipient"] = recipient(r)
    doc["reasons"] = rejection_reasons(r)
    return doc


def trace(
    key: Annotated[str, typer.Argument(help="A case number 案号 or a correlation id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Entries as JSON lines.")] = False,
    show_ids: Annotated[
        bool, typer.Option("--show-ids", help="Show resident ids 公民身份号码 in full in --json.")
    ] = False,
) -> None:
    """The whole history of a case or a flow across services and organizations, from the
    journal alone, with the trace id to open the same flow in a tracing UI."""
    from contracts.ids import normalize_case_number
    from contracts.organizations import Registry

    try:
        wanted = normalize_case_number(key)
    except ValueError:
        wanted = key
    rows = _with_db(lambda j, _s, _p: auditing.history(j, wanted))
    if as_json:
        for r in rows:
            typer.echo(json.dumps(trace_doc(r, show_ids), ensure_ascii=False))
        return
    if not rows:
        typer.echo(f"nothing in the journal for {wanted}", err=True)
        raise typer.Exit(1)
    names = {o.code: o.name for o in Registry.load()}
    console.print(history_tree(f"{wanted}: {len(rows)} entries", rows, names))
