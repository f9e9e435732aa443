"""Runs data-to-insight's CIN census validator (in its own venv, ``.venv-cin``) on a census XML and returns its findings.

The validator is driven through its Python API, as its own ``run`` command does (parse, convert, ``CinValidator``
with the chosen rules). A rule that raises is only printed by the validator, never reported as a finding, so the
runner fails on any such print: a rule that could not run must not pass for one that found nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv-cin" / "bin" / "python"
#: the plan-date rules DESIGN.md names (and the LA child ID rules the XML depends on)
PLAN_DATE_RULES = ("4000", "4004", "4010", "4011", "4012Q", "4013", "4014", "4015", "8565", "8620", "8630", "1103", "8608", "8696", "1570", "1580", "8510")

_RUNNER = r"""
import contextlib, importlib, io, json, sys
import xml.etree.ElementTree as ET
from cin_validator import cin_validator

path, ruleset, rules = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
known = {str(rule.code) for _, rule in registry.items()}
data = cin_validator.process_data(cin_validator.convert_data(ET.parse(path).getroot()))
printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    validator = cin_validator.CinValidator(data, registry, selected_rules=rules)
issues = validator.full_issue_df
findings = [
    {"rule": str(row["rule_code"]), "child": None if row["child_id"] != row["child_id"] else str(row["child_id"]), "table": str(row["tables_affected"])}
    for _, row in issues.iterrows()
]
findings += [{"rule": str(code), "child": None, "table": "LA"} for code in validator.multichild_issues.get("rule_code", [])]
children = len(data["ChildIdentifiers"])
plans = len(data["CINplanDates"])
json.dump({"missing_rules": sorted(set(rules) - known), "printed": printed.getvalue(), "findings": findings, "children": children, "plans": plans}, sys.stdout)
"""


@dataclass(frozen=True)
class Verdict:
    """The validator's findings on one file, and what it read from it."""

    findings: list[dict[str, str | None]]
    children: int
    plans: int

    @property
    def rules(self) -> set[str]:
        """The codes of the rules that found something."""
        return {str(f["rule"]) for f in self.findings}


def ruleset_for(year: int) -> str:
    """The validator's rule set for census year YYYY (reference date 31 March YYYY): ``cin2025_26`` for 2026."""
    return f"cin{year - 1}_{year % 100:02d}"


def need_validator() -> None:
    """Skips a test where the validator is not installed, except in CI (``make test`` installs it), where it fails."""
    if PYTHON.is_file():
        return
    message = "the CIN census validator is not installed: run `bash scripts/census-validator.sh` (`make test` does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def validate(xml: Path, year: int, rules: tuple[str, ...] = PLAN_DATE_RULES) -> Verdict:
    """The validator's findings for ``xml`` on ``rules``; fails the test if a rule is unknown to it or could not run."""
    need_validator()
    done = subprocess.run(
        [str(PYTHON), "-c", _RUNNER, str(xml), ruleset_for(year), ",".join(rules)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"the validator failed: {done.stderr[-2000:]}"
    out = json.loads(done.stdout)
    assert not out["missing_rules"], f"rules the validator does not know: {out['missing_rules']}"
    assert "Error with rule" not in out["printed"], f"a rule could not run: {out['printed']}"
    return Verdict(out["findings"], out["children"], out["plans"])
