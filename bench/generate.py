"""Synthetic portfolio generator: reproducible from a seed, scalable up to all 421 municipalities.

The database is created by the real migrations and the real seed (strategy, action fields, the four
Odenwald municipalities, demo users); the generator then adds synthetic municipalities in IKZ
groups with their measures, budget lines, status reports, milestones and audit events through bulk
inserts (executemany on SQLite, COPY on PostgreSQL). Every row respects the CHECK constraints.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, text
from sqlmodel import Session, SQLModel

import app.models  # noqa: F401  (registers every table on the metadata)
from app.core.enums import BudgetKind, CostCategory, MeasureStatus, Priority, TrafficLight
from app.finance.ledger import recompute as ledger

# Hessen scale (scale factor 1.0) as asked for in the benchmark issue.
FULL_MUNICIPALITIES = 421
FULL_MEASURES = 20_000
BUDGET_LINES_PER_MEASURE = 20
STATUS_REPORTS_PER_MEASURE = 50
AUDIT_EVENTS_PER_MEASURE = 50
MILESTONES_PER_MEASURE = 3
GROUP_SIZE = 4
YEARS = tuple(range(2022, 2029))
CHUNK = 20_000

STATUSES = [s.value for s in MeasureStatus]
LIGHTS = [t.value for t in TrafficLight]
PRIORITIES = [p.value for p in Priority]
CATEGORIES = [c.value for c in CostCategory]
KINDS = [k.value for k in BudgetKind]
COMBOS = [(y, c, k) for y in YEARS for c in CATEGORIES for k in KINDS]


@dataclass
class Dataset:
    """Row counts of the generated database (what latest.json reports)."""

    scale: float
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def sizes(scale: float) -> tuple[int, int]:
    """(synthetic municipalities, synthetic measures) for a scale factor (1.0 = Hessen)."""
    municipalities = max(GROUP_SIZE, round(FULL_MUNICIPALITIES * scale)) - 4
    measures = max(1, round(FULL_MEASURES * scale))
    return max(municipalities, GROUP_SIZE), measures


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _next_id(conn: Connection, name: str) -> int:
    table = _table(name)
    current = conn.execute(select(func.max(table.c.id))).scalar()
    return int(current or 0) + 1


def _bulk(conn: Connection, name: str, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows in chunks: COPY on PostgreSQL, executemany elsewhere. Returns the count."""
    table = _table(name)
    columns = [c.name for c in table.columns]
    count = 0
    postgres = conn.dialect.name == "postgresql"
    for chunk in _chunks(rows, CHUNK):
        count += len(chunk)
        if postgres:
            raw = conn.connection.driver_connection
            assert raw is not None
            cols = [c for c in columns if c in chunk[0]]
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {name} ({', '.join(cols)}) FROM STDIN") as copy,
            ):
                for row in chunk:
                    copy.write_row([_pg_value(row[c]) for c in cols])
        else:
            conn.execute(table.insert(), chunk)
    return count


