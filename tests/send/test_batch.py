"""The sending loop with a fake mailer (fast): what each outcome of a delivery does to the journal, the ledger and the run."""

from __future__ import annotations

import datetime as dt
import os
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType

import pytest

from docgen.ledger.send_journal import Journal
from docgen.ledger.store import Ledger
from docgen.send.batch import send_copies
from docgen.send.delivery import Delivered, MailServerError, Refused, Uncertain
from docgen.settings.sending import EmailSettings
from tests.conftest import clean_initial
from tests.send.helpers import publish

SETTINGS = EmailSettings("smtp.council.example", 587, "starttls", "CIN plans <cin@council.example>")


class FakeMailer:
    """Stands in for ``Mailer``: answers each address as told (a reply, or an exception to raise)."""

    def __init__(self, answers: dict[str, Exception]) -> None:
        self.answers = answers
        self.delivered: list[str] = []

    def __enter__(self) -> FakeMailer:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        return None

    def deliver(self, message: EmailMessage, recipient: str) -> Delivered:
        if recipient in self.answers:
            raise self.answers[recipient]
        self.delivered.append(recipient)
        return Delivered("250 OK")


def _run(root: Path, mailer: FakeMailer, **kwargs: bool) -> dict[str, tuple[str, str]]:
    run = send_copies(root, SETTINGS, mailer_factory=lambda s, p: mailer, **kwargs)
    return {r.recipient: (r.status, r.detail) for r in run.results} | ({"stopped": ("", str(run.stopped))} if run.stopped else {})


def _journal(root: Path) -> dict[str, str]:
    with Ledger.open(root) as ledger:
        journal = Journal.open(ledger.path)
        rows = {row.recipient: row.status for row in journal.all()}
        journal.close()
    return rows


def _copies_due(root: Path) -> set[str | None]:
    with Ledger.open(root) as ledger:
        return {d.recipient for d in ledger.due(dt.date(2026, 12, 18), kind="copies_due")}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    publish(tmp_path, clean_initial())
    return tmp_path


def test_refused_and_uncertain_are_recorded_and_stay_due(root: Path) -> None:
    mailer = FakeMailer({"nadia.ali@health.example": Refused("550 5.1.1 No such user"), "sarah.jones@example.org": Uncertain("hung up")})
    outcomes = _run(root, mailer)
    assert outcomes["Nadia Ali"] == ("failed", "the mail server refused it: 550 5.1.1 No such user; the copy stays due")
    assert outcomes["Sarah Jones"][0] == "uncertain"
    assert _journal(root) == {"Sarah Jones": "uncertain", "Mrs Helen Carter": "sent", "Nadia Ali": "failed", "Tom Okafor": "sent"}
    assert {"Sarah Jones", "Nadia Ali"} <= _copies_due(root) and "Tom Okafor" not in _copies_due(root)

    again = _run(root, FakeMailer({}))
    assert again["Nadia Ali"][0] == "sent", "a refused copy is tried again by the next run"
    assert again["Sarah Jones"][0] == "uncertain", "an uncertain one waits for --resend"


def test_the_server_going_away_mid_batch_stops_the_run_and_marks_nothing_more(root: Path) -> None:
    mailer = FakeMailer({"nadia.ali@health.example": MailServerError("The mail server 127.0.0.1:25 cannot be reached")})
    outcomes = _run(root, mailer)
    assert outcomes["stopped"] == ("", "The mail server 127.0.0.1:25 cannot be reached")
    assert mailer.delivered == ["sarah.jones@example.org", "h.carter@school.example"]
    assert _journal(root) == {"Sarah Jones": "sent", "Mrs Helen Carter": "sent", "Nadia Ali": "failed"}
    assert {"Nadia Ali", "Tom Okafor"} <= _copies_due(root) and "Sarah Jones" not in _copies_due(root)


def test_secure_copies_never_go_without_verified_tls(root: Path) -> None:
    relay = EmailSettings("127.0.0.1", 25, "none", "CIN plans <cin@council.example>")
    mailer = FakeMailer({})
    run = send_copies(root, relay, mailer_factory=lambda s, p: mailer)
    skipped = {r.recipient: r.detail for r in run.results if r.status == "skipped"}
    assert set(skipped) == {"Mrs Helen Carter", "Nadia Ali"}
    assert skipped["Nadia Ali"] == 'secure email goes only over verified TLS, and docgen.toml [email] has security = "none"'
    assert mailer.delivered == ["sarah.jones@example.org", "tom.okafor@council.example"]


def test_an_attachment_that_cannot_be_read_is_skipped_with_the_reason(root: Path) -> None:
    folder = root / "outbox/CIN-2026-0412/2026-12-17-initial"
    (folder / "meeting-record.pdf").chmod(0)
    if os.access(folder / "meeting-record.pdf", os.R_OK):  # root reads anything: take the file away instead
        (folder / "meeting-record.pdf").rename(folder / "meeting-record.pdf.moved")
    outcomes = _run(root, FakeMailer({}))
    status, detail = outcomes["Tom Okafor"]
    assert status == "skipped" and "meeting-record.pdf" in detail
    assert outcomes["Sarah Jones"][0] == "sent"
