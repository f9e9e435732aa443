"""PDF copies of a pack's Word documents, and one merged pack per recipient built from those same PDFs.

The PDFs come from a converter: in the service the warm ones (``docgen.pdf.converter_queue.Converters``),
otherwise one headless LibreOffice run per form with a throw-away profile. Either way each is tagged, in
PDF/A-2b, with the title, subject and author of its Word document. Packs for ``secure_email`` recipients are
AES-256 encrypted when the profile (timescale ``pdf.encrypt_email_pdfs``) or ``docgen.toml`` asks; their passwords
go to an owner-only file in ``private/``, never into a pack, so staff give them by phone or text (admins read them
on the case page). ``email`` recipients get their plain PDFs, over verified TLS only.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import signal
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.copies import addressee
from docgen.errors import ConfigError, ConverterError, ConverterUnavailableError
from docgen.manifest import DistributionRow, DocumentEntry
from docgen.pdf.merge import Documents, merge_pack
from docgen.pdf.unoserver import find_soffice
from docgen.pdf.warm import PDF_EXPORT
from docgen.root import PRIVATE_DIR

__all__ = [
    "PASSWORDS_FILE",
    "Converter",
    "PdfResult",
    "find_soffice",
    "libreoffice_converter",
    "make_pdfs",
    "pdf_wanted",
    "recipient_slug",
]

log = logging.getLogger(__name__)

#: where pack passwords are written, relative to the meeting's folder (a 0700 folder, a 0600 file)
PASSWORDS_FILE = Path(PRIVATE_DIR) / "pdf-passwords.txt"
ENCRYPTED_DELIVERY = ("secure_email",)  # `email` copies go as plain PDFs over verified TLS: an encrypted pack for them would go unused

#: converts documents to PDFs in ``out_dir`` and returns {document: pdf}; raises ``ConverterError`` on failure
Converter = Callable[[list[Path], Path, float], dict[Path, Path]]

_warned_missing = False


def pdf_wanted(setting: bool | str) -> tuple[bool, str]:
    """Whether to make PDFs for the ``pdf`` setting (``"auto"``, true, false), and the start-up line saying so.

    ``true`` without LibreOffice is a settings error: docgen refuses to start rather than publish without PDFs.
    """
    soffice = find_soffice()
    if setting is False:
        return False, "PDF copies: off (pdf = false in docgen.toml)"
    if soffice is None:
        if setting is True:
            raise ConfigError(
                "pdf = true in docgen.toml, but LibreOffice is not installed: install it (Debian: libreoffice-writer-nogui "
                'and python3-uno), or set pdf = "auto" to make PDFs only where it is'
            )
        return False, 'PDF copies: off (LibreOffice is not installed; pdf = "auto")'
    return True, f"PDF copies: on (tagged PDF/A-2b by LibreOffice at {soffice})"


def _one_shot_filter() -> str:
    """``--convert-to``'s argument: the PDF export with the warm converter's settings, in LibreOffice's JSON form."""
    typed = {
        name: {"type": "boolean" if isinstance(value, bool) else "long", "value": str(value).lower()} for name, value in PDF_EXPORT.items()
    }
    return "pdf:writer_pdf_Export:" + json.dumps(typed, separators=(",", ":"))


def libreoffice_converter(documents: list[Path], out_dir: Path, timeout: float) -> dict[Path, Path]:
    """Converts all the documents in ONE headless LibreOffice run with its own profile; kills it on a hang (no service)."""
    program = find_soffice()
    if program is None:
        raise ConverterUnavailableError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="docgen-lo-") as profile:
        command = [
            program,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            _one_shot_filter(),
            "--outdir",
            str(out_dir),
            *(str(d) for d in documents),
        ]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # soffice.bin is a child of the soffice script: end the group
            process.communicate()
            raise ConverterError(f"LibreOffice did not finish converting within {timeout:g} seconds and was stopped") from None
    made = {d: out_dir / f"{d.stem}.pdf" for d in documents}
    missing = [d.name for d, pdf in made.items() if not pdf.is_file()]
    if process.returncode != 0 or missing:
        detail = output.decode("utf-8", "replace").strip()[-300:]
        raise ConverterError(f"LibreOffice did not convert {', '.join(missing) or 'the documents'} (exit {process.returncode}): {detail}")
    return made


