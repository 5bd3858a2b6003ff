"""``ikz notify send``: reminders of new and overdue tasks, and the weekly digest, by e-mail.

Per user and run at most one e-mail: the weekly digest when it is due (all open tasks, the new
ones marked), otherwise a reminder of the tasks not reminded of before. A task is reminded of
when it comes up and once more when it is overdue (:attr:`Task.reminder_key`); the digest once a
week, on the chosen weekday or the first run after it.

The sent-log (``notification_sent``) keeps anyone from getting the same reminder twice, also
when two runs overlap: a run first *claims* what it is about to send (one row per reminder and
digest; a unique key on user and item lets only one run have it) and commits, then sends, then
marks the rows sent. A failed send gives its claims back, so the next run tries again; claims
of a run that died are taken over after :data:`STALE_CLAIM`.
"""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy import Engine, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.accounts.service import load_principal
from app.agenda.mail import Mail, MailNotConfigured, compose
from app.agenda.models import SentNotification
from app.agenda.tasks import Agenda, agenda_for
from app.core.agenda import Task, Urgency
from app.core.db import WRITE_INTENT
from app.core.enums import Weekday
from app.core.timeutil import utcnow

REMINDER = "erinnerung"
DIGEST = "wochenuebersicht"
STALE_CLAIM = timedelta(minutes=30)


class Sender(Protocol):
    def send(self, mail: Mail) -> None: ...


@dataclass(frozen=True)
class Planned:
    """One e-mail a run is to send: to whom, and which sent-log items it stands for."""

    user_id: int
    mail: Mail
    items: dict[str, str]  # item key -> kind


@dataclass
class RunReport:
    planned: list[Planned] = field(default_factory=list)
    sent: list[Planned] = field(default_factory=list)
    skipped: int = 0  # planned, but another run had claimed them
    failures: list[str] = field(default_factory=list)


def digest_key(on: date) -> str:
    year, week, _ = on.isocalendar()
    return f"{DIGEST}:{year}-W{week:02d}"


def digest_due(user: User, on: date) -> bool:
    """On the chosen weekday, or later in the same week when no run happened that day."""
    return user.digest_enabled and on.weekday() >= Weekday(user.digest_weekday).number


def _groups(agenda: Agenda, keys: set[str] | None = None) -> list[tuple[str, list[Task]]]:
    """The agenda's tasks by heading (only ``keys`` when given; each task once)."""
    seen: set[str] = set()
    groups = []
    for section in agenda.sections:
        tasks = []
        for task in section.tasks:
            if task.key in seen or (keys is not None and task.reminder_key not in keys):
                continue
            seen.add(task.key)
            tasks.append(task)
        if tasks:
            groups.append((section.source.heading, tasks))
    return groups


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def plan_for(user: User, agenda: Agenda, sent: set[str], base_url: str) -> Planned | None:
    """The e-mail ``user`` is due today, or None."""
    on = agenda.on
    tasks = agenda.tasks
    new = [t for t in tasks if t.reminder_key not in sent] if user.reminders_enabled else []
    items = {t.reminder_key: REMINDER for t in new}
    new_keys = frozenset(t.key for t in new)
    if digest_due(user, on) and digest_key(on) not in sent and tasks:
        items[digest_key(on)] = DIGEST
        overdue = sum(1 for t in tasks if t.urgency is Urgency.overdue)
        week = on.isocalendar()[1]
        count = _plural(len(tasks), "offene Aufgabe", "offene Aufgaben")
        subject = f"IKZ-Portfolio: Wochenübersicht KW {week} – {count}"
        intro = f"Ihre Wochenübersicht: {_plural(len(tasks), 'Aufgabe ist', 'Aufgaben sind')} offen"
        intro += f", davon {overdue} überfällig." if overdue else "."
        groups = _groups(agenda)
        digest = True
    elif new:
        overdue = sum(1 for t in new if t.urgency is Urgency.overdue)
        subject = f"IKZ-Portfolio: {_plural(len(new), 'Erinnerung', 'Erinnerungen')}"
        subject += f", davon {overdue} überfällig" if overdue else ""
        intro = "in IKZ-Portfolio ist Folgendes neu zu erledigen oder inzwischen überfällig:"
        groups = _groups(agenda, set(items))
        digest = False
    else:
        return None
    mail = compose(
        name=user.display_name,
        address=user.email,
        subject=subject,
        intro=intro,
        groups=groups,
        base_url=base_url,
        new_keys=new_keys,
        digest=digest,
    )
    return Planned(user_id=int(user.id or 0), mail=mail, items=items)


