"""What a form reader gives back: the record, where each field was found, and problems met while reading."""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.record import Record
from docgen.validation.problems import Problem

__all__ = ["ParsedForm"]


@dataclass
class ParsedForm:
    """A form read into the canonical record.

    ``locations`` maps a 0-based field path (``participants[1].views``, or a row ``participants[1]``)
    to where a person finds it on the form: ``Participants!C3`` or ``control meeting.date (Meeting date)``.
    ``problems`` are errors found while reading (an impossible date as typed, a formula with no cached value).
    """

    record: Record
    kind: str  # "json", "docx" or "xlsx"
    locations: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
