"""The Standard Safeguarding Dataset's ``ssd_cin_plans`` and ``ssd_cin_visits`` tables, as CSV, for every plan docgen knows.

Column names are those of the SSD's published object definitions (data-to-insight's ssd-data-model,
``data/objects/ssd_cin_plans.yml`` and ``ssd_cin_visits.yml``). ``cinp_person_id`` is the child's LA child ID,
so a plan whose child has none cannot be joined to the council's records and is left out, with its visits.
Every recorded visit saw the child (``cinv_cin_visit_seen`` Y); seen alone is Y or N as recorded (blank where
the visit did not say); docgen does not record whether the bedroom was seen, so that column is blank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from docgen.ledger.models import Visit
from docgen.returns.files import csv_text, write_whole
from docgen.returns.plans import ChildPlan

__all__ = ["PLAN_COLUMNS", "VISIT_COLUMNS", "SsdExport", "plan_for_visit", "write_ssd"]

PLAN_COLUMNS = (
    "cinp_cin_plan_id",
    "cinp_referral_id",
    "cinp_person_id",
    "cinp_cin_plan_start",
    "cinp_cin_plan_end",
    "cinp_cin_plan_team",
    "cinp_cin_plan_worker_id",
)
VISIT_COLUMNS = (
    "cinv_cin_visit_id",
    "cinv_cin_plan_id",
    "cinv_cin_visit_date",
    "cinv_cin_visit_seen",
    "cinv_cin_visit_seen_alone",
    "cinv_cin_visit_bedroom",
)


@dataclass(frozen=True)
class SsdExport:
    """What ``write_ssd`` wrote, and the plans left out for want of an LA child ID."""

    plans_path: Path
    visits_path: Path
    plans: int
    visits: int
    without_id: list[ChildPlan]


def plan_for_visit(visit: Visit, plans: list[ChildPlan]) -> ChildPlan | None:
    """The plan the child was on at the visit; else their latest plan begun by then; else their first."""
    own = [p for p in plans if p.case_reference == visit.case_reference and p.child_id == visit.child]
    during = [p for p in own if p.start <= visit.visit_date and (p.end is None or visit.visit_date <= p.end)]
    if during:
        return during[-1]
    before = [p for p in own if p.start <= visit.visit_date]
    return before[-1] if before else (own[0] if own else None)


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "Y" if value else "N"


def write_ssd(plans: Iterable[ChildPlan], visits: Iterable[Visit], out: Path) -> SsdExport:
    """Writes ``ssd_cin_plans.csv`` and ``ssd_cin_visits.csv`` into ``out``."""
    every = sorted(plans, key=lambda p: (p.case_reference, p.episode, p.start, p.child_id))
    kept = [p for p in every if p.la_child_id]
    by_child: dict[tuple[str, str], list[ChildPlan]] = {}
    for each in every:
        by_child.setdefault((each.case_reference, each.child_id), []).append(each)
    plan_rows = [
        (p.plan_id, p.referral_id, p.la_child_id, _iso(p.start), _iso(p.end), "", p.key_worker or "") for p in kept
    ]
    visit_rows = []
    for visit in visits:
        plan = plan_for_visit(visit, by_child.get((visit.case_reference, visit.child), []))
        if plan is None or not plan.la_child_id:
            continue
        visit_id = f"{visit.case_reference}-{visit.child}-{visit.visit_date.isoformat()}"
        visit_rows.append((visit_id, plan.plan_id, visit.visit_date.isoformat(), "Y", _yes_no(visit.seen_alone), ""))
    plans_path, visits_path = out / "ssd_cin_plans.csv", out / "ssd_cin_visits.csv"
    write_whole(plans_path, csv_text(PLAN_COLUMNS, plan_rows).encode("utf-8"))
    write_whole(visits_path, csv_text(VISIT_COLUMNS, visit_rows).encode("utf-8"))
    return SsdExport(plans_path, visits_path, len(plan_rows), len(visit_rows), [p for p in every if not p.la_child_id])
