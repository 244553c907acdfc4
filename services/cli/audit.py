"""`fuyuan audit` and `fuyuan trace`: verify the journal, prove entries, follow a case."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import asyncpg
import typer
from rich.console import Console
from rich.tree import Tree

from services.ledger import audit as auditing
from services.ledger.domain import StoredRow
from services.ledger.journal import Journal
from services.ledger.proofs import Check, check_consistency, check_inclusion
from services.ledger.signing import generate_key, public_key_of
from services.runtime.eventstore.postgres import PostgresEventStore

app = typer.Typer(help="The audit journal 审计链: verify it, prove entries, reconcile services.")
console = Console(highlight=False)
T = TypeVar("T")
PublicKey = Annotated[
    str | None,
    typer.Option("--public-key", help="Base64 Ed25519 public key (default: FUYUAN_LEDGER_PUBLIC_KEY, "
                 "or derived from FUYUAN_LEDGER_SIGNING_KEY)."),
]  # fmt: skip


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


@app.command()
def verify(public_key: PublicKey = None) -> None:
    """Recompute the whole chain and every signed checkpoint; name the first broken position."""
    key = _public_key(public_key)
    report = _with_db(lambda j, s, _p: auditing.verify(j, s, key))
    console.print(f"entries checked: {report.entries}, checkpoints checked: {report.checkpoints}")
    if report.broken:
        console.print(f"[red]broken at position {report.broken.position}: {report.broken.reason}")
    for problem in report.problems:
        console.print(f"[red]{problem}")
    if report.ok:
        console.print("[green]the journal is intact")
    raise typer.Exit(0 if report.ok else 1)


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
    """Compare each service's own event log with the journal; list what either side lacks."""
    from services.ledger.subscribers import journaled_contexts

    results = _with_db(lambda _j, _s, p: auditing.reconcile(p, journaled_contexts()))
    clean = True
    for r in results:
        console.print(f"{r.context}: {len(r.missing_from_journal)} missing from the journal, "
                      f"{len(r.missing_from_service)} missing from the service")  # fmt: skip
        for eid in r.missing_from_journal:
            console.print(f"  [yellow]not journaled: {eid}")
        for eid in r.missing_from_service:
            console.print(f"  [red]journaled, not in the service's log: {eid}")
        clean = clean and not r.missing_from_journal and not r.missing_from_service
    raise typer.Exit(0 if clean else 1)


def history_tree(title: str, rows: list[StoredRow], names: dict[str, str]) -> Tree:
    """Entries as a tree by causation: who did what, when, caused by what."""
    ids = {r.facts.event_id for r in rows}
    children: dict[str | None, list[StoredRow]] = {}
    for r in rows:
        parent = r.facts.causation_id if r.facts.causation_id in ids else None
        children.setdefault(parent, []).append(r)
    tree = Tree(title)

    def add(node: Tree, parent: str | None) -> None:
        for r in children.get(parent, []):
            add(node.add(_label(r, names)), r.facts.event_id)

    add(tree, None)
    return tree


def _label(r: StoredRow, names: dict[str, str]) -> str:
    f = r.facts
    _context, kind, name = ([*f.type.split("."), "", ""])[:3]
    org = f.organization or "?"
    trace = f"  trace {f.trace_id}" if f.trace_id else ""
    return (f"[dim]{r.recorded_at:%Y-%m-%d %H:%M:%S}[/] #{r.position} [bold]{org}[/] "
            f"{names.get(org, '')} — {kind} [cyan]{name}[/]{trace}")  # fmt: skip


def trace(
    key: Annotated[str, typer.Argument(help="A case number 案号 or a correlation id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Entries as JSON lines.")] = False,
) -> None:
    """The whole history of a case or a flow across services and organizations, from the
    journal alone, with the trace id to open the same flow in a tracing UI."""
    from contracts.ids import normalize_case_number
    from contracts.organizations import Registry
    from services.ledger.proofs import entry_doc

    try:
        wanted = normalize_case_number(key)
    except ValueError:
        wanted = key
    rows = _with_db(lambda j, _s, _p: auditing.history(j, wanted))
    if as_json:
        for r in rows:
            typer.echo(json.dumps(entry_doc(r), ensure_ascii=False))
        return
    if not rows:
        typer.echo(f"nothing in the journal for {wanted}", err=True)
        raise typer.Exit(1)
    names = {o.code: o.name for o in Registry.load()}
    console.print(history_tree(f"{wanted}: {len(rows)} entries", rows, names))
