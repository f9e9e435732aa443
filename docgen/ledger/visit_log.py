"""Visit logs dropped into the inbox: every row checked, like a form, before any visit is recorded (procedure 5.2).

A row naming a case the ledger has no plan for, a child the case does not have, a date that cannot be read
or lies before the case's plan started or in the future, or repeating another row, is named with its sheet, row and what to correct; the log is
then rejected whole (``VisitLogError``), so a corrected log can be dropped again without half of it already in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docgen.errors import LedgerWorkbookError
from docgen.ledger.dates import parse_day
from docgen.ledger.models import Visit
from docgen.ledger.store import Ledger
from docgen.typed_dates import visit_date_problem
from docgen.validation.problems import Problem

__all__ = ["SECTION", "VisitLogError", "VisitRows", "check_visit_rows", "children_of_cases", "receipt"]

SECTION = "procedure 5.2"
_YES = {"yes", "y", "true", "1", "✓", "✔", "x"}
_NO = {"no", "n", "false", "0"}


class VisitLogError(LedgerWorkbookError):
    """A visit log with rows to correct; ``problems`` names each one (sheet, row, what to fix). Nothing of it was recorded."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class VisitRows:
    """A visit log's rows as read: each data row's sheet row number and its cells by column."""

    sheet: str
    columns: dict[str, int]  # normalised header → column index (0-based)
    rows: list[tuple[int, dict[str, Any]]]  # row number → {"case reference": ..., "child": ..., "visit date": ..., "seen alone": ...}


def check_visit_rows(name: str, table: VisitRows, ledger: Ledger, children_of: dict[str, dict[str, str]], today: dt.date) -> list[Visit]:
    """The visits a log records, or ``VisitLogError`` naming every row to correct.

    ``children_of`` maps each case the ledger knows to its children (normalised id or name → id).
    """
    problems: list[tuple[int, Problem]] = []
    visits: list[tuple[int, Visit]] = []
    starts = {case: ledger.plan_start(case) for case in children_of}
    for number, cells in table.rows:
        found = list(_row_problems(table, number, cells, children_of, starts, today))
        if found:
            problems += [(number, p) for p in found]
            continue
        case = str(cells["case reference"])
        child = children_of[case][_norm(cells["child"])]
        visits.append((number, Visit(case, child, parse_day(cells["visit date"]) or today, _yes_no(cells.get("seen alone")))))
    seen: dict[tuple[str, str, dt.date], int] = {}
    for number, visit in visits:
        key = (visit.case_reference, visit.child, visit.visit_date)
        if key in seen:
            problems.append(
                (
                    number,
                    _problem(
                        table,
                        number,
                        "visit date",
                        "duplicate-row",
                        f"row {number} repeats row {seen[key]}: the same visit to child {visit.child} on {visit.visit_date:%d/%m/%Y}",
                        "Delete one of the two rows (or correct the child or the date if they are for another visit).",
                    ),
                )
            )
        seen.setdefault(key, number)
    if not table.rows:
        raise VisitLogError(
            f"{name} is a visit log with no visits in it: fill in one row per child seen and drop it into the inbox again.",
            [_problem(table, 0, "", "empty", "the log has no visits in it", "Fill in one row per child seen.")],
        )
    if problems:
        rows = len({number for number, _ in problems})
        raise VisitLogError(
            f"{name} is a visit log with {rows} row{'s' * (rows != 1)} to correct: nothing in it was recorded. "
            "Correct the rows named in the report and drop the whole log into the inbox again.",
            [p for _, p in sorted(problems, key=lambda found: found[0])],
        )
    return [visit for _, visit in visits]


