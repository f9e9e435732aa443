"""The few facts of each current meeting's record that CIN plan dates and case searches use, read in one query.

SQLite's JSON functions pick them out of the kept records (the case's dates, the key worker, each child's id,
name, LA child ID and date of birth), so a return or a search over thousands of cases never decodes whole
records in Python.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from docgen.ledger.models import MeetingRow
from docgen.ledger.store import Ledger

__all__ = ["meetings_with_plan_facts"]

# one path list, so SQLite parses each record once: [referral date, plan start, key worker, children]
_QUERY = """
SELECT m.*, r.meeting_id IS NOT NULL AS has_record,
       json_extract(r.record, '$.case.referral_date', '$.case.plan_start_date', '$.key_worker.name', '$.children') AS facts
  FROM meetings AS m LEFT JOIN meeting_records AS r ON r.meeting_id = m.id
 WHERE m.superseded_by IS NULL
 ORDER BY m.case_reference, m.meeting_date, m.id
"""

#: what the returns and the search read of each child
_CHILD_KEYS = ("id", "first_name", "last_name", "la_child_id", "date_of_birth")


def meetings_with_plan_facts(ledger: Ledger) -> Iterator[tuple[MeetingRow, dict[str, Any] | None]]:
    """Each current meeting (by case and date) with a slim record (``case``, ``key_worker``, ``children``), or None where no record is kept."""
    for row in ledger._db.execute(_QUERY):  # the ledger package's own connection
        meeting = MeetingRow.from_row(row)
        if not row["has_record"]:
            yield meeting, None
            continue
        referral, plan_start, key_worker, children = json.loads(row["facts"])
        yield meeting, {
            "case": {"referral_date": referral, "plan_start_date": plan_start},
            "key_worker": {"name": key_worker},
            "children": [
                {k: child[k] for k in _CHILD_KEYS if child.get(k) is not None} for child in children or [] if isinstance(child, dict)
            ],
        }
