"""Gathering fields read from a form into the canonical record, with where each one was found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docgen.forms.values import normalise
from docgen.record import Record
from docgen.schema import Catalogue, Field, Group
from docgen.validation.problems import Problem

__all__ = ["Cell", "Collector"]


@dataclass(frozen=True)
class Cell:
    """One value as found on the form, before normalising: the field, what was there, and where."""

    spec: Field
    raw: Any
    location: str


@dataclass
class Collector:
    """Builds the record field by field; the first non-empty reading of a single field wins."""

    catalogue: Catalogue  # the fields forms are read against: every profile of the root's (``Profiles.reading_catalogue``)
    record: Record = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # tags, names or headers that name no field of this schema
    fields_seen: int = 0  # fields found on the form, filled in or not: an empty count means nothing was recognised

    def has(self, path: str) -> bool:
        """Whether a single field already has a value."""
        section, _, name = path.rpartition(".")
        holder = self.record.get(section, {}) if section else self.record
        return isinstance(holder, dict) and holder.get(name) is not None

    def single(self, cell: Cell) -> None:
        """Reads one single (non-repeating) field; a second, different answer for it is a problem."""
        self.fields_seen += 1
        path = cell.spec.path
        reading = normalise(cell.spec, cell.raw, path, cell.location)
        if reading.problem:
            if path not in self.locations:
                self.problems.append(reading.problem)
                self.locations[path] = cell.location
            return
        if reading.value is None:
            self.locations.setdefault(path, cell.location)
            return
        section, _, name = path.rpartition(".")
        holder = self.record.setdefault(section, {}) if section else self.record
        earlier = holder.get(name)
        if earlier is None:
            holder[name] = reading.value
            self.locations[path] = cell.location
        elif earlier != reading.value:
            self.problems.append(
                Problem(
                    rule="form-conflict",
                    severity="error",
                    field=path,
                    message=f"{cell.spec.title} is filled in twice with different answers: '{earlier}' ({self.locations.get(path)}) and '{cell.raw}'.",
                    section="",
                    fix="Keep one answer and clear the other.",
                    location=cell.location,
                )
            )

    def locate_sections(self) -> None:
        """Gives each section of single fields (Key worker...) the place of its first question, so a missing section is found."""
        for spec in self.catalogue.fields:
            if spec.section and spec.path in self.locations and spec.section not in self.locations:
                self.locations[spec.section] = f"the {self.catalogue.title_of(spec.section)} questions, from {self.locations[spec.path]}"

    def item(self, group: Group, cells: list[Cell], row_location: str) -> None:
        """Adds one row of a repeating group, unless nothing in it was filled in."""
        self.fields_seen += len(cells)
        items: list[dict[str, Any]] = self.record.setdefault(group.name, [])
        index = len(items)
        values: dict[str, Any] = {}
        found: dict[str, str] = {}
        problems: list[Problem] = []
        for cell in cells:
            path = f"{group.name}[{index}].{cell.spec.name}"
            reading = normalise(cell.spec, cell.raw, path, cell.location)
            found.setdefault(path, cell.location)
            if reading.problem:
                problems.append(reading.problem)
            elif reading.value is not None and cell.spec.name not in values:
                values[cell.spec.name] = reading.value
        self.locations.setdefault(group.name, row_location)  # where the table starts: a missing group is reported there
        # A spare row's tick boxes still read as "No": only words, dates and choices make a row filled in.
        if not problems and all(isinstance(v, bool) for v in values.values()):
            if not items:
                del self.record[group.name]
            return
        items.append(values)
        self.locations[f"{group.name}[{index}]"] = row_location
        self.locations.update(found)
        self.problems.extend(problems)
