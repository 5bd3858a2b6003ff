"""Editing measures, project plans, milestones and council approvals.

Every edit names the version it was based on; a stale one raises StaleVersion (HTTP 409) and
changes nothing. Nothing is deleted: measures and milestones are archived and can be restored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from app.accounts.permissions import (
    Principal,
    can_manage_strategy,
    can_record_approval,
    require,
)
from app.core.enums import ApprovalResult, CostKeyKind, MeasureStatus, Priority, TrafficLight
from app.core.errors import NotFound, StaleVersion, ValidationFailed
from app.municipalities.models import Municipality
from app.portfolio.detail import measure_or_404, participant_ids, require_measure_editor
from app.portfolio.forms import FormReader
from app.portfolio.models import (
    ActionField,
    Approval,
    Measure,
    Milestone,
    Participation,
    ProjectPlan,
)

MEASURE_FIELDS = (
    "title",
    "goal",
    "expected_effect",
    "priority",
    "responsible",
    "planned_start",
    "planned_end",
)


def _check_version(values: Mapping[str, Any], current: int, snapshot: dict[str, Any]) -> None:
    reader = FormReader(values)
    expected = reader.integer("expected_version", label="Version")
    if expected is None:
        raise ValidationFailed(
            {"expected_version": "Die Version fehlt; bitte die Seite neu laden."}
        )
    if expected != current:
        raise StaleVersion(current=snapshot, current_version=current)


def measure_snapshot(measure: Measure) -> dict[str, Any]:
    return {name: getattr(measure, name) for name in MEASURE_FIELDS} | {
        "archived": measure.archived
    }


def _require_measure_editor(session: Session, actor: Principal, measure: Measure) -> None:
    require_measure_editor(
        session,
        actor,
        measure,
        "Diese Maßnahme bearbeiten nur die Digitalisierungsbeauftragten der beteiligten Kommunen.",
    )


def _read_measure_fields(reader: FormReader) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": reader.text("title", required=True, label="einen Titel"),
        "goal": reader.text("goal", max_length=4000, label="Ziel"),
        "expected_effect": reader.text("expected_effect", max_length=4000, label="Wirkung"),
        "priority": reader.choice("priority", Priority, label="eine Priorität"),
        "responsible": reader.text("responsible", max_length=120, label="Verantwortlich"),
        "planned_start": reader.date("planned_start", label="Geplanter Beginn"),
        "planned_end": reader.date("planned_end", label="Geplantes Ende"),
    }
    reader.check_order(
        data["planned_start"],
        data["planned_end"],
        "planned_end",
        "Das geplante Ende darf nicht vor dem geplanten Beginn liegen.",
    )
    return data


def update_measure(
    *, session: Session, actor: Principal, code: str, values: Mapping[str, Any]
) -> Measure:
    """Change a measure's master data (title, goal, priority, plan dates, responsible person)."""
    measure = measure_or_404(session, code)
    _require_measure_editor(session, actor, measure)
    reader = FormReader(values)
    data = _read_measure_fields(reader)
    if reader.errors:
        raise ValidationFailed(reader.errors)
    _check_version(values, measure.version, measure_snapshot(measure))
    for name, value in data.items():
        if getattr(measure, name) != value:
            setattr(measure, name, value)
    session.add(measure)
    session.flush()
    return measure


