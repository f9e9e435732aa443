"""Fixtures for the inbox service: a root with its folders, and forms to drop into it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from docgen.service import Layout
from tests.conftest import clean_initial


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    """An empty root with an inbox."""
    (tmp_path / "inbox").mkdir()
    return Layout(tmp_path)


Drop = Callable[..., Path]


@pytest.fixture
def drop(layout: Layout) -> Drop:
    """Drops a JSON record (a clean two-child initial meeting, changed as asked) into the inbox."""

    def _drop(name: str = "form.json", record: dict[str, Any] | None = None, **changes: Any) -> Path:
        data = record if record is not None else clean_initial()
        for path, value in changes.items():
            section, key = path.split("__")
            data[section][key] = value
        target = layout.inbox / name
        target.write_text(json.dumps(data, indent=1), encoding="utf-8")
        return target

    return _drop


def all_files(root: Path) -> list[str]:
    """Every file under ``root`` (relative, sorted), ledger, its journal of facts and lock excluded: what a person would find."""
    skip = (".docgen/ledger", ".docgen/lock", ".docgen/templates-checked", "journal/")
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(skip):
            out.append(rel)
    return out


#: where a fault of the machine can strike a form, in the issue's words, and the fault point just before that step
FAULT_STAGES = {
    "claim": "after-claim",
    "build": "before-render",
    "publish": "after-build",
    "manifest": "after-publish",
    "ledger commit": "before-ledger",
    "rejection report": "before-reports",
}


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Polls ``condition`` until it holds or ``seconds`` pass; its last answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
