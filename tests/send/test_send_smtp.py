"""``docgen send`` against a real SMTP server process (STARTTLS, AUTH, a CA made by the test): the messages as received."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from docgen.cli import main
from docgen.pdf.making import PASSWORDS_FILE
from tests.conftest import clean_initial
from tests.send.helpers import PASSWORD, MailServer, email_toml, publish, start_server

CHILD_NAMES = ("Leo", "Amy", "Jones")


def docgen(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def set_up(root: Path, server_port: int, ca: Path | None, record: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    manifest = publish(root, record or clean_initial())
    (root / "docgen.toml").write_text('policy = "standard"\npdf = true\n' + email_toml(server_port, ca, **extra))
    return manifest


def received(server: MailServer) -> dict[str, Any]:
    """Each recipient's messages as the server took them."""
    out: dict[str, Any] = {}
    for message, envelope in server.messages():
        out.setdefault(envelope["rcpt_tos"][0], []).append((message, envelope))
    return out


def body_text(message: Any) -> str:
    return "\n".join(part.get_content() for part in message.walk() if part.get_content_type() in ("text/plain", "text/html"))


def test_each_recipient_gets_one_private_message_over_starttls(tmp_path: Path, mail_server: MailServer, smtp_password: str) -> None:
    root = tmp_path / "root"
    manifest = set_up(root, mail_server.port, mail_server.ca)
    result = docgen("send", "--root", str(root), "--json")
    assert result.exit_code == 0, result.output
    outcomes = {r["email"]: r for r in json.loads(result.output)}
    assert {r["status"] for r in outcomes.values()} == {"sent"}
    assert set(outcomes) == {"sarah.jones@example.org", "h.carter@school.example", "nadia.ali@health.example", "tom.okafor@council.example"}
    assert outcomes["sarah.jones@example.org"]["documents"] == ["plan-C1.docx", "plan-C2.docx"]

    mail = received(mail_server)
    assert {k: len(v) for k, v in mail.items()} == dict.fromkeys(outcomes, 1)
    assert len({tuple(e["peer"]) for _, e in mail_server.messages()}) == 1, "one connection for the whole batch"
    for address, [(message, envelope)] in mail.items():
        assert envelope["tls"] and envelope["auth"], "sent only over TLS, after logging in"
        assert envelope["rcpt_tos"] == [address] and message["To"] == address
        assert message["Cc"] is None and message["Bcc"] is None
        assert message["From"] == "CIN plans <cin-plans@council.example>"
        assert message["Message-ID"] == outcomes[address]["message_id"]
        assert message["Subject"] == "Child in Need meeting on 17 December 2026: papers for case CIN-2026-0412"
        assert {p.get_content_type() for p in message.walk()} >= {"text/plain", "text/html"}
        text = body_text(message)
        assert "Tom Okafor" in text and "01454 000000" in text, "how to reach the key worker"
        for name in CHILD_NAMES:
            assert name not in message["Subject"] and name not in text
        assert PASSWORD not in message.as_string()

    # the parent: exactly her documents, as PDFs that open, and the review invitation
    [(message, _)] = mail["sarah.jones@example.org"]
    attachments = {p.get_filename(): p for p in message.iter_attachments()}
    assert set(attachments) == {"plan-C1.pdf", "plan-C2.pdf", "review-invitation.ics"}
    for name in ("plan-C1.pdf", "plan-C2.pdf"):
        assert len(PdfReader(io.BytesIO(attachments[name].get_content())).pages) == 1
    invite = attachments["review-invitation.ics"].get_content()
    invite = invite.decode() if isinstance(invite, bytes) else invite
    assert "METHOD:REQUEST" in invite and "DTSTART;VALUE=DATE:20270211" in invite.replace("\r\n", "\n")

    # a secure email copy: the encrypted pack, its password only in private/
    [(message, _)] = mail["h.carter@school.example"]
    [pack] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    reader = PdfReader(io.BytesIO(pack.get_content()))
    assert reader.is_encrypted
    passwords = {
        line.split("\t")[1]: line.split("\t")[3]
        for line in (root / "outbox/CIN-2026-0412/2026-12-17-initial" / PASSWORDS_FILE).read_text().splitlines()
        if not line.startswith("#")
    }
    assert reader.decrypt(passwords["Mrs Helen Carter"]) and len(reader.pages) == 2
    for _, messages in mail.items():
        for sent, _ in messages:
            assert all(p not in sent.as_string() for p in passwords.values()), "no pack password travels by email"
    assert "password" in body_text(message) and "phone" in body_text(message)

    # nothing twice: a second run sends nothing, and the copies are no longer due
    again = docgen("send", "--root", str(root), "--json")
    assert again.exit_code == 0 and json.loads(again.output) == []
    assert len(mail_server.messages()) == 4
    due = json.loads(docgen("due", "--root", str(root), "--json", "--as-of", "2026-12-18").output)
    copies_due = {d["recipient"] for d in due if d["kind"] == "copies_due"}
    assert copies_due.isdisjoint({"Sarah Jones", "Mrs Helen Carter", "Nadia Ali", "Tom Okafor"})
    assert "Daniel Jones" in copies_due, "the postal copy is still to be posted"

    # the sent dates are in distribution.xlsx too
    sheet = openpyxl.load_workbook(root / "outbox/CIN-2026-0412/2026-12-17-initial/distribution.xlsx").active
    rows = [dict(zip([c.value for c in sheet[1]], [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    for row in rows:
        assert (row["Sent date"] is not None) == (row["Delivery"] in ("email", "secure_email")), row
        if row["Sent date"]:
            assert row["Sent by"] == "docgen send"
    assert "print-pack.pdf" in [d["path"] for d in manifest["documents"]]


def test_dry_run_connects_to_nothing(tmp_path: Path, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    set_up(root, mail_server.port, mail_server.ca)
    mail_server.stop()  # a dry run needs neither the server nor the password
    monkeypatch.delenv("DOCGEN_TEST_SMTP_PASSWORD", raising=False)
    result = docgen("send", "--root", str(root), "--dry-run")
    assert result.exit_code == 0, result.output
    assert (
        "Would send: CIN-2026-0412 2026-12-17-initial to Sarah Jones <sarah.jones@example.org> (plan-C1.docx, plan-C2.docx)"
        in result.output
    )
    assert result.output.count("Would send") == 4
    assert result.output.endswith("\n4 would send.\n")


def test_secure_email_without_pdf_is_skipped_with_the_reason(tmp_path: Path, mail_server: MailServer, smtp_password: str) -> None:
    root = tmp_path / "root"
    publish(root, clean_initial(), pdf=False)
    (root / "docgen.toml").write_text(email_toml(mail_server.port, mail_server.ca))
    outcomes = {r["recipient"]: r for r in json.loads(docgen("send", "--root", str(root), "--json").output)}
    assert outcomes["Mrs Helen Carter"]["status"] == "skipped" and "PDF" in outcomes["Mrs Helen Carter"]["detail"]
    assert outcomes["Sarah Jones"]["status"] == "sent"
    [(message, _)] = received(mail_server)["sarah.jones@example.org"]
    assert {p.get_filename() for p in message.iter_attachments()} == {"plan-C1.docx", "plan-C2.docx", "review-invitation.ics"}


def test_552_on_one_recipient_fails_that_copy_only(tmp_path: Path, certs: dict[str, Path], smtp_password: str) -> None:
    server = start_server(tmp_path / "mail", certs, reject=("nadia.ali@health.example",), defer=("sarah.jones@example.org",))
    try:
        root = tmp_path / "root"
        set_up(root, server.port, certs["ca"])
        outcomes = {r["email"]: r for r in json.loads(docgen("send", "--root", str(root), "--json").output)}
        failed = outcomes["nadia.ali@health.example"]
        assert failed["status"] == "failed"
        assert "552 5.2.2 Mailbox full" in failed["detail"] and "stays due" in failed["detail"]
        assert outcomes["sarah.jones@example.org"]["status"] == "sent", "a 451 is tried again in the same run"
        assert set(received(server)) == {"sarah.jones@example.org", "h.carter@school.example", "tom.okafor@council.example"}
        due = json.loads(docgen("due", "--root", str(root), "--json", "--as-of", "2026-12-18").output)
        assert "Nadia Ali" in {d.get("recipient") for d in due}, "a refused copy stays due"
    finally:
        server.stop()


def test_refused_login_is_one_line_and_nothing_is_marked_sent(
    tmp_path: Path, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    set_up(root, mail_server.port, mail_server.ca)
    monkeypatch.setenv("DOCGEN_TEST_SMTP_PASSWORD", "wrong")
    result = docgen("send", "--root", str(root))
    assert result.exit_code == 2
    [line] = [x for x in result.output.splitlines() if x.startswith("docgen:")]
    assert "refused the login for cin-plans" in line and "DOCGEN_TEST_SMTP_PASSWORD" in line
    assert mail_server.messages() == []
    due = json.loads(docgen("due", "--root", str(root), "--json", "--as-of", "2026-12-18").output)
    assert "Sarah Jones" in {d.get("recipient") for d in due}


def test_unreachable_server_is_one_line(tmp_path: Path, mail_server: MailServer, certs: dict[str, Path], smtp_password: str) -> None:
    root = tmp_path / "root"
    set_up(root, mail_server.port, mail_server.ca, retries=1)
    mail_server.stop()
    result = docgen("send", "--root", str(root))
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if x.startswith("docgen:")]
    assert f"The mail server 127.0.0.1:{mail_server.port} cannot be reached" in line
    again = start_server(tmp_path / "mail2", certs)
    try:  # nothing was marked sent: once the server is back, every copy goes
        (root / "docgen.toml").write_text(email_toml(again.port, mail_server.ca))
        assert len(json.loads(docgen("send", "--root", str(root), "--json").output)) == 4
        assert len(again.messages()) == 4
    finally:
        again.stop()


def test_a_server_whose_certificate_does_not_check_out_gets_nothing(tmp_path: Path, mail_server: MailServer, smtp_password: str) -> None:
    root = tmp_path / "root"
    set_up(root, mail_server.port, None)  # no ca_file: the test CA is not trusted
    result = docgen("send", "--root", str(root))
    assert result.exit_code == 2
    assert "did not prove who it is" in result.output and "ca_file" in result.output
    assert mail_server.messages() == []


def test_missing_password_variable(tmp_path: Path, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    set_up(root, mail_server.port, mail_server.ca)
    monkeypatch.delenv("DOCGEN_TEST_SMTP_PASSWORD", raising=False)
    result = docgen("send", "--root", str(root))
    assert result.exit_code == 2
    assert result.output.strip() == (
        "docgen: The mail server password is not set: put it in the environment variable DOCGEN_TEST_SMTP_PASSWORD "
        "(named by password_env in docgen.toml) before running docgen send."
    )


def test_malformed_address_fails_that_copy_in_one_line(tmp_path: Path, mail_server: MailServer, smtp_password: str) -> None:
    record = clean_initial()
    record["participants"][0]["email"] = "sarah.jones at example.org"
    root = tmp_path / "root"
    set_up(root, mail_server.port, mail_server.ca, record=record)
    outcomes = {r["recipient"]: r for r in json.loads(docgen("send", "--root", str(root), "--json").output)}
    assert outcomes["Sarah Jones"]["status"] == "failed"
    assert (
        outcomes["Sarah Jones"]["detail"]
        == "'sarah.jones at example.org' is not an email address: correct it on the form and publish it again"
    )
    assert outcomes["Nadia Ali"]["status"] == "sent"


def test_the_workbook_open_in_excel_is_left_alone_and_written_once_closed(
    tmp_path: Path, mail_server: MailServer, smtp_password: str
) -> None:
    root = tmp_path / "root"
    set_up(root, mail_server.port, mail_server.ca)
    workbook = root / "outbox/CIN-2026-0412/2026-12-17-initial/distribution.xlsx"
    book = openpyxl.load_workbook(workbook)  # staff typed a date for the postal copy and one of the email copies
    sheet = book.active
    import datetime as dt

    for row in sheet.iter_rows(min_row=2):
        if row[0].value in ("Daniel Jones",) or (row[0].value == "Sarah Jones" and row[4].value == "plan-C1.docx"):
            row[10].value = dt.datetime(2026, 12, 18)
    book.save(workbook)
    owner = workbook.with_name("~$distribution.xlsx")
    owner.write_bytes(b"owner")
    before = workbook.read_bytes()
    result = docgen("send", "--root", str(root), "--json")
    assert {r["status"] for r in json.loads(result.output)} == {"sent"}
    assert workbook.read_bytes() == before, "left alone while open in Excel"
    owner.unlink()
    assert json.loads(docgen("send", "--root", str(root), "--json").output) == []
    rows = {(r[0].value, r[4].value): r[10].value for r in openpyxl.load_workbook(workbook).active.iter_rows(min_row=2)}
    assert rows[("Sarah Jones", "plan-C1.docx")] == dt.datetime(2026, 12, 18), "a date staff typed is never overwritten"
    assert rows[("Sarah Jones", "plan-C2.docx")] is not None and rows[("Sarah Jones", "plan-C2.docx")] != dt.datetime(2026, 12, 18)
    assert rows[("Daniel Jones", "plan-C1.docx")] == dt.datetime(2026, 12, 18)


def test_an_interrupted_sending_is_uncertain_in_docgen_due_until_resent(
    tmp_path: Path, mail_server: MailServer, smtp_password: str
) -> None:
    from docgen.ledger.send_journal import Journal
    from docgen.ledger.store import Ledger
    from docgen.send.emailed_copies import copies_of_meeting

    root = tmp_path / "root"
    set_up(root, mail_server.port, mail_server.ca)
    sarah = next(c for c in copies_of_meeting(root / "outbox/CIN-2026-0412/2026-12-17-initial") if c.recipient == "Sarah Jones")
    with Ledger.open(root) as ledger:  # a run that stopped after noting the message and before hearing back
        journal = Journal.open(ledger.path)
        journal.start(
            copy_key=sarah.key,
            case_reference=sarah.case_reference,
            folder=sarah.folder,
            recipient=sarah.recipient,
            email=sarah.email,
            documents=sarah.documents,
            message_id="<earlier@council.example>",
        )
        journal.close()
    outcomes = {r["recipient"]: r for r in json.loads(docgen("send", "--root", str(root), "--json").output)}
    assert outcomes["Sarah Jones"]["status"] == "uncertain" and outcomes["Sarah Jones"]["message_id"] == "<earlier@council.example>"
    assert "sarah.jones@example.org" not in received(mail_server)
    due = docgen("due", "--root", str(root), "--as-of", "2026-12-18")
    assert "Copy to: Sarah Jones (email uncertain: check, then docgen send --resend)" in due.output
    listed = json.loads(docgen("due", "--root", str(root), "--json", "--as-of", "2026-12-18").output)
    assert {d["recipient"] for d in listed if d.get("sending") == "uncertain"} == {"Sarah Jones"}

    resent = json.loads(docgen("send", "--root", str(root), "--json", "--resend").output)
    assert [(r["recipient"], r["status"]) for r in resent] == [("Sarah Jones", "sent")]
    [(message, _)] = received(mail_server)["sarah.jones@example.org"]
    assert message["Message-ID"] == "<earlier@council.example>"
    assert "Sarah Jones" not in docgen("due", "--root", str(root), "--as-of", "2026-12-18").output


def test_implicit_tls_on_its_own_port(tmp_path: Path, certs: dict[str, Path], smtp_password: str) -> None:
    server = start_server(tmp_path / "mail", certs, implicit_tls=True)
    try:
        root = tmp_path / "root"
        set_up(root, server.port, certs["ca"], security="ssl")
        outcomes = json.loads(docgen("send", "--root", str(root), "--json").output)
        assert [o["status"] for o in outcomes] == ["sent"] * 4
        assert all(e["auth"] for _, e in server.messages())
    finally:
        server.stop()


def test_only_the_case_asked_for(tmp_path: Path, mail_server: MailServer, smtp_password: str) -> None:
    root = tmp_path / "root"
    set_up(root, mail_server.port, mail_server.ca)
    result = docgen("send", "--root", str(root), "--case", "CIN-OTHER")
    assert result.exit_code == 0 and result.output == "Nothing to send: every email copy has been sent.\n"
    assert mail_server.messages() == []
    assert len(json.loads(docgen("send", "--root", str(root), "--case", "CIN-2026-0412", "--json").output)) == 4


def test_a_council_s_broken_email_template_is_one_line(
    tmp_path: Path, mail_server: MailServer, smtp_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "templates", own / "templates")
    shutil.copytree(Path(__file__).resolve().parents[2] / "schemas", own / "schemas")
    (own / "templates/email/copy.txt").write_text("Hello {{ case_reference\n")
    monkeypatch.setenv("DOCGEN_DATA", str(own))
    root = tmp_path / "root"
    set_up(root, mail_server.port, mail_server.ca)
    result = docgen("send", "--root", str(root))
    assert result.exit_code == 2
    assert f"docgen: The email template {own / 'templates/email/copy.txt'} cannot be used" in result.output
    assert mail_server.messages() == []


def test_an_amended_form_s_copies_go_again_and_the_invitation_updates_the_same_event(
    tmp_path: Path, mail_server: MailServer, smtp_password: str
) -> None:
    root = tmp_path / "root"
    set_up(root, mail_server.port, mail_server.ca)
    assert len(json.loads(docgen("send", "--root", str(root), "--json").output)) == 4
    record = clean_initial()
    record["meeting"]["next_review_date"] = "2027-02-18"
    publish(root, record, sha256="1" * 64)
    again = json.loads(docgen("send", "--root", str(root), "--json").output)
    assert [o["status"] for o in again] == ["sent"] * 4
    first, second = (m for m, _ in received(mail_server)["sarah.jones@example.org"])

    def invitation(message: Any) -> str:
        [part] = [p for p in message.iter_attachments() if p.get_filename() == "review-invitation.ics"]
        content = part.get_content()
        return content.decode() if isinstance(content, bytes) else content

    uid = [line for line in invitation(first).splitlines() if line.startswith("UID:")]
    assert uid == [line for line in invitation(second).splitlines() if line.startswith("UID:")]
    assert "DTSTART;VALUE=DATE:20270218" in invitation(second)


def test_dropped_connections_retried_before_handover_and_uncertain_after(
    tmp_path: Path, certs: dict[str, Path], smtp_password: str
) -> None:
    server = start_server(
        tmp_path / "mail", certs, hang_up_at_rcpt=("sarah.jones@example.org",), hang_up_after_data=("nadia.ali@health.example",)
    )
    try:
        root = tmp_path / "root"
        set_up(root, server.port, certs["ca"])
        outcomes = {r["email"]: r for r in json.loads(docgen("send", "--root", str(root), "--json").output)}
        assert outcomes["sarah.jones@example.org"]["status"] == "sent", "dropped before the message went: tried again"
        nadia = outcomes["nadia.ali@health.example"]
        assert nadia["status"] == "uncertain" and "broke while the message was being handed over" in nadia["detail"]
        assert {k: len(v) for k, v in received(server).items()} == dict.fromkeys(outcomes, 1), "each arrived once"
        assert {o["status"] for o in outcomes.values() if o is not nadia} == {"sent"}

        assert [o["status"] for o in json.loads(docgen("send", "--root", str(root), "--json").output)] == ["uncertain"]
        resent = json.loads(docgen("send", "--root", str(root), "--json", "--resend").output)
        assert [(o["email"], o["status"]) for o in resent] == [("nadia.ali@health.example", "sent")]
        first, second = (m for m, _ in received(server)["nadia.ali@health.example"])
        assert first["Message-ID"] == second["Message-ID"] == nadia["message_id"]
    finally:
        server.stop()
