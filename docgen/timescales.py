"""A profile's timescales read one way everywhere: ``days`` (+ ``day_kind``), ``working_days`` or ``months``, and ``when``.

A timescale setting is one period or a list of alternatives; the first alternative whose ``when``
holds for the record applies. ``when`` maps field paths to the answer (or answers) they must have.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docgen.record import Record, get
from docgen.workdays import add_days, add_months

__all__ = ["Period", "applicable", "condition_holds", "condition_words", "period_of"]


@dataclass(frozen=True)
class Period:
    """A length of time as a procedure states it: 5 working days, 56 days, 3 months."""

    count: int
    unit: str  # "calendar", "working" or "months"

    def after(self, start: dt.date) -> dt.date:
        """The date this period after ``start`` (working days skip weekends and England's bank holidays)."""
        if self.unit == "months":
            return add_months(start, self.count)
        return add_days(start, self.count, self.unit)

    def words(self) -> str:
        """The period as a message says it: "5 working days", "56 days", "3 months"."""
        noun = {"calendar": "day", "working": "working day", "months": "month"}[self.unit]
        return f"{self.count} {noun}{'' if self.count == 1 else 's'}"


def period_of(spec: Mapping[str, Any]) -> Period:
    """The period a timescale states, whichever of ``days``/``day_kind``, ``working_days`` or ``months`` it uses."""
    if "working_days" in spec:
        return Period(int(spec["working_days"]), "working")
    if "months" in spec:
        return Period(int(spec["months"]), "months")
    return Period(int(spec["days"]), str(spec.get("day_kind", "calendar")))


def condition_holds(when: Mapping[str, Any] | None, record: Record) -> bool:
    """Whether every field named in ``when`` has the given answer (or one of a list of answers)."""
    for path, wanted in (when or {}).items():
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if get(record, path) not in allowed:
            return False
    return True


def condition_words(when: Mapping[str, Any]) -> str:
    """``when`` as a sentence's end: "key_worker.team is Health and Disability and meeting.type is review or closure"."""
    parts = []
    for path, wanted in when.items():
        answers = [str(w) for w in (wanted if isinstance(wanted, list) else [wanted])]
        parts.append(f"{path} is {' or '.join(answers)}")
    return " and ".join(parts)


def applicable(setting: Any, record: Record) -> dict[str, Any] | None:
    """The timescale that applies to ``record``: the setting itself, or the first alternative whose ``when`` holds."""
    for spec in setting if isinstance(setting, list) else [setting]:
        if isinstance(spec, dict) and condition_holds(spec.get("when"), record):
            return spec
    return None
