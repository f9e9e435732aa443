"""``docgen report``: how many deadlines in a period were met on time, per key worker and overall, as a workbook.

A deadline counts when it falls due in the period: on time if it was met by its date; late if it was met
after it, or is still not met (open, or closed unmet by a closure) once its date has passed. Deadlines not
yet due on the as-of day, retired ones (amended forms, visits a later meeting replaced) and ones a closure
ended before they fell due are left out.

Each item is judged once, apart from any period (``judged_items``); a period then takes in the items whose
date falls in it. ``report_periods`` answers many periods from one reading; ``report_workbook`` writes the workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from docgen.errors import ConfigError
from docgen.ledger.store import Ledger
from docgen.timescales import applicable, period_of

__all__ = [
    "COUNTED_ONCE_PASSED",
    "Figures",
    "Judged",
    "LateItem",
    "Measure",
    "Tally",
    "build_report",
    "count",
    "empty_measures",
    "judged_items",
]

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
#: measures that count an item only once its day has passed on the as-of day, and never as one still to come
COUNTED_ONCE_PASSED = frozenset({"first_visit"})
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
    superseded: int = 0  # copies never sent before a later meeting replaced them: counted late, and said why

    def summary_line(self, as_of: dt.date) -> str:
        """One line for people: "Copies sent on time: 23 of 24 on time (96%)", never "0 of 0" or a 0% for what is not yet due."""
        later = f"{self.not_yet_due} more fall{'s' * (self.not_yet_due == 1)} due after {as_of:%-d %b %Y}" if self.not_yet_due else ""
        if not self.overall.total:
            return f"{self.title}: none fell due by {as_of:%-d %b %Y}" + (f" ({later})" if later else "")
        tally = self.overall
        why = (
            f"; {self.superseded} never sent: a later meeting of the case replaced {'it' if self.superseded == 1 else 'them'} first"
            if self.superseded
            else ""
        )
        return f"{self.title}: {tally.on_time} of {tally.total} on time ({tally.percent:.0f}%)" + why + (f"; {later}" if later else "")

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


@dataclass(frozen=True, slots=True)
class Judged:
    """One deadline, initial meeting or child's first visit as its measure counts it, judged once whatever the period.

    A period takes it in when ``due`` falls in it; what happens then depends only on the as-of day.
    """

    order: int  # its place in the ledger's reading order: citations and late items keep that order
    due: dt.date  # the date that puts it in a period
    key_worker: str
    on_time: bool = True
    settled: bool = True  # False while still to do: counted only once its date has passed on the as-of day
    cites: tuple[str, ...] = ()
    late: LateItem | None = None  # the late item; where nothing was done, its days late are counted to the as-of day
    counts: bool = True  # False: it only cites (a case whose children are not named)
    cites_measure: bool = False  # its late item names every citation of the measure so far (first visits)
    superseded: bool = False  # copies a later meeting replaced before they were sent

    def late_on(self, as_of: dt.date, section: str | None = None) -> LateItem:
        """The late item as the as-of day sees it (``section``: the measure's citations, for one that names them)."""
        item = self.late
        assert item is not None, "only an item not on time has a late item"
        if item.done is None or section is not None:
            days = item.days_late if item.done is not None else (as_of - item.due).days
            item = LateItem(
                item.measure,
                item.case_reference,
                item.key_worker,
                item.meeting,
                item.what,
                item.due,
                item.done,
                days,
                item.section if section is None else section,
            )
        return item


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _what(row: dict[str, Any]) -> str:
    extra = row["recipient"] or (f"child {row['child']}" if row["child"] else "")
    return row["description"] + (f" ({extra})" if extra and extra not in row["description"] else "")


def empty_measures() -> list[Measure]:
    """Every measure, nothing counted yet, in the report's order."""
    return [
        *(Measure(mid, title, "") for mid, _, title in _DEADLINE_MEASURES),
        Measure("plans", "Plans made within the procedure's timescale", ""),
        Measure("first_visit", "First visits on time with the child seen alone", ""),
    ]


def judged_items(ledger: Ledger) -> dict[str, list[Judged]]:
    """Every item each measure could count, by measure id, in the ledger's reading order."""
    titles = {m.id: m.title for m in empty_measures()}
    return {
        **_deadlines_judged(ledger, titles),
        "plans": _plans_judged(ledger, titles["plans"]),
        "first_visit": _first_visits_judged(ledger, titles["first_visit"]),
    }


def count(measure: Measure, item: Judged, as_of: dt.date) -> None:
    """Counts one item a period takes in (its date passed, or settled)."""
    for section in item.cites:
        measure.cite(section)
    if item.counts:
        measure.count(item.key_worker, item.on_time)
        measure.superseded += int(item.superseded)
        if not item.on_time:
            measure.late.append(item.late_on(as_of, measure.section if item.cites_measure else None))


def build_report(ledger: Ledger, start: dt.date, end: dt.date, as_of: dt.date) -> Figures:
    """The figures for deadlines falling due from ``start`` to ``end``, judged on ``as_of``."""
    measures = empty_measures()
    items = judged_items(ledger)
    for measure in measures:
        for item in items[measure.id]:
            if not start <= item.due <= end:
                continue
            if measure.id in COUNTED_ONCE_PASSED and item.due >= as_of:
                continue  # the first visit's time has not run out yet
            if not item.settled and item.due >= as_of:
                measure.not_yet_due += 1
                continue  # not due yet: it can still be met on time
            count(measure, item, as_of)
    return Figures(start, end, as_of, measures)


def _deadlines_judged(ledger: Ledger, titles: dict[str, str]) -> dict[str, list[Judged]]:
    """Records, copies, reviews and visits: a deadline met by its date is on time; one met after it, or not met, is late."""
    measures: dict[str, list[Judged]] = {mid: [] for mid, _, _ in _DEADLINE_MEASURES}
    kinds = {kind: mid for mid, kind, _ in _DEADLINE_MEASURES}
    for order, row in enumerate(ledger.deadlines()):
        measure_id = kinds.get(row["kind"])
        if measure_id is None or row["status"] == "retired":
            continue
        due = dt.date.fromisoformat(row["due_date"])
        done = _day(row["met_at"])
        if row["status"] == "closed" and done and due > done:
            continue  # the case closed before this fell due
        met = row["status"] == "met"
        superseded = row["status"] == "superseded"
        on_time = met and not row["late"]
        key_worker = row["key_worker"] or NO_KEY_WORKER
        late = None
        if not on_time:
            late = LateItem(
                titles[measure_id],
                row["case_reference"],
                key_worker,
                row["folder"],
                _what(row) + (f": never sent, {row['met_by']}" if superseded else ""),
                due,
                done if met else None,
                (done - due).days if met and done else 0,
                row["section"],
            )
        settled = row["status"] != "open"
        measures[measure_id].append(Judged(order, due, key_worker, on_time, settled, (row["section"],), late, superseded=superseded))
    return measures


def _plans_judged(ledger: Ledger, title: str) -> list[Judged]:
    """Initial meetings: late where the published form was flagged by a "plan by" timescale rule."""
    items = []
    for order, meeting in enumerate(ledger.meetings()):
        if meeting.meeting_type != "initial":
            continue
        day = dt.date.fromisoformat(meeting.meeting_date)
        try:
            rules = {r.id: r for r in ledger.profiles.load(meeting.policy).rules if r.check == "plan_by"}
        except ConfigError:
            rules = {}
        flagged = [
            w
            for w in ledger.meeting_manifest(meeting.id).get("warnings") or []
            if w.get("rule") in rules or w.get("rule") in _PLAN_BY_RULES
        ]
        key_worker = meeting.key_worker or NO_KEY_WORKER
        sections = [rules[w["rule"]].cite if w["rule"] in rules else str(w.get("section", "")) for w in flagged]
        late = None
        if flagged:
            late = LateItem(
                title, meeting.case_reference, key_worker, meeting.folder, flagged[0]["message"], day, day, 0, "; ".join(sections)
            )
        items.append(Judged(order, day, key_worker, not flagged, True, tuple(rule.cite for rule in rules.values()), late))
    return items


def _first_visits_judged(ledger: Ledger, title: str) -> list[Judged]:
    """Procedure 5.1: each child visited within the profile's first-visit timescale of the referral, and seen alone.

    Each child's item falls on the day the timescale runs out, and counts only once that day has passed.
    """
    items: list[Judged] = []
    for case, meetings in sorted(_by_case(ledger).items()):
        referral = ledger.referral_date(case)
        if referral is None:
            continue
        try:
            spec = applicable(ledger.profiles.load(meetings[0].policy).timescale("first_visit"), {}) or {}
        except ConfigError:
            spec = {}
        if not spec:
            continue
        limit = period_of(spec).after(referral)
        cites = (str(spec.get("cite", "")),)
        children = sorted({child for m in meetings for child in _children(ledger.meeting_manifest(m.id))})
        visits = ledger.visits(case)
        key_worker = meetings[-1].key_worker or NO_KEY_WORKER
        if not children:
            items.append(Judged(len(items), limit, key_worker, cites=cites, counts=False))
        for child in children:
            seen = [v for v in visits if v.child == child and referral <= v.visit_date <= limit]
            alone = [v for v in seen if v.seen_alone or not spec.get("seen_alone")]
            late = None
            if not alone:
                first = next((v.visit_date for v in visits if v.child == child and v.visit_date >= referral), None)
                what = f"First visit to child {child}" + (" (seen, but not alone)" if seen else "")
                done = first if not seen else seen[0].visit_date
                late = LateItem(title, case, key_worker, "referral", what, limit, done, (done - limit).days if done else 0, "")
            items.append(Judged(len(items), limit, key_worker, bool(alone), True, cites, late, cites_measure=True))
    return items


def _by_case(ledger: Ledger) -> dict[str, list[Any]]:
    """Current meetings grouped by case, in date order."""
    by_case: dict[str, list[Any]] = {}
    for meeting in ledger.meetings():
        by_case.setdefault(meeting.case_reference, []).append(meeting)
    return by_case


def _children(manifest: Mapping[str, Any]) -> set[str]:
    """The children's ids: the manifest's ``children``, else those its documents are for."""
    listed = {str(c) for c in manifest.get("children") or []}
    return listed or {str(d["child"]) for d in manifest.get("documents") or [] if d.get("child")}
