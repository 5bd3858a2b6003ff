"""JSON API of the risk register under /api/v1: the twin of every HTML edit, and the lists.

The permission is checked (as a dependency) before the body is validated, so a reader gets 403,
not 422.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.accounts.deps import CurrentUser
from app.core.api import API_PREFIX, RecordId, created, link, responses
from app.core.deps import SessionDep
from app.core.enums import RiskStatus
from app.core.forms import run_edit
from app.core.inputs import VersionOnly
from app.portfolio.models import Measure
from app.portfolio.queries import measure_or_404
from app.risks import queries, service
from app.risks.filters import RiskQuery, resolve
from app.risks.queries import RiskView
from app.risks.schemas import RiskCreate, RiskPublic, RiskUpdate

router = APIRouter(prefix=API_PREFIX, tags=["Risiken"])


def _editor(code: str, session: SessionDep, user: CurrentUser) -> Measure:
    return service.editable_measure(session=session, actor=user, code=code)


Editor = Annotated[Measure, Depends(_editor)]


def public(view: RiskView) -> RiskPublic:
    risk = view.risk
    assert risk.id is not None
    return RiskPublic(
        id=risk.id,
        measure_code=view.measure_code,
        title=risk.title,
        cause=risk.cause,
        effect=risk.effect,
        probability=risk.probability,
        impact=risk.impact,
        score=view.score,
        residual_probability=risk.residual_probability,
        residual_impact=risk.residual_impact,
        residual_score=view.residual_score,
        current_score=view.current_score,
        severity=view.severity,
        owner=risk.owner,
        municipality=view.municipality_slug,
        mitigation=risk.mitigation,
        status=RiskStatus(risk.status),
        review_on=risk.review_on,
        review_overdue=view.review_overdue,
        example=risk.example,
        version=risk.version,
    )


def _one(session: SessionDep, measure: Measure, risk_id: int) -> RiskPublic:
    assert measure.id is not None
    view = next(v for v in queries.risks_of_measure(session, measure.id) if v.risk.id == risk_id)
    return public(view)


@router.get(
    "/risks",
    response_model=list[RiskPublic],
    summary="Risiken aller Maßnahmen (gefiltert)",
    description=(
        "Ohne Filter die offenen Risiken (offen oder in Bearbeitung), die höchste geltende "
        "Bewertung zuerst; höchstens 200."
    ),
    responses=responses(422),
)
def list_risks(
    session: SessionDep, user: CurrentUser, params: Annotated[RiskQuery, Depends()]
) -> list[RiskPublic]:
    flt = resolve(session=session, actor=user, params=params)
    return [public(view) for view in queries.risk_list(session, flt).rows]


@router.get(
    "/measures/{code}/risks",
    response_model=list[RiskPublic],
    summary="Risiken einer Maßnahme",
    responses=responses(404),
)
def measure_risks(code: str, session: SessionDep, user: CurrentUser) -> list[RiskPublic]:
    measure = measure_or_404(session, code)
    assert measure.id is not None
    return [public(view) for view in queries.risks_of_measure(session, measure.id)]


@router.post(
    "/measures/{code}/risks",
    response_model=RiskPublic,
    status_code=201,
    summary="Risiko erfassen",
    responses=responses(403, 404, 422)
    | created(
        "Das neue Risiko",
        aendern=link(
            "PUT",
            "/api/v1/measures/{code}/risks/{risk_id}",
            code="$request.path.code",
            risk_id="$response.body#/id",
        ),
        schliessen=link(
            "POST",
            "/api/v1/measures/{code}/risks/{risk_id}/close",
            code="$request.path.code",
            risk_id="$response.body#/id",
        ),
    ),
)
def create_risk(
    code: str, measure: Editor, body: RiskCreate, session: SessionDep, user: CurrentUser
) -> RiskPublic:
    risk = run_edit(
        session, lambda: service.create_risk(session=session, actor=user, code=code, data=body)
    )
    return _one(session, measure, int(risk.id or 0))


@router.put(
    "/measures/{code}/risks/{risk_id}",
    response_model=RiskPublic,
    summary="Risiko ändern (auch bewerten nach Gegenmaßnahmen)",
    responses=responses(403, 404, 409, 422),
)
def update_risk(
    code: str,
    risk_id: RecordId,
    measure: Editor,
    body: RiskUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> RiskPublic:
    run_edit(
        session,
        lambda: service.update_risk(
            session=session, actor=user, code=code, risk_id=risk_id, data=body
        ),
    )
    return _one(session, measure, risk_id)


@router.post(
    "/measures/{code}/risks/{risk_id}/close",
    response_model=RiskPublic,
    summary="Risiko schließen",
    responses=responses(403, 404, 409, 422),
)
def close_risk(
    code: str,
    risk_id: RecordId,
    measure: Editor,
    body: VersionOnly,
    session: SessionDep,
    user: CurrentUser,
) -> RiskPublic:
    run_edit(
        session,
        lambda: service.close_risk(
            session=session, actor=user, code=code, risk_id=risk_id, data=body
        ),
    )
    return _one(session, measure, risk_id)
