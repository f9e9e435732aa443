"""The ``[email]`` settings of ``docgen.toml``: the council's SMTP server, checked before anything is sent.

The password is never in the file: ``password_env`` names the environment variable that holds it.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from docgen.config import CONFIG_NAME
from docgen.errors import ConfigError

__all__ = ["SECURITY_CHOICES", "EmailSettings", "email_settings_from", "is_loopback", "load_email_settings", "smtp_password"]

SECURITY_CHOICES = ("starttls", "ssl", "none")
_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
_KNOWN = ("host", "port", "security", "from", "username", "password_env", "ca_file", "send_on_publish", "timeout_seconds", "retries")
#: keys that would put a password into the file itself
_PASSWORD_KEYS = ("password", "pass", "secret", "smtp_password")


@dataclass(frozen=True)
class EmailSettings:
    """How docgen reaches the council's mail server."""

    host: str
    port: int
    security: str
    sender: str
    username: str | None = None
    password_env: str = "DOCGEN_SMTP_PASSWORD"
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


def _wrong(key: str, expected: str, value: Any) -> ConfigError:
    return ConfigError(f"In {CONFIG_NAME} [email], {key} must be {expected}, not {value!r}.")


def is_loopback(host: str) -> bool:
    """``localhost``, ``127.0.0.1``, ``::1``: the only hosts docgen talks to without TLS."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _text(table: dict[str, Any], key: str, default: str | None = None) -> str | None:
    value = table.get(key, default)
    if value is not None and not isinstance(value, str):
        raise _wrong(key, "text in quotes", value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(table: dict[str, Any], key: str, default: float, *, lowest: float, whole: bool = False) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)) or value < lowest:
        raise _wrong(key, f"a {'whole ' if whole else ''}number of at least {lowest:g}", value)
    return value


def _sender(value: str | None) -> str:
    if not value:
        raise ConfigError(
            f'In {CONFIG_NAME} [email], from is missing: give the address copies come from, e.g. "CIN plans <cin-plans@council.example>".'
        )
    name, address = parseaddr(value)
    try:
        Address(display_name=name, addr_spec=address)
    except (ValueError, IndexError):
        address = ""
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        raise _wrong("from", 'an email address such as "CIN plans <cin-plans@council.example>"', value)
    return value


def email_settings_from(table: dict[str, Any], root: Path) -> EmailSettings:
    """Checks an ``[email]`` table: every wrong setting is named, with what it should be."""
    for key in _PASSWORD_KEYS:
        if key in table:
            raise ConfigError(
                f"{root / CONFIG_NAME} holds an email {key}: remove it from the file and put the password in the environment "
                f"variable named by password_env (default DOCGEN_SMTP_PASSWORD) instead."
            )
    unknown = sorted(set(table) - set(_KNOWN))
    if unknown:
        raise ConfigError(f"In {CONFIG_NAME} [email], docgen does not know {', '.join(unknown)}. Known: {', '.join(_KNOWN)}.")
    host = _text(table, "host")
    if not host:
        raise ConfigError(f'In {CONFIG_NAME} [email], host is missing: give the council\'s mail server, e.g. "smtp.council.example".')
    security = _text(table, "security", "starttls") or "starttls"
    if security not in SECURITY_CHOICES:
        raise _wrong("security", '"starttls" or "ssl"', table.get("security"))
    if security == "none" and not is_loopback(host):
        raise ConfigError(
            f'In {CONFIG_NAME} [email], security = "none" is only allowed to a loopback address, not {host!r}: use "starttls" or "ssl".'
        )
    port = int(_number(table, "port", _DEFAULT_PORTS[security], lowest=1, whole=True))
    if port > 65535:
        raise _wrong("port", "a port number from 1 to 65535", port)
    ca_file = _text(table, "ca_file")
    ca_path = None
    if ca_file:
        ca_path = Path(ca_file) if Path(ca_file).is_absolute() else root / ca_file
        if not ca_path.is_file():
            raise ConfigError(
                f"In {CONFIG_NAME} [email], ca_file {ca_file!r} is not a file: give the path of the council's CA bundle (PEM)."
            )
    send_on_publish = table.get("send_on_publish", False)
    if not isinstance(send_on_publish, bool):
        raise _wrong("send_on_publish", "true or false", send_on_publish)
    password_env = _text(table, "password_env", "DOCGEN_SMTP_PASSWORD") or "DOCGEN_SMTP_PASSWORD"
    if not password_env.replace("_", "").isalnum():
        raise _wrong("password_env", "the name of an environment variable (letters, digits and _)", password_env)
    return EmailSettings(
        host=host,
        port=port,
        security=security,
        sender=_sender(_text(table, "from")),
        username=_text(table, "username"),
        password_env=password_env,
        ca_file=ca_path,
        send_on_publish=send_on_publish,
        timeout_seconds=_number(table, "timeout_seconds", 30.0, lowest=1),
        retries=int(_number(table, "retries", 3, lowest=0, whole=True)),
    )


def load_email_settings(root: Path) -> EmailSettings | None:
    """The ``[email]`` table of ``root/docgen.toml``, checked; None when there is none (sending is not set up)."""
    path = Path(root) / CONFIG_NAME
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read: {exc}. Correct it.") from exc
    table = data.get("email", (data.get("docgen") or {}).get("email"))
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"In {CONFIG_NAME}, email must be a table: start it with a line [email].")
    return email_settings_from(table, Path(root))


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
