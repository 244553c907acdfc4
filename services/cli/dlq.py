"""`fuyuan dlq`: the messages set aside after repeated failures — list, show, replay, drop.

Every text shown comes from outside (senders' headers, bodies, errors): it is printed as plain
text, control characters escaped, never as rich markup.
"""

from __future__ import annotations

import asyncio
import getpass
import hashlib
import os
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, TypeVar

import nats
import typer
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from services.runtime.deadletters import (
    DeadLetter,
    NotReplayableError,
    NotYetJournaledError,
    drop,
    get_letter,
    list_deadletters,
    original,
    replay,
)

app = typer.Typer(help="Dead letters 死信: list, show, replay or drop messages that kept failing.")
console = Console(highlight=False)
T = TypeVar("T")
Seqs = Annotated[list[int] | None, typer.Argument(help="Sequence numbers from `dlq list`.")]
Operator = Annotated[
    str | None,
    typer.Option(help="Who acts (default: FUYUAN_OPERATOR, else the login name)."),
]
SHOWN_BYTES = 4096


def _url() -> str:
    url = os.environ.get("NATS_URL")
    if not url:
        typer.echo("NATS_URL is not set", err=True)
        raise typer.Exit(2)
    return url


def _with_js(work: Callable[[JetStreamContext], Awaitable[T]]) -> T:
    async def run() -> T:
        nc = await nats.connect(servers=_url().split(","), name="fuyuan-dlq")
        try:
            return await work(nc.jetstream())
        finally:
            await nc.close()

    return asyncio.run(run())


def _operator(given: str | None) -> str:
    if given or (given := os.environ.get("FUYUAN_OPERATOR")):
        return given
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # a container user without a name
        return f"uid-{os.getuid()}"


def _plain(text: str, keep_newlines: bool = False) -> Text:
    """Untrusted text as it can be shown: control characters (a terminal's escape sequences
    among them) written as escapes."""
    out = []
    for ch in text:
        if keep_newlines and ch == "\n":
            out.append(ch)
        elif unicodedata.category(ch).startswith("C"):
            out.append(ch.encode("unicode_escape").decode())
        else:
            out.append(ch)
    return Text("".join(out))


