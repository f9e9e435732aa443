"""A case from its initial meeting through two reviews to closure, each review on the form ``docgen forms --case`` pre-filled.

Everything goes through the real service (``docgen run --once``) and the real documents, in Word and in
Excel; forms are filled in through their own controls and cells, as a person would.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from docgen.blanks.generate_docx import write_docx_form
from docgen.blanks.generate_xlsx import write_xlsx_form
from docgen.cli import main
from tests.blanks.fill import fill_docx, fill_xlsx
from tests.conftest import load_record
from tests.render.helpers import docx_text

CASE = "CIN-2026-0412"
FOLDER = Path("outbox") / CASE


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def _due(root: Path, as_of: str) -> list[tuple[str, str, str]]:
    items = json.loads(_cli("due", "--root", str(root), "--as-of", as_of, "--json").stdout)
    return sorted({(i["kind"], i["date"], i["status"]) for i in items if i["kind"] != "copies_due"})


def _manifest(root: Path, folder: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / FOLDER / folder / "manifest.json").read_text(encoding="utf-8"))
    return data


def _answers(record: dict[str, Any], date: str, next_review: str | None, score: int, progress: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The pre-filled record plus what the meeting answered: its date and arrangements, attendance, progress, status, score."""
    sample = load_record()
    out = copy.deepcopy(record)
    out["meeting"] = {**sample["meeting"], "type": record["meeting"]["type"], "date": date}
    out["meeting"].pop("next_review_date")
    if next_review:
        out["meeting"]["next_review_date"] = next_review
    for group in ("children", "participants"):
        fresh = {p.get("id") or p["name"]: p for p in sample[group]}
        for item in out[group]:
            then = fresh[item.get("id") or item["name"]]
            item.update({k: then[k] for k in ("attended", "non_attendance_reason", "views", "seen_alone") if k in then})
    for objective in out["objectives"]:
        if objective["id"] in progress:
            objective["progress"], objective["progress_note"] = progress[objective["id"]]
    for action in out["actions"]:
        action["status"] = "done" if action["due_date"] < date else "in_progress"
    out["scaling"] = {"score": score, "comment": f"Scaled at {score} with the family."}
    return out


def _drop(root: Path, kind: str, filled: dict[str, Any], form: Path, name: str) -> None:
    fill = fill_docx if kind == "docx" else fill_xlsx
    fill(form, filled, root / "inbox" / f"{name}.{kind}")
    _cli("run", "--once", "--root", str(root))
    rejected = root / "inbox" / "rejected"
    assert not rejected.exists() or not any(rejected.iterdir()), [p.read_text() for p in rejected.glob("*.errors.txt")]


