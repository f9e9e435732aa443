"""Word forms: every kind of content control, repeating rows, and legacy label tables, read into the record."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.errors import UnsafeFormError
from docgen.forms import read_form
from tests.conftest import load_record
from tests.forms.builders import (
    cell,
    checkbox,
    control,
    date_control,
    dropdown,
    legacy_checkbox,
    macro_enabled_copy,
    para,
    row,
    run,
    table,
    text_control,
    write_docx,
)
from tests.forms.fill import add_row_without_controls, fill_docx
from tests.shipped import groups

ROLES = [("Social worker", "social_worker"), ("Practice lead", "practice_lead"), ("Principal manager", "principal_manager")]


def test_every_kind_of_control(tmp_path: Path) -> None:
    split_runs = control("case.reference", run("CIN-") + run("2026") + run("-0042"))
    body = "".join(
        [
            para(run("Case reference: "), split_runs),
            para(date_control("case.referral_date", "3 September 2026", "2026-09-03")),
            # no fullDate (LibreOffice drops it): the shown text is read
            para(date_control("meeting.date", "02/11/2026", None)),
            # a month-first display format: the stored fullDate says which day it is
            para(date_control("case.assessment_start_date", "9/14/2026", "2026-09-14")),
            para(date_control("meeting.next_review_date", "01/02/2027", "2027-02-01")),
            para(dropdown("meeting.type", "Initial", [("Initial", "initial"), ("Review", "review")])),
            para(dropdown("meeting.chair_role", "Practice lead", ROLES)),
            # a combo box where the typed words match an enum title, not a list item
            para(dropdown("decision.outcome", "step down to map", [("Continue", "continue")], combo=True)),
            para(text_control("meeting.visit_frequency_days", "14 days")),
            para(text_control("meeting.chair_name", "  Priya Shah  ")),
            para(text_control("meeting.venue", "Anything", placeholder=True)),
            # block-level control holding two paragraphs and a line break
            control(
                "assessment.summary",
                para(run("Mum is coping better.")) + para(run("Worries remain about school.\nAttendance is 80%.")),
            ),
            para(checkbox("decision.locality_team_invited", True)),
            para(text_control("form_version", "1.0")),
            table(
                row(cell(run("First name")), cell(run("Date of birth")), cell(run("Attended")), cell(run("ID"))),
                row(
                    cell(text_control("children.first_name", "Amy")),
                    cell(date_control("children.date_of_birth", "14/05/2015", "2015-05-14")),
                    cell(dropdown("children.attended", "Yes", [("Yes", "Yes"), ("No", "No")])),
                    cell(text_control("children.id", "C1")),
                ),
                row(
                    cell(text_control("children.first_name", "", placeholder=True)),
                    cell(date_control("children.date_of_birth", "", None)),
                    cell(checkbox("children.seen_alone", False)),
                    cell(text_control("children.id", "Enter", placeholder=True)),
                ),
                row(
                    cell(text_control("children.first_name", "Leo")),
                    cell(date_control("children.date_of_birth", "2nd March 2019", None)),
                    cell(control("children.attended", legacy_checkbox(None, default=True))),
                    cell(text_control("children.id", "C2")),
                ),
            ),
        ]
    )
    form = read_form(write_docx(tmp_path / "form.bin", body))
    assert form.kind == "docx"
    assert form.problems == []
    record = form.record
    assert record["case"] == {"reference": "CIN-2026-0042", "referral_date": "2026-09-03", "assessment_start_date": "2026-09-14"}
    assert record["meeting"] == {
        "date": "2026-11-02",
        "next_review_date": "2027-02-01",
        "type": "initial",
        "chair_role": "practice_lead",
        "visit_frequency_days": 14,
        "chair_name": "Priya Shah",
    }
    assert record["decision"] == {"outcome": "step_down_map", "locality_team_invited": True}
    assert record["assessment"]["summary"] == "Mum is coping better.\nWorries remain about school.\nAttendance is 80%."
    assert record["form_version"] == "1.0"
    assert record["children"] == [
        {"first_name": "Amy", "date_of_birth": "2015-05-14", "attended": True, "id": "C1"},
        {"first_name": "Leo", "date_of_birth": "2019-03-02", "attended": True, "id": "C2"},
    ]
    assert form.locations["meeting.date"] == "control meeting.date (Meeting date)"
    assert form.locations["children[1]"] == "row 4 of the Children table"
    assert form.locations["children[1].first_name"] == "control children.first_name (First name), row 4 of the Children table"


def test_impossible_date_is_a_problem_quoting_what_was_typed(tmp_path: Path) -> None:
    body = para(text_control("meeting.date", "31/02/2026", alias="Date of meeting"))
    form = read_form(write_docx(tmp_path / "form.docx", body))
    assert "date" not in form.record.get("meeting", {})
    [problem] = form.problems
    assert (problem.rule, problem.severity, problem.field) == ("form-date", "error", "meeting.date")
    assert problem.message == "Meeting date: '31/02/2026' is not a real date (there is no such day in that month)."
    assert problem.location == "control meeting.date (Date of meeting)"


def test_bad_value_in_a_row_points_at_the_row(tmp_path: Path) -> None:
    body = table(
        row(cell(text_control("participants.name", "Sam Jones")), cell(text_control("participants.attended", "perhaps"))),
    )
    form = read_form(write_docx(tmp_path / "form.docx", body))
    [problem] = form.problems
    assert problem.field == "participants[0].attended"
    assert problem.rule == "form-yes-no"
    assert problem.location == "control participants.attended (Attended), row 1 of the Participants table"
    assert form.record["participants"] == [{"name": "Sam Jones"}]


def test_legacy_form_with_label_tables_and_header_table(tmp_path: Path) -> None:
    body = "".join(
        [
            table(
                row(cell(run("Case reference:")), cell(run("CIN-7"))),
                row(cell(run("MEETING DATE")), cell(run("2 Nov 2026"))),
                row(cell(run("Chair’s role")), cell(run("Team Manager"))),
                row(cell(run("Locality Team invited?")), cell(legacy_checkbox(True))),
                row(cell(run("Meeting type *")), cell(run("Review")), cell(run("Venue")), cell(run("Family home"))),
            ),
            para(run("Participants")),
            table(
                row(cell(run("Name")), cell(run("Role")), cell(run("Attended?")), cell(run("Agency"))),
                row(cell(run("Sam Jones")), cell(run("Parent")), cell(run("Y")), cell(run(""))),
                row(cell(run("")), cell(run("")), cell(run("")), cell(run(""))),
                row(cell(run("Dr Patel")), cell(run("professional")), cell(run("✓")), cell(run("NHS"))),
            ),
        ]
    )
    form = read_form(write_docx(tmp_path / "legacy.docx", body))
    assert form.problems == []
    assert form.record["case"] == {"reference": "CIN-7"}
    assert form.record["meeting"] == {"date": "2026-11-02", "chair_role": "team_manager", "type": "review", "venue": "Family home"}
    assert form.record["decision"] == {"locality_team_invited": True}
    assert form.record["participants"] == [
        {"name": "Sam Jones", "role": "parent", "attended": True},
        {"name": "Dr Patel", "role": "professional", "attended": True, "agency": "NHS"},
    ]
    assert form.locations["meeting.date"] == "the box beside 'MEETING DATE'"
    assert form.locations["participants[1]"] == "row 4 of the Participants table"


def test_control_that_lost_its_tag_is_read_by_its_label(tmp_path: Path) -> None:
    body = "".join(
        [
            table(
                row(
                    cell(para(run("Meeting date *")), para(run("Required. A date, dd/mm/yyyy."))),
                    cell(date_control(None, "05/11/2026", None)),
                ),
                row(cell(run("Chair's role")), cell(dropdown(None, "Principal manager", ROLES))),
                row(cell(run("Venue")), cell(text_control(None, "The description shown as a prompt", placeholder=True))),
            ),
            para(run("Case reference: "), text_control(None, "AB-12")),
        ]
    )
    form = read_form(write_docx(tmp_path / "untagged.docx", body))
    assert form.record == {"meeting": {"date": "2026-11-05", "chair_role": "principal_manager"}, "case": {"reference": "AB-12"}}


def test_tagged_control_wins_over_its_label(tmp_path: Path) -> None:
    body = table(row(cell(run("Meeting date")), cell(date_control("meeting.date", "02/11/2026", "2026-11-02"))))
    form = read_form(write_docx(tmp_path / "f.docx", body))
    assert form.record == {"meeting": {"date": "2026-11-02"}}
    assert form.locations["meeting.date"] == "control meeting.date (Meeting date)"


def test_a_word_document_with_no_form_fields_is_not_a_form(tmp_path: Path) -> None:
    from docgen.errors import NotAFormError

    path = write_docx(tmp_path / "letter.docx", para(run("Dear Sir, please find attached...")))
    with pytest.raises(NotAFormError, match=r"^letter.docx is a Word document, but not a meeting form"):
        read_form(path)


def test_macro_enabled_document_is_refused(tmp_path: Path) -> None:
    plain = write_docx(tmp_path / "plain.docx", para(text_control("case.reference", "M-1")))
    docm = macro_enabled_copy(
        plain,
        tmp_path / "form.docm",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "word/vbaProject.bin",
    )
    with pytest.raises(UnsafeFormError, match=r"^form.docm was refused: it carries macros"):
        read_form(docm)


def test_repeating_section_items_spanning_two_rows(tmp_path: Path) -> None:
    def item(first: str, views: str) -> str:
        return control(
            None,
            row(cell(text_control("children.first_name", first)), cell(text_control("children.id", first[:2].upper())))
            + row(cell(text_control("children.views", views)), cell(run(""))),
            extra="<w15:repeatingSectionItem/>",
        )

    section = control("children", item("Amy", "Likes football") + item("Leo", "Likes bath time"), extra="<w15:repeatingSection/>")
    form = read_form(write_docx(tmp_path / "sections.docx", table(section)))
    assert form.record["children"] == [
        {"first_name": "Amy", "id": "AM", "views": "Likes football"},
        {"first_name": "Leo", "id": "LE", "views": "Likes bath time"},
    ]


def test_tags_in_other_case_and_with_indices(tmp_path: Path) -> None:
    body = "".join(
        [
            para(text_control("Meeting.Date", "2/11/2026")),
            para(text_control("children[1].first_name", "Leo")),
            para(text_control("children[0].first_name", "Amy")),
            para(text_control("children[1].id", "C2")),
        ]
    )
    form = read_form(write_docx(tmp_path / "f.docx", body))
    assert form.record["meeting"] == {"date": "2026-11-02"}
    # an index in the tag says which item a loose control belongs to
    assert form.record["children"] == [{"first_name": "Amy"}, {"first_name": "Leo", "id": "C2"}]


def test_short_labels_under_a_section_heading(tmp_path: Path) -> None:
    body = para(run("Key worker")) + table(
        row(cell(run("Name")), cell(run("Tom Okafor"))), row(cell(run("Email")), cell(run("tom@council.example")))
    )
    form = read_form(write_docx(tmp_path / "f.docx", body))
    assert form.record == {"key_worker": {"name": "Tom Okafor", "email": "tom@council.example"}}


def test_legacy_tick_boxes_in_running_text(tmp_path: Path) -> None:
    body = para(legacy_checkbox(True), run(" Locality Team invited")) + para(run("Child attended? "), legacy_checkbox(False, default=True))
    form = read_form(write_docx(tmp_path / "f.docx", body))
    assert form.record == {"decision": {"locality_team_invited": True}}
    assert form.locations["decision.locality_team_invited"] == "the tick box 'Locality Team invited'"


@pytest.mark.parametrize(
    ("box", "shown", "ticked"),
    [
        ("<w14:checkbox><w14:checked/></w14:checkbox>", "", True),  # an on/off element without val means on
        ('<w14:checkbox><w14:checked w:val="1"/></w14:checkbox>', "", True),
        ('<w:checkbox><w14:checked w14:val="1"/></w:checkbox>', "", True),
        ('<w:checkbox><w:checked w:val="0"/></w:checkbox>', "☒", False),  # the state wins over the symbol shown
        ("<w14:checkbox/>", "", False),
    ],
)
def test_tick_boxes_written_by_other_tools(tmp_path: Path, box: str, shown: str, ticked: bool) -> None:
    # These once read as unticked, or as not answered, whatever their state said.
    body = para(control("decision.locality_team_invited", run(shown), extra=box), text_control("case.reference", "CIN-7"))
    form = read_form(write_docx(tmp_path / "boxes.docx", body))
    assert form.record["decision"] == {"locality_team_invited": ticked}


def test_rows_wrapped_in_a_group_control_are_read_by_their_header(tmp_path: Path) -> None:
    rows = row(cell(run("Sam Jones")), cell(run("Carer")), cell(run("No")), cell(run("On holiday")))
    body = table(
        row(cell(run("Name")), cell(run("Role")), cell(run("Attended")), cell(run("Reason for non-attendance"))),
        control("participants", rows),
    )
    form = read_form(write_docx(tmp_path / "f.docx", body))
    assert form.record["participants"] == [{"name": "Sam Jones", "role": "carer", "attended": False, "non_attendance_reason": "On holiday"}]


def test_cell_level_controls_and_legacy_dropdowns(tmp_path: Path) -> None:
    def cell_control(tag: str, text: str) -> str:
        return control(tag, cell(run(text)))

    legacy_dropdown = (
        '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Dropdown1"/><w:ddList><w:result w:val="2"/>'
        '<w:listEntry w:val="Initial"/><w:listEntry w:val="Review"/><w:listEntry w:val="Closure"/></w:ddList></w:ffData></w:fldChar></w:r>'
        '<w:r><w:instrText xml:space="preserve"> FORMDROPDOWN </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    body = table(
        row(
            cell_control("services.agency", "Sirona Health"),
            cell_control("services.service", "Speech therapy"),
            cell_control("services.purpose", "Assess Leo"),
        ),
    ) + table(row(cell(run("Meeting type")), cell(legacy_dropdown)))
    form = read_form(write_docx(tmp_path / "f.docx", body))
    assert form.record == {
        "services": [{"agency": "Sirona Health", "service": "Speech therapy", "purpose": "Assess Leo"}],
        "meeting": {"type": "closure"},
    }


def test_text_box_controls_are_read_once_not_from_their_fallback_copy(tmp_path: Path) -> None:
    inside = table(row(cell(text_control("children.first_name", "Amy"))))
    text_box = (
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
        f"{inside}</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>{inside}"
        "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    form = read_form(write_docx(tmp_path / "f.docx", text_box))
    assert form.record == {"children": [{"first_name": "Amy"}]}


def test_controls_in_the_page_header(tmp_path: Path) -> None:
    import docx

    path = write_docx(tmp_path / "f.docx", para(text_control("meeting.chair_name", "Priya Shah")))
    document = docx.Document(str(path))
    header = document.sections[0].header
    from docx.oxml import parse_xml

    from tests.forms.builders import NAMESPACES

    header._element.append(parse_xml(f"<w:p {NAMESPACES}>{text_control('case.reference', 'CIN-9')}</w:p>"))
    document.save(str(path))
    assert read_form(path).record == {"meeting": {"chair_name": "Priya Shah"}, "case": {"reference": "CIN-9"}}


def test_tracked_changes_hyperlinks_and_tabs_inside_a_control(tmp_path: Path) -> None:
    views = (
        '<w:r><w:t xml:space="preserve">Wants </w:t></w:r>'
        '<w:ins w:id="1" w:author="A"><w:r><w:t>more</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="A"><w:r><w:delText>less</w:delText></w:r></w:del>'
        "<w:r><w:tab/><w:t>time</w:t></w:r>"
    )
    email = '<w:hyperlink w:history="1"><w:r><w:t>tom.okafor@council.example</w:t></w:r></w:hyperlink>'
    body = para(control("key_worker.email", email)) + table(
        row(cell(control("children.views", views)), cell(text_control("children.id", "C1")))
    )
    form = read_form(write_docx(tmp_path / "f.docx", body))
    assert form.record == {"key_worker": {"email": "tom.okafor@council.example"}, "children": [{"views": "Wants more\ttime", "id": "C1"}]}


@pytest.fixture
def filled_form(tmp_path: Path) -> Path:
    """The blank form from `docgen forms` filled in through its controls with the sample record."""
    from docgen.blanks.generate_docx import write_docx_form

    return fill_docx(write_docx_form(tmp_path / "blank.docx"), load_record(), tmp_path / "filled.docx")


GRANDMOTHER = ["Margaret Jones", "Family", "Grandmother", "", "No", "In hospital", "Will help after school", "written", "N"]
GRANDMOTHER_READ = {
    "name": "Margaret Jones",
    "role": "family",
    "relationship": "Grandmother",
    "attended": False,
    "non_attendance_reason": "In hospital",
    "views": "Will help after school",
    "contribution": "written",
    "receives_copy": False,
}


def test_rows_added_with_tab_are_read_by_column(filled_form: Path, tmp_path: Path) -> None:
    before = read_form(filled_form).record
    tabbed = add_row_without_controls(filled_form, "participants.name", GRANDMOTHER, tmp_path / "1.docx")
    tabbed = add_row_without_controls(
        tabbed, "actions.action", ["O2", "Book a hearing test", "Dr Patel", "GP", "5th March 2027"], tmp_path / "2.docx"
    )
    tabbed = add_row_without_controls(tabbed, "services.service", [], tmp_path / "3.docx")  # added, then left blank
    form = read_form(tabbed)
    assert form.problems == []
    assert form.record == {
        **before,
        "participants": [*before["participants"], GRANDMOTHER_READ],
        "actions": [
            *before["actions"],
            {"objective_id": "O2", "action": "Book a hearing test", "responsible": "Dr Patel", "agency": "GP", "due_date": "2027-03-05"},
        ],
    }
    # header, then 12 spare rows of controls, then the added one
    assert form.locations["actions[4]"] == "row 14 of the Actions table"
    assert form.locations["actions[4].due_date"] == "column 'Due date', row 14 of the Actions table"


def test_a_row_inserted_between_filled_rows_keeps_its_place(filled_form: Path, tmp_path: Path) -> None:
    before = read_form(filled_form).record
    inserted = add_row_without_controls(
        filled_form, "objectives.id", ["O3", "C1 and C2", "Sleep", "Settled nights", "Sleep diary", "1/3/27"], tmp_path / "f.docx", below=1
    )
    form = read_form(inserted)
    assert form.problems == []
    assert form.record["objectives"] == [
        before["objectives"][0],
        {
            "id": "O3",
            "child_ids": "C1, C2",
            "need": "Sleep",
            "outcome": "Settled nights",
            "measure": "Sleep diary",
            "target_date": "2027-03-01",
        },
        *before["objectives"][1:],
    ]


def test_a_merged_added_row_is_reported_not_dropped(filled_form: Path, tmp_path: Path) -> None:
    before = read_form(filled_form).record
    merged = add_row_without_controls(
        filled_form,
        "participants.name",
        ["Margaret Jones, family, grandmother", "No"],
        tmp_path / "f.docx",
        spans=[3, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    )
    form = read_form(merged)
    assert form.record["participants"] == before["participants"]
    assert [p.to_text() for p in form.problems] == [
        "Row 12 of the Participants table was not read: 'Margaret Jones, family, grandmother' is not under one column of the table "
        "(cells merged or split?). [form-row]\n"
        "    where: participants — row 12 of the Participants table\n"
        "    fix:   Type each answer of that row under its own column heading of the Participants table (undo the merge or split, "
        "or add a fresh row with Tab in the table's last cell), then drop the form in again."
    ]


def test_a_generated_form_reads_no_heading_as_a_row(filled_form: Path) -> None:
    form = read_form(filled_form)
    record = load_record()
    assert form.problems == []
    for group in groups():
        assert form.record.get(group.name) == record.get(group.name)
        if group.name in record:
            assert form.locations[f"{group.name}[0]"] == f"row 2 of the {group.title} table"


def test_a_row_inserted_above_the_first_row_is_read_first(filled_form: Path, tmp_path: Path) -> None:
    before = read_form(filled_form).record
    inserted = add_row_without_controls(filled_form, "participants.name", GRANDMOTHER, tmp_path / "f.docx", above=1)
    form = read_form(inserted)
    assert form.problems == []
    assert form.record == {**before, "participants": [GRANDMOTHER_READ, *load_record()["participants"]]}
    assert [p["name"] for p in form.record["participants"]] == [
        "Margaret Jones",
        "Sarah Jones",
        "Daniel Jones",
        "Mrs Helen Carter",
        "Nadia Ali",
    ]
    # the header is row 1; the inserted row is row 2 and the first row of controls moves down to row 3
    assert form.locations["participants[0]"] == "row 2 of the Participants table"
    assert form.locations["participants[0].views"] == "column 'Views', row 2 of the Participants table"
    assert form.locations["participants[1]"] == "row 3 of the Participants table"


def test_a_row_inserted_above_the_first_row_and_merged_is_reported(filled_form: Path, tmp_path: Path) -> None:
    before = read_form(filled_form).record
    merged = add_row_without_controls(
        filled_form, "participants.name", ["Margaret Jones, family, grandmother", "No"], tmp_path / "f.docx", above=1, spans=[3, *[1] * 9]
    )
    form = read_form(merged)
    assert form.record["participants"] == before["participants"]
    assert [(p.rule, p.location) for p in form.problems] == [("form-row", "row 2 of the Participants table")]


def _merged(text: str, columns: int) -> str:
    return f'<w:tc><w:tcPr><w:gridSpan w:val="{columns}"/></w:tcPr>{para(run(text))}</w:tc>'


HEADER = row(cell(run("Name")), cell(run("Role")), cell(run("Attended?")))
TAGGED = row(
    cell(text_control("participants.name", "Sam Jones")),
    cell(text_control("participants.role", "Parent")),
    cell(checkbox("participants.attended", True)),
)


@pytest.mark.parametrize(
    "above",
    [
        # an older form: a title and a guidance line over the column headers
        [row(_merged("Participants", 3)), row(_merged("List everyone invited, whether or not they came.", 3)), HEADER],
        # a guidance line under the column headers
        [HEADER, row(_merged("One row per person; add rows with Tab in the last cell.", 3))],
        # the column headers twice
        [HEADER, HEADER],
        # no column headers at all: nothing tells headings from answers, so rows above the controls stay unread
        [row(cell(run("Sam's family")), cell(run("")), cell(run("")))],
    ],
    ids=["title-and-guidance-above-header", "guidance-under-header", "header-twice", "no-header"],
)
def test_headings_above_the_rows_of_controls_are_not_read(above: list[str], tmp_path: Path) -> None:
    form = read_form(write_docx(tmp_path / "f.docx", table(*above, TAGGED)))
    assert form.problems == []
    assert form.record["participants"] == [{"name": "Sam Jones", "role": "parent", "attended": True}]


def test_a_row_typed_between_the_header_and_the_controls_of_an_older_form_is_read(tmp_path: Path) -> None:
    typed = row(cell(run("Ann Lee")), cell(run("Carer")), cell(run("")))
    form = read_form(write_docx(tmp_path / "f.docx", table(row(_merged("Participants", 3)), HEADER, typed, TAGGED)))
    assert form.problems == []
    assert form.record["participants"] == [{"name": "Ann Lee", "role": "carer"}, {"name": "Sam Jones", "role": "parent", "attended": True}]
    assert form.locations["participants[0].role"] == "column 'Role', row 3 of the Participants table"
