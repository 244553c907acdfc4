"""风险与运行机制服务 — the risk service: the joint mechanism's workflows (see contracts/risk)."""
