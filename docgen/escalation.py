"""Procedure 4.1's escalation after the Principal Manager review: when a still-open case goes to the Divisional Manager."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from docgen.errors import ConfigError
from docgen.profiles import load_profile
from docgen.workdays import add_months

__all__ = ["divisional_manager_review", "escalation_timescale"]


def escalation_timescale(policy: str) -> dict[str, Any]:
    """The profile's ``escalation`` timescale (months to the Principal and Divisional Manager points), or {}."""
    try:
        return dict(load_profile(policy).timescale("escalation") or {})
    except ConfigError:
        return {}


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
