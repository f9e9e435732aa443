"""A case's history from the ledger, and ``docgen case`` as staff and other systems see it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from docgen.cli import main
from docgen.ledger import Ledger
from docgen.ledger.history import UnknownCaseError, case_history, earlier_meetings, earlier_meetings_at
from tests.ledger.builders import base_record, manifest, meeting

CASE = "CIN-2026-0412"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _review(date: str, score: int, progress: str, next_review: str) -> dict[str, Any]:
    record = meeting(base_record(), "review", date, next_review=next_review)
    record["scaling"]["score"] = score
    for objective in record["objectives"]:
        objective["progress"] = progress
    return record


def _publish(root: Path, *records: dict[str, Any]) -> None:
    (root / "inbox").mkdir(exist_ok=True)  # a docgen root
    with Ledger.open(root) as ledger:
        for record in records:
            ledger.publish_meeting(manifest(record), record=record)


def test_meetings_are_in_order_whatever_order_they_arrived_in(tmp_path: Path) -> None:
    review = _review("2027-02-11", 7, "progressing", "2027-04-08")
    _publish(tmp_path, review)  # a backlog: the review first
    with Ledger.open(tmp_path) as ledger:
        assert [m.type for m in case_history(ledger, CASE).meetings] == ["review"]
        assert earlier_meetings(ledger, CASE, "2027-02-11", "review") == []
    _publish(tmp_path, base_record())
    with Ledger.open(tmp_path) as ledger:
        history = case_history(ledger, CASE)
        assert [(m.date, m.type, m.scaling_score) for m in history.meetings] == [
            ("2026-12-17", "initial", 5),
            ("2027-02-11", "review", 7),
        ]
        assert history.meetings[1].objectives == [{"id": "O1", "progress": "progressing"}, {"id": "O2", "progress": "progressing"},
                                                  {"id": "O3", "progress": "progressing"}]
        assert [m["folder"] for m in earlier_meetings(ledger, CASE, "2027-02-11", "review")] == ["2026-12-17-initial"]
        # the review, though published first, meets the initial meeting's next review
        due = ledger.due(dt.date(2027, 2, 20), kind="next_review")
        assert [i.date.isoformat() for i in due] == ["2027-04-08"]


def test_an_amended_meeting_replaces_the_one_it_amends(tmp_path: Path) -> None:
    first = _review("2027-02-11", 6, "progressing", "2027-04-08")
    amended = _review("2027-02-11", 8, "achieved", "2027-04-08")
    amended["meeting"]["venue"] = "The family home"  # another form: another sha256
    _publish(tmp_path, base_record(), first, amended)
    with Ledger.open(tmp_path) as ledger:
        history = case_history(ledger, CASE)
    assert [(m.type, m.scaling_score) for m in history.meetings] == [("initial", 5), ("review", 8)]
    assert {o["progress"] for o in history.meetings[1].objectives} == {"achieved"}


def test_the_json_is_the_contract(tmp_path: Path) -> None:
    _publish(tmp_path, base_record(), _review("2027-02-11", 7, "progressing", "2027-04-08"))
    result = run("case", CASE, "--root", str(tmp_path), "--json", "--as-of", "2027-02-20")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["case_reference", "meetings", "deadlines"]
    assert data["case_reference"] == CASE
    assert data["meetings"][0] == {
        "type": "initial",
        "date": "2026-12-17",
        "folder": "2026-12-17-initial",
        "policy": "standard",
        "scaling_score": 5,
        "objectives": [{"id": "O1", "progress": None}, {"id": "O2", "progress": None}, {"id": "O3", "progress": None}],
    }
    assert [m["type"] for m in data["meetings"]] == ["initial", "review"]
    reviews = [(d["date"], d["status"]) for d in data["deadlines"] if d["kind"] == "next_review"]
    assert reviews == [("2027-02-11", "met"), ("2027-04-08", "upcoming")]  # the review met the initial meeting's next review
    assert {d["status"] for d in data["deadlines"]} <= {"met", "closed", "superseded", "overdue", "upcoming"}
    assert all({"kind", "date", "status"} <= set(d) for d in data["deadlines"])


def test_the_text_is_for_people(tmp_path: Path) -> None:
    _publish(tmp_path, base_record(), _review("2027-02-11", 7, "achieved", "2027-04-08"))
    result = run("case", CASE, "--root", str(tmp_path), "--as-of", "2027-02-20")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"Case {CASE}: 2 meetings"
    assert f"17 Dec 2026  initial meeting (standard, scaling 5/10)  outbox/{CASE}/2026-12-17-initial" in lines
    assert "    objective O2: achieved" in lines
    assert "  11 Feb 2027  met       next_review" in lines


def test_the_text_names_the_children_with_their_la_child_id(tmp_path: Path) -> None:
    review = _review("2027-02-11", 7, "achieved", "2027-04-08")
    del review["children"][1]["la_child_id"]
    _publish(tmp_path, base_record(), review)
    lines = run("case", CASE, "--root", str(tmp_path), "--as-of", "2027-02-20").output.splitlines()
    assert "Child C1: Amy Jones  LA child ID LCS700101" in lines  # from the latest meeting
    assert "Child C2: Leo Jones  LA child ID none recorded (the CIN census export needs it)" in lines


def test_an_unknown_case_exits_1_with_one_line(tmp_path: Path) -> None:
    _publish(tmp_path, base_record())
    result = run("case", "CIN-NOPE", "--root", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["docgen: The ledger has no published meeting for case CIN-NOPE: check the case reference."]
    with Ledger.open(tmp_path) as ledger, pytest.raises(UnknownCaseError):
        case_history(ledger, "CIN-NOPE")


def test_a_root_without_a_ledger_knows_no_case(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    result = run("case", CASE, "--root", str(tmp_path))
    assert result.exit_code == 1
    assert earlier_meetings_at(tmp_path, CASE, "2027-02-11", "review") == []
    assert not (tmp_path / ".docgen").exists()


def test_a_build_reads_the_ledger_without_writing_to_it(tmp_path: Path) -> None:
    _publish(tmp_path, base_record())
    ledger_file = tmp_path / ".docgen" / "ledger.sqlite3"
    before = ledger_file.stat().st_mtime_ns
    earlier = earlier_meetings_at(tmp_path, CASE, "2027-02-11", "review")
    assert [(m["type"], m["record"]["scaling"]["score"]) for m in earlier] == [("initial", 5)]
    assert ledger_file.stat().st_mtime_ns == before


def test_a_meeting_published_before_the_ledger_kept_records_is_read_from_its_source_form(tmp_path: Path) -> None:
    record = base_record()
    (tmp_path / "inbox").mkdir()
    published = manifest(record)
    published["documents"].append({"path": "source/jones.json", "kind": "source", "child": None})
    with Ledger.open(tmp_path) as ledger:
        ledger.publish_meeting(published)  # as an older release did: no record
        (only,) = ledger.meetings(CASE)
        ledger.set_meeting_details(only.id, None)  # its details were looked for once already
        assert ledger.meeting_record(only.id) is None
    source = tmp_path / "outbox" / CASE / "2026-12-17-initial" / "source" / "jones.json"
    source.parent.mkdir(parents=True)
    source.write_text(json.dumps(record), encoding="utf-8")
    data = json.loads(run("case", CASE, "--root", str(tmp_path), "--json").output)
    assert data["meetings"][0]["scaling_score"] == 5
    with Ledger.open(tmp_path) as ledger:
        assert ledger.meeting_record(only.id) == record  # kept: read once


def test_a_folder_that_is_no_docgen_root_is_a_usage_error(tmp_path: Path) -> None:
    result = run("case", CASE, "--root", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "nowhere" in result.output