def _pg_value(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict) else value


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def generate(engine: Engine, *, scale: float, seed: int, log: Any = print) -> Dataset:
    """Add the synthetic portfolio to an upgraded and seeded database."""
    started = time.perf_counter()
    rng = random.Random(seed)
    n_municipalities, n_measures = sizes(scale)
    dataset = Dataset(scale=scale, seed=seed)
    now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    with engine.begin() as conn:
        strategy_id = conn.execute(
            text("SELECT id FROM strategy ORDER BY period_start DESC LIMIT 1")
        ).scalar_one()
        field_ids = list(
            conn.execute(
                text("SELECT id FROM action_field WHERE strategy_id = :s ORDER BY id"),
                {"s": strategy_id},
            ).scalars()
        )
        admin_id = conn.execute(
            text("SELECT id FROM user_account WHERE username = 'admin'")
        ).scalar_one()

        first_mun = _next_id(conn, "municipality")
        mun_ids = list(range(first_mun, first_mun + n_municipalities))
        _bulk(conn, "municipality", (_municipality(rng, i, m) for i, m in enumerate(mun_ids)))
        _bulk(conn, "haushalt_mapping", _mappings(mun_ids, _next_id(conn, "haushalt_mapping")))
        groups = [mun_ids[i : i + GROUP_SIZE] for i in range(0, len(mun_ids), GROUP_SIZE)]
        log(f"  {n_municipalities} municipalities in {len(groups)} IKZ groups")

        first_measure = _next_id(conn, "measure")
        measure_ids = list(range(first_measure, first_measure + n_measures))
        plan = [(mid, groups[k % len(groups)]) for k, mid in enumerate(measure_ids)]
        _bulk(
            conn,
            "measure",
            (_measure(rng, k, m, g, strategy_id, field_ids) for k, (m, g) in enumerate(plan)),
        )
        next_part = _next_id(conn, "participation")
        parts = []
        for mid, group in plan:
            for mun in group:
                parts.append(
                    {
                        "id": next_part,
                        "measure_id": mid,
                        "municipality_id": mun,
                        "share_bp": None,
                        "version": 1,
                    }
                )
                next_part += 1
        _bulk(conn, "participation", parts)
        log(f"  {n_measures} measures, {len(parts)} participations")

        first_plan = _next_id(conn, "project_plan")
        _bulk(
            conn,
            "project_plan",
            (
                {
                    "id": first_plan + k,
                    "measure_id": mid,
                    "summary": "Synthetischer Projektplan",
                    "version": 1,
                }
                for k, mid in enumerate(measure_ids)
            ),
        )
        _bulk(
            conn, "milestone", _milestones(rng, first_plan, n_measures, _next_id(conn, "milestone"))
        )
        budget = _bulk(
            conn, "budget_line", _budget_lines(rng, measure_ids, _next_id(conn, "budget_line"))
        )
        log(f"  {budget} budget lines")
        reports = _bulk(
            conn,
            "status_report",
            _reports(rng, measure_ids, _next_id(conn, "status_report"), now, admin_id),
        )
        log(f"  {reports} status reports")
        events = _bulk(
            conn,
            "audit_event",
            _audit(rng, measure_ids, _next_id(conn, "audit_event"), now, admin_id),
        )
        log(f"  {events} audit events")
        if conn.dialect.name == "postgresql":
            for name in (
                "municipality",
                "haushalt_mapping",
                "measure",
                "participation",
                "project_plan",
                "milestone",
                "budget_line",
                "status_report",
                "audit_event",
            ):
                sequence = f"pg_get_serial_sequence('{name}', 'id')"
                conn.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {name}))"))
    with Session(engine) as session:
        shares = ledger.rebuild(session)
        session.commit()
    log(f"  {shares} budget shares (ledger)")
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        for name in (
            "municipality",
            "measure",
            "budget_line",
            "budget_share",
            "status_report",
            "audit_event",
            "milestone",
        ):
            dataset.counts[name] = int(
                conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            )
    dataset.seconds = round(time.perf_counter() - started, 1)
    return dataset


def _municipality(rng: random.Random, index: int, mid: int) -> dict[str, Any]:
    stadt = rng.random() < 0.45
    return {
        "id": mid,
        "slug": f"bench-{index + 1:03d}",
        "name": f"Beispielkommune {index + 1:03d}",
        "kind": "Stadt" if stadt else "Gemeinde",
        "executive_body": "Magistrat" if stadt else "Gemeindevorstand",
        "council": "Stadtverordnetenversammlung" if stadt else "Gemeindevertretung",
        "population": rng.randint(700, 80_000),
        "population_date": date(2023, 12, 31),
        "population_source": "synthetisch (Benchmark)",
        "version": 1,
    }


def _mappings(mun_ids: list[int], first_id: int) -> Iterator[dict[str, Any]]:
    next_id = first_id
    for mun in mun_ids:
        for c_index, category in enumerate(CATEGORIES):
            for kind in KINDS:
                yield {
                    "id": next_id,
                    "municipality_id": mun,
                    "category": category,
                    "kind": kind,
                    "produkt": f"01.11.0{c_index + 1}",
                    "sachkonto": ("0" if kind == "investiv" else "6") + f"{7100 + c_index}",
                    "version": 1,
                }
                next_id += 1


