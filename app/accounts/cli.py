"""``ikz user …`` and ``ikz token …``: accounts from the command line (acting as the system)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer
from pydantic import ValidationError as PydanticValidationError
from rich.console import Console
from sqlmodel import Session, select

from app.accounts import service
from app.accounts.models import User
from app.accounts.permissions import Principal
from app.accounts.schemas import UserCreate
from app.core.context import set_actor
from app.core.db import get_engine
from app.core.errors import DomainError, ValidationFailed
from app.core.inputs import german_errors

user_app = typer.Typer(help="Benutzer verwalten.", no_args_is_help=True)
token_app = typer.Typer(help="API-Tokens verwalten.", no_args_is_help=True)
console = Console(stderr=True)

T = TypeVar("T")


def _in_unit_of_work(work: Callable[[Session, Principal], T]) -> T:
    """Run ``work`` in one transaction, recorded in the audit log as the command line."""
    actor = Principal.system("Kommandozeile")
    with Session(get_engine()) as session:
        set_actor(session, actor_id=None, actor_name=actor.display_name)
        try:
            result = work(session, actor)
            session.commit()
        except DomainError as exc:
            session.rollback()
            details = getattr(exc, "errors", {}) or {}
            console.print(f"[red]Fehler:[/red] {exc.message}")
            for field, text in details.items():
                console.print(f"  {field}: {text}")
            raise typer.Exit(code=1) from None
    return result


@user_app.command("create")
def user_create(
    username: str = typer.Argument(..., help="Benutzername, z. B. digital.erbach"),
    display_name: str = typer.Option(..., "--display-name", help="Angezeigter Name"),
    password: str = typer.Option(
        ...,
        prompt="Passwort",
        hide_input=True,
        confirmation_prompt=True,
        help="Passwort (wird abgefragt, wenn nicht angegeben)",
    ),
    role: list[str] = typer.Option(
        [],
        "--role",
        help="Rolle, für Kommunen mit Kürzel: admin, digital:erbach, hauptamt:oberzent, …",
    ),
    email: str = typer.Option("", help="E-Mail-Adresse"),
) -> None:
    """Create a user with roles."""

    def work(session: Session, actor: Principal) -> str:
        specs = [service.RoleSpec.parse(text) for text in role]
        try:
            data = UserCreate.model_validate(
                {
                    "username": username,
                    "display_name": display_name,
                    "password": password,
                    "email": email,
                }
            )
        except PydanticValidationError as exc:
            raise ValidationFailed(german_errors(exc.errors())) from None
        user = service.create_user(session=session, actor=actor, data=data, roles=specs)
        return user.username

    created = _in_unit_of_work(work)
    console.print(f"Benutzer [bold]{created}[/bold] angelegt.")


@token_app.command("create")
def token_create(
    username: str = typer.Argument(..., help="Benutzer, dem das Token gehört"),
    name: str = typer.Option("", "--name", help="Bezeichnung des Tokens"),
) -> None:
    """Create an API token; the token is printed as the last line (and shown only once)."""

    def work(session: Session, actor: Principal) -> str:
        wanted = service.normalise_username(username)
        user = session.exec(select(User).where(User.username == wanted)).first()
        if user is None or user.id is None:
            raise DomainError(f"Benutzer {username} nicht gefunden.")
        _token, plain = service.create_token(
            session=session, actor=actor, user_id=user.id, name=name or "Kommandozeile"
        )
        return plain

    plain = _in_unit_of_work(work)
    console.print("API-Token erstellt. Es wird nur dieses eine Mal angezeigt:")
    print(plain)  # stdout carries only the token, as its last line
