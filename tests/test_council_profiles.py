"""A third council written only as data (tests/profiles/testshire.json) in <root>/profiles/: its own fields on its forms,
read back from every encoding, and its working-day and conditional timescales judged when the forms are published.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook

from docgen.blanks.files import write_forms
from docgen.cli import main
from docgen.forms import read_form
from docgen.profiles import profiles_in
from docgen.render.context import child_plan_context
from docgen.schema import schema_version
from docgen.validation import validate_record
from tests.blanks.fill import fill_docx, fill_xlsx
from tests.blanks.test_libreoffice import _soffice as resave_with_libreoffice
from tests.conftest import clean_initial

PROFILE = Path(__file__).parent / "profiles" / "testshire.json"
TITLE, DESCRIPTION = "Strategy discussion date", "The date of the strategy discussion, where there was one."


@pytest.fixture(scope="module")
def blanks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The council's blank Word and Excel forms, made once as ``docgen forms --policy testshire`` makes them, in a root holding its profile."""
    made_in = tmp_path_factory.mktemp("council")
    (made_in / "profiles").mkdir()
    shutil.copy(PROFILE, made_in / "profiles" / "testshire.json")
    write_forms(made_in / "blank", profiles_in(made_in), "testshire")
    return made_in / "blank"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blanks: Path) -> Iterator[Path]:
    """A council's root holding its own profile and its blank forms; also the current folder."""
    (tmp_path / "inbox").mkdir()
    (tmp_path / "profiles").mkdir()
    shutil.copy(PROFILE, tmp_path / "profiles" / "testshire.json")
    shutil.copytree(blanks, tmp_path / "blank")
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def _record(team: str, next_review: str, reference: str = "CIN-2026-0412") -> dict[str, Any]:
    record = clean_initial()
    record.update(policy="testshire", form_version=schema_version())
    record["case"].update(reference=reference, strategy_discussion_date="2026-11-25")
    record["key_worker"]["team"] = team
    record["meeting"]["next_review_date"] = next_review
    return record


def _strip_form_only(record: dict[str, Any]) -> dict[str, Any]:
    return {"case": record["case"], "team": record["key_worker"].get("team")}


# ---------------------------------------------------------------- on the forms


def test_the_word_form_asks_for_the_councils_field_in_its_section_with_title_and_description(root: Path) -> None:
    document = Document(str(root / "blank" / "cin-meeting-form.docx"))
    heading, found = "", {}
    for element in document.element.body:
        style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")).startswith("Heading"):
            heading = "".join(t.text for t in element.iter(qn("w:t")))
        for control in element.iter(qn("w:sdt")):
            tag = control.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val"))
            row = control.getparent()
            while row.tag != qn("w:tr"):
                row = row.getparent()
            found[tag] = (heading, "".join(t.text for t in row.iter(qn("w:t"))))
    section, words = found["case.strategy_discussion_date"]
    assert section == "Case"
    assert TITLE in words and DESCRIPTION in words
    assert found["key_worker.team"][0] == "Key worker"


def test_the_excel_form_names_the_councils_field_beside_its_title_and_description(root: Path) -> None:
    workbook = load_workbook(root / "blank" / "cin-meeting-form.xlsx")
    sheet_name, cell = next(iter(workbook.defined_names["case.strategy_discussion_date"].destinations))
    sheet = workbook[sheet_name]
    row = " ".join(str(c.value) for c in sheet[sheet[cell.replace("$", "")].row] if c.value)
    assert TITLE in row and DESCRIPTION in row


def test_docgen_forms_in_the_councils_root_asks_for_its_field_unless_another_council_is_chosen(root: Path) -> None:
    for out, policy in (("council", ["--policy", "testshire"]), ("default", []), ("standard", ["--policy", "standard"])):
        result = CliRunner().invoke(main, ["forms", "--out", out, *policy])
        assert result.exit_code == 0, result.output
    assert "case.strategy_discussion_date" in load_workbook(root / "council" / "cin-meeting-form.xlsx").defined_names
    assert "case.strategy_discussion_date" in load_workbook(root / "default" / "cin-meeting-form.xlsx").defined_names
    assert "case.strategy_discussion_date" not in load_workbook(root / "standard" / "cin-meeting-form.xlsx").defined_names


# ---------------------------------------------------------------- read back


@pytest.mark.parametrize(("kind", "fill"), [("docx", fill_docx), ("xlsx", fill_xlsx)])
def test_the_filled_form_reads_back_with_the_councils_fields(root: Path, kind: str, fill: Any) -> None:
    record = _record("Health and Disability", "2027-05-13")
    fields = profiles_in(root).reading_catalogue()
    parsed = read_form(fill(root / "blank" / f"cin-meeting-form.{kind}", record, root / f"filled.{kind}", fields), fields)
    assert parsed.problems == []
    assert _strip_form_only(parsed.record) == _strip_form_only(record)
    assert parsed.locations["case.strategy_discussion_date"]