def _recipients(session: Session) -> list[User]:
    return list(
        session.exec(
            select(User)
            .where(
                col(User.active).is_(True),
                col(User.email) != "",
                (col(User.reminders_enabled).is_(True)) | (col(User.digest_enabled).is_(True)),
            )
            .order_by(col(User.username))
        ).all()
    )


def plan(session: Session, *, on: date, base_url: str) -> list[Planned]:
    """Every e-mail due on ``on`` (reads only)."""
    result = []
    for user in _recipients(session):
        principal = load_principal(session=session, user_id=int(user.id or 0))
        if principal is None:
            continue
        agenda = agenda_for(session, principal, on)
        sent = set(
            session.exec(
                select(SentNotification.item_key).where(SentNotification.user_id == user.id)
            ).all()
        )
        planned = plan_for(user, agenda, sent, base_url)
        if planned is not None:
            result.append(planned)
    return result


def _claim(session: Session, planned: Planned, run_id: str) -> set[str]:
    """Insert this run's claims (skipping items another run holds); the items now ours."""
    now = utcnow()
    session.execute(
        delete(SentNotification).where(
            col(SentNotification.user_id) == planned.user_id,
            col(SentNotification.sent_at).is_(None),
            col(SentNotification.claimed_at) < now - STALE_CLAIM,
        )
    )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [
        {
            "user_id": planned.user_id,
            "item_key": key,
            "kind": kind,
            "run_id": run_id,
            "claimed_at": now,
        }
        for key, kind in planned.items.items()
    ]
    statement = dialect.insert(SentNotification).values(rows)
    session.execute(statement.on_conflict_do_nothing(index_elements=["user_id", "item_key"]))
    owned = session.exec(
        select(SentNotification.item_key).where(
            SentNotification.run_id == run_id, SentNotification.user_id == planned.user_id
        )
    ).all()
    return set(owned)


def _finish(session: Session, planned: Planned, run_id: str, *, sent: bool) -> None:
    mine = (
        col(SentNotification.run_id) == run_id,
        col(SentNotification.user_id) == planned.user_id,
    )
    if sent:
        session.execute(update(SentNotification).where(*mine).values(sent_at=utcnow()))
    else:
        session.execute(delete(SentNotification).where(*mine))


def run(
    engine: Engine,
    *,
    sender: Sender | None,
    on: date,
    base_url: str,
    planned: list[Planned] | None = None,
) -> RunReport:
    """Plan (unless ``planned`` is given) and, unless ``sender`` is None (a dry run), send:
    claim, send, mark or give back.

    A planned e-mail is only sent when this run could claim every item in it; when another run
    holds some of them, this run gives back what it got and leaves the rest to the next run.
    """
    report = RunReport()
    if planned is None:
        with Session(engine) as session:
            planned = plan(session, on=on, base_url=base_url)
    report.planned = planned
    if sender is None:
        return report
    run_id = str(uuid.uuid4())
    writer = engine.execution_options(**{WRITE_INTENT: True})
    for one in planned:
        with Session(writer) as session:
            owned = _claim(session, one, run_id)
            session.commit()
        if owned != set(one.items):
            with Session(writer) as session:
                _finish(session, one, run_id, sent=False)
                session.commit()
            report.skipped += 1
            continue
        try:
            sender.send(one.mail)
        except (smtplib.SMTPException, OSError, MailNotConfigured) as error:
            with Session(writer) as session:
                _finish(session, one, run_id, sent=False)
                session.commit()
            if isinstance(error, MailNotConfigured):
                raise
            report.failures.append(f"{one.mail.to_address}: {error}")
            if not isinstance(error, smtplib.SMTPRecipientsRefused):
                break  # the server is gone: the rest waits for the next run
            continue
        with Session(writer) as session:
            _finish(session, one, run_id, sent=True)
            session.commit()
        report.sent.append(one)
    return report


def lines(planned: Iterable[Planned]) -> list[str]:
    """One line per e-mail: recipient and subject."""
    return [f"{p.mail.to_address} – {p.mail.subject}" for p in planned]
