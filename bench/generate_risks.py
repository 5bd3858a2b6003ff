"""Bench generator of the risk register: risks for every measure (a few each, rated across the
whole 5 × 5 scale, some mitigated, some closed, review dates around ``NOW``)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the generator module lists this one in GENERATORS
    from bench.generate import Context

RISKS_PER_MEASURE = 3
# Review dates lie around the end of the synthetic history (bench.generate.NOW).
AROUND = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
STATUSES = ("offen", "offen", "in_bearbeitung", "geschlossen")


def risks(ctx: Context) -> None:
    """Three risks per measure, owned by the measure's lead municipality."""
    rng = ctx.rng("risks")
    count = ctx.bulk("risk", _risks(rng, ctx, ctx.next_id("risk")))
    ctx.log(f"  {count} risks")


def _risks(rng: random.Random, ctx: Context, first_id: int) -> Iterator[dict[str, Any]]:
    next_id = first_id
    for measure_id, group in ctx.measures:
        lead = ctx.lead_of.get(measure_id, group[0])
        for number in range(RISKS_PER_MEASURE):
            probability, impact = rng.randint(1, 5), rng.randint(1, 5)
            mitigated = rng.random() < 0.4
            yield {
                "id": next_id,
                "measure_id": measure_id,
                "title": f"Risiko {number + 1}",
                "cause": "Synthetische Ursache",
                "effect": "Synthetische Auswirkung",
                "probability": probability,
                "impact": impact,
                "residual_probability": max(1, probability - 1) if mitigated else None,
                "residual_impact": max(1, impact - 1) if mitigated else None,
                "owner": "",
                "municipality_id": lead,
                "mitigation": "Gegenmaßnahme" if mitigated else "",
                "status": rng.choice(STATUSES),
                "review_on": (AROUND + timedelta(days=rng.randint(-120, 240))).date(),
                "example": True,
                "version": 1,
            }
            next_id += 1
