"""``build_pack``: every document of one meeting's outbox folder, from a validated record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from docgen.deadlines import meeting_deadlines
from docgen.manifest import DocumentEntry, Manifest
from docgen.pdf.making import Converter
from docgen.pdf.pack_pdfs import add_pdfs
from docgen.printable import safe_text, uk_date
from docgen.profiles import Profile, shipped
from docgen.record import Record, as_date, child_name, get
from docgen.render.calendar import write_calendar
from docgen.render.context import child_plan_context, meeting_record_context, words_we_use_context
from docgen.render.distribution import distribution_rows, write_distribution
from docgen.render.documents import CHILD_TEMPLATES, TEMPLATE_DIR, render_template
from docgen.render.manifest_file import build_manifest, meeting_folder
from docgen.render.review_progress import previous_meeting, scaling_history
from docgen.schema import Catalogue
from docgen.settings.service import Settings
from docgen.validation import Report

__all__ = ["build_pack", "encrypt_email_pdfs"]

MEETING_RECORD = "meeting-record.docx"


def encrypt_email_pdfs(profile: Profile, settings: Settings) -> bool:
    """Whether email packs are encrypted: ``docgen.toml`` wins; otherwise the profile's ``pdf.encrypt_email_pdfs`` (data, not code)."""
    if settings.encrypt_email_pdfs is not None:
        return settings.encrypt_email_pdfs
    return bool((profile.timescale("pdf") or {}).get("encrypt_email_pdfs", False))


def build_pack(
    record: Record,
    report: Report,
    profile: Profile,
    out_dir: Path,
    *,
    source: dict[str, Any],
    pdf: bool = False,
    settings: Settings | None = None,
    today: dt.date | None = None,
    converter: Converter | None = None,
    earlier: list[dict[str, Any]] | None = None,
    fields: Catalogue | None = None,
) -> Manifest:
    """Writes the plans, words-and-pictures plans, meeting record, distribution list, calendar (and PDFs) into
    ``out_dir`` and returns the manifest; the caller adds ``source/`` and writes ``manifest.json`` last.

    ``earlier``: the case's earlier published meetings, oldest first (``docgen.ledger.history.earlier_meetings``);
    ``fields``: the record's fields as the root's profiles have them (``Profiles.reading_catalogue``; the shipped ones' without).
    """
    fields = fields or shipped().reading_catalogue()
    earlier = earlier or []
    settings = settings or Settings()
    generated_at = dt.datetime.now(dt.UTC).astimezone()
    today = today or generated_at.date()
    out_dir = Path(out_dir)
    deadlines = meeting_deadlines(record, profile)
    reference = str(get(record, "case.reference"))
    occasion = f"case {reference}, {get(record, 'meeting.type')} meeting on {uk_date(get(record, 'meeting.date'))}"
    author = str(get(record, "key_worker.name") or "docgen")
    documents: list[DocumentEntry] = []
    properties: dict[str, dict[str, str]] = {}
    plans: dict[str, list[str]] = {}

    def render(template: str, context: dict[str, Any], path: str, kind: str, child: str | None, title: str) -> None:
        properties[path] = {
            "title": str(safe_text(title)),
            "subject": str(safe_text(f"Child in Need: {occasion}")),
            "author": str(safe_text(author)),
        }
        child_words = template in CHILD_TEMPLATES

        def explain(text: str) -> list[dict[str, Any]]:
            return list(words_we_use_context(profile.glossary, text, child=child_words))

        render_template(TEMPLATE_DIR / template, context, out_dir / path, properties[path], explain)
        documents.append({"path": path, "kind": kind, "child": child})

    for child in record.get("children", []):
        child_id = str(child["id"])
        context = child_plan_context(record, child_id, deadlines, procedure=profile.title, today=today, fields=fields, earlier=earlier)
        name = child_name(child)
        plans[child_id] = [f"plan-{child_id}.docx"]
        render("plan.docx", context, plans[child_id][0], "plan", child_id, f"Child in Need Plan for {name}")
        if child.get("plan_format") == "words_and_pictures":
            plans[child_id].append(f"plan-{child_id}-child.docx")
            render("plan-child.docx", context, plans[child_id][1], "child_plan", child_id, f"{child.get('first_name') or name}'s plan")
    warnings = [w.to_json() for w in report.warnings]
    context = meeting_record_context(record, deadlines, warnings, procedure=profile.title, today=today, fields=fields, earlier=earlier)
    render("meeting-record.docx", context, MEETING_RECORD, "meeting_record", None, f"Record of Planning Meeting, case {reference}")

    copies_due = next((d.date for d in deadlines if d.kind == "copies_due"), None) or as_date(get(record, "meeting.date"))
    assert copies_due is not None  # meeting_deadlines has already required the meeting date
    distribution = distribution_rows(record, plans, MEETING_RECORD, copies_due)
    about = {path: str(get(record, path)) for path in ("case.reference", "meeting.date", "meeting.type")}
    about["meeting.folder"] = meeting_folder(record)
    write_distribution(distribution, out_dir / "distribution.xlsx", title=f"Distribution of the plan: {occasion}", about=about)
    documents.append({"path": "distribution.xlsx", "kind": "distribution", "child": None})
    write_calendar(record, deadlines, out_dir / "deadlines.ics", generated_at=generated_at)
    documents.append({"path": "deadlines.ics", "kind": "calendar", "child": None})

    manifest = build_manifest(
        record,
        report,
        source=source,
        documents=documents,
        deadlines=deadlines,
        distribution=distribution,
        generated_at=generated_at,
    )
    if get(record, "meeting.type") in ("review", "closure"):
        manifest["previous_meeting"] = previous_meeting(earlier)
        manifest["scaling_history"] = scaling_history(record, earlier)
    if pdf:
        encrypt_email = encrypt_email_pdfs(profile, settings)
        add_pdfs(out_dir, manifest, profile=profile, encrypt_email=encrypt_email, timeout=settings.pdf_timeout_seconds, converter=converter)
    return manifest
