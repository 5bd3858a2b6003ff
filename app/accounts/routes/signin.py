"""Signing in and out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts import service
from app.accounts.deps import (
    OptionalUser,
    client_address,
    end_session,
    safe_next,
    start_session,
)
from app.accounts.schemas import (
    LoginIn,
)
from app.core.config import get_settings
from app.core.context import set_actor
from app.core.deps import SessionDep
from app.core.errors import ValidationFailed
from app.core.forms import FormDep, accepts
from app.core.inputs import parse_form
from app.core.web import render

router = APIRouter(include_in_schema=False)

LOGGED_OUT_URL = "/login?abgemeldet=1"


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
