"""The ledger API the inbox service calls: files seen, publishing, amendments, retries and two processes at once."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import sqlite3
from pathlib import Path

from docgen.ledger import Ledger, Visit
from docgen.ledger.migrations import MIGRATIONS
from tests.ledger.builders import base_record, manifest, meeting

CASE = "CIN-2026-0412"


def _open_kinds(ledger: Ledger, as_of: str = "2027-01-20") -> list[tuple[str, str, str | None]]:
    return [(i.kind, i.date.isoformat(), i.recipient) for i in ledger.due(dt.date.fromisoformat(as_of))]


def test_ledger_is_sqlite_in_wal_mode_with_a_schema_version(tmp_path: Path) -> None:
    with Ledger.open(tmp_path) as ledger:
        assert ledger.schema_version() == len(MIGRATIONS)
    db = sqlite3.connect(tmp_path / ".docgen" / "ledger.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} >= {
        "files",
        "meetings",
        "deadlines",
        "copies",
        "visits",
    }


def test_file_seen_remembers_outcome_and_a_duplicate_keeps_the_original_entry(tmp_path: Path) -> None:
    with Ledger.open(tmp_path) as ledger:
        assert ledger.file_seen("abc") is None
        ledger.record_file(sha256="abc", name="jones.docx", outcome="published", where="outbox/CIN-1/2026-12-17-initial")
        ledger.record_file(sha256="abc", name="jones copy.docx", outcome="duplicate", where=None)
        seen = ledger.file_seen("abc")
    assert seen is not None
    assert (seen.name, seen.outcome, seen.where) == ("jones.docx", "published", "outbox/CIN-1/2026-12-17-initial")


def test_publishing_meets_the_record_and_opens_one_copies_due_per_recipient(tmp_path: Path) -> None:
    record = base_record()
    with Ledger.open(tmp_path) as ledger:
        ledger.publish_meeting(manifest(record, generated_at="2026-12-18T10:00:00+00:00"))
        rows = {(d["kind"], d["recipient"]): d for d in ledger.deadlines()}
        due = _open_kinds(ledger)
        stored = ledger.meeting_for(CASE, "2026-12-17", "initial")
    assert rows[("record_due", None)]["status"] == "met"
    assert rows[("record_due", None)]["late"] == 0
    assert stored is not None and stored.folder == "2026-12-17-initial" and stored.key_worker == "Tom Okafor"
    recipients = sorted(r for k, _, r in due if k == "copies_due")
    assert recipients == ["Amy Jones", "Daniel Jones", "Leo Jones", "Mrs Helen Carter", "Nadia Ali", "Sarah Jones"]
    assert ("record_due", "2026-12-24", None) not in due


def test_a_childs_own_copies_due_names_the_child(tmp_path: Path) -> None:
    with Ledger.open(tmp_path) as ledger:
        ledger.publish_meeting(manifest(base_record()))
        children = {i.recipient: i.child for i in ledger.due(dt.date(2026, 12, 18)) if i.kind == "copies_due"}
        amy = next(i for i in ledger.due(dt.date(2026, 12, 18)) if i.recipient == "Amy Jones")
    assert children["Amy Jones"] == "C1" and children["Leo Jones"] == "C2"
    assert children["Sarah Jones"] is None  # a parent's copies are of both children's plans
    assert amy.to_json()["child"] == "C1"


def test_a_record_published_after_its_date_is_met_late(tmp_path: Path) -> None:
    with Ledger.open(tmp_path) as ledger:
        ledger.publish_meeting(manifest(base_record(), generated_at="2027-01-04T09:00:00+00:00"))
        record_due = next(d for d in ledger.deadlines() if d["kind"] == "record_due")
    assert (record_due["status"], record_due["late"], record_due["met_at"]) == ("met", 1, "2027-01-04")


def test_publishing_the_same_manifest_twice_changes_nothing(tmp_path: Path) -> None:
    m = manifest(base_record())
    with Ledger.open(tmp_path) as ledger:
        ledger.publish_meeting(m)
        before = ledger.deadlines()
        ledger.publish_meeting(m)
        assert ledger.deadlines() == before
        assert len(ledger.meetings()) == 1


def test_an_amendment_retires_the_earlier_deadlines_and_its_own_take_over(tmp_path: Path) -> None:
    first = base_record()
    amended = meeting(first, "initial", "2026-12-17", next_review="2027-02-04")
    with Ledger.open(tmp_path) as ledger:
        ledger.publish_meeting(manifest(first))
        ledger.publish_meeting(manifest(amended, generated_at="2026-12-21T09:00:00+00:00"))
        reviews = [(i.date.isoformat(), i.meeting) for i in ledger.due(dt.date(2027, 1, 1), kind="next_review")]
        old = [d for d in ledger.deadlines(include_superseded=True) if d["kind"] == "next_review" and d["due_date"] == "2027-02-11"]
        record_due = next(d for d in ledger.deadlines() if d["kind"] == "record_due")
    assert reviews == [("2027-02-04", "2026-12-17-initial")]
    assert old[0]["status"] == "retired"
    # the record was complete when the first version was published
    assert record_due["met_at"] == "2026-12-17"


def test_each_childs_visit_is_due_from_their_own_last_visit(tmp_path: Path) -> None:
    with Ledger.open(tmp_path) as ledger:
        ledger.publish_meeting(manifest(base_record()))  # 17 Dec 2026, visits every 14 days
        ledger.record_visits([Visit(CASE, "C1", dt.date(2026, 12, 29)), Visit(CASE, "C1", dt.date(2027, 1, 20))])
        visits = [(i.child, i.date.isoformat(), i.status) for i in ledger.due(dt.date(2027, 1, 21), kind="visit")]
        c1 = [
            (d["due_date"], d["status"], d["met_at"], d["late"]) for d in ledger.deadlines() if d["child"] == "C1" and d["kind"] == "visit"
        ]
    # C1: 31 Dec met on 29 Dec; then due 12 Jan (29 Dec + 14), met late on 20 Jan; next due 3 Feb (20 Jan + 14).
    # C2 was never seen: due 31 Dec (17 Dec + 14), overdue
    assert visits == [("C2", "2026-12-31", "overdue"), ("C1", "2027-02-03", "upcoming")]
    assert c1 == [("2026-12-31", "met", "2026-12-29", 0), ("2027-01-12", "met", "2027-01-20", 1), ("2027-02-03", "open", None, 0)]


def _publish_in_process(root: str, index: int) -> None:
    record = meeting(base_record(), "initial", "2026-12-17")
    record["case"]["reference"] = f"CIN-P{index}"
    with Ledger.open(Path(root)) as ledger:
        ledger.publish_meeting(manifest(record))
        ledger.record_file(sha256=f"sha-{index}", name=f"form-{index}.json", outcome="published", where=f"outbox/CIN-P{index}")


def test_two_processes_write_at_once_without_losing_either(tmp_path: Path) -> None:
    Ledger.open(tmp_path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_publish_in_process, args=(str(tmp_path), i)) for i in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    with Ledger.open(tmp_path) as ledger:
        assert sorted(m.case_reference for m in ledger.meetings()) == ["CIN-P0", "CIN-P1"]
        assert ledger.file_seen("sha-0") is not None and ledger.file_seen("sha-1") is not None


def test_a_manifest_without_a_key_worker_gets_one_from_its_source_form(tmp_path: Path) -> None:
    from docgen.ledger.details import fill_in_from_sources

    record = base_record()
    m = manifest(record)
    del m["key_worker"]
    m["documents"].append({"path": "source/jones.json", "kind": "source", "child": None})
    source = tmp_path / "outbox" / CASE / "2026-12-17-initial" / "source" / "jones.json"
    source.parent.mkdir(parents=True)
    source.write_text(json.dumps(record), encoding="utf-8")
    with Ledger.open(tmp_path) as ledger:
        ledger.publish_meeting(m)
        assert ledger.due(dt.date(2027, 1, 1))[0].key_worker is None
        assert fill_in_from_sources(tmp_path, ledger) == 1
        assert fill_in_from_sources(tmp_path, ledger) == 0  # read once
        assert ledger.due(dt.date(2027, 1, 1))[0].key_worker == "Tom Okafor"
        assert ledger.referral_date(CASE) == dt.date(2026, 11, 23)


def test_facts_arriving_out_of_order_give_the_same_statuses(tmp_path: Path) -> None:
    initial = base_record()
    review = meeting(initial, "review", "2027-02-11", next_review="2027-05-06", visit_frequency_days=28)
    visits = [Visit(CASE, "C1", dt.date(2026, 12, 30)), Visit(CASE, "C1", dt.date(2027, 3, 1))]
    statuses = []
    for order in ((initial, review), (review, initial)):
        root = tmp_path / str(len(statuses))
        with Ledger.open(root) as ledger:
            if order[0] is review:
                ledger.record_visits(visits)
            for record in order:
                ledger.publish_meeting(manifest(record))
            if order[0] is initial:
                ledger.record_visits(visits)
            statuses.append([(d["kind"], d["due_date"], d["recipient"], d["status"], d["met_at"], d["late"]) for d in ledger.deadlines()])
    assert statuses[0] == statuses[1]
    assert ("next_review", "2027-02-11", None, "met", "2027-02-11", 0) in statuses[0]
    # C1 seen 30 Dec, so due 13 Jan under the initial's 14 days: overdue when the review set 28 days, it stays
    # due as it was and the visit on 1 Mar meets it late
    assert ("visit", "2027-01-13", None, "met", "2027-03-01", 1) in statuses[0]


def test_a_closure_ends_every_open_deadline_its_own_copies_included(tmp_path: Path) -> None:
    initial = base_record()
    with Ledger.open(tmp_path) as ledger:
        ledger.publish_meeting(manifest(initial))
        ledger.publish_meeting(manifest(meeting(initial, "closure", "2027-01-21")))
        left = {(i.kind, i.meeting) for i in ledger.due(dt.date(2027, 1, 22))}
        rows = {(d["kind"], d["due_date"]): d["status"] for d in ledger.deadlines() if d["recipient"] is None}
        copies = {(d["folder"], d["status"]) for d in ledger.deadlines() if d["kind"] == "copies_due"}
    assert left == set()
    assert copies == {
        ("2026-12-17-initial", "superseded"),
        ("2027-01-21-closure", "closed"),
    }  # unsent copies: the initial's overtaken by the closure, the closure's ended by it
    assert rows[("next_review", "2027-02-11")] == "met"  # the closure meeting was the review
    assert rows[("visit", "2026-12-31")] == "closed"  # each child's first visit, missed, then the case closed


def test_the_publication_day_is_the_day_in_england(tmp_path: Path) -> None:
    # 23:30 UTC on 24 Jun 2027 is 00:30 BST on 25 Jun: the record was completed on the 25th
    with Ledger.open(tmp_path) as ledger:
        ledger.publish_meeting(
            manifest(meeting(base_record(), "initial", "2027-06-17", next_review="2027-09-09"), generated_at="2027-06-24T23:30:00+00:00")
        )
        record_due = next(d for d in ledger.deadlines() if d["kind"] == "record_due")
    assert (record_due["due_date"], record_due["met_at"], record_due["late"]) == ("2027-06-24", "2027-06-25", 1)
