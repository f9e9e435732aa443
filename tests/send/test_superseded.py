"""A later meeting supersedes an earlier meeting's unsent copies: never sent, not due, late in the report (and why),
and invitations only for the latest meeting's next review — checked against a real SMTP server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from docgen.cli import main
from tests.conftest import clean_closure, clean_initial, clean_review
from tests.send.helpers import MailServer, email_toml, publish

CASE = "CIN-2026-0412"


def docgen(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_a_review_published_before_the_initial_copies_went_out_means_only_the_review_is_sent(
    tmp_path: Path, mail_server: MailServer, smtp_password: str
) -> None:
    root = tmp_path / "root"
    publish(root, clean_initial())
    publish(root, clean_review())
    (root / "docgen.toml").write_text('policy = "standard"\npdf = true\n' + email_toml(mail_server.port, mail_server.ca))

    result = docgen("send", "--root", str(root), "--json")
    assert result.exit_code == 0, result.output
    outcomes = json.loads(result.output)
    assert outcomes and {r["meeting"] for r in outcomes} == {"2027-02-11-review"}
    assert {r["status"] for r in outcomes} == {"sent"}

    messages = mail_server.messages()
    assert len(messages) == len(outcomes)
    for message, _ in messages:
        assert "11 February 2027" in message["Subject"], "the review's papers, not the initial meeting's"
        [invite] = [p for p in message.iter_attachments() if p.get_filename() == "review-invitation.ics"]
        text = invite.get_content()
        text = text.decode() if isinstance(text, bytes) else text
        assert "DTSTART;VALUE=DATE:20270408" in text, "the latest meeting's next review"
        assert "20270211" not in text.split("DTSTART")[1].split("\n")[0]

    due = json.loads(docgen("due", "--root", str(root), "--json", "--as-of", "2027-02-12").stdout)
    assert not [d for d in due if d["kind"] == "copies_due" and d["meeting"] == "2026-12-17-initial"]
    case = json.loads(docgen("case", CASE, "--root", str(root), "--json").stdout)
    initial_copies = [
        d for d in case["deadlines"] if d["kind"] == "copies_due" and d.get("meeting", d.get("folder")) == "2026-12-17-initial"
    ]
    assert initial_copies and {d["status"] for d in initial_copies} == {"superseded"}

    report = docgen(
        "report", "--root", str(root), "--from", "2026-12-01", "--to", "2027-01-31", "-o", str(tmp_path / "r.xlsx"), "--as-of", "2027-02-12"
    )
    assert report.exit_code == 0, report.output
    copies_line = next(line for line in report.output.splitlines() if line.startswith("Copies sent on time"))
    assert copies_line.startswith("Copies sent on time: 0 of ")
    assert "never sent: a later meeting of the case replaced them first" in copies_line

    assert json.loads(docgen("send", "--root", str(root), "--json").stdout) == [], "nothing of the initial meeting, ever"


def test_a_review_that_no_longer_stands_is_cancelled_in_the_same_event(tmp_path: Path, mail_server: MailServer, smtp_password: str) -> None:
    root = tmp_path / "root"
    publish(root, clean_initial())  # its next review: 11 Feb 2027
    (root / "docgen.toml").write_text('policy = "standard"\npdf = true\n' + email_toml(mail_server.port, mail_server.ca))
    assert docgen("send", "--root", str(root)).exit_code == 0
    invited = {e["rcpt_tos"][0]: _calendar(m, "review-invitation.ics") for m, e in mail_server.messages()}
    closure = clean_closure()
    closure["meeting"]["date"] = "2027-01-21"  # the case closes before the review it was invited to
    publish(root, closure)
    before = len(mail_server.messages())
    assert docgen("send", "--root", str(root)).exit_code == 0
    for message, envelope in mail_server.messages()[before:]:
        address = envelope["rcpt_tos"][0]
        cancelled = _calendar(message, "review-cancelled.ics")
        assert "METHOD:CANCEL" in cancelled and "STATUS:CANCELLED" in cancelled
        assert _field(cancelled, "UID") == _field(invited[address], "UID"), "the same event, taken out of the calendar"
        assert int(_field(cancelled, "SEQUENCE")) > int(_field(invited[address], "SEQUENCE"))
        assert not [p for p in message.iter_attachments() if p.get_filename() == "review-invitation.ics"]


def _calendar(message: Any, name: str) -> str:
    [part] = [p for p in message.iter_attachments() if p.get_filename() == name]
    content = part.get_content()
    return content.decode() if isinstance(content, bytes) else str(content)


def _field(calendar: str, name: str) -> str:
    return next(line.split(":", 1)[1].strip() for line in calendar.splitlines() if line.startswith(f"{name}:"))
