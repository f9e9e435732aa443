"""Reading dropped files into the canonical record: JSON, Word (.docx) and Excel (.xlsx) forms.

``read_form`` recognises a file by its content, never its extension, and either returns a
``ParsedForm`` or raises a ``FormError`` whose message says what the file is and what to do.
"""

from __future__ import annotations

from docgen.forms.parsed import ParsedForm
from docgen.forms.reader import read_form

__all__ = ["ParsedForm", "read_form"]
