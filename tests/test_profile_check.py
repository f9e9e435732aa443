"""Broken council profiles are refused by every command, word for word, exit 2, never a traceback.

Each folder in ``tests/profiles/broken/`` holds a profile as a systems officer might get it wrong
and ``expected.txt``: what docgen prints (``{shipped}`` is the shipped profiles' folder, ``{checks}``
the checks docgen has).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from docgen.cli import main
from docgen.profile_check import PROFILE_SCHEMA_FILE, known_checks
from docgen.profiles import PROFILE_DIR, profiles_in
from tests.shipped import load_profile

HERE = Path(__file__).parent / "profiles"
BROKEN = sorted(p for p in (HERE / "broken").iterdir() if p.is_dir())
RECORD = Path(__file__).parent / "records" / "initial-two-children.json"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A root folder (inbox/, profiles/) that is also the current folder."""
    (tmp_path / "inbox").mkdir()
    (tmp_path / "profiles").mkdir()
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def _expected(case: Path) -> str:
    text = (case / "expected.txt").read_text(encoding="utf-8")
    return text.replace("{shipped}", str(PROFILE_DIR)).replace("{checks}", ", ".join(known_checks()))


@pytest.mark.parametrize("case", BROKEN, ids=[p.name for p in BROKEN])
@pytest.mark.parametrize(
    "command",
    [["profiles", "check"], ["validate", str(RECORD)], ["run", "--once", "--root", "."], ["forms", "--out", "blank"], ["rules"]],
    ids=["profiles-check", "validate", "run", "forms", "rules"],
)
def test_a_broken_profile_is_a_settings_error_for_every_command(root: Path, case: Path, command: list[str]) -> None:
    for source in case.glob("*.json"):
        shutil.copy(source, root / "profiles" / source.name)
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2
    assert result.stderr == _expected(case)
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("name", ["unknown-check", "id-clash"])
def test_the_real_command_exits_2_with_the_message_and_no_traceback(root: Path, name: str) -> None:
    case = HERE / "broken" / name
    for source in case.glob("*.json"):
        shutil.copy(source, root / "profiles" / source.name)
    done = subprocess.run([sys.executable, "-m", "docgen", "profiles", "check"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == _expected(case)
    assert "Traceback" not in done.stderr + done.stdout


def test_a_file_is_checked_before_it_goes_live(root: Path) -> None:
    draft = root / "drafts" / "testshire.json"
    draft.parent.mkdir()
    shutil.copy(HERE / "testshire.json", draft)
    result = CliRunner().invoke(main, ["profiles", "check", "drafts/testshire.json"])
    assert result.exit_code == 0, result.output
    rules = len(load_profile("standard").rules) - 4 + 3  # four of the standard's switched off, three of its own
    assert result.stdout == (
        f"drafts/testshire.json: no mistakes — profile testshire, extends standard: {rules} rules, "
        "adds case.strategy_discussion_date, key_worker.team\n"
    )


def test_a_draft_with_a_shipped_profiles_id_is_refused(root: Path) -> None:
    draft = root / "standard.json"
    draft.write_text(json.dumps({"id": "standard", "title": "Ours"}), encoding="utf-8")
    result = CliRunner().invoke(main, ["profiles", "check", "standard.json"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"docgen: Two council profiles have the id 'standard': {PROFILE_DIR}/standard.json and standard.json. "
        "Give the council's file another name and id (it may extend the shipped one instead).\n"
    )


def test_a_new_profile_starts_as_its_parent_and_checks_clean(root: Path) -> None:
    result = CliRunner().invoke(main, ["profiles", "new", "york", "--extends", "south-gloucestershire"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Wrote {root / 'profiles' / 'york.json'}. Edit it, then check it with: docgen profiles check {root / 'profiles' / 'york.json'}\n"
    )
    written = json.loads((root / "profiles" / "york.json").read_text(encoding="utf-8"))
    assert written["extends"] == "south-gloucestershire"
    assert written["cite"] == "York procedure {section}"
    assert CliRunner().invoke(main, ["profiles", "check", "profiles/york.json"]).exit_code == 0
    york, parent = profiles_in(root).load("york"), profiles_in(root).load("south-gloucestershire")
    assert [r.id for r in york.rules] == [r.id for r in parent.rules]
    assert york.timescales == parent.timescales
    assert york.glossary == parent.glossary and "CAMHS" in written["glossary"]["$comment"][-1]
    again = CliRunner().invoke(main, ["profiles", "new", "york"])
    assert again.exit_code == 2
    assert again.stderr == f"docgen: {root / 'profiles' / 'york.json'} already exists: choose another id, or edit that file.\n"
    badly_named = CliRunner().invoke(main, ["profiles", "new", "York Council"])
    assert badly_named.exit_code == 2
    assert (
        badly_named.stderr
        == "docgen: A profile id is lower-case letters, digits and hyphens, such as north-yorkshire, not 'York Council'.\n"
    )
    assert not (root / "profiles" / "York Council.json").exists()


def _described(schema: Any, where: str) -> Iterator[str]:
    """Every key under a ``properties`` that has no description (nor a ``$ref`` to a described definition)."""
    if isinstance(schema, dict):
        for name, spec in schema.get("properties", {}).items():
            if isinstance(spec, dict) and "description" not in spec and "$ref" not in spec:
                yield f"{where}.{name}"
        for key, value in schema.items():
            yield from _described(value, f"{where}.{key}")
    elif isinstance(schema, list):
        for index, item in enumerate(schema):
            yield from _described(item, f"{where}[{index}]")


def test_the_profile_schema_is_draft_2020_12_and_describes_every_key() -> None:
    schema = json.loads(PROFILE_SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(_described(schema, "$")) == []


@pytest.mark.parametrize(
    "path",
    [
        *sorted(PROFILE_DIR.glob("*.json")),
        HERE / "testshire.json",
        *sorted((Path(__file__).parents[1] / "docs" / "profiles").glob("*.json")),
    ],
    ids=lambda p: p.name,
)
def test_every_profile_we_ship_or_document_checks_clean(root: Path, path: Path) -> None:
    result = CliRunner().invoke(main, ["profiles", "check", str(path)])
    assert result.exit_code == 0, result.output


def test_every_check_a_profile_may_name_is_one_the_code_provides() -> None:
    """The table profiles are checked against and the register the rules run from name the same checks."""
    from docgen.validation.rules import CHECKS

    assert set(known_checks()) == set(CHECKS)
