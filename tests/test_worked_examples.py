"""The worked examples in docs/profiles/ behave as docs/councils.md says: York's review interval by team, Lincolnshire's chair by meeting type."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docgen.deadlines import meeting_deadlines
from docgen.profiles import Profiles, profiles_in
from docgen.validation import validate_record
from tests.conftest import clean_initial, clean_review

EXAMPLES = Path(__file__).parents[1] / "docs" / "profiles"


@pytest.fixture(autouse=True)
def root(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "profiles").mkdir()
    for example in EXAMPLES.glob("*.json"):
        shutil.copy(example, tmp_path / "profiles" / example.name)
    yield tmp_path


@pytest.fixture
def profiles(root: Path) -> Profiles:
    """The examples as a council's own profiles."""
    return profiles_in(root)


def _problems(record: dict[str, Any], policy: str, profiles: Profiles) -> list[tuple[str, str, str]]:
    return [(p.rule, p.severity, p.message) for p in validate_record(record, policy, profiles=profiles).problems]


@pytest.mark.parametrize(
    ("team", "next_review", "expected"),
    [
        ("Health and Disability", "2027-06-17", []),  # 26 weeks to the day
        (
            "Health and Disability",
            "2027-06-18",
            [
                (
                    "york-reviews",
                    "error",
                    "The next review on 18 Jun 2027 is more than 26 weeks after the meeting on 17 Dec 2026 (latest 17 Jun 2027)",
                )
            ],
        ),
        ("Children in Need", "2027-03-11", []),  # 12 weeks
        (
            "Children in Need",
            "2027-03-12",
            [
                (
                    "york-reviews",
                    "error",
                    "The next review on 12 Mar 2027 is more than 12 weeks after the meeting on 17 Dec 2026 (latest 11 Mar 2027)",
                )
            ],
        ),
        (
            None,
            "2027-03-12",
            [
                (
                    "york-reviews",
                    "error",
                    "The next review on 12 Mar 2027 is more than 12 weeks after the meeting on 17 Dec 2026 (latest 11 Mar 2027)",
                )
            ],
        ),
    ],
)
def test_york_reviews_every_26_weeks_for_health_and_disability_else_12(
    team: str | None, next_review: str, expected: list[Any], profiles: Profiles
) -> None:
    record = clean_initial()
    if team:
        record["key_worker"]["team"] = team
    record["meeting"]["next_review_date"] = next_review
    assert _problems(record, "york", profiles) == expected


def test_yorks_next_review_deadline_cites_the_interval_that_applied(profiles: Profiles) -> None:
    record = clean_initial()
    record["key_worker"]["team"] = "Health and Disability"
    record["meeting"]["next_review_date"] = "2027-06-17"
    sections = {d.kind: d.section for d in meeting_deadlines(record, profiles.load("york"))}
    assert sections["next_review"] == "York procedure, Reviews: Health and Disability Team"


def test_lincolnshire_chair_depends_on_the_meeting_type(profiles: Profiles) -> None:
    initial = clean_initial()
    assert _problems(initial, "lincolnshire", profiles) == []  # a practice lead may chair an initial meeting
    initial["meeting"]["chair_role"] = "social_worker"
    assert _problems(initial, "lincolnshire", profiles) == [
        (
            "lincolnshire-chair-initial",
            "error",
            "The initial meeting was chaired by a social worker; an initial Child in Need meeting is chaired by a team manager or practice lead",
        )
    ]
    review = clean_review()
    review["meeting"]["chair_role"] = "team_manager"
    assert _problems(review, "lincolnshire", profiles) == [
        (
            "lincolnshire-chair-review",
            "warning",
            "The meeting was chaired by a team manager; reviews are chaired by the social worker or a practice lead",
        )
    ]
    review["meeting"]["chair_role"] = "social_worker"
    assert _problems(review, "lincolnshire", profiles) == []


def test_the_rules_catalogue_says_when_a_rule_applies(profiles: Profiles) -> None:
    from docgen.validation.catalogue import rules_markdown

    lines = rules_markdown(profiles).splitlines()
    assert (
        "| `lincolnshire-chair-review` | warning | Lincolnshire procedure, Chairing reviews | `field_in` | The meeting was chaired by a {value}; "
        "reviews are chaired by the social worker or a practice lead (only when meeting.type is review or closure) |"
    ) in lines
