"""HTML forms for editing measures, project plans, milestones and council approvals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts.deps import CurrentUser
from app.accounts.permissions import can_manage_strategy, require
from app.core.deps import SessionDep
from app.core.enums import ApprovalResult, Priority, label
from app.core.errors import NotFound, StaleVersion, ValidationFailed
from app.core.web import render
from app.municipalities import queries as municipality_queries
from app.portfolio import queries
from app.portfolio.detail import measure_detail, measure_or_404
from app.portfolio.editing import (
    create_measure,
    create_milestone,
    record_approval,
    set_archived,
    set_milestone_archived,
    update_measure,
    update_milestone,
    update_plan,
)

router = APIRouter(include_in_schema=False)

PRIORITY_OPTIONS = [(p.value, label(p)) for p in Priority]
RESULT_OPTIONS = [(r.value, label(r)) for r in ApprovalResult]


async def _form(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form:
        items = form.getlist(key)
        values[key] = [str(v) for v in items] if key == "participants" else str(items[-1])
    return values


def _attempt(action: Callable[[], object], values: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Run a service call; turn its refusals into a status code and form context."""
    try:
        action()
    except ValidationFailed as exc:
        return 422, {"form_values": values, "form_errors": exc.errors}
    except StaleVersion as exc:
        kept = dict(values, expected_version=str(exc.current_version))
        return 409, {
            "form_values": kept,
            "conflict": exc.current,
            "conflict_message": exc.message,
        }
    return 200, {}


def _measure_form_context(session: SessionDep, **extra: Any) -> dict[str, Any]:
    strategy = queries.current_strategy(session)
    fields = queries.action_fields(session, strategy.id) if strategy and strategy.id else []
    return {
        "priorities": PRIORITY_OPTIONS,
        "fields": fields,
        "municipalities": municipality_queries.municipalities(session),
    } | extra