def _measure(
    rng: random.Random, k: int, mid: int, group: list[int], strategy_id: int, field_ids: list[int]
) -> dict[str, Any]:
    start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 900))
    end = start + timedelta(days=rng.randint(60, 1200))
    return {
        "id": mid,
        "strategy_id": strategy_id,
        "action_field_id": field_ids[k % len(field_ids)],
        "code": f"BM-{k + 1:05d}",
        "title": f"Synthetische Maßnahme {k + 1}",
        "goal": "Benchmark-Daten",
        "expected_effect": "",
        "priority": rng.choice(PRIORITIES),
        "lead_municipality_id": group[k % len(group)],
        "cost_key": "equal",
        "population_reference_date": None,
        "planned_start": start,
        "planned_end": end,
        "actual_start": None,
        "actual_end": None,
        "status": rng.choice(STATUSES),
        "progress": rng.randint(0, 100),
        "traffic_light": rng.choice(LIGHTS),
        "responsible": "",
        "example": True,
        "archived": False,
        "version": 1,
    }


def _milestones(
    rng: random.Random, first_plan: int, n: int, first_id: int
) -> Iterator[dict[str, Any]]:
    next_id = first_id
    for k in range(n):
        for pos in range(MILESTONES_PER_MEASURE):
            start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
            due = start + timedelta(days=rng.randint(10, 400))
            done = due if rng.random() < 0.5 else None
            yield {
                "id": next_id,
                "plan_id": first_plan + k,
                "title": f"Meilenstein {pos + 1}",
                "start_on": start,
                "due_on": due,
                "done_on": done,
                "owner": "",
                "position": pos,
                "archived": False,
                "version": 1,
            }
            next_id += 1


def _budget_lines(
    rng: random.Random, measure_ids: list[int], first_id: int
) -> Iterator[dict[str, Any]]:
    next_id = first_id
    for mid in measure_ids:
        for year, category, kind in rng.sample(COMBOS, BUDGET_LINES_PER_MEASURE):
            planned = rng.randint(0, 5_000_000)
            yield {
                "id": next_id,
                "measure_id": mid,
                "year": year,
                "category": category,
                "kind": kind,
                "planned_cents": planned,
                "approved_cents": planned if rng.random() < 0.7 else None,
                "actual_cents": rng.randint(0, planned) if year < 2026 else None,
                "note": "",
                "version": 1,
            }
            next_id += 1


def _reports(
    rng: random.Random, measure_ids: list[int], first_id: int, now: datetime, author_id: int
) -> Iterator[dict[str, Any]]:
    next_id = first_id
    for mid in measure_ids:
        progress = 0
        for n in range(STATUS_REPORTS_PER_MEASURE):
            progress = min(100, progress + rng.randint(0, 4))
            yield {
                "id": next_id,
                "measure_id": mid,
                "reported_at": now
                - timedelta(days=7 * (STATUS_REPORTS_PER_MEASURE - n), minutes=mid % 997),
                "status": rng.choice(STATUSES),
                "progress": progress,
                "traffic_light": rng.choice(LIGHTS),
                "summary": "Synthetischer Statusbericht",
                "next_steps": "",
                "author_id": author_id,
                "author_name": "IKZ-Koordination",
            }
            next_id += 1


def _audit(
    rng: random.Random, measure_ids: list[int], first_id: int, now: datetime, actor_id: int
) -> Iterator[dict[str, Any]]:
    next_id = first_id
    for mid in measure_ids:
        for n in range(AUDIT_EVENTS_PER_MEASURE):
            old = rng.randint(0, 99)
            yield {
                "id": next_id,
                "occurred_at": now
                - timedelta(days=7 * (AUDIT_EVENTS_PER_MEASURE - n), seconds=mid % 3571),
                "actor_id": actor_id,
                "actor_name": "IKZ-Koordination",
                "request_id": "",
                "entity": "measure",
                "entity_id": str(mid),
                "measure_id": mid,
                "action": "update",
                "changes": {"progress": {"before": old, "after": old + 1}},
            }
            next_id += 1
