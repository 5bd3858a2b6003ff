"""CSRF protection: one global dependency for every route of the application.

Each browser session carries a random token (in the signed session cookie). A state-changing
request that a browser session authenticates, and every login attempt, must send the token back
as the form field ``csrf_token`` or the header ``X-CSRF-Token`` (htmx and fetch). A cross-site
page can make the browser send the cookie but cannot read the token. Requests authenticated by
an ``Authorization: Bearer`` token are exempt: browsers never add that header on their own.
Anonymous requests without a session user carry no authority, so the sign-in check answers them.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets

from fastapi import Request

from app.accounts.sessions import SESSION_SECRET_KEY
from app.core.errors import Forbidden

CSRF_SESSION_KEY = "csrf"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
ALWAYS_CHECKED_PATHS = frozenset({"/login"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CsrfFailed(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "Die Sicherheitsprüfung des Formulars ist fehlgeschlagen (das Formular ist "
            "abgelaufen oder wurde nicht von dieser Anwendung gesendet). Bitte laden Sie die "
            "Seite neu und versuchen Sie es noch einmal."
        )


def _masked(token: str) -> str:
    """The token under a fresh one-time pad, so that no two pages carry the same bytes.

    Responses are compressed; a secret that repeats in every page next to text an attacker can
    inject (a search term) could otherwise be guessed from the compressed sizes (BREACH)."""
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(
        pad + bytes(a ^ b for a, b in zip(pad, raw, strict=True))
    ).decode()


def _unmasked(sent: str) -> bytes:
    try:
        data = base64.urlsafe_b64decode(sent.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return b""
    half = len(data) // 2
    if half == 0 or len(data) % 2:
        return b""
    return bytes(a ^ b for a, b in zip(data[:half], data[half:], strict=True))


def session_token(request: Request) -> str:
    """The session's token, created on first use; templates get it masked afresh per response."""
    token = request.session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    request.state.csrf_token = _masked(token)
    return token


def rotate_token(request: Request) -> str:
    """A new token (after sign-in, so a token seen before it is worthless)."""
    request.session.pop(CSRF_SESSION_KEY, None)
    return session_token(request)


def _is_bearer(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith("bearer ")


async def _sent_token(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(_FORM_TYPES):
        value = (await request.form()).get(CSRF_FORM_FIELD)
        return value if isinstance(value, str) else None
    return None


async def verify_csrf(request: Request) -> None:
    """Global dependency: provide the token, and check it on state-changing requests."""
    expected = session_token(request)
    if request.method in SAFE_METHODS or _is_bearer(request):
        return
    if SESSION_SECRET_KEY not in request.session and request.url.path not in ALWAYS_CHECKED_PATHS:
        return
    sent = await _sent_token(request)
    if not sent or not hmac.compare_digest(_unmasked(sent), expected.encode()):
        raise CsrfFailed()
