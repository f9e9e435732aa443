"""The next meeting's form for a case: the Word and Excel forms pre-filled from its latest published meeting.

What carries over is what stays true from one meeting to the next (the council profile, case, key worker,
children, participants and how they receive copies, assessment, objectives, actions, services,
contingency plan, closure criteria, and the chair, venue and visit frequency); what the meeting must
answer afresh is left blank (its date and next review, attendance, reasons, views, seen alone, progress,
status, scaling, decision, disagreements). The last meeting's next review date is shown beside the
meeting date, as guidance only.
"""

from __future__ import annotations

import copy
from pathlib import Path

from docgen.blanks.blank_cache import blank_forms
from docgen.blanks.prefill_docx import fill_docx_answers, note_beside_docx
from docgen.blanks.prefill_xlsx import fill_xlsx_bytes
from docgen.profiles import Profiles, profiles_in, shipped
from docgen.record import Record, as_date
from docgen.root import Layout
from docgen.schema import schema_version

__all__ = ["AFRESH", "CARRIED", "CARRIED_MEETING", "carried_record", "next_meeting_note", "write_case_forms", "write_next_meeting_forms"]

#: the parts of a record that carry over to the next meeting
CARRIED = (
    "policy",
    "case",
    "key_worker",
    "children",
    "participants",
    "assessment",
    "objectives",
    "actions",
    "services",
    "contingency_plan",
    "closure_criteria",
)
#: the meeting's own arrangements that usually stay (the chair, the venue, how often visits happen); its date, next
#: review (shown as guidance instead), management agreement and the type are the new meeting's
CARRIED_MEETING = ("venue", "chair_name", "chair_role", "visit_frequency_days")
#: within what carries over, what each meeting answers afresh
AFRESH = {
    "children": ("attended", "non_attendance_reason", "views", "seen_alone"),
    "participants": ("attended", "non_attendance_reason", "views"),
    "objectives": ("progress", "progress_note"),
    "actions": ("status",),
}


def carried_record(latest: Record, meeting_type: str) -> Record:
    """What the next meeting's form holds before anyone fills it in: the carried parts, ``meeting.type`` and ``form_version``."""
    out: Record = {"form_version": schema_version()}
    for key in CARRIED:
        if latest.get(key) not in (None, "", [], {}):
            out[key] = copy.deepcopy(latest[key])
    for group, names in AFRESH.items():
        for item in out.get(group, []):
            if isinstance(item, dict):
                for name in names:
                    item.pop(name, None)
    meeting = latest.get("meeting") or {}
    out["meeting"] = {**{k: meeting[k] for k in CARRIED_MEETING if meeting.get(k) not in (None, "")}, "type": meeting_type}
    return out


def next_meeting_note(latest: Record) -> str | None:
    """The guidance beside the meeting date: when the last meeting set the next review for."""
    meeting = latest.get("meeting") or {}
    due = as_date(meeting.get("next_review_date"))
    held = as_date(meeting.get("date"))
    if due is None:
        return None
    when = f" at the {meeting.get('type', '')} meeting on {held.day} {held:%B %Y}" if held else ""
    return f"Guidance: the next review was set for {due.day} {due:%B %Y}{when}."


def write_next_meeting_forms(
    out: Path, reference: str, latest: Record, meeting_type: str = "review", *, profiles: Profiles | None = None, cache: Path | None = None
) -> list[Path]:
    """Writes ``out/<REF>-<type>.docx`` and ``.xlsx`` pre-filled from ``latest`` (the case's latest published record).

    ``profiles``: the root's (the shipped ones without); ``cache``: a folder where the blank forms are kept once generated
    (``docgen.blanks.blank_cache``).
    """
    profiles = profiles or shipped()
    catalogue = profiles.reading_catalogue()
    record = carried_record(latest, meeting_type)
    note = next_meeting_note(latest)
    out.mkdir(parents=True, exist_ok=True)
    document, workbook = blank_forms(profiles, cache)
    fill_docx_answers(document, record, catalogue)
    if note:
        note_beside_docx(document, "meeting.date", note)
    paths = [out / f"{reference}-{meeting_type}.docx", out / f"{reference}-{meeting_type}.xlsx"]
    document.save(str(paths[0]))
    paths[1].write_bytes(fill_xlsx_bytes(workbook, record, catalogue, {"meeting.date": note} if note else None))
    return paths


def write_case_forms(out: Path, root: Path, reference: str, meeting_type: str = "review") -> list[Path]:
    """The next meeting's forms for case ``reference`` from ``root``'s ledger; ``UnknownCaseError`` when it has none."""
    from docgen.ledger.history import UnknownCaseError, case_history
    from docgen.ledger.reading import open_for_reading

    ledger = open_for_reading(root)
    if ledger is None:
        raise UnknownCaseError(reference)
    with ledger:
        latest = case_history(ledger, reference, root=root).latest
    if latest.record is None:
        raise UnknownCaseError(reference)  # published before the ledger kept records, and its source form is gone
    return write_next_meeting_forms(
        out, reference, latest.record, meeting_type, profiles=profiles_in(root), cache=Layout(Path(root)).state / "forms"
    )
