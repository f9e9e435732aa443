"""``docgen export census``: a year of cases exported, checked value by value, and by the DfE's rules in the real validator."""

from __future__ import annotations

import csv
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from docgen.cli import main
from tests.returns.cin_rules import PLAN_DATE_RULES, validate
from tests.returns.year_of_cases import YEAR, publish_year


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("root")
    publish_year(root)
    result = CliRunner().invoke(main, ["export", "census", "--year", str(YEAR), "--root", str(root), "--out", str(root / "returns")])
    assert result.exit_code == 1, result.output  # a child without an LA child ID
    return root / "returns", result.stderr


def _plans(xml: Path) -> dict[str, list[tuple[str, list[tuple[str, str | None]]]]]:
    """LAchildID → [(referral date, [(plan start, plan end)])], as the XML holds them."""
    out: dict[str, list[tuple[str, list[tuple[str, str | None]]]]] = {}
    for child in ET.parse(xml).getroot().iterfind("Children/Child"):
        key = child.findtext("ChildIdentifiers/LAchildID") or ""
        assert key not in out, f"{key} twice"
        out[key] = [
            (
                details.findtext("CINreferralDate") or "",
                [(d.findtext("CINPlanStartDate") or "", d.findtext("CINPlanEndDate")) for d in details.iterfind("CINPlanDates")],
            )
            for details in child.iterfind("CINdetails")
        ]
    return out


def test_the_xml_holds_each_childs_episodes_and_plan_dates(exported: tuple[Path, str]) -> None:
    xml = exported[0] / f"cin-plans-{YEAR}.xml"
    root = ET.parse(xml).getroot()
    assert root.tag == "Message"
    assert [root.findtext(f"Header/CollectionDetails/{t}") for t in ("Collection", "Year", "ReferenceDate")] == ["CIN", "2026", "2026-03-31"]
    assert all(child.find("ChildCharacteristics") is not None for child in root.iterfind("Children/Child"))
    assert _plans(xml) == {
        "A1001": [("2025-01-06", [("2025-02-03", None)])],  # open across the year
        "A1002": [("2025-01-06", [("2025-02-03", None)])],
        "B2001": [("2025-06-02", [("2025-06-26", "2025-12-11")])],  # opened and closed inside it
        "D4001": [("2025-04-14", [("2025-05-08", None)])],
        "D4002": [("2025-04-14", [("2025-07-31", None)])],  # added at a review
        "D4003": [("2025-04-14", [("2025-05-08", "2025-10-23")])],  # no longer on the plan at a review
        "E5001": [("2025-03-03", [("2025-03-27", "2025-08-14")]), ("2025-11-03", [("2025-11-27", None)])],  # closed, reopened
        "F6001": [("2025-11-10", [("2025-12-04", None)])],  # closed after the reference date: open on it
        "G7001": [("2025-09-01", [("2025-09-25", None)])],
    }
    assert "X3001" not in xml.read_text(encoding="utf-8")  # closed before the year
    details = root.find("Children/Child/CINdetails")
    assert details is not None and [e.tag for e in details] == ["CINreferralDate", "CINPlanDates"]


def test_the_csv_has_a_row_per_child_plan_with_its_real_end(exported: tuple[Path, str]) -> None:
    with (exported[0] / f"cin-plans-{YEAR}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["la_child_id", "case_reference", "child_id", "date_of_birth", "referral_date", "plan_start", "plan_end", "ended_by"]
    got = {(r["case_reference"], r["child_id"], r["plan_start"]): (r["la_child_id"], r["referral_date"], r["plan_end"], r["ended_by"]) for r in rows}
    assert got[("LATE-CLOSE", "C1", "2025-12-04")] == ("F6001", "2025-11-10", "2026-05-14", "closure")
    assert got[("ADDED", "C3", "2025-05-08")] == ("D4003", "2025-04-14", "2025-10-23", "review")
    assert got[("INSIDE", "C1", "2025-06-26")] == ("B2001", "2025-06-02", "2025-12-11", "closure")
    assert got[("REOPENED", "C1", "2025-03-27")] == ("E5001", "2025-03-03", "2025-08-14", "closure")
    assert got[("REOPENED", "C1", "2025-11-27")] == ("E5001", "2025-11-03", "", "")
    assert got[("NO-ID", "C2", "2025-09-25")] == ("", "2025-09-01", "", "")
    assert not any(r["case_reference"] == "BEFORE" for r in rows)
    assert len(rows) == 11


def test_a_child_without_an_id_is_named_and_left_out_of_the_xml(exported: tuple[Path, str]) -> None:
    stderr = exported[1]
    assert "NO-ID" in stderr and "C2" in stderr
    assert "Kit" not in stderr  # named by case and child id, never by name
    assert "G7001" in _plans(exported[0] / f"cin-plans-{YEAR}.xml")  # the sibling with an ID is in


def test_every_child_with_an_id_exits_0(tmp_path: Path) -> None:
    publish_year(tmp_path)
    result = CliRunner().invoke(main, ["export", "census", "--year", "2025", "--root", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output  # census year 2025 ends before NO-ID's referral
    assert "X3001" in (tmp_path / "out" / "cin-plans-2025.xml").read_text(encoding="utf-8")


def test_the_export_passes_the_dfe_plan_date_rules_in_the_real_validator(exported: tuple[Path, str]) -> None:
    verdict = validate(exported[0] / f"cin-plans-{YEAR}.xml", YEAR)
    assert verdict.findings == []
    assert (verdict.children, verdict.plans) == (9, 10)  # the validator read every child and plan


def test_the_validator_finds_a_corrupted_export(exported: tuple[Path, str], tmp_path: Path) -> None:
    """Broken on purpose, so the check above cannot pass by reading nothing."""
    text = (exported[0] / f"cin-plans-{YEAR}.xml").read_text(encoding="utf-8")
    broken = text.replace("<CINPlanEndDate>2025-12-11</CINPlanEndDate>", "<CINPlanEndDate>2025-06-01</CINPlanEndDate>")  # before its start
    broken = broken.replace("<LAchildID>A1002</LAchildID>", "<LAchildID>A1001</LAchildID>")  # one ID for two children
    broken = broken.replace("<LAchildID>G7001</LAchildID>", "<LAchildID>G7001-X</LAchildID>")  # not letters and digits
    assert broken.count("A1001") == 2
    path = tmp_path / "broken.xml"
    path.write_text(broken, encoding="utf-8")
    rules = validate(path, YEAR, PLAN_DATE_RULES).rules
    assert {"4011", "8510", "1580"} <= rules, rules


def test_a_folder_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    publish_year(tmp_path)
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "census", "--year", str(YEAR), "--root", str(tmp_path), "--out", str(tmp_path / "a-file" / "out")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"docgen: cannot write cin-plans-{YEAR}.xml into {tmp_path / 'a-file' / 'out'} (Not a directory): choose a folder this account may write to"]


def test_a_root_where_nothing_was_published_exports_no_plan(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    result = CliRunner().invoke(main, ["export", "census", "--year", str(YEAR), "--root", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert ET.parse(tmp_path / "out" / f"cin-plans-{YEAR}.xml").getroot().find("Children") is not None
    assert (tmp_path / "out" / f"cin-plans-{YEAR}.csv").read_text(encoding="utf-8").count("\n") == 1  # the header alone
