"""`python -m chaos`: run the fault suite and write docs/RELIABILITY.md.

python -m chaos                 # every scenario (about 10 minutes), writes docs/RELIABILITY.md
python -m chaos --quick         # the short version (about a minute), writes nothing
python -m chaos --only kill,nats --no-write
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from chaos.report import ROOT, markdown
from chaos.run import Plan
from chaos.scenarios import full, short
from chaos.suite import quiet, run_all

DEFAULT_OUTPUT = ROOT / "docs" / "RELIABILITY.md"


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m chaos",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="the short version only")
    p.add_argument(
        "--only", help="comma-separated scenario names: " + ", ".join(s.name for s in full())
    )
    p.add_argument("--rate", type=float, default=Plan.rate, help="court messages per second")
    p.add_argument("--output", type=Path, help=f"report (default {DEFAULT_OUTPUT.name})")
    p.add_argument("--no-write", action="store_true", help="write no report")
    p.add_argument("--keep", type=Path, help="keep the servers' data and the logs here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    quiet()
    scenarios = short() if args.quick else full()
    if args.only:
        wanted = set(args.only.split(","))
        scenarios = [s for s in full() + short() if s.name in wanted]
    console = Console(width=None if sys.stdout.isatty() else 130)

    def say(text: str) -> None:
        console.print(text, highlight=False)

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fuyuan-chaos-") as tmp:
        home = args.keep or Path(tmp)
        say(f"data and service logs under {home}")
        results = asyncio.run(run_all(scenarios, Plan(rate=args.rate), home, say))
    text = markdown(results, datetime.now(UTC), args.quick, time.monotonic() - started)
    output = None if args.no_write else args.output or (None if args.quick else DEFAULT_OUTPUT)
    if output:
        output.write_text(text, encoding="utf-8")
        say(f"wrote {output}")
    else:
        console.print(text, markup=False, highlight=False)
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
