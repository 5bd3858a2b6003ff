"""Recording a status report: the weekly job of a digitalisation officer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.accounts.permissions import Principal
from app.core.enums import LABELS, MeasureStatus, TrafficLight
from app.core.errors import StaleVersion, ValidationFailed
from app.core.timeutil import today
from app.portfolio.detail import measure_or_404, require_measure_editor
from app.portfolio.models import Measure, StatusReport

SUMMARY_MAX = 4000
NEXT_STEPS_MAX = 4000


@dataclass(frozen=True)
class StatusReportInput:
    """Raw input as typed by a user or sent to the API; validated in one place."""

    status: Any
    progress: Any
    traffic_light: Any
    summary: Any
    next_steps: Any = ""
    expected_version: Any = None


@dataclass(frozen=True)
class _Valid:
    status: str
    progress: int
    traffic_light: str
    summary: str
    next_steps: str
    expected_version: int


def _parse_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def validate(data: StatusReportInput) -> _Valid:
    """German messages per field; raises ValidationFailed with all problems at once."""
    errors: dict[str, str] = {}
    status = data.status if isinstance(data.status, str) else ""
    if status not in {s.value for s in MeasureStatus}:
        allowed = ", ".join(LABELS[s.value] for s in MeasureStatus)
        errors["status"] = f"Bitte einen gültigen Status wählen ({allowed})."
    light = data.traffic_light if isinstance(data.traffic_light, str) else ""
    if light not in {t.value for t in TrafficLight}:
        errors["traffic_light"] = "Bitte eine Ampel wählen: Grün, Gelb oder Rot."
    progress = _parse_int(data.progress)
    if progress is None or not 0 <= progress <= 100:
        errors["progress"] = "Der Fortschritt muss eine ganze Zahl zwischen 0 und 100 % sein."
    summary = data.summary.strip() if isinstance(data.summary, str) else ""
    if not summary:
        errors["summary"] = "Bitte kurz beschreiben, was geschehen ist."
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = f"Der Bericht darf höchstens {SUMMARY_MAX} Zeichen lang sein."
    next_steps = data.next_steps.strip() if isinstance(data.next_steps, str) else ""
    if data.next_steps is not None and not isinstance(data.next_steps, str):
        errors["next_steps"] = "Die nächsten Schritte müssen Text sein."
    elif len(next_steps) > NEXT_STEPS_MAX:
        errors["next_steps"] = (
            f"Die nächsten Schritte dürfen höchstens {NEXT_STEPS_MAX} Zeichen haben."
        )
    version = _parse_int(data.expected_version)
    if version is None:
        errors["expected_version"] = "Die Version des Datensatzes fehlt; bitte die Seite neu laden."
    if errors:
        raise ValidationFailed(errors)
    assert progress is not None and version is not None
    return _Valid(status, progress, light, summary, next_steps, version)


def current_values(measure: Measure) -> dict[str, Any]:
    return {
        "status": measure.status,
        "progress": measure.progress,
        "traffic_light": measure.traffic_light,
        "version": measure.version,
    }


def create_status_report(
    *, session: Session, actor: Principal, code: str, data: StatusReportInput
) -> StatusReport:
    """Store a report and move the measure's status, progress and traffic light with it."""
    measure = measure_or_404(session, code)
    require_measure_editor(
        session,
        actor,
        measure,
        "Statusberichte erfassen nur die Digitalisierungsbeauftragten der beteiligten Kommunen.",
    )
    valid = validate(data)
    if valid.expected_version != measure.version:
        raise StaleVersion(current=current_values(measure), current_version=measure.version)
    measure.status = valid.status
    measure.progress = valid.progress
    measure.traffic_light = valid.traffic_light
    if valid.status == MeasureStatus.in_umsetzung and measure.actual_start is None:
        measure.actual_start = today()
    if valid.status == MeasureStatus.abgeschlossen and measure.actual_end is None:
        measure.actual_end = today()
    assert measure.id is not None
    report = StatusReport(
        measure_id=measure.id,
        status=valid.status,
        progress=valid.progress,
        traffic_light=valid.traffic_light,
        summary=valid.summary,
        next_steps=valid.next_steps,
        author_id=actor.user_id,
        author_name=actor.display_name,
    )
    session.add(measure)
    session.add(report)
    session.flush()
    return report
