"""Finding docgen's schemas and templates: a checkout, an installed copy, or a folder named by DOCGEN_DATA."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.paths import data_dir

CHECKOUT = Path(__file__).resolve().parent.parent


def test_a_checkout_uses_its_own_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCGEN_DATA", raising=False)
    assert data_dir("schemas") == CHECKOUT / "schemas"
    assert data_dir("templates") == CHECKOUT / "templates"


def test_docgen_data_names_a_council_s_own_templates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    monkeypatch.setenv("DOCGEN_DATA", str(tmp_path))
    assert data_dir("templates") == tmp_path / "templates"
    assert data_dir("schemas") == CHECKOUT / "schemas"  # not there: the next place that has it


def test_an_install_without_a_checkout_looks_under_share_docgen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    installed = tmp_path / "prefix"
    (installed / "share" / "docgen" / "schemas").mkdir(parents=True)
    monkeypatch.delenv("DOCGEN_DATA", raising=False)
    monkeypatch.setattr("docgen.paths._CHECKOUT", tmp_path / "site-packages")
    monkeypatch.setattr("sys.prefix", str(installed))
    assert data_dir("schemas") == installed / "share" / "docgen" / "schemas"


def test_a_council_data_copy_without_the_profile_schema_still_gets_docgens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen.paths import data_file

    (tmp_path / "schemas").mkdir()
    monkeypatch.setenv("DOCGEN_DATA", str(tmp_path))
    assert data_file("schemas/profile.schema.json") == Path(__file__).resolve().parents[1] / "schemas" / "profile.schema.json"
    (tmp_path / "schemas" / "profile.schema.json").write_text("{}", encoding="utf-8")
    assert data_file("schemas/profile.schema.json") == tmp_path / "schemas" / "profile.schema.json"
