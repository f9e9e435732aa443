"""The documentation points only at files that are in the repository, and says the same thing in every place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = sorted([REPO / "README.md", *(REPO / "docs").glob("*.md")])
_TOP = ("schemas/", "templates/", "docs/", "docgen/", "deploy/", "examples/", "tests/", "scripts/", "bench/", "seeds/")


def _repo_paths(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    links = {m for m in re.findall(r"\]\(([^)#\s]+)", text) if "://" not in m and not m.startswith("mailto:")}
    resolved = {(page.parent / link).resolve().relative_to(REPO).as_posix() for link in links}
    quoted = {q.split()[-1] for q in re.findall(r"`([^`\n]+)`", text)}
    named = {q for q in quoted if q.startswith(_TOP) and not re.search(r"[<>*{}$]", q)}
    return resolved | {q.rstrip("/") for q in named}


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_every_file_a_page_names_is_in_the_repository(page: Path) -> None:
    missing = sorted(p for p in _repo_paths(page) if not (REPO / p).exists())
    assert missing == []


def test_operations_gives_one_windows_path_for_docgen() -> None:
    text = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    assert re.findall(r"\.venv\\bin", text) == []
    assert ".venv\\Scripts\\docgen.exe" in text


def test_every_setting_is_in_the_settings_list() -> None:
    from dataclasses import fields

    from docgen.settings.service import Settings

    text = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#? ?([a-z_]+) = ", text.split("## Settings")[1].split("```")[1], flags=re.M))
    assert {f.name for f in fields(Settings)} - listed == set()
