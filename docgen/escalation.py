"""Timescales the ledger works out for a whole case: procedure 4.1's 6-month escalation, and 5.2's limit between visits.

The procedure dates the Principal Manager review (the plan's 6 month point) but gives no date for the
Divisional Manager review that follows "if no resolution": that point is the council's assumption,
``divisional_manager_months`` in its profile's ``escalation`` timescale, and is labelled so wherever it is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from docgen.errors import ConfigError
from docgen.profiles import Profiles
from docgen.timescales import applicable, period_of
from docgen.workdays import add_months

__all__ = [
    "divisional_manager_review",
    "divisional_manager_words",
    "escalation_timescale",
    "principal_manager_point",
    "visit_limit",
]


def escalation_timescale(profiles: Profiles, policy: str) -> dict[str, Any]:
    """The ``escalation`` timescale of ``policy``'s profile among ``profiles`` (months to the Principal and Divisional Manager
    points), or {}."""
    try:
        return dict(profiles.load(policy).timescale("escalation") or {})
    except ConfigError:
        return {}


def visit_limit(profiles: Profiles, policy: str) -> tuple[int | None, str]:
    """The most days between visits (``visit_interval_max_days``) of ``policy``'s profile among ``profiles``, and its citation;
    (None, "") without one."""
    try:
        spec = applicable(profiles.load(policy).timescale("visit_interval_max_days"), {}) or {}  # the case-wide limit
    except ConfigError:
        return None, ""
    if not spec:
        return None, ""
    start = dt.date.today()
    return (period_of(spec).after(start) - start).days or None, str(spec.get("cite") or "")


def principal_manager_point(plan_start: dt.date, spec: Mapping[str, Any]) -> dt.date:
    """Procedure 4.1's 6 month point: the plan start plus ``principal_manager_months``."""
    return add_months(plan_start, int(spec["principal_manager_months"]))


def divisional_manager_words(spec: Mapping[str, Any]) -> str:
    """The Divisional Manager review's description, saying its date is the council's assumption and where it is set."""
    gap = int(spec.get("divisional_manager_months", 0)) - int(spec.get("principal_manager_months", 0))
    return (
        "Divisional Manager review: the case is still open after the Principal Manager review "
        f"(date assumed by the council, {gap} months after it, set in its profile: the procedure gives none)"
    )


def divisional_manager_review(
    principal_review_due: dt.date, raised_at: str, meetings: Sequence[Mapping[str, Any]], spec: Mapping[str, Any]
) -> tuple[int, dt.date] | None:
    """The review meeting that raises the Divisional Manager review, and its date; None while none does.

    The point is ``divisional_manager_months - principal_manager_months`` after the Principal Manager review's
    date; the first review held at or after it (and not before the meeting that raised the Principal Manager
    review, ``raised_at``) raises it, unless a closure came first. ``meetings`` are the case's current ones.
    """
    if "divisional_manager_months" not in spec or "principal_manager_months" not in spec:
        return None
    gap = int(spec["divisional_manager_months"]) - int(spec["principal_manager_months"])
    point = add_months(principal_review_due, gap)
    if any(m["meeting_type"] == "closure" and _day(m["meeting_date"]) < point for m in meetings):
        return None
    trigger = next(
        (m for m in meetings if m["meeting_type"] == "review" and _day(m["meeting_date"]) >= point and m["meeting_date"] >= raised_at),
        None,
    )
    return (int(trigger["id"]), point) if trigger else None


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])
