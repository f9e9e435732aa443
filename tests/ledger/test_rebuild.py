"""``docgen rebuild-ledger``: a busy root whose ledger is deleted answers ``due``, ``case`` and ``report`` exactly as before."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.facts import FACTS_FILE
from docgen.ledger import Ledger, Visit
from docgen.ledger.from_files import catch_up
from docgen.ledger.send_journal import Journal
from docgen.ledger.workbooks import write_visit_log
from tests.conftest import clean_closure, clean_initial, clean_review, moved_back

CASE = "CIN-2026-0412"
OTHER = "CIN-2026-0500"
#: how far the sample meetings are moved into the past: a date staff record must lie between the meeting and today
SHIFT = dt.date(2026, 12, 17) - dt.date.fromisoformat(moved_back(clean_initial())["meeting"]["date"])


def _on(day: str) -> dt.date:
    """A day of the sample meetings' calendar, moved back with them."""
    return dt.date.fromisoformat(day) - SHIFT


AS_OF = _on("2027-03-01").isoformat()
SETTINGS = "pdf = false\nsettle_seconds = 0\nmin_free_mb = 0\n"
#: only ever a dry run here: nothing is sent, so no server is needed
EMAIL = '[email]\nhost = "127.0.0.1"\nport = 2525\nsecurity = "none"\nfrom = "CIN plans <cin@council.example>"\n'


