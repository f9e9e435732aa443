"""Facts in, statuses out: which deadlines a case's meetings, copies sent and visits have met, closed or retired.

Pure: plain rows in (the ledger's meetings, deadlines, copies and visits as mappings), plain statuses out, so
the rules are tested without a database and the store only writes back what changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from docgen.ledger.models import DeadlineKind, DeadlineStatus

__all__ = ["Status", "case_statuses", "local_day"]

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Status:
    """Where one deadline stands, when it was met and by what, and whether after its date."""

    status: str = DeadlineStatus.OPEN
    met_at: str | None = None
    met_by: str | None = None
    late: bool = False


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])


def local_day(timestamp: str) -> dt.date:
    """The day in England a publication time falls on (a form published at 00:30 BST is that day's, not the day before's)."""
    try:
        moment = dt.datetime.fromisoformat(timestamp)
    except ValueError:
        return _day(timestamp)
    if moment.tzinfo is None:
        return moment.date()
    try:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo("Europe/London")).date()
    except (ImportError, KeyError, OSError):  # no time zone data (Windows without tzdata): the UTC day
        return moment.date()


def case_statuses(meetings: Sequence[Row], deadlines: Sequence[Row], copies: Mapping[int, Sequence[Row]]) -> dict[int, Status]:
    """Every deadline's status for one case, by deadline id (each child's visits are ``visit_deadlines``' to settle).

    ``meetings`` are all the case's meetings (superseded ones too) by date and id; ``deadlines`` its deadline rows
    by due date and id; ``copies`` the copies of each copies deadline.
    """
    by_id = {m["id"]: m for m in meetings}
    active = [m for m in meetings if m["superseded_by"] is None]
    first_published: dict[tuple[str, str], str] = {}
    for m in meetings:
        key = (m["meeting_date"], m["meeting_type"])
        first_published[key] = min(first_published.get(key, m["published_at"]), m["published_at"])

    def next_meeting(m: Row) -> Row | None:
        return next((n for n in active if n["meeting_date"] > m["meeting_date"] and n["meeting_type"] in ("review", "closure")), None)

    def closure_after(m: Row) -> Row | None:
        # the closure meeting itself included: a closure ends every open deadline of the case (DESIGN.md), so
        # its own copies are tracked once sent dates arrive but are never overdue
        return next((c for c in active if c["meeting_type"] == "closure" and c["meeting_date"] >= m["meeting_date"]), None)

    statuses: dict[int, Status] = {}
    foreseen = any(r["generated"] and r["kind"] == DeadlineKind.PRINCIPAL_MANAGER_REVIEW for r in deadlines)
    for row in deadlines:
        m = by_id[row["meeting_id"]]
        due = _day(row["due_date"])
        if m["superseded_by"] is not None:
            newer = by_id.get(m["superseded_by"], {})
            statuses[row["id"]] = Status(
                DeadlineStatus.RETIRED, newer.get("published_at"), f"amended form published as {newer.get('folder', '?')}"
            )
            continue
        if row["generated"] and row["status"] == DeadlineStatus.RETIRED:  # the facts no longer call for it
            statuses[row["id"]] = Status(DeadlineStatus.RETIRED, row["met_at"], row["met_by"])
            continue
        replaced = _replaced(row, foreseen)
        if replaced:
            statuses[row["id"]] = Status(DeadlineStatus.RETIRED, None, replaced)
            continue
        status = _met(row, m, due, copies.get(row["id"], []), active, next_meeting(m), first_published)
        later = next((n for n in active if n["meeting_date"] > m["meeting_date"]), None)
        if status.status == DeadlineStatus.OPEN and row["kind"] == DeadlineKind.COPIES_DUE and later is not None:
            # the family must not be sent a plan (and review date) that a later meeting has replaced
            on = local_day(later["published_at"]).isoformat()
            status = Status(
                DeadlineStatus.SUPERSEDED, on, f"superseded by the {later['meeting_type']} meeting on {later['meeting_date']}", True
            )
        if status.status == DeadlineStatus.OPEN:
            closure = closure_after(m)
            if closure:
                status = Status(DeadlineStatus.CLOSED, closure["meeting_date"], f"case closed at the meeting on {closure['meeting_date']}")
        statuses[row["id"]] = status
    return statuses


def _replaced(row: Row, foreseen: bool) -> str | None:
    """Why a deadline a manifest set (in a ledger from an earlier release) gave way to one the ledger works out, or None."""
    if row["generated"]:
        return None
    if row["kind"] == DeadlineKind.VISIT:
        return "replaced by each child's visits, counted from their last visit"
    if row["kind"] == DeadlineKind.PRINCIPAL_MANAGER_REVIEW and foreseen:
        return "replaced by the Principal Manager review foreseen from the case's first meeting"
    return None


def _met(
    row: Row,
    meeting: Row,
    due: dt.date,
    copies: Sequence[Row],
    active: Sequence[Row],
    later: Row | None,
    first_published: dict[tuple[str, str], str],
) -> Status:
    """Whether an event has met this deadline, and when; open where none has."""
    kind = row["kind"]
    if kind == DeadlineKind.RECORD_DUE:
        published = first_published[(meeting["meeting_date"], meeting["meeting_type"])]
        day = local_day(published)
        return Status(DeadlineStatus.MET, day.isoformat(), "form published", day > due)
    if kind == DeadlineKind.COPIES_DUE and copies:
        sent = [c["sent_date"] for c in copies]
        if all(sent):
            last = max(sent)
            by = sorted({c["sent_by"] for c in copies if c["sent_by"]})
            return Status(DeadlineStatus.MET, last, "sent" + (f" by {', '.join(by)}" if by else ""), _day(last) > due)
        return Status()
    if kind == DeadlineKind.NEXT_REVIEW and later:
        return Status(
            DeadlineStatus.MET,
            later["meeting_date"],
            f"{later['meeting_type']} meeting on {later['meeting_date']}",
            _day(later["meeting_date"]) > due,
        )
    if kind == DeadlineKind.PRINCIPAL_MANAGER_REVIEW:
        # procedure 4.1: the case is reviewed at the 6 month point; the first review held on or after it is that review
        held = next((m for m in active if m["meeting_type"] == "review" and _day(m["meeting_date"]) >= due), None)
        if held:
            chair = " chaired by a Principal Manager" if held.get("chair_role") == "principal_manager" else ""
            return Status(
                DeadlineStatus.MET,
                held["meeting_date"],
                f"review meeting on {held['meeting_date']}{chair}",
                _day(held["meeting_date"]) > due,
            )
    return Status()
