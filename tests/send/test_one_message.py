"""One message per address per meeting: a person listed in several roles gets one message carrying all their documents,
one pack, and a copy counts as sent only when a message carrying that document was accepted."""

from __future__ import annotations

import json
import shutil
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen.cli import main
from docgen.ledger.store import Ledger
from docgen.send.batch import send_copies
from docgen.send.delivery import Delivered, Refused
from docgen.settings.sending import EmailSettings
from tests.conftest import clean_initial
from tests.send.helpers import MailServer, email_toml, publish

KEY_WORKER = "tom.okafor@council.example"


def _key_worker_also_a_participant() -> dict[str, Any]:
    record = clean_initial()
    record["participants"].append(
        {
            "name": "Tom Okafor",
            "role": "professional",
            "agency": "Children's Social Care",
            "attended": True,
            "contribution": "verbal",
            "delivery": "email",
            "email": KEY_WORKER,
        }
    )
    return record


def _sent(root: Path) -> set[tuple[str, str]]:
    with Ledger.open(root) as ledger:
        meeting = ledger.meetings()[0]
        return {(c["recipient"], c["document"]) for c in ledger.copies(meeting.id) if c["sent_date"]}


def test_the_key_worker_listed_as_a_participant_gets_one_message_with_all_their_documents(
    tmp_path: Path, mail_server: MailServer, smtp_password: str
) -> None:
    root = tmp_path / "root"
    manifest = publish(root, _key_worker_also_a_participant())
    (root / "docgen.toml").write_text('policy = "standard"\npdf = true\n' + email_toml(mail_server.port, mail_server.ca))
    folder = root / "outbox" / manifest["case_reference"] / f"{manifest['meeting']['date']}-initial"
    assert sorted(p.name for p in folder.glob("pack-tom-okafor*.pdf")) == ["pack-tom-okafor.pdf"], "one pack for one person"

    result = CliRunner().invoke(main, ["send", "--root", str(root), "--json"])
    assert result.exit_code == 0, result.output
    to_tom = [r for r in json.loads(result.output) if r["email"] == KEY_WORKER]
    assert len(to_tom) == 1 and to_tom[0]["status"] == "sent"
    assert set(to_tom[0]["documents"]) == {"meeting-record.docx", "plan-C1.docx", "plan-C2.docx"}

    received = [(m, e) for m, e in mail_server.messages() if e["rcpt_tos"] == [KEY_WORKER]]
    assert len(received) == 1, "one message for one address"
    attached = {p.get_filename() for p in received[0][0].iter_attachments()} - {"review-invitation.ics"}
    assert attached == {"meeting-record.pdf", "plan-C1.pdf", "plan-C2.pdf"}
    assert {d for r, d in _sent(root) if r == "Tom Okafor"} == {"meeting-record.docx", "plan-C1.docx", "plan-C2.docx"}

    again = CliRunner().invoke(main, ["send", "--root", str(root), "--json"])
    assert json.loads(again.output) == [] and len(mail_server.messages()) == len(json.loads(result.output)), "nothing twice"


class _Recorder:
    """A mailer that accepts or refuses each address as told and keeps what it accepted (the fast fake beside the server test)."""

    def __init__(self, refuse: set[str]) -> None:
        self.refuse = refuse
        self.accepted: list[tuple[str, EmailMessage]] = []

    def __enter__(self) -> _Recorder:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        return None

    def deliver(self, message: EmailMessage, recipient: str) -> Delivered:
        if recipient in self.refuse:
            raise Refused("550 5.1.1 No such user")
        self.accepted.append((recipient, message))
        return Delivered("250 OK")


PEOPLE = [("Tom Okafor", KEY_WORKER), ("Sarah Jones", "sarah.jones@example.org"), ("Nadia Ali", "nadia.ali@health.example")]
DELIVERIES = ["email", "post", "hand"]


@st.composite
def _distributions(draw: st.DrawFn) -> tuple[list[tuple[str, str, str]], set[str]]:
    """Participants drawn from a few people, repeated across roles, with mixed deliveries; and addresses the server refuses."""
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(PEOPLE), st.sampled_from(["parent", "professional", "carer"]), st.sampled_from(DELIVERIES)),
            min_size=1,
            max_size=6,
        )
    )
    refuse = draw(st.sets(st.sampled_from([email for _, email in PEOPLE])))
    return [(name, email, role + "|" + delivery) for (name, email), role, delivery in rows], refuse


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=_distributions())
def test_the_documents_met_by_send_are_exactly_those_attached_to_accepted_messages(
    tmp_path_factory: Any, case: tuple[list[tuple[str, str, str]], set[str]]
) -> None:
    rows, refuse = case
    root = tmp_path_factory.mktemp("property")
    record = clean_initial()
    record["participants"] = [
        {
            "name": name,
            "role": how.split("|")[0],
            "agency": "Agency",
            "attended": True,
            "contribution": "verbal",
            "delivery": how.split("|")[1],
            "email": email,
            "address": "1 Test Street, Bristol BS1 1AA",
        }
        for name, email, how in rows
    ]
    publish(root, record, pdf=False)
    mailer = _Recorder(refuse)
    send_copies(
        root, EmailSettings("smtp.council.example", 587, "starttls", "CIN <cin@council.example>"), mailer_factory=lambda s, p: mailer
    )
    attached = set()
    for address, message in mailer.accepted:
        names = {n for n, e in PEOPLE if e == address}
        for part in message.iter_attachments():
            if part.get_filename().endswith(".docx"):
                attached |= {(n, part.get_filename()) for n in names}
    with Ledger.open(root) as ledger:
        meeting = ledger.meetings()[0]
        met = {(c["recipient"], c["document"]) for c in ledger.copies(meeting.id) if c["sent_date"]}
    assert met == attached
    assert len({a for a, _ in mailer.accepted}) == len(mailer.accepted), "one message per address"
    shutil.rmtree(root, ignore_errors=True)
