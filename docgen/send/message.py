"""Building one recipient's email (pure: a ``Copy`` and the files' bytes in, an ``EmailMessage`` out).

Subject and body come from the council-editable templates ``templates/email/subject.txt``, ``copy.txt``
and ``copy.html``; they are given only the case reference, the meeting's date, the attachments' file
names and how to reach the key worker, so no child can be named in them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from docgen.errors import TemplateError
from docgen.paths import data_dir
from docgen.printable import uk_date
from docgen.send.emailed_copies import Copy
from docgen.send.invitation import review_invitation

__all__ = ["attachment_name", "build_message", "new_message_id"]

_TYPES = {".pdf": ("application", "pdf"), ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")}


@cache
def _environment(folder: Path, html: bool) -> jinja2.Environment:
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folder), autoescape=html, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )


def _render(name: str, context: dict[str, Any]) -> str:
    folder = data_dir("templates") / "email"
    try:
        return _environment(folder, name.endswith(".html")).get_template(name).render(context)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"The email template {folder / name} cannot be used ({exc}): correct it or restore the shipped one.") from exc


def new_message_id(sender: str) -> str:
    """A fresh ``<...@domain>`` Message-ID in the sender's domain (recorded before the message is handed over)."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "docgen.invalid"
    return make_msgid("docgen", domain=domain)


def attachment_name(copy: Copy, path: str) -> str:
    """The file name the recipient sees: the document's own, or for a pack ``cin-plan-<case>-<meeting>.pdf`` (no one's name)."""
    if copy.encrypted:
        return f"cin-plan-{copy.case_reference}-{copy.folder}.pdf"
    return Path(path).name


def _context(copy: Copy, sender: str) -> dict[str, Any]:
    worker = copy.key_worker
    return {
        "case_reference": copy.case_reference,
        "meeting_date": uk_date(copy.meeting_date),
        "attachments": [attachment_name(copy, a) for a in copy.attachments],
        "encrypted": copy.encrypted,
        "next_review": uk_date(copy.next_review) if copy.next_review else None,
        "key_worker_name": worker.get("name") or "your key worker",
        "key_worker_role": worker.get("role") or "",
        "key_worker_phone": worker.get("phone") or "",
        "key_worker_email": worker.get("email") or "",
        "sender_name": parseaddr(sender)[0] or "Children's Services",
    }


def build_message(
    copy: Copy,
    files: Mapping[str, bytes],
    *,
    sender: str,
    message_id: str,
    now: dt.datetime | None = None,
    invitation_sequence: int = 0,
) -> EmailMessage:
    """The message for ``copy``: To the recipient alone, plain text and HTML, exactly their attachments, and the review invitation."""
    now = now or dt.datetime.now(dt.UTC)
    context = _context(copy, sender)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = copy.email
    message["Subject"] = _render("subject.txt", context).strip()
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_render("copy.txt", context))
    message.add_alternative(_render("copy.html", context), subtype="html")
    for path in copy.attachments:
        maintype, subtype = _TYPES.get(Path(path).suffix.lower(), ("application", "octet-stream"))
        message.add_attachment(files[path], maintype=maintype, subtype=subtype, filename=attachment_name(copy, path))
    review = dt.date.fromisoformat(copy.next_review) if copy.next_review else None
    if review is not None:
        invitation = review_invitation(
            case_reference=copy.case_reference,
            meeting_folder=copy.folder,
            review_date=review,
            organiser_name=str(copy.key_worker.get("name") or "Key worker"),
            organiser_email=str(copy.key_worker.get("email") or parseaddr(sender)[1]),
            attendee_email=copy.email,
            domain=parseaddr(sender)[1].rpartition("@")[2],
            sequence=invitation_sequence,
            now=now,
        )
        message.add_attachment(
            invitation, maintype="text", subtype="calendar", filename="review-invitation.ics", params={"method": "REQUEST"}
        )
    if copy.cancels is not None:  # the review an earlier meeting invited them to will not be held: take it out of their calendar
        folder, day = copy.cancels
        cancellation = review_invitation(
            case_reference=copy.case_reference,
            meeting_folder=folder,
            review_date=dt.date.fromisoformat(day),
            organiser_name=str(copy.key_worker.get("name") or "Key worker"),
            organiser_email=str(copy.key_worker.get("email") or parseaddr(sender)[1]),
            attendee_email=copy.email,
            domain=parseaddr(sender)[1].rpartition("@")[2],
            sequence=invitation_sequence + 1,  # published after the invitation it calls off: always a later version
            now=now,
            cancel=True,
        )
        message.add_attachment(
            cancellation, maintype="text", subtype="calendar", filename="review-cancelled.ics", params={"method": "CANCEL"}
        )
    return message
