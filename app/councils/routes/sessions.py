"""/gremien: sessions and Vorlagen per municipality; the session pages and forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_record_approval
from app.core.api import RecordId
from app.core.deps import SessionDep
from app.core.enums import SessionStatus, label
from app.core.forms import FormDep, accepts, submit
from app.core.timeutil import today
from app.core.web import redirect_with_notice, render
from app.councils.queries import proposals as proposal_queries
from app.councils.queries import sessions as queries
from app.councils.routes import municipality_filter
from app.councils.schemas import SessionCreate, SessionUpdate
from app.councils.service import sessions as service
from app.councils.service.access import recordable_session, require_recorder
from app.municipalities import queries as municipality_queries

router = APIRouter(include_in_schema=False)

STATUS_OPTIONS = [(s.value, label(s)) for s in SessionStatus]
Page = Annotated[int, Query(ge=1, le=100000)]
Kommune = Annotated[str, Query(max_length=60)]


def recorder_municipalities(session: SessionDep, user: Principal) -> list[int]:
    return [
        int(m.id or 0)
        for m in municipality_queries.municipalities(session)
        if can_record_approval(user, int(m.id or 0))
    ]


@router.get("/gremien", response_class=HTMLResponse)
def council_overview(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    kommune: Kommune = "",
    seite: Page = 1,
) -> HTMLResponse:
    """Upcoming and recent sessions and the Vorlagen, for one municipality or all."""
    municipality = municipality_filter(session, kommune)
    municipality_id = int(municipality.id or 0) if municipality else None
    day = today()
    context: dict[str, Any] = {
        "municipality": municipality,
        "municipalities": municipality_queries.municipality_choices(session),
        "upcoming": queries.session_rows(
            session, municipality_id=municipality_id, since=day, limit=30
        ),
        "recent": queries.session_rows(
            session,
            municipality_id=municipality_id,
            since=day - timedelta(days=365),
            until=day - timedelta(days=1),
            newest_first=True,
            limit=30,
        ),
        "proposals": proposal_queries.proposal_page(
            session, municipality_id=municipality_id, page=seite
        ),
        "can_record": bool(recorder_municipalities(session, user)),
    }
    return render(request, "councils/index.html", context)


def _body_options(session: SessionDep, user: Principal) -> list[tuple[str, str]]:
    allowed = recorder_municipalities(session, user)
    return [
        (str(row.body.id), f"{row.municipality.name}: {row.body.name}")
        for row in queries.bodies(session, allowed)
    ]


def _new_session_page(
    request: Request, session: SessionDep, user: Principal, status: int = 200, **extra: Any
) -> HTMLResponse:
    context = {"bodies": _body_options(session, user), "statuses": STATUS_OPTIONS} | extra
    return render(request, "councils/session_form.html", context, status_code=status)


@router.get("/gremien/sitzungen/neu", response_class=HTMLResponse)
def new_session_form(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    require_recorder(user)
    return _new_session_page(request, session, user)


@router.post("/gremien/sitzungen/neu", response_model=None)
@accepts(SessionCreate)
def new_session(
    request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    require_recorder(user)
    return submit(
        session=session,
        schema=SessionCreate,
        form=form,
        apply=lambda data: service.create_session(session=session, actor=user, data=data),
        success=lambda row: redirect_with_notice(
            request, f"/gremien/sitzungen/{row.id}", "Die Sitzung wurde angelegt."
        ),
        failure=lambda status, extra: _new_session_page(request, session, user, status, **extra),
    )


def _session_page(
    request: Request,
    session: SessionDep,
    user: Principal,
    session_id: int,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    row = queries.session_row(session, session_id)
    context = {
        "row": row,
        "agenda": queries.agenda(session, session_id),
        "statuses": STATUS_OPTIONS,
        "can_edit": can_record_approval(user, row.body.municipality_id),
    } | extra
    return render(request, "councils/session.html", context, status_code=status)


@router.get("/gremien/sitzungen/{session_id}", response_class=HTMLResponse)
def session_page(
    session_id: RecordId, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    return _session_page(request, session, user, session_id)


@router.post("/gremien/sitzungen/{session_id}", response_model=None)
@accepts(SessionUpdate)
def edit_session(
    session_id: RecordId, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    recordable_session(session, user, session_id)
    return submit(
        session=session,
        schema=SessionUpdate,
        form=form,
        apply=lambda data: service.update_session(
            session=session, actor=user, session_id=session_id, data=data
        ),
        success=lambda _row: redirect_with_notice(
            request, f"/gremien/sitzungen/{session_id}", "Die Sitzung wurde gespeichert."
        ),
        failure=lambda status, extra: _session_page(
            request, session, user, session_id, status, **extra
        ),
    )
