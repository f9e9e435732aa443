"""Validation reports: every problem at once, as text for people and as JSON for programs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Problem", "Report"]


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One thing wrong (error) or worth flagging (warning) in a record; built by keyword, so each field is named."""

    rule: str
    severity: str  # "error" or "warning"
    field: str  # 0-based path: participants[1].non_attendance_reason ("" for the whole record)
    message: str
    section: str = ""  # where the rule comes from: "procedure 2.1"
    fix: str = ""
    location: str | None = None  # where on the form: "Meeting!B7", "control meeting.date (Meeting date)"

    def to_json(self) -> dict[str, Any]:
        """The JSON object of DESIGN.md (``rule``, ``field``, ``message``) plus severity, section, fix, location."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
            "section": self.section,
            "fix": self.fix,
        }
        if self.location:
            out["location"] = self.location
        return out

    def to_text(self) -> str:
        """Two or three lines for a person: what, where, how to fix it."""
        where = f"{self.field}" + (f" — {self.location}" if self.location else "")
        lines = [f"{self.message} [{self.rule}{', ' + self.section if self.section else ''}]"]
        if where:
            lines.append(f"    where: {where}")
        if self.fix:
            lines.append(f"    fix:   {self.fix}")
        return "\n".join(lines)


@dataclass
class Report:
    """Everything found in one record or file."""

    source: dict[str, Any]  # {"name": ..., "sha256": ...}
    policy: str
    problems: list[Problem] = field(default_factory=list)
    basis: str = ""  # which profile and settings file were used, and why: "Profile standard: named on the form. Settings file: ..."
    headline: str = ""  # the verdict in its own words where the file is no form (a visit log: "… 1 row to correct …")

    @property
    def errors(self) -> list[Problem]:
        """Problems that reject the form."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems that are flagged but let the plan go out."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        """True when nothing stops the plan being produced."""
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        """``source``, ``policy``, ``valid``, ``errors`` and ``warnings``, as ``NAME.errors.json`` and ``validate --json`` give them."""
        return {
            "source": self.source,
            "policy": self.policy,
            **({"policy_basis": self.basis} if self.basis else {}),
            "valid": self.valid,
            "errors": [p.to_json() for p in self.errors],
            "warnings": [p.to_json() for p in self.warnings],
        }

    def to_text(self) -> str:
        """The report for people: a verdict line, then each error and warning with its fix."""
        name = self.source.get("name", "the form")
        if self.headline:
            head = self.headline
        elif self.valid:
            head = f"{name}: accepted under the {self.policy} profile"
            head += f" with {len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}." if self.warnings else "."
        else:
            n = len(self.errors)
            head = (
                f"{name}: rejected under the {self.policy} profile — {n} error{'s' * (n != 1)} to correct"
                " before the plan can be produced. Correct the form and drop it into the inbox again."
            )
        parts = [head]
        if self.basis:
            parts.append(self.basis)
        if self.source.get("sha256"):
            parts.append(f"sha256: {self.source['sha256']}")
        for title, items in (("Errors", self.errors), ("Warnings", self.warnings)):
            if items:
                parts.append("")
                parts.append(f"{title}:")
                parts.extend(f"{i}. {p.to_text()}" for i, p in enumerate(items, 1))
        return "\n".join(parts) + "\n"