def _row_problems(
    table: VisitRows,
    number: int,
    cells: dict[str, Any],
    children_of: dict[str, dict[str, str]],
    starts: dict[str, dt.date | None],
    today: dt.date,
) -> Iterator[Problem]:
    case, child, raw = cells.get("case reference"), cells.get("child"), cells.get("visit date")
    for column, value, what in (
        ("case reference", case, "the case reference"),
        ("child", child, "the child"),
        ("visit date", raw, "the visit date"),
    ):
        if value is None:
            yield _problem(
                table,
                number,
                column,
                "missing",
                f"{what} is blank",
                "Fill it in: every row needs the case reference, child and visit date.",
            )
    if case is not None and str(case) not in children_of:
        near = next((known for known in sorted(children_of) if _norm(known) == _norm(case)), None)
        yield _problem(
            table,
            number,
            "case reference",
            "unknown-case",
            f"no plan has been published for case reference {case}",
            f"Type it exactly as on the plan: {near}."
            if near
            else "Check the reference against the plan (for example CIN-2026-0412); a new case's visits can be recorded once its plan is published.",
        )
    elif case is not None and child is not None and _norm(child) not in children_of[str(case)]:
        ids = sorted(set(children_of[str(case)].values()))
        yield _problem(
            table,
            number,
            "child",
            "unknown-child",
            f"case {case} has no child {child}",
            f"Use the child's ID as on the plan: {', '.join(ids) or 'none published yet'}.",
        )
    if raw is not None:
        day = parse_day(raw)
        if day is None:
            yield _problem(
                table,
                number,
                "visit date",
                "date-unreadable",
                f"the visit date {raw} cannot be read as a date (day first: 05/01/2027 is 5 January)",
                "Type the date day first, as 31/12/2026, or pick it from the calendar.",
            )
        else:
            problem = visit_date_problem(day, starts.get(str(case)), today)
            if problem:
                yield _problem(
                    table,
                    number,
                    "visit date",
                    "date-in-future" if day > today else "date-before-plan",
                    problem[0].lower() + problem[1:-1],
                    "Check the date (day first, and the year): only visits made since the plan started can be recorded.",
                )


def _problem(table: VisitRows, number: int, column: str, what: str, message: str, fix: str) -> Problem:
    letter = _letter(table.columns.get(column)) if column else ""
    where = f"{table.sheet}!{letter}{number}" if number and letter else (f"{table.sheet} row {number}" if number else table.sheet)
    return Problem(
        rule=f"visit-log-5.2-{what}",
        severity="error",
        field=where,
        message=f"Sheet {table.sheet}, row {number}: {message}" if number else f"Sheet {table.sheet}: {message}",
        section=SECTION,
        fix=fix,
        location=f"sheet {table.sheet}, row {number}" if number else f"sheet {table.sheet}",
    )


def _letter(index: int | None) -> str:
    if index is None:
        return ""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def receipt(visits: list[Visit], added: int) -> str:
    """The receipt line: how many visits were recorded, for which children of which case."""
    parts = []
    for case in sorted({v.case_reference for v in visits}):
        counts = Counter(v.child for v in visits if v.case_reference == case)
        children = ", ".join(f"child {child} ({count})" for child, count in sorted(counts.items()))
        parts.append(f"{case}: {children}")
    total = len(visits)
    again = total - added
    return f"{total} visit{'s' * (total != 1)} recorded for " + "; ".join(parts) + (f" ({again} already recorded)" if again else "")


def _norm(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(value or "").lower()).strip()


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    return True if text in _YES else False if text in _NO else None


def children_of_cases(ledger: Ledger) -> dict[str, dict[str, str]]:
    """Every case with a published plan → its children: normalised id, and name where the distribution list gives one, → id."""
    found: dict[str, dict[str, str]] = {}
    for meeting in ledger.meetings():
        names = found.setdefault(meeting.case_reference, {})
        manifest = ledger.meeting_manifest(meeting.id)
        for child in [*(manifest.get("children") or []), *(d.get("child") for d in manifest.get("documents") or [])]:
            if child:
                names[_norm(child)] = str(child)
        for copy in ledger.copies(meeting.id):
            if copy["role"] == "child" and copy["child"]:
                names[_norm(copy["recipient"])] = str(copy["child"])
    return found
