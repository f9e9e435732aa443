"""What ``docgen status`` (and the web app's health detail) reports: running or paused and why, forms waiting, space, ledger size."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from docgen.errors import ExitCode, MachineFaultError
from docgen.root import Layout
from docgen.service.filters import Disposition, InboxFilter
from docgen.service.health import check_space, disk_space
from docgen.service.machine import describe, say
from docgen.service.state import last_state, stale_reason
from docgen.settings.service import Settings

__all__ = ["INTERNAL_ERROR_RULE", "Status", "internal_rejections", "service_status"]

INTERNAL_ERROR_RULE = "docgen-internal-error"


@dataclass(frozen=True)
class Status:
    """One root's service as seen from outside it."""

    root: str
    service: str  # "running", "paused" or "not running"
    since: str | None
    problem: str | None  # while paused (or, when no service runs, a fault visible now): cause and fix
    cause: str | None
    forms_waiting: int  # in the inbox, not yet taken
    forms_held: int  # taken out of the inbox and not finished: in hand, or held by a fault (finished when docgen carries on)
    free_bytes: int | None
    total_bytes: int | None
    margin_bytes: int | None
    read_only: bool
    ledger_bytes: int
    rejected_internal: int  # rejected by a fault in docgen itself: ``docgen retry-rejected --internal``
    stale: str | None = None  # why a state left behind (a killed service, a copied root) says nothing of now

    @property
    def exit_code(self) -> ExitCode:
        """As monitoring plugins read it: 0 running and well, 1 paused (or a fault holds it), 3 not running (unknown: nothing answers)."""
        if self.service == "not running":
            return ExitCode.NOT_RUNNING
        return ExitCode.OK if self.healthy else ExitCode.PAUSED

    @property
    def healthy(self) -> bool:
        """False while a fault of the machine holds (or would hold) the service."""
        return self.problem is None

    def to_json(self) -> dict[str, Any]:
        """The JSON object ``docgen status --json`` prints."""
        return {**asdict(self), "exit_code": int(self.exit_code)}

    def to_text(self) -> str:
        """The lines ``docgen status`` prints."""
        lines = [f"docgen on {self.root}: {self.service}" + (f" since {_clock(self.since)}" if self.since else "")]
        if self.stale:
            lines.append(f"  A state was left behind, but {self.stale}.")
        if self.problem:
            lines.append(f"  {self.problem}")
        in_hand = "in hand" if self.service == "running" and self.healthy else "held"  # being worked on, or waiting for the fault to clear
        lines.append(f"Forms waiting: {self.forms_waiting} in the inbox" + (f", {self.forms_held} {in_hand}" if self.forms_held else ""))
        if self.free_bytes is not None and self.total_bytes is not None and self.margin_bytes is not None:
            lines.append(
                f"Free space: {_size(self.free_bytes)} of {_size(self.total_bytes)} (docgen keeps {_size(self.margin_bytes)} in hand)"
                + (", read-only" if self.read_only else "")
            )
        lines.append(f"Ledger: {_size(self.ledger_bytes)}")
        if self.rejected_internal:
            lines.append(
                f"{self.rejected_internal} form(s) were rejected by a fault in docgen itself: "
                "`docgen retry-rejected --internal` puts them back through the inbox"
            )
        return "\n".join(lines)


def _size(count: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def _clock(iso: str) -> str:
    return iso[:16].replace("T", " ") + " UTC" if len(iso) >= 16 else iso


def _files(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_file()]
    except OSError:
        return []


def internal_rejections(layout: Layout) -> list[Path]:
    """The reports (``NAME.errors.json``) of forms rejected only by a fault in docgen itself, whose original is still beside them."""
    found = []
    for report in sorted(layout.rejected.glob("*.errors.json")):
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        errors = data.get("errors") if isinstance(data, dict) else None
        original = report.with_name(report.name.removesuffix(".errors.json"))
        if errors and all(isinstance(e, dict) and e.get("rule") == INTERNAL_ERROR_RULE for e in errors) and original.is_file():
            found.append(report)
    return found


def _read_only(root: Path) -> bool:
    try:
        return bool(os.statvfs(root).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def service_status(root: Path, settings: Settings) -> Status:
    """The status of the service on ``root``, read without disturbing it (no lock taken, nothing written)."""
    layout = Layout(Path(root).resolve())
    state = last_state(layout.root)
    stale = None
    if state is not None and state.state in ("running", "paused"):
        stale = stale_reason(state, layout.root)
        state = None if stale else state
    elif state is not None:
        state = None  # stopped cleanly
    space = disk_space(layout, settings)
    read_only = _read_only(layout.root)
    problem = cause = None
    if state is not None and state.paused:
        problem, cause = state.message, state.cause
    else:  # no pause recorded: say what would pause a service now
        watching = state is not None
        fault = None
        if not layout.inbox.is_dir():
            fault = describe("gone", layout)
        elif read_only:
            fault = describe("read_only", layout)
        elif space is not None and space.low:
            try:
                check_space(layout, settings)
            except MachineFaultError as found:
                fault = found
        if fault is not None:
            problem, cause = (say(fault, watching=True) if watching else str(fault)), fault.cause
    accepts = InboxFilter(layout.inbox)
    waiting = [p for p in _files(layout.inbox) if accepts(p) is not Disposition.IGNORE]
    try:
        held = sum(1 for p in layout.work.iterdir() if p.is_dir())
    except OSError:
        held = 0
    ledger = layout.state / "ledger.sqlite3"
    ledger_bytes = sum(p.stat().st_size for p in (ledger, ledger.with_name(ledger.name + "-wal")) if p.is_file())
    return Status(
        root=str(layout.root),
        service=("paused" if state.paused else "running") if state is not None else "not running",
        since=state.since if state is not None else None,
        problem=problem,
        cause=cause,
        forms_waiting=len(waiting),
        forms_held=held,
        free_bytes=space.free if space else None,
        total_bytes=space.total if space else None,
        margin_bytes=space.margin if space else None,
        read_only=read_only,
        ledger_bytes=ledger_bytes,
        rejected_internal=len(internal_rejections(layout)),
        stale=stale,
    )
