"""Bounded forms: every list holds at most 200 rows in every encoding; more is an error naming the list, found
before any slow work (a 10,000-row list never blocks the inbox), never silently cut."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.errors import FormListTooLongError
from docgen.forms import read_form
from docgen.forms.reader import MAX_LIST_ROWS
from tests.conftest import clean_initial
from tests.forms.test_contract_forms import _docx_form, _xlsx_form


def _with_actions(count: int) -> dict[str, Any]:
    record = clean_initial()
    action = record["actions"][0]
    record["actions"] = [dict(action, action=f"Action {n}") for n in range(count)]
    return record


@pytest.mark.parametrize("encoding", ["json", "xlsx", "docx"])
def test_a_list_over_200_rows_is_an_error_naming_the_list_in_every_encoding(encoding: str, tmp_path: Path) -> None:
    record = _with_actions(MAX_LIST_ROWS + 1)
    path = tmp_path / f"form.{encoding}"
    if encoding == "json":
        path.write_text(json.dumps(record), encoding="utf-8")
    elif encoding == "xlsx":
        _xlsx_form(record, path, names=True)
    else:
        _docx_form(record, path)
    with pytest.raises(FormListTooLongError) as raised:
        read_form(path)
    assert str(raised.value) == (
        f"form.{encoding}: the actions list has 201 rows, more than the 200 a form may hold. "
        "Check the actions were not pasted in more than once, remove the extra rows and drop the form in again."
    )


def test_exactly_200_rows_are_read_whole(tmp_path: Path) -> None:
    path = _xlsx_form(_with_actions(MAX_LIST_ROWS), tmp_path / "form.xlsx", names=True)
    assert len(read_form(path).record["actions"]) == MAX_LIST_ROWS


def test_a_10000_action_form_is_rejected_at_once_and_the_inbox_moves_on(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "docgen.toml").write_text('policy = "standard"\npdf = false\nsettle_seconds = 0\n', encoding="utf-8")
    (tmp_path / "inbox" / "huge.json").write_text(json.dumps(_with_actions(10_000)), encoding="utf-8")
    (tmp_path / "inbox" / "good.json").write_text(json.dumps(clean_initial()), encoding="utf-8")
    started = time.monotonic()
    ran = CliRunner().invoke(main, ["run", "--once", "--root", str(tmp_path)])
    assert ran.exit_code == 0, ran.output
    assert time.monotonic() - started < 60, "the huge form must not hold up the inbox"
    report = json.loads((tmp_path / "inbox" / "rejected" / "huge.json.errors.json").read_text(encoding="utf-8"))
    assert [e["rule"] for e in report["errors"]] == ["form-list-too-long"]
    assert "the actions list has 10,000 rows" in report["errors"][0]["message"]
    assert list((tmp_path / "outbox" / "CIN-2026-0412").iterdir()), "the good form behind it was published"