def _docgen(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, result.output
    return result.output


def _drop_and_run(root: Path, name: str, record: dict[str, Any]) -> None:
    (root / "inbox" / name).write_text(json.dumps(record), encoding="utf-8")
    _docgen("run", "--once", "--root", str(root))
    assert not (root / "inbox" / "rejected").exists() or not any((root / "inbox" / "rejected").iterdir())


def _answers(root: Path) -> dict[str, Any]:
    """What a person or another system reads from the ledger: due, each case's history, the report's figures, emails to check."""
    report = root.parent / "report.xlsx"
    return {
        "due": json.loads(_docgen("due", "--root", str(root), "--as-of", AS_OF, "--json")),
        "cases": {c: json.loads(_docgen("case", c, "--root", str(root), "--as-of", AS_OF, "--json")) for c in (CASE, OTHER)},
        "report": _docgen("report", "--root", str(root), "--from", _on("2026-01-01").isoformat(), "--to", _on("2027-12-31").isoformat(), "--as-of", AS_OF, "-o", str(report)),
        "send": json.loads(_docgen("send", "--root", str(root), "--dry-run", "--json")),
        "to check": [(s.copy_key, s.status, s.message_id) for s in Journal.open(root / ".docgen" / "ledger.sqlite3").all()],
    }


@pytest.fixture(scope="module")
def busy_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Initials, a review, a closure, an amended meeting, visits from a log and the web app, sent and corrected copies, an uncertain email."""
    root = tmp_path_factory.mktemp("busy") / "cin"
    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text(SETTINGS + EMAIL, encoding="utf-8")
    _drop_and_run(root, "initial.json", moved_back(clean_initial()))
    _drop_and_run(root, "review.json", moved_back(clean_review()))
    _drop_and_run(root, "closure.json", moved_back(clean_closure()))
    other = moved_back(clean_initial())
    other["case"]["reference"] = OTHER
    _drop_and_run(root, "other.json", other)
    other["meeting"]["venue"] = "Family home (amended)"
    _drop_and_run(root, "other-amended.json", other)
    write_visit_log(
        root / "inbox" / "visits.xlsx", [(OTHER, "C1", _on("2026-12-30"), True), (OTHER, "C2", _on("2026-12-30"), False)]
    )
    _docgen("run", "--once", "--root", str(root))
    _docgen("sent", CASE, "--root", str(root), "--recipient", "Daniel Jones", "--date", _on("2027-04-09").isoformat())
    _docgen("sent", OTHER, "--root", str(root), "--recipient", "Sarah Jones", "--date", _on("2026-12-19").isoformat())
    with Ledger.open(root) as ledger:
        [meeting] = ledger.meetings(OTHER)
        ledger.mark_copies_sent(meeting.id, [("Sarah Jones", None, _on("2026-12-21"), "web: amy")])  # a correction
        ledger.record_visits([Visit(OTHER, "C1", _on("2027-01-20"), None)], source="web: amy")
        journal = Journal.open(ledger.path)  # as docgen send leaves a message whose hand-over was cut off
        journal.start(
            copy_key="uncertain-1", case_reference=OTHER, folder=meeting.folder, recipient="Daniel Jones",
            email="daniel@example.org", documents=("plan-C1.docx",), message_id="<1@council.example>",
        )  # fmt: skip
        journal.uncertain("uncertain-1", "the connection broke after the message was handed over")
        journal.close()
    return root


def _lose_ledger(root: Path) -> None:
    for name in ("ledger.sqlite3", "ledger.sqlite3-wal", "ledger.sqlite3-shm"):
        (root / ".docgen" / name).unlink(missing_ok=True)


def test_a_deleted_ledger_is_rebuilt_to_the_same_answers_twice_over(busy_root: Path) -> None:
    before = _answers(busy_root)
    assert "would_send" in {s["status"] for s in before["send"]}, "some copies are still to send"
    assert any(d["kind"] == "visit" for d in before["due"]) and before["to check"] == [("uncertain-1", "uncertain", "<1@council.example>")]
    assert "superseded" in {d["status"] for d in before["cases"][CASE]["deadlines"]}, "the initial meeting's unsent copies"
    assert (busy_root / FACTS_FILE).stat().st_mode & 0o077 == 0, "the facts name children: owner-only"
    _lose_ledger(busy_root)
    lost = CliRunner().invoke(main, ["due", "--root", str(busy_root), "--json"])
    assert lost.exit_code == 2 and "run `docgen rebuild-ledger --root" in lost.output, "never an empty answer"
    for _ in range(2):  # idempotent: a second rebuild gives the same ledger
        said = _docgen("rebuild-ledger", "--root", str(busy_root))
        assert said.startswith("Ledger rebuilt from 5 published meeting(s) (0 source form(s) read again)"), said
        assert _answers(busy_root) == before


def test_a_ledger_restored_from_before_later_facts_catches_up_with_the_root_s_files(busy_root: Path, tmp_path: Path) -> None:
    _docgen("backup", "--root", str(busy_root), "--to", str(tmp_path / "backup"))
    with Ledger.open(busy_root) as ledger:
        ledger.record_visits([Visit(OTHER, "C2", _on("2027-02-02"), True)], source="web: amy")
    review = moved_back(clean_review())
    review["case"]["reference"] = OTHER
    _drop_and_run(busy_root, "other-review.json", review)  # published after the backup: the ledger restored has never heard of it
    after = _answers(busy_root)
    assert [m["type"] for m in after["cases"][OTHER]["meetings"]] == ["initial", "review"]
    _lose_ledger(busy_root)
    (tmp_path / "backup" / "ledger.sqlite3").replace(busy_root / ".docgen" / "ledger.sqlite3")
    assert _answers(busy_root) == after


def test_meetings_published_before_the_journal_kept_records_are_read_from_their_source_forms(tmp_path: Path) -> None:
    root = tmp_path / "cin"
    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text(SETTINGS, encoding="utf-8")
    _drop_and_run(root, "initial.json", moved_back(clean_initial()))
    before = json.loads(_docgen("case", CASE, "--root", str(root), "--as-of", AS_OF, "--json"))
    journal = root / FACTS_FILE
    lines = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    journal.write_text("".join(json.dumps({k: v for k, v in f.items() if k != "record"}) + "\n" for f in lines), encoding="utf-8")
    _lose_ledger(root)
    said = _docgen("rebuild-ledger", "--root", str(root))
    assert said.startswith("Ledger rebuilt from 1 published meeting(s) (1 source form(s) read again)"), said
    assert json.loads(_docgen("case", CASE, "--root", str(root), "--as-of", AS_OF, "--json")) == before


def test_a_ledger_that_records_its_own_facts_has_nothing_to_read_again_when_next_opened(tmp_path: Path) -> None:
    root = tmp_path / "cin"
    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text(SETTINGS, encoding="utf-8")
    _drop_and_run(root, "initial.json", moved_back(clean_initial()))
    with Ledger.open(root) as ledger:
        ledger.record_visits([Visit(CASE, "C1", _on("2026-12-20"), True)], source="web: amy")
        ledger.record_visits([Visit(CASE, "C1", _on("2026-12-20"), True)], source="web: amy")  # nothing new: nothing appended
    facts = [json.loads(line)["kind"] for line in (root / FACTS_FILE).read_text(encoding="utf-8").splitlines()]
    assert facts == ["published", "visit"]
    with Ledger.open(root) as ledger, ledger.transaction() as db:
        assert catch_up(db, root) == 0, "the ledger read its own facts as it wrote them"


def test_the_service_makes_a_lost_ledger_again_before_it_starts(tmp_path: Path) -> None:
    root = tmp_path / "cin"
    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text(SETTINGS, encoding="utf-8")
    _drop_and_run(root, "initial.json", moved_back(clean_initial()))
    with Ledger.open(root) as ledger:
        ledger.record_visits([Visit(CASE, "C2", _on("2026-12-22"), False)], source="web: amy")
    before = _docgen("due", "--root", str(root), "--as-of", AS_OF, "--json")
    _lose_ledger(root)
    said = _docgen("run", "--once", "--root", str(root))
    assert "the ledger was missing: made again from the root's files (1 published meeting(s)" in said
    assert _docgen("due", "--root", str(root), "--as-of", AS_OF, "--json") == before


def test_a_ledger_from_before_the_journal_writes_what_it_holds_there_once(tmp_path: Path) -> None:
    root = tmp_path / "cin"
    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text(SETTINGS, encoding="utf-8")
    _drop_and_run(root, "initial.json", moved_back(clean_initial()))
    _docgen("sent", CASE, "--root", str(root), "--recipient", "Daniel Jones", "--date", _on("2026-12-18").isoformat())
    with Ledger.open(root) as ledger:
        ledger.record_visits([Visit(CASE, "C1", _on("2026-12-20"), True)], source="web: amy")
        with ledger.transaction() as db:
            db.execute("DELETE FROM journal_read")  # as a ledger an earlier docgen wrote: it never read a journal...
    (root / FACTS_FILE).unlink()  # ...and the root has none
    before = _answers_of_one(root)
    with Ledger.open(root):
        pass
    kinds = [json.loads(line)["kind"] for line in (root / FACTS_FILE).read_text(encoding="utf-8").splitlines()]
    assert kinds == ["published", "visit", "sent_date", "sent_date"]
    with Ledger.open(root):
        pass
    assert len((root / FACTS_FILE).read_text(encoding="utf-8").splitlines()) == 4, "once"
    _lose_ledger(root)
    _docgen("rebuild-ledger", "--root", str(root))
    assert _answers_of_one(root) == before


def _answers_of_one(root: Path) -> tuple[Any, Any]:
    return (
        json.loads(_docgen("due", "--root", str(root), "--as-of", AS_OF, "--json")),
        json.loads(_docgen("case", CASE, "--root", str(root), "--as-of", AS_OF, "--json")),
    )
