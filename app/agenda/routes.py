"""Calendar feeds (``/kalender/{token}.ics``) and a measure's calendar address."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from sqlmodel import Session

from app.accounts import service as accounts
from app.accounts.deps import CurrentUser
from app.accounts.models import CalendarFeed
from app.accounts.permissions import Principal
from app.agenda import calendar
from app.core.agenda import EventQuery
from app.core.deps import SessionDep
from app.core.timeutil import today
from app.core.web import render
from app.portfolio.queries import measure_or_404

router = APIRouter(include_in_schema=False)

UNKNOWN_FEED = (
    "Diese Kalenderadresse gibt es nicht oder sie wurde widerrufen. Eine neue erstellen Sie "
    "im Profil von IKZ-Portfolio."
)


def feed_municipalities(principal: Principal) -> frozenset[int] | None:
    """Whose dates a person's own calendar shows: the municipalities of their roles (all of
    them for the IKZ-Koordination and for roles without a municipality)."""
    if principal.is_admin:
        return None
    held = frozenset(m for ids in principal.roles.values() for m in ids if m is not None)
    return held or None


def feed_query(feed: CalendarFeed, principal: Principal) -> EventQuery:
    start, end = calendar.window(today())
    if feed.measure_id is not None:
        return EventQuery(municipality_ids=None, measure_id=feed.measure_id, start=start, end=end)
    return EventQuery(
        municipality_ids=feed_municipalities(principal), measure_id=None, start=start, end=end
    )


def feed_body(session: Session, feed: CalendarFeed, principal: Principal) -> bytes:
    query = feed_query(feed, principal)
    name = f"IKZ-Portfolio: {feed.label}"
    return calendar.to_ical(
        calendar.collect(session, query), name=name, start=query.start, end=query.end
    )


@router.get("/kalender/{token}.ics", response_model=None)
def calendar_feed(token: str, session: SessionDep) -> Response:
    """The calendar behind a secret address (no sign-in: calendar programs cannot)."""
    found = accounts.feed_for_token(session=session, plain=token)
    if found is None:
        return PlainTextResponse(UNKNOWN_FEED, status_code=404)
    feed, principal = found
    return Response(
        feed_body(session, feed, principal),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": 'inline; filename="ikz-portfolio.ics"',
            "Cache-Control": "private, max-age=300",
        },
    )


@router.post("/massnahmen/{code}/kalender", response_class=HTMLResponse)
def create_measure_feed(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    """A secret calendar address for one measure's dates (shown once)."""
    measure = measure_or_404(session, code)
    _feed, plain = accounts.create_calendar_feed(
        session=session,
        actor=user,
        measure_id=measure.id,
        label=f"{measure.code} {measure.title}",
    )
    return render(
        request,
        "agenda/feed_created.html",
        {"m": measure, "feed_url": accounts.feed_url(plain)},
        status_code=201,
        headers={"Cache-Control": "no-store"},
    )