def _when(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S") if seconds else "?"


@app.command("list")
def list_cmd() -> None:
    """Every dead letter and relay alert: consumer, attempts, original subject, size, error."""
    letters = _with_js(list_deadletters)
    table = Table(title=f"dead letters: {len(letters)}")
    for col in (
        "seq",
        "kind",
        "failed at (UTC)",
        "consumer",
        "attempts",
        "subject",
        "size",
        "error",
    ):
        table.add_column(col)
    for d in letters:
        table.add_row(
            str(d.sequence),
            d.kind,
            _when(d.failed_at),
            _plain(d.consumer),
            str(d.attempts),
            _plain(d.original_subject),
            _size(d),
            _plain(d.error[:160]),
        )
    console.print(table)


def _size(d: DeadLetter) -> str:
    return f"{d.size}" + (" (on its stream)" if d.payload == "stream" else "")


async def _show(js: JetStreamContext, seq: int) -> tuple[DeadLetter, bytes | None, str]:
    letter = await get_letter(js, seq)
    if letter.kind != "consumer":
        return letter, None, ""
    try:
        data, _ = await original(js, letter)
    except NotReplayableError as e:
        return letter, None, str(e)
    return letter, data, ""


@app.command("show")
def show_cmd(
    seq: Annotated[int, typer.Argument(help="A sequence number from `dlq list`.")],
    max_bytes: Annotated[int, typer.Option(help="Bytes of the body to print.")] = SHOWN_BYTES,
) -> None:
    """One dead letter: its headers, its error, and its body (bounded, with size and sha256)."""
    try:
        letter, data, problem = _with_js(lambda js: _show(js, seq))
    except NotFoundError:
        typer.echo(f"no dead letter {seq}", err=True)
        raise typer.Exit(1) from None
    for label, value in _summary(letter):
        console.print(Text(f"{label:<18}") + _plain(value))
    console.print(Text("headers"))
    for k, v in sorted(letter.headers.items()):
        console.print(Text(f"  {k}: ") + _plain(v))
    console.print(Text("error"))
    console.print(_plain(letter.error or "-"))
    _print_body(letter, letter.data if letter.kind != "consumer" else data, problem, max_bytes)


def _summary(d: DeadLetter) -> list[tuple[str, str]]:
    rows = [
        ("sequence", str(d.sequence)),
        ("kind", d.kind),
        ("subject", d.subject),
        ("original subject", d.original_subject),
        ("consumer", d.consumer),
        ("attempts", str(d.attempts)),
        ("failed at (UTC)", _when(d.failed_at)),
        ("payload", d.payload),
    ]
    if d.payload == "stream":
        rows.append(("original", f"{d.original_stream} sequence {d.original_sequence}"))
    if d.kind == "relay":
        rows.append(("relay position", str(d.original_sequence)))
    return rows


def _print_body(d: DeadLetter, data: bytes | None, problem: str, max_bytes: int) -> None:
    if data is None:
        console.print(Text(f"body: {d.size} bytes, sha256 {d.sha256} — {problem or 'not kept'}"))
        return
    digest = hashlib.sha256(data).hexdigest()
    console.print(Text(f"body: {len(data)} bytes, sha256 {digest}"))
    shown = data[: max(0, max_bytes)]
    try:
        body = _plain(shown.decode("utf-8"), keep_newlines=True)
    except UnicodeDecodeError:
        body = Text(f"(binary, first {len(shown)} bytes in hex)\n{shown.hex(' ', 2)}")
    console.print(body)
    if len(shown) < len(data):
        console.print(Text(f"… {len(data) - len(shown)} more bytes not shown"))


async def _act(
    js: JetStreamContext,
    seqs: list[int],
    everything: bool,
    act: Callable[[JetStreamContext, DeadLetter], Awaitable[None]],
    verb: str,
) -> int:
    # `--all` means every consumer's letter; relay alerts are not messages to hand again.
    listed = await list_deadletters(js, limit=1_000_000) if everything else []
    letters = [d for d in listed if d.kind == "consumer"]
    if not everything:
        for seq in seqs:
            try:
                letters.append(await get_letter(js, seq))
            except NotFoundError:
                console.print(Text(f"{seq}: no such dead letter"))
    failed = len(seqs) - len(letters) if not everything else 0
    for d in letters:
        try:
            await act(js, d)
        except (NotReplayableError, ValueError) as e:
            failed += 1
            console.print(Text(f"{d.sequence}: not {verb}: ") + _plain(str(e)))
            continue
        except NotYetJournaledError as e:
            failed += 1
            console.print(Text(f"{d.sequence}: ") + _plain(str(e)))
            continue
        console.print(
            Text(f"{d.sequence}: {verb} ({d.consumer}, ") + _plain(d.original_subject) + Text(")")
        )
    return failed


@app.command("replay")
def replay_cmd(
    seq: Seqs = None,
    all_: Annotated[bool, typer.Option("--all", help="Replay every dead letter.")] = False,
    reason: Annotated[str, typer.Option(help="Why, for the record.")] = "replayed",
    operator: Operator = None,
) -> None:
    """Hand dead letters again to the consumer that failed them, and to no other.

    Each replay is recorded on the dead-letter stream before the letter is removed. Relay alerts
    are not replayed: see `fuyuan status` and `fuyuan audit reconcile`.
    """
    if not seq and not all_:
        raise typer.BadParameter("name sequence numbers or pass --all")
    who = _operator(operator)

    async def one(js: JetStreamContext, d: DeadLetter) -> None:
        await replay(js, d, operator=who, reason=reason)

    failed = _with_js(lambda js: _act(js, seq or [], all_, one, "replayed"))
    if failed:
        raise typer.Exit(1)


@app.command("drop")
def drop_cmd(
    seq: Annotated[list[int], typer.Argument(help="Sequence numbers from `dlq list`.")],
    reason: Annotated[str, typer.Option(help="Why it is dropped (required, on the record).")],
    operator: Operator = None,
) -> None:
    """Remove dead letters for good, with the reason recorded on the dead-letter stream."""
    if not reason.strip():
        raise typer.BadParameter("a reason is required", param_hint="--reason")
    who = _operator(operator)

    async def one(js: JetStreamContext, d: DeadLetter) -> None:
        await drop(js, d, operator=who, reason=reason)

    if _with_js(lambda js: _act(js, seq, False, one, "dropped")):
        raise typer.Exit(1)
