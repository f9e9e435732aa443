"""``docgen report``: how many deadlines in a period were met on time, per key worker and overall, as a workbook.

A deadline counts when it falls due in the period: on time if it was met by its date; late if it was met
after it, or is still not met (open, or closed unmet by a closure) once its date has passed. Deadlines not
yet due on the as-of day, retired ones (amended forms, visits a later meeting replaced) and ones a closure
ended before they fell due are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from docgen.errors import ConfigError
from docgen.ledger.store import Ledger
from docgen.profiles import load_profile
from docgen.timescales import applicable, period_of

__all__ = ["Figures", "LateItem", "Measure", "Tally", "build_report"]

NO_KEY_WORKER = "(key worker not recorded)"

# measure id, deadline kind, title
_DEADLINE_MEASURES = (
    ("record", "record_due", "Records completed on time"),
    ("copies", "copies_due", "Copies sent on time"),
    ("reviews", "next_review", "Reviews held on time"),
    ("visits", "visit", "Visits on time"),  # each child's, from their last visit: the list `docgen due` shows
)
SHEET_NAMES = {
    "record": "Records",
    "copies": "Copies",
    "reviews": "Reviews",
    "visits": "Visits",
    "plans": "Plans",
    "first_visit": "First visits",
}
_PLAN_BY_RULES = ("standard-1.2-plan-within-4-weeks", "standard-4.1-meeting-by-day-35", "sg-expectations-plan-within-10-days")


@dataclass
class Tally:
    """How many counted, and how many of them on time."""

    total: int = 0
    on_time: int = 0

    @property
    def late(self) -> int:
        """How many were late or missed."""
        return self.total - self.on_time

    @property
    def percent(self) -> float:
        """On time as a percentage (0 when nothing counted)."""
        return 100.0 * self.on_time / self.total if self.total else 0.0

    def add(self, on_time: bool) -> None:
        """Counts one more."""
        self.total += 1
        self.on_time += int(on_time)


@dataclass(frozen=True)
class LateItem:
    """One late or missed item behind a figure."""

    measure: str
    case_reference: str
    key_worker: str
    meeting: str
    what: str
    due: dt.date
    done: dt.date | None
    days_late: int
    section: str


@dataclass
class Measure:
    """One measure's figures."""

    id: str
    title: str
    section: str
    overall: Tally = field(default_factory=Tally)
    by_key_worker: dict[str, Tally] = field(default_factory=dict)
    late: list[LateItem] = field(default_factory=list)
    not_yet_due: int = 0  # falling due in the period but after the as-of day: neither on time nor late yet

    def summary_line(self, as_of: dt.date) -> str:
        """One line for people: "Copies sent on time: 23 of 24 on time (96%)", never "0 of 0" or a 0% for what is not yet due."""
        later = f"{self.not_yet_due} more fall{'s' * (self.not_yet_due == 1)} due after {as_of:%-d %b %Y}" if self.not_yet_due else ""
        if not self.overall.total:
            return f"{self.title}: none fell due by {as_of:%-d %b %Y}" + (f" ({later})" if later else "")
        tally = self.overall
        return f"{self.title}: {tally.on_time} of {tally.total} on time ({tally.percent:.0f}%)" + (f"; {later}" if later else "")

    def cite(self, section: str) -> None:
        """Adds a procedure citation (cases under several profiles cite several)."""
        if section and section not in self.section.split("; "):
            self.section = f"{self.section}; {section}" if self.section else section

    def count(self, key_worker: str, on_time: bool) -> None:
        """Counts one item for a key worker and overall."""
        self.overall.add(on_time)
        self.by_key_worker.setdefault(key_worker, Tally()).add(on_time)


@dataclass
class Figures:
    """Everything the report workbook shows."""

    start: dt.date
    end: dt.date
    as_of: dt.date
    measures: list[Measure]

    def measure(self, measure_id: str) -> Measure:
        """A measure by id (record, copies, reviews, visits, plans, first_visit)."""
        return next(m for m in self.measures if m.id == measure_id)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _what(row: dict[str, Any]) -> str:
    extra = row["recipient"] or (f"child {row['child']}" if row["child"] else "")
    return row["description"] + (f" ({extra})" if extra and extra not in row["description"] else "")


