"""Forms: one mistake, one error. A date out of order whose day and month the other way round would fit gets that hint; one mistyped
date gives one error, on the date that was mistyped; a name typed where child IDs go gives one error."""

from __future__ import annotations

from docgen.validation import validate_record
from tests.conftest import clean_initial


def _errors(**case: str) -> list[tuple[str, str, str]]:
    record = clean_initial()  # referral 23 Nov, assessment 24 Nov to 10 Dec, meeting 17 Dec 2026
    record["case"].update(case)
    return [(p.field, p.message, p.fix) for p in validate_record(record, "standard").errors]


def test_a_completion_date_typed_month_first_gets_the_hint() -> None:
    assert _errors(assessment_completed_date="2026-02-12") == [
        (
            "case.assessment_completed_date",
            "The assessment was completed on 12 Feb 2026, before it started on 24 Nov 2026",
            "If you meant 2 December 2026, the day and month were read the other way round (type it day first, as 02/12/2026).",
        )
    ]


def test_a_start_date_typed_month_first_is_the_one_blamed_once() -> None:
    assert _errors(referral_date="2026-11-01", assessment_start_date="2026-12-11") == [
        (
            "case.assessment_start_date",
            "The assessment started on 11 Dec 2026, after it was completed on 10 Dec 2026",
            "If you meant 12 November 2026, the day and month were read the other way round (type it day first, as 12/11/2026).",
        )
    ]


def test_without_a_swap_that_fits_the_fix_is_the_usual_one() -> None:
    assert _errors(assessment_completed_date="2026-11-20") == [
        (
            "case.assessment_completed_date",
            "The assessment was completed on 20 Nov 2026, before it started on 24 Nov 2026",
            "Check the assessment start and completion dates.",
        )
    ]


def test_a_name_typed_where_child_ids_go_is_one_error() -> None:
    record = clean_initial()
    record["objectives"][1]["child_ids"] = "Mia, Thomson"  # "Mia Thomson" in the form's For children box, read word by word
    errors = [(p.field, p.message) for p in validate_record(record, "standard").errors]
    assert errors == [("objectives[1].child_ids", "Objective O2 is for child Mia Thomson, but no child has that ID")]
