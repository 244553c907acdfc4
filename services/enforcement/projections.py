"""This service's read side: what its own log says is in force, for answers to bureaus."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import asyncpg

# Sanctions imposed on a party (as debtor or bound representative) and not lifted.
_IN_FORCE = """
SELECT i.message->'data' AS data, i.message->'envelope'->>'organization' AS court
FROM "{s}".events i
WHERE i.type = 'enforcement.event.sanction_imposed.v1'
  AND EXISTS (SELECT 1 FROM jsonb_array_elements(i.message->'data'->'bound') b
              WHERE b->'party'->>'id_number' = $1 OR b->'party'->>'credit_code' = $1)
  AND NOT EXISTS (SELECT 1 FROM "{s}".events l
                  WHERE l.stream_id = i.stream_id AND l.type = 'enforcement.event.sanction_lifted.v1'
                    AND l.message->'data'->>'sanction_id' = i.message->'data'->>'sanction_id')
ORDER BY i.position
"""


class Sanctions:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self.pool, self._sql = pool, _IN_FORCE.format(s=schema)

    async def in_force(self, party_id: str, today: date) -> list[tuple[dict[str, Any], str]]:
        """(SanctionImposed data, court) for each sanction on the party still in force today."""
        rows = await self.pool.fetch(self._sql, party_id)
        out = []
        for r in rows:
            data = json.loads(r["data"])
            until = data.get("until")
            if until is None or date.fromisoformat(until) >= today:
                out.append((data, r["court"]))
        return out
