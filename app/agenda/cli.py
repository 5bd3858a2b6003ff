"""``ikz notify send [--dry-run]``: the e-mails that are due, from cron or a systemd timer."""

from __future__ import annotations

import typer
from rich.console import Console

from app.agenda import notify
from app.agenda.mail import MailNotConfigured, SmtpSender
from app.core.config import get_settings
from app.core.db import get_engine
from app.core.timeutil import today

notify_app = typer.Typer(help="Benachrichtigungen per E-Mail.", no_args_is_help=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


@notify_app.command("send")
def send(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Nur anzeigen, welche E-Mails gesendet würden (sendet nichts)"
    ),
) -> None:
    """Send the reminders and weekly digests that are due (each reminder only once).

    Prints one line per e-mail (recipient – subject) and, last, how many there were.
    """
    settings = get_settings()
    sender: SmtpSender | None = None
    if not dry_run:
        try:
            sender = SmtpSender(settings)
        except MailNotConfigured as exc:
            errors.print(f"[bold red]Nicht gesendet:[/bold red] {exc}")
            raise typer.Exit(code=2) from None
    try:
        report = notify.run(get_engine(), sender=sender, on=today(), base_url=settings.base_url)
    except MailNotConfigured as exc:
        errors.print(f"[bold red]Nicht gesendet:[/bold red] {exc}")
        raise typer.Exit(code=2) from None
    finally:
        if sender is not None:
            sender.close()
    if dry_run:
        for line in notify.lines(report.planned):
            print(line)
        count = len(report.planned)
        print(f"{count} {'E-Mail würde' if count == 1 else 'E-Mails würden'} gesendet.")
        if not settings.smtp_url:
            errors.print("Hinweis: IKZ_SMTP_URL ist nicht gesetzt; ohne sie wird nichts gesendet.")
        return
    for line in notify.lines(report.sent):
        print(line)
    if report.skipped:
        print(f"{report.skipped} von einem gleichzeitigen Lauf übernommen.")
    for failure in report.failures:
        errors.print(f"[red]Fehler:[/red] {failure}")
    count = len(report.sent)
    print(f"{count} {'E-Mail' if count == 1 else 'E-Mails'} gesendet.")
    if report.failures:
        raise typer.Exit(code=1)
