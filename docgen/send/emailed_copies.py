"""Which copies of a published meeting go by email, to whom, with which files: read from its ``manifest.json``.

One ``Copy`` is one recipient's share of one meeting's distribution: the rows of ``distribution`` that
name them, grouped, with the files to attach (PDF when the folder has PDFs, else ``.docx``). A
``secure_email`` copy is the recipient's encrypted PDF pack, or is skipped with the reason.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.copies import addressee
from docgen.manifest import DistributionRow, DocumentEntry, Manifest
from docgen.record import is_email_address

__all__ = ["EMAIL_DELIVERIES", "Copy", "copies_of_meeting", "published_meetings"]

EMAIL_DELIVERIES = ("email", "secure_email")


@dataclass(frozen=True)
class Copy:
    """One recipient's copy of one meeting: who, where, what to attach (paths relative to the meeting folder)."""

    case_reference: str
    folder: str  # ``2026-12-17-initial``
    meeting_type: str
    meeting_date: str
    recipient: str
    role: str
    email: str
    delivery: str  # ``email`` or ``secure_email``
    documents: tuple[str, ...]  # the distribution's documents (.docx names), as staff see them
    attachments: tuple[str, ...]  # the files to attach
    carries: tuple[tuple[str, str], ...] = ()  # (recipient, document) of every distribution row this message meets
    encrypted: bool = False
    skip_reason: str | None = None
    key_worker: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    next_review: str | None = None
    cancels: tuple[str, str] | None = None  # (earlier meeting's folder, its review date): an invitation sent that no longer stands
    source_sha256: str = ""  # the published form's: an amended form's copies are new copies, sent again

    @property
    def key(self) -> str:
        """Identity of this copy in the sending journal: the meeting as published, the recipient and the address."""
        parts = (self.case_reference, self.folder, self.source_sha256, self.recipient.strip().lower(), self.email.strip().lower())
        raw = "\x1f".join(parts)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]

    @property
    def meeting(self) -> str:
        """The meeting as the ``--json`` output names it (its outbox folder)."""
        return self.folder


def published_meetings(outbox: Path, case: str | None = None) -> list[Path]:
    """Every published meeting folder (one holding ``manifest.json``), oldest meeting first."""
    pattern = f"{case}/*/manifest.json" if case else "*/*/manifest.json"
    return sorted((p.parent for p in Path(outbox).glob(pattern)), key=lambda p: (p.name, p.parent.name))


def _pdf_made(manifest: Manifest) -> bool:
    pdf: Mapping[str, Any] = manifest.get("pdf") or {}  # null in a manifest whose PDFs were never tried
    return bool(pdf.get("made")) and any(d.get("kind") == "pdf" for d in manifest.get("documents", []))


def _pack_for(manifest: Manifest, recipient: str, used: set[str]) -> DocumentEntry | None:
    for entry in manifest.get("documents", []):
        if entry.get("kind") == "pdf_pack" and entry.get("recipient") == recipient and entry["path"] not in used:
            return entry.copy()
    return None


def copies_of_meeting(folder: Path) -> list[Copy]:
    """The email and secure email copies of the meeting published in ``folder``, in distribution order: one per address."""
    manifest: Manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    groups: dict[str, list[DistributionRow]] = {}
    for row in manifest.get("distribution", []):
        if row.get("delivery") in EMAIL_DELIVERIES:
            groups.setdefault(addressee(row), []).append(row)  # the key worker also listed as a participant: one message
    pdf = _pdf_made(manifest)
    next_review = next((d.get("date") for d in manifest.get("deadlines", []) if d.get("kind") == "next_review"), None)
    used_packs: set[str] = set()
    copies = []
    for rows in groups.values():
        recipient, email = str(rows[0].get("recipient") or ""), str(rows[0].get("email") or "").strip()
        role = ", ".join(dict.fromkeys(str(r.get("role") or "") for r in rows))
        documents = tuple(dict.fromkeys(str(r["document"]) for r in rows))
        delivery = "secure_email" if any(r.get("delivery") == "secure_email" for r in rows) else "email"
        attachments: tuple[str, ...] = ()
        skip, encrypted = None, False
        if delivery == "secure_email":
            pack = _pack_for(manifest, recipient, used_packs) if pdf else None
            if not pdf:
                skip = "secure email needs the encrypted PDF pack, and PDF copies were not made for this meeting (pdf is off or LibreOffice is missing)"
            elif pack is None or not pack.get("encrypted"):
                skip = "secure email needs an encrypted PDF pack, and this meeting's pack is not encrypted: set encrypt_email_pdfs = true and publish again"
            else:
                used_packs.add(pack["path"])
                attachments, encrypted = (pack["path"],), True
        else:
            attachments = tuple(str(Path(d).with_suffix(".pdf")) for d in documents) if pdf else documents
            missing = [a for a in attachments if not (Path(folder) / a).is_file()]
            if missing:
                skip = f"the published folder has no {', '.join(missing)}"
        if not email:
            skip = "no email address is recorded for them"
        elif not is_email_address(email):
            skip = f"{email!r} is not an email address: correct it on the form and publish it again"
        copies.append(
            Copy(
                case_reference=str(manifest["case_reference"]),
                folder=Path(folder).name,
                meeting_type=str(manifest["meeting"]["type"]),
                meeting_date=str(manifest["meeting"]["date"]),
                recipient=recipient,
                role=role,
                email=email,
                delivery=delivery,
                documents=documents,
                attachments=attachments,
                carries=tuple(dict.fromkeys((str(r.get("recipient") or ""), str(r["document"])) for r in rows)),
                encrypted=encrypted,
                skip_reason=skip,
                key_worker=dict(manifest.get("key_worker") or {}),
                next_review=next_review,
                source_sha256=str((manifest.get("source") or {}).get("sha256") or ""),
            )
        )
    return copies
