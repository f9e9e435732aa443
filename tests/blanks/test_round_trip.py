"""Forms made by ``docgen forms``, filled in through their own controls and names, read back to exactly the record put in."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from docgen.blanks.generate_docx import write_docx_form
from docgen.blanks.generate_xlsx import write_xlsx_form
from docgen.forms import read_form
from docgen.record import clean
from docgen.schema import schema_version
from tests.blanks.fill import as_form_answers, checkbox_paths, fill_docx, fill_xlsx
from tests.blanks.strategies import records

SAMPLE = Path(__file__).parent.parent / "records" / "initial-two-children.json"
ROUND_TRIP_SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def blanks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("blank")
    return {"docx": write_docx_form(folder / "form.docx"), "xlsx": write_xlsx_form(folder / "form.xlsx")}


def _sample() -> dict[str, Any]:
    record: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    record["form_version"] = schema_version()  # the blank form carries its version
    return record


def _round_trip_docx(blank: Path, record: dict[str, Any], out: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    parsed = read_form(fill_docx(blank, record, out))
    assert parsed.kind == "docx"
    assert parsed.problems == []
    return clean(parsed.record), clean(as_form_answers(record, checkbox_paths(blank)))


def _round_trip_xlsx(blank: Path, record: dict[str, Any], out: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    parsed = read_form(fill_xlsx(blank, record, out))
    assert parsed.kind == "xlsx"
    assert parsed.problems == []
    return clean(parsed.record), clean(record)


def test_sample_record_round_trips_through_the_word_form(blanks: dict[str, Path], tmp_path: Path) -> None:
    got, expected = _round_trip_docx(blanks["docx"], _sample(), tmp_path / "filled.docx")
    assert got == expected
    assert got["children"][1]["non_attendance_reason"] == "At school; age 7, views gathered at home visit."
    assert got["meeting"]["date"] == "2026-12-17"
    # the one unticked box on the form reads as No: a tick box cannot say "not answered"
    assert got["decision"]["locality_team_invited"] is False


def test_sample_record_round_trips_through_the_excel_form(blanks: dict[str, Path], tmp_path: Path) -> None:
    got, expected = _round_trip_xlsx(blanks["xlsx"], _sample(), tmp_path / "filled.xlsx")
    assert got == expected


def test_more_rows_than_the_form_offers_are_added_and_read(blanks: dict[str, Path], tmp_path: Path) -> None:
    record = _sample()
    record["children"] += [
        {**copy.deepcopy(record["children"][0]), "id": f"C{n}", "first_name": f"Child{n}"} for n in range(3, 7)
    ]  # six children on a form with four rows
    got, expected = _round_trip_docx(blanks["docx"], record, tmp_path / "six.docx")
    assert [c["id"] for c in got["children"]] == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert got == expected


@ROUND_TRIP_SETTINGS
@given(record=records())
def test_any_record_round_trips_through_the_word_form(blanks: dict[str, Path], tmp_path: Path, record: dict[str, Any]) -> None:
    got, expected = _round_trip_docx(blanks["docx"], record, tmp_path / "any.docx")
    assert got == expected


@ROUND_TRIP_SETTINGS
@given(record=records())
def test_any_record_round_trips_through_the_excel_form(blanks: dict[str, Path], tmp_path: Path, record: dict[str, Any]) -> None:
    got, expected = _round_trip_xlsx(blanks["xlsx"], record, tmp_path / "any.xlsx")
    assert got == expected
