"""Outgoing mail behind a small protocol: logged by default, sent through SMTP when configured.

Senders are called after the request's transaction committed (a response background task), so a
mail never announces something that was rolled back. A sender may block (SMTP does); callers run
it off the event loop. Nothing here logs a message body: invitation mails carry a secret link.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from punchclock.config import Settings

log = logging.getLogger("punchclock.mail")

SMTP_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    text: str


class MailSender(Protocol):
    def send(self, mail: Mail) -> None: ...


class LogMailSender:
    """No SMTP server configured: record that a mail would have gone out (recipient and subject only)."""

    def send(self, mail: Mail) -> None:
        log.info("mail not sent (no SMTP server configured): to=%s subject=%s", mail.to, one_line(mail.subject))


class SmtpMailSender:
    """One SMTP connection per mail (invitations are rare): optional STARTTLS, optional login."""

    def __init__(self, host: str, port: int, *, sender: str, username: str | None = None,
                 password: str | None = None, starttls: bool = True, timeout: float = SMTP_TIMEOUT) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    def message(self, mail: Mail) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = mail.to
        msg["Subject"] = one_line(mail.subject)
        msg.set_content(mail.text)
        return msg

    def send(self, mail: Mail) -> None:
        msg = self.message(mail)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.ehlo()
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(msg)


def one_line(text: str) -> str:
    """Header-safe text: line breaks (possible in a workspace name) become spaces."""
    return " ".join(text.split())


def sender_for(settings: Settings) -> MailSender:
    if not settings.smtp_host:
        return LogMailSender()
    return SmtpMailSender(
        settings.smtp_host,
        settings.smtp_port,
        sender=settings.smtp_from,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        starttls=settings.smtp_starttls,
    )


def send_all(sender: MailSender, mails: Iterable[Mail]) -> None:
    """Send each mail; a failure is logged (recipient and error type only) and does not stop the others."""
    for mail in mails:
        try:
            sender.send(mail)
        except Exception as exc:  # a mail server problem must not break the caller
            log.warning("mail to %s failed: %s", mail.to, type(exc).__name__)