def build_report(ledger: Ledger, start: dt.date, end: dt.date, as_of: dt.date) -> Figures:
    """The figures for deadlines falling due from ``start`` to ``end``, judged on ``as_of``."""
    measures = {mid: Measure(mid, title, "") for mid, _, title in _DEADLINE_MEASURES}
    kinds = {kind: mid for mid, kind, _ in _DEADLINE_MEASURES}
    for row in ledger.deadlines():
        measure = measures.get(kinds.get(row["kind"], ""))
        due = dt.date.fromisoformat(row["due_date"])
        if measure is None or not start <= due <= end or row["status"] == "retired":
            continue
        done = _day(row["met_at"])
        if row["status"] == "closed" and done and due > done:
            continue  # the case closed before this fell due
        if row["status"] == "open" and due >= as_of:
            measure.not_yet_due += 1
            continue  # not due yet: it can still be met on time
        on_time = row["status"] == "met" and not row["late"]
        measure.cite(row["section"])
        key_worker = row["key_worker"] or NO_KEY_WORKER
        measure.count(key_worker, on_time)
        if not on_time:
            met = row["status"] == "met"
            measure.late.append(
                LateItem(
                    measure.title,
                    row["case_reference"],
                    key_worker,
                    row["folder"],
                    _what(row),
                    due,
                    done if met else None,
                    ((done if met and done else as_of) - due).days,
                    row["section"],
                )
            )
    return Figures(
        start,
        end,
        as_of,
        [*measures.values(), _plans(ledger, start, end), _first_visits(ledger, start, end, as_of)],
    )


def _plans(ledger: Ledger, start: dt.date, end: dt.date) -> Measure:
    """Initial meetings in the period: late where the published form was flagged by a "plan by" timescale rule."""
    measure = Measure("plans", "Plans made within the procedure's timescale", "")
    for meeting in ledger.meetings():
        day = dt.date.fromisoformat(meeting.meeting_date)
        if meeting.meeting_type != "initial" or not start <= day <= end:
            continue
        try:
            rules = {r.id: r for r in load_profile(meeting.policy).rules if r.check == "plan_by"}
        except ConfigError:
            rules = {}
        flagged = [
            w
            for w in ledger.meeting_manifest(meeting.id).get("warnings") or []
            if w.get("rule") in rules or w.get("rule") in _PLAN_BY_RULES
        ]
        key_worker = meeting.key_worker or NO_KEY_WORKER
        measure.count(key_worker, not flagged)
        sections = [rules[w["rule"]].cite if w["rule"] in rules else str(w.get("section", "")) for w in flagged]
        for rule in rules.values():
            measure.cite(rule.cite)
        if flagged:
            measure.late.append(
                LateItem(
                    measure.title,
                    meeting.case_reference,
                    key_worker,
                    meeting.folder,
                    flagged[0]["message"],
                    day,
                    day,
                    0,
                    "; ".join(sections),
                )
            )
    return measure


def _first_visits(ledger: Ledger, start: dt.date, end: dt.date, as_of: dt.date) -> Measure:
    """Procedure 5.1: each child visited within the profile's first-visit timescale of the referral, and seen alone."""
    measure = Measure("first_visit", "First visits on time with the child seen alone", "")
    for case, meetings in sorted(_by_case(ledger).items()):
        referral = ledger.referral_date(case)
        if referral is None:
            continue
        try:
            spec = applicable(load_profile(meetings[0].policy).timescale("first_visit"), {}) or {}
        except ConfigError:
            spec = {}
        if not spec:
            continue
        limit = period_of(spec).after(referral)
        if not start <= limit <= end or limit >= as_of:
            continue
        measure.cite(str(spec.get("cite", "")))
        children = sorted({child for m in meetings for child in _children(ledger.meeting_manifest(m.id))})
        visits = ledger.visits(case)
        key_worker = meetings[-1].key_worker or NO_KEY_WORKER
        for child in children:
            seen = [v for v in visits if v.child == child and referral <= v.visit_date <= limit]
            alone = [v for v in seen if v.seen_alone or not spec.get("seen_alone")]
            measure.count(key_worker, bool(alone))
            if not alone:
                first = next((v.visit_date for v in visits if v.child == child and v.visit_date >= referral), None)
                what = f"First visit to child {child}" + (" (seen, but not alone)" if seen else "")
                done = first if not seen else seen[0].visit_date
                measure.late.append(
                    LateItem(
                        measure.title, case, key_worker, "referral", what, limit, done, ((done or as_of) - limit).days, measure.section
                    )
                )
    return measure


def _by_case(ledger: Ledger) -> dict[str, list[Any]]:
    """Current meetings grouped by case, in date order."""
    by_case: dict[str, list[Any]] = {}
    for meeting in ledger.meetings():
        by_case.setdefault(meeting.case_reference, []).append(meeting)
    return by_case


def _children(manifest: dict[str, Any]) -> set[str]:
    """The children's ids: the manifest's ``children``, else those its documents are for."""
    listed = {str(c) for c in manifest.get("children") or []}
    return listed or {str(d["child"]) for d in manifest.get("documents") or [] if d.get("child")}
