"""Building messages without a server: one recipient each, exactly their documents, nothing about a child, and the invitation."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from icalendar import Calendar
from pypdf import PdfReader

from docgen.pdf.making import PASSWORDS_FILE
from docgen.send.emailed_copies import copies_of_meeting
from docgen.send.invitation import review_invitation, review_uid
from docgen.send.message import build_message
from tests.conftest import clean_initial
from tests.send.helpers import publish

SENDER = "CIN plans <cin-plans@council.example>"


def _messages(tmp_path: Path, record: dict | None = None) -> list:
    record = record or clean_initial()
    manifest = publish(tmp_path, record)
    folder = tmp_path / "outbox" / manifest["case_reference"] / manifest["meeting"]["folder"]
    out = []
    for copy in copies_of_meeting(folder):
        files = {name: (folder / name).read_bytes() for name in copy.attachments}
        out.append((copy, build_message(copy, files, sender=SENDER, message_id=f"<{copy.key}@council.example>")))
    return out


def test_privacy_one_recipient_no_child_named_and_only_their_own_documents(tmp_path: Path) -> None:
    record = clean_initial()
    names = [c["first_name"] for c in record["children"]] + [c["last_name"] for c in record["children"]]
    built = _messages(tmp_path, record)
    passwords = (tmp_path / "outbox/CIN-2026-0412/2026-12-17-initial" / PASSWORDS_FILE).read_text().splitlines()
    secrets = [line.split("\t")[3] for line in passwords if not line.startswith("#")]
    assert {c.recipient for c, _ in built} == {"Sarah Jones", "Mrs Helen Carter", "Nadia Ali", "Tom Okafor"}
    for copy, message in built:
        assert message.get_all("To") == [copy.email] and message["Cc"] is None and message["Bcc"] is None
        texts = [message["Subject"]] + [p.get_content() for p in message.walk() if p.get_content_type() in ("text/plain", "text/html")]
        texts += [str(p.get_content()) for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
        texts += [str(p.get_filename()) for p in message.iter_attachments()]
        for name in names:
            assert all(name not in text for text in texts), f"{name} named in {copy.recipient}'s message"
        assert "CIN-2026-0412" in message["Subject"] and "17 December 2026" in message["Subject"]
        whole = message.as_string()
        assert not any(secret in whole for secret in secrets)
    sarah = dict((c.recipient, m) for c, m in built)["Sarah Jones"]
    assert [p.get_filename() for p in sarah.iter_attachments()] == ["plan-C1.pdf", "plan-C2.pdf", "review-invitation.ics"]
    worker = dict((c.recipient, m) for c, m in built)["Tom Okafor"]
    assert [p.get_filename() for p in worker.iter_attachments()] == ["meeting-record.pdf", "review-invitation.ics"], "no child's plan"


def test_a_childs_sibling_plan_never_goes_to_that_child(tmp_path: Path) -> None:
    record = clean_initial()
    record["children"][1].update(delivery="email", email="leo@example.org")
    built = {c.recipient: (c, m) for c, m in _messages(tmp_path, record)}
    copy, message = built["Leo Jones"]
    assert copy.documents == ("plan-C2.docx",)
    assert [p.get_filename() for p in message.iter_attachments() if p.get_content_type() == "application/pdf"] == ["plan-C2.pdf"]
    assert "Leo" not in message["Subject"] and "Leo" not in message.get_body(("plain",)).get_content()


def test_the_secure_copy_is_the_encrypted_pack_under_a_name_that_names_no_one(tmp_path: Path) -> None:
    built = {c.recipient: (c, m) for c, m in _messages(tmp_path)}
    _, message = built["Nadia Ali"]
    [pack] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pack.get_filename() == "cin-plan-CIN-2026-0412-2026-12-17-initial.pdf"
    assert PdfReader(io.BytesIO(pack.get_content())).is_encrypted


def test_the_invitation_is_an_all_day_request_whose_uid_survives_a_new_date() -> None:
    def invite(day: dt.date, sequence: int) -> Calendar:
        return Calendar.from_ical(
            review_invitation(
                case_reference="CIN-1",
                meeting_folder="2026-12-17-initial",
                review_date=day,
                organiser_name="Tom Okafor",
                organiser_email="tom@council.example",
                attendee_email="sarah@example.org",
                domain="council.example",
                sequence=sequence,
            )
        )

    first, moved = invite(dt.date(2027, 2, 11), 1), invite(dt.date(2027, 2, 18), 2)
    assert first["method"] == "REQUEST"
    [event] = first.walk("VEVENT")
    [later] = moved.walk("VEVENT")
    assert event["dtstart"].dt == dt.date(2027, 2, 11) and event["dtend"].dt == dt.date(2027, 2, 12)
    assert str(event["organizer"]) == "mailto:tom@council.example" and event["organizer"].params["CN"] == "Tom Okafor"
    assert str(event["attendee"]) == "mailto:sarah@example.org"
    assert event["uid"] == later["uid"] == review_uid("CIN-1", "2026-12-17-initial", "council.example")
    assert later["sequence"] > event["sequence"] and later["dtstart"].dt == dt.date(2027, 2, 18)
    assert review_uid("CIN-2", "2026-12-17-initial", "council.example") != event["uid"]
