"""The census export after the real service published the forms (``docgen run --once``), as a council would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.returns.cin_rules import validate
from tests.returns.year_of_cases import YEAR, cases

REPO = Path(__file__).resolve().parents[2]


def docgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docgen", *args], capture_output=True, text=True, timeout=300, cwd=REPO, check=False)


@pytest.mark.slow
def test_forms_published_by_the_service_export_and_pass_the_validator(tmp_path: Path) -> None:
    root = tmp_path / "root"
    assert docgen("init", str(root)).returncode == 0
    (root / "docgen.toml").write_text('policy = "standard"\npdf = false\nsettle_seconds = 0\n', encoding="utf-8")
    chosen = {name: meetings for name, meetings in cases().items() if name in ("ADDED", "REOPENED", "NO-ID")}
    for name, meetings in chosen.items():
        for number, record in enumerate(meetings):  # a backlog: every form of the case dropped at once
            (root / "inbox" / f"{name}-{number}.json").write_text(json.dumps(record), encoding="utf-8")
    ran = docgen("run", "--once", "--root", str(root))
    assert ran.returncode == 0, ran.stderr
    assert not list((root / "inbox" / "rejected").glob("*.errors.txt")), [p.read_text() for p in (root / "inbox" / "rejected").glob("*.errors.txt")]
    manifest = json.loads((root / "outbox" / "NO-ID" / "2025-09-25-initial" / "manifest.json").read_text(encoding="utf-8"))
    assert [w["field"] for w in manifest["warnings"] if w["rule"] == "census-la-child-id"] == ["children[1].la_child_id"]

    exported = docgen("export", "census", "--year", str(YEAR), "--root", str(root), "--out", str(tmp_path / "out"))
    assert exported.returncode == 1 and "case NO-ID, child C2 has no LA child ID" in exported.stderr
    xml = tmp_path / "out" / f"cin-plans-{YEAR}.xml"
    children = {c.findtext("ChildIdentifiers/LAchildID"): c for c in ET.parse(xml).getroot().iterfind("Children/Child")}
    assert sorted(children) == ["D4001", "D4002", "D4003", "E5001", "G7001"]
    reopened = [(d.findtext("CINreferralDate"), d.findtext("CINPlanDates/CINPlanEndDate")) for d in children["E5001"].iterfind("CINdetails")]
    assert reopened == [("2025-03-03", "2025-08-14"), ("2025-11-03", None)]
    assert validate(xml, YEAR).findings == []
    case = docgen("case", "ADDED", "--root", str(root))
    assert "Child C2: Fay Testfamily  LA child ID D4002" in case.stdout
