"""``docgen export ssd``: the Standard Safeguarding Dataset's CIN plan and visit tables, for every plan docgen knows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import main
from tests.returns.ssd_fields import SSD_FIELDS
from tests.returns.year_of_cases import publish_year

FIELDS = SSD_FIELDS


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("root")
    publish_year(root)
    result = CliRunner().invoke(main, ["export", "ssd", "--root", str(root), "--out", str(root / "ssd")])
    assert result.exit_code == 0, result.output
    return root / "ssd", result.stderr


def test_the_tables_have_the_ssd_object_definitions_columns(exported: tuple[Path, str]) -> None:
    assert _read(exported[0] / "ssd_cin_plans.csv")[0] == FIELDS["ssd_cin_plans"]
    assert _read(exported[0] / "ssd_cin_visits.csv")[0] == FIELDS["ssd_cin_visits"]


def test_every_plan_of_any_year_with_the_childs_la_child_id(exported: tuple[Path, str]) -> None:
    plans = _read(exported[0] / "ssd_cin_plans.csv")[1]
    got = {(p["cinp_person_id"], p["cinp_cin_plan_start"]): (p["cinp_cin_plan_end"], p["cinp_referral_id"]) for p in plans}
    assert got[("X3001", "2024-05-20")] == ("2025-02-10", "BEFORE-E1")  # closed before the census year: still here
    assert got[("E5001", "2025-03-27")] == ("2025-08-14", "REOPENED-E1")
    assert got[("E5001", "2025-11-27")] == ("", "REOPENED-E2")  # a new referral, a new episode
    assert got[("F6001", "2025-12-04")] == ("2026-05-14", "LATE-CLOSE-E1")  # the real end, whatever the census says
    assert got[("D4003", "2025-05-08")] == ("2025-10-23", "ADDED-E1")
    assert len(plans) == 11 and len({p["cinp_cin_plan_id"] for p in plans}) == 11  # 12 plans, one child without an ID
    assert all(p["cinp_cin_plan_worker_id"] for p in plans)


def test_a_child_without_an_id_is_left_out_and_named(exported: tuple[Path, str]) -> None:
    plans = _read(exported[0] / "ssd_cin_plans.csv")[1]
    assert all(p["cinp_person_id"] for p in plans)
    assert "NO-ID" in exported[1] and "C2" in exported[1] and "Kit" not in exported[1]


def test_every_recorded_visit_of_a_child_with_an_id(exported: tuple[Path, str]) -> None:
    plans = {p["cinp_cin_plan_id"]: p for p in _read(exported[0] / "ssd_cin_plans.csv")[1]}
    visits = _read(exported[0] / "ssd_cin_visits.csv")[1]
    got = [
        (plans[v["cinv_cin_plan_id"]]["cinp_person_id"], v["cinv_cin_visit_date"], v["cinv_cin_visit_seen"], v["cinv_cin_visit_seen_alone"], v["cinv_cin_visit_bedroom"])
        for v in visits
    ]
    assert sorted(got) == [
        ("B2001", "2025-07-10", "Y", "Y", ""),
        ("B2001", "2025-08-07", "Y", "N", ""),
        ("D4002", "2025-08-14", "Y", "", ""),  # seen alone not recorded: not claimed either way
        ("E5001", "2025-04-10", "Y", "Y", ""),
        ("E5001", "2025-12-11", "Y", "N", ""),
    ]
    by_date = {v["cinv_cin_visit_date"]: plans[v["cinv_cin_plan_id"]]["cinp_cin_plan_start"] for v in visits}
    assert by_date["2025-04-10"] == "2025-03-27" and by_date["2025-12-11"] == "2025-11-27"  # each visit on the plan it fell in
    assert len({v["cinv_cin_visit_id"] for v in visits}) == len(visits)
