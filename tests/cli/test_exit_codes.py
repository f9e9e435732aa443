"""Exit codes come from the error that stopped a command, mapped in one place (``docgen.cli``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import docgen.render
from docgen.cli import main
from docgen.errors import ConfigError, DocgenError, RootBusyError, ServiceError, TemplateError, TemplatesBrokenError
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
