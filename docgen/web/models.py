"""What the pages show, read from the ledger and the outbox through the library: no view touches SQL or walks folders itself.

This is the one seam between the web app and the rest of docgen: when the ledger grows a case-history function
the pages switch to it here.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import stat
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.deadline_kinds import KIND_WORDS as ALL_KIND_WORDS
from docgen.errors import DocgenError, FormError
from docgen.ledger import Ledger, MeetingRow, Visit
from docgen.ledger.connection import LEDGER_PATH
from docgen.ledger.send_journal import Sending, emails_to_check, uncertain_copies
from docgen.pdf.making import PASSWORDS_FILE
from docgen.profiles import Profiles, profiles_in
from docgen.send.sent_dates import record_sent
from docgen.service.state import paused_notice
from docgen.typed_dates import sent_date_problem, visit_date_problem

__all__ = [
    "KIND_WORDS",
    "CaseHistory",
    "LedgerAccess",
    "MeetingHistory",
    "PackPassword",
    "UnsentCopy",
    "case_history",
    "case_key_worker",
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


@dataclass
class MeetingHistory:
    """One published meeting of a case: its documents, warnings, copies and (where the form gave them) scaling and progress."""

    row: MeetingRow
    manifest: dict[str, Any]
    copies: list[dict[str, Any]]
    scaling_score: int | None = None
    progress: dict[str, int] = field(default_factory=dict)  # objectives by progress

    @property
    def documents(self) -> list[dict[str, Any]]:
        """The manifest's documents (``path``, ``kind``, ``child``)."""
        return [d for d in self.manifest.get("documents") or [] if d.get("path")]


@dataclass
class CaseHistory:
    """Everything the ledger knows of one case."""

    reference: str
    key_worker: str | None
    meetings: list[MeetingHistory]
    deadlines: list[dict[str, Any]]
    visits: list[Visit]
    children: list[str]

    @property
    def scaling(self) -> list[tuple[dt.date, int]]:
        """Signs of Wellbeing scores over time, oldest first."""
        return [(dt.date.fromisoformat(m.row.meeting_date), m.scaling_score) for m in self.meetings if m.scaling_score is not None]

    @property
    def unsent_copies(self) -> list[UnsentCopy]:
        """The latest meeting's copies still to be sent, one entry per recipient (a recipient's documents go out together)."""
        grouped: dict[tuple[int, str], UnsentCopy] = {}
        for meeting in self.meetings[-1:]:  # an earlier meeting's unsent copies are superseded: never sent now
            for copy in meeting.copies:
                if copy.get("sent_date"):
                    continue
                key = (meeting.row.id, str(copy["recipient"]))
                entry = grouped.setdefault(
                    key, UnsentCopy(meeting.row.id, str(copy["recipient"]), [], copy.get("delivery"), str(copy["due_date"]))
                )
                entry.documents.append(str(copy["document"]))
        return list(grouped.values())


@dataclass
class UnsentCopy:
    """A recipient's copies of one meeting still to be sent."""

    meeting_id: int
    recipient: str
    documents: list[str]
    delivery: str | None
    due: str


def case_history(access: LedgerAccess, reference: str, as_of: dt.date) -> CaseHistory | None:
    """The case's history, or None if the ledger has no meeting for it."""
    if not valid_reference(reference):
        return None
    ledger = access.get()
    rows = ledger.meetings(reference)
    if not rows:
        return None
    meetings = []
    for row in rows:
        manifest = ledger.meeting_manifest(row.id)
        score, progress = _scaling_and_progress(access.root, ledger, row, manifest)
        meetings.append(MeetingHistory(row, manifest, ledger.copies(row.id), score, progress))
    deadlines = [dict(d, state=_state(d, as_of)) for d in ledger.deadlines(case=reference) if d["status"] != "retired"]
    uncertain = uncertain_copies(ledger.path)  # emails docgen send may or may not have sent
    for d in deadlines:
        d["email_uncertain"] = (reference, d.get("folder"), str(d.get("recipient") or "").strip().lower()) in uncertain
    children = sorted({str(c) for m in meetings for c in m.manifest.get("children") or []})
    key_worker = next((m.key_worker for m in reversed(rows) if m.key_worker), None)
    return CaseHistory(reference, key_worker, meetings, deadlines, ledger.visits(reference), children)


def emails_to_check_in(access: LedgerAccess) -> list[Sending]:
    """Emails ``docgen send`` was interrupted while sending: they may or may not have arrived (staff check, then resend)."""
    return emails_to_check(access.root / LEDGER_PATH)


def emails_uncertain(access: LedgerAccess) -> set[tuple[str, str, str]]:
    """(case, meeting folder, recipient in lower case) of each of ``emails_to_check_in``: the copies to flag."""
    return uncertain_copies(access.root / LEDGER_PATH)


def case_key_worker(access: LedgerAccess, reference: str) -> str | None:
    """The case's current key worker (from its latest meeting that names one)."""
    rows = access.get().meetings(reference) if valid_reference(reference) else []
    return next((m.key_worker for m in reversed(rows) if m.key_worker), None)


def _state(deadline: dict[str, Any], as_of: dt.date) -> str:
    status = deadline["status"]
    if status == "open":
        return "Overdue" if deadline["due_date"] < as_of.isoformat() else "Upcoming"
    if status == "met":
        return "Met late" if deadline["late"] else "Met"
    return "Closed"


def _scaling_and_progress(root: Path, ledger: Ledger, row: MeetingRow, manifest: dict[str, Any]) -> tuple[int | None, dict[str, int]]:
    """The meeting's scaling score and objectives' progress, from the record the ledger kept (where it keeps them), else the source form."""
    kept = getattr(ledger, "meeting_record", None)  # ledgers that keep each meeting's record save reading the form again
    record = kept(row.id) if kept else None
    if record is None:
        record = _source_record(
            profiles_in(root),
            str(root / "outbox" / row.case_reference / row.folder),
            str((manifest.get("source") or {}).get("name") or ""),
            row.sha256,
        )
    scaling = (record or {}).get("scaling")
    score = scaling.get("score") if isinstance(scaling, dict) else None
    objectives = (record or {}).get("objectives") or []
    progress = Counter(str(o.get("progress")) for o in objectives if isinstance(o, dict) and o.get("progress"))
    return (score if isinstance(score, int) and not isinstance(score, bool) else None), dict(progress)


@functools.lru_cache(maxsize=4096)
def _source_record(profiles: Profiles, folder: str, name: str, sha256: str) -> dict[str, Any] | None:
    """The canonical record read back from a meeting's ``source/`` form (the sha256 keys the cache: a new version is read anew)."""
    path = Path(folder) / "source" / name
    if not name or not path.is_file():
        return None
    from docgen.forms import read_form

    try:
        return dict(read_form(path, profiles.reading_catalogue()).record)
    except (FormError, OSError, ValueError):
        return None


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
    return _regular_file_within(access.root / "outbox" / reference, [folder, *path.split("/")])


@dataclass(frozen=True)
class PackPassword:
    """The password of one ``secure_email`` recipient's encrypted PDF pack, for staff to give by phone."""

    pack: str
    recipient: str
    email: str
    password: str


def pack_passwords(access: LedgerAccess, reference: str, folder: str) -> list[PackPassword]:
    """The pack passwords of a published meeting (``private/pdf-passwords.txt``); none when it has no encrypted packs."""
    path = _regular_file_within(access.root / "outbox" / reference, [folder, *PASSWORDS_FILE.parts])
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
