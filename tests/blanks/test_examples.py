"""The bundled example forms say exactly what the records beside them say, and each passes its council's rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docgen.forms import read_form
from docgen.record import clean
from docgen.schema import schema_version
from docgen.validation import validate_record
from tests.blanks.fill import as_form_answers, checkbox_paths

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
FORMS = sorted([*EXAMPLES.glob("*/*.docx"), *EXAMPLES.glob("*/*.xlsx")])


def test_both_councils_have_word_and_excel_examples() -> None:
    assert {(f.parent.name, f.suffix) for f in FORMS} == {
        ("standard", ".docx"),
        ("standard", ".xlsx"),
        ("south-gloucestershire", ".docx"),
        ("south-gloucestershire", ".xlsx"),
    }


@pytest.mark.parametrize("form", FORMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_reads_back_as_its_record_and_is_valid_for_its_council(form: Path) -> None:
    council = form.parent.name
    record = json.loads(form.with_suffix(".json").read_text(encoding="utf-8"))
    record["form_version"] = schema_version()
    if form.suffix == ".docx":
        record = as_form_answers(record, checkbox_paths(form))  # an unticked box on the form reads as No
    parsed = read_form(form)
    assert parsed.problems == []
    assert clean(parsed.record) == clean(record)
    report = validate_record(clean(parsed.record), council)
    assert [e.message for e in report.errors] == []
