"""Forms filled in on an older blank: read with a warning when they still fit, refused when they do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.errors import OutdatedFormError
from docgen.forms import read_form
from docgen.schema import schema_version
from tests.forms.builders import para, text_control, write_docx


def test_current_version_reads_without_a_warning(tmp_path: Path) -> None:
    body = para(text_control("form_version", schema_version())) + para(text_control("case.reference", "A-1"))
    assert read_form(write_docx(tmp_path / "f.docx", body)).problems == []


def test_outdated_form_that_still_fits_is_read_with_a_warning(tmp_path: Path) -> None:
    body = para(text_control("form_version", "0.9")) + para(text_control("case.reference", "A-1"))
    form = read_form(write_docx(tmp_path / "f.docx", body))
    assert form.record["case"] == {"reference": "A-1"}
    [warning] = form.problems
    assert (warning.rule, warning.severity, warning.field) == ("form-outdated", "warning", "form_version")
    assert warning.message.startswith(f"This form is version 0.9 of the meeting form; the current one is version {schema_version()}.")


def test_outdated_form_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    body = (
        para(text_control("form_version", "0.3"))
        + para(text_control("case.reference", "A-1"))
        + para(text_control("meeting.chair", "Priya"))
    )
    with pytest.raises(OutdatedFormError) as caught:
        read_form(write_docx(tmp_path / "old.docx", body))
    message = str(caught.value)
    assert "this form is out of date — use the current one from `docgen forms`" in message
    assert "meeting.chair" in message
    assert caught.value.kind == "form-outdated"
