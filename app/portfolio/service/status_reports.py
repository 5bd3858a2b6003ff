"""Recording a status report: the weekly job of a digitalisation officer."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.accounts.permissions import Principal
from app.core.db import claim_version
from app.core.enums import MeasureStatus
from app.core.timeutil import today
from app.portfolio.models import Measure, StatusReport
from app.portfolio.schemas import StatusReportIn
from app.portfolio.service.access import REPORTER_MESSAGE, measure_for_edit, require_measure_editor


def status_snapshot(measure: Measure) -> dict[str, Any]:
    """What a report changes, as the 409 answer shows it."""
    return {
        "status": measure.status,
        "progress": measure.progress,
        "traffic_light": measure.traffic_light,
        "version": measure.version,
    }


def create_status_report(
    *, session: Session, actor: Principal, code: str, data: StatusReportIn
) -> StatusReport:
    """Store a report and move the measure's status, progress and traffic light with it.

    Every accepted report moves the measure's version, also when status, progress and light stay
    the same: of several reports based on one version exactly one is accepted.
    """
    measure = measure_for_edit(session, code)
    require_measure_editor(session, actor, measure, REPORTER_MESSAGE)
    claim_version(measure, data.expected_version, status_snapshot)
    measure.status = data.status
    measure.progress = data.progress
    measure.traffic_light = data.traffic_light
    if data.status == MeasureStatus.in_umsetzung and measure.actual_start is None:
        measure.actual_start = today()
    if data.status == MeasureStatus.abgeschlossen and measure.actual_end is None:
        measure.actual_end = today()
    assert measure.id is not None
    report = StatusReport(
        measure_id=measure.id,
        status=data.status,
        progress=data.progress,
        traffic_light=data.traffic_light,
        summary=data.summary,
        next_steps=data.next_steps,
        author_id=actor.user_id,
        author_name=actor.display_name,
    )
    session.add(measure)
    session.add(report)
    session.flush()
    return report
