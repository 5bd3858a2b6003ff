"""E-mails: German plain text and HTML from templates, sent through SMTP with the standard
library's ``smtplib``.

``IKZ_SMTP_URL`` says how: ``smtp://user:password@host:587`` upgrades to TLS with STARTTLS (and
refuses to go on without it), ``smtps://user:password@host:465`` speaks TLS from the start,
``smtp+plain://host:25`` talks to a relay on the same machine or network without TLS (no
credentials then). Certificates are checked against the system's CAs, or ``IKZ_SMTP_CA_FILE``.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.core.agenda import Task
from app.core.config import Settings
from app.core.resources import resource_dir
from app.core.timeutil import utcnow

SMTP_TIMEOUT_SECONDS = 30
_env = Environment(
    loader=FileSystemLoader(str(resource_dir("templates") / "mail")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    keep_trailing_newline=True,
)


class MailNotConfigured(RuntimeError):
    """No (usable) ``IKZ_SMTP_URL``."""


@dataclass(frozen=True)
class Mail:
    to_name: str
    to_address: str
    subject: str
    text: str
    html: str


def compose(
    *,
    name: str,
    address: str,
    subject: str,
    intro: str,
    groups: Sequence[tuple[str, Sequence[Task]]],
    base_url: str,
    new_keys: frozenset[str] = frozenset(),
    digest: bool = False,
) -> Mail:
    context: dict[str, Any] = {
        "name": name,
        "subject": subject,
        "intro": intro,
        "groups": groups,
        "base_url": base_url.rstrip("/"),
        "new_keys": new_keys,
        "digest": digest,
    }
    return Mail(
        to_name=name,
        to_address=address,
        subject=subject,
        text=_env.get_template("tasks.txt").render(context),
        html=_env.get_template("tasks.html").render(context),
    )


def message(mail: Mail, *, sender: str, base_url: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = mail.subject
    msg["From"] = sender
    msg["To"] = Address(display_name=mail.to_name, addr_spec=mail.to_address)
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = make_msgid(domain="ikz-portfolio")
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no automatic replies, please
    msg["List-Unsubscribe"] = f"<{base_url.rstrip('/')}/profil#benachrichtigungen>"
    msg.set_content(mail.text)
    msg.add_alternative(mail.html, subtype="html")
    return msg


@dataclass(frozen=True)
class SmtpTarget:
    scheme: str
    host: str
    port: int
    username: str
    password: str


DEFAULT_PORTS = {"smtp": 587, "smtps": 465, "smtp+plain": 25}


def parse_smtp_url(url: str) -> SmtpTarget:
    """The parts of ``IKZ_SMTP_URL``; a German :class:`MailNotConfigured` when unusable."""
    if not url.strip():
        raise MailNotConfigured(
            "Der E-Mail-Versand ist nicht eingerichtet: IKZ_SMTP_URL ist nicht gesetzt "
            "(z. B. smtp://benutzer:passwort@mail.example.org:587)."
        )
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise MailNotConfigured(
            "IKZ_SMTP_URL muss mit smtp://, smtps:// oder smtp+plain:// beginnen und einen "
            "Server nennen."
        )
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise MailNotConfigured("Der Port in IKZ_SMTP_URL ist keine Zahl.") from None
    username = unquote(parts.username or "")
    if parts.scheme == "smtp+plain" and username:
        raise MailNotConfigured(
            "Zugangsdaten werden nur verschlüsselt gesendet: smtp:// (STARTTLS) oder smtps:// "
            "verwenden."
        )
    return SmtpTarget(parts.scheme, parts.hostname, port, username, unquote(parts.password or ""))


class SmtpSender:
    """One SMTP connection for a run, opened at the first message."""

    def __init__(self, settings: Settings) -> None:
        self.target = parse_smtp_url(settings.smtp_url)
        self.sender = settings.mail_from
        self.base_url = settings.base_url
        self.ca_file = settings.smtp_ca_file or None
        self._client: smtplib.SMTP | None = None

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    def _connect(self) -> smtplib.SMTP:
        target = self.target
        client: smtplib.SMTP
        if target.scheme == "smtps":
            client = smtplib.SMTP_SSL(
                target.host, target.port, timeout=SMTP_TIMEOUT_SECONDS, context=self._tls()
            )
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=SMTP_TIMEOUT_SECONDS)
            if target.scheme == "smtp":
                client.ehlo()
                if not client.has_extn("starttls"):
                    client.quit()
                    raise MailNotConfigured(
                        f"Der Mailserver {target.host} bietet kein STARTTLS an; ohne "
                        "Verschlüsselung wird nichts gesendet (smtps:// oder smtp+plain:// "
                        "für einen Relay im eigenen Netz)."
                    )
                client.starttls(context=self._tls())
        client.ehlo()
        if target.username:
            client.login(target.username, target.password)
        return client

    def send(self, mail: Mail) -> None:
        if self._client is None:
            self._client = self._connect()
        self._client.send_message(message(mail, sender=self.sender, base_url=self.base_url))

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.quit()
            except smtplib.SMTPException:
                self._client.close()
            self._client = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
