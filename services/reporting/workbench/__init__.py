"""工作台 — the joint office's web workbench: officers sign in, read the reporting service's
read models and send commands over NATS under their organization (docs/WORKBENCH_INTEGRATION.md).

Run it with `python -m services.reporting.workbench` or `fuyuan workbench`.
"""
