"""`python -m bench.faststream_loop`: the services' own nats-py pull loop against FastStream
0.7.8's pull subscribers, on loopback, for docs/decisions/0001-the-services-own-pull-loop.md.

Four consumers of one JetStream durable pull consumer each:

- `nats-py loop` — the shape of `services/runtime/consumer.py`: `fetch(batch=16, timeout=1)`
  (it returns as soon as messages are there), then each message handled and acknowledged one
  after another, in stream order.
- `FastStream PullSub(1)` — `PullSub(batch_size=1)`: in order, one fetch per message.
- `FastStream PullSub(16)` — `PullSub(batch_size=16)`: a batch's messages handled concurrently.
- `FastStream PullSub(16, batch=True)` — the handler gets the batch as a list (handled in order),
  but the subscriber keeps fetching until the batch is full or its timeout (1 s) has passed.

FastStream runs with logging off (its default logging writes two lines per message) and the
policy that redelivers (`AckPolicy.NACK_ON_ERROR`, acknowledging after the handler).

Measured, each round all consumers in turn (rounds interleave, so a noisy neighbour hits all):

- **throughput** — messages/s handling a backlog of `messages` with a bare handler (JSON decode,
  record); timed from the first message handled to the last, so setup is not counted;
- **out of order** — with a handler that awaits simulated I/O of 0–1 ms (as a database write
  does): how many messages finished after a later message of the same stream had finished;
- **latency** — publish-to-handled p50 and p99 at a low rate (`rate` messages/s), and how many
  messages were not handled within `late_after` seconds (left until the acknowledgement wait).
- **held** — the batch subscriber with the short timeout that would bound its batch-fill
  latency (`PullSub(1000, timeout=0.02, batch=True)`) against the loop, at `held_rate`
  messages/s: how many messages were delivered but not handled a second after the last was
  published (they wait for the acknowledgement wait, 60 s here), and how many of the fetches
  raised the built-in `TimeoutError` instead of `nats.errors.TimeoutError`.

`python -m bench.faststream_loop [--rounds 5] [--messages 5000] [--json out.json]`
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, StreamConfig

from services.runtime.devstack import EmbeddedNats

BATCH = 16
FETCH_TIMEOUT = 1.0
VARIANTS = (
    "nats-py loop",
    "FastStream PullSub(1)",
    "FastStream PullSub(16)",
    "FastStream PullSub(16, batch=True)",
)

On = Callable[[dict[str, Any]], Awaitable[None]]
"""What a consumer calls with each decoded message body."""


@dataclass
class Run:
    """What one consumer saw in one measurement: arrival order and times of each message."""

    expected: int
    done: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, body: dict[str, Any]) -> None:
        now = time.perf_counter()
        self.done.append(body["i"])
        self.times.append(now)
        self.latencies.append(now - body["t"])
        if len(set(self.done)) >= self.expected:
            self.finished.set()

    def rate(self) -> float:
        span = self.times[-1] - self.times[0] if len(self.times) > 1 else 0.0
        return (len(self.times) - 1) / span if span > 0 else 0.0

    def out_of_order(self) -> int:
        """Messages that finished after a later message had finished."""
        late, highest = 0, -1
        for i in self.done:
            if i < highest:
                late += 1
            highest = max(highest, i)
        return late


async def io_like(body: dict[str, Any]) -> None:
    """Simulated I/O of 0–1 ms, fixed per message, so concurrent handling can reorder."""
    await asyncio.sleep((body["i"] * 7919 % 11) / 10_000)


# ---- the consumers ------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def raw_loop(js: JetStreamContext, subject: str, stream: str, on: On) -> AsyncIterator[None]:
    """The services' loop: fetch returns what is there; handle and ack one by one, in order."""
    config = ConsumerConfig(max_ack_pending=1024)
    sub = await js.pull_subscribe(subject, durable="raw", stream=stream, config=config)
    stop = asyncio.Event()

    async def run() -> None:
        while not stop.is_set():
            try:
                batch = await sub.fetch(batch=BATCH, timeout=FETCH_TIMEOUT)
            except TimeoutError:  # nats' and the built-in one alike
                continue
            for msg in batch:
                await on(json.loads(msg.data))
                await msg.ack()

    task = asyncio.create_task(run())
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, FETCH_TIMEOUT + 5)
        await sub.unsubscribe()


