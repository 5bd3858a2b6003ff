"""JSON API of the portfolio domain under /api/v1: every HTML edit has its twin here.

Each twin calls the same service with the same schema and permission rule; the permission is
checked (as a dependency) before the body is validated, so a read-only user gets 403, not 422.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlmodel import Session

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_manage_strategy, require
from app.core.api import API_PREFIX, RecordId, created, link, responses
from app.core.deps import SessionDep
from app.core.forms import run_edit
from app.core.inputs import VersionOnly
from app.portfolio import queries
from app.portfolio.models import Measure, Milestone, ProjectPlan
from app.portfolio.schemas import (
    MeasureCreate,
    MeasureDetailPublic,
    MeasureUpdate,
    MilestoneCreate,
    MilestonePublic,
    MilestoneUpdate,
    ParticipantsIn,
    PlanPublic,
    PlanUpdate,
    StatusReportIn,
)
from app.portfolio.service import measures, plans
from app.portfolio.service.access import REPORTER_MESSAGE, editable_measure, managed_measure
from app.portfolio.service.status_reports import create_status_report

router = APIRouter(prefix=API_PREFIX, tags=["Maßnahmen"])


def _editor(code: str, session: SessionDep, user: CurrentUser) -> Measure:
    return editable_measure(session=session, actor=user, code=code)


def _reporter(code: str, session: SessionDep, user: CurrentUser) -> Measure:
    return editable_measure(session=session, actor=user, code=code, message=REPORTER_MESSAGE)


def _manager(code: str, session: SessionDep, user: CurrentUser) -> Measure:
    return managed_measure(session=session, actor=user, code=code)


def _creator(user: CurrentUser) -> Principal:
    require(can_manage_strategy(user), "Neue Maßnahmen legt die IKZ-Koordination an.")
    return user


Editor = Annotated[Measure, Depends(_editor)]
Reporter = Annotated[Measure, Depends(_reporter)]
Manager = Annotated[Measure, Depends(_manager)]


# ``GET /measures`` (paged, with the list's filters) lives in app.pages.measure_list.api.


@router.get(
    "/measures/{code}",
    response_model=MeasureDetailPublic,
    summary="Eine Maßnahme",
    responses=responses(404),
)
def get_measure(code: str, session: SessionDep, user: CurrentUser) -> MeasureDetailPublic:
    return queries.get_measure_public(session=session, code=code)


@router.post(
    "/measures/{code}/status-reports",
    response_model=MeasureDetailPublic,
    status_code=201,
    summary="Statusbericht erfassen",
    responses=responses(403, 404, 409, 422),
)
def post_status_report(
    code: str, _measure: Reporter, body: StatusReportIn, session: SessionDep, user: CurrentUser
) -> MeasureDetailPublic:
    run_edit(
        session,
        lambda: create_status_report(session=session, actor=user, code=code, data=body),
    )
    return queries.get_measure_public(session=session, code=code)


@router.post(
    "/measures",
    response_model=MeasureDetailPublic,
    status_code=201,
    summary="Maßnahme anlegen",
    responses=responses(403, 422)
    | created(
        "Die neue Maßnahme",
        lesen=link("GET", "/api/v1/measures/{code}", code="$response.body#/code"),
        aendern=link("PUT", "/api/v1/measures/{code}", code="$response.body#/code"),
        statusbericht=link(
            "POST", "/api/v1/measures/{code}/status-reports", code="$response.body#/code"
        ),
        meilenstein=link("POST", "/api/v1/measures/{code}/milestones", code="$response.body#/code"),
        budgetposition=link(
            "POST", "/api/v1/measures/{code}/budget-lines", code="$response.body#/code"
        ),
    ),
)
def create_measure(
    _creator: Annotated[Principal, Depends(_creator)],
    body: MeasureCreate,
    session: SessionDep,
    user: CurrentUser,
) -> MeasureDetailPublic:
    measure = run_edit(
        session, lambda: measures.create_measure(session=session, actor=user, data=body)
    )
    return queries.get_measure_public(session=session, code=measure.code)


@router.put(
    "/measures/{code}",
    response_model=MeasureDetailPublic,
    summary="Stammdaten einer Maßnahme ändern",
    responses=responses(403, 404, 409, 422),
)
def update_measure(
    code: str, _measure: Editor, body: MeasureUpdate, session: SessionDep, user: CurrentUser
) -> MeasureDetailPublic:
    run_edit(
        session, lambda: measures.update_measure(session=session, actor=user, code=code, data=body)
    )
    return queries.get_measure_public(session=session, code=code)


@router.put(
    "/measures/{code}/participants",
    response_model=MeasureDetailPublic,
    summary="Beteiligte Kommunen einer Maßnahme ändern (IKZ-Koordination)",
    description=(
        "Die federführende Kommune bleibt immer beteiligt. Anteile, Förderung und Haushalt "
        "folgen in derselben Transaktion; Beschlüsse einer entfernten Kommune werden gelöscht."
    ),
    responses=responses(403, 404, 409, 422),
)
def set_participants(
    code: str, _measure: Manager, body: ParticipantsIn, session: SessionDep, user: CurrentUser
) -> MeasureDetailPublic:
    run_edit(
        session,
        lambda: measures.set_participants(session=session, actor=user, code=code, data=body),
    )
    return queries.get_measure_public(session=session, code=code)


def _set_archived(
    session: Session, user: Principal, code: str, archived: bool, body: VersionOnly
) -> MeasureDetailPublic:
    run_edit(
        session,
        lambda: measures.set_archived(
            session=session, actor=user, code=code, archived=archived, data=body
        ),
    )
    return queries.get_measure_public(session=session, code=code)


@router.post(
    "/measures/{code}/archive",
    response_model=MeasureDetailPublic,
    summary="Maßnahme archivieren",
    responses=responses(403, 404, 409, 422),
)
def archive_measure(
    code: str, _measure: Manager, body: VersionOnly, session: SessionDep, user: CurrentUser
) -> MeasureDetailPublic:
    return _set_archived(session, user, code, True, body)


@router.post(
    "/measures/{code}/restore",
    response_model=MeasureDetailPublic,
    summary="Archivierte Maßnahme wiederherstellen",
    responses=responses(403, 404, 409, 422),
)
def restore_measure(
    code: str, _measure: Manager, body: VersionOnly, session: SessionDep, user: CurrentUser
) -> MeasureDetailPublic:
    return _set_archived(session, user, code, False, body)


def _plan_public(code: str, plan: ProjectPlan) -> PlanPublic:
    return PlanPublic(measure_code=code, summary=plan.summary, version=plan.version)


@router.get(
    "/measures/{code}/plan",
    response_model=PlanPublic,
    summary="Projektplan einer Maßnahme",
    responses=responses(404),
)
def get_plan(code: str, session: SessionDep, user: CurrentUser) -> PlanPublic:
    detail = queries.measure_detail(session=session, code=code)
    if detail.plan is None:
        return PlanPublic(measure_code=code, summary="", version=1)
    return _plan_public(code, detail.plan)


@router.put(
    "/measures/{code}/plan",
    response_model=PlanPublic,
    summary="Beschreibung des Projektplans ändern",
    responses=responses(403, 404, 409, 422),
)
def update_plan(
    code: str, _measure: Editor, body: PlanUpdate, session: SessionDep, user: CurrentUser
) -> PlanPublic:
    plan = run_edit(
        session, lambda: plans.update_plan(session=session, actor=user, code=code, data=body)
    )
    return _plan_public(code, plan)


@router.get(
    "/measures/{code}/milestones",
    response_model=list[MilestonePublic],
    summary="Meilensteine einer Maßnahme",
    responses=responses(404),
)
def list_milestones(code: str, session: SessionDep, user: CurrentUser) -> list[MilestonePublic]:
    detail = queries.measure_detail(session=session, code=code)
    return [MilestonePublic.model_validate(view.milestone) for view in detail.milestones]


def _milestone_public(milestone: Milestone) -> MilestonePublic:
    return MilestonePublic.model_validate(milestone)


@router.post(
    "/measures/{code}/milestones",
    response_model=MilestonePublic,
    status_code=201,
    summary="Meilenstein anlegen",
    responses=responses(403, 404, 422)
    | created(
        "Der neue Meilenstein",
        aendern=link(
            "PUT",
            "/api/v1/measures/{code}/milestones/{milestone_id}",
            code="$request.path.code",
            milestone_id="$response.body#/id",
        ),
        archivieren=link(
            "POST",
            "/api/v1/measures/{code}/milestones/{milestone_id}/archive",
            code="$request.path.code",
            milestone_id="$response.body#/id",
        ),
    ),
)
def create_milestone(
    code: str, _measure: Editor, body: MilestoneCreate, session: SessionDep, user: CurrentUser
) -> MilestonePublic:
    milestone = run_edit(
        session, lambda: plans.create_milestone(session=session, actor=user, code=code, data=body)
    )
    return _milestone_public(milestone)


@router.put(
    "/measures/{code}/milestones/{milestone_id}",
    response_model=MilestonePublic,
    summary="Meilenstein ändern",
    responses=responses(403, 404, 409, 422),
)
def update_milestone(
    code: str,
    milestone_id: RecordId,
    _measure: Editor,
    body: MilestoneUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> MilestonePublic:
    milestone = run_edit(
        session,
        lambda: plans.update_milestone(
            session=session, actor=user, code=code, milestone_id=milestone_id, data=body
        ),
    )
    return _milestone_public(milestone)


@router.post(
    "/measures/{code}/milestones/{milestone_id}/archive",
    response_model=MilestonePublic,
    summary="Meilenstein archivieren",
    responses=responses(403, 404, 409, 422),
)
def archive_milestone(
    code: str,
    milestone_id: RecordId,
    _measure: Editor,
    body: VersionOnly,
    session: SessionDep,
    user: CurrentUser,
) -> MilestonePublic:
    milestone = run_edit(
        session,
        lambda: plans.set_milestone_archived(
            session=session,
            actor=user,
            code=code,
            milestone_id=milestone_id,
            archived=True,
            data=body,
        ),
    )
    return _milestone_public(milestone)
