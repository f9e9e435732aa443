"""The web app's settings: the ``[web]`` table of ``docgen.toml`` (TLS, a trusted sign-on proxy, sessions, sign-in throttling)."""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from docgen.config import CONFIG_NAME
from docgen.errors import ConfigError

__all__ = ["WebSettings", "is_loopback", "load_web_settings"]


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


_KINDS = {f.name: f.type for f in fields(WebSettings)}
#: settings of earlier releases, still accepted so a council's file keeps working, no longer used
_RETIRED = frozenset({"login_pause_seconds", "login_pause_max_seconds"})


def _coerce(name: str, value: Any) -> Any:
    kind = _KINDS[name]
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    wanted = {"str": "text", "int": "a whole number above 0", "float": "a number above 0"}[str(kind)]
    raise ConfigError(f"In {CONFIG_NAME}, [web] {name} must be {wanted}, not {value!r}.")


def load_web_settings(root: Path) -> WebSettings:
    """The ``[web]`` table of ``root/docgen.toml`` (none: defaults); unknown keys, wrong types and half-given TLS are refused."""
    path = Path(root) / CONFIG_NAME
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("web", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path} cannot be read: {exc}. Correct it or remove it to use the defaults.") from exc
    data = {k: v for k, v in data.items() if k not in _RETIRED}
    unknown = sorted(set(data) - set(_KINDS))
    if unknown:
        raise ConfigError(f"{path} [web] has settings docgen does not know: {', '.join(unknown)}. Known: {', '.join(sorted(_KINDS))}.")
    settings = WebSettings(**{k: _coerce(k, v) for k, v in data.items()})
    if bool(settings.tls_cert) != bool(settings.tls_key):
        raise ConfigError(f"In {CONFIG_NAME}, [web] tls_cert and tls_key go together: give both files or neither.")
    for name in ("tls_cert", "tls_key"):
        file = getattr(settings, name)
        if file and not (Path(root) / file).is_file():
            raise ConfigError(f"In {CONFIG_NAME}, [web] {name} names {file}, which is not a file.")
    if settings.trusted_proxy:
        try:
            ipaddress.ip_address(settings.trusted_proxy)
        except ValueError as exc:
            raise ConfigError(
                f"In {CONFIG_NAME}, [web] trusted_proxy must be the proxy's IP address, not {settings.trusted_proxy!r}."
            ) from exc
    return settings


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``): only this machine can reach it."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
