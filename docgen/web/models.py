"""What the pages show, read from the ledger and the outbox through the library: no view touches SQL or walks folders itself.

This is the one seam between the web app and the rest of docgen: a case's history is the ledger's own
(``docgen.ledger.history``, as ``docgen case`` prints it); what is kept here is how the pages word it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.deadline_kinds import KIND_WORDS as ALL_KIND_WORDS
from docgen.errors import DocgenError
from docgen.ledger import Ledger, Visit
from docgen.ledger.connection import LEDGER_PATH
from docgen.ledger.history import CaseHistory, UnknownCaseError
from docgen.ledger.history import case_history as history_of_case
from docgen.ledger.send_journal import Sending, emails_to_check, uncertain_copies
from docgen.pdf.making import PASSWORDS_FILE
from docgen.root import Layout
from docgen.send.sent_dates import record_sent
from docgen.service.state import paused_notice
from docgen.typed_dates import sent_date_problem, visit_date_problem

__all__ = [
    "KIND_WORDS",
    "LedgerAccess",
    "PackPassword",
    "case_deadlines",
    "case_history",
    "copy_date_problem",
    "emails_to_check_in",
    "emails_uncertain",
    "next_meeting_forms",
    "pack_passwords",
    "published_file",
    "record_copy_sent",
    "record_visit",
    "service_paused",
    "valid_reference",
    "visit_date_problem_in",
]

#: deadline kinds in the words of the procedure, as the pages show them
KIND_WORDS = {kind.value: words.page for kind, words in ALL_KIND_WORDS.items()}
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}-(initial|review|closure)$")


class LedgerAccess:
    """One ledger connection per server thread (SQLite connections stay in their thread), and a stamp that changes with every write."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._local = threading.local()

    def get(self) -> Ledger:
        """This thread's open ledger."""
        ledger = getattr(self._local, "ledger", None)
        if ledger is None:
            ledger = self._local.ledger = Ledger.open(self.root)
        return ledger

    def stamp(self) -> tuple[int, ...]:
        """Changes whenever anything writes to the ledger (its file or its write-ahead log): the key cached answers keep."""
        out: list[int] = []
        for suffix in ("", "-wal"):
            try:
                stat = os.stat(f"{self.get().path}{suffix}")
                out += [stat.st_mtime_ns, stat.st_size]
            except FileNotFoundError:
                out += [0, 0]
        return tuple(out)


def valid_reference(reference: str) -> bool:
    """Whether ``reference`` could be a case reference (DESIGN.md's pattern)."""
    return bool(_REFERENCE.match(reference))


def case_history(access: LedgerAccess, reference: str, as_of: dt.date) -> CaseHistory | None:
    """The case's history from the ledger (``docgen.ledger.history``), or None if the ledger has no meeting for it."""
    if not valid_reference(reference):
        return None
    try:
        return history_of_case(access.get(), reference, as_of=as_of, root=access.root)
    except UnknownCaseError:
        return None


def case_deadlines(access: LedgerAccess, history: CaseHistory) -> list[dict[str, Any]]:
    """The case's deadlines as its page shows them: each one's state in the page's words, and whether its email is uncertain."""
    uncertain = uncertain_copies(access.get().path)  # emails docgen send may or may not have sent
    return [
        dict(
            d,
            state=_state(d, history.as_of),
            email_uncertain=(history.case_reference, d.get("folder"), str(d.get("recipient") or "").strip().lower()) in uncertain,
        )
        for d in history.deadline_rows
    ]


def emails_to_check_in(access: LedgerAccess) -> list[Sending]:
    """Emails ``docgen send`` was interrupted while sending: they may or may not have arrived (staff check, then resend)."""
    return emails_to_check(access.root / LEDGER_PATH)


def emails_uncertain(access: LedgerAccess) -> set[tuple[str, str, str]]:
    """(case, meeting folder, recipient in lower case) of each of ``emails_to_check_in``: the copies to flag."""
    return uncertain_copies(access.root / LEDGER_PATH)


def _state(deadline: dict[str, Any], as_of: dt.date) -> str:
    status = deadline["status"]
    if status == "open":
        return "Overdue" if deadline["due_date"] < as_of.isoformat() else "Upcoming"
    if status == "met":
        return "Met late" if deadline["late"] else "Met"
    return "Closed"


