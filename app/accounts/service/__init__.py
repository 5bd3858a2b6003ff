"""Use cases of the accounts domain: sign-in with throttling, sessions, principals, API tokens
and user administration. Keyword-only functions that take the session and never commit."""

from app.accounts.permissions import Principal
from app.accounts.service.notifications import (
    FEED_TOKEN_PREFIX,
    change_notification_settings,
    create_calendar_feed,
    feed_for_token,
    feed_url,
    get_own_user,
    list_calendar_feeds,
    renew_calendar_feed,
    revoke_calendar_feed,
)
from app.accounts.service.principals import load_principal
from app.accounts.service.sessions import (
    end_all_sessions,
    end_session,
    open_sessions,
    principal_for_session,
    start_session,
)
from app.accounts.service.signin import (
    LoginFailed,
    LoginThrottled,
    authenticate,
    normalise_username,
)
from app.accounts.service.tokens import (
    TOKEN_PREFIX,
    create_token,
    hash_token,
    list_tokens,
    principal_for_token,
    revoke_token,
)
from app.accounts.service.users import (
    RoleSpec,
    assign_role,
    change_own_password,
    create_user,
    get_user,
    list_users,
    municipality_id_for,
    remove_role,
    roles_of,
    set_active,
    set_password,
)

__all__ = [
    "FEED_TOKEN_PREFIX",
    "TOKEN_PREFIX",
    "LoginFailed",
    "LoginThrottled",
    "Principal",
    "RoleSpec",
    "assign_role",
    "authenticate",
    "change_notification_settings",
    "change_own_password",
    "create_calendar_feed",
    "create_token",
    "create_user",
    "end_all_sessions",
    "end_session",
    "feed_for_token",
    "feed_url",
    "get_own_user",
    "get_user",
    "hash_token",
    "list_calendar_feeds",
    "list_tokens",
    "list_users",
    "load_principal",
    "municipality_id_for",
    "normalise_username",
    "open_sessions",
    "principal_for_session",
    "principal_for_token",
    "remove_role",
    "renew_calendar_feed",
    "revoke_calendar_feed",
    "revoke_token",
    "roles_of",
    "set_active",
    "set_password",
    "start_session",
]
