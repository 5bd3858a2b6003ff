"""Web security and error handling for the whole application.

* a request id for every request (``X-Request-ID``, the audit log and every log line);
* security headers on every response, error pages and static files included;
* signed session cookies with an idle timeout, and the global CSRF check;
* German error pages for browsers and JSON errors under ``/api/``; an unexpected error shows a
  page with the request id while the traceback goes to the log, never to the user.
"""

from __future__ import annotations

import inspect
import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.accounts.csrf import session_token, verify_csrf
from app.accounts.deps import NotAuthenticated, is_api_path, login_url
from app.accounts.service import principal_for_session
from app.accounts.sessions import SESSION_SECRET_KEY
from app.core.admission import AdmissionLimit
from app.core.config import get_settings
from app.core.context import request_id_var
from app.core.db import get_engine
from app.core.deps import get_session
from app.core.errors import Busy, DomainError, StaleVersion, ValidationFailed
from app.core.inputs import german_errors
from app.core.web import render

logger = logging.getLogger("ikz.request")
error_logger = logging.getLogger("ikz.error")

SESSION_COOKIE = "ikz_session"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

TITLES = {
    400: "Ungültige Anfrage",
    401: "Anmeldung erforderlich",
    403: "Keine Berechtigung",
    404: "Seite nicht gefunden",
    405: "Aktion nicht möglich",
    409: "Änderung nicht gespeichert",
    422: "Eingaben bitte prüfen",
    429: "Vorübergehend gesperrt",
    500: "Interner Fehler",
}
MESSAGES = {
    400: "Die Anfrage konnte nicht verarbeitet werden.",
    401: "Bitte melden Sie sich an.",
    403: "Dafür fehlt Ihnen die Berechtigung.",
    404: "Die angeforderte Seite oder der Datensatz existiert nicht (mehr).",
    405: "Diese Aktion ist an dieser Adresse nicht vorgesehen.",
    409: "Der Datensatz wurde inzwischen geändert.",
    422: "Bitte prüfen Sie Ihre Eingaben.",
    429: "Zu viele Anfragen. Bitte warten Sie einige Minuten und versuchen Sie es erneut.",
    500: "Bei der Verarbeitung ist ein unerwarteter Fehler aufgetreten.",
}
ERROR_TEMPLATES = frozenset(TITLES) - {400}


class RequestIdFilter(logging.Filter):
    """Adds the current request id to every log record (``%(request_id)s``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


def configure_logging() -> None:
    """Log lines of the application carry the request id."""
    app_logger = logging.getLogger("ikz")
    if app_logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    app_logger.addHandler(handler)
    app_logger.setLevel(get_settings().log_level.upper())
    app_logger.propagate = False


@contextmanager
def _unit_of_work(request: Request) -> Iterator[Session]:
    """A session as the routes get theirs (the application may provide its own, as tests do)."""
    provider = request.app.dependency_overrides.get(get_session)
    if provider is None:
        with Session(get_engine()) as db:
            yield db
        return
    units = provider(request) if inspect.signature(provider).parameters else provider()
    try:
        yield next(units)
    finally:
        units.close()


def _remember_user(request: Request) -> None:
    """Let an error page show the signed-in header even when no route loaded the user.

    An unknown path (404) runs no route dependency; the session cookie still names the user.
    """
    if getattr(request.state, "user", None) is not None or "session" not in request.scope:
        return
    secret = request.session.get(SESSION_SECRET_KEY)
    if not isinstance(secret, str):
        return
    try:
        with _unit_of_work(request) as db:
            request.state.user = principal_for_session(session=db, secret=secret)
        session_token(request)
    except Exception:  # an error page must render even when the database is down
        error_logger.warning("error page without user: the user could not be loaded", exc_info=True)


def error_response(
    request: Request,
    status_code: int,
    message: str | None = None,
    *,
    errors: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A German error page, or JSON under ``/api/``."""
    text = message or MESSAGES.get(status_code, MESSAGES[400])
    if is_api_path(request.url.path):
        body: dict[str, Any] = {"detail": text}
        if errors:
            body["errors"] = errors
        if extra:
            body.update(extra)
        return JSONResponse(jsonable_encoder(body), status_code=status_code, headers=headers)
    _remember_user(request)
    template = (
        f"errors/{status_code}.html" if status_code in ERROR_TEMPLATES else "errors/error.html"
    )
    context = {
        "status_code": status_code,
        "title": TITLES.get(status_code, TITLES[400]),
        "message": text,
        "errors": errors or {},
        "login_url": login_url(request),
    }
    return render(request, template, context, status_code=status_code, headers=headers)


