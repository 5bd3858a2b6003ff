"""JSON twin of the forms that make a calendar address (``/profil/kalender`` and
``/massnahmen/{code}/kalender``); renewing and revoking are in :mod:`app.accounts.api`."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.accounts import service as accounts
from app.accounts.api import calendar_feed_public
from app.accounts.deps import CurrentUser
from app.accounts.schemas import NewCalendarFeedPublic
from app.agenda.schemas import CalendarFeedCreate
from app.core.api import API_PREFIX, created, link, responses
from app.core.deps import SessionDep
from app.core.errors import ValidationFailed
from app.core.forms import run_edit
from app.core.rules import shown
from app.portfolio.queries import measure_by_code

router = APIRouter(prefix=API_PREFIX, tags=["Benutzer"])


@router.post(
    "/me/calendar-feeds",
    response_model=NewCalendarFeedPublic,
    status_code=201,
    summary="Kalenderadresse erstellen (die Adresse steht nur in dieser Antwort)",
    responses=responses(422)
    | created(
        "Die neue Kalenderadresse",
        erneuern=link(
            "POST", "/api/v1/me/calendar-feeds/{feed_id}/renew", feed_id="$response.body#/id"
        ),
        widerrufen=link(
            "DELETE", "/api/v1/me/calendar-feeds/{feed_id}", feed_id="$response.body#/id"
        ),
    ),
)
def create_calendar_feed(
    body: CalendarFeedCreate, response: Response, session: SessionDep, user: CurrentUser
) -> NewCalendarFeedPublic:
    measure_id, label = None, ""
    if body.measure:
        measure = measure_by_code(session, body.measure)
        if measure is None:
            raise ValidationFailed(
                {"measure": f"Die Maßnahme „{shown(body.measure)}“ gibt es nicht."}
            )
        measure_id, label = measure.id, f"{measure.code} {measure.title}"
    feed, plain = run_edit(
        session,
        lambda: accounts.create_calendar_feed(
            session=session, actor=user, measure_id=measure_id, label=label
        ),
    )
    response.headers["Cache-Control"] = "no-store"
    return NewCalendarFeedPublic(
        **calendar_feed_public(feed).model_dump(), url=accounts.feed_url(plain)
    )
