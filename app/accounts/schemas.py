"""Input and output shapes of the accounts domain: one schema per edit, form and API alike."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field
from pydantic_core import PydanticCustomError

from app.core.enums import Role, Weekday
from app.core.inputs import Input, Replacement
from app.core.rules import Flag, OneOf, Slug, Text, Version

MIN_PASSWORD_LENGTH = 10
USERNAME_PATTERN = r"[\w.@-]{1,80}"
_PASSWORD_MESSAGE = f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen haben."


class Password(Text):
    """A password: kept as typed (no stripping), at least ten characters, no control characters."""

    def parse(self, value: Any, form: bool) -> str:
        super().parse(value, form)  # text, no control characters, not too long
        assert isinstance(value, str)
        if len(value) < MIN_PASSWORD_LENGTH:
            raise PydanticCustomError("ikz", _PASSWORD_MESSAGE)
        return value


class LoginIn(Input):
    username: Annotated[str, Text(200)] = ""
    password: Annotated[str, Text(1000)] = ""
    next: Annotated[str, Text(2000)] = "/"


class UserCreate(Input):
    """A new user with (optionally) one first role."""

    username: Annotated[
        str,
        Text(
            80,
            required=True,
            message="Bitte geben Sie einen Benutzernamen an.",
            pattern=USERNAME_PATTERN,
            pattern_message="Erlaubt sind Buchstaben, Ziffern und . _ - @ (höchstens 80 Zeichen).",
        ),
    ]
    display_name: Annotated[
        str, Text(120, required=True, message="Bitte geben Sie den angezeigten Namen an.")
    ]
    email: Annotated[str, Text(200)] = ""
    password: Annotated[str, Password(1000, required=True, message=_PASSWORD_MESSAGE)]
    role: Annotated[str | None, OneOf.of(Role, optional=True, message="Unbekannte Rolle.")] = None
    municipality: Annotated[str | None, Slug(required=False)] = Field(
        default=None, description="Slug der Kommune der Rolle (nicht bei IKZ-Koordination)"
    )


class ActiveIn(Input):
    active: Annotated[bool, Flag()]
    expected_version: Annotated[int, Version()] = Field(description="Version des Benutzers")


class RoleIn(Input):
    role: Annotated[str, OneOf.of(Role, message="Unbekannte Rolle.")]
    municipality: Annotated[str | None, Slug(required=False)] = None
    expected_version: Annotated[int, Version()] = Field(description="Version des Benutzers")


class PasswordReset(Input):
    password: Annotated[str, Password(1000, required=True, message=_PASSWORD_MESSAGE)]
    expected_version: Annotated[int, Version()] = Field(description="Version des Benutzers")


class PasswordChange(Input):
    """A user's change of their own password: the old one is required."""

    current_password: Annotated[
        str, Text(1000, required=True, message="Bitte Ihr bisheriges Passwort angeben.")
    ]
    new_password: Annotated[str, Password(1000, required=True, message=_PASSWORD_MESSAGE)]


class TokenCreate(Input):
    name: Annotated[str, Text(120)] = ""


# An address as people type it: something@domain.tld, no spaces; the mail server decides the rest.
EMAIL_PATTERN = r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}"


class NotificationSettingsIn(Replacement):
    """What a user wants by e-mail: reminders of their tasks and a weekly digest."""

    email: Annotated[
        str,
        Text(
            200,
            pattern=EMAIL_PATTERN,
            pattern_message="Bitte eine E-Mail-Adresse wie vorname.name@erbach.de angeben.",
        ),
    ] = Field(description="E-Mail-Adresse; leer: keine E-Mails")
    reminders_enabled: Annotated[bool, Flag()] = Field(
        description="Erinnerungen an neue und überfällige Aufgaben"
    )
    digest_enabled: Annotated[bool, Flag()] = Field(description="Wochenübersicht der Aufgaben")
    digest_weekday: Annotated[str, OneOf.of(Weekday, message="Bitte einen Wochentag wählen.")] = (
        Field(description="Wochentag der Wochenübersicht")
    )
    expected_version: Annotated[int, Version()] = Field(description="Version des Benutzers")


class NotificationSettingsPublic(BaseModel):
    email: str
    reminders_enabled: bool
    digest_enabled: bool
    digest_weekday: Weekday
    version: int
    mail_configured: bool = Field(
        description="Ob auf dem Server der E-Mail-Versand eingerichtet ist"
    )


class CalendarFeedPublic(BaseModel):
    id: int
    scope: str = Field(description="eigener (Termine der eigenen Kommunen) oder massnahme")
    label: str
    created_at: datetime
    last_used_at: datetime | None


class NewCalendarFeedPublic(CalendarFeedPublic):
    url: str = Field(
        description="Die geheime Kalenderadresse; sie wird nur dieses eine Mal gezeigt"
    )


class RolePublic(BaseModel):
    id: int
    role: Role
    municipality: str | None = Field(description="Slug; null bei IKZ-weiten Rollen")


class UserPublic(BaseModel):
    id: int
    username: str
    display_name: str
    email: str
    active: bool
    version: int
    roles: list[RolePublic]


class TokenPublic(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenPublic(TokenPublic):
    token: str = Field(description="Das Token selbst; es wird nur dieses eine Mal gezeigt")
