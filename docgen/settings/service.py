"""The service's settings: the top of ``docgen.toml`` (policy, PDFs, workers, the watcher, permissions, the machine's margins)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from docgen.settings import SettingsFile, Table

__all__ = ["Settings", "service_settings"]


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


_DEFAULTS = Settings()
_KINDS = {f.name: str(f.type) for f in fields(Settings)}
_AT_LEAST_ONE = ("workers", "pdf_restart_after")
#: seconds, and the free-space margin and the pause's back-off for machine faults: none may be negative
_NOT_NEGATIVE = (
    "settle_seconds",
    "poll_seconds",
    "rescan_seconds",
    "incomplete_after_seconds",
    "pdf_timeout_seconds",
    "pdf_idle_check_seconds",
    "min_free_mb",
    "retry_seconds",
    "retry_max_seconds",
    "ledger_wait_seconds",
)


def _take(table: Table, name: str) -> Any:
    """One setting the file gives, checked against what its field holds."""
    default = getattr(_DEFAULTS, name)
    if name == "pdf":
        return table.choice(name, default, (True, False, "auto"), '"auto", true or false')
    if name == "observer":
        return table.choice(name, default, ("auto", "native", "polling"), "auto, native or polling")
    if name == "policy":
        return table.text(name, default).lower()  # as --policy: "South-Gloucestershire" names the same council
    if name.endswith("_mode"):
        return table.mode(name, default)
    kind = _KINDS[name]
    if kind == "int":
        return table.whole(name, default)
    if kind == "float":
        return table.number(name, default)
    if kind == "str":
        return table.text(name, default)
    return table.flag(name)  # true or false, given: left out, encrypt_email_pdfs follows the profile


def service_settings(file: SettingsFile) -> Settings:
    """The service's settings in ``file`` (docgen's defaults for those it leaves out); unknown keys and wrong values are refused."""
    table = file.settings()
    table.refuse_unknown(_KINDS)
    settings = Settings(**{name: _take(table, name) for name in _KINDS if name in table})
    for name in _AT_LEAST_ONE:
        if getattr(settings, name) < 1:
            raise table.problem(name, "must be at least 1")
    for name in _NOT_NEGATIVE:
        if getattr(settings, name) < 0:
            raise table.problem(name, "must not be negative")
    return settings
