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


def case_statuses(
    meetings: Sequence[Row],
    deadlines: Sequence[Row],
    copies: Mapping[int, Sequence[Row]],
    visits: Sequence[tuple[dt.date, str]],
) -> dict[int, Status]:
    """Every deadline's status for one case, by deadline id.

    ``meetings`` are all the case's meetings (superseded ones too) by date and id; ``deadlines`` its deadline rows
    by due date and id; ``copies`` the copies of each copies deadline; ``visits`` the (date, child) seen, by date.
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
    windows = _visit_windows(deadlines, by_id)
    for row in deadlines:
        m = by_id[row["meeting_id"]]
        due = _day(row["due_date"])
        if m["superseded_by"] is not None:
            newer = by_id.get(m["superseded_by"], {})
            statuses[row["id"]] = Status(
                DeadlineStatus.RETIRED, newer.get("published_at"), f"amended form published as {newer.get('folder', '?')}"
            )
            continue
        if row["generated"] and row["kind"] == DeadlineKind.DIVISIONAL_MANAGER_REVIEW and row["status"] == DeadlineStatus.RETIRED:
            statuses[row["id"]] = Status(DeadlineStatus.RETIRED, row["met_at"], row["met_by"])
            continue
        status = _met(row, m, due, copies.get(row["id"], []), visits, windows, active, next_meeting(m), first_published)
        if status.status == DeadlineStatus.OPEN:
            later = next_meeting(m)
            closure = closure_after(m)
            if row["kind"] == DeadlineKind.VISIT and later and due > _day(later["meeting_date"]):
                status = Status(
                    DeadlineStatus.RETIRED,
                    later["meeting_date"],
                    f"the {later['meeting_type']} meeting on {later['meeting_date']} set new visits",
                )
            elif closure:
                status = Status(DeadlineStatus.CLOSED, closure["meeting_date"], f"case closed at the meeting on {closure['meeting_date']}")
        statuses[row["id"]] = status
    return statuses


def _met(
    row: Row,
    meeting: Row,
    due: dt.date,
    copies: Sequence[Row],
    visits: Sequence[tuple[dt.date, str]],
    windows: dict[int, tuple[dt.date, dt.date]],
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
    if kind == DeadlineKind.VISIT and row["id"] in windows:
        start, end = windows[row["id"]]
        seen = next((day for day, child in visits if start < day <= end and (not row["child"] or row["child"] == child)), None)
        if seen:
            return Status(DeadlineStatus.MET, seen.isoformat(), f"visit on {seen.isoformat()}", False)
        return Status()
    if kind == DeadlineKind.PRINCIPAL_MANAGER_REVIEW:
        chaired = next(
            (m for m in active if m["chair_role"] == "principal_manager" and m["meeting_date"] >= meeting["meeting_date"]),
            None,
        )
        if chaired:
            return Status(
                DeadlineStatus.MET,
                chaired["meeting_date"],
                f"meeting on {chaired['meeting_date']} chaired by a Principal Manager",
                _day(chaired["meeting_date"]) > due,
            )
    return Status()


def _visit_windows(rows: Sequence[Row], meetings: Mapping[int, Row]) -> dict[int, tuple[dt.date, dt.date]]:
    """Each visit deadline's window: after the one before it (or the meeting) up to its own date."""
    windows: dict[int, tuple[dt.date, dt.date]] = {}
    previous: dict[tuple[int, str | None], dt.date] = {}
    for row in sorted((r for r in rows if r["kind"] == DeadlineKind.VISIT), key=lambda r: (r["meeting_id"], r["due_date"], r["id"])):
        key = (row["meeting_id"], row["child"])
        start = previous.get(key, _day(meetings[row["meeting_id"]]["meeting_date"]))
        end = _day(row["due_date"])
        windows[row["id"]] = (start, end)
        previous[key] = end
    return windows
