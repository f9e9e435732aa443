"""What the pages show, read from the ledger and the outbox through the library: no view touches SQL or walks folders itself.

This is the one seam between the web app and the rest of docgen: when the ledger grows a case-history function
the pages switch to it here.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from docgen.errors import FormError
from docgen.ledger import DueItem, Ledger, MeetingRow, Visit

__all__ = [
    "KIND_WORDS",
    "CaseHistory",
    "LedgerAccess",
    "MeetingHistory",
    "Overview",
    "case_history",
    "overview",
    "published_file",
]

#: deadline kinds in the words of the procedure, as the pages show them
KIND_WORDS = {
    "record_due": "Record of meeting",
    "copies_due": "Copy of the plan",
    "next_review": "Review meeting",
    "visit": "Statutory visit",
    "principal_manager_review": "Principal manager review",
    "divisional_manager_review": "Divisional manager review",
    "safeguarding": "Safeguarding",
}
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


@dataclass(frozen=True)
class Overview:
    """What is overdue and upcoming, counted by kind and key worker, with the overdue list first."""

    as_of: dt.date
    overdue: list[DueItem]  # only the first ``shown``, their days late worked out for ``as_of``
    upcoming: list[DueItem]  # only the first 50
    overdue_count: int
    upcoming_count: int
    by_kind: list[tuple[str, int, int]]  # kind words, overdue, upcoming
    by_key_worker: list[tuple[str, int, int]]
    key_workers: list[str]
    shown: int


@dataclass(frozen=True)
class _OpenDeadlines:
    """Every open deadline (by date) and every key worker, as the ledger had them at ``stamp``."""

    stamp: tuple[int, ...]
    items: list[DueItem]
    key_workers: list[str]


_CACHE_LOCK = threading.Lock()
_OPEN: dict[Path, _OpenDeadlines] = {}
_OVERVIEWS: dict[tuple[Any, ...], Overview] = {}


def _open_deadlines(access: LedgerAccess) -> _OpenDeadlines:
    """The open deadlines, read again from the ledger only when it has changed (a write by the service or a page)."""
    stamp = access.stamp()
    with _CACHE_LOCK:
        known = _OPEN.get(access.root)
    if known is not None and known.stamp == stamp:
        return known
    ledger = access.get()
    # as of the first day there is: nothing is overdue yet, so every item comes back in date order, ready to split
    items = ledger.due(dt.date.min)
    fresh = _OpenDeadlines(stamp, items, sorted({m.key_worker for m in ledger.meetings() if m.key_worker}, key=str.lower))
    with _CACHE_LOCK:
        _OPEN[access.root] = fresh
    return fresh


def overview(
    access: LedgerAccess, as_of: dt.date, *, key_worker: str | None = None, case: str | None = None, kind: str | None = None, shown: int = 100
) -> Overview:
    """The overview for these filters (the key worker as the ledger matches it: the case's current one, any case of letters)."""
    open_now = _open_deadlines(access)
    key = (access.root, open_now.stamp, as_of, key_worker, case, kind, shown)
    with _CACHE_LOCK:
        cached = _OVERVIEWS.get(key)
    if cached is not None:
        return cached
    worker = (key_worker or "").strip().lower()
    items = [
        i
        for i in open_now.items
        if (not case or i.case_reference == case) and (not kind or i.kind == kind) and (not worker or (i.key_worker or "").strip().lower() == worker)
    ]
    split = bisect.bisect_left(items, as_of, key=lambda i: i.date)
    overdue, upcoming = items[:split], items[split:]
    result = Overview(
        as_of,
        [replace(i, status="overdue", days_late=(as_of - i.date).days) for i in overdue[:shown]],
        upcoming[:50],
        len(overdue),
        len(upcoming),
        _counts(overdue, upcoming, lambda i: KIND_WORDS.get(i.kind, i.kind)),
        _counts(overdue, upcoming, lambda i: i.key_worker or "Not recorded"),
        open_now.key_workers,
        shown,
    )
    with _CACHE_LOCK:
        if len(_OVERVIEWS) > 512:
            _OVERVIEWS.clear()
        _OVERVIEWS[key] = result
    return result


def keep_warm(access: LedgerAccess, every_seconds: float = 2.0) -> threading.Thread:
    """A background thread that reads the open deadlines again soon after the service writes, so no page waits for it."""

    def warm() -> None:
        while True:
            with contextlib.suppress(Exception):  # a locked or missing ledger now is tried again on the next round
                _open_deadlines(access)
            time.sleep(every_seconds)

    thread = threading.Thread(target=warm, name="docgen-web-warm", daemon=True)
    thread.start()
    return thread


def _counts(overdue: list[DueItem], upcoming: list[DueItem], label: Any) -> list[tuple[str, int, int]]:
    late, ahead = Counter(map(label, overdue)), Counter(map(label, upcoming))
    return sorted(((name, late[name], ahead[name]) for name in {*late, *ahead}), key=lambda r: (-r[1], -r[2], r[0].lower()))


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
        """Copies still to be sent, one entry per meeting and recipient (a recipient's documents go out together)."""
        grouped: dict[tuple[int, str], UnsentCopy] = {}
        for meeting in self.meetings:
            for copy in meeting.copies:
                if copy.get("sent_date"):
                    continue
                key = (meeting.row.id, str(copy["recipient"]))
                entry = grouped.setdefault(key, UnsentCopy(meeting.row.id, str(copy["recipient"]), [], copy.get("delivery"), str(copy["due_date"])))
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
        score, progress = _scaling_and_progress(access.root, row, manifest)
        meetings.append(MeetingHistory(row, manifest, ledger.copies(row.id), score, progress))
    deadlines = [dict(d, state=_state(d, as_of)) for d in ledger.deadlines(case=reference) if d["status"] != "retired"]
    children = sorted({str(c) for m in meetings for c in m.manifest.get("children") or []})
    key_worker = next((m.key_worker for m in reversed(rows) if m.key_worker), None)
    return CaseHistory(reference, key_worker, meetings, deadlines, ledger.visits(reference), children)


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


def _scaling_and_progress(root: Path, row: MeetingRow, manifest: dict[str, Any]) -> tuple[int | None, dict[str, int]]:
    """The meeting's scaling score and objectives' progress: from the manifest where it carries them, else from the source form."""
    scaling = manifest.get("scaling")
    objectives = manifest.get("objectives")
    if scaling is None or objectives is None:
        record = _source_record(str(root / "outbox" / row.case_reference / row.folder), str((manifest.get("source") or {}).get("name") or ""), row.sha256)
        scaling = scaling if scaling is not None else (record or {}).get("scaling")
        objectives = objectives if objectives is not None else (record or {}).get("objectives")
    score = scaling.get("score") if isinstance(scaling, dict) else None
    progress = Counter(str(o.get("progress")) for o in objectives or [] if isinstance(o, dict) and o.get("progress"))
    return (score if isinstance(score, int) else None), dict(progress)


@functools.lru_cache(maxsize=4096)
def _source_record(folder: str, name: str, sha256: str) -> dict[str, Any] | None:
    """The canonical record read back from a meeting's ``source/`` form (the sha256 keys the cache: a new version is read anew)."""
    path = Path(folder) / "source" / name
    if not name or not path.is_file():
        return None
    from docgen.forms import read_form

    try:
        return dict(read_form(path).record)
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
    base = (access.root / "outbox" / reference / folder).resolve()
    target = (base / path).resolve()
    return target if target.is_relative_to(base) and target.is_file() else None


def record_copy_sent(access: LedgerAccess, meeting_id: int, recipient: str, document: str | None, sent: dt.date, by: str) -> int:
    """Records that a recipient's copy (``document`` None: all their documents) went out; returns how many copies changed."""
    return access.get().mark_copies_sent(meeting_id, [(recipient, document, sent, by)])


def record_visit(access: LedgerAccess, reference: str, child: str, day: dt.date, seen_alone: bool | None, by: str) -> int:
    """Records a statutory visit to a child; returns 1 if it was new."""
    return access.get().record_visits([Visit(reference, child, day, seen_alone)], source=f"web: {by}")


class _Remembered:
    """A ledger whose answers are remembered (the report asks the same questions many times); made anew when the ledger changes."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._answers: dict[tuple[Any, ...], Any] = {}

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._ledger, name)

        def remembered(*args: Any, **kwargs: Any) -> Any:
            key = (name, args, tuple(sorted(kwargs.items())))
            if key not in self._answers:
                self._answers[key] = method(*args, **kwargs)
            return self._answers[key]

        return remembered


_REMEMBERED: dict[Path, tuple[tuple[int, ...], _Remembered]] = {}
_REPORTS: dict[tuple[Any, ...], Any] = {}
_REPORT_LOCK = threading.Lock()


def compliance(access: LedgerAccess, start: dt.date, end: dt.date, as_of: dt.date) -> Any:
    """The compliance report's figures (``docgen report``'s), from remembered ledger answers until the ledger changes."""
    from docgen.ledger.report import build_report

    stamp = access.stamp()
    key = (access.root, stamp, start, end, as_of)
    with _REPORT_LOCK:  # one report at a time: the remembered answers are shared
        if key not in _REPORTS:
            known = _REMEMBERED.get(access.root)
            if known is None or known[0] != stamp:
                known = _REMEMBERED[access.root] = (stamp, _Remembered(access.get()))
            if len(_REPORTS) > 64:
                _REPORTS.clear()
            _REPORTS[key] = build_report(known[1], start, end, as_of)  # type: ignore[arg-type]
        return _REPORTS[key]
