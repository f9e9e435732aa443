"""The case page reads the one case history the ledger gives ``docgen case``; only the words it shows are its own."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from docgen.cli import main
from docgen.ledger import Ledger
from docgen.ledger.history import CaseHistory
from docgen.web.models import LedgerAccess, case_deadlines, case_history
from tests.ledger.builders import base_record, manifest, meeting

CASE = "CIN-2026-0412"
AS_OF = dt.date(2027, 2, 20)


def _published(root: Path) -> None:
    review = meeting(base_record(), "review", "2027-02-11", next_review="2027-04-08")
    review["scaling"]["score"] = 7
    for objective in review["objectives"]:
        objective["progress"] = "achieved"
    (root / "inbox").mkdir()
    with Ledger.open(root) as ledger:
        for record in (base_record(), review):
            published = manifest(record)
            published["children"] = [c["id"] for c in record["children"]]  # as the service's manifests list them
            ledger.publish_meeting(published, record=record)


def test_the_page_and_docgen_case_show_one_history(tmp_path: Path) -> None:
    _published(tmp_path)
    access = LedgerAccess(tmp_path)
    history = case_history(access, CASE, AS_OF)
    assert isinstance(history, CaseHistory)
    printed = CliRunner().invoke(main, ["case", CASE, "--root", str(tmp_path), "--json", "--as-of", AS_OF.isoformat()])
    assert printed.exit_code == 0, printed.output
    assert history.to_json() == json.loads(printed.output)
    assert history.scaling == [(dt.date(2026, 12, 17), 5), (dt.date(2027, 2, 11), 7)]
    assert [m.progress for m in history.meetings] == [{}, {"achieved": 3}]
    assert history.child_ids == ["C1", "C2"]
    assert history.key_worker == base_record()["key_worker"]["name"]
    assert case_history(access, "CIN-NOPE", AS_OF) is None
    assert case_history(access, "../etc", AS_OF) is None


def test_the_page_words_each_deadline_by_the_day_it_is_seen(tmp_path: Path) -> None:
    _published(tmp_path)
    access = LedgerAccess(tmp_path)
    history = case_history(access, CASE, AS_OF)
    assert history is not None
    reviews = [(d["due_date"], d["state"], d["email_uncertain"]) for d in case_deadlines(access, history) if d["kind"] == "next_review"]
    assert reviews == [("2027-02-11", "Met", False), ("2027-04-08", "Upcoming", False)]
    later = case_history(access, CASE, dt.date(2027, 5, 1))
    assert later is not None
    assert [d["state"] for d in case_deadlines(access, later) if d["kind"] == "next_review"] == ["Met", "Overdue"]
