"""Goals and indicators for every synthetic measure: one goal, two indicators kept by the lead
municipality, eight quarterly values each (some behind their path, some ahead)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from app.indicators.progress import Path, Reading, behind_plan, target_reached

if TYPE_CHECKING:
    from bench.generate import Context

INDICATORS_PER_MEASURE = 2
VALUES_PER_INDICATOR = 8
BASELINE_ON = date(2024, 1, 1)
TARGET_ON = date(2028, 12, 31)
ENTERED_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # where the synthetic history ends


def indicators(ctx: Context) -> None:
    """Goals, indicators and measured values of every measure."""
    rng = ctx.rng("indicators")
    first_goal = ctx.next_id("goal")
    goal_of = {mid: first_goal + k for k, (mid, _) in enumerate(ctx.measures)}
    ctx.bulk(
        "goal",
        (
            {
                "id": goal,
                "measure_id": mid,
                "action_field_id": None,
                "title": "Synthetisches Ziel",
                "description": "",
                "version": 1,
            }
            for mid, goal in goal_of.items()
        ),
    )
    first_indicator = ctx.next_id("indicator")
    rows: list[dict[str, Any]] = []
    for mid, goal in goal_of.items():
        for n in range(INDICATORS_PER_MEASURE):
            rows.append(
                {
                    "id": first_indicator + len(rows),
                    "goal_id": goal,
                    "name": f"Synthetischer Indikator {n + 1}",
                    "definition": "",
                    "unit": "%" if n == 0 else "Anzahl",
                    "direction": "steigend" if n == 0 else "fallend",
                    "baseline_value": 1000 if n == 0 else 50000,
                    "baseline_on": BASELINE_ON,
                    "target_value": 8000 if n == 0 else 10000,
                    "target_on": TARGET_ON,
                    "source": "Synthetisch",
                    "municipality_id": ctx.lead_of[mid],
                    "example": True,
                    "version": 1,
                }
            )
    measured: list[dict[str, Any]] = []
    for row in rows:
        start, end = row["baseline_value"], row["target_value"]
        pace = rng.uniform(0.6, 1.4)  # some indicators fall behind their path, some run ahead
        for k in range(VALUES_PER_INDICATOR):
            share = min(1.0, pace * (k + 1) * 91 / (TARGET_ON - BASELINE_ON).days)
            measured.append(
                {
                    "id": 0,
                    "indicator_id": row["id"],
                    "measured_on": BASELINE_ON + timedelta(days=91 * (k + 1)),
                    "value": max(0, round(start + (end - start) * share)),
                    "note": "",
                    "author_id": None,
                    "author_name": "Synthetisch",
                    "entered_at": ENTERED_AT,
                }
            )
        last = measured[-1]
        latest = Reading(last["measured_on"], last["value"])
        path = Path(row["direction"], start, BASELINE_ON, end, TARGET_ON)
        row |= {
            "latest_on": latest.measured_on,
            "latest_value": latest.value,
            "behind": behind_plan(path, latest),
            "reached": target_reached(path, latest),
        }
    ctx.bulk("indicator", iter(rows))
    first_value = ctx.next_id("indicator_value")
    for k, value in enumerate(measured):
        value["id"] = first_value + k
    count = ctx.bulk("indicator_value", iter(measured))
    behind = sum(row["behind"] for row in rows)
    ctx.log(f"  {len(rows)} indicators ({behind} behind their path), {count} values")
