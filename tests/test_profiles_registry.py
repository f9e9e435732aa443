"""A root's council profiles are its own: built per root and passed in, so one process can work on two roots at once."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

from click.testing import CliRunner

from docgen.cli import main
from docgen.pdf.letterhead import letterhead_for
from docgen.profiles import profiles_in, shipped
from docgen.validation import validate_record
from tests.conftest import clean_initial


def _council(root: Path, council: str, **extra: object) -> Path:
    """A root whose own profile ``wessex`` carries ``council`` on its letterhead."""
    (root / "profiles").mkdir(parents=True)
    (root / "inbox").mkdir()
    profile = {"id": "wessex", "extends": "standard", "letterhead": {"council": council}, **extra}
    (root / "profiles" / "wessex.json").write_text(json.dumps(profile), encoding="utf-8")
    return root


def test_two_roots_in_one_process_each_get_their_own_profiles(tmp_path: Path) -> None:
    north = _council(tmp_path / "north", "North Wessex Council")
    south = _council(tmp_path / "south", "South Wessex Council", rules={"standard-2.3-chair": None})
    assert letterhead_for(profiles_in(north).load("wessex")).council == "North Wessex Council"
    assert letterhead_for(profiles_in(south).load("wessex")).council == "South Wessex Council"
    assert letterhead_for(profiles_in(north).load("wessex")).council == "North Wessex Council"  # asking for south changed nothing
    record = clean_initial()
    record["meeting"]["chair_role"] = "community_support_worker"
    north_rules = {p.rule for p in validate_record(record, "wessex", profiles=profiles_in(north)).errors}
    south_rules = {p.rule for p in validate_record(record, "wessex", profiles=profiles_in(south)).errors}
    assert "standard-2.3-chair" in north_rules
    assert "standard-2.3-chair" not in south_rules  # switched off by the south's own profile alone
    assert "wessex" not in shipped().available()


def test_docgen_validate_on_two_roots_in_one_process_judges_each_by_its_own_profile(tmp_path: Path) -> None:
    north = _council(tmp_path / "north", "North Wessex Council")
    south = _council(tmp_path / "south", "South Wessex Council", rules={"standard-2.3-chair": None})
    form = tmp_path / "form.json"
    record = clean_initial()
    record.update(policy="wessex")
    record["meeting"]["chair_role"] = "community_support_worker"
    form.write_text(json.dumps(record), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(form), "--root", str(north)]).exit_code == 1
    assert runner.invoke(main, ["validate", str(form), "--root", str(south)]).exit_code == 0
    assert runner.invoke(main, ["validate", str(form), "--root", str(north)]).exit_code == 1


def test_a_changed_profile_file_is_read_again(tmp_path: Path) -> None:
    root = _council(tmp_path, "Wessex County Council")
    first = profiles_in(root)
    assert profiles_in(root) is first  # the same files: the same registry, profiles read once
    path = root / "profiles" / "wessex.json"
    path.write_text(json.dumps({"id": "wessex", "extends": "standard", "letterhead": {"council": "Wessex Council"}}), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert letterhead_for(profiles_in(root).load("wessex")).council == "Wessex Council"


def test_a_registry_crosses_to_a_worker_process_as_its_folder(tmp_path: Path) -> None:
    root = _council(tmp_path, "Wessex County Council")
    profiles = profiles_in(root)
    profiles.load("wessex")
    again = pickle.loads(pickle.dumps(profiles))
    assert again.council == profiles.council
    assert letterhead_for(again.load("wessex")).council == "Wessex County Council"
