"""JSON API of goals and indicators under /api/v1: the twins of the HTML forms.

The permission is checked (as a dependency) before the body is validated, so a read-only user
gets 403, not 422.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal
from app.core.api import API_PREFIX, RecordId, created, link, responses
from app.core.deps import SessionDep
from app.core.errors import NotFound
from app.core.forms import run_edit
from app.indicators import queries, service
from app.indicators.models import Indicator
from app.indicators.schemas import IndicatorCreate, IndicatorPublic, IndicatorUpdate, ValueIn
from app.portfolio.models import Measure

router = APIRouter(prefix=API_PREFIX, tags=["Ziele und Indikatoren"])


def _definer(code: str, session: SessionDep, user: CurrentUser) -> Measure:
    return service.definable_measure(session=session, actor=user, code=code)


def _changer(indicator_id: RecordId, session: SessionDep, user: CurrentUser) -> Indicator:
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound("Diesen Indikator gibt es nicht.")
    service.require_definer(session, user, indicator)
    return indicator


def _enterer(indicator_id: RecordId, session: SessionDep, user: CurrentUser) -> Indicator:
    return service.require_value_enterer(session=session, actor=user, indicator_id=indicator_id)


def _indicator_role(user: CurrentUser) -> Principal:
    service.require_indicator_role(user)
    return user


IndicatorRole = Annotated[Principal, Depends(_indicator_role)]
Definer = Annotated[Measure, Depends(_definer)]
Changer = Annotated[Indicator, Depends(_changer)]
Enterer = Annotated[Indicator, Depends(_enterer)]


def _public(session: SessionDep, indicator_id: int) -> IndicatorPublic:
    return queries.indicator_public(session, queries.card_by_id(session, indicator_id))


@router.get(
    "/measures/{code}/indicators",
    response_model=list[IndicatorPublic],
    summary="Indikatoren einer Maßnahme",
    description="Die Indikatoren der Ziele einer Maßnahme mit allen Messwerten (älteste zuerst).",
    responses=responses(404),
)
def list_measure_indicators(
    code: str, session: SessionDep, user: CurrentUser
) -> list[IndicatorPublic]:
    measure = service.measure_or_404(session, code)
    assert measure.id is not None
    return [
        queries.indicator_public(session, card)
        for card in queries.measure_cards(session, measure.id)
    ]


@router.get(
    "/indicators/{indicator_id}",
    response_model=IndicatorPublic,
    summary="Ein Indikator",
    description="Ziel, Definition, Ausgangs- und Zielwert, alle Messwerte und der Satz der Karte.",
    responses=responses(404),
)
def get_indicator(
    indicator_id: RecordId, session: SessionDep, user: CurrentUser
) -> IndicatorPublic:
    return _public(session, indicator_id)


@router.post(
    "/measures/{code}/indicators",
    response_model=IndicatorPublic,
    status_code=201,
    summary="Indikator einer Maßnahme anlegen",
    description="Legt den Indikator an; ein Ziel dieses Titels wird verwendet oder neu angelegt.",
    responses=responses(403, 404, 422)
    | created(
        "Der neue Indikator",
        lesen=link("GET", "/api/v1/indicators/{indicator_id}", indicator_id="$response.body#/id"),
        aendern=link("PUT", "/api/v1/indicators/{indicator_id}", indicator_id="$response.body#/id"),
        messwert=link(
            "POST", "/api/v1/indicators/{indicator_id}/values", indicator_id="$response.body#/id"
        ),
    ),
)
def create_indicator(
    code: str, _measure: Definer, body: IndicatorCreate, session: SessionDep, user: CurrentUser
) -> IndicatorPublic:
    indicator = run_edit(
        session,
        lambda: service.create_measure_indicator(session=session, actor=user, code=code, data=body),
    )
    return _public(session, int(indicator.id or 0))


@router.put(
    "/indicators/{indicator_id}",
    response_model=IndicatorPublic,
    summary="Indikator ändern",
    description="Ersetzt die Angaben des Indikators; 409 mit den aktuellen Werten bei veralteter "
    "`expected_version`.",
    responses=responses(403, 404, 409, 422),
)
def update_indicator(
    _may: IndicatorRole,  # the role first: a reader gets 403 whatever the address says
    indicator_id: RecordId,
    _indicator: Changer,
    body: IndicatorUpdate,
    session: SessionDep,
    user: CurrentUser,
) -> IndicatorPublic:
    run_edit(
        session,
        lambda: service.update_indicator(
            session=session, actor=user, indicator_id=indicator_id, data=body
        ),
    )
    return _public(session, indicator_id)


@router.post(
    "/indicators/{indicator_id}/values",
    response_model=IndicatorPublic,
    status_code=201,
    summary="Messwert erfassen",
    description="Erfasst einen Messwert (einer je Tag); `expected_version` ist die Version des "
    "Indikators, von gleichzeitigen Erfassungen einer Version gewinnt genau eine.",
    responses=responses(403, 404, 409, 422),
)
def add_value(
    _may: IndicatorRole,  # the role first: a reader gets 403 whatever the address says
    indicator_id: RecordId,
    _indicator: Enterer,
    body: ValueIn,
    session: SessionDep,
    user: CurrentUser,
) -> IndicatorPublic:
    run_edit(
        session,
        lambda: service.add_value(
            session=session, actor=user, indicator_id=indicator_id, data=body
        ),
    )
    return _public(session, indicator_id)
