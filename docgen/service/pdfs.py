"""The service's PDF step: whether PDFs are made, the warm LibreOffices' life cycle, and a form's PDFs before it is published.

Workers only render the Word documents; the service turns them into PDFs here, on converters it starts
once (warm before the first form) and stops when it stops, so no form pays LibreOffice's start-up.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from docgen.errors import ConverterError, ConverterUnavailableError
from docgen.manifest import Manifest
from docgen.pdf.making import Converter, pdf_wanted
from docgen.profiles import Profile
from docgen.settings.service import Settings
from docgen.validation import Problem, Report

__all__ = ["PdfStep", "pdf_failure_report"]

log = logging.getLogger("docgen.service")


class PdfStep:
    """PDFs for one service: ``on`` or not (``line`` says which and why), on warm converters or a given ``converter``."""

    def __init__(self, settings: Settings, converter: Converter | None = None) -> None:
        self.settings = settings
        if converter is not None:  # a stand-in (tests): on whenever the setting is not false
            self.on, self.line = settings.pdf is not False, "PDF copies: on"
        else:
            self.on, self.line = pdf_wanted(settings.pdf)
        self._given = converter
        self._warm: Any = None  # docgen.pdf.converter_queue.Converters, once started
        self._jobs: ThreadPoolExecutor | None = None  # forms being converted, beside the service's other work

    def start(self, wait: bool = True) -> str | None:
        """Starts the warm converters (``workers`` of them) if PDFs are on; returns a line to log if ``auto`` had to give up."""
        if not self.on or self._given is not None or self._warm is not None:
            return None
        from docgen.pdf.converter_queue import Converters

        settings = self.settings
        self._warm = Converters(
            settings.workers,
            timeout=settings.pdf_timeout_seconds,
            restart_after=settings.pdf_restart_after,
            idle_check_after=settings.pdf_idle_check_seconds,
        )
        from docgen.render.documents import TEMPLATE_DIR

        try:
            self._warm.start(wait=wait, warm_up=TEMPLATE_DIR / "plan-child.docx")  # words, tables and pictures
        except ConverterUnavailableError as exc:
            self.close()
            if settings.pdf is True:
                raise
            self.on, self.line = False, f'PDF copies: off ({exc}; pdf = "auto")'
            return self.line
        return None

    def submit(self, out_dir: Path, manifest: Manifest, profile: Profile) -> Future[None]:
        """Starts ``add`` for a built form; several forms' documents queue for the converters together, so none stands idle."""
        self.start(wait=False)
        if self._jobs is None:
            self._jobs = ThreadPoolExecutor(max_workers=self.settings.workers + 1, thread_name_prefix="docgen-pdfs")
        return self._jobs.submit(self.add, out_dir, manifest, profile)

    def add(self, out_dir: Path, manifest: Manifest, profile: Profile) -> None:
        """Makes the PDFs and packs of a built form in ``out_dir`` and lists them in its manifest; raises ``ConverterError``."""
        from docgen.pdf.pack_pdfs import add_pdfs
        from docgen.render.pack import encrypt_email_pdfs

        if not self.on:
            return
        converter = self._given or self._warm
        encrypt = encrypt_email_pdfs(profile, self.settings)
        add_pdfs(out_dir, manifest, profile=profile, encrypt_email=encrypt, timeout=self.settings.pdf_timeout_seconds, converter=converter)

    def close(self) -> None:
        """Lets the forms being converted finish, then stops the warm converters (TERM, then KILL)."""
        if self._jobs is not None:
            self._jobs.shutdown(wait=True)
            self._jobs = None
        if self._warm is not None:
            self._warm.close()
            self._warm = None


def pdf_failure_report(source: dict[str, Any], policy: str, error: ConverterError) -> Report:
    """The report for a form whose PDFs could not be made: kept with the form, which can simply be dropped in again."""
    if isinstance(error, ConverterUnavailableError):
        rule, fix = "pdf-libreoffice-unavailable", "Once LibreOffice is working again, drop the form into the inbox again."
    else:
        rule, fix = (
            "pdf-conversion-failed",
            "Drop the form into the inbox again; if it fails again, keep it and tell whoever looks after docgen.",
        )
    message = f"docgen could not make the PDF copies of this meeting's documents: {error}. The form itself may be fine."
    return Report(source, policy, [Problem(rule=rule, severity="error", field="", message=message, section="", fix=fix)])
