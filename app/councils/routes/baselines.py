"""/berichte: baselines (taken at decisions and on demand), "Änderungen seit …", and the form
that asks for a Sachstandsbericht (its files come from app.pages.reports)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.deps import CurrentUser
from app.accounts.permissions import Principal, can_take_baseline, require
from app.core.deps import SessionDep
from app.core.errors import ValidationFailed
from app.core.forms import FormDep, accepts, submit
from app.core.rules import parse_int
from app.core.timeutil import today
from app.core.web import redirect_with_notice, render
from app.councils.models import Baseline
from app.councils.queries import baselines as queries
from app.councils.routes import municipality_filter
from app.councils.schemas import BaselineCreate
from app.councils.service import baselines as service
from app.councils.service.baselines import TAKER_MESSAGE
from app.municipalities import queries as municipality_queries

router = APIRouter(include_in_schema=False)

Page = Annotated[int, Query(ge=1, le=100000)]
Param = Annotated[str, Query(max_length=60)]


def baseline_param(session: SessionDep, seit: str) -> Baseline:
    """The baseline named by ``?seit=<id>``, with a German 422 for anything else."""
    number = parse_int(seit) if seit else None
    if number is None or not 1 <= number <= 2**31 - 1:
        message = "Bitte eine Baseline wählen (seit=<Nummer>)."
        raise ValidationFailed({"seit": message}, message=message)
    baseline = session.get(Baseline, number)
    if baseline is None:
        message = f"Die Baseline {number} gibt es nicht."
        raise ValidationFailed({"seit": message}, message=message)
    return baseline


def _reports_page(
    request: Request,
    session: SessionDep,
    user: Principal,
    page: int = 1,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    result = queries.baseline_page(session, page)
    context = {
        "result": result,
        "municipalities": municipality_queries.municipality_choices(session),
        "can_take": can_take_baseline(user),
        "today": today(),
    } | extra
    return render(request, "councils/reports.html", context, status_code=status)


@router.get("/berichte", response_class=HTMLResponse)
def reports(
    request: Request, session: SessionDep, user: CurrentUser, seite: Page = 1
) -> HTMLResponse:
    return _reports_page(request, session, user, seite)


@router.post("/berichte/baselines", response_model=None)
@accepts(BaselineCreate)
def take_baseline(
    request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    require(can_take_baseline(user), TAKER_MESSAGE)
    return submit(
        session=session,
        schema=BaselineCreate,
        form=form,
        apply=lambda data: service.take_baseline(session=session, actor=user, data=data),
        success=lambda baseline: redirect_with_notice(
            request,
            "/berichte",
            f"Die Baseline „{baseline.name}“ hält den Stand von {baseline.measure_count} "
            "Maßnahmen fest.",
        ),
        failure=lambda status, extra: _reports_page(
            request, session, user, status=status, baseline_form=extra
        ),
    )


@router.get("/berichte/aenderungen", response_class=HTMLResponse)
def changes_page(
    request: Request, session: SessionDep, user: CurrentUser, seit: Param = "", kommune: Param = ""
) -> HTMLResponse:
    """The changes since a baseline ("Änderungen seit …") for a municipality or the whole IKZ;
    without ``seit``, since the newest baseline."""
    municipality = municipality_filter(session, kommune)
    choices = queries.baseline_choices(session)
    baseline: Baseline | None = None
    if seit:
        baseline = baseline_param(session, seit)
    elif choices:
        baseline = queries.baseline_or_404(session, choices[0].id)
    changes = (
        queries.changes_since(
            session, baseline, municipality_id=int(municipality.id or 0) if municipality else None
        )
        if baseline is not None
        else None
    )
    context = {
        "baseline": baseline,
        "municipality": municipality,
        "changes": changes,
        "municipalities": municipality_queries.municipality_choices(session),
        "baselines": choices,
    }
    return render(request, "councils/changes.html", context)