def faststream(size: int, batch: bool) -> Any:
    @contextlib.asynccontextmanager
    async def consumer(
        js: JetStreamContext, subject: str, stream: str, on: On
    ) -> AsyncIterator[None]:
        from faststream import AckPolicy
        from faststream.nats import JStream, NatsBroker, PullSub

        url = js._nc.connected_url  # the same server
        assert url is not None
        broker = NatsBroker(f"nats://{url.hostname}:{url.port}", logger=None)
        pull = PullSub(batch_size=size, timeout=FETCH_TIMEOUT, batch=batch)
        subscriber = broker.subscriber(
            subject,
            stream=JStream(stream, declare=False),
            durable=f"fs{size}{int(batch)}",
            pull_sub=pull,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            config=ConsumerConfig(max_ack_pending=1024),
        )

        if batch:

            async def handle_batch(bodies: list[dict[str, Any]]) -> None:
                for body in bodies:
                    await on(body)

            subscriber(handle_batch)
        else:

            async def handle_one(body: dict[str, Any]) -> None:
                await on(body)

            subscriber(handle_one)
        await broker.start()
        try:
            yield
        finally:
            await asyncio.wait_for(broker.stop(), FETCH_TIMEOUT + 10)

    return consumer


HELD = {VARIANTS[0]: False, VARIANTS[3]: True}
"""The consumers the held probe runs: the loop, and the batch subscriber (with a short timeout)."""

CONSUMERS = {
    VARIANTS[0]: raw_loop,
    VARIANTS[1]: faststream(1, False),
    VARIANTS[2]: faststream(BATCH, False),
    VARIANTS[3]: faststream(BATCH, True),
}


# ---- one measurement ----------------------------------------------------------------------


@contextlib.asynccontextmanager
async def fresh_stream(js: JetStreamContext) -> AsyncIterator[tuple[str, str]]:
    name = f"FFBENCH_{uuid.uuid4().hex[:8].upper()}"
    subject = f"ffbench.{name.lower()}"
    await js.add_stream(StreamConfig(name=name, subjects=[subject]))
    try:
        yield name, subject
    finally:
        await js.delete_stream(name)


async def backlog(js: JetStreamContext, subject: str, count: int) -> None:
    for start in range(0, count, 500):
        bodies = [
            json.dumps({"i": i, "t": 0.0}).encode() for i in range(start, min(start + 500, count))
        ]
        acks = [await js.publish_async(subject, body) for body in bodies]
        await asyncio.gather(*acks)


