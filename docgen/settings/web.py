"""The web app's settings: the ``[web]`` table of ``docgen.toml`` (TLS, a trusted sign-on proxy, sessions, sign-in throttling)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from docgen.settings import SettingsFile, Table, read_settings_file

__all__ = ["WebSettings", "load_web_settings", "web_settings"]


@dataclass(frozen=True)
class WebSettings:
    """How ``docgen serve`` listens and guards its pages."""

    tls_cert: str = ""  # PEM certificate: the server speaks HTTPS itself
    tls_key: str = ""
    trusted_proxy: str = ""  # address of a single sign-on proxy allowed to name the user
    user_header: str = "X-Remote-User"  # the header that proxy names the user in
    idle_minutes: float = 30.0
    session_hours: float = 10.0  # a session ends this long after signing in, however active
    request_head_seconds: float = 10.0  # a connection must send a whole request head within this, or it is closed
    max_connections: int = 200  # connections and requests at once; beyond it uvicorn answers 503
    login_attempts_per_account: int = 5  # wrong passwords per account within login_window_minutes; more get 429 unchecked
    login_attempts_per_address: int = 20
    login_window_minutes: float = 15.0

    @property
    def tls(self) -> bool:
        """Whether the server itself speaks HTTPS."""
        return bool(self.tls_cert and self.tls_key)


_DEFAULTS = WebSettings()
_KINDS = {f.name: str(f.type) for f in fields(WebSettings)}
#: settings of earlier releases, still accepted so a council's file keeps working, no longer used
_RETIRED = frozenset({"login_pause_seconds", "login_pause_max_seconds"})
_TLS_FILES = {"tls_cert": "the server's certificate (PEM)", "tls_key": "the server's private key (PEM)"}


def _take(table: Table, name: str) -> Any:
    """One setting the table gives: text, or a number above 0."""
    default = getattr(_DEFAULTS, name)
    if _KINDS[name] == "int":
        return table.whole(name, default, least=1)
    if _KINDS[name] == "float":
        return table.number(name, default, above=0)
    return table.text(name, default)


def web_settings(file: SettingsFile) -> WebSettings:
    """The ``[web]`` table of ``file`` (none: defaults); unknown keys, wrong types and half-given TLS are refused."""
    table = file.table("web") or Table(file.path, "web", {})
    table.refuse_unknown(_KINDS, retired=_RETIRED)
    settings = WebSettings(**{name: _take(table, name) for name in _KINDS if name in table})
    if bool(settings.tls_cert) != bool(settings.tls_key):
        raise table.problem("tls_cert", "and tls_key go together: give both files or neither")
    for name, what in _TLS_FILES.items():
        table.file(name, what)
    if settings.trusted_proxy:
        try:
            ipaddress.ip_address(settings.trusted_proxy)
        except ValueError:
            raise table.wrong("trusted_proxy", "the proxy's IP address", settings.trusted_proxy) from None
    return settings


def load_web_settings(root: Path) -> WebSettings:
    """The ``[web]`` table of ``root/docgen.toml``, checked (none: defaults)."""
    return web_settings(read_settings_file(root))