def create_measure(*, session: Session, actor: Principal, values: Mapping[str, Any]) -> Measure:
    """A new measure (IKZ-Koordination): code, action field, lead and participants."""
    require(can_manage_strategy(actor), "Neue Maßnahmen legt die IKZ-Koordination an.")
    reader = FormReader(values)
    code = reader.text("code", required=True, max_length=30, label="einen Code").upper()
    data = _read_measure_fields(reader)
    field_code = reader.text("action_field", required=True, label="ein Handlungsfeld")
    lead_slug = reader.text("lead", required=True, label="die federführende Kommune")
    raw_participants = values.get("participants", [])
    slugs = [raw_participants] if isinstance(raw_participants, str) else list(raw_participants)
    field = (
        session.execute(select(ActionField).where(col(ActionField.code) == field_code))
        .scalars()
        .first()
    )
    if field_code and field is None:
        reader.errors["action_field"] = "Dieses Handlungsfeld gibt es nicht."
    municipalities = {m.slug: m for m in session.execute(select(Municipality)).scalars().all()}
    if lead_slug and lead_slug not in municipalities:
        reader.errors["lead"] = "Diese Kommune gibt es nicht."
    unknown = [slug for slug in slugs if slug not in municipalities]
    if unknown:
        reader.errors["participants"] = "Unbekannte Kommune: " + ", ".join(unknown)
    if code and session.execute(select(col(Measure.id)).where(col(Measure.code) == code)).first():
        reader.errors["code"] = f"Den Code {code} gibt es bereits."
    if reader.errors:
        raise ValidationFailed(reader.errors)
    assert field is not None and field.id is not None
    lead = municipalities[lead_slug]
    measure = Measure(
        strategy_id=field.strategy_id,
        action_field_id=field.id,
        code=code,
        lead_municipality_id=int(lead.id or 0),
        cost_key=CostKeyKind.equal.value,
        status=MeasureStatus.geplant.value,
        traffic_light=TrafficLight.gruen.value,
        **data,
    )
    session.add(measure)
    session.flush()
    assert measure.id is not None
    for slug in sorted(set(slugs) | {lead_slug}):
        session.add(
            Participation(measure_id=measure.id, municipality_id=int(municipalities[slug].id or 0))
        )
    session.add(ProjectPlan(measure_id=measure.id))
    session.flush()
    return measure


def set_archived(
    *, session: Session, actor: Principal, code: str, archived: bool, values: Mapping[str, Any]
) -> Measure:
    """Archive (hide) or restore a measure; nothing is ever deleted."""
    measure = measure_or_404(session, code)
    require(can_manage_strategy(actor), "Maßnahmen archiviert die IKZ-Koordination.")
    _check_version(values, measure.version, measure_snapshot(measure))
    measure.archived = archived
    session.add(measure)
    session.flush()
    return measure


def _plan(session: Session, measure: Measure) -> ProjectPlan:
    plan = (
        session.execute(select(ProjectPlan).where(col(ProjectPlan.measure_id) == measure.id))
        .scalars()
        .first()
    )
    if plan is None:
        assert measure.id is not None
        plan = ProjectPlan(measure_id=measure.id)
        session.add(plan)
        session.flush()
    return plan


def update_plan(
    *, session: Session, actor: Principal, code: str, values: Mapping[str, Any]
) -> ProjectPlan:
    measure = measure_or_404(session, code)
    _require_measure_editor(session, actor, measure)
    plan = _plan(session, measure)
    reader = FormReader(values)
    summary = reader.text("summary", max_length=4000, label="Beschreibung")
    if reader.errors:
        raise ValidationFailed(reader.errors)
    _check_version(values, plan.version, {"summary": plan.summary})
    if plan.summary != summary:
        plan.summary = summary
        session.add(plan)
        session.flush()
    return plan


def _read_milestone(reader: FormReader) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": reader.text("title", required=True, label="einen Titel"),
        "start_on": reader.date("start_on", label="Beginn"),
        "due_on": reader.date("due_on", label="Fällig am"),
        "done_on": reader.date("done_on", label="Erledigt am"),
        "owner": reader.text("owner", max_length=120, label="Zuständig"),
    }
    reader.check_order(
        data["start_on"],
        data["done_on"],
        "done_on",
        "Das Erledigungsdatum darf nicht vor dem Beginn liegen.",
    )
    reader.check_order(
        data["start_on"],
        data["due_on"],
        "due_on",
        "Die Fälligkeit darf nicht vor dem Beginn liegen.",
    )
    return data


