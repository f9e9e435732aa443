"""The few facts of each current meeting's record that CIN plan dates are worked out from, read in one query.

SQLite's JSON functions pick them out of the kept records (the case's dates, the key worker, each child's id,
LA child ID and date of birth), so a return over thousands of cases never decodes whole records in Python.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from docgen.ledger.models import MeetingRow
from docgen.ledger.store import Ledger

__all__ = ["meetings_with_plan_facts"]

_QUERY = """
SELECT m.*, r.meeting_id IS NOT NULL AS has_record,
       json_extract(r.record, '$.case.referral_date') AS referral_date,
       json_extract(r.record, '$.case.plan_start_date') AS plan_start_date,
       json_extract(r.record, '$.key_worker.name') AS key_worker_name,
       (SELECT json_group_array(json_object(
                   'id', json_extract(c.value, '$.id'),
                   'la_child_id', json_extract(c.value, '$.la_child_id'),
                   'date_of_birth', json_extract(c.value, '$.date_of_birth')))
          FROM json_each(r.record, '$.children') AS c
         WHERE json_type(c.value) = 'object') AS children
  FROM meetings AS m LEFT JOIN meeting_records AS r ON r.meeting_id = m.id
 WHERE m.superseded_by IS NULL
 ORDER BY m.case_reference, m.meeting_date, m.id
"""


def meetings_with_plan_facts(ledger: Ledger) -> Iterator[tuple[MeetingRow, dict[str, Any] | None]]:
    """Each current meeting with a slim record (``case``, ``key_worker``, ``children``), or None where no record is kept."""
    for row in ledger._db.execute(_QUERY):  # the ledger package's own connection
        meeting = MeetingRow.from_row(row)
        if not row["has_record"]:
            yield meeting, None
            continue
        children = json.loads(row["children"]) if row["children"] else []
        facts = {
            "case": {"referral_date": row["referral_date"], "plan_start_date": row["plan_start_date"]},
            "key_worker": {"name": row["key_worker_name"]},
            "children": [{k: v for k, v in c.items() if v is not None} for c in children],
        }
        yield meeting, facts
