"""HTML pages of the accounts domain: sign-in, profile with API tokens, user administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts import service
from app.accounts.deps import CurrentUser, OptionalUser, end_session, safe_next, start_session
from app.accounts.permissions import Principal
from app.core.api import RecordId
from app.core.config import get_settings
from app.core.context import set_actor
from app.core.deps import SessionDep
from app.core.enums import Role
from app.core.errors import ValidationFailed
from app.core.web import render
from app.municipalities import queries as municipality_queries

router = APIRouter(include_in_schema=False)

LOGGED_OUT_URL = "/login?abgemeldet=1"


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unbekannt"


def _login_page(
    request: Request,
    *,
    next_url: str,
    username: str = "",
    error: str = "",
    status_code: int = 200,
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
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, user: OptionalUser, next: str = "/") -> Response:
    target = safe_next(next)
    if user is not None:
        return RedirectResponse(target, status_code=303)
    return _login_page(request, next_url=target)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    target = safe_next(next)
    try:
        principal = service.authenticate(
            session=session,
            username=username,
            password=password,
            client_address=_client_address(request),
        )
    except (service.LoginFailed, service.LoginThrottled) as exc:
        return _login_page(
            request,
            next_url=target,
            username=username,
            error=exc.message,
            status_code=exc.status_code,
        )
    set_actor(session, actor_id=principal.user_id, actor_name=principal.display_name)
    start_session(request, principal)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    end_session(request)
    return RedirectResponse(LOGGED_OUT_URL, status_code=303)


def _profile_page(
    request: Request,
    session: SessionDep,
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
            "new_token": new_token,
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/profil", response_class=HTMLResponse)
def profile(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    return _profile_page(request, session, user)


@router.post("/profil/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    name: Annotated[str, Form(max_length=500)] = "",
) -> HTMLResponse:
    assert user.user_id is not None
    try:
        _token, plain = service.create_token(
            session=session, actor=user, user_id=user.user_id, name=name
        )
    except ValidationFailed as exc:
        return _profile_page(request, session, user, errors=exc.errors, status_code=422)
    # Shown once on this response and never again; nothing to redirect to.
    return _profile_page(request, session, user, new_token=plain, status_code=201)


@router.post("/profil/tokens/{token_id}/widerrufen")
def revoke_token(token_id: RecordId, session: SessionDep, user: CurrentUser) -> RedirectResponse:
    service.revoke_token(session=session, actor=user, token_id=token_id)
    return RedirectResponse("/profil", status_code=303)


# --- user administration ----------------------------------------------------------------------


def _users_page(
    request: Request,
    session: SessionDep,
    user: Principal,
    *,
    form: dict[str, str] | None = None,
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
def create_user(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    username: Annotated[str, Form(max_length=200)] = "",
    display_name: Annotated[str, Form(max_length=500)] = "",
    email: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    role: Annotated[str, Form(max_length=40)] = "",
    municipality: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    form = {
        "username": username,
        "display_name": display_name,
        "email": email,
        "role": role,
        "municipality": municipality,
    }
    try:
        roles = [service.RoleSpec.parse(f"{role}:{municipality}")] if role else []
        created = service.create_user(
            session=session,
            actor=user,
            username=username,
            display_name=display_name,
            email=email,
            password=password,
            roles=roles,
        )
    except ValidationFailed as exc:
        return _users_page(request, session, user, form=form, errors=exc.errors, status_code=422)
    return RedirectResponse(f"/admin/benutzer/{created.id}", status_code=303)


def _user_page(
    request: Request,
    session: SessionDep,
    actor: Principal,
    user_id: RecordId,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    account = service.get_user(session=session, actor=actor, user_id=user_id)
    return render(
        request,
        "accounts/admin_user.html",
        {
            "account": account,
            "roles": service.roles_of(session=session, user_id=user_id),
            "tokens": service.list_tokens(session=session, actor=actor, user_id=user_id),
            "municipalities": municipality_queries.municipalities(session),
            "role_choices": list(Role),
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/admin/benutzer/{user_id}", response_class=HTMLResponse)
def user_detail(
    user_id: RecordId, request: Request, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    return _user_page(request, session, user, user_id)


@router.post("/admin/benutzer/{user_id}/aktiv", response_class=HTMLResponse)
def set_active(
    user_id: RecordId,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    active: Annotated[str, Form(max_length=5)] = "0",
) -> Response:
    try:
        service.set_active(session=session, actor=user, user_id=user_id, active=active == "1")
    except ValidationFailed as exc:
        return _user_page(request, session, user, user_id, errors=exc.errors, status_code=422)
    return RedirectResponse(f"/admin/benutzer/{user_id}", status_code=303)


@router.post("/admin/benutzer/{user_id}/rollen", response_class=HTMLResponse)
def assign_role(
    user_id: RecordId,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    role: Annotated[str, Form(max_length=40)] = "",
    municipality: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    try:
        spec = service.RoleSpec.parse(f"{role}:{municipality}")
        municipality_id = service.municipality_id_for(session, spec.municipality_slug)
        service.assign_role(
            session=session,
            actor=user,
            user_id=user_id,
            role=spec.role,
            municipality_id=municipality_id,
        )
    except ValidationFailed as exc:
        return _user_page(request, session, user, user_id, errors=exc.errors, status_code=422)
    return RedirectResponse(f"/admin/benutzer/{user_id}", status_code=303)


@router.post(
    "/admin/benutzer/{user_id}/rollen/{assignment_id}/entfernen", response_class=HTMLResponse
)
def remove_role(
    user_id: RecordId,
    assignment_id: RecordId,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    try:
        service.remove_role(
            session=session, actor=user, user_id=user_id, assignment_id=assignment_id
        )
    except ValidationFailed as exc:
        return _user_page(request, session, user, user_id, errors=exc.errors, status_code=422)
    return RedirectResponse(f"/admin/benutzer/{user_id}", status_code=303)


@router.post("/admin/benutzer/{user_id}/passwort", response_class=HTMLResponse)
def reset_password(
    user_id: RecordId,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        service.set_password(session=session, actor=user, user_id=user_id, password=password)
    except ValidationFailed as exc:
        return _user_page(request, session, user, user_id, errors=exc.errors, status_code=422)
    return RedirectResponse(f"/admin/benutzer/{user_id}", status_code=303)
