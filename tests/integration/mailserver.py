"""A real SMTP server on loopback (aiosmtpd) with a certificate of a test CA (trustme): STARTTLS
and login on ``smtp://``, TLS from the start on ``smtps://``. Tests read back what arrived."""

from __future__ import annotations

import email
import email.policy
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.e2e.server import free_port

USER, PASSWORD = "ikz-versand", "geheim-und-lang"


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Mailbox:
    """What the server accepted; ``refuse`` lists addresses it answers 550 for."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 Postfach unbekannt"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def by_recipient(self) -> dict[str, list[EmailMessage]]:
        result: dict[str, list[EmailMessage]] = {}
        for item in self.received:
            for recipient in item.recipients:
                result.setdefault(recipient, []).append(item.message)
        return result


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


@dataclass
class MailServer:
    mailbox: Mailbox
    url: str
    ca_file: Path


@contextmanager
def mail_server(tmp: Path, *, mode: str = "starttls") -> Iterator[MailServer]:
    """``mode``: "starttls" (smtp://, STARTTLS required, login), "tls" (smtps://, login) or
    "plain" (no TLS offered at all)."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    ca_file = tmp / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    mailbox = Mailbox()
    port = free_port()
    options: dict[str, Any] = {"hostname": "127.0.0.1", "port": port}
    if mode == "starttls":
        options |= {
            "tls_context": context,
            "require_starttls": True,
            "authenticator": _authenticate,
            "auth_require_tls": True,
        }
        url = f"smtp://{USER}:{PASSWORD}@127.0.0.1:{port}"
    elif mode == "tls":
        # The whole connection is TLS; aiosmtpd's own check only knows STARTTLS.
        options |= {
            "ssl_context": context,
            "authenticator": _authenticate,
            "auth_require_tls": False,
        }
        url = f"smtps://{USER}:{PASSWORD}@127.0.0.1:{port}"
    else:
        url = f"smtp://{USER}:{PASSWORD}@127.0.0.1:{port}"
    controller = Controller(mailbox, **options)
    controller.start()
    try:
        yield MailServer(mailbox=mailbox, url=url, ca_file=ca_file)
    finally:
        controller.stop()
