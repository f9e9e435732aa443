"""The blank Word form: one control per field, tagged with its path, beside its title, of the right kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from docgen.blanks.form_layout import SPARE_ROWS
from docgen.blanks.generate_docx import write_docx_form
from docgen.errors import ConfigError
from docgen.schema import schema_version
from tests.shipped import available_profiles, fields, groups

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"


def _controls(path: Path) -> dict[str, list[Any]]:
    body = Document(str(path)).element.body
    found: dict[str, list[Any]] = {}
    for sdt in body.iter(qn("w:sdt")):
        tag = sdt.find(qn("w:sdtPr")).find(qn("w:tag")).get(qn("w:val"))
        found.setdefault(tag, []).append(sdt)
    return found


def _prop(sdt: Any, name: str) -> Any:
    return sdt.find(qn("w:sdtPr")).find(name if name.startswith("{") else qn(name))


def _shown(sdt: Any) -> str:
    return "".join(t.text or "" for t in sdt.find(qn("w:sdtContent")).iter(qn("w:t")))


def _label_beside(sdt: Any) -> str:
    cell = next(a for a in sdt.iterancestors() if a.tag == qn("w:tc"))
    label_cell = cell.getprevious()
    first_paragraph = label_cell.find(qn("w:p"))
    return "".join(t.text or "" for t in first_paragraph.iter(qn("w:t")))


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_docx_form(tmp_path_factory.mktemp("forms") / "form.docx")


@pytest.fixture(scope="module")
def south_glos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_docx_form(tmp_path_factory.mktemp("forms") / "form-sg.docx", "south-gloucestershire")


def test_every_single_field_has_one_control_beside_its_title(blank: Path) -> None:
    controls = _controls(blank)
    for spec in fields():
        (sdt,) = controls[spec.path]
        assert _prop(sdt, "w:alias").get(qn("w:val")) == spec.title
        assert _label_beside(sdt) in (spec.title, spec.title + " *")


def test_group_fields_are_table_cells_with_spare_rows(blank: Path) -> None:
    controls = _controls(blank)
    for group in groups():
        for spec in group.fields:
            assert len(controls[spec.path]) == SPARE_ROWS[group.name], spec.path
    first_names = controls["children.first_name"]
    rows = [next(a for a in sdt.iterancestors() if a.tag == qn("w:tr")) for sdt in first_names]
    assert len(set(map(id, rows))) == 4
    table = rows[0].getparent()
    header = [t.text for t in table.find(qn("w:tr")).iter(qn("w:t"))]
    assert header[:3] == ["Child ID\u00a0*", "First name\u00a0*", "Last name\u00a0*"]  # the mark never wraps alone


def test_blank_controls_show_their_prompt_from_the_description(blank: Path) -> None:
    (summary,) = _controls(blank)["assessment.summary"]
    assert _prop(summary, "w:showingPlcHdr") is not None
    assert _shown(summary) == "The current analysis of risk and need (procedure 1.3, 4.1)."


def test_dates_are_uk_date_pickers(blank: Path) -> None:
    (meeting_date,) = _controls(blank)["meeting.date"]
    picker = _prop(meeting_date, "w:date")
    assert picker.find(qn("w:dateFormat")).get(qn("w:val")) == "dd/MM/yyyy"
    assert picker.find(qn("w:lid")).get(qn("w:val")) == "en-GB"
    assert all(_prop(s, "w:date") is not None for s in _controls(blank)["actions.due_date"])


def test_choices_are_dropdowns_of_titles_with_values(blank: Path) -> None:
    (chair_role,) = _controls(blank)["meeting.chair_role"]
    items = [(i.get(qn("w:displayText")), i.get(qn("w:value"))) for i in _prop(chair_role, "w:dropDownList")]
    assert items == [
        ("Social worker", "social_worker"),
        ("Practice lead", "practice_lead"),
        ("Principal manager", "principal_manager"),
        ("Team manager", "team_manager"),
        ("Community support worker", "community_support_worker"),
    ]


def test_required_yes_no_is_a_dropdown_and_optional_is_a_tick_box(blank: Path) -> None:
    controls = _controls(blank)
    attended = controls["participants.attended"][0]
    assert [i.get(qn("w:displayText")) for i in _prop(attended, "w:dropDownList")] == ["Yes", "No"]
    # a copy goes out unless someone says No: "not answered" must differ from "No" there too
    assert _prop(controls["participants.receives_copy"][0], "w:dropDownList") is not None
    box = _prop(controls["children.seen_alone"][0], f"{W14}checkbox")
    assert box.find(f"{W14}checked").get(f"{W14}val") == "0"
    assert box.find(f"{W14}uncheckedState").get(f"{W14}val") == "2610"
    assert _shown(controls["children.seen_alone"][0]) == "☐"
    assert _prop(controls["decision.locality_team_invited"][0], f"{W14}checkbox") is not None


def test_form_version_is_filled_in_and_locked(blank: Path) -> None:
    (version,) = _controls(blank)["form_version"]
    assert _shown(version) == schema_version()
    assert _prop(version, "w:showingPlcHdr") is None
    assert _prop(version, "w:lock").get(qn("w:val")) == "sdtContentLocked"


def test_policy_lists_the_councils(blank: Path) -> None:
    (policy,) = _controls(blank)["policy"]
    assert [i.get(qn("w:value")) for i in _prop(policy, "w:dropDownList")] == available_profiles()
    assert _prop(policy, "w:showingPlcHdr") is not None


def test_a_council_form_preselects_it_and_marks_what_it_requires(blank: Path, south_glos: Path) -> None:
    (policy,) = _controls(south_glos)["policy"]
    assert _shown(policy) == "south-gloucestershire"
    assert _prop(policy, "w:showingPlcHdr") is None
    (plan,) = _controls(south_glos)["contingency_plan"]
    assert _label_beside(plan) == "Contingency plan *"
    (plan,) = _controls(blank)["contingency_plan"]
    assert _label_beside(plan) == "Contingency plan"


def test_questions_come_first_on_portrait_pages_then_every_table_on_landscape(blank: Path) -> None:
    document = Document(str(blank))
    orientations = [s.page_width > s.page_height for s in document.sections]
    assert orientations == [False, True]  # one change of orientation: no page left nearly empty by a switch back
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "About this form",
        "Case",
        "Meeting",
        "Key worker",
        "Assessment",
        "The plan",
        "Scaling",
        "Decision",
        "Children",
        "Participants",
        "Objectives",
        "Actions",
        "Services",
    ]


def test_every_table_heading_has_room_for_its_longest_word(blank: Path) -> None:
    from docgen.blanks.generate_docx import HEADING_CELL_PADDING_CM, HEADING_CHAR_CM

    document = Document(str(blank))
    for table in document.tables:
        header = table.rows[0]
        if header.cells[0].paragraphs[0].runs and header.cells[0].paragraphs[0].runs[0].bold and len(header.cells) > 2:
            for cell in header.cells:
                longest = max(len(w) for w in cell.text.replace("-", " ").split(" "))
                assert cell.width >= Cm(HEADING_CELL_PADDING_CM + HEADING_CHAR_CM * longest), cell.text


def test_unknown_council_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no council profile called 'nowhere'"):
        write_docx_form(tmp_path / "x.docx", "nowhere")
    assert not (tmp_path / "x.docx").exists()
