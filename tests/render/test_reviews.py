"""Documents and manifest at a review or closure: progress, achievements, the scale over time, and the history in the manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx

from tests.conftest import clean_closure, clean_initial, clean_review
from tests.render.helpers import docx_text, make_pack


def _earlier() -> list[dict[str, Any]]:
    initial = clean_initial()
    return [{"type": "initial", "date": "2026-12-17", "folder": "2026-12-17-initial", "policy": "standard", "record": initial}]


def _review() -> dict[str, Any]:
    record = clean_review()
    progress = {"O1": ("achieved", "Chart kept every day."), "O2": ("progressing", "Amy's attendance is 93%."), "O3": ("not_progressing", "")}
    for objective in record["objectives"]:
        objective["progress"], note = progress[objective["id"]]
        if note:
            objective["progress_note"] = note
    record["actions"][0]["status"] = "done"
    record["scaling"]["score"] = 3
    return record


def test_a_review_without_earlier_meetings_says_so_in_its_manifest(tmp_path: Path) -> None:
    manifest = make_pack(clean_review(), tmp_path)
    assert manifest["previous_meeting"] is None
    assert manifest["scaling_history"] == [{"date": "2027-02-11", "score": 5}]
    assert "previous_meeting" not in make_pack(clean_initial(), tmp_path / "initial")  # only reviews and closures carry it


def test_a_review_shows_how_it_is_going_and_how_the_scale_moved(tmp_path: Path) -> None:
    manifest = make_pack(_review(), tmp_path, earlier=_earlier())
    assert manifest["previous_meeting"] == {"folder": "2026-12-17-initial", "date": "2026-12-17", "type": "initial"}
    assert manifest["scaling_history"] == [{"date": "2026-12-17", "score": 5}, {"date": "2027-02-11", "score": 3}]
    amy = docx_text(tmp_path / "plan-C1.docx")
    assert "O2: School attendance\nProgressing\nAmy's attendance is 93%." in amy
    assert "Things have moved down, from 5 to 3 out of 10, since the meeting on 17 December 2026." in amy
    assert "What has been done\nFor\nWhat was done\nWho\nFamily routines at home\nMake a morning and bedtime routine chart" in amy
    working = amy[amy.index("What we are working towards") :]
    assert "Family routines at home" not in working.split("Who will do what")[0]  # achieved: done, not work ahead
    assert len(docx.Document(str(tmp_path / "plan-C1.docx")).inline_shapes) == 1  # the chart of the scores so far
    leo = docx_text(tmp_path / "plan-C2.docx")
    assert "Amy's attendance is 93%." not in leo and "School attendance" not in leo  # a sibling's progress stays theirs
    child = docx.Document(str(tmp_path / "plan-C1-child.docx"))
    assert len(child.inline_shapes) == 6 + 10  # the six pictures, and the scale as ten
    assert "Where things are now: 3 out of 10" in docx_text(tmp_path / "plan-C1-child.docx")
    record = docx_text(tmp_path / "meeting-record.docx")
    assert "Progress since the last meeting\nCompared with the initial meeting on 17 December 2026." in record
    assert "Ended at this meeting: O1 (Family routines at home): Achieved." in record


def test_a_closure_says_what_was_achieved_over_the_whole_plan(tmp_path: Path) -> None:
    earlier = _earlier()
    review = _review()
    earlier.append({"type": "review", "date": "2027-02-11", "folder": "2027-02-11-review", "policy": "standard", "record": review})
    closure = clean_closure()
    closure["objectives"] = [o for o in closure["objectives"] if o["id"] != "O1"]  # achieved at the review and taken out
    closure["actions"] = [a for a in closure["actions"] if a["objective_id"] != "O1"]
    manifest = make_pack(closure, tmp_path, earlier=earlier)
    assert manifest["previous_meeting"]["folder"] == "2027-02-11-review"
    assert [p["score"] for p in manifest["scaling_history"]] == [5, 3, 5]
    amy = docx_text(tmp_path / "plan-C1.docx")
    assert "What we have achieved over the whole plan" in amy
    assert "Mornings and bedtimes follow a routine the children know\n11 February 2027" in amy  # from the review
    assert "Amy attends school every day she is well\n8 April 2027" in amy  # at the closure


def test_what_was_achieved_at_an_earlier_review_is_still_shown(tmp_path: Path) -> None:
    earlier = _earlier()
    earlier.append({"type": "review", "date": "2027-02-11", "folder": "2027-02-11-review", "policy": "standard", "record": _review()})
    second = clean_review()
    second["meeting"].update(date="2027-04-08", next_review_date="2027-06-03")
    second["objectives"] = [dict(o, target_date="2027-06-30") for o in second["objectives"] if o["id"] != "O1"]
    second["actions"] = [dict(a, due_date="2027-05-31") for a in second["actions"] if a["objective_id"] != "O1"]
    make_pack(second, tmp_path, earlier=earlier)
    amy = docx_text(tmp_path / "plan-C1.docx")
    achieved = amy[amy.index("What we have achieved") : amy.index("Scaling scores so far")]
    assert "What we have achieved over the whole plan" not in amy  # a review, not the closure
    assert "Mornings and bedtimes follow a routine the children know\n11 February 2027" in achieved


def test_every_picture_a_review_adds_has_alternative_text(tmp_path: Path) -> None:
    from docx.oxml.ns import qn

    make_pack(_review(), tmp_path, earlier=_earlier())
    for name in ("plan-C1.docx", "plan-C1-child.docx"):
        described = [p.get("descr") for p in docx.Document(str(tmp_path / name)).element.body.iter(qn("wp:docPr"))]
        assert described and all(described), name
    chart = [p.get("descr") for p in docx.Document(str(tmp_path / "plan-C1.docx")).element.body.iter(qn("wp:docPr"))]
    assert chart == ["Scaling scores so far: 5 out of 10 on 17 December 2026, 3 out of 10 on 11 February 2027"]