def milestone_snapshot(milestone: Milestone) -> dict[str, Any]:
    return {
        "title": milestone.title,
        "start_on": milestone.start_on,
        "due_on": milestone.due_on,
        "done_on": milestone.done_on,
        "owner": milestone.owner,
        "archived": milestone.archived,
    }


def create_milestone(
    *, session: Session, actor: Principal, code: str, values: Mapping[str, Any]
) -> Milestone:
    measure = measure_or_404(session, code)
    _require_measure_editor(session, actor, measure)
    reader = FormReader(values)
    data = _read_milestone(reader)
    if reader.errors:
        raise ValidationFailed(reader.errors)
    plan = _plan(session, measure)
    assert plan.id is not None
    milestone = Milestone(plan_id=plan.id, **data)
    session.add(milestone)
    session.flush()
    return milestone


def _milestone(session: Session, measure: Measure, milestone_id: int) -> Milestone:
    plan = _plan(session, measure)
    milestone = session.get(Milestone, milestone_id)
    if milestone is None or milestone.plan_id != plan.id:
        raise NotFound("Diesen Meilenstein gibt es bei dieser Maßnahme nicht.")
    return milestone


def update_milestone(
    *, session: Session, actor: Principal, code: str, milestone_id: int, values: Mapping[str, Any]
) -> Milestone:
    measure = measure_or_404(session, code)
    _require_measure_editor(session, actor, measure)
    milestone = _milestone(session, measure, milestone_id)
    reader = FormReader(values)
    data = _read_milestone(reader)
    if reader.errors:
        raise ValidationFailed(reader.errors)
    _check_version(values, milestone.version, milestone_snapshot(milestone))
    for name, value in data.items():
        if getattr(milestone, name) != value:
            setattr(milestone, name, value)
    session.add(milestone)
    session.flush()
    return milestone


def set_milestone_archived(
    *,
    session: Session,
    actor: Principal,
    code: str,
    milestone_id: int,
    archived: bool,
    values: Mapping[str, Any],
) -> Milestone:
    measure = measure_or_404(session, code)
    _require_measure_editor(session, actor, measure)
    milestone = _milestone(session, measure, milestone_id)
    _check_version(values, milestone.version, milestone_snapshot(milestone))
    milestone.archived = archived
    session.add(milestone)
    session.flush()
    return milestone


def record_approval(
    *,
    session: Session,
    actor: Principal,
    code: str,
    municipality_slug: str,
    values: Mapping[str, Any],
) -> Approval:
    """Record a council decision; only that municipality's Hauptamtsleitung may."""
    measure = measure_or_404(session, code)
    municipality = (
        session.execute(select(Municipality).where(col(Municipality.slug) == municipality_slug))
        .scalars()
        .first()
    )
    if municipality is None or municipality.id is None:
        raise NotFound("Diese Kommune gibt es nicht.")
    require(
        can_record_approval(actor, municipality.id),
        f"Beschlüsse für {municipality.name} erfasst nur die dortige Hauptamtsleitung.",
    )
    assert measure.id is not None
    if municipality.id not in participant_ids(session, measure.id):
        raise ValidationFailed(
            {"kommune": f"{municipality.name} ist an dieser Maßnahme nicht beteiligt."}
        )
    reader = FormReader(values)
    body = reader.text("body", required=True, max_length=120, label="das Gremium")
    decided_on = reader.date("decided_on", required=True, label="das Sitzungsdatum")
    drucksache = reader.text("drucksache", max_length=60, label="Drucksache")
    result = reader.choice("result", ApprovalResult, label="ein Ergebnis")
    if reader.errors:
        raise ValidationFailed(reader.errors)
    assert decided_on is not None
    approval = Approval(
        measure_id=measure.id,
        municipality_id=municipality.id,
        body=body,
        decided_on=decided_on,
        drucksache=drucksache,
        result=result,
    )
    session.add(approval)
    session.flush()
    return approval