@router.get("/massnahmen/neu", response_class=HTMLResponse)
def new_measure_form(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    require(can_manage_strategy(user), "Neue Maßnahmen legt die IKZ-Koordination an.")
    return render(request, "portfolio/measure_form.html", _measure_form_context(session))


@router.post("/massnahmen/neu", response_model=None)
async def new_measure(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    values = await _form(request)
    created: list[str] = []

    def action() -> None:
        created.append(create_measure(session=session, actor=user, values=values).code)

    status, extra = _attempt(action, values)
    if status == 200:
        return RedirectResponse(f"/massnahmen/{created[0]}", status_code=303)
    context = _measure_form_context(session, **extra)
    return render(request, "portfolio/measure_form.html", context, status_code=status)


@router.get("/massnahmen/{code}/bearbeiten", response_class=HTMLResponse)
def edit_measure_form(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    measure = measure_or_404(session, code)
    context = _measure_form_context(session, measure=measure, can_archive=can_manage_strategy(user))
    return render(request, "portfolio/measure_form.html", context)


@router.post("/massnahmen/{code}/bearbeiten", response_model=None)
async def edit_measure(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    values = await _form(request)
    status, extra = _attempt(
        lambda: update_measure(session=session, actor=user, code=code, values=values), values
    )
    if status == 200:
        return RedirectResponse(f"/massnahmen/{code}", status_code=303)
    measure = measure_or_404(session, code)
    context = _measure_form_context(
        session, measure=measure, can_archive=can_manage_strategy(user), **extra
    )
    return render(request, "portfolio/measure_form.html", context, status_code=status)


async def _archive(
    code: str, archived: bool, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    values = await _form(request)
    status, extra = _attempt(
        lambda: set_archived(
            session=session, actor=user, code=code, archived=archived, values=values
        ),
        values,
    )
    if status == 200:
        return RedirectResponse(f"/massnahmen/{code}", status_code=303)
    measure = measure_or_404(session, code)
    context = _measure_form_context(session, measure=measure, can_archive=True, **extra)
    return render(request, "portfolio/measure_form.html", context, status_code=status)


@router.post("/massnahmen/{code}/archivieren", response_model=None)
async def archive_measure(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    return await _archive(code, True, request, session, user)


@router.post("/massnahmen/{code}/wiederherstellen", response_model=None)
async def restore_measure(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    return await _archive(code, False, request, session, user)


def _plan_page(
    request: Request, session: SessionDep, code: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    detail = measure_detail(session=session, code=code)
    return render(
        request,
        "portfolio/plan.html",
        {"d": detail, "m": detail.measure} | extra,
        status_code=status,
    )


def _back_to_plan(
    request: Request, session: SessionDep, code: str, status: int, slot: str, extra: Any
) -> Response:
    """After a plan or milestone form: to the plan page, or the page with the form's errors."""
    if status == 200:
        return RedirectResponse(f"/massnahmen/{code}/projektplan", status_code=303)
    return _plan_page(request, session, code, status, **{slot: extra})


@router.get("/massnahmen/{code}/projektplan", response_class=HTMLResponse)
def plan_page(code: str, request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    return _plan_page(request, session, code)


@router.post("/massnahmen/{code}/projektplan", response_model=None)
async def save_plan(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    values = await _form(request)
    status, extra = _attempt(
        lambda: update_plan(session=session, actor=user, code=code, values=values), values
    )
    return _back_to_plan(request, session, code, status, "plan_form", extra)


@router.post("/massnahmen/{code}/meilensteine", response_model=None)
async def add_milestone(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    values = await _form(request)
    status, extra = _attempt(
        lambda: create_milestone(session=session, actor=user, code=code, values=values), values
    )
    return _back_to_plan(request, session, code, status, "new_form", extra)


@router.post("/massnahmen/{code}/meilensteine/{milestone_id}", response_model=None)
async def edit_milestone(
    code: str, milestone_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    values = await _form(request)
    status, extra = _attempt(
        lambda: update_milestone(
            session=session, actor=user, code=code, milestone_id=milestone_id, values=values
        ),
        values,
    )
    return _back_to_plan(request, session, code, status, "edit_forms", {milestone_id: extra})


@router.post("/massnahmen/{code}/meilensteine/{milestone_id}/archivieren", response_model=None)
async def archive_milestone(
    code: str, milestone_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    values = await _form(request)
    status, extra = _attempt(
        lambda: set_milestone_archived(
            session=session,
            actor=user,
            code=code,
            milestone_id=milestone_id,
            archived=True,
            values=values,
        ),
        values,
    )
    return _back_to_plan(request, session, code, status, "edit_forms", {milestone_id: extra})


def _approval_context(session: SessionDep, code: str, slug: str, **extra: Any) -> dict[str, Any]:
    measure = measure_or_404(session, code)
    municipality = municipality_queries.municipality_by_slug(session, slug)
    if municipality is None:
        raise NotFound("Bitte eine beteiligte Kommune wählen.")
    return {"m": measure, "municipality": municipality, "results": RESULT_OPTIONS} | extra


@router.get("/massnahmen/{code}/beschluss", response_class=HTMLResponse)
def approval_form(
    code: str, request: Request, session: SessionDep, user: CurrentUser, kommune: str = ""
) -> HTMLResponse:
    context = _approval_context(session, code, kommune)
    return render(request, "portfolio/approval_form.html", context)


@router.post("/massnahmen/{code}/beschluss", response_model=None)
async def save_approval(
    code: str, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    values = await _form(request)
    slug = str(values.get("kommune", ""))
    status, extra = _attempt(
        lambda: record_approval(
            session=session, actor=user, code=code, municipality_slug=slug, values=values
        ),
        values,
    )
    if status == 200:
        return RedirectResponse(f"/massnahmen/{code}#kommunen", status_code=303)
    context = _approval_context(session, code, slug, **extra)
    return render(request, "portfolio/approval_form.html", context, status_code=status)
