"""The CIN census return: ``cin-plans-YYYY.xml`` in the census layout and ``cin-plans-YYYY.csv`` for people to check it.

The census year YYYY runs from 1 April YYYY-1 to its reference date, 31 March YYYY. Every child plan that
was open on any day of it is exported. In the XML a plan ending after the reference date is still open
(the census cannot see past its reference date), and ``CINdetails`` holds only the referral date and plan
dates: assessments, closure dates and reasons belong to the case management system's own return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree as ET

from docgen.returns.files import csv_text, write_whole
from docgen.returns.plans import ChildPlan, overlaps

__all__ = ["CSV_COLUMNS", "CensusExport", "census_period", "census_rows", "census_xml", "write_census"]

CSV_COLUMNS = ("la_child_id", "case_reference", "child_id", "date_of_birth", "referral_date", "plan_start", "plan_end", "ended_by")


@dataclass(frozen=True)
class CensusExport:
    """What ``write_census`` wrote, and the children left out of the XML for want of an LA child ID."""

    xml_path: Path
    csv_path: Path
    plans: int
    children_in_xml: int
    without_id: list[ChildPlan]


def census_period(year: int) -> tuple[dt.date, dt.date]:
    """The census year's first day (1 April of the year before) and its reference date (31 March)."""
    return dt.date(year - 1, 4, 1), dt.date(year, 3, 31)


def census_rows(plans: Iterable[ChildPlan], year: int) -> list[ChildPlan]:
    """The plans open on any day of the census year, by case, episode, start and child."""
    first, last = census_period(year)
    chosen = [p for p in plans if overlaps(p, first, last)]
    return sorted(chosen, key=lambda p: (p.case_reference, p.episode, p.start, p.child_id))


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def census_xml(plans: list[ChildPlan], year: int) -> bytes:
    """The XML of the census: a ``Child`` per LA child ID, a ``CINdetails`` per episode, its plans' dates."""
    _, reference = census_period(year)
    message = ET.Element("Message")
    details = ET.SubElement(ET.SubElement(message, "Header"), "CollectionDetails")
    _text(details, "Collection", "CIN")
    _text(details, "Year", str(year))
    _text(details, "ReferenceDate", reference.isoformat())
    children = ET.SubElement(message, "Children")
    by_child: dict[str, list[ChildPlan]] = {}
    for plan in plans:
        if plan.la_child_id:
            by_child.setdefault(plan.la_child_id, []).append(plan)
    for la_child_id, own in by_child.items():
        child = ET.SubElement(children, "Child")
        identifiers = ET.SubElement(child, "ChildIdentifiers")
        _text(identifiers, "LAchildID", la_child_id)
        born = next((p.date_of_birth for p in own if p.date_of_birth), None)
        if born:
            _text(identifiers, "PersonBirthDate", born.isoformat())
        ET.SubElement(child, "ChildCharacteristics")  # required by the layout; docgen holds none of its contents
        episodes: dict[tuple[str, int], list[ChildPlan]] = {}
        for plan in own:
            episodes.setdefault((plan.case_reference, plan.episode), []).append(plan)
        for episode in episodes.values():
            cin = ET.SubElement(child, "CINdetails")
            _text(cin, "CINreferralDate", episode[0].referral_date.isoformat())
            for plan in episode:
                dates = ET.SubElement(cin, "CINPlanDates")
                _text(dates, "CINPlanStartDate", plan.start.isoformat())
                if plan.end is not None and plan.end <= reference:  # ending after the reference date: open on it
                    _text(dates, "CINPlanEndDate", plan.end.isoformat())
    ET.indent(message)
    return ET.tostring(message, encoding="utf-8", xml_declaration=True) + b"\n"


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def census_csv(plans: list[ChildPlan]) -> str:
    """A row per child plan with its real end (blank while open) and what ended it."""
    rows = (
        (p.la_child_id or "", p.case_reference, p.child_id, _iso(p.date_of_birth), _iso(p.referral_date), _iso(p.start), _iso(p.end), p.ended_by or "")
        for p in plans
    )
    return csv_text(CSV_COLUMNS, rows)


def write_census(plans: Iterable[ChildPlan], year: int, out: Path) -> CensusExport:
    """Writes ``cin-plans-YYYY.xml`` and ``.csv`` into ``out`` for the plans that overlap the census year."""
    chosen = census_rows(plans, year)
    xml_path, csv_path = out / f"cin-plans-{year}.xml", out / f"cin-plans-{year}.csv"
    write_whole(xml_path, census_xml(chosen, year))
    write_whole(csv_path, census_csv(chosen).encode("utf-8"))
    missing = [p for p in chosen if not p.la_child_id]
    return CensusExport(xml_path, csv_path, len(chosen), len({p.la_child_id for p in chosen if p.la_child_id}), missing)
