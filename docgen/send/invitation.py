"""The next review as a calendar invitation (``.ics``, ``METHOD:REQUEST``): the guidance's "invited to the review".

The event's UID depends on the case and the meeting that set the review, never on its date, so an
amended form that moves the review updates the same event in the recipient's calendar (a higher
SEQUENCE); a review that no longer stands (the case closed before it) is cancelled (``METHOD:CANCEL``).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Calendar, Event, vCalAddress, vText

__all__ = ["review_invitation", "review_uid"]


def review_uid(case_reference: str, meeting_folder: str, domain: str) -> str:
    """``review-<hash>@domain``: one per case and review, the same however often the date changes."""
    digest = hashlib.sha256(f"{case_reference}\x1f{meeting_folder}".encode()).hexdigest()[:24]
    return f"review-{digest}@{domain or 'docgen.invalid'}"


def review_invitation(
    *,
    case_reference: str,
    meeting_folder: str,
    review_date: dt.date,
    organiser_name: str,
    organiser_email: str,
    attendee_email: str,
    domain: str,
    sequence: int,
    now: dt.datetime | None = None,
    cancel: bool = False,
) -> bytes:
    """The invitation: an all-day event on ``review_date``, the key worker organising, the recipient invited (``cancel``: called off)."""
    calendar = Calendar()
    calendar.add("prodid", "-//docgen//Child in Need review invitation//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", review_uid(case_reference, meeting_folder, domain))
    event.add("sequence", sequence)
    if cancel:
        event.add("status", "CANCELLED")
    event.add("dtstamp", now or dt.datetime.now(dt.UTC))
    event.add("dtstart", review_date)
    event.add("dtend", review_date + dt.timedelta(days=1))
    event.add("summary", f"Child in Need review meeting: case {case_reference}")
    event.add(
        "description",
        f"Review of the Child in Need plan for case {case_reference}. The time and place will be confirmed by the key worker, {organiser_name}.",
    )
    event.add("transp", "TRANSPARENT")
    organiser = vCalAddress(f"mailto:{organiser_email}")
    organiser.params["cn"] = vText(organiser_name)
    event.add("organizer", organiser)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("TRUE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
