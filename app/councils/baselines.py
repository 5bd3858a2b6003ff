"""Baselines: the portfolio's state at a moment, frozen compactly and never changed.

A measure's state (status, progress, traffic light, participants, actual dates, milestones with
their due and done dates, the planned budget and funding per year and municipality) is encoded
as canonical JSON, compressed, and stored once per content in ``baseline_state`` (keyed by its
SHA-256). A baseline stores only the list of (measure, state) pairs, compressed. A measure that
did not change since an earlier baseline costs a few bytes in the list, not a new state.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from app.core.enums import BaselineReason
from app.councils.models import Baseline, BaselineState
from app.finance.models import BudgetShare
from app.portfolio.models import Measure, Milestone, Participation, ProjectPlan
from app.portfolio.queries import involving

State = dict[str, Any]
CHUNK = 500
COMPRESSION = 9


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def current_states(session: Session, *, municipality_id: int | None = None) -> dict[int, State]:
    """Every active measure's state now (of one municipality's measures, or all). Four
    queries, whatever the number of measures."""
    query = select(
        col(Measure.id),
        col(Measure.code),
        col(Measure.title),
        col(Measure.status),
        col(Measure.progress),
        col(Measure.traffic_light),
        col(Measure.lead_municipality_id),
        col(Measure.actual_start),
        col(Measure.actual_end),
    ).where(col(Measure.archived).is_(False))
    if municipality_id is not None:
        query = query.where(involving(municipality_id))
    states: dict[int, State] = {}
    for mid, code, title, status, progress, light, lead, start, end in session.execute(query):
        states[int(mid)] = {
            "id": int(mid),
            "code": code,
            "title": title,
            "status": status,
            "progress": int(progress),
            "light": light,
            "lead": int(lead),
            "parts": [],
            "start": _day(start),
            "end": _day(end),
            "ms": [],
            "budget": [],
        }
    if not states:
        return states
    scope = select(col(Measure.id)).where(col(Measure.archived).is_(False))
    if municipality_id is not None:
        scope = scope.where(involving(municipality_id))
    for mid, muni in session.execute(
        select(col(Participation.measure_id), col(Participation.municipality_id)).where(
            col(Participation.measure_id).in_(scope)
        )
    ):
        states[int(mid)]["parts"].append(int(muni))
    for mid, ms_id, title, due, done in session.execute(
        select(
            col(ProjectPlan.measure_id),
            col(Milestone.id),
            col(Milestone.title),
            col(Milestone.due_on),
            col(Milestone.done_on),
        )
        .join(ProjectPlan, col(ProjectPlan.id) == col(Milestone.plan_id))
        .where(col(ProjectPlan.measure_id).in_(scope), col(Milestone.archived).is_(False))
    ):
        states[int(mid)]["ms"].append([int(ms_id), title, _day(due), _day(done)])
    for mid, muni, year, gross, funding in session.execute(
        select(
            col(BudgetShare.measure_id),
            col(BudgetShare.municipality_id),
            col(BudgetShare.year),
            func.sum(BudgetShare.gross_cents),
            func.sum(BudgetShare.funding_cents),
        )
        .where(col(BudgetShare.measure_id).in_(scope))
        .group_by(
            col(BudgetShare.measure_id), col(BudgetShare.municipality_id), col(BudgetShare.year)
        )
    ):
        if int(mid) in states:
            states[int(mid)]["budget"].append([int(muni), int(year), int(gross), int(funding)])
    # Sorted here rather than by the database (a sort of every share costs more than the
    # aggregation): equal content must give equal bytes.
    for state in states.values():
        state["parts"].sort()
        state["ms"].sort()
        state["budget"].sort()
    return states


def encode(state: State) -> tuple[str, bytes]:
    """(digest, compressed bytes) of a state; equal states give equal digests."""
    raw = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest(), zlib.compress(raw, COMPRESSION)


def decode(data: bytes) -> State:
    result: State = json.loads(zlib.decompress(data))
    return result


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert states and return their ids by digest. A state another transaction stored
    meanwhile is simply there already (and is looked up)."""
    table = BaselineState.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    stored: dict[str, int] = {}
    for chunk in _chunks(rows):
        if dialect == "postgresql":
            statement: Any = postgresql.insert(table).on_conflict_do_nothing(
                index_elements=["digest"]
            )
        elif dialect == "sqlite":
            statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=["digest"])
        else:  # pragma: no cover - the two databases the application runs on
            statement = insert(table)
        returned = session.connection().execute(
            statement.values(list(chunk)).returning(table.c.digest, table.c.id)
        )
        stored.update({str(digest): int(state_id) for digest, state_id in returned})
    missing = [row["digest"] for row in rows if row["digest"] not in stored]
    if missing:
        stored.update(_ids_by_digest(session, missing))
    return stored


