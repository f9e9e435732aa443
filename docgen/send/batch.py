"""``send_copies``: every email and secure email copy not yet sent, one message per recipient per meeting, exactly once.

For each copy: a durable ``sending`` record with the Message-ID, the message handed to the server, then
``sent`` with the time — and the sent date goes to the ledger (``copies_due`` met) and ``distribution.xlsx``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from docgen.ledger.connection import LEDGER_PATH
from docgen.ledger.send_journal import Journal, Sending
from docgen.ledger.store import Ledger, MeetingRow
from docgen.record import is_email_address
from docgen.root import Layout
from docgen.send.delivery import Mailer, MailServerError, Postbox, Refused, Uncertain
from docgen.send.emailed_copies import Copy, copies_of_meeting
from docgen.send.message import build_message, new_message_id
from docgen.send.sent_dates import flush_pending_workbooks, mark_carried_in_ledger, send_lock, update_workbook
from docgen.settings.sending import EmailSettings, smtp_password

__all__ = ["SendResult", "SendRun", "send_copies"]

SENT_BY = "docgen send"

MailerFactory = Callable[[EmailSettings, "str | None"], Postbox]


@dataclass(frozen=True)
class SendResult:
    """One line of ``docgen send --json``."""

    case_reference: str
    meeting: str
    recipient: str
    email: str
    documents: list[str]
    status: str  # sent, failed, uncertain, skipped (and would_send in a dry run)
    message_id: str | None
    detail: str

    def to_json(self) -> dict[str, object]:
        """The object ``--json`` prints."""
        return asdict(self)


@dataclass
class SendRun:
    """What one run did: a result per copy looked at, and why it stopped early (the server could not be used), if it did."""

    results: list[SendResult]
    stopped: MailServerError | None = None


def _result(copy: Copy, status: str, detail: str, message_id: str | None = None) -> SendResult:
    return SendResult(copy.case_reference, copy.folder, copy.recipient, copy.email, list(copy.documents), status, message_id, detail)


def _local_day(stamp: str) -> dt.date:
    return dt.datetime.fromisoformat(stamp).astimezone().date()


def _all_sent_already(ledger: Ledger, copy: Copy) -> bool:
    """Staff recorded every document this message would carry as sent (by hand, post, or the xlsx)."""
    meeting = ledger.meeting_by_folder(copy.case_reference, copy.folder)
    if meeting is None:
        return True
    wanted = {(r.strip().lower(), d) for r, d in _carried(copy)}
    rows = [c for c in ledger.copies(meeting.id) if (c["recipient"].strip().lower(), c["document"]) in wanted]
    return bool(rows) and all(c["sent_date"] for c in rows)


def _carried(copy: Copy) -> tuple[tuple[str, str], ...]:
    return copy.carries or tuple((copy.recipient, d) for d in copy.documents)


def _carried_by(root: Path, row: Sending) -> tuple[tuple[str, str], ...]:
    """The copies a message the journal holds carried: its meeting's copy of that key, else its recipient's documents."""
    folder = Layout(root).outbox / row.case_reference / row.folder
    if (folder / "manifest.json").is_file():
        for copy in copies_of_meeting(folder):
            if copy.key == row.copy_key:
                return _carried(copy)
    return tuple((row.recipient, d) for d in row.documents)


def _catch_up(root: Path, ledger: Ledger, journal: Journal) -> None:
    """Sent messages whose date is not yet everywhere (a crash, or the workbook was open in Excel)."""
    touched: dict[tuple[str, str], list[str]] = {}
    for row in journal.unrecorded():
        day = _local_day(row.sent_at or "")
        mark_carried_in_ledger(ledger, row.case_reference, row.folder, _carried_by(root, row), day, SENT_BY)
        touched.setdefault((row.case_reference, row.folder), []).append(row.copy_key)
    _into_workbooks(root, ledger, journal, touched)


def _into_workbooks(root: Path, ledger: Ledger, journal: Journal, touched: dict[tuple[str, str], list[str]]) -> None:
    """Each meeting's distribution.xlsx written once for all its copies just sent; then their journal rows are complete."""
    for (case, folder), keys in touched.items():
        if update_workbook(root, ledger, case, folder):
            for key in keys:
                journal.mark_recorded(key)


def _current_copies(root: Path, ledger: Ledger, case: str | None) -> list[Copy]:
    """The copies of each case's latest meeting: an earlier meeting's unsent copies are superseded, never sent."""
    latest: dict[str, MeetingRow] = {}
    for meeting in ledger.meetings(case):  # by case and date
        if meeting.superseded_by is None:
            latest[meeting.case_reference] = meeting
    copies = []
    sent_before = {(r.case_reference, r.folder, r.email.strip().lower()) for r in Journal(ledger).all(status="sent")}
    for meeting in latest.values():
        folder = Layout(root).outbox / meeting.case_reference / meeting.folder
        if (folder / "manifest.json").is_file():
            withdrawn = _review_withdrawn(ledger, meeting)
            for copy in copies_of_meeting(folder):
                if withdrawn and (meeting.case_reference, withdrawn[0], copy.email.strip().lower()) in sent_before:
                    copy = dataclasses.replace(copy, cancels=withdrawn)
                copies.append(copy)
    return copies


def _review_withdrawn(ledger: Ledger, meeting: MeetingRow) -> tuple[str, str] | None:
    """(folder, date) of the review the case's previous meeting set, where this closure, held before it, means it will not be held."""
    if meeting.meeting_type != "closure":
        return None
    earlier = [m for m in ledger.meetings(meeting.case_reference) if m.meeting_date < meeting.meeting_date]
    if not earlier:
        return None
    previous = earlier[-1]
    deadlines = ledger.meeting_manifest(previous.id).get("deadlines") or []
    review = next((str(d["date"]) for d in deadlines if d.get("kind") == "next_review" and d.get("date")), None)
    return (previous.folder, review) if review and review > meeting.meeting_date else None


