"""JSON API of the accounts domain: the signed-in user (``/me``) and the user administration.

Each edit calls the same service with the same schema as its HTML form; the permission is
checked before the body is validated.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlmodel import Session

from app.accounts import service
from app.accounts.deps import CurrentUser
from app.accounts.models import ApiToken, CalendarFeed, User
from app.accounts.permissions import Principal, can_manage_users, require
from app.accounts.schemas import (
    ActiveIn,
    CalendarFeedPublic,
    NewCalendarFeedPublic,
    NewTokenPublic,
    NotificationSettingsIn,
    NotificationSettingsPublic,
    PasswordChange,
    PasswordReset,
    RoleIn,
    RolePublic,
    TokenCreate,
    TokenPublic,
    UserCreate,
    UserPublic,
)
from app.core.api import API_PREFIX, RecordId, created, link, responses
from app.core.config import get_settings
from app.core.deps import SessionDep
from app.core.enums import Weekday
from app.core.forms import run_edit
from app.core.inputs import VersionOnly
from app.core.timeutil import as_aware
from app.municipalities.queries import slugs_by_id

router = APIRouter(prefix=API_PREFIX, tags=["Benutzer"])


def _user_public(session: Session, user: User) -> UserPublic:
    roles = service.roles_of(session=session, user_id=int(user.id or 0))
    slugs = slugs_by_id(session, [a.municipality_id for a, _ in roles if a.municipality_id])
    return UserPublic(
        id=int(user.id or 0),
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        active=user.active,
        version=user.version,
        roles=[
            RolePublic(
                id=int(a.id or 0),
                role=a.role,
                municipality=slugs.get(a.municipality_id) if a.municipality_id else None,
            )
            for a, _ in roles
        ],
    )


def _token_public(token: ApiToken) -> TokenPublic:
    return TokenPublic(
        id=int(token.id or 0),
        name=token.name,
        created_at=as_aware(token.created_at),
        last_used_at=as_aware(token.last_used_at) if token.last_used_at else None,
        revoked_at=as_aware(token.revoked_at) if token.revoked_at else None,
    )


def _me(session: Session, user: Principal) -> User:
    found = session.get(User, user.user_id) if user.user_id is not None else None
    assert found is not None
    return found


@router.get(
    "/me", response_model=UserPublic, summary="Der angemeldete Benutzer", responses=responses()
)
def me(session: SessionDep, user: CurrentUser) -> UserPublic:
    return _user_public(session, _me(session, user))


@router.put(
    "/me/password",
    response_model=UserPublic,
    summary="Eigenes Passwort ändern (meldet auf allen Geräten ab)",
    responses=responses(422),
)
def change_password(body: PasswordChange, session: SessionDep, user: CurrentUser) -> UserPublic:
    changed = run_edit(
        session, lambda: service.change_own_password(session=session, actor=user, data=body)
    )
    return _user_public(session, changed)


@router.delete(
    "/me/sessions",
    status_code=204,
    summary="Auf allen Geräten abmelden (beendet alle Browser-Sitzungen)",
    responses=responses(),
)
def end_sessions(session: SessionDep, user: CurrentUser) -> Response:
    assert user.user_id is not None
    service.end_all_sessions(session=session, user_id=user.user_id)
    return Response(status_code=204)


@router.get(
    "/me/tokens",
    response_model=list[TokenPublic],
    summary="Eigene API-Tokens",
    responses=responses(),
)
def list_tokens(session: SessionDep, user: CurrentUser) -> list[TokenPublic]:
    assert user.user_id is not None
    tokens = service.list_tokens(session=session, actor=user, user_id=user.user_id)
    return [_token_public(token) for token in tokens]


@router.post(
    "/me/tokens",
    response_model=NewTokenPublic,
    status_code=201,
    summary="API-Token erstellen (das Token steht nur in dieser Antwort)",
    responses=responses(422)
    | created(
        "Das neue Token",
        widerrufen=link(
            "DELETE",
            "/api/v1/me/tokens/{token_id}",
            token_id="$response.body#/id",  # noqa: S106
        ),
    ),
)
def create_token(
    body: TokenCreate, response: Response, session: SessionDep, user: CurrentUser
) -> NewTokenPublic:
    assert user.user_id is not None
    user_id = user.user_id
    token, plain = run_edit(
        session,
        lambda: service.create_token(session=session, actor=user, user_id=user_id, name=body.name),
    )
    response.headers["Cache-Control"] = "no-store"
    return NewTokenPublic(**_token_public(token).model_dump(), token=plain)


@router.delete(
    "/me/tokens/{token_id}",
    status_code=204,
    summary="API-Token widerrufen",
    responses=responses(403, 404),
)
def revoke_token(token_id: RecordId, session: SessionDep, user: CurrentUser) -> Response:
    service.revoke_token(session=session, actor=user, token_id=token_id)
    return Response(status_code=204)


def _settings_public(user: User) -> NotificationSettingsPublic:
    return NotificationSettingsPublic(
        email=user.email,
        reminders_enabled=user.reminders_enabled,
        digest_enabled=user.digest_enabled,
        digest_weekday=Weekday(user.digest_weekday),
        version=user.version,
        mail_configured=bool(get_settings().smtp_url),
    )


@router.get(
    "/me/notifications",
    response_model=NotificationSettingsPublic,
    summary="Eigene Einstellungen für E-Mails",
    responses=responses(),
)
def notification_settings(session: SessionDep, user: CurrentUser) -> NotificationSettingsPublic:
    return _settings_public(service.get_own_user(session=session, actor=user))


@router.put(
    "/me/notifications",
    response_model=NotificationSettingsPublic,
    summary="Eigene Einstellungen für E-Mails ändern (Adresse, Erinnerungen, Wochenübersicht)",
    responses=responses(409, 422),
)
def change_notification_settings(
    body: NotificationSettingsIn, session: SessionDep, user: CurrentUser
) -> NotificationSettingsPublic:
    changed = run_edit(
        session,
        lambda: service.change_notification_settings(session=session, actor=user, data=body),
    )
    return _settings_public(changed)


def calendar_feed_public(feed: CalendarFeed) -> CalendarFeedPublic:
    return CalendarFeedPublic(
        id=int(feed.id or 0),
        scope=feed.scope,
        label=feed.label,
        created_at=as_aware(feed.created_at),
        last_used_at=as_aware(feed.last_used_at) if feed.last_used_at else None,
    )


@router.get(
    "/me/calendar-feeds",
    response_model=list[CalendarFeedPublic],
    summary="Eigene Kalenderadressen (ohne die geheimen Adressen selbst)",
    responses=responses(),
)
def list_calendar_feeds(session: SessionDep, user: CurrentUser) -> list[CalendarFeedPublic]:
    feeds = service.list_calendar_feeds(session=session, actor=user)
    return [calendar_feed_public(feed) for feed in feeds]


@router.post(
    "/me/calendar-feeds/{feed_id}/renew",
    response_model=NewCalendarFeedPublic,
    status_code=201,
    summary="Kalenderadresse erneuern (die bisherige funktioniert nicht mehr)",
    responses=responses(403, 404),
)
def renew_calendar_feed(
    feed_id: RecordId, response: Response, session: SessionDep, user: CurrentUser
) -> NewCalendarFeedPublic:
    feed, plain = run_edit(
        session,
        lambda: service.renew_calendar_feed(session=session, actor=user, feed_id=feed_id),
    )
    response.headers["Cache-Control"] = "no-store"
    return NewCalendarFeedPublic(
        **calendar_feed_public(feed).model_dump(), url=service.feed_url(plain)
    )


@router.delete(
    "/me/calendar-feeds/{feed_id}",
    status_code=204,
    summary="Kalenderadresse widerrufen",
    responses=responses(403, 404),
)
def revoke_calendar_feed(feed_id: RecordId, session: SessionDep, user: CurrentUser) -> Response:
    service.revoke_calendar_feed(session=session, actor=user, feed_id=feed_id)
    return Response(status_code=204)


def _admin(user: CurrentUser) -> Principal:
    require(can_manage_users(user))
    return user


Admin = Annotated[Principal, Depends(_admin)]


@router.get(
    "/users", response_model=list[UserPublic], summary="Alle Benutzer", responses=responses(403)
)
def list_users(_admin: Admin, session: SessionDep, user: CurrentUser) -> list[UserPublic]:
    return [_user_public(session, u) for u in service.list_users(session=session, actor=user)]


@router.get(
    "/users/{user_id}",
    response_model=UserPublic,
    summary="Ein Benutzer",
    responses=responses(403, 404),
)
def get_user(
    user_id: RecordId, _admin: Admin, session: SessionDep, user: CurrentUser
) -> UserPublic:
    return _user_public(session, service.get_user(session=session, actor=user, user_id=user_id))


@router.post(
    "/users",
    response_model=UserPublic,
    status_code=201,
    summary="Benutzer anlegen (IKZ-Koordination)",
    responses=responses(403, 422)
    | created(
        "Der neue Benutzer",
        lesen=link("GET", "/api/v1/users/{user_id}", user_id="$response.body#/id"),
        aktiv=link("PUT", "/api/v1/users/{user_id}/active", user_id="$response.body#/id"),
        rolle=link("POST", "/api/v1/users/{user_id}/roles", user_id="$response.body#/id"),
        passwort=link("PUT", "/api/v1/users/{user_id}/password", user_id="$response.body#/id"),
    ),
)
def create_user(
    _admin: Admin, body: UserCreate, session: SessionDep, user: CurrentUser
) -> UserPublic:
    created = run_edit(session, lambda: service.create_user(session=session, actor=user, data=body))
    return _user_public(session, created)


@router.put(
    "/users/{user_id}/active",
    response_model=UserPublic,
    summary="Benutzer deaktivieren oder wieder aktivieren",
    responses=responses(403, 404, 409, 422),
)
def set_active(
    user_id: RecordId, _admin: Admin, body: ActiveIn, session: SessionDep, user: CurrentUser
) -> UserPublic:
    changed = run_edit(
        session,
        lambda: service.set_active(session=session, actor=user, user_id=user_id, data=body),
    )
    return _user_public(session, changed)


@router.post(
    "/users/{user_id}/roles",
    response_model=UserPublic,
    status_code=201,
    summary="Rolle zuweisen (meldet den Benutzer auf allen Geräten ab)",
    responses=responses(403, 404, 409, 422),
)
def assign_role(
    user_id: RecordId, _admin: Admin, body: RoleIn, session: SessionDep, user: CurrentUser
) -> UserPublic:
    changed = run_edit(
        session,
        lambda: service.assign_role(session=session, actor=user, user_id=user_id, data=body),
    )
    return _user_public(session, changed)


@router.delete(
    "/users/{user_id}/roles/{assignment_id}",
    response_model=UserPublic,
    summary="Rolle entziehen (meldet den Benutzer auf allen Geräten ab)",
    responses=responses(403, 404, 409, 422),
)
def remove_role(
    user_id: RecordId,
    assignment_id: RecordId,
    _admin: Admin,
    expected_version: Annotated[
        int, Query(ge=0, le=2**31 - 1, description="Version des Benutzers")
    ],
    session: SessionDep,
    user: CurrentUser,
) -> UserPublic:
    data = VersionOnly(expected_version=expected_version)
    changed = run_edit(
        session,
        lambda: service.remove_role(
            session=session, actor=user, user_id=user_id, assignment_id=assignment_id, data=data
        ),
    )
    return _user_public(session, changed)


@router.put(
    "/users/{user_id}/password",
    response_model=UserPublic,
    summary="Passwort neu setzen (meldet den Benutzer auf allen Geräten ab)",
    responses=responses(403, 404, 409, 422),
)
def reset_password(
    user_id: RecordId, _admin: Admin, body: PasswordReset, session: SessionDep, user: CurrentUser
) -> UserPublic:
    changed = run_edit(
        session,
        lambda: service.set_password(session=session, actor=user, user_id=user_id, data=body),
    )
    return _user_public(session, changed)
