"""Exit codes come from the error that stopped a command, mapped in one place (``docgen.cli``), or are named in ``ExitCode``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import docgen.cli
import docgen.render
from docgen.cli import main
from docgen.errors import ConfigError, DocgenError, ExitCode, RootBusyError, ServiceError, TemplateError, TemplatesBrokenError
from docgen.new_root import init_root


def test_each_kind_of_error_carries_its_exit_code() -> None:
    assert [e.exit_code for e in (DocgenError, ConfigError, ServiceError, TemplateError)] == [2, 2, 2, 2]
    assert (RootBusyError.exit_code, TemplatesBrokenError.exit_code) == (3, 4)


def test_run_with_a_broken_template_exits_4_saying_so_and_takes_no_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = init_root(tmp_path / "root", None)
    (root / "inbox" / "form.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(docgen.render, "check_templates", lambda **_: ["plan.docx: unknown field meeting.dat"])
    result = CliRunner().invoke(main, ["run", "--root", str(root), "--no-pdf"])
    assert result.exit_code == 4, result.output
    assert "A document template is broken, so no plan can be produced: plan.docx: unknown field meeting.dat" in result.output
    assert (root / "inbox" / "form.json").is_file()


def test_an_unknown_policy_is_a_usage_error_exit_2(tmp_path: Path) -> None:
    root = init_root(tmp_path / "root", None)
    result = CliRunner().invoke(main, ["run", "--root", str(root), "--policy", "atlantis"])
    assert result.exit_code == 2, result.output
    assert "There is no council profile called 'atlantis'" in result.output


def test_the_named_outcomes_keep_the_numbers_design_gives_them() -> None:
    named = {code.name: int(code) for code in ExitCode}
    aliases = {name: int(code) for name, code in ExitCode.__members__.items()}
    assert named == {"OK": 0, "FAILED": 1, "USAGE": 2, "NOT_RUNNING": 3, "TEMPLATES_BROKEN": 4}
    assert {aliases[n] for n in ("INVALID", "REFUSED", "UNKNOWN_CASE", "LEFT_OUT", "PAUSED")} == {1}
    assert aliases["ROOT_BUSY"] == 3


def test_no_command_exits_with_a_bare_number() -> None:
    cli = Path(docgen.cli.__file__).parent
    bare = re.compile(r"(?:sys\.exit|ctx\.exit|SystemExit)\([^)]*\b\d+\b")
    found = [f"{path.name}: {line.strip()}" for path in sorted(cli.glob("*.py")) for line in path.read_text().splitlines() if bare.search(line)]
    assert found == []


def test_status_on_a_root_where_nothing_runs_exits_3_and_says_so_in_its_json(tmp_path: Path) -> None:
    root = init_root(tmp_path / "root", None)
    result = CliRunner().invoke(main, ["status", "--root", str(root), "--json"])
    assert result.exit_code == 3, result.output
    found = json.loads(result.output)
    assert (found["service"], found["exit_code"]) == ("not running", 3)
    assert type(found["exit_code"]) is int


def test_users_refused_exits_1_with_one_line(tmp_path: Path) -> None:
    root = init_root(tmp_path / "root", None)
    result = CliRunner().invoke(main, ["users", "remove", "nobody", "--root", str(root)])
    assert result.exit_code == 1, result.output
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("docgen: ")
