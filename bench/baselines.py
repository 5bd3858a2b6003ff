"""``python -m bench.baselines [--scale S] [--db sqlite|postgresql]``: how big and how fast
baselines are on the generated portfolio (see bench.generate; 1.0 = Hessen scale).

Takes a full baseline of the generated portfolio, changes a share of the measures (a milestone
moved, the traffic light), takes a second baseline, and compares: stored bytes of each, time to
take it, time for "Änderungen seit …" for one municipality and for all. Writes
bench/results/baselines-<db>-<scale>.json and prints one line per figure.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlmodel import Session

from app.core.enums import BaselineReason
from app.councils import baselines
from app.councils.queries.baselines import changes_since
from bench import server as servers
from bench.run import Options, prepare

RESULTS = Path(__file__).resolve().parent / "results"


def _take(session: Session, name: str) -> tuple[Any, float]:
    started = time.perf_counter()
    baseline = baselines.take(
        session, name=name, reason=BaselineReason.manuell, taken_by_id=None, taken_by_name="Bench"
    )
    session.commit()
    return baseline, time.perf_counter() - started


def measure(url: str, scale: float, changed_share: float, log: Any = print) -> dict[str, Any]:
    options = Options(
        scale=scale, seed=421, seconds=0, clients=[], max_requests=0, workers=1, databases=[]
    )
    dataset, _token = prepare(url, options, log)
    engine = create_engine(url)
    result: dict[str, Any] = {"scale": scale, "measures": dataset.counts.get("measure")}
    try:
        with Session(engine) as session:
            first, seconds = _take(session, "Bench 1")
            result |= {
                "full_baseline_bytes": first.stored_bytes,
                "full_baseline_states": first.new_states,
                "full_baseline_seconds": round(seconds, 2),
                "index_bytes": len(first.index_data),
            }
            measures = int(session.execute(text("SELECT count(*) FROM measure")).scalar_one())
            step = max(1, round(1 / changed_share))
            session.execute(
                text(
                    "UPDATE milestone SET due_on = due_on + 14 WHERE plan_id IN "
                    f"(SELECT id FROM project_plan WHERE measure_id % {step} = 0)"
                )
                if session.get_bind().dialect.name == "postgresql"
                else text(
                    "UPDATE milestone SET due_on = date(due_on, '+14 days') WHERE plan_id IN "
                    f"(SELECT id FROM project_plan WHERE measure_id % {step} = 0)"
                )
            )
            session.execute(text(f"UPDATE measure SET traffic_light = 'rot' WHERE id % {step} = 0"))
            session.commit()
            second, seconds = _take(session, "Bench 2")
            result |= {
                "changed_measures": second.new_states,
                "incremental_baseline_bytes": second.stored_bytes,
                "incremental_baseline_seconds": round(seconds, 2),
                "unchanged_baseline_bytes": _take(session, "Bench 3")[0].stored_bytes,
            }
            municipality = int(
                session.execute(
                    text("SELECT lead_municipality_id FROM measure ORDER BY id DESC LIMIT 1")
                ).scalar_one()
            )
            for scope, municipality_id in (("one_municipality", municipality), ("whole", None)):
                started = time.perf_counter()
                changes = changes_since(session, first, municipality_id=municipality_id)
                result[f"changes_{scope}_seconds"] = round(time.perf_counter() - started, 2)
                result[f"changes_{scope}_count"] = changes.count
            result["measures_in_portfolio"] = measures
    finally:
        engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.baselines", description=__doc__)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--changed", type=float, default=0.02, help="share of measures changed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ikz-bench-baselines-") as tmp:
        database = servers.sqlite_database if args.db == "sqlite" else servers.postgres_cluster
        with database(Path(tmp)) as url:
            result = measure(url, args.scale, args.changed) | {"database": args.db}
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / f"baselines-{args.db}-{args.scale}.json"
    output.write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key}: {value}")
    print(f"-> {output}")


if __name__ == "__main__":
    main()
