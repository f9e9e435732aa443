"""Reports word for word: what admin staff read, and the JSON other programs read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.validation import validate_record
from docgen.validation.problems import Problem
from tests.conftest import clean_initial


def test_absent_parent_without_reason_reads_exactly() -> None:
    record = clean_initial()
    record["participants"][1].pop("non_attendance_reason")
    report = validate_record(record, "standard", source={"name": "jones.docx", "sha256": "ab" * 32},
                             locations={"participants[1]": "Participants!A3"})
    assert report.to_text() == (
        "jones.docx: rejected under the standard profile — 1 error to correct before the plan can be produced."
        " Correct the form and drop it into the inbox again.\n"
        "Profile standard: given by --policy.\n"
        f"sha256: {'ab' * 32}\n"
        "\n"
        "Errors:\n"
        "1. Daniel Jones (parent) did not attend: record why [standard-2.1-absence-reason, procedure 2.1]\n"
        "    where: participants[1].non_attendance_reason — Participants!A3\n"
        "    fix:   Fill in the reason for non-attendance for Daniel Jones.\n"
    )


def test_chair_and_review_interval_read_exactly() -> None:
    record = clean_initial()
    record["meeting"].update(chair_role="community_support_worker", next_review_date="2027-04-01")
    messages = [(p.rule, p.message, p.fix) for p in validate_record(record, "standard").errors]
    assert messages == [
        ("standard-2.3-chair",
         "The meeting was chaired by Priya Shah, a community support worker; community support workers must not chair CIN meetings",
         "Record the social worker, practice lead or principal manager who chaired the meeting; if none did, hold the meeting again."),
        ("standard-4.1-review-interval",
         "The next review on 1 Apr 2027 is more than 3 months after the meeting on 17 Dec 2026 (latest 17 Mar 2027)",
         "Set the Next review date on or before 17 Mar 2027."),
    ]


def test_south_gloucestershire_review_interval_cites_its_guidance() -> None:
    record = clean_initial()
    record["meeting"]["next_review_date"] = "2027-02-25"
    (problem,) = validate_record(record, "south-gloucestershire").errors
    assert problem.to_json() == {
        "rule": "sg-expectations-review-8-weeks",
        "field": "meeting.next_review_date",
        "message": "The next review on 25 Feb 2027 is more than 8 weeks after the meeting on 17 Dec 2026 (latest 11 Feb 2027)"
                   " and no management agreement is recorded",
        "severity": "error",
        "section": "South Gloucestershire guidance, Expectations: reviews every 8 weeks",
        "fix": "Set the next review on or before 11 Feb 2027, or fill in Management agreement (Meeting section): who agreed a longer interval, and when.",
    }


def test_schema_errors_name_the_field_by_its_title_and_the_person() -> None:
    record = clean_initial()
    record["participants"][0].pop("attended")
    record["meeting"]["visit_frequency_days"] = "fortnightly"
    problems = {p.field: (p.message, p.fix) for p in validate_record(record, "standard").errors}
    assert problems == {
        "participants[0].attended": ("Attended for Sarah Jones (parent) is missing", "Fill in Attended for Sarah Jones (parent)."),
        "meeting.visit_frequency_days": ("Visit frequency (days) must be a whole number, not 'fortnightly'", "Enter a whole number for Visit frequency (days)."),
    }


def test_an_answer_that_could_not_be_read_is_not_also_called_missing() -> None:
    record = clean_initial()
    record["children"][0].pop("date_of_birth")  # the form said 31/02/2019: the reader left it out and said why
    unreadable = Problem(
        rule="form-date",
        severity="error",
        field="children[0].date_of_birth",
        message="Date of birth: '31/02/2019' is not a real date (there is no such day in that month).",
        section="",
        fix="",
        location="children!D2",
    )
    report = validate_record(record, "standard", extra=[unreadable])
    assert [(p.rule, p.message) for p in report.errors if p.field == "children[0].date_of_birth"] == [
        ("form-date", "Date of birth: '31/02/2019' is not a real date (there is no such day in that month).")
    ]
    record["children"][0].pop("first_name")  # a field simply left blank is still reported as missing
    assert "schema-required" in {p.rule for p in validate_record(record, "standard", extra=[unreadable]).errors}


def test_a_participant_without_a_role_is_named_alone_not_called_a_child() -> None:
    record = clean_initial()
    record["participants"][1].pop("role")
    problems = {p.field: (p.message, p.fix) for p in validate_record(record, "standard").errors}
    assert problems == {"participants[1].role": ("Role for Daniel Jones is missing", "Fill in Role for Daniel Jones.")}


def test_accepted_report_counts_warnings() -> None:
    record = clean_initial()
    record["children"][0]["seen_alone"] = False
    report = validate_record(record, "standard", source={"name": "f.json"})
    assert report.to_text().splitlines()[0] == "f.json: accepted under the standard profile with 1 warning."
    assert report.to_json()["valid"] is True


def _write(tmp_path: Path, name: str, record: dict[str, object]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_validate_exit_codes(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.json", clean_initial())
    bad_record = clean_initial()
    bad_record["meeting"]["chair_role"] = "community_support_worker"
    bad = _write(tmp_path, "bad.json", bad_record)
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(good)]).exit_code == 0
    assert runner.invoke(main, ["validate", "--policy", "south-gloucestershire", str(good)]).exit_code == 0
    assert runner.invoke(main, ["validate", str(good), str(bad)]).exit_code == 1
    unknown = runner.invoke(main, ["validate", "--policy", "atlantis", str(good)])
    assert unknown.exit_code == 2
    assert "There is no council profile called 'atlantis': use one of south-gloucestershire, standard." in unknown.output
    assert runner.invoke(main, ["validate", str(tmp_path / "missing.json")]).exit_code == 2
    assert runner.invoke(main, ["validate"]).exit_code == 2


def test_validate_json_output_for_one_and_several_files(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.json", clean_initial())
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    runner = CliRunner()
    one = json.loads(runner.invoke(main, ["validate", "--json", str(good)]).output)
    assert one["valid"] is True and one["source"]["name"] == "good.json" and one["errors"] == [] and one["warnings"] == []
    result = runner.invoke(main, ["validate", "--json", str(good), str(broken)])
    assert result.exit_code == 1
    both = json.loads(result.output)
    assert [r["valid"] for r in both] == [True, False]
    assert both[1]["errors"][0]["rule"] == "form-not-a-form"
    assert both[1]["errors"][0]["message"].startswith("broken.json is not valid JSON (line 1, column 2")


def test_validate_reads_the_default_policy_from_docgen_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = clean_initial()
    record.pop("policy")
    del record["contingency_plan"]
    path = _write(tmp_path, "r.json", record)
    (tmp_path / "docgen.toml").write_text('policy = "south-gloucestershire"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--json", str(path)])
    assert json.loads(result.output)["policy"] == "south-gloucestershire"
    assert result.exit_code == 1
