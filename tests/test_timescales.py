"""One timescale vocabulary: days (calendar or working), working_days and months, and alternatives chosen by ``when``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from docgen.profiles import profiles_in
from docgen.timescales import applicable, condition_holds, condition_words, period_of
from docgen.validation import validate_record
from tests.conftest import clean_initial

MEETING = dt.date(2026, 12, 17)  # a Thursday; 25, 26 and 28 December are bank holidays


@pytest.mark.parametrize(
    ("spec", "due", "words"),
    [
        ({"days": 10}, "2026-12-27", "10 days"),
        ({"days": 10, "day_kind": "calendar"}, "2026-12-27", "10 days"),
        ({"days": 5, "day_kind": "working"}, "2026-12-24", "5 working days"),
        ({"working_days": 5}, "2026-12-24", "5 working days"),
        ({"working_days": 1}, "2026-12-18", "1 working day"),
        ({"months": 3}, "2027-03-17", "3 months"),
    ],
)
def test_every_way_of_writing_a_period_is_read_alike(spec: dict[str, int | str], due: str, words: str) -> None:
    period = period_of(spec)
    assert period.after(MEETING).isoformat() == due
    assert period.words() == words


def test_the_first_alternative_whose_conditions_hold_applies() -> None:
    setting = [
        {"days": 182, "when": {"key_worker.team": "Health and Disability"}},
        {"days": 84, "when": {"meeting.type": ["review", "closure"]}},
        {"days": 42},
    ]
    record = {"key_worker": {"team": "Health and Disability"}, "meeting": {"type": "review"}}
    assert applicable(setting, record) == setting[0]
    assert applicable(setting, {"key_worker": {"team": "Assessment"}, "meeting": {"type": "closure"}}) == setting[1]
    assert applicable(setting, {}) == setting[2]
    assert applicable({"days": 1}, {}) == {"days": 1}
    assert applicable(None, {}) is None


def test_every_condition_must_hold() -> None:
    when = {"meeting.type": "initial", "key_worker.team": ["A", "B"]}
    assert condition_holds(when, {"meeting": {"type": "initial"}, "key_worker": {"team": "B"}})
    assert not condition_holds(when, {"meeting": {"type": "initial"}, "key_worker": {"team": "C"}})
    assert not condition_holds(when, {"meeting": {"type": "review"}, "key_worker": {"team": "A"}})
    assert condition_words(when) == "meeting.type is initial and key_worker.team is A or B"


def test_working_days_in_plan_by_are_judged_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "quick.json").write_text(
        json.dumps(
            {
                "id": "quick",
                "extends": "standard",
                "timescales": {
                    "plan_by": [
                        {"from": "case.referral_date", "working_days": 10, "section": "1.2", "what": "10 working days of the referral"}
                    ]
                },
                "rules": {"standard-4.1-meeting-by-day-35": None},
            }
        ),
        encoding="utf-8",
    )
    # referral 23 Nov 2026: 10 working days on is 7 Dec; the meeting is 17 Dec
    report = validate_record(clean_initial(), "quick", profiles=profiles_in(tmp_path))
    assert [(p.rule, p.message) for p in report.warnings] == [
        (
            "standard-1.2-plan-within-4-weeks",
            "The initial meeting on 17 Dec 2026 was held after 7 Dec 2026, later than 10 working days of the referral (23 Nov 2026)",
        )
    ]
