"""The ``[email]`` table of ``docgen.toml``: the council's SMTP server, checked before anything is sent.

The password is never in the file: ``password_env`` names the environment variable that holds it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path

from docgen.errors import ConfigError
from docgen.settings import CONFIG_NAME, SettingsFile, Table, is_loopback, read_settings_file

__all__ = ["SECURITY_CHOICES", "EmailSettings", "email_settings", "load_email_settings", "smtp_password"]

SECURITY_CHOICES = ("starttls", "ssl", "none")
_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
_KNOWN = ("host", "port", "security", "from", "username", "password_env", "ca_file", "send_on_publish", "timeout_seconds", "retries")
#: keys that would put a password into the file itself
_PASSWORD_KEYS = ("password", "pass", "secret", "smtp_password")
_PASSWORD_ENV = "DOCGEN_SMTP_PASSWORD"


@dataclass(frozen=True)
class EmailSettings:
    """How docgen reaches the council's mail server."""

    host: str
    port: int
    security: str
    sender: str
    username: str | None = None
    password_env: str = _PASSWORD_ENV
    ca_file: Path | None = None
    send_on_publish: bool = False
    timeout_seconds: float = 30.0
    retries: int = 3

    @property
    def sender_address(self) -> str:
        """The bare address of ``from`` (``cin-plans@council.example``)."""
        return parseaddr(self.sender)[1]

    @property
    def verified_tls(self) -> bool:
        """True when every message travels over TLS whose certificate and host name are checked."""
        return self.security in ("starttls", "ssl")


def _sender(table: Table) -> str:
    value = table.text("from")
    if not value:
        raise table.problem(
            "from", 'is missing: give the address copies come from, e.g. "CIN plans <cin-plans@council.example>"'
        )
    name, address = parseaddr(value)
    try:
        Address(display_name=name, addr_spec=address)
    except (ValueError, IndexError):
        address = ""
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        raise table.wrong("from", 'an email address such as "CIN plans <cin-plans@council.example>"', value)
    return value


def _host(table: Table) -> str:
    host = table.text("host")
    if not host:
        raise table.problem("host", 'is missing: give the council\'s mail server, e.g. "smtp.council.example"')
    return host


def _security(table: Table, host: str) -> str:
    security = table.choice("security", "starttls", SECURITY_CHOICES, '"starttls" or "ssl"')
    if security == "none" and not is_loopback(host):
        raise table.problem("security", f'= "none" is only allowed to a loopback address, not {host!r}: use "starttls" or "ssl"')
    return security


def _password_env(table: Table) -> str:
    name = table.text("password_env") or _PASSWORD_ENV
    if not name.replace("_", "").isalnum():
        raise table.wrong("password_env", "the name of an environment variable (letters, digits and _)", name)
    return name


def email_settings(file: SettingsFile) -> EmailSettings | None:
    """The ``[email]`` table of ``file``, checked: every wrong setting is named, with what it should be; None when there is none."""
    table = file.table("email")
    if table is None:
        return None
    for key in _PASSWORD_KEYS:
        if key in table:
            raise ConfigError(
                f"{file.path} holds an email {key}: remove it from the file and put the password in the environment "
                f"variable named by password_env (default {_PASSWORD_ENV}) instead."
            )
    table.refuse_unknown(_KNOWN)
    host = _host(table)
    security = _security(table, host)
    port = table.whole("port", _DEFAULT_PORTS[security], least=1)
    if port > 65535:
        raise table.wrong("port", "a port number from 1 to 65535", port)
    return EmailSettings(
        host=host,
        port=port,
        security=security,
        sender=_sender(table),
        username=table.text("username") or None,
        password_env=_password_env(table),
        ca_file=table.file("ca_file", "the council's CA bundle (PEM)"),
        send_on_publish=table.flag("send_on_publish"),
        timeout_seconds=table.number("timeout_seconds", 30.0, least=1),
        retries=table.whole("retries", 3, least=0),
    )


def load_email_settings(root: Path) -> EmailSettings | None:
    """The ``[email]`` table of ``root/docgen.toml``, checked; None when there is none (sending is not set up)."""
    return email_settings(read_settings_file(root))


def smtp_password(settings: EmailSettings) -> str | None:
    """The password from the environment variable ``password_env``; None without a username (no login)."""
    if settings.username is None:
        return None
    value = os.environ.get(settings.password_env)
    if not value:
        raise ConfigError(
            f"The mail server password is not set: put it in the environment variable {settings.password_env} "
            f"(named by password_env in {CONFIG_NAME}) before running docgen send."
        )
    return value
