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
from sqlmodel import Session

from app.accounts import service
from app.accounts.csrf import rotate_token
from app.accounts.permissions import Principal
from app.accounts.sessions import SESSION_SECRET_KEY, SESSION_SEEN_KEY
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


def start_session(request: Request, session: Session, principal: Principal) -> None:
    """Begin a fresh session after sign-in: a new server-side session and a new cookie (no
    session fixation), with a new CSRF token."""
    assert principal.user_id is not None
    secret = service.start_session(
        session=session,
        user_id=principal.user_id,
        client_address=client_address(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    request.session.clear()
    request.session[SESSION_SECRET_KEY] = secret
    request.session[SESSION_SEEN_KEY] = int(utcnow().timestamp())
    rotate_token(request)


def end_session(request: Request, session: Session | None = None) -> None:
    """End this browser's session, on the server as well (logout)."""
    secret = request.session.get(SESSION_SECRET_KEY)
    if session is not None and isinstance(secret, str):
        service.end_session(session=session, secret=secret)
    request.session.clear()
    rotate_token(request)


def client_address(request: Request) -> str:
    """The client's address (the proxy's forwarded one only from proxies listed in
    ``IKZ_FORWARDED_ALLOW_IPS``; the server decides that)."""
    return request.client.host if request.client else "unbekannt"


def _session_secret(request: Request) -> str | None:
    """The secret of a session that has not been idle too long; an idle one is cleared."""
    secret = request.session.get(SESSION_SECRET_KEY)
    if not isinstance(secret, str):
        return None
    now = int(utcnow().timestamp())
    seen = request.session.get(SESSION_SEEN_KEY)
    idle_seconds = get_settings().session_idle_minutes * 60
    if not isinstance(seen, int) or now - seen > idle_seconds:
        request.session.clear()
        return None
    if now - seen >= 30:
        request.session[SESSION_SEEN_KEY] = now
    return secret


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
        secret = _session_secret(request)
        if secret is not None:
            principal = service.principal_for_session(session=session, secret=secret)
            if principal is None:
                # Ended on the server (logout elsewhere, new password, new roles): start over.
                request.session.clear()
                rotate_token(request)
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
