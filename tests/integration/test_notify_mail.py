"""``ikz notify send`` as cron runs it: the command line against a migrated and seeded database
of the suite's kind (SQLite or PostgreSQL), sending to a real SMTP server on loopback with
STARTTLS and login; the tests read the messages back."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from app.accounts.models import User
from app.accounts.service import load_principal
from app.agenda.tasks import agenda_for
from app.core.db import build_engine
from app.core.enums import Weekday
from app.core.timeutil import today
from tests.conftest import TEST_DATABASE_URL
from tests.e2e.server import LiveServer
from tests.integration.mailserver import MailServer, mail_server

BASE_URL = "https://ikz.example.org"
DIGEST_USER = "digital.erbach"  # reminders and the digest, due today
REMINDER_USER = "hauptamt.oberzent"  # reminders only
SILENT_USER = "finanzen.brombachtal"  # switched both off
READER = "leser"  # both on, but nothing to do


def _database() -> str:
    if not TEST_DATABASE_URL.startswith("postgresql"):
        return ""
    parsed = make_url(TEST_DATABASE_URL)
    name = f"{parsed.database}_mail"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def instance() -> Iterator[LiveServer]:
    """A migrated and seeded database of its own (no web server: cron needs none)."""
    workdir = Path(tempfile.mkdtemp(prefix="ikz-mail-"))
    server = LiveServer(workdir=workdir, database=_database())
    server.run_cli("db", "upgrade")
    server.run_cli("seed", "--demo-users")
    try:
        yield server
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def db(instance: LiveServer) -> Iterator[Engine]:
    """The instance's database, with the four users' e-mail settings and an empty sent-log."""
    engine = build_engine(instance.database_url)
    weekday = list(Weekday)[today().weekday()].value
    settings = {
        DIGEST_USER: (True, True),
        REMINDER_USER: (True, False),
        SILENT_USER: (False, False),
        READER: (True, True),
    }
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM notification_sent"))
        connection.execute(text("UPDATE user_account SET email = ''"))
        for username, (reminders, digest) in settings.items():
            connection.execute(
                text(
                    "UPDATE user_account SET email = :email, reminders_enabled = :r, "
                    "digest_enabled = :d, digest_weekday = :w WHERE username = :u"
                ),
                {
                    "email": f"{username}@erbach.example",
                    "r": reminders,
                    "d": digest,
                    "w": weekday,
                    "u": username,
                },
            )
    yield engine
    engine.dispose()


def _env(server: MailServer | None) -> dict[str, str]:
    env = {"IKZ_BASE_URL": BASE_URL, "IKZ_MAIL_FROM": "IKZ-Portfolio <ikz@odenwald.example>"}
    if server is not None:
        env |= {"IKZ_SMTP_URL": server.url, "IKZ_SMTP_CA_FILE": str(server.ca_file)}
    return env


def _start(instance: LiveServer, server: MailServer | None, *args: str) -> subprocess.Popen[str]:
    from tests.e2e.server import _cli

    environment = instance.env() | _env(server)
    if server is None:
        environment.pop("IKZ_SMTP_URL", None)
    return subprocess.Popen(
        _cli("notify", "send", *args),
        cwd=instance.workdir,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _notify(
    instance: LiveServer, server: MailServer | None, *args: str
) -> subprocess.CompletedProcess[str]:
    process = _start(instance, server, *args)
    out, err = process.communicate(timeout=180)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _address(username: str) -> str:
    return f"{username}@erbach.example"


def _task_links(engine: Engine, username: str) -> set[str]:
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        principal = load_principal(session=session, user_id=int(user.id or 0))
        assert principal is not None
        return {BASE_URL + task.href for task in agenda_for(session, principal, today()).tasks}


def _sent_log(engine: Engine) -> list[tuple[str, bool]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT u.username, n.sent_at IS NOT NULL FROM notification_sent n "
                "JOIN user_account u ON u.id = n.user_id"
            )
        ).all()
    return [(str(name), bool(sent)) for name, sent in rows]


def test_dry_run_lists_each_mail_and_the_count_and_sends_nothing(
    instance: LiveServer, db: Engine, tmp_path: Path
) -> None:
    with mail_server(tmp_path) as server:
        result = _notify(instance, server, "--dry-run")
        assert result.returncode == 0, result.stderr
        lines = result.stdout.strip().splitlines()
        assert lines[-1] == "2 E-Mails würden gesendet."
        recipients = sorted(line.split(" – ", 1)[0] for line in lines[:-1])
        assert recipients == sorted([_address(DIGEST_USER), _address(REMINDER_USER)])
        assert any("Wochenübersicht KW" in line for line in lines[:-1])
        assert server.mailbox.received == []
    assert _sent_log(db) == []


def test_mails_arrive_once_in_german_with_links_and_a_second_run_sends_nothing(
    instance: LiveServer, db: Engine, tmp_path: Path
) -> None:
    with mail_server(tmp_path) as server:
        first = _notify(instance, server)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip().splitlines()[-1] == "2 E-Mails gesendet."
        mails = server.mailbox.by_recipient()
        assert set(mails) == {_address(DIGEST_USER), _address(REMINDER_USER)}
        assert all(len(messages) == 1 for messages in mails.values())

        digest = mails[_address(DIGEST_USER)][0]
        week = today().isocalendar()[1]
        assert digest["Subject"].startswith(f"IKZ-Portfolio: Wochenübersicht KW {week} – ")
        assert digest["To"].addresses[0].addr_spec == _address(DIGEST_USER)
        assert digest["From"].addresses[0].addr_spec == "ikz@odenwald.example"
        assert digest["Auto-Submitted"] == "auto-generated"
        plain = digest.get_body(preferencelist=("plain",)).get_content()
        html = digest.get_body(preferencelist=("html",)).get_content()
        assert plain.startswith("Guten Tag ")
        assert '<html lang="de">' in html
        links = set(re.findall(r"https://ikz\.example\.org[^\s\"<]*", plain))
        assert f"{BASE_URL}/profil#benachrichtigungen" in links
        assert _task_links(db, DIGEST_USER) <= links, "every task of the home, with its link"
        html_links = set(re.findall(r'href="([^"]+)"', html))
        assert _task_links(db, DIGEST_USER) <= html_links

        reminder = mails[_address(REMINDER_USER)][0]
        assert re.fullmatch(
            r"IKZ-Portfolio: \d+ Erinnerungen?(, davon \d+ überfällig)?", reminder["Subject"]
        )
        reminder_text = reminder.get_body(preferencelist=("plain",)).get_content()
        assert _task_links(db, REMINDER_USER) <= set(
            re.findall(r"https://ikz\.example\.org[^\s\"<]*", reminder_text)
        )

        again = _notify(instance, server)
        assert again.returncode == 0, again.stderr
        assert again.stdout.strip().splitlines()[-1] == "0 E-Mails gesendet."
        assert len(server.mailbox.received) == 2
    assert {name for name, _sent in _sent_log(db)} == {DIGEST_USER, REMINDER_USER}
    assert all(sent for _name, sent in _sent_log(db))


def test_nothing_for_users_who_switched_it_off_and_no_digest_for_reminders_only(
    instance: LiveServer, db: Engine, tmp_path: Path
) -> None:
    with mail_server(tmp_path) as server:
        assert _notify(instance, server).returncode == 0
        mails = server.mailbox.by_recipient()
    assert _address(SILENT_USER) not in mails
    assert _address(READER) not in mails, "nothing to do: no e-mail"
    assert "Wochenübersicht" not in mails[_address(REMINDER_USER)][0]["Subject"]


def test_two_overlapping_runs_send_each_mail_exactly_once(
    instance: LiveServer, db: Engine, tmp_path: Path
) -> None:
    with mail_server(tmp_path) as server:
        runs = [_start(instance, server) for _ in range(2)]
        outputs = [run.communicate(timeout=180) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], [err for _out, err in outputs]
        mails = server.mailbox.by_recipient()
        assert {address: len(messages) for address, messages in mails.items()} == {
            _address(DIGEST_USER): 1,
            _address(REMINDER_USER): 1,
        }
        sent = [int(out.strip().splitlines()[-1].split()[0]) for out, _err in outputs]
        assert sum(sent) == 2
    assert all(sent_flag for _name, sent_flag in _sent_log(db))


def test_a_refused_recipient_is_tried_again_by_the_next_run(
    instance: LiveServer, db: Engine, tmp_path: Path
) -> None:
    with mail_server(tmp_path) as server:
        server.mailbox.refuse.add(_address(REMINDER_USER))
        failed = _notify(instance, server)
        assert failed.returncode == 1
        assert _address(REMINDER_USER) in failed.stderr
        assert {name for name, _sent in _sent_log(db)} == {DIGEST_USER}
        server.mailbox.refuse.clear()
        retried = _notify(instance, server)
        assert retried.returncode == 0, retried.stderr
        mails = server.mailbox.by_recipient()
        assert {address: len(messages) for address, messages in mails.items()} == {
            _address(DIGEST_USER): 1,
            _address(REMINDER_USER): 1,
        }


def test_smtps_sends_over_tls_from_the_start(
    instance: LiveServer, db: Engine, tmp_path: Path
) -> None:
    with mail_server(tmp_path, mode="tls") as server:
        result = _notify(instance, server)
        assert result.returncode == 0, result.stderr
        assert len(server.mailbox.received) == 2


def test_without_starttls_nothing_is_sent_and_nothing_is_logged(
    instance: LiveServer, db: Engine, tmp_path: Path
) -> None:
    with mail_server(tmp_path, mode="plain") as server:
        result = _notify(instance, server)
        assert result.returncode == 2
        assert "STARTTLS" in result.stderr
        assert server.mailbox.received == []
    assert _sent_log(db) == []


def test_without_smtp_url_the_command_says_so(instance: LiveServer, db: Engine) -> None:
    result = _notify(instance, None)
    assert result.returncode == 2
    assert "IKZ_SMTP_URL ist nicht gesetzt" in result.stderr
    assert _sent_log(db) == []


def test_a_task_whose_date_moves_is_reminded_of_again(
    instance: LiveServer, db: Engine, tmp_path: Path
) -> None:
    with db.begin() as connection:
        connection.execute(
            text("UPDATE user_account SET digest_enabled = :f WHERE username = :u"),
            {"f": False, "u": DIGEST_USER},
        )
        original = connection.execute(
            text("SELECT due_on FROM milestone WHERE title = 'Anbindung der Fachverfahren'")
        ).scalar_one()
    try:
        with mail_server(tmp_path) as server:
            assert _notify(instance, server).returncode == 0
            with db.begin() as connection:
                connection.execute(
                    text(
                        "UPDATE milestone SET due_on = :d "
                        "WHERE title = 'Anbindung der Fachverfahren'"
                    ),
                    {"d": today() - timedelta(days=1)},
                )
            assert _notify(instance, server).returncode == 0
            mails = server.mailbox.by_recipient()[_address(DIGEST_USER)]
    finally:
        with db.begin() as connection:
            connection.execute(
                text(
                    "UPDATE milestone SET due_on = :d WHERE title = 'Anbindung der Fachverfahren'"
                ),
                {"d": original},
            )
    assert len(mails) == 2
    first = mails[0].get_body(preferencelist=("plain",)).get_content()
    second = mails[1].get_body(preferencelist=("plain",)).get_content()
    assert "Anbindung der Fachverfahren" in first
    assert mails[1]["Subject"] == "IKZ-Portfolio: 1 Erinnerung, davon 1 überfällig"
    assert "Anbindung der Fachverfahren" in second


def test_runs_that_planned_the_same_mails_claim_each_one_once(
    instance: LiveServer, db: Engine, tmp_path: Path
) -> None:
    """The worst overlap: eight runs planned the same e-mails before any of them claimed one,
    then all claim and send at the same moment (threads, one connection each)."""
    from app.agenda import notify
    from app.agenda.mail import SmtpSender
    from app.core.config import Settings

    with mail_server(tmp_path) as server:
        settings = Settings(
            smtp_url=server.url, smtp_ca_file=str(server.ca_file), base_url=BASE_URL
        )
        with Session(db) as session:
            planned = notify.plan(session, on=today(), base_url=BASE_URL)
        assert len(planned) == 2
        barrier = threading.Barrier(8)

        def one_run() -> notify.RunReport:
            with SmtpSender(settings) as sender:
                barrier.wait(timeout=30)
                return notify.run(db, sender=sender, on=today(), base_url=BASE_URL, planned=planned)

        with ThreadPoolExecutor(max_workers=8) as pool:
            reports = list(pool.map(lambda _i: one_run(), range(8)))
        mails = server.mailbox.by_recipient()
    assert {address: len(messages) for address, messages in mails.items()} == {
        _address(DIGEST_USER): 1,
        _address(REMINDER_USER): 1,
    }
    assert sum(len(r.sent) for r in reports) == 2
    assert sum(r.skipped for r in reports) == 14
    assert all(sent for _name, sent in _sent_log(db))