def send_copies(
    root: Path,
    settings: EmailSettings,
    *,
    case: str | None = None,
    dry_run: bool = False,
    resend: bool = False,
    mailer_factory: MailerFactory | None = None,
    progress: Callable[[SendResult], None] | None = None,
) -> SendRun:
    """Sends every copy still to go (see the module's note) and says what became of each one it looked at.

    When the server cannot be reached or refuses the login the run stops there (``stopped`` says why; nothing
    more is sent). Raises ``ConfigError`` when the password variable is missing.
    """
    root = Path(root)
    if not (root / LEDGER_PATH).is_file():
        return SendRun([])  # nothing was ever published here
    password = None if dry_run else smtp_password(settings)
    with contextlib.ExitStack() as stack:
        if not dry_run:
            stack.enter_context(send_lock(root))
        ledger = stack.enter_context(Ledger.open(root))
        journal = Journal(ledger)  # on the ledger's own connection: one place opens, begins and commits
        if not dry_run:
            from docgen.ledger.distribution_lists import sync_sent_dates

            sync_sent_dates(root, ledger)  # dates staff typed reach the ledger first, and are never overwritten
            journal.interrupted_to_uncertain()
            _catch_up(root, ledger, journal)
            flush_pending_workbooks(root, ledger)
        make_mailer = mailer_factory or (lambda s, p: Mailer(s, p))
        mailer = stack.enter_context(make_mailer(settings, password))
        run = SendRun([])
        touched: dict[tuple[str, str], list[str]] = {}  # meetings whose workbook gets the dates once, after the batch
        stack.callback(_into_workbooks, root, ledger, journal, touched)
        for copy in _current_copies(root, ledger, case):
            try:
                result = _one(root, copy, settings, ledger, journal, mailer, dry_run=dry_run, resend=resend)
            except MailServerError as exc:
                run.stopped = exc
                return run
            if result is None:
                continue
            if result.status == "sent":
                touched.setdefault((copy.case_reference, copy.folder), []).append(copy.key)
            run.results.append(result)
            if progress:
                progress(result)
        return run


def _one(
    root: Path, copy: Copy, settings: EmailSettings, ledger: Ledger, journal: Journal, mailer: Postbox, *, dry_run: bool, resend: bool
) -> SendResult | None:
    """What becomes of one copy; None for one already sent (nothing to say about it)."""
    before: Sending | None = journal.get(copy.key)
    if (before and before.status == "sent") or _all_sent_already(ledger, copy):
        return None
    if before and before.status in ("uncertain", "sending") and not resend:  # "sending": a dry run beside a stopped one
        return _result(
            copy, "uncertain", f"{before.detail}: check with the recipient, then docgen send --resend to send it again", before.message_id
        )
    if copy.skip_reason:  # a bad address is a fault in the form: failed (and due), not merely skipped
        return _result(copy, "failed" if copy.email and not is_email_address(copy.email) else "skipped", copy.skip_reason)
    if copy.delivery == "secure_email" and not settings.verified_tls:
        return _result(copy, "skipped", 'secure email goes only over verified TLS, and docgen.toml [email] has security = "none"')
    if dry_run:
        return _result(copy, "would_send", f"would email {', '.join(copy.attachments)} to {copy.email}")
    # an uncertain message sent again keeps its Message-ID, so mail programs can see it is the same message
    message_id = before.message_id if before and before.status == "uncertain" else new_message_id(settings.sender)
    folder = Layout(root).outbox / copy.case_reference / copy.folder
    try:
        files = {name: (folder / name).read_bytes() for name in copy.attachments}
    except OSError as exc:
        return _result(copy, "skipped", f"{exc.filename} cannot be read ({exc.strerror}): publish the meeting again or check the outbox")
    worker_email = str(copy.key_worker.get("email") or "")
    if worker_email and not is_email_address(worker_email):  # it would go into the review invitation's headers
        return _result(copy, "failed", f"the key worker's email {worker_email!r} is not one address: correct the form and publish it again")
    try:
        message = build_message(copy, files, sender=settings.sender, message_id=message_id, invitation_sequence=_sequence(folder))
    except ValueError as exc:  # an address or name the email library refuses: this copy fails, the batch goes on
        return _result(copy, "failed", f"the message cannot be made ({exc}): correct the form and publish it again")
    journal.start(
        copy_key=copy.key,
        case_reference=copy.case_reference,
        folder=copy.folder,
        recipient=copy.recipient,
        email=copy.email,
        documents=copy.documents,
        message_id=message_id,
    )
    try:
        delivered = mailer.deliver(message, copy.email)
    except Refused as exc:
        journal.failed(copy.key, str(exc))
        return _result(copy, "failed", f"the mail server refused it: {exc}; the copy stays due", message_id)
    except Uncertain as exc:
        journal.uncertain(copy.key, str(exc))
        return _result(copy, "uncertain", f"{exc}: check with the recipient, then docgen send --resend to send it again", message_id)
    except MailServerError as exc:
        journal.failed(copy.key, str(exc))
        raise
    now = dt.datetime.now(dt.UTC)
    journal.sent(copy.key, delivered.reply, now)
    mark_carried_in_ledger(ledger, copy.case_reference, copy.folder, _carried(copy), now.astimezone().date(), SENT_BY)
    return _result(copy, "sent", delivered.reply, message_id)


def _sequence(folder: Path) -> int:
    """The invitation's SEQUENCE: later publications of the meeting (an amended form) carry a higher one."""
    try:
        return int((folder / "manifest.json").stat().st_mtime)
    except OSError:
        return 0
