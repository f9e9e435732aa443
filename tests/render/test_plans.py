"""The documents of a two-child initial meeting: every file there, each child's plan holding their own content only."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from icalendar import Calendar
from openpyxl import load_workbook

from docgen.render import write_manifest
from tests.conftest import load_record
from tests.render.helpers import SOURCE, docx_text, make_pack

AMY_VIEWS = "I want Mum to be less tired and for Dad to come to my football."
LEO_VIEWS = "Leo drew a picture of his family at the park and said he likes bath time with Mum."
O1 = (
    "Family routines at home",
    "Mornings and bedtimes follow a routine the children know",
    "Routine chart kept 5 days out of 7, checked at visits",
)
O2 = ("School attendance", "Amy attends school every day she is well", "Attendance above 95% on the school register")
O3 = ("Speech and language", "Leo is assessed and supported with his speech", "Speech and language therapy assessment completed")
AMY_ACTION = "Daily check-in with Amy at the start of the school day"
LEO_ACTION = "Refer Leo to speech and language therapy"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("pack")
    manifest = make_pack(load_record(), out)
    write_manifest(out, manifest)
    return out, manifest


def objective_needs(path: Path) -> list[str]:
    """The first column of the plan's objectives table."""
    table = next(t for t in docx.Document(str(path)).tables if t.rows[0].cells[0].text == "What needs to change")
    return [row.cells[0].text for row in table.rows[1:]]


def test_every_document_is_there_and_opens(pack: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = pack
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "deadlines.ics",
        "distribution.xlsx",
        "manifest.json",
        "meeting-record.docx",
        "plan-C1-child.docx",
        "plan-C1.docx",
        "plan-C2.docx",
    ]
    assert [(d["path"], d["kind"], d["child"]) for d in manifest["documents"]] == [
        ("plan-C1.docx", "plan", "C1"),
        ("plan-C1-child.docx", "child_plan", "C1"),
        ("plan-C2.docx", "plan", "C2"),
        ("meeting-record.docx", "meeting_record", None),
        ("distribution.xlsx", "distribution", None),
        ("deadlines.ics", "calendar", None),
    ]
    for name in ("plan-C1.docx", "plan-C1-child.docx", "plan-C2.docx", "meeting-record.docx"):
        assert docx.Document(str(out / name)).paragraphs
    assert load_workbook(out / "distribution.xlsx")["Distribution"].max_row == 13
    assert len(Calendar.from_ical((out / "deadlines.ics").read_bytes()).walk("VEVENT")) == 7


def test_amys_plan_holds_her_objectives_and_the_familys_but_nothing_of_leos(pack: tuple[Path, dict[str, Any]]) -> None:
    text = docx_text(pack[0] / "plan-C1.docx")
    assert "Child in Need Plan" in text
    assert "for Amy Jones" in text
    for phrase in (*O1, *O2, AMY_ACTION, AMY_VIEWS, "Make a morning and bedtime routine chart with the children"):
        assert phrase in text
    for phrase in (*O3[1:], LEO_ACTION, LEO_VIEWS, "Leo drew", "Speech and language delay"):
        assert phrase not in text
    # O3's need, "Speech and language", is also the name of a family service: the objectives table shows only Amy's
    assert objective_needs(pack[0] / "plan-C1.docx") == [O1[0], O2[0]]
    # the family's services, all of them, and the key worker with overall responsibility
    assert "Family support worker" in text and "Speech and language therapy" in text and "Assess and support Leo's speech" in text
    assert "Tom Okafor has overall responsibility for this plan" in text
    assert "Tom Okafor, Social Worker, Children's Social Care, East Locality" in text


def test_leos_plan_holds_his_objectives_and_never_amys_views(pack: tuple[Path, dict[str, Any]]) -> None:
    text = docx_text(pack[0] / "plan-C2.docx")
    assert "for Leo Jones" in text
    for phrase in (*O1, *O3, LEO_ACTION, LEO_VIEWS):
        assert phrase in text
    for phrase in (*O2, AMY_ACTION, AMY_VIEWS, "Age 11"):
        assert phrase not in text
    assert objective_needs(pack[0] / "plan-C2.docx") == [O1[0], O3[0]]


