"""``docgen status`` and ``docgen retry-rejected --internal``: what a person reads, and what is put back."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from docgen.cli import main
from docgen.service import Layout
from docgen.service.state import ServiceState, write_state
from tests.conftest import clean_initial
from tests.service.conftest import Drop, all_files
from tests.service.fakes import FAIL_ON_CASE, run_once


def test_status_of_a_root_with_no_service_running(layout: Layout, drop: Drop) -> None:
    drop("waiting.json")
    (layout.root / "docgen.toml").write_text("min_free_mb = 0\n")
    result = CliRunner().invoke(main, ["status", "--root", str(layout.root)])
    assert result.exit_code == 3, result.output  # monitoring's "unknown": nothing is watching the inbox
    lines = result.output.splitlines()
    assert lines[0] == f"docgen on {layout.root}: not running"
    assert lines[1] == "Forms waiting: 1 in the inbox"
    assert lines[2].startswith("Free space: ") and lines[2].endswith(" (docgen keeps 0 bytes in hand)")
    assert lines[3] == "Ledger: 0 bytes"


def test_status_while_paused_says_why_and_exits_1(layout: Layout, drop: Drop) -> None:
    run_once(layout.root)
    drop("waiting.json")
    line = f"The disk holding {layout.root} is full: free some space; docgen carries on by itself"
    write_state(layout.root, ServiceState("paused", since="2026-12-02T09:15:00+00:00", cause="disk_full", message=line))
    result = CliRunner().invoke(main, ["status", "--root", str(layout.root), "--json"])
    assert result.exit_code == 1
    status = json.loads(result.output)
    assert {k: status[k] for k in ("service", "since", "cause", "problem", "forms_waiting", "forms_held", "read_only")} == {
        "service": "paused",
        "since": "2026-12-02T09:15:00+00:00",
        "cause": "disk_full",
        "problem": line,
        "forms_waiting": 1,
        "forms_held": 0,
        "read_only": False,
    }
    assert status["ledger_bytes"] > 0 and status["free_bytes"] > 0
    text = CliRunner().invoke(main, ["status", "--root", str(layout.root)]).output.splitlines()
    assert text[:2] == [f"docgen on {layout.root}: paused since 2026-12-02 09:15 UTC", f"  {line}"]


def test_a_pause_recorded_by_a_service_no_longer_running_is_not_believed(layout: Layout) -> None:
    write_state(layout.root, ServiceState("paused", cause="disk_full", message="old news", pid=2**22 + 12345))
    result = CliRunner().invoke(main, ["status", "--root", str(layout.root), "--json"])
    found = json.loads(result.output)
    assert (found["service"], found["exit_code"], result.exit_code) == ("not running", 3, 3)
    assert found["stale"] == f"process {2**22 + 12345} that wrote the state has ended (stopped or killed)"


def test_a_state_whose_pid_now_belongs_to_another_process_is_stale(layout: Layout) -> None:
    (layout.root / ".docgen").mkdir()
    write_state(layout.root, ServiceState("running", pid=1, started="1"))  # pid 1 is alive, but did not start at tick 1
    result = CliRunner().invoke(main, ["status", "--root", str(layout.root), "--json"])
    assert (json.loads(result.output)["service"], result.exit_code) == ("not running", 3)


def test_a_state_written_on_another_machine_is_not_believed(layout: Layout) -> None:
    (layout.root / ".docgen").mkdir()
    write_state(layout.root, ServiceState("running", host="elsewhere.council.example"))
    result = CliRunner().invoke(main, ["status", "--root", str(layout.root)])
    assert result.exit_code == 3
    assert result.output.splitlines()[1] == (
        "  A state was left behind, but the state was written by docgen on elsewhere.council.example, "
        "which cannot be checked from this machine."
    )


def test_due_says_the_service_is_paused(layout: Layout) -> None:
    run_once(layout.root)
    line = f"The inbox {layout.inbox} has gone (a network share dropped?): reconnect it; docgen carries on by itself"
    write_state(layout.root, ServiceState("paused", since="2026-12-02T09:15:00+00:00", cause="gone", message=line))
    result = CliRunner().invoke(main, ["due", "--root", str(layout.root), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert result.stderr.splitlines() == [f"docgen is paused (since 09:15 UTC) and is not taking new forms: {line}"]


def test_status_of_a_folder_that_is_not_a_root_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["status", "--root", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert f"The folder {tmp_path / 'nowhere'} does not exist." in result.output


def test_forms_rejected_by_a_fault_in_docgen_go_back_through_the_inbox(layout: Layout, drop: Drop) -> None:
    faulty = clean_initial()
    faulty["case"]["reference"] = FAIL_ON_CASE
    drop("faulty.json", record=faulty)
    drop("bad.json", meeting__chair_role="community_support_worker")
    assert run_once(layout.root).counts == {"rejected": 2}
    assert json.loads((layout.rejected / "faulty.json.errors.json").read_text())["errors"][0]["rule"] == "docgen-internal-error"
    assert CliRunner().invoke(main, ["status", "--root", str(layout.root)]).output.splitlines()[-1] == (
        "1 form(s) were rejected by a fault in docgen itself: `docgen retry-rejected --internal` puts them back through the inbox"
    )
    result = CliRunner().invoke(main, ["retry-rejected", "--internal", "--root", str(layout.root)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "faulty.json put back into the inbox",
        "1 form(s) put back: `docgen run --once` processes them (a running `docgen watch` already is).",
    ]
    assert [f for f in all_files(layout.root) if f.startswith("inbox/")] == [
        "inbox/faulty.json",
        "inbox/rejected/bad.json",  # rejected for its contents: it needs correcting, not retrying
        "inbox/rejected/bad.json.errors.json",
        "inbox/rejected/bad.json.errors.txt",
    ]
    faulty["case"]["reference"] = "CIN-FIXED"  # docgen's fault is mended: the same file now goes through
    (layout.inbox / "faulty.json").write_text(json.dumps(faulty))
    assert run_once(layout.root).counts == {"published": 1}
    again = CliRunner().invoke(main, ["retry-rejected", "--internal", "--root", str(layout.root)])
    assert again.output == "No form was rejected by a fault in docgen itself: nothing to put back.\n"


def test_a_rejection_under_a_numbered_name_goes_back_under_the_name_it_was_dropped_with(layout: Layout, drop: Drop) -> None:
    for content in ("A", "B"):
        faulty = clean_initial()
        faulty["case"]["reference"] = FAIL_ON_CASE
        faulty["meeting"]["venue"] = content
        drop("form.json", record=faulty)
        run_once(layout.root)
    assert sorted(p.name for p in layout.rejected.iterdir() if not p.name.endswith((".txt", ".json.errors.json"))) == [
        "form (2).json",
        "form.json",
    ]
    result = CliRunner().invoke(main, ["retry-rejected", "--internal", "--root", str(layout.root)])
    assert result.output.splitlines()[:2] == ["form.json put back into the inbox", "form (2).json put back into the inbox"]
    assert sorted(p.name for p in layout.inbox.iterdir() if p.is_file()) == ["form (2).json", "form.json"]
    assert list(layout.rejected.iterdir()) == []


def test_retry_rejected_needs_internal(layout: Layout) -> None:
    result = CliRunner().invoke(main, ["retry-rejected", "--root", str(layout.root)])
    assert result.exit_code == 2
    assert "Say --internal: only forms rejected by a fault in docgen itself can be put back as they are" in result.output