IMMUTABLE = "public, max-age=31536000, immutable"
# Already compressed, or downloads whose size nobody waits for in a browser.
NOT_COMPRESSED = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)


def _is_fingerprinted(scope: Scope) -> bool:
    """An asset addressed with its content hash (``/static/...?v=<hash>``)."""
    path = str(scope.get("path", ""))
    query = bytes(scope.get("query_string") or b"")
    return (path.startswith(("/static/", "/vendor/"))) and query.startswith(b"v=")


class RequestContextMiddleware:
    """Request id, security headers, access log and the last line of defence for errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.hsts = get_settings().is_production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        context_token = request_id_var.set(request_id)
        started = time.perf_counter()
        state = {"status": 500, "sent": False}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["sent"] = True
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if self.hsts:
                    headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
                if message["status"] == 200 and _is_fingerprinted(scope):
                    # The URL changes whenever the file does: browsers keep it for a year.
                    headers["Cache-Control"] = IMMUTABLE
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            error_logger.exception(
                "Unbehandelter Fehler bei %s %s (request_id=%s)",
                scope.get("method"),
                scope.get("path"),
                request_id,
            )
            if state["sent"]:
                raise
            response = error_response(Request(scope), 500)
            await response(scope, receive, send_with_headers)
        finally:
            logger.info(
                "%s %s %s %.1f ms",
                scope.get("method"),
                scope.get("path"),
                state["status"],
                (time.perf_counter() - started) * 1000,
            )
            request_id_var.reset(context_token)


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail: str | None = exc.detail if isinstance(exc.detail, str) else None
    # Starlette's own details are English reason phrases; show our German text instead.
    if detail is not None and detail.isascii():
        detail = None
    return error_response(request, exc.status_code, detail, headers=dict(exc.headers or {}))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(request, 422, errors=german_errors(list(exc.errors())))


async def _stale_data(request: Request, exc: Exception) -> Response:
    """Two edits raced and the other one won at the database (version check in the UPDATE)."""
    return error_response(
        request,
        409,
        "Der Datensatz wurde gleichzeitig von jemand anderem geändert; es wurde nichts "
        "gespeichert. Bitte laden Sie die Seite neu und prüfen Sie die aktuellen Werte.",
    )


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if isinstance(exc, NotAuthenticated):
        if is_api_path(request.url.path):
            return error_response(request, 401, exc.message, headers={"WWW-Authenticate": "Bearer"})
        target = login_url(request)
        if request.headers.get("HX-Request") == "true":
            return error_response(request, 401, exc.message, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    errors = exc.errors if isinstance(exc, ValidationFailed) else None
    extra = None
    if isinstance(exc, StaleVersion):
        extra = {"current": exc.current, "current_version": exc.current_version}
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Busy) else None
    return error_response(
        request, exc.status_code, exc.message, errors=errors, extra=extra, headers=headers
    )


def install(app: FastAPI) -> None:
    """Wire middleware, the CSRF dependency and the error handlers into ``app``.

    Call before the routers are included: the CSRF check is a router-wide dependency.
    """
    settings = get_settings()
    configure_logging()
    app.router.dependencies.append(Depends(verify_csrf))
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_idle_minutes * 60,
        same_site="lax",
        https_only=settings.is_production,
    )
    app.add_middleware(
        AdmissionLimit,
        limit=settings.max_concurrent_requests,
        queue_seconds=settings.queue_timeout_seconds,
    )
    # Text compresses to a fifth or less; small answers are not worth it.
    app.add_middleware(GZipMiddleware, minimum_size=1024, exclude_content_types=NOT_COMPRESSED)
    # Added last, so it is the outermost layer and sees every response.
    app.add_middleware(RequestContextMiddleware)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StaleDataError, _stale_data)