def _next_form(root: Path, kind: str, meeting: str) -> tuple[Path, dict[str, Any]]:
    """``docgen forms --case``, and the record the pre-filled form reads as before anyone answers it."""
    from docgen.forms import read_form
    from docgen.record import clean

    out = root.parent / f"forms-{meeting}-{len(list(root.parent.glob('forms-*')))}"
    _cli("forms", "--out", str(out), "--case", CASE, "--root", str(root), "--meeting", meeting)
    form = out / f"{CASE}-{meeting}.{kind}"
    return form, clean(read_form(form).record)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_initial_review_review_closure(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "root"
    (root / "inbox").mkdir(parents=True)
    blank = write_docx_form(tmp_path / "blank.docx") if kind == "docx" else write_xlsx_form(tmp_path / "blank.xlsx")

    # -- the initial meeting, on a blank form
    _drop(root, kind, load_record(), blank, "initial")
    assert "previous_meeting" not in _manifest(root, "2026-12-17-initial")
    assert ("next_review", "2027-02-11", "upcoming") in _due(root, "2027-01-20")

    # -- the first review, on the pre-filled form: objectives and actions carried, their dates now past
    form, carried = _next_form(root, kind, "review")
    assert carried["meeting"]["type"] == "review" and "date" not in carried["meeting"] and "next_review_date" not in carried["meeting"]
    assert carried["meeting"]["chair_name"] == "Priya Shah" and [o["id"] for o in carried["objectives"]] == ["O1", "O2", "O3"]
    review = _answers(
        carried, "2027-02-11", "2027-04-08", 7,
        {"O1": ("achieved", "The routine chart is kept every school day."), "O2": ("progressing", "Attendance up to 93%."),
         "O3": ("not_progressing", "Still waiting for the speech assessment.")},
    )  # fmt: skip
    review["actions"][2]["status"] = "not_done"  # due 6 Jan, before the meeting, and not done: a warning, not a rejection
    _drop(root, kind, review, form, "review-1")
    first = _manifest(root, "2027-02-11-review")
    assert first["previous_meeting"] == {"folder": "2026-12-17-initial", "date": "2026-12-17", "type": "initial"}
    assert first["scaling_history"] == [{"date": "2026-12-17", "score": 5}, {"date": "2027-02-11", "score": 7}]
    carried_dates = [w["field"] for w in first["warnings"] if w["rule"] == "standard-4.1-carried-dates"]
    assert carried_dates == ["actions[2].due_date"]  # the only unfinished work past its date; O1's target passed, but it is achieved
    amy = docx_text(root / FOLDER / "2027-02-11-review" / "plan-C1.docx")
    assert "How it is going" in amy and "Since the initial meeting on 17 December 2026:" in amy
    assert "O1: Family routines at home\nAchieved\nThe routine chart is kept every school day." in amy
    assert "O2: School attendance\nProgressing\nAttendance up to 93%." in amy
    assert "What we have achieved" in amy and "Mornings and bedtimes follow a routine the children know" in amy
    assert "17 December 2026: 5 out of 10 · 11 February 2027: 7 out of 10" in amy
    assert "Things have moved up, from 5 to 7 out of 10, since the meeting on 17 December 2026." in amy
    leo = docx_text(root / FOLDER / "2027-02-11-review" / "plan-C2.docx")
    assert "Still waiting for the speech assessment." in leo and "Attendance up to 93%." not in leo  # Amy's objective stays hers
    pictures = docx_text(root / FOLDER / "2027-02-11-review" / "plan-C1-child.docx")
    assert "Where things are now: 7 out of 10" in pictures and "Things have moved up, from 5 to 7" in pictures
    record = docx_text(root / FOLDER / "2027-02-11-review" / "meeting-record.docx")
    assert "Progress since the last meeting" in record and "Compared with the initial meeting on 17 December 2026." in record
    assert "Ended at this meeting: O1 (Family routines at home): Achieved." in record
    assert ("next_review", "2027-04-08", "upcoming") in _due(root, "2027-02-12")
    assert ("next_review", "2027-02-11", "overdue") not in _due(root, "2027-02-12")  # the review met it

    # -- the second review: O3 taken out, O4 added, O2 given a new date; the score goes down
    form, carried = _next_form(root, kind, "review")
    assert all("progress" not in o for o in carried["objectives"]) and "scaling" not in carried
    carried["objectives"] = [o for o in carried["objectives"] if o["id"] != "O3"] + [
        {"id": "O4", "child_ids": "C2", "need": "Confidence", "outcome": "Leo joins a club", "measure": "Goes weekly", "target_date": "2027-06-30"}
    ]
    carried["objectives"][1]["target_date"] = "2027-06-30"
    carried["actions"] = [a for a in carried["actions"] if a["objective_id"] != "O3"] + [
        {"objective_id": "O4", "action": "Find a club", "responsible": "Sarah Jones", "due_date": "2027-05-01"}
    ]
    second = _answers(carried, "2027-04-08", "2027-06-03", 6, {"O1": ("achieved", "Kept up."), "O2": ("progressing", "95% this term.")})
    _drop(root, kind, second, form, "review-2")
    manifest = _manifest(root, "2027-04-08-review")
    assert manifest["previous_meeting"] == {"folder": "2027-02-11-review", "date": "2027-02-11", "type": "review"}
    assert [p["score"] for p in manifest["scaling_history"]] == [5, 7, 6]
    record = docx_text(root / FOLDER / "2027-04-08-review" / "meeting-record.docx")
    assert "Added at this meeting: O4 (Confidence)." in record
    assert "O3 (Speech and language): Taken out of the plan" in record
    pictures = docx_text(root / FOLDER / "2027-04-08-review" / "plan-C1-child.docx")
    assert "Things have moved down, from 7 to 6 out of 10, since the meeting on 11 February 2027." in pictures

    # -- the closure: every objective done
    form, carried = _next_form(root, kind, "closure")
    closure = _answers(
        carried, "2027-06-03", None, 9,
        {"O1": ("achieved", "Routines are part of family life."), "O2": ("achieved", "97% attendance."),
         "O4": ("no_longer_needed", "Leo is happy at school clubs.")},
    )  # fmt: skip
    closure["decision"] = {"outcome": "step_down_universal", "rationale": "Objectives met; school and health visiting continue."}
    _drop(root, kind, closure, form, "closure")
    manifest = _manifest(root, "2027-06-03-closure")
    assert manifest["previous_meeting"]["folder"] == "2027-04-08-review"
    assert manifest["scaling_history"][-1] == {"date": "2027-06-03", "score": 9}
    amy = docx_text(root / FOLDER / "2027-06-03-closure" / "plan-C1.docx")
    assert "What we have achieved over the whole plan" in amy
    assert "Amy attends school every day she is well\n3 June 2027" in amy
    assert "Mornings and bedtimes follow a routine the children know\n3 June 2027" in amy
    assert _due(root, "2027-06-04") == []  # the closure ended the case's reviews and visits

    history = json.loads(_cli("case", CASE, "--root", str(root), "--json", "--as-of", "2027-06-04").stdout)
    assert [(m["type"], m["date"], m["scaling_score"]) for m in history["meetings"]] == [
        ("initial", "2026-12-17", 5), ("review", "2027-02-11", 7), ("review", "2027-04-08", 6), ("closure", "2027-06-03", 9)
    ]  # fmt: skip
    assert history["meetings"][1]["objectives"] == [
        {"id": "O1", "progress": "achieved"}, {"id": "O2", "progress": "progressing"}, {"id": "O3", "progress": "not_progressing"}
    ]  # fmt: skip
    assert {(d["kind"], d["date"], d["status"]) for d in history["deadlines"] if d["kind"] == "next_review"} == {
        ("next_review", "2027-02-11", "met"), ("next_review", "2027-04-08", "met"), ("next_review", "2027-06-03", "met")
    }  # fmt: skip


def test_an_unknown_case_has_no_next_form(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    result = CliRunner().invoke(main, ["forms", "--out", str(tmp_path / "forms"), "--case", "CIN-NONE", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["docgen: The ledger has no published meeting for case CIN-NONE: check the case reference."]
