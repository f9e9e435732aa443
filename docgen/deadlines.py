"""The deadlines one meeting sets, worked out from the record and the profile's timescales."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from docgen.manifest import DeadlineEntry
from docgen.profiles import Profile
from docgen.record import Record, as_date, get
from docgen.timescales import applicable, period_of
from docgen.workdays import add_months

__all__ = ["Deadline", "meeting_deadlines"]


@dataclass(frozen=True)
class Deadline:
    """One thing due on one date, with the procedure section that sets it."""

    kind: str  # record_due, copies_due, next_review, visit, principal_manager_review, safeguarding
    date: dt.date
    section: str
    description: str
    child: str | None = None
    recipient: str | None = None

    def to_json(self) -> DeadlineEntry:
        """``{"kind", "date", "section", "description"}`` plus ``child`` / ``recipient`` where they apply."""
        out: DeadlineEntry = {"kind": self.kind, "date": self.date.isoformat(), "section": self.section, "description": self.description}
        if self.child:
            out["child"] = self.child
        if self.recipient:
            out["recipient"] = self.recipient
        return out


def meeting_deadlines(record: Record, profile: Profile) -> list[Deadline]:
    """Every deadline a valid record sets, in date order.

    ``record_due`` and ``copies_due`` are N working days after the meeting; ``next_review`` is the date set;
    a ``visit`` falls every ``visit_frequency_days`` after the meeting up to and including the next review;
    a review at or past the 6-month point raises ``principal_manager_review`` on plan start + 6 months;
    ``escalate_safeguarding`` raises ``safeguarding`` on the meeting date.
    """
    meeting = as_date(get(record, "meeting.date"))
    if meeting is None:
        raise ValueError("meeting.date is required to work out deadlines (validate the record first)")
    found: list[Deadline] = []
    for kind, what in (
        ("record_due", "Record of Planning Meeting and plans completed"),
        ("copies_due", "Copies of the plan sent to the child, family and participants"),
    ):
        spec = applicable(profile.timescale(kind), record)
        if spec:
            period = period_of(spec)
            found.append(Deadline(kind, period.after(meeting), cite(spec), f"{what} ({period.words()} after the meeting)"))

    next_review = as_date(get(record, "meeting.next_review_date"))
    if get(record, "meeting.type") != "closure" and next_review:
        found.append(
            Deadline(
                "next_review", next_review, cite(applicable(profile.timescale("review_interval"), record)), "Child in Need review meeting"
            )
        )
        frequency = get(record, "meeting.visit_frequency_days")
        if isinstance(frequency, int) and frequency > 0:
            visit_section = cite(applicable(profile.timescale("visit_interval_max_days"), record))
            number, day = 1, meeting + dt.timedelta(days=frequency)
            while day <= next_review:
                found.append(Deadline("visit", day, visit_section, f"Statutory visit {number} (every {frequency} days)"))
                number, day = number + 1, day + dt.timedelta(days=frequency)

    escalation = profile.timescale("escalation") or {}
    plan_start = as_date(get(record, "case.plan_start_date"))
    if get(record, "meeting.type") == "review" and plan_start and "principal_manager_months" in escalation:
        point = add_months(plan_start, int(escalation["principal_manager_months"]))
        if meeting >= point:
            found.append(
                Deadline(
                    "principal_manager_review", point, cite(escalation), "Principal Manager review: the plan has reached the 6 month point"
                )
            )

    safeguarding = profile.timescale("safeguarding")
    if get(record, "decision.outcome") == "escalate_safeguarding" and safeguarding:
        when = meeting + dt.timedelta(days=int(safeguarding.get("days_after_meeting", 0)))
        found.append(Deadline("safeguarding", when, cite(safeguarding), "Start actions under the Safeguarding Procedures"))
    return sorted(found, key=lambda d: (d.date, d.kind))


def cite(spec: dict[str, Any] | None) -> str:
    """The citation a profile gave a timescale (``procedure 3.1``), or ""."""
    return str((spec or {}).get("cite", ""))