def recipient_slug(name: str) -> str:
    """``sarah-jones`` from ``Sarah Jones``: safe in a file name on any system."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40] or "recipient"


@dataclass
class PdfResult:
    """What the PDF step made: ``documents`` entries for the manifest, and the problem if it could not run."""

    documents: list[DocumentEntry] = field(default_factory=list)
    packs: dict[str, dict[str, Any]] = field(default_factory=dict)  # pack path → {recipient, encrypted, documents}
    problem: str | None = None
    passwords_file: str | None = None
    alongside: Any = None  # what ``make_pdfs``'s ``alongside`` returned


def make_pdfs(
    out_dir: Path,
    documents: list[DocumentEntry],
    distribution: list[DistributionRow],
    *,
    encrypt_email: bool,
    timeout: float,
    converter: Converter | None = None,
    alongside: Callable[[], Any] | None = None,
) -> PdfResult:
    """PDFs of the .docx ``documents`` (manifest entries) beside them; a pack per recipient from those PDFs; passwords kept apart.

    Without a ``converter``, one LibreOffice run for the form, or (not installed) a warning once per process and the
    .docx documents alone. A converter's ``ConverterError`` is raised: the caller decides what becomes of the form.
    ``alongside``: more work that needs the PDFs (the print pack), done while the packs are merged; what it returns is
    ``result.alongside``, and what it raises is raised.
    """
    global _warned_missing
    result = PdfResult()
    if converter is None:
        if find_soffice() is None:
            if not _warned_missing:
                log.warning("PDF copies are switched on but LibreOffice (soffice) is not installed: only .docx documents are made.")
                _warned_missing = True
            result.problem = "LibreOffice is not installed"
            return result
        converter = libreoffice_converter
    sources = [out_dir / d["path"] for d in documents if str(d["path"]).endswith(".docx")]
    made = converter(sources, out_dir, timeout)
    pdf_of: dict[str, str] = {}
    for entry in documents:
        source = out_dir / entry["path"]
        if source not in made:
            continue
        pdf_of[entry["path"]] = made[source].name
        result.documents.append({"path": made[source].name, "kind": "pdf", "child": entry.get("child")})
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="docgen-print-pack") as beside:
        job = beside.submit(alongside) if alongside is not None else None
        _make_packs(out_dir, pdf_of, distribution, encrypt_email, result)
        result.alongside = job.result() if job is not None else None
    return result


def _make_packs(out_dir: Path, pdf_of: dict[str, str], distribution: list[DistributionRow], encrypt_email: bool, result: PdfResult) -> None:
    """One merged PDF per recipient, in the order of the distribution list; passwords to ``private/``."""
    by_recipient: dict[str, list[DistributionRow]] = {}
    for row in distribution:
        by_recipient.setdefault(addressee(row), []).append(row)  # one pack per person, whatever roles list them
    passwords: list[str] = []
    used: set[str] = set()
    with Documents() as documents:  # each PDF opened once, however many packs it goes into
        for rows in by_recipient.values():
            pdfs = list(dict.fromkeys(pdf_of[r["document"]] for r in rows if r["document"] in pdf_of))
            if not pdfs:
                continue
            recipient = rows[0]["recipient"]
            slug = base = recipient_slug(recipient)
            number = 2
            while slug in used:
                slug, number = f"{base}-{number}", number + 1
            used.add(slug)
            name = f"pack-{slug}.pdf"
            encrypted = encrypt_email and any(r.get("delivery") in ENCRYPTED_DELIVERY for r in rows)
            password = secrets.token_urlsafe(9) if encrypted else None
            merge_pack(
                [out_dir / pdf for pdf in pdfs],
                out_dir / name,
                title=f"Child in Need plan pack for {recipient}",
                password=password,
                owner_password=secrets.token_urlsafe(24),
                documents=documents,
            )
            if password is not None:
                passwords.append(f"{name}\t{recipient}\t{rows[0].get('email') or ''}\t{password}")
            result.documents.append({"path": name, "kind": "pdf_pack", "child": None, "recipient": recipient, "encrypted": encrypted})
            result.packs[name] = {"recipient": recipient, "encrypted": encrypted, "documents": pdfs}
    if passwords:
        _write_passwords(out_dir, passwords)
        result.passwords_file = PASSWORDS_FILE.as_posix()


def _write_passwords(out_dir: Path, lines: list[str]) -> None:
    """The pack passwords, readable by the service's owner only: give them to each recipient by phone or text."""
    folder = out_dir / PASSWORDS_FILE.parent
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    path = out_dir / PASSWORDS_FILE
    header = "# Passwords for the encrypted PDF packs. Do not email them with the packs: give each one by phone or text.\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(header + "# pack\trecipient\temail\tpassword\n" + "\n".join(lines) + "\n")
    os.chmod(path, 0o600)
