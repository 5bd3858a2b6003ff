"""The profile: own password, signed-in devices, API tokens, e-mail notifications and calendar
addresses."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts import service
from app.accounts.deps import (
    CurrentUser,
    end_session,
    start_session,
)
from app.accounts.permissions import Principal
from app.accounts.routes.signin import LOGGED_OUT_URL
from app.accounts.schemas import (
    NotificationSettingsIn,
    PasswordChange,
    TokenCreate,
)
from app.core.api import RecordId
from app.core.config import get_settings
from app.core.deps import SessionDep
from app.core.enums import Weekday, label
from app.core.forms import FormDep, accepts, submit
from app.core.web import redirect_with_notice, render

router = APIRouter(include_in_schema=False)

# The profile may show a new API token once: no browser or proxy keeps a copy of the page.
NO_STORE = {"Cache-Control": "no-store"}


def _profile_page(
    request: Request,
    session: Session,
    user: Principal,
    *,
    new_token: str = "",
    new_feed_url: str = "",
    errors: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
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
            "account": service.get_own_user(session=session, actor=user),
            "feeds": service.list_calendar_feeds(session=session, actor=user),
            "weekdays": [(day.value, label(day)) for day in Weekday],
            "mail_configured": bool(get_settings().smtp_url),
            "new_token": new_token,
            "new_feed_url": new_feed_url,
            "errors": errors or {},
            "form_values": {},
        }
        | (extra or {}),
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


@router.post("/profil/benachrichtigungen", response_model=None)
@accepts(NotificationSettingsIn)
def save_notifications(
    request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    return submit(
        session=session,
        schema=NotificationSettingsIn,
        form=form,
        apply=lambda data: service.change_notification_settings(
            session=session, actor=user, data=data
        ),
        success=lambda _user: redirect_with_notice(
            request,
            "/profil#benachrichtigungen",
            "Ihre Einstellungen für E-Mails sind gespeichert.",
        ),
        failure=lambda status, extra: _profile_page(
            request,
            session,
            user,
            errors=extra.get("form_errors"),
            extra={"form_values": extra.get("form_values", {}), "conflict": extra.get("conflict")},
            status_code=status,
        ),
    )


@router.post("/profil/kalender", response_class=HTMLResponse)
def create_feed(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    """A new address of the user's own calendar (shown once; an older one stops working)."""
    _feed, plain = service.create_calendar_feed(session=session, actor=user)
    return _profile_page(
        request, session, user, new_feed_url=service.feed_url(plain), status_code=201
    )


@router.post("/profil/kalender/{feed_id}/erneuern", response_class=HTMLResponse)
def renew_feed(
    request: Request, feed_id: RecordId, session: SessionDep, user: CurrentUser
) -> HTMLResponse:
    _feed, plain = service.renew_calendar_feed(session=session, actor=user, feed_id=feed_id)
    return _profile_page(
        request, session, user, new_feed_url=service.feed_url(plain), status_code=201
    )


@router.post("/profil/kalender/{feed_id}/widerrufen")
def revoke_feed(
    request: Request, feed_id: RecordId, session: SessionDep, user: CurrentUser
) -> RedirectResponse:
    feed = service.revoke_calendar_feed(session=session, actor=user, feed_id=feed_id)
    return redirect_with_notice(
        request,
        "/profil#kalender",
        f"Die Kalenderadresse „{feed.label}“ ist widerrufen; Kalender, die sie abonniert haben, "
        "erhalten keine Termine mehr.",
    )
