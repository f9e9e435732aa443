"""Settings from ``docgen.toml`` at the root; command-line flags win over them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from docgen.errors import ConfigError

__all__ = ["CONFIG_NAME", "Settings", "load_settings", "resolve_root", "settings_file_note"]

CONFIG_NAME = "docgen.toml"
#: tables of docgen.toml that their own modules read: [web] (docgen.web.settings), [email] (docgen.send.settings)
SECTIONS = frozenset({"web", "email"})


@dataclass(frozen=True)
class Settings:
    """Everything an admin can set for one root (the folder holding ``inbox/`` and ``outbox/``)."""

    policy: str = "standard"
    pdf: bool | str = "auto"  # "auto": PDFs wherever LibreOffice is installed; true insists on them; false never
    workers: int = 1
    settle_seconds: float = 2.0
    observer: str = "auto"  # "auto", "native" or "polling" (network shares)
    poll_seconds: float = 1.0
    rescan_seconds: float = 30.0
    incomplete_after_seconds: float = 30.0  # watch: a zip still cut short this long after settling is rejected
    file_mode: int = 0o640
    dir_mode: int = 0o750
    pdf_timeout_seconds: float = 120.0  # the most one document's conversion may take before LibreOffice is restarted
    pdf_restart_after: int = 100  # conversions before a warm LibreOffice is replaced by a fresh one
    pdf_idle_check_seconds: float = 30.0  # idle this long, a warm LibreOffice is checked before its next conversion
    encrypt_email_pdfs: bool | None = None  # None: as the profile says
    # machine faults: free space kept in hand (never more than a tenth of the disk), and the pause's back-off
    min_free_mb: float = 50.0
    retry_seconds: float = 5.0
    retry_max_seconds: float = 60.0
    ledger_wait_seconds: float = 30.0  # how long a write waits for a backup or reader holding the ledger's lock

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given (non-None) values replaced: command-line flags."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


_KINDS = {f.name: f.type for f in fields(Settings)}


def _coerce(name: str, value: Any) -> Any:
    kind = _KINDS[name]
    if name == "pdf":
        if value not in (True, False, "auto") or (isinstance(value, int) and not isinstance(value, bool)):
            raise ConfigError(f'In {CONFIG_NAME}, pdf must be "auto", true or false, not {value!r}.')
        return value
    if name.endswith("_mode") and isinstance(value, str):
        return int(value, 8)
    if kind == "bool" and not isinstance(value, bool):
        raise ConfigError(f"In {CONFIG_NAME}, {name} must be true or false, not {value!r}.")
    if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"In {CONFIG_NAME}, {name} must be a whole number, not {value!r}.")
    if kind == "float" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ConfigError(f"In {CONFIG_NAME}, {name} must be a number, not {value!r}.")
    if kind == "str" and not isinstance(value, str):
        raise ConfigError(f"In {CONFIG_NAME}, {name} must be text, not {value!r}.")
    return float(value) if kind == "float" else value


def _check_machine_fault_settings(settings: Settings) -> None:
    """The free-space margin and the pause's back-off: numbers of seconds or megabytes, none negative."""
    for name in ("min_free_mb", "retry_seconds", "retry_max_seconds", "ledger_wait_seconds"):
        if getattr(settings, name) < 0:
            raise ConfigError(f"In {CONFIG_NAME}, {name} must not be negative.")


def load_settings(root: Path) -> Settings:
    """Reads ``root/docgen.toml`` (missing file: defaults), with the root's council profiles (``root/profiles/``) checked."""
    from docgen.profiles import profiles_in

    profiles = profiles_in(root)
    profiles.check_every()  # a broken council profile stops every command here, never a form later
    path = Path(root) / CONFIG_NAME
    if not path.is_file():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read: {exc}. Correct it or remove it to use the defaults.") from exc
    data = data.get("docgen", data)  # both a bare file and a [docgen] table are accepted
    data = {k: v for k, v in data.items() if k not in SECTIONS}
    unknown = sorted(set(data) - set(_KINDS))
    if unknown:
        raise ConfigError(f"{path} has settings docgen does not know: {', '.join(unknown)}. Known: {', '.join(sorted(_KINDS))}.")
    if isinstance(data.get("policy"), str):
        data["policy"] = data["policy"].strip().lower()  # as --policy: "South-Gloucestershire" names the same council
    settings = Settings(**{k: _coerce(k, v) for k, v in data.items()})
    if settings.workers < 1:
        raise ConfigError(f"In {CONFIG_NAME}, workers must be at least 1.")
    if settings.pdf_restart_after < 1:
        raise ConfigError(f"In {CONFIG_NAME}, pdf_restart_after must be at least 1.")
    if settings.observer not in ("auto", "native", "polling"):
        raise ConfigError(f"In {CONFIG_NAME}, observer must be auto, native or polling, not {settings.observer!r}.")
    for name in (
        "settle_seconds",
        "poll_seconds",
        "rescan_seconds",
        "incomplete_after_seconds",
        "pdf_timeout_seconds",
        "pdf_idle_check_seconds",
    ):
        if getattr(settings, name) < 0:
            raise ConfigError(f"In {CONFIG_NAME}, {name} must not be negative.")
    _check_machine_fault_settings(settings)
    known = profiles.available()
    if settings.policy not in known:  # else every form would fail later, blamed on docgen itself
        raise ConfigError(f"In {CONFIG_NAME}, policy must be one of {', '.join(known)}, not {settings.policy!r}.")
    return settings


# -- the root a command works in ---------------------------------------------------------------------


def resolve_root(path: Path) -> Path:
    """The root ``path`` names: an existing folder holding ``inbox/`` or ``docgen.toml``; anything else is a ``ConfigError``.

    A typo in ``--root`` must never look like good news ("Nothing is due") nor make folders of its own.
    """
    root = Path(path).expanduser().absolute()  # "." named as the folder it is: the message must say which one
    if not root.exists():
        raise ConfigError(
            f"The folder {root} does not exist. Give --root the folder holding inbox/ and docgen.toml, "
            f"or make a new one with `docgen init {root}`."
        )
    if not root.is_dir():
        raise ConfigError(f"{root} is a file, not a folder. Give --root the folder holding inbox/ and docgen.toml.")
    if not (root / "inbox").is_dir() and not (root / CONFIG_NAME).is_file():
        raise ConfigError(
            f"The folder {root} is not a docgen folder: it has no inbox/ and no {CONFIG_NAME}. "
            f"Give --root the folder holding them, or make one there with `docgen init {root}`."
        )
    return root


def settings_file_note(root: Path) -> str:
    """Which settings file a command used, for reports: its path, or that the folder has none."""
    path = Path(root) / CONFIG_NAME
    if path.is_file():
        return str(path.absolute())
    return f"none ({Path(root).absolute()} has no {CONFIG_NAME}: docgen's defaults)"