def test_a_word_table_of_labels_and_answers_is_read_by_the_councils_titles(root: Path) -> None:
    document = Document()
    table = document.add_table(rows=0, cols=2)
    for label, answer in (
        ("Case reference", "CIN-7"),
        ("Strategy discussion date", "25/11/2026"),
        ("Key worker's team", "Health and Disability"),
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, answer
    document.save(str(root / "legacy.docx"))
    parsed = read_form(root / "legacy.docx", profiles_in(root).reading_catalogue())
    assert parsed.record["case"] == {"reference": "CIN-7", "strategy_discussion_date": "2026-11-25"}
    assert parsed.record["key_worker"] == {"team": "Health and Disability"}


def test_an_excel_sheet_of_titles_and_answers_is_read_by_the_councils_titles(root: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for row in (("Case reference", "CIN-7"), ("Strategy discussion date", "25/11/2026"), ("key_worker.team", "Health and Disability")):
        sheet.append(row)
    workbook.save(root / "answers.xlsx")
    parsed = read_form(root / "answers.xlsx", profiles_in(root).reading_catalogue())
    assert parsed.record["case"] == {"reference": "CIN-7", "strategy_discussion_date": "2026-11-25"}
    assert parsed.record["key_worker"] == {"team": "Health and Disability"}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_word_form_resaved_by_libreoffice_still_gives_the_councils_field(root: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    record = _record("Health and Disability", "2027-05-13")
    filled = fill_docx(root / "blank" / "cin-meeting-form.docx", record, root / "filled.docx", profiles_in(root).reading_catalogue())
    out = tmp_path_factory.mktemp("resaved")
    resave_with_libreoffice(tmp_path_factory.mktemp("office"), "docx", filled, out)
    parsed = read_form(out / "filled.docx", profiles_in(root).reading_catalogue())
    assert _strip_form_only(parsed.record) == _strip_form_only(record)


# ---------------------------------------------------------------- judged and published


def test_docgen_validate_in_the_root_judges_a_form_by_the_councils_profile(root: Path) -> None:
    fill_docx(
        root / "blank" / "cin-meeting-form.docx",
        _record("Children in Need", "2027-05-13"),
        root / "filled.docx",
        profiles_in(root).reading_catalogue(),
    )
    result = CliRunner().invoke(main, ["validate", "filled.docx", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(e["rule"], e["field"]) for e in report["errors"]] == [("testshire-2-review", "meeting.next_review_date")]
    assert [w["rule"] for w in report["warnings"]] == ["testshire-1-strategy-10-days"]


def test_docgen_validate_elsewhere_takes_the_councils_profile_from_its_root(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    form = fill_docx(
        root / "blank" / "cin-meeting-form.docx",
        _record("Children in Need", "2027-05-13"),
        root / "filled.docx",
        profiles_in(root).reading_catalogue(),
    )
    monkeypatch.chdir(root.parent)
    result = CliRunner().invoke(main, ["validate", str(form), "--root", str(root), "--policy", "testshire", "--json"])
    assert result.exit_code == 1, result.output
    assert [e["rule"] for e in json.loads(result.stdout)["errors"]] == ["testshire-2-review"]


def test_the_review_interval_depends_on_the_key_workers_team(root: Path) -> None:
    five_months_on = "2027-05-13"
    assert validate_record(_record("Health and Disability", five_months_on), profiles=profiles_in(root)).errors == []
    report = validate_record(_record("Children in Need", five_months_on), profiles=profiles_in(root))
    assert [(p.rule, p.field, p.message, p.section) for p in report.errors] == [
        (
            "testshire-2-review",
            "meeting.next_review_date",
            "The next review on 13 May 2027 is more than 6 weeks after the meeting on 17 Dec 2026 (latest 28 Jan 2027)",
            "Testshire standards, 2",
        )
    ]


def test_the_councils_field_reaches_the_documents(root: Path) -> None:
    context = child_plan_context(
        _record("Health and Disability", "2027-05-13"),
        "C1",
        [],
        procedure="Testshire",
        today=dt.date(2026, 12, 17),
        fields=profiles_in(root).reading_catalogue(),
    )
    assert context["case"]["strategy_discussion_date"] == "25 November 2026"


def test_the_councils_forms_publish_with_its_warnings_and_deadlines(root: Path) -> None:
    accepted = _record("Health and Disability", "2027-05-13", reference="CIN-A")
    rejected = _record("Children in Need", "2027-05-13", reference="CIN-B")
    fill_docx(root / "blank" / "cin-meeting-form.docx", accepted, root / "inbox" / "a.docx", profiles_in(root).reading_catalogue())
    fill_xlsx(root / "blank" / "cin-meeting-form.xlsx", rejected, root / "inbox" / "b.xlsx", profiles_in(root).reading_catalogue())
    result = CliRunner().invoke(main, ["run", "--once", "--root", "."])
    assert result.exit_code == 0, result.output

    manifest = json.loads((root / "outbox" / "CIN-A" / "2026-12-17-initial" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["policy"] == "testshire"
    assert [(w["rule"], w["message"]) for w in manifest["warnings"]] == [
        (
            "testshire-1-strategy-10-days",
            "The first meeting on 17 Dec 2026 was held after 9 Dec 2026, later than 10 working days of the strategy discussion (25 Nov 2026)",
        )
    ]
    deadlines = {(d["kind"], d["date"]) for d in manifest["deadlines"] if d["kind"] != "visit"}
    assert deadlines == {("record_due", "2026-12-24"), ("copies_due", "2027-01-05"), ("next_review", "2027-05-13")}

    report = json.loads((root / "inbox" / "rejected" / "b.xlsx.errors.json").read_text(encoding="utf-8"))
    assert [(e["rule"], e["field"]) for e in report["errors"]] == [("testshire-2-review", "meeting.next_review_date")]


def test_a_working_day_limit_from_the_councils_own_date_is_counted_in_working_days(root: Path) -> None:
    record = _record("Health and Disability", "2027-05-13")
    record["case"]["strategy_discussion_date"] = "2026-12-03"  # 10 working days on is 17 Dec: in time
    assert validate_record(copy.deepcopy(record), profiles=profiles_in(root)).warnings == []
    record["case"]["strategy_discussion_date"] = "2026-12-02"  # 10 working days on is 16 Dec: a day late
    assert [p.rule for p in validate_record(record, profiles=profiles_in(root)).warnings] == ["testshire-1-strategy-10-days"]
