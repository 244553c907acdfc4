"""Throughput benchmarks: `python -m bench` (or `make bench`) writes docs/PERFORMANCE.md.

- `bench.store`: event store appends against a raw asyncpg insert and the `eventsourcing`
  library's PostgreSQL recorder, at 1 and 100 events per transaction.
- `bench.relay`: the relay against raw JetStream publishing of the same messages.

Every contender runs against the same embedded servers (PostgreSQL with fsync on, NATS with
JetStream), rounds are interleaved so machine noise hits all alike, and medians are reported.
"""
