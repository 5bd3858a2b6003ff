"""The user administration of the IKZ-Koordination."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.accounts import service
from app.accounts.deps import (
    CurrentUser,
)
from app.accounts.permissions import Principal, can_manage_users, require
from app.accounts.schemas import (
    ActiveIn,
    PasswordReset,
    RoleIn,
    UserCreate,
)
from app.core.api import RecordId
from app.core.deps import SessionDep
from app.core.enums import Role
from app.core.forms import FormDep, accepts, submit
from app.core.inputs import VersionOnly
from app.core.web import redirect_with_notice, render
from app.municipalities import queries as municipality_queries

router = APIRouter(include_in_schema=False)


def _users_page(
    request: Request,
    session: Session,
    user: Principal,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "accounts/admin_users.html",
        {
            "users": service.list_users(session=session, actor=user),
            "municipalities": municipality_queries.municipalities(session),
            "role_choices": list(Role),
            "form": form or {},
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/admin/benutzer", response_class=HTMLResponse)
def users(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    return _users_page(request, session, user)


@router.post("/admin/benutzer", response_class=HTMLResponse)
@accepts(UserCreate)
def create_user(
    request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    require(can_manage_users(user))
    return submit(
        session=session,
        schema=UserCreate,
        form=form,
        apply=lambda data: service.create_user(session=session, actor=user, data=data),
        success=lambda created: redirect_with_notice(
            request,
            f"/admin/benutzer/{created.id}",
            f"Der Benutzer {created.username} ist angelegt.",
        ),
        failure=lambda status, extra: _users_page(
            request,
            session,
            user,
            form=extra.get("form_values"),
            errors=extra.get("form_errors"),
            status_code=status,
        ),
    )


def _user_page(
    request: Request,
    session: Session,
    actor: Principal,
    user_id: int,
    *,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> HTMLResponse:
    account = service.get_user(session=session, actor=actor, user_id=user_id)
    extra = extra or {}
    return render(
        request,
        "accounts/admin_user.html",
        {
            "account": account,
            "roles": service.roles_of(session=session, user_id=user_id),
            "tokens": service.list_tokens(session=session, actor=actor, user_id=user_id),
            "municipalities": municipality_queries.municipalities(session),
            "role_choices": list(Role),
            "errors": extra.get("form_errors") or {},
            "conflict_message": extra.get("conflict_message", ""),
        },
        status_code=status_code,
    )


@router.get("/admin/benutzer/{user_id}", response_class=HTMLResponse)
def user_detail(
    user_id: RecordId, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    return _user_page(request, session, user, user_id)


def _user_edit(
    request: Request,
    session: Session,
    actor: Principal,
    user_id: int,
    form: Any,
    schema: Any,
    apply: Any,
    notice: str,
) -> Response:
    require(can_manage_users(actor))
    return submit(
        session=session,
        schema=schema,
        form=form,
        apply=apply,
        success=lambda _user: redirect_with_notice(request, f"/admin/benutzer/{user_id}", notice),
        failure=lambda status, extra: _user_page(
            request, session, actor, user_id, status_code=status, extra=extra
        ),
    )


@router.post("/admin/benutzer/{user_id}/aktiv", response_class=HTMLResponse)
@accepts(ActiveIn)
def set_active(
    user_id: RecordId, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    return _user_edit(
        request,
        session,
        user,
        user_id,
        form,
        ActiveIn,
        lambda data: service.set_active(session=session, actor=user, user_id=user_id, data=data),
        "Der Status des Benutzers wurde gespeichert.",
    )


@router.post("/admin/benutzer/{user_id}/rollen", response_class=HTMLResponse)
@accepts(RoleIn)
def assign_role(
    user_id: RecordId, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    return _user_edit(
        request,
        session,
        user,
        user_id,
        form,
        RoleIn,
        lambda data: service.assign_role(session=session, actor=user, user_id=user_id, data=data),
        "Die Rolle wurde zugewiesen; der Benutzer ist auf allen Geräten abgemeldet.",
    )


@router.post(
    "/admin/benutzer/{user_id}/rollen/{assignment_id}/entfernen", response_class=HTMLResponse
)
@accepts(VersionOnly)
def remove_role(
    user_id: RecordId,
    assignment_id: RecordId,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    form: FormDep,
) -> Response:
    return _user_edit(
        request,
        session,
        user,
        user_id,
        form,
        VersionOnly,
        lambda data: service.remove_role(
            session=session, actor=user, user_id=user_id, assignment_id=assignment_id, data=data
        ),
        "Die Rolle wurde entfernt; der Benutzer ist auf allen Geräten abgemeldet.",
    )


@router.post("/admin/benutzer/{user_id}/passwort", response_class=HTMLResponse)
@accepts(PasswordReset)
def reset_password(
    user_id: RecordId, request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    return _user_edit(
        request,
        session,
        user,
        user_id,
        form,
        PasswordReset,
        lambda data: service.set_password(session=session, actor=user, user_id=user_id, data=data),
        "Das Passwort wurde neu gesetzt; der Benutzer ist auf allen Geräten abgemeldet.",
    )
