"""A census year of realistic cases (census year 2026: 1 April 2025 to 31 March 2026), published into a root's ledger.

- ``OPEN-ACROSS``: two children, on a plan from before the year to after it (a review after the reference date).
- ``INSIDE``: opened and closed inside the year.
- ``BEFORE``: closed before the year began (left out).
- ``ADDED``: a baby added at a review, and a child who left the plan at a later review.
- ``REOPENED``: closed inside the year, then a new referral and a new initial meeting: two episodes.
- ``LATE-CLOSE``: closed after the reference date (open in the XML, its real end in the CSV).
- ``NO-ID``: a child without an LA child ID.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from docgen.ledger import Ledger
from docgen.ledger.models import Visit
from tests.ledger.builders import base_record, manifest

YEAR = 2026


def child(child_id: str, first: str, born: str, la_child_id: str | None) -> dict[str, Any]:
    """A child's row as the form gives it."""
    row: dict[str, Any] = {
        "id": child_id,
        "first_name": first,
        "last_name": "Testfamily",
        "date_of_birth": born,
        "attended": True,
        "views": "Happy with the plan.",
        "seen_alone": True,
        "considerations": "None",
        "delivery": "hand",
    }
    if la_child_id:
        row["la_child_id"] = la_child_id
    return row


def record(reference: str, referral: str, kind: str, date: str, children: list[dict[str, Any]], *, plan_start: str | None = None) -> dict[str, Any]:
    """A complete record of ``kind`` on ``date`` for the case (objectives and actions dated after the meeting)."""
    out = copy.deepcopy(base_record())
    day = dt.date.fromisoformat(date)
    out["case"] = {"reference": reference, "referral_date": referral, "plan_start_date": plan_start or date}
    out["meeting"].update({"type": kind, "date": date, "next_review_date": (day + dt.timedelta(days=84)).isoformat()})
    out["children"] = copy.deepcopy(children)
    later = (day + dt.timedelta(days=60)).isoformat()
    for item in out["objectives"]:
        item["target_date"], item["child_ids"] = later, ""
    for item in out["actions"]:
        item["due_date"] = later
    if kind == "closure":
        out["meeting"].pop("next_review_date")
        out["decision"] = {"outcome": "close", "rationale": "Objectives met."}
    return out


def cases() -> dict[str, list[dict[str, Any]]]:
    """Each case's meetings, oldest first."""
    amy, ben = child("C1", "Amy", "2014-03-02", "A1001"), child("C2", "Ben", "2017-10-19", "A1002")
    cara = child("C1", "Cara", "2012-06-30", "B2001")
    dev = child("C1", "Dev", "2010-01-15", "X3001")
    eli, fay, gus = child("C1", "Eli", "2016-02-11", "D4001"), child("C2", "Fay", "2025-06-20", "D4002"), child("C3", "Gus", "2009-09-09", "D4003")
    hal = child("C1", "Hal", "2018-12-01", "E5001")
    ivy = child("C1", "Ivy", "2013-04-04", "F6001")
    jo, kit = child("C1", "Jo", "2015-05-05", "G7001"), child("C2", "Kit", "2016-07-07", None)
    return {
        "OPEN-ACROSS": [
            record("OPEN-ACROSS", "2025-01-06", "initial", "2025-02-03", [amy, ben]),
            record("OPEN-ACROSS", "2025-01-06", "review", "2025-04-28", [amy, ben], plan_start="2025-02-03"),
            record("OPEN-ACROSS", "2025-01-06", "review", "2025-07-21", [amy, ben], plan_start="2025-02-03"),
            record("OPEN-ACROSS", "2025-01-06", "review", "2025-10-13", [amy, ben], plan_start="2025-02-03"),
            record("OPEN-ACROSS", "2025-01-06", "review", "2026-01-05", [amy, ben], plan_start="2025-02-03"),
            record("OPEN-ACROSS", "2025-01-06", "review", "2026-04-02", [amy, ben], plan_start="2025-02-03"),
        ],
        "INSIDE": [
            record("INSIDE", "2025-06-02", "initial", "2025-06-26", [cara]),
            record("INSIDE", "2025-06-02", "review", "2025-09-18", [cara], plan_start="2025-06-26"),
            record("INSIDE", "2025-06-02", "closure", "2025-12-11", [cara], plan_start="2025-06-26"),
        ],
        "BEFORE": [
            record("BEFORE", "2024-05-01", "initial", "2024-05-20", [dev]),
            record("BEFORE", "2024-05-01", "closure", "2025-02-10", [dev], plan_start="2024-05-20"),
        ],
        "ADDED": [
            record("ADDED", "2025-04-14", "initial", "2025-05-08", [eli, gus]),
            record("ADDED", "2025-04-14", "review", "2025-07-31", [eli, fay, gus], plan_start="2025-05-08"),
            record("ADDED", "2025-04-14", "review", "2025-10-23", [eli, fay], plan_start="2025-05-08"),
        ],
        "REOPENED": [
            record("REOPENED", "2025-03-03", "initial", "2025-03-27", [hal]),
            record("REOPENED", "2025-03-03", "closure", "2025-08-14", [hal], plan_start="2025-03-27"),
            record("REOPENED", "2025-11-03", "initial", "2025-11-27", [hal]),
            record("REOPENED", "2025-11-03", "review", "2026-02-19", [hal], plan_start="2025-11-27"),
        ],
        "LATE-CLOSE": [
            record("LATE-CLOSE", "2025-11-10", "initial", "2025-12-04", [ivy]),
            record("LATE-CLOSE", "2025-11-10", "closure", "2026-05-14", [ivy], plan_start="2025-12-04"),
        ],
        "NO-ID": [
            record("NO-ID", "2025-09-01", "initial", "2025-09-25", [jo, kit]),
        ],
    }


#: visits recorded (as a visit log or the web app records them): case, child, date, seen alone
VISITS = [
    Visit("INSIDE", "C1", dt.date(2025, 7, 10), True),
    Visit("INSIDE", "C1", dt.date(2025, 8, 7), False),
    Visit("ADDED", "C2", dt.date(2025, 8, 14), None),
    Visit("REOPENED", "C1", dt.date(2025, 4, 10), True),
    Visit("REOPENED", "C1", dt.date(2025, 12, 11), False),
    Visit("NO-ID", "C2", dt.date(2025, 10, 9), True),
]


def publish_year(root: Path) -> None:
    """Publishes every meeting of every case into the root's ledger, then records the visits."""
    (root / "inbox").mkdir(exist_ok=True)
    with Ledger.open(root) as ledger:
        for meetings in cases().values():
            for item in meetings:
                ledger.publish_meeting(manifest(item), record=item)
        ledger.record_visits(VISITS, source="visits.xlsx")
