"""Throughput benchmarks: `python -m bench` (or `make bench`) writes docs/PERFORMANCE.md.

- `bench.store`: event store appends against a raw asyncpg insert and the `eventsourcing`
  library's PostgreSQL recorder, at 1 and 100 events per transaction.
- `bench.relay`: the relay against raw JetStream publishing of the same messages.
- `bench.ledger`: `Journal.append` against a raw COPY of the same rows (batch 256), and
  `audit.verify` over a journal of a million entries.
- `bench.fanout`: a court's property query through the enforcement service to 8 simulated
  bureaus and back, against bare nats-py request/reply through the same bureaus (latency at
  a sustained rate, and the highest rate sustained).

Every contender runs against the same embedded servers (PostgreSQL with fsync on, NATS with
JetStream), rounds are interleaved so machine noise hits all alike, and medians are reported.
"""
