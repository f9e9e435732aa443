"""Reviews, closures, the South Gloucestershire profile and a record with only the required fields all render."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import clean_closure, clean_initial, clean_review
from tests.render.helpers import docx_text, make_pack


@pytest.mark.parametrize("build", [clean_initial, clean_review, clean_closure], ids=["initial", "review", "closure"])
@pytest.mark.parametrize("policy", ["standard", "south-gloucestershire"])
def test_every_meeting_type_renders_under_every_profile(tmp_path: Path, build: Callable[[], dict[str, Any]], policy: str) -> None:
    record = build()
    record["policy"] = policy
    manifest = make_pack(record, tmp_path)
    assert manifest["policy"] == policy
    kind = record["meeting"]["type"]
    plan = docx_text(tmp_path / "plan-C2.docx")  # Leo receives his copy in these records
    if kind == "closure":
        assert "This was the closing meeting: there is no further review." in plan
        assert "next_review" not in {d["kind"] for d in manifest["deadlines"]}
        assert "Step down to universal services" in docx_text(tmp_path / "meeting-record.docx")
    else:
        assert f"The next review meeting is on {'11 February 2027' if kind == 'initial' else '8 April 2027'}." in plan
    procedure = "South Gloucestershire Child in Need guidance" if policy != "standard" else "Child in Need Planning Procedure"
    assert f"Plan made under the {procedure} on 18 December 2026." in plan
    assert [r["recipient"] for r in manifest["distribution"]][:3] == ["Amy Jones", "Amy Jones", "Leo Jones"]


def test_a_record_with_only_the_required_fields(tmp_path: Path) -> None:
    record = {
        "case": {"reference": "CIN-1", "referral_date": "2026-11-23"},
        "meeting": {
            "type": "initial",
            "date": "2026-12-17",
            "chair_name": "Priya Shah",
            "chair_role": "team_manager",
            "next_review_date": "2027-02-11",
            "visit_frequency_days": 28,
        },
        "key_worker": {"name": "Tom Okafor", "role": "Social Worker"},
        "children": [{"id": "K", "first_name": "Kim", "last_name": "Lee", "date_of_birth": "2016-01-02", "attended": True}],
        "assessment": {"summary": "Needs support with school."},
        "objectives": [{"id": "1", "need": "School", "outcome": "Kim goes to school", "measure": "Register", "target_date": "2027-02-11"}],
        "actions": [{"objective_id": "1", "action": "Walk to school together", "responsible": "Mum", "due_date": "2027-01-08"}],
    }
    manifest = make_pack(record, tmp_path)
    plan = docx_text(tmp_path / "plan-K.docx")
    assert "No services were recorded at the meeting." in plan
    assert "No contingency plan was recorded." in plan
    assert "No score was recorded at the meeting." in plan
    assert "Walk to school together" in plan
    assert [(r["recipient"], r["document"], r["delivery"]) for r in manifest["distribution"]] == [
        ("Kim Lee", "plan-K.docx", "hand"),
        ("Tom Okafor", "meeting-record.docx", "hand"),
        ("Priya Shah", "meeting-record.docx", "hand"),
    ]


def test_the_chairs_notes_are_in_the_meeting_record_and_never_in_a_childs_plan(tmp_path: Path) -> None:
    record = clean_initial()
    record["meeting"]["chair_notes"] = "Mr Jones was in hospital; he will be visited at home to give his views."
    make_pack(record, tmp_path)
    meeting_record = docx_text(tmp_path / "meeting-record.docx")
    assert "Chair's notes" in meeting_record
    assert "Mr Jones was in hospital; he will be visited at home to give his views." in meeting_record
    assert "in hospital" not in docx_text(tmp_path / "plan-C1.docx")


def test_the_meeting_record_lists_copies_not_sent_with_the_reason_the_form_gives(tmp_path: Path) -> None:
    record = clean_initial()
    withheld = next(p for p in record["participants"] if p["role"] == "professional")
    withheld.update(receives_copy=False, copy_withheld_reason="Left the service; the new worker gets the plan")
    make_pack(record, tmp_path)
    text = docx_text(tmp_path / "meeting-record.docx")
    assert "Copies not sent" in text
    assert "Left the service; the new worker gets the plan" in text
    make_pack(clean_initial(), tmp_path / "all")
    assert "Copies not sent" not in docx_text(tmp_path / "all" / "meeting-record.docx")
