"""HTML pages of the accounts domain: sign-in and sign-out, the profile (own password, devices,
API tokens), and the user administration of the IKZ-Koordination."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts import service
from app.accounts.deps import (
    CurrentUser,
    OptionalUser,
    client_address,
    end_session,
    safe_next,
    start_session,
)
from app.accounts.permissions import Principal, can_manage_users, require
from app.accounts.schemas import (
    ActiveIn,
    LoginIn,
    PasswordChange,
    PasswordReset,
    RoleIn,
    TokenCreate,
    UserCreate,
)
from app.core.api import RecordId
from app.core.config import get_settings
from app.core.context import set_actor
from app.core.deps import SessionDep
from app.core.enums import Role
from app.core.errors import ValidationFailed
from app.core.forms import FormDep, accepts, submit
from app.core.inputs import VersionOnly, parse_form
from app.core.web import redirect_with_notice, render
from app.municipalities import queries as municipality_queries

router = APIRouter(include_in_schema=False)

LOGGED_OUT_URL = "/login?abgemeldet=1"
# The profile may show a new API token once: no browser or proxy keeps a copy of the page.
NO_STORE = {"Cache-Control": "no-store"}


def _login_page(
    request: Request,
    *,
    next_url: str,
    username: str = "",
    error: str = "",
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "accounts/login.html",
        {
            "next_url": next_url,
            "username": username,
            "error": error,
            "logged_out": request.query_params.get("abgemeldet") == "1",
            "idle_minutes": get_settings().session_idle_minutes,
        },
        status_code=status_code,
        headers=headers,
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, user: OptionalUser, next: str = "/") -> Response:
    target = safe_next(next)
    if user is not None:
        return RedirectResponse(target, status_code=303)
    return _login_page(request, next_url=target)


@router.post("/login", response_class=HTMLResponse)
@accepts(LoginIn)
def login(request: Request, session: SessionDep, form: FormDep) -> Response:
    try:
        data = parse_form(LoginIn, form)
    except ValidationFailed:
        return _login_page(
            request,
            next_url="/",
            error="Benutzername oder Passwort enthalten unzulässige Zeichen.",
            status_code=422,
        )
    target = safe_next(data.next)
    try:
        principal = service.authenticate(
            session=session,
            username=data.username,
            password=data.password,
            client_address=client_address(request),
        )
    except service.LoginThrottled as exc:
        return _login_page(
            request,
            next_url=target,
            username=data.username,
            error=exc.message,
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    except service.LoginFailed as exc:
        return _login_page(
            request, next_url=target, username=data.username, error=exc.message, status_code=401
        )
    set_actor(session, actor_id=principal.user_id, actor_name=principal.display_name)
    start_session(request, session, principal)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> RedirectResponse:
    end_session(request, session)
    return RedirectResponse(LOGGED_OUT_URL, status_code=303)


def _profile_page(
    request: Request,
    session: Session,
    user: Principal,
    *,
    new_token: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    assert user.user_id is not None
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": service.roles_of(session=session, user_id=user.user_id),
            "tokens": service.list_tokens(session=session, actor=user, user_id=user.user_id),
            "open_sessions": service.open_sessions(session=session, user_id=user.user_id),
            "new_token": new_token,
            "errors": errors or {},
        },
        status_code=status_code,
        headers=NO_STORE,
    )


@router.get("/profil", response_class=HTMLResponse)
def profile(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    return _profile_page(request, session, user)


@router.post("/profil/tokens", response_class=HTMLResponse)
@accepts(TokenCreate)
def create_token(
    request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> HTMLResponse:
    assert user.user_id is not None
    user_id = user.user_id

    def created(result: tuple[Any, str]) -> HTMLResponse:
        # Shown once on this response and never again; nothing to redirect to.
        return _profile_page(request, session, user, new_token=result[1], status_code=201)

    return submit(  # type: ignore[return-value]
        session=session,
        schema=TokenCreate,
        form=form,
        apply=lambda data: service.create_token(
            session=session, actor=user, user_id=user_id, name=data.name
        ),
        success=created,
        failure=lambda status, extra: _profile_page(
            request, session, user, errors=extra.get("form_errors"), status_code=status
        ),
    )


@router.post("/profil/tokens/{token_id}/widerrufen")
def revoke_token(
    request: Request, token_id: RecordId, session: SessionDep, user: CurrentUser
) -> RedirectResponse:
    token = service.revoke_token(session=session, actor=user, token_id=token_id)
    return redirect_with_notice(request, "/profil", f"Das API-Token „{token.name}“ ist widerrufen.")


@router.post("/profil/passwort", response_model=None)
@accepts(PasswordChange)
def change_password(
    request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    def changed(_user: Any) -> Response:
        # Every session ended, this one too; the user stays signed in here with a new one.
        start_session(request, session, user)
        return redirect_with_notice(
            request,
            "/profil",
            "Ihr Passwort wurde geändert. Auf allen anderen Geräten sind Sie abgemeldet.",
        )

    return submit(
        session=session,
        schema=PasswordChange,
        form=form,
        apply=lambda data: service.change_own_password(session=session, actor=user, data=data),
        success=changed,
        failure=lambda status, extra: _profile_page(
            request, session, user, errors=extra.get("form_errors"), status_code=status
        ),
    )


@router.post("/profil/abmelden-ueberall")
def sign_out_everywhere(
    request: Request, session: SessionDep, user: CurrentUser
) -> RedirectResponse:
    assert user.user_id is not None
    service.end_all_sessions(session=session, user_id=user.user_id)
    end_session(request)
    return RedirectResponse(LOGGED_OUT_URL, status_code=303)


# --- user administration ----------------------------------------------------------------------


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