def _ids_by_digest(session: Session, digests: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(digests):
        for digest, state_id in session.execute(
            select(col(BaselineState.digest), col(BaselineState.id)).where(
                col(BaselineState.digest).in_(list(chunk))
            )
        ):
            found[str(digest)] = int(state_id)
    return found


def _stored_digests(session: Session, measure_ids: Sequence[int]) -> dict[str, int]:
    """Digest → id of every stored state of these measures: one pass over the states of the
    portfolio (many lookups by digest cost more than reading them all)."""
    wanted = set(measure_ids)
    return {
        str(digest): int(state_id)
        for digest, state_id, measure_id in session.execute(
            select(col(BaselineState.digest), col(BaselineState.id), col(BaselineState.measure_id))
        )
        if measure_id in wanted
    }


def _pack_index(pairs: list[tuple[int, int]]) -> bytes:
    """(measure id, state id) pairs, sorted, as deltas: consecutive ids compress to almost
    nothing."""
    measures: list[int] = []
    states: list[int] = []
    last_measure = last_state = 0
    for measure_id, state_id in sorted(pairs):
        measures.append(measure_id - last_measure)
        states.append(state_id - last_state)
        last_measure, last_state = measure_id, state_id
    raw = json.dumps([measures, states], separators=(",", ":")).encode()
    return zlib.compress(raw, COMPRESSION)


def unpack_index(data: bytes) -> list[tuple[int, int]]:
    measures, states = json.loads(zlib.decompress(data))
    pairs: list[tuple[int, int]] = []
    measure_id = state_id = 0
    for dm, ds in zip(measures, states, strict=True):
        measure_id += dm
        state_id += ds
        pairs.append((measure_id, state_id))
    return pairs


def take(
    session: Session,
    *,
    name: str,
    reason: BaselineReason,
    taken_by_id: int | None,
    taken_by_name: str,
    deliberation_id: int | None = None,
) -> Baseline:
    """Freeze the portfolio as it is in this transaction (flushed, never committed here)."""
    session.flush()
    states = current_states(session)
    encoded = {mid: encode(state) for mid, state in states.items()}
    known = _stored_digests(session, list(encoded))
    fresh = [(mid, digest, data) for mid, (digest, data) in encoded.items() if digest not in known]
    if fresh:
        known.update(
            _insert_ignoring_duplicates(
                session,
                [
                    {"measure_id": mid, "digest": digest, "data": data}
                    for mid, digest, data in fresh
                ],
            )
        )
    index = _pack_index([(mid, known[digest]) for mid, (digest, _data) in encoded.items()])
    baseline = Baseline(
        name=name,
        reason=reason.value,
        deliberation_id=deliberation_id,
        taken_by_id=taken_by_id,
        taken_by_name=taken_by_name,
        measure_count=len(states),
        new_states=len(fresh),
        stored_bytes=len(index) + sum(len(data) for _mid, _digest, data in fresh),
        index_data=index,
    )
    session.add(baseline)
    session.flush()
    return baseline


def frozen_states(
    session: Session, baseline: Baseline, *, measure_ids: Iterable[int] | None = None
) -> dict[int, State]:
    """The states a baseline froze (of the given measures, or all)."""
    pairs = unpack_index(baseline.index_data)
    if measure_ids is not None:
        wanted = set(measure_ids)
        pairs = [pair for pair in pairs if pair[0] in wanted]
    by_state: dict[int, list[int]] = defaultdict(list)
    for measure_id, state_id in pairs:
        by_state[state_id].append(measure_id)
    result: dict[int, State] = {}
    for chunk in _chunks(sorted(by_state)):
        for state_id, data in session.execute(
            select(col(BaselineState.id), col(BaselineState.data)).where(
                col(BaselineState.id).in_(list(chunk))
            )
        ):
            state = decode(bytes(data))
            for measure_id in by_state[int(state_id)]:
                result[measure_id] = state
    return result


@dataclass(frozen=True)
class StorageFigures:
    """What baselines occupy (for the note and the bench)."""

    baselines: int
    states: int
    index_bytes: int
    state_bytes: int


def storage_figures(session: Session) -> StorageFigures:
    count, index_bytes = session.execute(
        select(func.count(), func.coalesce(func.sum(func.length(Baseline.index_data)), 0))
    ).one()
    states, state_bytes = session.execute(
        select(func.count(), func.coalesce(func.sum(func.length(BaselineState.data)), 0))
    ).one()
    return StorageFigures(int(count), int(states), int(index_bytes), int(state_bytes))