async def drained(run: Run, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(run.finished.wait(), seconds)


async def throughput(js: JetStreamContext, variant: str, messages: int, with_io: bool) -> Run:
    run = Run(messages)

    async def on(body: dict[str, Any]) -> None:
        if with_io:
            await io_like(body)
        run.record(body)

    async with fresh_stream(js) as (stream, subject):
        await backlog(js, subject, messages)
        async with CONSUMERS[variant](js, subject, stream, on):
            await drained(run, 120)
    return run


async def latency(
    js: JetStreamContext, variant: str, rate: float, count: int, late_after: float
) -> Run:
    run = Run(count)

    async def on(body: dict[str, Any]) -> None:
        run.record(body)

    async with (
        fresh_stream(js) as (stream, subject),
        CONSUMERS[variant](js, subject, stream, on),
    ):
        await asyncio.sleep(0.5)  # the consumer is bound and waiting
        for i in range(count):
            body = json.dumps({"i": i, "t": time.perf_counter()}).encode()
            await js.publish(subject, body)
            await asyncio.sleep(1 / rate)
        await drained(run, late_after)
    return run


@dataclass
class Held:
    published: int
    handled: int
    builtin_timeouts: int
    fetches: int


class CountingFetch:
    """Wraps a pull subscription's `fetch` to count the built-in `TimeoutError`s it raises
    (nats-py raises both `nats.errors.TimeoutError` and, from `_fetch_n`, the built-in one)."""

    def __init__(self, fetch: Callable[..., Awaitable[Any]]) -> None:
        self.fetch, self.calls, self.builtin = fetch, 0, 0

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        try:
            return await self.fetch(*args, **kwargs)
        except TimeoutError as e:
            self.builtin += type(e) is TimeoutError
            raise


async def held(js: JetStreamContext, faststream_batch: bool, rate: float, count: int) -> Held:
    from faststream import AckPolicy
    from faststream.nats import JStream, NatsBroker, PullSub

    seen: set[int] = set()
    async with fresh_stream(js) as (stream, subject):
        config = ConsumerConfig(ack_wait=60, max_ack_pending=4096)
        if faststream_batch:
            url = js._nc.connected_url
            assert url is not None
            broker = NatsBroker(f"nats://{url.hostname}:{url.port}", logger=None)
            subscriber = broker.subscriber(
                subject,
                stream=JStream(stream, declare=False),
                durable="held",
                pull_sub=PullSub(batch_size=1000, timeout=0.02, batch=True),
                ack_policy=AckPolicy.NACK_ON_ERROR,
                config=config,
            )

            @subscriber
            async def handle(bodies: list[dict[str, Any]]) -> None:
                seen.update(body["i"] for body in bodies)

            await broker.start()
            assert subscriber.subscription is not None
            counting = CountingFetch(subscriber.subscription.fetch)
            subscriber.subscription.fetch = counting  # type: ignore[method-assign]
            stop: Callable[[], Awaitable[Any]] = broker.stop
        else:
            sub = await js.pull_subscribe(subject, durable="held", stream=stream, config=config)
            counting = CountingFetch(sub.fetch)
            done = asyncio.Event()

            async def loop() -> None:
                while not done.is_set():
                    try:
                        batch = await counting(batch=BATCH, timeout=FETCH_TIMEOUT)
                    except TimeoutError:
                        continue
                    for msg in batch:
                        seen.add(json.loads(msg.data)["i"])
                        await msg.ack()

            task = asyncio.create_task(loop())

            async def stop() -> None:
                done.set()
                await asyncio.wait_for(task, FETCH_TIMEOUT + 5)
                await sub.unsubscribe()

        try:
            for i in range(count):
                await js.publish(subject, json.dumps({"i": i, "t": 0.0}).encode())
                await asyncio.sleep(1 / rate)
            await asyncio.sleep(1.0)
            return Held(count, len(seen), counting.builtin, counting.calls)
        finally:
            await asyncio.wait_for(stop(), FETCH_TIMEOUT + 10)


# ---- the report ---------------------------------------------------------------------------


@dataclass
class Result:
    variant: str
    throughput: list[float]
    throughput_io: list[float]
    out_of_order: list[int]
    handled_io: list[int]
    p50_ms: list[float]
    p99_ms: list[float]
    late: list[int]
    held: list[Held] = field(default_factory=list)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def measure(nats_url: str, args: argparse.Namespace) -> list[Result]:
    results = {v: Result(v, [], [], [], [], [], [], []) for v in VARIANTS}
    nc: Client = await nats.connect(nats_url)
    js = nc.jetstream()
    try:
        for n in range(args.rounds):
            for variant in VARIANTS:
                await one_round(js, variant, results[variant], args)
                r = results[variant]
                print(
                    f"round {n + 1} {variant}: {r.throughput[-1]:,.0f} msg/s, "
                    f"{r.out_of_order[-1]} out of order, p50 {r.p50_ms[-1]:.1f} ms, "
                    f"{r.late[-1]} late",
                    flush=True,
                )
    finally:
        await nc.close()
    return list(results.values())


async def one_round(
    js: JetStreamContext, variant: str, r: Result, args: argparse.Namespace
) -> None:
    fast = await throughput(js, variant, args.messages, with_io=False)
    r.throughput.append(fast.rate())
    slow = await throughput(js, variant, args.io_messages, with_io=True)
    r.throughput_io.append(slow.rate())
    r.out_of_order.append(slow.out_of_order())
    r.handled_io.append(len(set(slow.done)))
    low = await latency(js, variant, args.rate, args.low_count, args.late_after)
    r.p50_ms.append(_percentile(low.latencies, 0.5) * 1000)
    r.p99_ms.append(_percentile(low.latencies, 0.99) * 1000)
    r.late.append(args.low_count - len(set(low.done)))
    if variant in HELD:
        r.held.append(await held(js, HELD[variant], args.held_rate, args.held_count))


def markdown(results: list[Result], settings: dict[str, Any]) -> str:
    base = statistics.median(results[0].throughput)
    base_io = statistics.median(results[0].throughput_io)
    lines = [
        f"FastStream {metadata.version('faststream')}, nats-py {metadata.version('nats-py')}; "
        f"medians of {settings['rounds']} interleaved rounds; backlog {settings['messages']} "
        f"messages (bare handler), {settings['io_messages']} (handler with 0–1 ms of I/O); "
        f"latency at {settings['rate']:g} messages/s, {settings['low_count']} messages.",
        "",
        "| consumer | msg/s, bare | × loop | msg/s, with I/O | × loop | out of order (of "
        f"{settings['io_messages']}) | p50 latency | p99 latency | not handled within "
        f"{settings['late_after']:g} s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rate, rate_io = statistics.median(r.throughput), statistics.median(r.throughput_io)
        lines.append(
            f"| {r.variant} | {rate:,.0f} | {rate / base:.2f} | {rate_io:,.0f} | "
            f"{rate_io / base_io:.2f} | {statistics.median(r.out_of_order):g} "
            f"(max {max(r.out_of_order)}) | {statistics.median(r.p50_ms):.1f} ms | "
            f"{statistics.median(r.p99_ms):.1f} ms | {sum(r.late)} in all rounds |"
        )
    lines += [
        "",
        f"Held: {settings['held_count']} messages published at {settings['held_rate']:g}/s "
        "in each round; counted one second after the last.",
        "",
        "| consumer | published | not handled (held until the ack wait) | fetches | "
        "raised the built-in TimeoutError |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.held:
            name = r.variant.replace("PullSub(16, batch=True)", "PullSub(1000, 20 ms, batch=True)")
            lines.append(
                f"| {name} | {sum(h.published for h in r.held)} | "
                f"{sum(h.published - h.handled for h in r.held)} "
                f"(per round {', '.join(str(h.published - h.handled) for h in r.held)}) | "
                f"{sum(h.fetches for h in r.held)} | {sum(h.builtin_timeouts for h in r.held)} |"
            )
    return "\n".join(lines)


TITLE = "## FastStream against the services' pull loop"


def section(results: list[Result], settings: dict[str, Any]) -> list[str]:
    """The report's section: what was compared, why (the decision), and the tables."""
    return [
        TITLE,
        "",
        "`python -m bench.faststream_loop`: the services' nats-py pull loop against FastStream's "
        "pull subscribers, on loopback; why the services keep their loop: "
        "[decision 0001](decisions/0001-the-services-own-pull-loop.md).",
        "",
        *markdown(results, settings).splitlines(),
    ]


def defaults(**changes: Any) -> argparse.Namespace:
    """The standalone run's settings, with `changes`."""
    return argparse.Namespace(**{**vars(arguments().parse_args([])), **changes})


def compare(args: argparse.Namespace) -> list[Result]:
    """Every measurement against an embedded NATS server of its own."""
    with tempfile.TemporaryDirectory(prefix="fuyuan-bench-") as tmp:
        server = EmbeddedNats(Path(tmp) / "nats").start()
        try:
            return asyncio.run(measure(server.url, args))
        finally:
            server.stop()


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--messages", type=int, default=5_000)
    parser.add_argument("--io-messages", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--low-count", type=int, default=20)
    parser.add_argument("--late-after", type=float, default=5.0)
    parser.add_argument("--held-rate", type=float, default=400.0)
    parser.add_argument("--held-count", type=int, default=2_000)
    parser.add_argument("--json", help="Also write the raw results here.")
    return parser


def settings_of(args: argparse.Namespace) -> dict[str, Any]:
    return {k: v for k, v in vars(args).items() if k != "json"}


def main() -> None:
    args = arguments().parse_args()
    settings = settings_of(args)
    results = compare(args)
    table = markdown(results, settings)
    print(table)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"settings": settings, "results": [asdict(r) for r in results]}, out)


if __name__ == "__main__":
    main()
