"""Reads of bodies and sessions: the overview, one session's agenda, and upcoming dates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session, col

from app.core.enums import SessionStatus
from app.core.errors import NotFound
from app.councils.models import (
    CouncilBody,
    CouncilSession,
    Deliberation,
    Proposal,
    ProposalMeasure,
)
from app.municipalities.models import Municipality


@dataclass(frozen=True)
class BodyRow:
    body: CouncilBody
    municipality: Municipality


def bodies(session: Session, municipality_ids: Iterable[int] | None = None) -> list[BodyRow]:
    """Bodies by municipality name and their order (all, or those of some municipalities)."""
    query = (
        select(CouncilBody, Municipality)
        .join(Municipality, col(Municipality.id) == col(CouncilBody.municipality_id))
        .order_by(col(Municipality.name), col(CouncilBody.position), col(CouncilBody.name))
    )
    if municipality_ids is not None:
        query = query.where(col(CouncilBody.municipality_id).in_(list(municipality_ids)))
    return [BodyRow(body, municipality) for body, municipality in session.execute(query).all()]


@dataclass(frozen=True)
class SessionRow:
    session: CouncilSession
    body: CouncilBody
    municipality: Municipality
    agenda: int  # Vorlagen on its agenda


def _session_query() -> Select[Any]:
    agenda = (
        select(func.count(col(Deliberation.id)))
        .where(col(Deliberation.session_id) == col(CouncilSession.id))
        .scalar_subquery()
    )
    return (
        select(CouncilSession, CouncilBody, Municipality, agenda)
        .join(CouncilBody, col(CouncilBody.id) == col(CouncilSession.body_id))
        .join(Municipality, col(Municipality.id) == col(CouncilBody.municipality_id))
    )


def session_rows(
    session: Session,
    *,
    municipality_id: int | None,
    since: date | None = None,
    until: date | None = None,
    newest_first: bool = False,
    limit: int = 50,
) -> list[SessionRow]:
    query = _session_query()
    if municipality_id is not None:
        query = query.where(col(CouncilBody.municipality_id) == municipality_id)
    if since is not None:
        query = query.where(col(CouncilSession.held_on) >= since)
    if until is not None:
        query = query.where(col(CouncilSession.held_on) <= until)
    order = col(CouncilSession.held_on).desc() if newest_first else col(CouncilSession.held_on)
    query = query.order_by(order, col(Municipality.name), col(CouncilBody.position)).limit(limit)
    return [SessionRow(*row) for row in session.execute(query).all()]


def session_row(session: Session, session_id: int) -> SessionRow:
    found = session.execute(_session_query().where(col(CouncilSession.id) == session_id)).first()
    if found is None:
        raise NotFound("Diese Sitzung gibt es nicht.")
    return SessionRow(*found)


@dataclass(frozen=True)
class AgendaItem:
    deliberation: Deliberation
    proposal: Proposal


def agenda(session: Session, session_id: int) -> list[AgendaItem]:
    """The Vorlagen a session deliberates, in the order of their Drucksache."""
    rows = session.execute(
        select(Deliberation, Proposal)
        .join(Proposal, col(Proposal.id) == col(Deliberation.proposal_id))
        .where(col(Deliberation.session_id) == session_id)
        .order_by(col(Proposal.drucksache), col(Proposal.id))
    ).all()
    return [AgendaItem(d, p) for d, p in rows]


@dataclass(frozen=True)
class UpcomingSession:
    """A council date for task lists and calendars."""

    id: int
    municipality_id: int
    municipality: str
    body: str
    held_on: date
    place: str
    agenda: tuple[str, ...]  # "VL-80/2024 Titel" of the Vorlagen to be deliberated


def upcoming_sessions(
    session: Session, municipality_ids: Sequence[int] | None, until: date, *, since: date
) -> list[UpcomingSession]:
    """Planned sessions from ``since`` to ``until`` (inclusive) of the municipalities' bodies
    (all municipalities when ``None``), soonest first, each with its agenda. Two queries."""
    query = (
        select(CouncilSession, CouncilBody, Municipality)
        .join(CouncilBody, col(CouncilBody.id) == col(CouncilSession.body_id))
        .join(Municipality, col(Municipality.id) == col(CouncilBody.municipality_id))
        .where(
            col(CouncilSession.held_on) >= since,
            col(CouncilSession.held_on) <= until,
            col(CouncilSession.status) == SessionStatus.geplant.value,
        )
        .order_by(col(CouncilSession.held_on), col(Municipality.name), col(CouncilBody.position))
    )
    if municipality_ids is not None:
        query = query.where(col(CouncilBody.municipality_id).in_(list(municipality_ids)))
    rows = session.execute(query).all()
    ids = [int(s.id or 0) for s, _b, _m in rows]
    items: dict[int, list[str]] = {}
    if ids:
        for session_id, drucksache, title in session.execute(
            select(col(Deliberation.session_id), col(Proposal.drucksache), col(Proposal.title))
            .join(Proposal, col(Proposal.id) == col(Deliberation.proposal_id))
            .where(col(Deliberation.session_id).in_(ids))
            .order_by(col(Proposal.drucksache))
        ).all():
            items.setdefault(int(session_id), []).append(f"{drucksache} {title}".strip())
    return [
        UpcomingSession(
            id=int(s.id or 0),
            municipality_id=int(m.id or 0),
            municipality=m.name,
            body=b.name,
            held_on=s.held_on,
            place=s.place,
            agenda=tuple(items.get(int(s.id or 0), [])),
        )
        for s, b, m in rows
    ]


def sessions_for_calendar(
    session: Session,
    *,
    start: date,
    end: date,
    municipality_ids: Iterable[int] | None,
    measure_id: int | None = None,
) -> list[SessionRow]:
    """Every session from ``start`` to ``end`` of the municipalities' bodies (all when ``None``),
    or, for a measure, the sessions that deliberate a Vorlage about it."""
    query = _session_query().where(
        col(CouncilSession.held_on) >= start, col(CouncilSession.held_on) <= end
    )
    if measure_id is not None:
        query = query.where(
            col(CouncilSession.id).in_(
                select(col(Deliberation.session_id))
                .join(
                    ProposalMeasure,
                    col(ProposalMeasure.proposal_id) == col(Deliberation.proposal_id),
                )
                .where(col(ProposalMeasure.measure_id) == measure_id)
            )
        )
    elif municipality_ids is not None:
        query = query.where(col(CouncilBody.municipality_id).in_(sorted(municipality_ids)))
    query = query.order_by(col(CouncilSession.held_on), col(CouncilSession.id))
    return [SessionRow(*row) for row in session.execute(query).all()]
