"""``docgen.toml``, read once: its tables, and the one set of checks every setting in them goes through.

The service's settings sit at the top of the file (or in a ``[docgen]`` table); ``[email]`` and ``[web]``
are tables of their own, found at the top or inside ``[docgen]``. Each table has one module that turns
it into typed settings: ``service`` (the top), ``sending`` (``[email]``), ``web`` (``[web]``). Every
wrong value and every key docgen does not know is named the same way: the file, the table, the key and
what it may be.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from docgen.errors import ConfigError

__all__ = ["CONFIG_NAME", "TABLES", "SettingsFile", "Table", "is_loopback", "read_settings_file", "settings_file_note"]

CONFIG_NAME = "docgen.toml"
#: tables with a module of their own; every other key at the top is one of the service's settings
TABLES = ("email", "web")

_Choice = TypeVar("_Choice")


class Table:
    """One table of ``docgen.toml`` (``name`` empty for the service's settings at the top), each value checked as it is taken."""

    def __init__(self, path: Path, name: str, values: Mapping[str, Any]) -> None:
        self.path = path
        self.name = name
        self.values = dict(values)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    @property
    def where(self) -> str:
        """How a message starts: ``In docgen.toml [web],`` (or ``In docgen.toml,`` for the top)."""
        return f"In {CONFIG_NAME} [{self.name}]," if self.name else f"In {CONFIG_NAME},"

    def problem(self, key: str, says: str) -> ConfigError:
        """``In docgen.toml [table], key says.``"""
        return ConfigError(f"{self.where} {key} {says}.")

    def wrong(self, key: str, expected: str, value: Any) -> ConfigError:
        """``In docgen.toml [table], key must be expected, not value.``"""
        return self.problem(key, f"must be {expected}, not {value!r}")

    def refuse_unknown(self, known: Iterable[str], retired: Iterable[str] = ()) -> None:
        """Every key docgen does not know, named at once beside those it does; keys of earlier releases (``retired``) are let be."""
        known = sorted(known)
        unknown = sorted(set(self.values) - set(known) - set(retired))
        if unknown:
            place = f"{self.path} [{self.name}]" if self.name else str(self.path)
            raise ConfigError(f"{place} has settings docgen does not know: {', '.join(unknown)}. Known: {', '.join(known)}.")

    def text(self, key: str, default: str = "") -> str:
        """Text in quotes, without the spaces around it."""
        value = self.values.get(key, default)
        if not isinstance(value, str):
            raise self.wrong(key, "text in quotes", value)
        return value.strip()

    def flag(self, key: str, default: bool = False) -> bool:
        """``true`` or ``false``."""
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            raise self.wrong(key, "true or false", value)
        return value

    def whole(self, key: str, default: int, *, least: int | None = None) -> int:
        """A whole number (not true or false), at least ``least`` when given."""
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or (least is not None and value < least):
            raise self.wrong(key, "a whole number" + (f" of at least {least}" if least is not None else ""), value)
        return value

    def number(self, key: str, default: float, *, least: float | None = None, above: float | None = None) -> float:
        """A number, whole or not (not true or false), at least ``least`` or above ``above`` when given."""
        value = self.values.get(key, default)
        fits = not isinstance(value, bool) and isinstance(value, (int, float))
        if fits and least is not None:
            fits = value >= least
        if fits and above is not None:
            fits = value > above
        if not fits:
            bound = f" of at least {least:g}" if least is not None else f" above {above:g}" if above is not None else ""
            raise self.wrong(key, f"a number{bound}", value)
        return float(value)

    def choice(self, key: str, default: _Choice, allowed: tuple[_Choice, ...], said: str) -> _Choice:
        """One of ``allowed`` (``said`` is how a message lists them): ``1`` is not ``true``, spaces around text do not count."""
        value = self.values.get(key, default)
        taken = value.strip() if isinstance(value, str) else value
        for option in allowed:
            if taken == option and type(taken) is type(option):
                return option
        raise self.wrong(key, said, value)

    def mode(self, key: str, default: int) -> int:
        """File permissions: octal digits in quotes (``"640"``), or a number."""
        value = self.values.get(key, default)
        if isinstance(value, str):
            try:
                return int(value, 8)
            except ValueError:
                raise self.wrong(key, 'permissions in octal digits, such as "640"', value) from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.wrong(key, 'permissions in octal digits, such as "640"', value)
        return value

    def file(self, key: str, what: str) -> Path | None:
        """A file that must exist, relative to the root unless absolute; None when the setting is blank or left out."""
        name = self.text(key)
        if not name:
            return None
        path = Path(name) if Path(name).is_absolute() else self.path.parent / name
        if not path.is_file():
            raise self.problem(key, f"{name!r} is not a file: give the path of {what}")
        return path


@dataclass(frozen=True)
class SettingsFile:
    """``docgen.toml`` of one root as read once: the service's settings and the tables beside them, not yet checked."""

    path: Path
    top: Mapping[str, Any] = field(default_factory=dict)
    tables: Mapping[str, Any] = field(default_factory=dict)

    def settings(self) -> Table:
        """The service's settings: every key that is not one of ``TABLES``."""
        return Table(self.path, "", self.top)

    def table(self, name: str) -> Table | None:
        """The table ``[name]``; None when the file has none."""
        value = self.tables.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ConfigError(f"In {CONFIG_NAME}, {name} must be a table: start it with a line [{name}].")
        return Table(self.path, name, value)


def read_settings_file(root: Path) -> SettingsFile:
    """Reads ``root/docgen.toml`` once (no file: every table empty, so docgen's defaults); a file TOML cannot parse is refused."""
    path = Path(root) / CONFIG_NAME
    if not path.is_file():
        return SettingsFile(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read: {exc}. Correct it or remove it to use the defaults.") from exc
    body = data.get("docgen", data)  # both a bare file and a [docgen] table are accepted
    if not isinstance(body, dict):
        raise ConfigError(f"In {CONFIG_NAME}, docgen must be a table: start it with a line [docgen].")
    tables = {name: data[name] if name in data else body.get(name) for name in TABLES}
    return SettingsFile(path, {k: v for k, v in body.items() if k not in TABLES}, tables)


def settings_file_note(root: Path) -> str:
    """Which settings file a command used, for reports: its path, or that the folder has none."""
    path = Path(root) / CONFIG_NAME
    if path.is_file():
        return str(path.absolute())
    return f"none ({Path(root).absolute()} has no {CONFIG_NAME}: docgen's defaults)"


def is_loopback(host: str) -> bool:
    """``localhost``, ``127.0.0.1``, ``::1``: only this machine reaches them, so mail and pages may go there without TLS."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
