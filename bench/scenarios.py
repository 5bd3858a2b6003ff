"""The scenarios: what one request of each is (``python -m bench --only a,b`` picks some).

``kind`` tells the load driver how to send it (bench.load): ``get``, ``stream`` (body read to the
end), ``status_update`` (only the POST of a report is timed) and ``after_change`` (a report is
posted untimed, then the GET is timed: every timed view follows a change of the data).
"""

from __future__ import annotations

import random
from typing import Any

from bench.generate import Dataset

SEED_SLUGS = ["erbach", "michelstadt", "oberzent", "brombachtal"]
YEARS = [2025, 2026, 2027]


def scenarios(dataset: Dataset, seed: int, max_clients: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    synthetic = max(1, dataset.counts.get("municipality", 8) - 4)
    slugs = list(SEED_SLUGS)
    slugs += [f"bench-{n:03d}" for n in rng.sample(range(1, synthetic + 1), min(synthetic, 16))]
    n_measures = max(1, dataset.counts.get("measure", 20) - 20)
    codes = [f"BM-{n:05d}" for n in rng.sample(range(1, n_measures + 1), min(n_measures, 64))]
    # Each writing client reports on its own measure: no optimistic-locking conflicts.
    own = [f"BM-{n:05d}" for n in range(1, min(n_measures, max_clients) + 1)]
    pages = max(1, n_measures // 25)
    return [
        {"name": "floor", "kind": "get", "paths": ["/healthz/live"]},
        {"name": "dashboard", "kind": "get", "paths": ["/dashboard?kommune=alle"]},
        {
            "name": "dashboard_municipality",
            "kind": "get",
            "paths": [f"/dashboard?kommune={s}" for s in slugs],
        },
        {
            "name": "dashboard_after_change",
            "kind": "after_change",
            "paths": ["/dashboard?kommune=alle"],
            "writes": own,
        },
        {
            "name": "dashboard_municipality_after_change",
            "kind": "after_change",
            "paths": [f"/dashboard?kommune={s}" for s in slugs],
            "writes": own,
        },
        {"name": "home_tasks", "kind": "get", "paths": ["/"]},
        {
            "name": "risk_list",
            "kind": "get",
            "paths": [
                *(f"/risiken?kommune={s}" for s in slugs),
                *(
                    f"/risiken?kommune=alle&wahrscheinlichkeit={p}&auswirkung={p}"
                    for p in (1, 3, 5)
                ),
                "/risiken?kommune=alle&hoch=1",
            ],
        },
        {
            "name": "measures_list",
            "kind": "get",
            "paths": [
                f"/massnahmen?kommune={s}&status={st}"
                for s in slugs
                for st in ("in_umsetzung", "geplant")
            ],
        },
        {
            "name": "measures_api",
            "kind": "get",
            "paths": [
                "/api/v1/measures?limit=25",
                *(
                    f"/api/v1/measures?limit=25&offset={25 * rng.randrange(pages)}"
                    for _ in range(8)
                ),
                *(f"/api/v1/measures?limit=25&kommune={s}&status=in_umsetzung" for s in slugs),
            ],
        },
        {"name": "measure_page", "kind": "get", "paths": [f"/massnahmen/{c}" for c in codes]},
        {"name": "status_update", "kind": "status_update", "paths": own},
        {
            "name": "budget_api",
            "kind": "get",
            "paths": [f"/api/v1/budget?municipality={s}&year={y}" for s in slugs for y in YEARS],
        },
        {
            "name": "haushalt_xlsx",
            "kind": "stream",
            "paths": [f"/haushalt/export.xlsx?kommune={s}&jahr={y}" for s in slugs for y in YEARS],
        },
        {
            "name": "multiyear_xlsx",
            "kind": "stream",
            "paths": [f"/haushalt/export-mehrjahr.xlsx?kommune={s}" for s in slugs],
        },
    ]


def names() -> list[str]:
    """Every scenario's name, in the order they run."""
    empty = Dataset(scale=0.0, seed=0, counts={"municipality": 8, "measure": 40})
    return [s["name"] for s in scenarios(empty, 1, 1)]
