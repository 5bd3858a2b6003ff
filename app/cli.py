"""The ``ikz`` command line (Typer)."""

from __future__ import annotations

import typer
from rich.console import Console

from app.accounts.cli import token_app, user_app
from app.config import get_settings

app = typer.Typer(
    help="IKZ-Portfolio: Verwaltung der gemeinsamen Digitalstrategie.", no_args_is_help=True
)
db_app = typer.Typer(help="Datenbank verwalten.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
console = Console()


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Ziel-Revision")) -> None:
    """Apply the migrations up to ``revision``."""
    from app.migrate import upgrade

    with console.status("Migriere Datenbank …"):
        upgrade(revision=revision)
    console.print(f"Datenbank ist auf Stand [bold]{revision}[/bold].")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="Ziel-Revision, z. B. base")) -> None:
    """Roll the migrations back to ``revision``."""
    from app.migrate import downgrade

    downgrade(revision=revision)
    console.print(f"Datenbank ist auf Stand [bold]{revision}[/bold].")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Adresse"),
    port: int = typer.Option(8000, help="Port"),
    workers: int = typer.Option(1, help="Anzahl Prozesse"),
    reload: bool = typer.Option(False, help="Bei Codeänderungen neu laden (Entwicklung)"),
) -> None:
    """Serve the web application with uvicorn."""
    import uvicorn

    from app.config import check_production_settings

    check_production_settings(get_settings())
    console.print(f"IKZ-Portfolio läuft auf http://{host}:{port}")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        log_level=get_settings().log_level.lower(),
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
