"""``deadlines.ics``: every deadline a meeting sets, as all-day calendar events that re-import cleanly."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from icalendar import Calendar, Event

from docgen.deadline_kinds import kind_words
from docgen.deadlines import Deadline
from docgen.record import Record, get

__all__ = ["deadline_uid", "write_calendar"]



def deadline_uid(record: Record, deadline: Deadline, index: int) -> str:
    """A UID fixed by case, meeting, deadline kind and its number among that kind (visit 1, 2...), not by its date:
    importing again, or importing an amended form that moves the review, updates the event instead of adding one."""
    key = "|".join(
        str(part)
        for part in (
            get(record, "case.reference"),
            get(record, "meeting.date"),
            get(record, "meeting.type"),
            deadline.kind,
            index,
            deadline.child or "",
            deadline.recipient or "",
        )
    )
    return f"{hashlib.sha1(key.encode('utf-8')).hexdigest()}@docgen"


def write_calendar(record: Record, deadlines: list[Deadline], out: Path, *, generated_at: dt.datetime) -> None:
    """Writes the deadlines as all-day VEVENTs; SUMMARY names the case and what is due, DESCRIPTION cites the section."""
    reference = str(get(record, "case.reference"))
    calendar = Calendar()
    calendar.add("prodid", "-//docgen//Child in Need deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Child in Need {reference}")
    counts: dict[str, int] = {}
    for deadline in deadlines:
        counts[deadline.kind] = counts.get(deadline.kind, 0) + 1
        event = Event()
        event.add("uid", deadline_uid(record, deadline, counts[deadline.kind]))
        event.add("dtstamp", generated_at)
        event.add("dtstart", deadline.date)
        event.add("dtend", deadline.date + dt.timedelta(days=1))
        event.add("summary", f"{reference}: {kind_words(deadline.kind, 'calendar')}")
        cited = f" ({deadline.section})" if deadline.section else ""
        event.add(
            "description",
            f"{deadline.description}{cited}. Case {reference}, {get(record, 'meeting.type')} meeting of {get(record, 'meeting.date')}.",
        )
        event.add("categories", [deadline.kind])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    out.write_bytes(calendar.to_ical())
