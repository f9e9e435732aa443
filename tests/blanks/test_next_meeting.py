"""The next meeting's form for a case: pre-filled from the latest meeting, filled in through its own controls and cells, read back exactly."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import docx
import openpyxl
from hypothesis import HealthCheck, given, settings

from docgen.blanks.next_meeting import AFRESH, CARRIED, carried_record, write_next_meeting_forms
from docgen.forms import read_form
from docgen.record import clean
from docgen.schema import schema_version
from tests.blanks.fill import as_form_answers, checkbox_paths, fill_docx, fill_xlsx
from tests.blanks.strategies import records

SAMPLE = Path(__file__).parent.parent / "records" / "initial-two-children.json"
SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _latest() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def _with_answers(carried: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The carried record plus a meeting's fresh answers: its own meeting details, scaling, decision, and per-row answers."""
    out = copy.deepcopy(carried)
    for key, value in answers.items():
        if key not in (*CARRIED, "form_version"):
            out[key] = copy.deepcopy(value)
    out["meeting"] = {**carried["meeting"], **answers.get("meeting", {}), "type": carried["meeting"]["type"]}
    for group, names in AFRESH.items():
        for item, answered in zip(out.get(group, []), answers.get(group, []), strict=False):
            item.update({name: answered[name] for name in names if name in answered})
    return out


def _read(path: Path) -> dict[str, Any]:
    parsed = read_form(path)
    assert parsed.problems == []
    return dict(clean(parsed.record))


def test_the_form_carries_the_plan_and_leaves_the_meeting_blank(tmp_path: Path) -> None:
    latest = _latest()
    latest["objectives"][0]["progress"] = "progressing"
    docx_path, xlsx_path = write_next_meeting_forms(tmp_path, "CIN-2026-0412", latest, "review")
    assert (docx_path.name, xlsx_path.name) == ("CIN-2026-0412-review.docx", "CIN-2026-0412-review.xlsx")
    carried = carried_record(latest, "review")
    assert carried["meeting"] == {
        "type": "review", "venue": "Kingswood Family Centre", "chair_name": "Priya Shah", "chair_role": "practice_lead", "visit_frequency_days": 14
    } and carried["form_version"] == schema_version()  # fmt: skip
    assert "attended" not in carried["children"][0] and "views" not in carried["participants"][1]
    assert "progress" not in carried["objectives"][0]
    assert carried["participants"][1]["delivery"] == latest["participants"][1]["delivery"]
    assert "scaling" not in carried and "decision" not in carried
    assert _read(docx_path) == clean(as_form_answers(carried, checkbox_paths(docx_path)))
    assert _read(xlsx_path) == clean(carried)


def test_the_last_next_review_date_is_guidance_beside_the_meeting_date(tmp_path: Path) -> None:
    docx_path, xlsx_path = write_next_meeting_forms(tmp_path, "CIN-2026-0412", _latest(), "closure")
    note = "Guidance: the next review was set for 11 February 2027 at the initial meeting on 17 December 2026."
    row = next(r for t in docx.Document(str(docx_path)).tables for r in t.rows if r.cells[0].text.startswith("Meeting date"))
    assert note in row.cells[0].text
    sheet = openpyxl.load_workbook(xlsx_path)["Meeting"]
    (row,) = [r for r in sheet.iter_rows() if str(r[0].value).startswith("Meeting date")]
    assert str(row[2].value).endswith(note)  # after the question's own guidance, in the printed columns
    assert "date" not in _read(docx_path)["meeting"] and "next_review_date" not in _read(docx_path)["meeting"]  # guidance is no answer


def test_more_items_than_the_form_has_rows_get_rows_of_their_own(tmp_path: Path) -> None:
    latest = _latest()
    latest["objectives"] += [dict(latest["objectives"][0], id=f"O{n}") for n in range(4, 10)]  # nine objectives, six rows
    docx_path, xlsx_path = write_next_meeting_forms(tmp_path, "CIN-2026-0412", latest)
    assert [o["id"] for o in _read(docx_path)["objectives"]] == [f"O{n}" for n in range(1, 10)]
    assert [o["id"] for o in _read(xlsx_path)["objectives"]] == [f"O{n}" for n in range(1, 10)]


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    latest = _latest()
    latest["contingency_plan"] = "=HYPERLINK(\"http://example.invalid\")"
    _, xlsx_path = write_next_meeting_forms(tmp_path, "CIN-2026-0412", latest)
    assert _read(xlsx_path)["contingency_plan"] == latest["contingency_plan"]
    cell = openpyxl.load_workbook(xlsx_path).defined_names["contingency_plan"]
    ((sheet, where),) = list(cell.destinations)
    assert openpyxl.load_workbook(xlsx_path)[sheet][where.replace("$", "")].data_type == "s"


@SETTINGS
@given(latest=records(), answers=records())
def test_filled_in_through_its_controls_it_reads_back_to_the_carried_record_and_the_answers(
    tmp_path: Path, latest: dict[str, Any], answers: dict[str, Any]
) -> None:
    latest.setdefault("meeting", {})["type"] = "initial"
    docx_path, xlsx_path = write_next_meeting_forms(tmp_path, "CASE", latest, "review")
    filled = _with_answers(carried_record(latest, "review"), answers)
    got = _read(fill_docx(docx_path, filled, tmp_path / "filled.docx"))
    assert got == clean(as_form_answers(filled, checkbox_paths(docx_path)))
    assert _read(fill_xlsx(xlsx_path, filled, tmp_path / "filled.xlsx")) == clean(filled)


def test_forms_from_the_kept_blank_copies_are_the_same_forms(tmp_path: Path) -> None:
    latest = _latest()
    made = write_next_meeting_forms(tmp_path / "made", "CIN-2026-0412", latest)
    cache = tmp_path / "cache"
    write_next_meeting_forms(tmp_path / "first", "CIN-2026-0412", latest, cache=cache)  # generates and keeps the blanks
    assert sorted(p.suffix for p in cache.iterdir()) == [".docx", ".xlsx"]
    kept = write_next_meeting_forms(tmp_path / "kept", "CIN-2026-0412", latest, cache=cache)  # starts from the kept copies
    answers = _with_answers(carried_record(latest, "review"), {**load_answers(), "scaling": {"score": 6}})
    for fresh, cached, fill in ((made[0], kept[0], fill_docx), (made[1], kept[1], fill_xlsx)):
        assert _read(cached) == _read(fresh)
        assert _read(fill(cached, answers, tmp_path / f"c{cached.suffix}")) == _read(fill(fresh, answers, tmp_path / f"f{fresh.suffix}"))
    assert openpyxl.load_workbook(kept[1])["objectives"].data_validations.dataValidation  # the lists are still there


def load_answers() -> dict[str, Any]:
    """A meeting's answers: the sample's own meeting, attendance and views, with progress on each objective."""
    sample = _latest()
    for objective, progress in zip(sample["objectives"], ("achieved", "progressing", "not_progressing"), strict=True):
        objective["progress"] = progress
    return sample