def test_a_plan_states_timescales_reviews_visits_contingency_closure_and_the_score(pack: tuple[Path, dict[str, Any]]) -> None:
    out = pack[0]
    text = docx_text(out / "plan-C1.docx")
    assert "The next review meeting is on 11 February 2027. The key worker visits at least every 14 days, and sees the children." in text
    assert "By when" in text and "31 March 2027" in text and "8 January 2027" in text
    for when in ("24 December 2026", "5 January 2027", "31 December 2026", "14 January 2027", "28 January 2027", "11 February 2027"):
        assert when in text
    assert "If routines do not improve by the review, the family support hours increase" in text
    assert "Amy's attendance above 95% for a term" in text
    assert "Score: 5 out of 10. Half way: the family are engaged and grandmother is helping." in text
    # the 0–10 scale: eleven cells, the 5 filled in dark blue
    document = docx.Document(str(out / "plan-C1.docx"))
    scale = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == [str(n) for n in range(11)])
    fills = [c._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) for c in scale.rows[0].cells]
    assert fills[5] == "2E74B5"
    assert fills[6:] == ["FFFFFF"] * 5


def test_words_and_pictures_plan_only_where_asked_for(pack: tuple[Path, dict[str, Any]]) -> None:
    out = pack[0]
    assert not (out / "plan-C2-child.docx").exists()  # Leo's plan_format is standard
    text = docx_text(out / "plan-C1-child.docx")
    assert "Amy’s plan" in text
    assert "This is your plan, Amy" in text
    assert "Tom Okafor and the grown-ups at your meeting are worried about:\n• Family routines at home\n• School attendance" in text
    assert "• Amy attends school every day she is well" in text
    assert "• Mrs Helen Carter: Daily check-in with Amy at the start of the school day" in text
    assert "We will meet again on 11 February 2027." in text
    assert "Tom Okafor will come to see you every 14 days." in text
    assert O3[1] not in text and LEO_VIEWS not in text and "• Speech and language" not in text
    document = docx.Document(str(out / "plan-C1-child.docx"))
    assert len(document.inline_shapes) == 6  # the pictures
    assert document.core_properties.title == "Amy's plan"
    assert document.core_properties.author == "Tom Okafor"
    made = document.core_properties.created.replace(tzinfo=None)
    assert abs(made - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=10)  # made now, not when the template was
    assert document.styles["Normal"].font.size.pt == 16


def test_meeting_record_holds_everyones_views_attendance_and_decisions(pack: tuple[Path, dict[str, Any]]) -> None:
    text = docx_text(pack[0] / "meeting-record.docx")
    assert "Record of Planning Meeting" in text
    for phrase in (
        AMY_VIEWS,
        LEO_VIEWS,
        "I want help with routines and with Leo's speech.",
        "Agrees with the plan and wants to be involved at weekends.",
        "Working away until January.",
        "Annual leave",
        "At school; age 7, views gathered at home visit.",
        "Daniel Jones (in writing) would prefer weekend visits",
        "Mother is struggling with routines",
        "Continue the plan",
        "Needs continue; family engaged with the plan.",
        "Priya Shah (Practice lead)",
        *O2,
        *O3,
        "Leo Jones (child) will not receive a copy of the plan",
    ):
        assert phrase in text, phrase
    document = docx.Document(str(pack[0] / "meeting-record.docx"))
    attended = next(t for t in document.tables if t.rows[0].cells[0].text == "Name" and t.rows[0].cells[3].text == "Contribution")
    assert [r.cells[0].text for r in attended.rows[1:]] == ["Amy Jones", "Sarah Jones", "Mrs Helen Carter"]


def test_manifest_has_every_key_design_lists(pack: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = pack
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest
    assert manifest["source"] == SOURCE
    assert manifest["policy"] == "standard"
    assert manifest["case_reference"] == "CIN-2026-0412"
    assert manifest["meeting"] == {"type": "initial", "date": "2026-12-17", "folder": "2026-12-17-initial"}
    assert manifest["plan"] == {"start_date": "2026-12-17", "visit_frequency_days": 14}  # the ledger counts from these
    assert manifest["warnings"] == [
        {
            "rule": "standard-3.3-copy-withheld",
            "field": "children[1].copy_withheld_reason",
            "message": "Leo Jones (child) will not receive a copy of the plan",
            "section": "procedure 3.3",
            "fix": "Copies go to the child, the family and everyone in the planning group: "
            "fill in Reason no copy is sent in Leo Jones's row, or answer Yes to receiving a copy.",
        }
    ]
    assert {d["kind"] for d in manifest["deadlines"]} == {"record_due", "copies_due", "next_review", "visit"}
    assert manifest["generator"].startswith("docgen ")
    assert not [p for p in out.iterdir() if p.name.startswith(".manifest-")]
