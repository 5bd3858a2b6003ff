"""Who is asking: the signed-in principal from the session cookie or a bearer token.

``CurrentUser`` refuses anonymous requests (HTML: redirect to the login page, API: 401);
``OptionalUser`` lets them through as ``None``. Both record the principal on
``request.state.user`` (templates read it) and as the audit actor of the request's session.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.accounts import service
from app.accounts.csrf import rotate_token
from app.accounts.permissions import Principal
from app.accounts.sessions import SESSION_SEEN_KEY, SESSION_USER_KEY
from app.core.config import get_settings
from app.core.context import set_actor
from app.core.deps import SessionDep
from app.core.errors import DomainError
from app.core.timeutil import utcnow

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="API-Token aus dem Profil oder von `ikz token create`.",
)


class NotAuthenticated(DomainError):
    """No valid session or token: the login page for browsers, 401 for the API."""

    status_code = 401

    def __init__(self, message: str = "Bitte melden Sie sich an.") -> None:
        super().__init__(message)


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to return to after sign-in; anything pointing elsewhere becomes ``default``."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    return target


def login_url(request: Request) -> str:
    """The login page with ``next`` pointing back to what the user wanted."""
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        referer = request.headers.get("referer", "")
        parts = urlsplit(referer)
        same_host = parts.netloc == request.url.netloc
        target = (parts.path or "/") if same_host else "/"
        if same_host and parts.query:
            target += f"?{parts.query}"
    return "/login?next=" + quote(safe_next(target), safe="/")


def start_session(request: Request, principal: Principal) -> None:
    """Begin a fresh session after sign-in (a new cookie: no session fixation)."""
    request.session.clear()
    request.session[SESSION_USER_KEY] = principal.user_id
    request.session[SESSION_SEEN_KEY] = int(utcnow().timestamp())
    rotate_token(request)


def end_session(request: Request) -> None:
    request.session.clear()
    rotate_token(request)


def _session_user_id(request: Request) -> int | None:
    """The user id of a live session; an idle one is cleared."""
    user_id = request.session.get(SESSION_USER_KEY)
    if not isinstance(user_id, int):
        return None
    now = int(utcnow().timestamp())
    seen = request.session.get(SESSION_SEEN_KEY)
    idle_seconds = get_settings().session_idle_minutes * 60
    if not isinstance(seen, int) or now - seen > idle_seconds:
        request.session.clear()
        return None
    if now - seen >= 30:
        request.session[SESSION_SEEN_KEY] = now
    return user_id


def get_optional_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal | None:
    principal: Principal | None = None
    if credentials is not None:
        principal = service.principal_for_token(session=session, plain=credentials.credentials)
        if principal is None:
            raise NotAuthenticated("Das API-Token ist ungültig oder wurde widerrufen.")
    else:
        user_id = _session_user_id(request)
        if user_id is not None:
            principal = service.load_principal(session=session, user_id=user_id)
            if principal is None:
                end_session(request)
    request.state.user = principal
    if principal is not None:
        set_actor(session, actor_id=principal.user_id, actor_name=principal.display_name)
    return principal


def get_current_user(
    principal: Annotated[Principal | None, Depends(get_optional_user)],
) -> Principal:
    if principal is None:
        raise NotAuthenticated()
    return principal


OptionalUser = Annotated[Principal | None, Depends(get_optional_user)]
CurrentUser = Annotated[Principal, Depends(get_current_user)]
