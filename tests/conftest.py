"""Shared fixtures: complete valid records for each meeting type, built from the two-child initial meeting."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

RECORDS = Path(__file__).parent / "records"


def load_record(name: str = "initial-two-children.json") -> dict[str, Any]:
    """A fresh copy of a sample record from tests/records/."""
    return json.loads((RECORDS / name).read_text(encoding="utf-8"))


def clean_initial() -> dict[str, Any]:
    """The two-child initial meeting with nothing to warn about (Leo receives his copy too)."""
    record = load_record()
    del record["children"][1]["receives_copy"]
    return record


def moved_back(record: dict[str, Any]) -> dict[str, Any]:
    """The record with every date moved back by whole weeks, the same for every sample record, so that even the
    closure (8 Apr 2027) was held at least a week before today.

    Dates staff record (a copy sent, a visit made) must lie between the meeting and today: tests that record
    them need meetings that have happened, whatever day they run on.
    """
    latest = dt.date(2027, 4, 8) - (dt.date.today() - dt.timedelta(weeks=1))
    shift = dt.timedelta(weeks=max(0, -(-latest.days // 7)))

    def move(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: move(v) for k, v in value.items()}
        if isinstance(value, list):
            return [move(v) for v in value]
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return (dt.date.fromisoformat(value) - shift).isoformat()
        return value

    moved: dict[str, Any] = move(record)
    return moved


def clean_review() -> dict[str, Any]:
    """A review of the same family 8 weeks on: valid under both profiles, nothing to warn about."""
    record = clean_initial()
    record["case"].update(plan_start_date="2026-12-17")
    record["meeting"].update(type="review", date="2027-02-11", next_review_date="2027-04-08")
    for objective, target in zip(record["objectives"], ("2027-04-08", "2027-03-31", "2027-03-31"), strict=True):
        objective["target_date"] = target
    for action in record["actions"]:
        action["due_date"] = "2027-03-31"
    return record


def clean_closure() -> dict[str, Any]:
    """A closure meeting stepping down to universal services."""
    record = clean_review()
    record["meeting"].update(type="closure", date="2027-04-08")
    del record["meeting"]["next_review_date"]
    for objective in record["objectives"]:
        objective["target_date"] = "2027-06-30"
        objective["progress"] = "achieved"
    for action in record["actions"]:
        action["due_date"] = "2027-05-31"
    record["decision"] = {"outcome": "step_down_universal", "rationale": "Objectives met; school and health visiting continue."}
    return record


@pytest.fixture
def initial() -> dict[str, Any]:
    """A clean two-child initial meeting."""
    return clean_initial()


@pytest.fixture
def records() -> dict[str, Callable[[], dict[str, Any]]]:
    """Builders of clean records by meeting type."""
    return {"initial": clean_initial, "review": clean_review, "closure": clean_closure}


def deep(record: dict[str, Any]) -> dict[str, Any]:
    """A deep copy, so a test's mutation never leaks."""
    return copy.deepcopy(record)


# The sample meetings run from 2026 into 2028; forms are checked as if on a day after all of them, so the
# "meeting dated in the future" warning only appears where a test asks for it (tests/validation/test_timing.py).
# Forms are built in worker processes: forked ones inherit the patch, and the forkserver (used once other threads
# run) imports tests/checked_on.py, which makes the same patch there.
from tests.checked_on import CHECKED_ON  # noqa: E402  (one day for the test process and its workers)


@pytest.fixture(autouse=True, scope="session")
def _forms_checked_after_every_sample_meeting() -> Iterator[None]:
    import datetime as dt
    import multiprocessing.forkserver

    from docgen.service import workers
    from docgen.validation import timing

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timing, "today", lambda: dt.date.fromisoformat(CHECKED_ON))
        patch.setattr(workers, "FORKSERVER_PRELOAD", (*workers.FORKSERVER_PRELOAD, "tests.checked_on"))
        multiprocessing.set_forkserver_preload(list(workers.FORKSERVER_PRELOAD))
        multiprocessing.forkserver.ensure_running()  # started here, from the checkout, for every test's workers
        yield


@pytest.fixture(scope="session")
def warm_converters() -> Iterator[Any]:
    """Two warm LibreOffices shared by every test that needs the real one (each start costs several seconds)."""
    from docgen.pdf.converter_queue import Converters
    from docgen.pdf.unoserver import find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    converters = Converters(2, timeout=120)
    try:
        converters.start()
        yield converters
    finally:
        converters.close()
