"""Portfolio use cases. Keyword-only, take the session, never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from app.core.errors import NotFound
from app.core.timeutil import as_aware
from app.municipalities import queries as municipality_queries
from app.portfolio import queries
from app.portfolio.models import Measure, StatusReport
from app.portfolio.schemas import ActionFieldRef, MeasurePublic, StatusReportPublic


def _report_public(report: StatusReport | None) -> StatusReportPublic | None:
    if report is None or report.id is None:
        return None
    return StatusReportPublic(
        id=report.id,
        reported_at=as_aware(report.reported_at),
        status=report.status,
        progress=report.progress,
        traffic_light=report.traffic_light,
        summary=report.summary,
        next_steps=report.next_steps,
        author=report.author_name,
    )


def _public(measures: Sequence[Measure], session: Session) -> list[MeasurePublic]:
    ids = [int(m.id) for m in measures if m.id is not None]
    fields = queries.action_fields_by_id(session)
    leads = sorted({m.lead_municipality_id for m in measures})
    # A few measures (one API resource): only their leads' slugs, not all municipalities'.
    slugs = municipality_queries.slugs_by_id(session, leads if len(leads) <= 50 else None)
    participants = queries.participant_slugs(session, ids)
    reports = queries.latest_reports(session, ids)
    result = []
    for measure in measures:
        field = fields[measure.action_field_id]
        result.append(
            MeasurePublic(
                code=measure.code,
                title=measure.title,
                action_field=ActionFieldRef(code=field.code, title=field.title),
                priority=measure.priority,
                status=measure.status,
                progress=measure.progress,
                traffic_light=measure.traffic_light,
                lead=slugs[measure.lead_municipality_id],
                participants=participants.get(int(measure.id or 0), []),
                example=measure.example,
                archived=measure.archived,
                version=measure.version,
                latest_status_report=_report_public(reports.get(int(measure.id or 0))),
            )
        )
    return result


def list_measures_public(*, session: Session) -> list[MeasurePublic]:
    return _public(queries.measures(session), session)


def get_measure_public(*, session: Session, code: str) -> MeasurePublic:
    measure = queries.measure_by_code(session, code)
    if measure is None:
        raise NotFound(f"Die Maßnahme {code} gibt es nicht.")
    return _public([measure], session)[0]
