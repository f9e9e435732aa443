"""Form text made safe to print in a letter, and dates written the British way (``17 December 2026``)."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from docgen.record import as_date

__all__ = ["SafeText", "safe_text", "uk_date"]

# XML 1.0 forbids most C0 controls; C1 controls and non-characters have no place in a letter either.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


class SafeText(str):
    """Text from a form, printed literally: XML-escaped, and safe from docxtpl's own tag markers.

    docxtpl turns ``{_{`` back into ``{{`` after rendering (its escape for literal braces in templates),
    so underscores are written as the character reference ``&#95;``: Word reads the same ``_``.
    """

    __slots__ = ()

    def __html__(self) -> str:
        return escape(str(self), quote=False).replace("_", "&#95;")


def safe_text(value: str) -> SafeText:
    """Form text with control characters removed and line endings made ``\\n`` (docxtpl makes them line breaks)."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return SafeText(_CONTROL.sub("", text))


def uk_date(value: Any) -> str:
    """``17 December 2026`` from an ISO date (or a date); other values unchanged as text."""
    day = as_date(value)
    return f"{day.day} {day:%B %Y}" if day else str(value)
