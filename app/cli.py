"""The ``ikz`` command line (Typer)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from app.accounts.cli import token_app, user_app
from app.agenda.cli import notify_app
from app.core.config import get_settings

app = typer.Typer(
    help="IKZ-Portfolio: Verwaltung der gemeinsamen Digitalstrategie.", no_args_is_help=True
)
db_app = typer.Typer(help="Datenbank verwalten.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(notify_app, name="notify")
console = Console()


@app.callback()
def _setup() -> None:
    """Every command writes through the same session listeners as the web application (audit
    trail, ledger, data generation)."""
    from app import listeners

    listeners.install()


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Ziel-Revision")) -> None:
    """Apply the migrations up to ``revision``."""
    from app.migrate import upgrade

    with console.status("Migriere Datenbank …"):
        upgrade(revision=revision)
    console.print(f"Datenbank ist auf Stand [bold]{revision}[/bold].")


@db_app.command("ledger")
def db_ledger() -> None:
    """Recompute every municipality's share of every budget line (after bulk imports)."""
    from sqlmodel import Session

    from app.core.db import get_engine
    from app.finance.ledger.recompute import rebuild

    with console.status("Berechne Anteile …"), Session(get_engine()) as session:
        count = rebuild(session)
        session.commit()
    console.print(f"{count} Anteile an Budgetpositionen neu berechnet.")


@db_app.command("revision")
def db_revision(
    message: str = typer.Argument(..., help="Kurzbeschreibung, z. B. add_grant_note"),
) -> None:
    """Generate a migration from the difference between models and the database (review it!)."""
    from alembic import command

    from app.migrate import alembic_config

    command.revision(alembic_config(), message=message, autogenerate=True)
    console.print("Neue Migration unter migrations/versions/ angelegt – bitte prüfen.")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="Ziel-Revision, z. B. base")) -> None:
    """Roll the migrations back to ``revision``."""
    from app.migrate import downgrade

    downgrade(revision=revision)
    console.print(f"Datenbank ist auf Stand [bold]{revision}[/bold].")


@app.command()
def seed(
    demo_users: bool = typer.Option(
        False, "--demo-users", help="Demo-Benutzer anlegen (nicht im Produktivbetrieb)"
    ),
    directory: Path | None = typer.Option(
        None, "--dir", help="Verzeichnis mit den Seed-Dateien (Standard: mitgelieferte Daten)"
    ),
) -> None:
    """Load the seed data (idempotent, one transaction; nothing is written on an error)."""
    from app.core.config import ConfigurationError
    from app.core.db import get_engine
    from app.seed import SeedError, run_seed

    try:
        with console.status("Seed wird geladen …") as status:
            report = run_seed(
                engine=get_engine(),
                directory=directory,
                demo_users=demo_users,
                progress=lambda step: status.update(f"Seed: {step} …"),
            )
    except SeedError as exc:
        console.print(f"[bold red]Seed-Fehler:[/bold red] {exc}", soft_wrap=True, highlight=False)
        console.print("Es wurde nichts geschrieben.")
        raise typer.Exit(code=1) from None
    except ConfigurationError as exc:
        console.print(f"[bold red]Abgelehnt:[/bold red] {exc}", soft_wrap=True, highlight=False)
        raise typer.Exit(code=2) from None
    created = sum(report.created.values())
    updated = sum(report.updated.values())
    console.print(
        f"Seed geladen: {created} Datensätze angelegt, {updated} geändert, "
        f"{report.unchanged} unverändert."
    )
    if demo_users:
        console.print(f"Demo-Benutzer: {report.demo_users} neu angelegt.")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Adresse"),
    port: int = typer.Option(8000, help="Port"),
    workers: int = typer.Option(1, help="Anzahl Prozesse"),
    reload: bool = typer.Option(False, help="Bei Codeänderungen neu laden (Entwicklung)"),
) -> None:
    """Serve the web application with uvicorn."""
    import uvicorn

    from app.core.config import check_production_settings

    settings = get_settings()
    check_production_settings(settings)
    console.print(f"IKZ-Portfolio läuft auf http://{host}:{port}")
    # Forwarded headers (client address, scheme) only from the proxies named in the settings:
    # from anyone else they would let a client choose the address its failed sign-ins count for.
    trusted = settings.forwarded_allow_ips.strip()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
        log_level=settings.log_level.lower(),
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
