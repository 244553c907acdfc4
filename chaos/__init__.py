"""The fault suite 故障演练: `python -m chaos` (or `make chaos`) writes docs/RELIABILITY.md.

Real processes on loopback under a sustained mixed load (queries, freezes, listings, lifts,
bureau answers), broken on purpose: kill -9 of each service, PostgreSQL down, NATS killed and
restarted, acknowledgements lost through a proxy, one node of a three-node cluster killed, two
instances of a service through a database restart and the loss of the leader, and a
property-based fuzzer over every ingress subject. Every message the suite sends is accounted
for (effect, rejection, set aside with its reason), and lost or duplicated effects, recovery
time, memory, `fuyuan audit verify` and `fuyuan audit reconcile` are reported.
"""
