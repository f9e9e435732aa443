"""A wrong --root is a usage error for every command that takes one; ``docgen init`` makes a right one."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from docgen.cli import main
from docgen.config import load_settings
from tests.conftest import clean_initial

#: every command taking --root, with the other arguments it needs to get as far as using the root
COMMANDS = {
    "run": ["run", "--once"],
    "run without --once": ["run"],
    "watch": ["watch"],
    "due": ["due"],
    "report": ["report", "--from", "2027-01-01", "--to", "2027-03-31", "-o", "REPORT"],
    "validate": ["validate", "FORM"],
    "serve": ["serve"],
    "users list": ["users", "list"],
    "users add": ["users", "add", "amy", "--role", "admin", "--password-stdin"],
}


def _invoke(args: list[str], root: Path, tmp_path: Path) -> Result:
    form = tmp_path / "form.json"
    form.write_text("{}", encoding="utf-8")
    filled = [str(tmp_path / "r.xlsx") if a == "REPORT" else str(form) if a == "FORM" else a for a in args]
    return CliRunner().invoke(main, [*filled, "--root", str(root)])


#: a wrong root, and exactly what each kind is told
WRONG_ROOTS = {
    "missing": "The folder {root} does not exist. Give --root the folder holding inbox/ and docgen.toml, "
    "or make a new one with `docgen init {root}`.",
    "empty": "The folder {root} is not a docgen folder: it has no inbox/ and no docgen.toml. "
    "Give --root the folder holding them, or make one there with `docgen init {root}`.",
}


@pytest.mark.parametrize("kind", WRONG_ROOTS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_wrong_root_is_a_usage_error_naming_it_and_nothing_is_made(command: str, kind: str, tmp_path: Path) -> None:
    root = tmp_path / "cin-typo"
    if kind == "empty":
        root.mkdir()
    result = _invoke(COMMANDS[command], root, tmp_path)
    assert result.exit_code == 2, result.output
    assert WRONG_ROOTS[kind].format(root=root) in " ".join(result.output.split())
    assert "Nothing is due" not in result.output
    assert (list(root.iterdir()) == []) if kind == "empty" else not root.exists()


def test_init_makes_a_root_with_a_commented_settings_file_naming_the_council(tmp_path: Path) -> None:
    root = tmp_path / "srv-cin"
    result = CliRunner().invoke(main, ["init", str(root), "--policy", "South-Gloucestershire"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Made {root}: inbox/, outbox/ and docgen.toml (policy south-gloucestershire). Next: `docgen forms --out forms/`, "
        f"fill one in, drop it into {root / 'inbox'}, then `docgen run --root {root}` and `docgen due --root {root}`.\n"
    )
    assert sorted(p.name for p in root.iterdir()) == ["docgen.toml", "inbox", "outbox"]
    text = (root / "docgen.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text)["policy"] == "south-gloucestershire"
    assert text.count("# ") >= 8  # every setting explained beside it
    assert load_settings(root).policy == "south-gloucestershire"
    assert CliRunner().invoke(main, ["due", "--root", str(root)]).output == "Nothing is due.\n"


def test_init_never_overwrites_settings_and_refuses_an_unknown_council(tmp_path: Path) -> None:
    (tmp_path / "docgen.toml").write_text('policy = "standard"\n', encoding="utf-8")
    again = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert again.exit_code == 2
    assert again.output == f"docgen: {tmp_path / 'docgen.toml'} already exists: docgen init never overwrites settings. Edit that file instead.\n"
    unknown = CliRunner().invoke(main, ["init", str(tmp_path / "new"), "--policy", "atlantis"])
    assert unknown.exit_code == 2
    assert not (tmp_path / "new").exists()


def test_run_without_once_processes_the_inbox_once(tmp_path: Path) -> None:
    CliRunner().invoke(main, ["init", str(tmp_path / "root")])
    result = CliRunner().invoke(main, ["run", "--root", str(tmp_path / "root")])
    assert result.exit_code == 0, result.output
    assert "nothing to do" in result.output


def test_validate_reads_the_settings_of_the_root_it_is_given_and_says_so(tmp_path: Path) -> None:
    sg, plain = tmp_path / "sg", tmp_path / "plain"
    CliRunner().invoke(main, ["init", str(sg), "--policy", "south-gloucestershire"])
    CliRunner().invoke(main, ["init", str(plain)])
    record = clean_initial()
    record.pop("policy", None)
    form = tmp_path / "jones.json"
    form.write_text(json.dumps(record), encoding="utf-8")
    under_sg = CliRunner().invoke(main, ["validate", str(form), "--root", str(sg)])
    under_plain = CliRunner().invoke(main, ["validate", str(form), "--root", str(plain)])
    assert (
        f"Profile south-gloucestershire: the policy in docgen.toml, as the form names none. Settings file: {(sg / 'docgen.toml').absolute()}."
        in under_sg.output.splitlines()
    )
    assert (
        f"Profile standard: the policy in docgen.toml, as the form names none. Settings file: {(plain / 'docgen.toml').absolute()}."
        in under_plain.output.splitlines()
    )


def test_the_policy_in_docgen_toml_is_read_in_any_case(tmp_path: Path) -> None:
    (tmp_path / "docgen.toml").write_text('policy = "South-Gloucestershire"\n', encoding="utf-8")
    assert load_settings(tmp_path).policy == "south-gloucestershire"


def test_the_default_root_is_the_current_folder_named_in_full_when_it_is_not_a_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["due"])
    assert result.exit_code == 2
    assert f"The folder {tmp_path} is not a docgen folder" in result.output
