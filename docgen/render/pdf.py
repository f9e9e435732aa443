"""PDF copies: one LibreOffice run per form, then metadata and one merged pack per recipient (pypdf).

LibreOffice is slow to start and keeps state in its user profile, so every document of a form is
converted in a single ``soffice --headless`` run with a throw-away profile (parallel workers never share
one), under a timeout that kills the whole process group. Packs for email delivery are AES-256 encrypted
when the profile (timescale ``pdf.encrypt_email_pdfs``) or ``docgen.toml`` asks; their passwords go to an
owner-only file in ``private/``, never into a pack, so they can be given by phone or text.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter

__all__ = [
    "PASSWORDS_FILE",
    "Converter",
    "PdfResult",
    "find_soffice",
    "libreoffice_converter",
    "make_pdfs",
    "recipient_slug",
]

log = logging.getLogger(__name__)

#: where pack passwords are written, relative to the meeting's folder (a 0700 folder, a 0600 file)
PASSWORDS_FILE = Path("private") / "pdf-passwords.txt"
ENCRYPTED_DELIVERY = ("email", "secure_email")

#: converts documents to PDFs in ``out_dir`` and returns {document: pdf}; raises ``PdfError`` on failure
Converter = Callable[[list[Path], Path, float], dict[Path, Path]]


class PdfError(Exception):
    """LibreOffice did not produce the PDFs (missing, failed or hung)."""


_warned_missing = False


def find_soffice() -> str | None:
    """The LibreOffice program on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_converter(documents: list[Path], out_dir: Path, timeout: float) -> dict[Path, Path]:
    """Converts all the documents in ONE headless LibreOffice run with its own profile; kills it on a hang."""
    program = find_soffice()
    if program is None:
        raise PdfError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="docgen-lo-") as profile:
        command = [
            program,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf",
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
            raise PdfError(f"LibreOffice did not finish converting within {timeout:g} seconds and was stopped") from None
    made = {d: out_dir / f"{d.stem}.pdf" for d in documents}
    missing = [d.name for d, pdf in made.items() if not pdf.is_file()]
    if process.returncode != 0 or missing:
        detail = output.decode("utf-8", "replace").strip()[-300:]
        raise PdfError(f"LibreOffice did not convert {', '.join(missing) or 'the documents'} (exit {process.returncode}): {detail}")
    return made


def recipient_slug(name: str) -> str:
    """``sarah-jones`` from ``Sarah Jones``: safe in a file name on any system."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40] or "recipient"


@dataclass
class PdfResult:
    """What the PDF step made: ``documents`` entries for the manifest, and the problem if it could not run."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    packs: dict[str, dict[str, Any]] = field(default_factory=dict)  # pack path → {recipient, encrypted, documents}
    problem: str | None = None
    passwords_file: str | None = None


def _set_metadata(pdf: Path, metadata: dict[str, str]) -> None:
    writer = PdfWriter(clone_from=PdfReader(pdf))
    writer.add_metadata({f"/{k.title()}": v for k, v in metadata.items()} | {"/Creator": "docgen"})
    with pdf.open("wb") as stream:
        writer.write(stream)


def make_pdfs(
    out_dir: Path,
    documents: list[dict[str, Any]],
    metadata: dict[str, dict[str, str]],
    distribution: list[dict[str, Any]],
    *,
    encrypt_email: bool,
    timeout: float,
    converter: Converter | None = None,
) -> PdfResult:
    """PDFs of the .docx ``documents`` (manifest entries) beside them, titled; a pack per recipient; passwords kept apart.

    ``metadata`` maps a document path to its ``title``/``subject``/``author``. Without LibreOffice (and no
    ``converter`` given) docgen logs a warning once per process and the .docx documents stand alone.
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
    try:
        made = converter(sources, out_dir, timeout)
    except PdfError as exc:
        log.warning("PDF copies were not made: %s. The .docx documents are published without them.", exc)
        result.problem = str(exc)
        return result
    pdf_of: dict[str, str] = {}
    for entry in documents:
        source = out_dir / entry["path"]
        if source not in made:
            continue
        pdf = made[source]
        _set_metadata(pdf, metadata.get(entry["path"], {}))
        pdf_of[entry["path"]] = pdf.name
        result.documents.append({"path": pdf.name, "kind": "pdf", "child": entry.get("child")})
    _make_packs(out_dir, pdf_of, distribution, encrypt_email, result)
    return result


def _make_packs(out_dir: Path, pdf_of: dict[str, str], distribution: list[dict[str, Any]], encrypt_email: bool, result: PdfResult) -> None:
    """One merged PDF per recipient, in the order of the distribution list; passwords to ``private/``."""
    by_recipient: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in distribution:
        key = (row["recipient"], row.get("email"), row.get("address"), row.get("role"))
        by_recipient.setdefault(key, []).append(row)
    passwords: list[str] = []
    used: set[str] = set()
    for rows in by_recipient.values():
        pdfs = [pdf_of[r["document"]] for r in rows if r["document"] in pdf_of]
        if not pdfs:
            continue
        slug = base = recipient_slug(rows[0]["recipient"])
        number = 2
        while slug in used:
            slug, number = f"{base}-{number}", number + 1
        used.add(slug)
        name = f"pack-{slug}.pdf"
        writer = PdfWriter()
        for pdf in pdfs:
            writer.append(str(out_dir / pdf))
        writer.add_metadata({"/Title": f"Child in Need plan pack for {rows[0]['recipient']}", "/Creator": "docgen"})
        encrypted = encrypt_email and rows[0].get("delivery") in ENCRYPTED_DELIVERY
        if encrypted:
            password = secrets.token_urlsafe(9)
            writer.encrypt(user_password=password, owner_password=secrets.token_urlsafe(24), algorithm="AES-256")
            passwords.append(f"{name}\t{rows[0]['recipient']}\t{rows[0].get('email') or ''}\t{password}")
        with (out_dir / name).open("wb") as stream:
            writer.write(stream)
        result.documents.append(
            {"path": name, "kind": "pdf_pack", "child": None, "recipient": rows[0]["recipient"], "encrypted": encrypted}
        )
        result.packs[name] = {"recipient": rows[0]["recipient"], "encrypted": encrypted, "documents": pdfs}
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
