"""Handing messages to the council's mail server: one connection per batch, verified TLS, AUTH, retries.

``Mailer.deliver`` says what became of one message: ``Delivered`` (the server's 250), or it raises
``Refused`` (a 5xx, or 4xx replies that did not clear: the message was not taken) or ``Uncertain``
(the connection broke while the message was being handed over, so the server may have it). A server
that cannot be reached, a certificate that does not check out or a refused login raise
``MailServerError``: nothing can be sent in this run.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from types import TracebackType
from typing import Protocol

from docgen.errors import DocgenError
from docgen.settings.sending import EmailSettings

__all__ = ["Delivered", "MailServerError", "Mailer", "Postbox", "Refused", "Uncertain", "tls_context"]


class MailServerError(DocgenError):
    """The mail server cannot be reached, is not who it says it is, or refused the login."""

    def __init__(self, message: str, *, settings_problem: bool = False) -> None:
        super().__init__(message)
        self.settings_problem = settings_problem


class Refused(Exception):
    """The server did not take the message (the reply says why); nothing was delivered."""


class Uncertain(Exception):
    """The connection broke while the message was being handed over: the server may have taken it."""


@dataclass(frozen=True)
class Delivered:
    """The server took the message: its reply."""

    reply: str


class Postbox(Protocol):
    """What the sending loop needs of a mailer: ``Mailer``, or a fake in tests."""

    def __enter__(self) -> Postbox: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None: ...

    def deliver(self, message: EmailMessage, recipient: str) -> Delivered:
        """Hands the message over for ``recipient`` alone (see ``Mailer.deliver``)."""
        ...


def tls_context(settings: EmailSettings) -> ssl.SSLContext:
    """Certificates and the host name are always checked; ``ca_file`` adds the council's own CA."""
    context = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


#: CRLF line ends; headers folded only past RFC 5322's hard limit (a subject folded after its colon reads " Child..." in some mail programs)
_WIRE = SMTP_POLICY.clone(max_line_length=998)


def _words(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


def _temporary(code: int) -> bool:
    return 400 <= code < 500


class Mailer:
    """One connection to the mail server, opened on first use and reused for every message of a batch."""

    def __init__(
        self, settings: EmailSettings, password: str | None, *, backoff_seconds: float = 1.0, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.settings = settings
        self._password = password
        self._backoff = backoff_seconds
        self._sleep = sleep
        self._smtp: smtplib.SMTP | None = None
        self.connections = 0

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @property
    def where(self) -> str:
        """``smtp.council.example:587``."""
        return f"{self.settings.host}:{self.settings.port}"

    def close(self) -> None:
        """Says QUIT (politely, if the server is still there) and drops the connection."""
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        context = tls_context(s)
        smtp: smtplib.SMTP
        if s.security == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        try:
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise MailServerError(
                        f"The mail server {self.where} does not offer STARTTLS, so docgen will not send through it: "
                        'check host and port in docgen.toml [email] (security = "ssl" for port 465).',
                        settings_problem=True,
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.username is not None:
                smtp.login(s.username, self._password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _connect(self) -> smtplib.SMTP:
        """The open connection, or a new one: unreachable servers are tried again with back-off, then given up."""
        if self._smtp is not None:
            return self._smtp
        attempt = 0
        while True:
            try:
                self._smtp = self._open()
                self.connections += 1
                return self._smtp
            except ssl.SSLCertVerificationError as exc:
                raise MailServerError(
                    f"The mail server {self.where} did not prove who it is ({exc.verify_message}): "
                    "if the council uses its own certificate authority, set ca_file in docgen.toml [email].",
                    settings_problem=True,
                ) from exc
            except smtplib.SMTPAuthenticationError as exc:
                raise MailServerError(
                    f"The mail server {self.where} refused the login for {self.settings.username} ({exc.smtp_code} {_words(exc.smtp_error)}): "
                    f"check username in docgen.toml [email] and the password in {self.settings.password_env}.",
                    settings_problem=True,
                ) from exc
            except smtplib.SMTPNotSupportedError as exc:
                raise MailServerError(
                    f"The mail server {self.where} does not offer {'a login' if self.settings.username else 'what docgen needs'} ({exc}): "
                    "check docgen.toml [email].",
                    settings_problem=True,
                ) from exc
            except (smtplib.SMTPException, OSError) as exc:
                if isinstance(exc, smtplib.SMTPResponseException) and not _temporary(exc.smtp_code):
                    raise MailServerError(
                        f"The mail server {self.where} turned docgen away: {exc.smtp_code} {_words(exc.smtp_error)}."
                    ) from exc
                attempt += 1
                if attempt > self.settings.retries:
                    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
                    raise MailServerError(
                        f"The mail server {self.where} cannot be reached ({reason}), tried {attempt} times: "
                        "check host and port in docgen.toml [email] and that this machine may reach it; nothing more was sent."
                    ) from exc
                self._sleep(self._backoff * 2 ** (attempt - 1))

    def _reset(self) -> None:
        """RSET after a refusal, so the connection can carry the next message; a connection that broke is dropped."""
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def deliver(self, message: EmailMessage, recipient: str) -> Delivered:
        """Hands ``message`` to the server for ``recipient`` alone; temporary failures are tried again with back-off."""
        data = message.as_bytes(policy=_WIRE)
        sender = self.settings.sender_address
        attempt = 0
        while True:
            smtp = self._connect()
            try:
                code, reply = smtp.mail(sender)
                if code == 250:
                    code, reply = smtp.rcpt(recipient)
                if code not in (250, 251):
                    self._reset()
                    raise smtplib.SMTPResponseException(code, reply)
            except smtplib.SMTPResponseException as exc:
                if not _temporary(exc.smtp_code):
                    raise Refused(f"{exc.smtp_code} {_words(exc.smtp_error)}") from exc
                attempt = self._wait_again(attempt, f"{exc.smtp_code} {_words(exc.smtp_error)}")
                continue
            except (smtplib.SMTPServerDisconnected, OSError) as exc:  # nothing of the message went yet: safe to try again
                self._drop()
                attempt = self._wait_again(attempt, f"the connection was lost ({exc or type(exc).__name__})")
                continue
            try:
                code, reply = smtp.data(data)
            except smtplib.SMTPDataError as exc:  # DATA itself was refused: the message did not go
                if not _temporary(exc.smtp_code):
                    raise Refused(f"{exc.smtp_code} {_words(exc.smtp_error)}") from exc
                attempt = self._wait_again(attempt, f"{exc.smtp_code} {_words(exc.smtp_error)}")
                continue
            except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
                self._drop()
                raise Uncertain(
                    f"the connection to {self.where} broke while the message was being handed over ({exc or type(exc).__name__})"
                ) from exc
            if code == 250:
                return Delivered(f"{code} {_words(reply)}")
            self._reset()
            if not _temporary(code):
                raise Refused(f"{code} {_words(reply)}")
            attempt = self._wait_again(attempt, f"{code} {_words(reply)}")

    def _wait_again(self, attempt: int, why: str) -> int:
        """Back-off before the next try, or ``Refused`` once the retries are used up."""
        attempt += 1
        if attempt > self.settings.retries:
            raise Refused(f"the mail server kept saying it could not take the message now ({why}), tried {attempt} times")
        self._sleep(self._backoff * 2 ** (attempt - 1))
        return attempt