def published_file(access: LedgerAccess, reference: str, folder: str, path: str) -> Path | None:
    """``outbox/<reference>/<folder>/<path>`` if it is a document the meeting's manifest lists; None for anything else."""
    if not valid_reference(reference) or not _FOLDER.match(folder):
        return None
    ledger = access.get()
    meeting = ledger.meeting_by_folder(reference, folder)
    if meeting is None:
        return None
    manifest = ledger.meeting_manifest(meeting.id)
    listed = {str(d["path"]) for d in manifest.get("documents") or [] if d.get("path")}
    source_name = (manifest.get("source") or {}).get("name")
    if source_name:
        listed.add(f"source/{source_name}")
    if path not in listed:
        return None
    return _regular_file_within(Layout(access.root).outbox / reference, [folder, *path.split("/")])


@dataclass(frozen=True)
class PackPassword:
    """The password of one ``secure_email`` recipient's encrypted PDF pack, for staff to give by phone."""

    pack: str
    recipient: str
    email: str
    password: str


def pack_passwords(access: LedgerAccess, reference: str, folder: str) -> list[PackPassword]:
    """The pack passwords of a published meeting (``private/pdf-passwords.txt``); none when it has no encrypted packs."""
    path = _regular_file_within(Layout(access.root).outbox / reference, [folder, *PASSWORDS_FILE.parts])
    if path is None:
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) == 4 and not line.startswith("#"):
            found.append(PackPassword(*fields))
    return found


def _regular_file_within(base: Path, parts: list[str]) -> Path | None:
    """``base/<parts>`` if every step is a real folder and the last a regular file: a link anywhere on the way is never followed."""
    current = base
    for index, part in enumerate(parts):
        if part in ("", ".", ".."):
            return None
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except OSError:
            return None
        wanted = stat.S_ISREG if index == len(parts) - 1 else stat.S_ISDIR
        if not wanted(mode):  # a symlink is neither: it might lead to private/ or anywhere else
            return None
    return current


def next_meeting_forms(root: Path, reference: str, meeting_type: str, out: Path) -> list[Path] | None:
    """The next meeting's Word and Excel forms for a case, pre-filled from its latest meeting, written into ``out``; None if they cannot be made."""
    from docgen.blanks.next_meeting import write_case_forms  # the form generators load only when a form is asked for

    try:
        paths: list[Path] = write_case_forms(out, root, reference, meeting_type)
    except DocgenError:  # an unknown case, or one whose latest record the ledger never had
        return None
    return paths


def service_paused(root: Path) -> str | None:
    """One line for every page while the inbox service is paused by a fault of the machine (disk full, share gone); else None."""
    return paused_notice(root)


def copy_date_problem(access: LedgerAccess, meeting_id: int, sent: dt.date) -> str | None:
    """Why a copy of the meeting cannot have been sent on ``sent`` (before the meeting, after today); None when it could."""
    meeting = next((m for m in access.get().meetings() if m.id == meeting_id), None)
    return sent_date_problem(sent, dt.date.fromisoformat(meeting.meeting_date)) if meeting else None


def visit_date_problem_in(access: LedgerAccess, reference: str, day: dt.date) -> str | None:
    """Why a visit in the case cannot have been made on ``day`` (before the plan start, after today); None when it could."""
    return visit_date_problem(day, access.get().plan_start(reference))


def record_copy_sent(access: LedgerAccess, meeting_id: int, recipient: str, document: str | None, sent: dt.date, by: str) -> int:
    """Records that a recipient's copy (``document`` None: all their documents) went out; returns how many copies changed.

    Where docgen keeps ``distribution.xlsx`` in step with the ledger (``docgen sent``), that is done too.
    """
    ledger = access.get()
    before = [c for c in ledger.copies(meeting_id) if not c.get("sent_date")]
    meeting = next((m for m in ledger.meetings() if m.id == meeting_id), None) if document is None else None
    if meeting is not None:
        record_sent(access.root, ledger, meeting.case_reference, meeting.folder, recipient, sent, by)
    else:
        ledger.mark_copies_sent(meeting_id, [(recipient, document, sent, by)])
    return len(before) - len([c for c in ledger.copies(meeting_id) if not c.get("sent_date")])


def record_visit(access: LedgerAccess, reference: str, child: str, day: dt.date, seen_alone: bool | None, by: str) -> int:
    """Records a statutory visit to a child; returns 1 if it was new."""
    return access.get().record_visits([Visit(reference, child, day, seen_alone)], source=f"web: {by}")
