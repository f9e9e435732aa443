"""Emails that may or may not have reached their recipient are shown to staff: in ``docgen due`` and in ``docgen report``."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from docgen.cli import main
from docgen.ledger.send_journal import Journal, emails_to_check
from docgen.ledger.store import LEDGER_PATH
from docgen.send.sent_dates import send_lock
from tests.conftest import clean_initial
from tests.send.helpers import publish


def _interrupted(root: Path, status: str) -> None:
    """The journal as ``docgen send`` leaves it when stopped while handing Sarah's message over (``sending``), or after
    the connection broke mid-message (``uncertain``)."""
    manifest = publish(root, clean_initial())
    journal = Journal.open(root / LEDGER_PATH)
    journal.start(
        copy_key="check-1",
        case_reference=manifest["case_reference"],
        folder=manifest["meeting"]["folder"],
        recipient="Sarah Jones",
        email="sarah.jones@example.org",
        documents=("plan-C1.pdf",),
        message_id="<check-1@council.example>",
    )
    if status == "uncertain":
        journal.uncertain("check-1", "the connection broke while the message was being handed over")
    journal.close()


def test_a_message_left_sending_by_a_stopped_run_is_one_to_check_but_not_while_a_sender_is_at_work(tmp_path: Path) -> None:
    _interrupted(tmp_path, "sending")
    [email] = emails_to_check(tmp_path / LEDGER_PATH)
    assert (email.recipient, email.status, email.message_id) == ("Sarah Jones", "sending", "<check-1@council.example>")
    holding, release = threading.Event(), threading.Event()

    def sender() -> None:
        with send_lock(tmp_path):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=sender)
    thread.start()
    try:
        assert holding.wait(10)
        assert emails_to_check(tmp_path / LEDGER_PATH) == [], "a message being sent right now is not one to check"
    finally:
        release.set()
        thread.join()
    due = json.loads(CliRunner().invoke(main, ["due", "--root", str(tmp_path), "--json", "--as-of", "2026-12-18"]).output)
    assert [d["recipient"] for d in due if d.get("sending") == "uncertain"] == ["Sarah Jones"]


def test_the_report_lists_the_emails_to_check_on_a_sheet_and_says_so(tmp_path: Path) -> None:
    _interrupted(tmp_path, "uncertain")
    output = tmp_path / "report.xlsx"
    result = CliRunner().invoke(main, ["report", "--root", str(tmp_path), "--from", "2026-12-01", "--to", "2027-03-31", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "1 emailed copy may not have been sent" in result.output and "docgen send --resend" in result.output
    workbook = openpyxl.load_workbook(output)
    rows = [[c.value for c in row] for row in workbook["Emails to check"].iter_rows(min_row=4)]
    assert rows == [
        [
            "CIN-2026-0412",
            "2026-12-17-initial",
            "Sarah Jones",
            "sarah.jones@example.org",
            rows[0][4],
            "the connection broke while the message was being handed over",
        ]
    ]
    assert rows[0][4].startswith("20")  # when the sending started
    summary = [c.value for row in workbook["Summary"].iter_rows() for c in row if c.value]
    assert "1 emailed copy may not have been sent: see the sheet 'Emails to check'." in summary


def test_no_emails_to_check_no_sheet(tmp_path: Path) -> None:
    publish(tmp_path, clean_initial())
    output = tmp_path / "report.xlsx"
    result = CliRunner().invoke(main, ["report", "--root", str(tmp_path), "--from", "2026-12-01", "--to", "2027-03-31", "-o", str(output)])
    assert "may not have been sent" not in result.output
    assert "Emails to check" not in openpyxl.load_workbook(output).sheetnames
