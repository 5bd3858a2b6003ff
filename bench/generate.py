"""Synthetic portfolio generator: reproducible from a seed, scalable up to all 421 municipalities.

The database is created by the real migrations and the real seed (strategy, action fields, the four
Odenwald municipalities, demo users); the generator then adds synthetic municipalities in IKZ
groups with their measures and everything hanging off them through bulk inserts (executemany on
SQLite, COPY on PostgreSQL). Every row respects the CHECK constraints.

The data comes from a list of generator functions, :data:`GENERATORS`, run in order. Each takes
the :class:`Context` (what earlier generators made: municipalities, groups, measures, plans) and
writes its rows with :meth:`Context.bulk`, which counts them for ``latest.json``. Each has a
random stream of its own (:meth:`Context.rng`), so adding a generator leaves the data of the others
as it was. A domain that brings new tables adds its generator in a module of its own
(``bench/generate_<domain>.py``) and one line to :data:`GENERATORS`. After all generators the
ledger's shares are rebuilt the way ``ikz db ledger`` builds them and ``ANALYZE`` runs.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlmodel import Session

import app.models  # noqa: F401  (registers every table on the metadata)
from app.core.enums import (
    BudgetKind,
    CostCategory,
    DecisionResult,
    MeasureStatus,
    Priority,
    TrafficLight,
)
from app.finance.ledger import recompute as ledger
from bench.bulk import bulk_insert, move_sequences, next_id
from bench.generate_indicators import indicators
from bench.generate_risks import risks

# Hessen scale (scale factor 1.0) as asked for in the benchmark issue.
FULL_MUNICIPALITIES = 421
FULL_MEASURES = 20_000
BUDGET_LINES_PER_MEASURE = 20
STATUS_REPORTS_PER_MEASURE = 50
AUDIT_EVENTS_PER_MEASURE = 50
MILESTONES_PER_MEASURE = 3
GROUP_SIZE = 4
YEARS = tuple(range(2022, 2029))
# The moment the synthetic history ends (reports and audit events lead up to it).
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

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


@dataclass
class Context:
    """What the generators share: the connection, the sizes, and the ids made so far."""

    conn: Connection
    scale: float
    seed: int
    log: Callable[[str], None]
    strategy_id: int = 0
    field_ids: list[int] = field(default_factory=list)
    admin_id: int = 0
    municipality_ids: list[int] = field(default_factory=list)
    groups: list[list[int]] = field(default_factory=list)
    # (measure id, the IKZ group taking part in it); the lead is one of the group
    measures: list[tuple[int, list[int]]] = field(default_factory=list)
    lead_of: dict[int, int] = field(default_factory=dict)
    plan_of: dict[int, int] = field(default_factory=dict)
    # rows written per table (by bulk); the tables latest.json counts
    written: dict[str, int] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """A random stream of the generator ``name``, reproducible from the seed."""
        return random.Random(f"{self.seed}:{name}")

    def bulk(self, table: str, rows: Any) -> int:
        """Insert rows into ``table`` (COPY on PostgreSQL); counts them; returns the count."""
        count = bulk_insert(self.conn, table, rows)
        self.written[table] = self.written.get(table, 0) + count
        return count

    def next_id(self, table: str) -> int:
        return next_id(self.conn, table)


def sizes(scale: float) -> tuple[int, int]:
    """(synthetic municipalities, synthetic measures) for a scale factor (1.0 = Hessen)."""
    municipalities = max(GROUP_SIZE, round(FULL_MUNICIPALITIES * scale)) - 4
    measures = max(1, round(FULL_MEASURES * scale))
    return max(municipalities, GROUP_SIZE), measures


def _reference_ids(ctx: Context) -> None:
    conn = ctx.conn
    ctx.strategy_id = conn.execute(
        text("SELECT id FROM strategy ORDER BY period_start DESC LIMIT 1")
    ).scalar_one()
    ctx.field_ids = list(
        conn.execute(
            text("SELECT id FROM action_field WHERE strategy_id = :s ORDER BY id"),
            {"s": ctx.strategy_id},
        ).scalars()
    )
    ctx.admin_id = conn.execute(
        text("SELECT id FROM user_account WHERE username = 'admin'")
    ).scalar_one()


def municipalities(ctx: Context) -> None:
    """Synthetic municipalities ``bench-001`` … in IKZ groups of four, with Haushalt mappings."""
    rng = ctx.rng("municipalities")
    count, _ = sizes(ctx.scale)
    first = ctx.next_id("municipality")
    ctx.municipality_ids = list(range(first, first + count))
    ctx.bulk("municipality", (_municipality(rng, i, m) for i, m in enumerate(ctx.municipality_ids)))
    ctx.bulk("haushalt_mapping", _mappings(ctx.municipality_ids, ctx.next_id("haushalt_mapping")))
    ids = ctx.municipality_ids
    ctx.groups = [ids[i : i + GROUP_SIZE] for i in range(0, len(ids), GROUP_SIZE)]
    ctx.log(f"  {count} municipalities in {len(ctx.groups)} IKZ groups")


def measures(ctx: Context) -> None:
    """Measures ``BM-00001`` …, each led by a member of its group, the whole group taking part
    (equal cost key)."""
    rng = ctx.rng("measures")
    _, count = sizes(ctx.scale)
    first = ctx.next_id("measure")
    groups = ctx.groups
    ctx.measures = [(first + k, groups[k % len(groups)]) for k in range(count)]
    rows = []
    for k, (mid, group) in enumerate(ctx.measures):
        row = _measure(rng, k, mid, group, ctx.strategy_id, ctx.field_ids)
        ctx.lead_of[mid] = row["lead_municipality_id"]
        rows.append(row)
    ctx.bulk("measure", rows)
    next_part = ctx.next_id("participation")
    parts = []
    for mid, group in ctx.measures:
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
    ctx.bulk("participation", parts)
    ctx.log(f"  {count} measures, {len(parts)} participations")


SESSIONS_PER_BODY = 12


def approvals(ctx: Context) -> None:
    """Council decisions as the council cycle keeps them: each synthetic municipality's
    Gemeindevertretung with a dozen sessions, and per measure and participant a Vorlage with its
    beschließend step. Most agreed, some adjourned or refused; some have no Vorlage yet."""
    rng = ctx.rng("approvals")
    body_id = ctx.next_id("council_body")
    bodies = {mun: body_id + k for k, mun in enumerate(ctx.municipality_ids)}
    ctx.bulk(
        "council_body",
        (
            {
                "id": body,
                "municipality_id": mun,
                "name": "Gemeindevertretung",
                "kind": "vertretung",
                "position": 0,
                "version": 1,
            }
            for mun, body in bodies.items()
        ),
    )
    session_id = ctx.next_id("council_session")
    sessions: dict[int, list[tuple[int, date]]] = {}
    rows: list[dict[str, Any]] = []
    for mun, body in bodies.items():
        days = sorted(rng.sample(range(0, 1000), SESSIONS_PER_BODY))
        for day in days:
            held_on = date(2024, 1, 1) + timedelta(days=day)
            rows.append(
                {
                    "id": session_id,
                    "body_id": body,
                    "held_on": held_on,
                    "place": "Rathaus",
                    "status": "durchgefuehrt" if held_on < NOW.date() else "geplant",
                    "example": False,
                    "version": 1,
                }
            )
            sessions.setdefault(mun, []).append((session_id, held_on))
            session_id += 1
    ctx.bulk("council_session", rows)
    proposal_id = ctx.next_id("council_proposal")
    step_id = ctx.next_id("council_deliberation")
    proposals, links, steps = [], [], []
    for mid, group in ctx.measures:
        for mun in group:
            draw = rng.random()
            if draw < 0.15:
                continue  # no Vorlage yet
            result = (
                DecisionResult.zugestimmt
                if draw < 0.85
                else DecisionResult.vertagt
                if draw < 0.95
                else DecisionResult.abgelehnt
            )
            sitting, held_on = rng.choice(sessions[mun])
            proposals.append(
                {
                    "id": proposal_id,
                    "municipality_id": mun,
                    "drucksache": f"DS-{mid}",
                    "title": "Synthetische Beschlussvorlage",
                    "fachbereich": "",
                    "sachbearbeitung": "",
                    "begruendung": "",
                    "beschlussvorschlag": "",
                    "subject": "massnahme",
                    "strategy_id": None,
                    "budget_year": None,
                    "example": False,
                    "version": 1,
                }
            )
            links.append({"proposal_id": proposal_id, "measure_id": mid, "plan_version": None})
            steps.append(
                {
                    "id": step_id,
                    "proposal_id": proposal_id,
                    "session_id": sitting,
                    "position": 1,
                    "role": "beschliessend",
                    "result": result.value if held_on < NOW.date() else None,
                    "votes_yes": None,
                    "votes_no": None,
                    "votes_abstain": None,
                    "note": "",
                    "version": 1,
                }
            )
            proposal_id += 1
            step_id += 1
    ctx.bulk("council_proposal", proposals)
    ctx.bulk("council_proposal_measure", links)
    count = ctx.bulk("council_deliberation", steps)
    ctx.log(f"  {len(bodies)} bodies, {len(rows)} sessions, {count} Vorlagen with their decision")


def plans(ctx: Context) -> None:
    """One project plan per measure with three milestones."""
    rng = ctx.rng("plans")
    first_plan = ctx.next_id("project_plan")
    ctx.plan_of = {mid: first_plan + k for k, (mid, _) in enumerate(ctx.measures)}
    ctx.bulk(
        "project_plan",
        (
            {"id": plan, "measure_id": mid, "summary": "Synthetischer Projektplan", "version": 1}
            for mid, plan in ctx.plan_of.items()
        ),
    )
    ctx.bulk("milestone", _milestones(rng, list(ctx.plan_of.values()), ctx.next_id("milestone")))


def budget(ctx: Context) -> None:
    """Twenty budget lines per measure (distinct year × category × kind)."""
    rng = ctx.rng("budget")
    ids = [mid for mid, _ in ctx.measures]
    count = ctx.bulk("budget_line", _budget_lines(rng, ids, ctx.next_id("budget_line")))
    ctx.log(f"  {count} budget lines")


def reports(ctx: Context) -> None:
    """Fifty weekly status reports per measure, the last ones shortly before ``NOW``."""
    rng = ctx.rng("reports")
    ids = [mid for mid, _ in ctx.measures]
    count = ctx.bulk(
        "status_report", _reports(rng, ids, ctx.next_id("status_report"), ctx.admin_id)
    )
    ctx.log(f"  {count} status reports")


def audit(ctx: Context) -> None:
    """Fifty audit events per measure."""
    rng = ctx.rng("audit")
    ids = [mid for mid, _ in ctx.measures]
    count = ctx.bulk("audit_event", _audit(rng, ids, ctx.next_id("audit_event"), ctx.admin_id))
    ctx.log(f"  {count} audit events")


# The generators, in order. A domain adds its own (in bench/generate_<domain>.py) at the end.
GENERATORS: list[Callable[[Context], None]] = [
    municipalities,
    measures,
    approvals,
    plans,
    budget,
    reports,
    audit,
    risks,
    indicators,
]
# Tables latest.json counts besides those the generators wrote.
COUNTED = ("budget_share",)


def generate(
    engine: Engine, *, scale: float, seed: int, log: Callable[[str], None] = print
) -> Dataset:
    """Add the synthetic portfolio to an upgraded and seeded database."""
    started = time.perf_counter()
    dataset = Dataset(scale=scale, seed=seed)
    with engine.begin() as conn:
        ctx = Context(conn=conn, scale=scale, seed=seed, log=log)
        _reference_ids(ctx)
        for generator in GENERATORS:
            generator(ctx)
        move_sequences(conn, list(ctx.written))
    with Session(engine) as session:
        shares = ledger.rebuild(session)
        session.commit()
    log(f"  {shares} budget shares (ledger)")
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        dataset.counts = count_rows(conn, [*ctx.written, *COUNTED])
    dataset.seconds = round(time.perf_counter() - started, 1)
    return dataset


def count_rows(conn: Connection, tables: list[str]) -> dict[str, int]:
    return {
        name: int(conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())
        for name in dict.fromkeys(tables)
    }


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


def _mappings(mun_ids: list[int], first_id: int) -> Any:
    next_id_ = first_id
    for mun in mun_ids:
        for c_index, category in enumerate(CATEGORIES):
            for kind in KINDS:
                yield {
                    "id": next_id_,
                    "municipality_id": mun,
                    "category": category,
                    "kind": kind,
                    "produkt": f"01.11.0{c_index + 1}",
                    "sachkonto": ("0" if kind == "investiv" else "6") + f"{7100 + c_index}",
                    "version": 1,
                }
                next_id_ += 1


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


def _milestones(rng: random.Random, plan_ids: list[int], first_id: int) -> Any:
    next_id_ = first_id
    for plan in plan_ids:
        for pos in range(MILESTONES_PER_MEASURE):
            start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
            due = start + timedelta(days=rng.randint(10, 400))
            done = due if rng.random() < 0.5 else None
            yield {
                "id": next_id_,
                "plan_id": plan,
                "title": f"Meilenstein {pos + 1}",
                "start_on": start,
                "due_on": due,
                "done_on": done,
                "owner": "",
                "position": pos,
                "archived": False,
                "version": 1,
            }
            next_id_ += 1


def _budget_lines(rng: random.Random, measure_ids: list[int], first_id: int) -> Any:
    next_id_ = first_id
    for mid in measure_ids:
        for year, category, kind in rng.sample(COMBOS, BUDGET_LINES_PER_MEASURE):
            planned = rng.randint(0, 5_000_000)
            yield {
                "id": next_id_,
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
            next_id_ += 1


def _reports(rng: random.Random, measure_ids: list[int], first_id: int, author_id: int) -> Any:
    next_id_ = first_id
    for mid in measure_ids:
        progress = 0
        for n in range(STATUS_REPORTS_PER_MEASURE):
            progress = min(100, progress + rng.randint(0, 4))
            yield {
                "id": next_id_,
                "measure_id": mid,
                "reported_at": NOW
                - timedelta(days=7 * (STATUS_REPORTS_PER_MEASURE - n), minutes=mid % 997),
                "status": rng.choice(STATUSES),
                "progress": progress,
                "traffic_light": rng.choice(LIGHTS),
                "summary": "Synthetischer Statusbericht",
                "next_steps": "",
                "author_id": author_id,
                "author_name": "IKZ-Koordination",
            }
            next_id_ += 1


def _audit(rng: random.Random, measure_ids: list[int], first_id: int, actor_id: int) -> Any:
    next_id_ = first_id
    for mid in measure_ids:
        for n in range(AUDIT_EVENTS_PER_MEASURE):
            old = rng.randint(0, 99)
            yield {
                "id": next_id_,
                "occurred_at": NOW
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
            next_id_ += 1
