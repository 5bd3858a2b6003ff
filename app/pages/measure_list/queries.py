"""The filtered, sorted and paged measures list in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlmodel import Session, col

from app.core.paging import page_in_range
from app.core.timeutil import as_aware, today
from app.councils.queries.approval_summary import (
    ApprovalSummary,
    approval_summaries,
    open_decision,
)
from app.finance.queries.lookups import in_year
from app.municipalities.models import Municipality
from app.pages.measure_list.filters import PAGE_SIZE, MeasureFilter
from app.portfolio.models import (
    ActionField,
    Measure,
    Milestone,
    ProjectPlan,
    StatusReport,
)
from app.portfolio.queries import FINAL_STATUSES, involving, stale_cutoff
from app.risks.queries import has_high_risk


@dataclass(frozen=True)
class MeasureRow:
    """One line of the measures list."""

    measure: Measure
    field_code: str
    field_title: str
    lead_name: str
    overdue_milestones: int
    last_report_at: datetime | None
    approval: ApprovalSummary | None = None

    @property
    def report_missing(self) -> bool:
        """An active measure without a status report within the last 90 days (whole days)."""
        if self.measure.status in FINAL_STATUSES:
            return False
        if self.last_report_at is None:
            return True
        return as_aware(self.last_report_at) < stale_cutoff(today())


@dataclass(frozen=True)
class MeasurePage:
    rows: list[MeasureRow]
    total: int
    page: int
    pages: int


def german_fold(column: Any) -> ColumnElement[str]:
    """SQL expression sorting German words after DIN 5007-1 (ä like a, ß like ss)."""
    expression: Any = column
    for source, target in (
        ("Ä", "a"),
        ("Ö", "o"),
        ("Ü", "u"),
        ("ä", "a"),
        ("ö", "o"),
        ("ü", "u"),
        ("ß", "ss"),
    ):
        expression = func.replace(expression, source, target)
    return func.lower(expression)


def _overdue_subquery(on: date) -> Any:
    return (
        select(func.count(col(Milestone.id)))
        .join(ProjectPlan, col(ProjectPlan.id) == col(Milestone.plan_id))
        .where(
            col(ProjectPlan.measure_id) == col(Measure.id),
            col(Milestone.done_on).is_(None),
            col(Milestone.archived).is_(False),
            col(Milestone.due_on) < on,
        )
        .scalar_subquery()
    )


def _last_report_subquery() -> Any:
    return (
        select(func.max(col(StatusReport.reported_at)))
        .where(col(StatusReport.measure_id) == col(Measure.id))
        .scalar_subquery()
    )


def _slug_id(session: Session, slug: str) -> int | None:
    """The id of the municipality ``slug``; -1 for an unknown slug (nothing matches)."""
    if not slug:
        return None
    found = session.execute(
        select(col(Municipality.id)).where(col(Municipality.slug) == slug)
    ).scalar_one_or_none()
    return -1 if found is None else int(found)


@dataclass(frozen=True)
class _Ids:
    municipality: int | None
    lead: int | None


def _apply_filters(query: Select[Any], flt: MeasureFilter, ids: _Ids) -> Select[Any]:
    query = query.where(col(Measure.archived).is_(flt.archiviert))
    if (ids.municipality is not None and ids.municipality < 0) or (
        ids.lead is not None and ids.lead < 0
    ):
        return query.where(literal(False))
    if ids.municipality is not None:
        query = query.where(involving(ids.municipality))
    if ids.lead is not None:
        query = query.where(col(Measure.lead_municipality_id) == ids.lead)
    if flt.beschluss == "offen":
        query = query.where(open_decision(ids.municipality))
    if flt.feld:
        query = query.where(col(ActionField.code) == flt.feld)
    if flt.status:
        query = query.where(col(Measure.status) == flt.status)
    if flt.ampel:
        query = query.where(col(Measure.traffic_light) == flt.ampel)
    if flt.prioritaet:
        query = query.where(col(Measure.priority) == flt.prioritaet)
    if flt.jahr is not None:
        query = query.where(in_year(flt.jahr))
    if flt.beispiel == "ja":
        query = query.where(col(Measure.example).is_(True))
    elif flt.beispiel == "nein":
        query = query.where(col(Measure.example).is_(False))
    if flt.ueberfaellig:
        query = query.where(_overdue_subquery(today()) > 0)
    if flt.ohne_bericht:
        recent = exists().where(
            col(StatusReport.measure_id) == col(Measure.id),
            col(StatusReport.reported_at) >= stale_cutoff(today()),
        )
        query = query.where(col(Measure.status).not_in(FINAL_STATUSES), ~recent)
    if flt.risiko == "hoch":
        query = query.where(has_high_risk())
    if flt.q:
        needle = f"%{flt.q.casefold()}%"
        query = query.where(
            or_(
                func.lower(col(Measure.code)).like(needle),
                german_fold(col(Measure.title)).like(german_fold(literal(needle))),
                german_fold(col(Measure.goal)).like(german_fold(literal(needle))),
            )
        )
    return query


_LIGHT_ORDER = case({"rot": 0, "gelb": 1, "gruen": 2}, value=col(Measure.traffic_light), else_=3)
_STATUS_ORDER = case(
    {"in_umsetzung": 0, "geplant": 1, "zurueckgestellt": 2, "abgeschlossen": 3, "verworfen": 4},
    value=col(Measure.status),
    else_=5,
)


def _order(flt: MeasureFilter) -> list[Any]:
    keys: dict[str, Any] = {
        "code": col(Measure.code),
        "titel": german_fold(col(Measure.title)),
        "status": _STATUS_ORDER,
        "fortschritt": col(Measure.progress),
        "ampel": _LIGHT_ORDER,
        "ende": col(Measure.planned_end),
    }
    primary = keys[flt.sort]
    ordered = primary.desc() if flt.richtung == "ab" else primary.asc()
    return [ordered, col(Measure.code).asc()]


def _filtered_ids(session: Session, flt: MeasureFilter) -> tuple[Select[Any], _Ids]:
    ids = _Ids(_slug_id(session, flt.municipality_slug), _slug_id(session, flt.federfuehrung))
    base: Select[Any] = select(col(Measure.id))
    if flt.feld:
        base = base.join(ActionField, col(ActionField.id) == col(Measure.action_field_id))
    return _apply_filters(base, flt, ids), ids


def measure_slice(
    session: Session, flt: MeasureFilter, *, offset: int, limit: int
) -> tuple[int, list[Measure]]:
    """The number of measures the filter finds and ``limit`` of them from ``offset`` on, in the
    list's order (the API's pages): one COUNT and one SELECT."""
    base, ids = _filtered_ids(session, flt)
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    query: Select[Any] = select(Measure)
    if flt.feld:
        query = query.join(ActionField, col(ActionField.id) == col(Measure.action_field_id))
    query = _apply_filters(query, flt, ids).order_by(*_order(flt)).offset(offset).limit(limit)
    return int(total), list(session.execute(query).scalars())


def measure_page(session: Session, flt: MeasureFilter) -> MeasurePage:
    """One page of the list: one COUNT query and one SELECT, whatever the page size."""
    base, ids = _filtered_ids(session, flt)
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    page, pages = page_in_range(flt.seite, int(total), PAGE_SIZE)
    overdue = _overdue_subquery(today()).label("overdue")
    last_report = _last_report_subquery().label("last_report")
    query: Select[Any] = (
        select(
            Measure,
            col(ActionField.code),
            col(ActionField.title),
            col(Municipality.name),
            overdue,
            last_report,
        )
        .join(ActionField, col(ActionField.id) == col(Measure.action_field_id))
        .join(Municipality, col(Municipality.id) == col(Measure.lead_municipality_id))
    )
    query = _apply_filters(query, flt, ids)
    query = query.order_by(*_order(flt)).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    found = session.execute(query).all()
    approvals = approval_summaries(session, [int(row[0].id) for row in found])
    rows = [
        MeasureRow(
            measure=measure,
            field_code=field_code,
            field_title=field_title,
            lead_name=lead_name,
            overdue_milestones=int(overdue_count or 0),
            last_report_at=last_at,
            approval=approvals.get(int(measure.id or 0)),
        )
        for measure, field_code, field_title, lead_name, overdue_count, last_at in found
    ]
    return MeasurePage(rows=rows, total=int(total), page=page, pages=pages)
