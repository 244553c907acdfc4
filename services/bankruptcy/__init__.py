"""破产府院联动 — bankruptcy coordination. So far its pure domain (`domain`); the service process,
its subjects and its effects on enforcement come next (docs/BANKRUPTCY.md)."""
