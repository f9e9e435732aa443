"""The blank forms' file names, and writing both blank meeting forms into a folder."""

from __future__ import annotations

from pathlib import Path

from docgen.profiles import Profiles

__all__ = ["DOCX_NAME", "VISIT_LOG_NAME", "XLSX_NAME", "write_forms"]

DOCX_NAME = "cin-meeting-form.docx"
XLSX_NAME = "cin-meeting-form.xlsx"
VISIT_LOG_NAME = "visit-log.xlsx"


def write_forms(out: Path, profiles: Profiles, policy: str | None = None) -> list[Path]:
    """Writes both blank forms into ``out`` (created if missing) and returns their paths."""
    from docgen.blanks.generate_docx import write_docx_form  # imported when used: ``--case`` starts from kept copies
    from docgen.blanks.generate_xlsx import write_xlsx_form

    if policy:
        profiles.load(policy)  # an unknown council stops here, before any folder is made
    out.mkdir(parents=True, exist_ok=True)
    return [write_docx_form(out / DOCX_NAME, policy, profiles=profiles), write_xlsx_form(out / XLSX_NAME, policy, profiles=profiles)]
