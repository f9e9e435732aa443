"""``run --once`` with a fast stand-in renderer: what lands in the outbox, in rejected/, and in the ledger."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest

from docgen.errors import ServiceError
from docgen.ledger import Ledger
from docgen.pdf.making import PASSWORDS_FILE
from docgen.service import Layout, Service
from docgen.service.form_log import FormLog
from docgen.service.publish import apply_modes
from tests.conftest import clean_initial
from tests.service.conftest import Drop, all_files
from tests.service.fakes import FAIL_ON_CASE, fake_build_pack, run_once, settings_for_tests

FOLDER = "outbox/CIN-2026-0412/2026-12-17-initial"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_valid_form_is_published_with_its_original_and_manifest_last(layout: Layout, drop: Drop) -> None:
    drop("Amy and Leo initial.json")
    out = io.StringIO()
    run_once(layout.root, form_log=FormLog(out=out, progress=False))
    assert all_files(layout.root) == [
        f"{FOLDER}/manifest.json",
        f"{FOLDER}/meeting-record.docx",
        f"{FOLDER}/plan-C1.docx",
        f"{FOLDER}/plan-C2.docx",
        f"{FOLDER}/source/Amy and Leo initial.json",
    ]
    manifest = json.loads((layout.root / FOLDER / "manifest.json").read_text())
    assert manifest["documents"][-1] == {"path": "source/Amy and Leo initial.json", "kind": "source", "child": None}
    assert len(manifest["source"]["sha256"]) == 64
    assert manifest["policy"] == "standard"
    line = out.getvalue().strip()
    assert line.startswith("Amy and Leo initial.json published ")
    assert line.endswith(f"ms -> {FOLDER}")
    with Ledger.open(layout.root) as ledger:
        seen = ledger.file_seen(manifest["source"]["sha256"])
        assert seen is not None and (seen.outcome, seen.where) == ("published", FOLDER)
        assert ledger.meeting_for("CIN-2026-0412", "2026-12-17", "initial") is not None


def test_generated_files_and_folders_are_private_to_the_service_group(layout: Layout, drop: Drop) -> None:
    drop()
    run_once(layout.root)
    folder = layout.root / FOLDER
    assert _mode(folder) == 0o750
    assert _mode(folder / "source") == 0o750
    assert _mode(folder / "plan-C1.docx") == 0o640
    assert _mode(folder / "manifest.json") == 0o640
    assert _mode(layout.root / ".docgen") == 0o750
    assert _mode(layout.root / ".docgen" / "ledger.sqlite3") == 0o640
    drop(meeting__venue="Town Hall")
    run_once(layout.root, settings_for_tests(file_mode=0o600, dir_mode=0o700))
    assert _mode(folder / "plan-C1.docx") == 0o600
    assert _mode(folder) == 0o700


def test_the_pack_passwords_stay_owner_only_when_modes_are_applied(tmp_path: Path) -> None:
    build = tmp_path / "build"
    (build / PASSWORDS_FILE.parent).mkdir(parents=True, mode=0o700)
    (build / PASSWORDS_FILE).write_text("secret")
    os.chmod(build / PASSWORDS_FILE, 0o600)
    (build / "plan-C1.docx").write_text("plan")
    apply_modes(build, settings_for_tests())
    assert (_mode(build), _mode(build / "plan-C1.docx")) == (0o750, 0o640)
    assert (_mode(build / PASSWORDS_FILE.parent), _mode(build / PASSWORDS_FILE)) == (0o700, 0o600)


def test_an_invalid_form_goes_back_with_both_reports(layout: Layout, drop: Drop) -> None:
    drop("bad.json", meeting__chair_role="community_support_worker")
    run_once(layout.root)
    assert all_files(layout.root) == [
        "inbox/rejected/bad.json",
        "inbox/rejected/bad.json.errors.json",
        "inbox/rejected/bad.json.errors.txt",
    ]
    report = json.loads((layout.rejected / "bad.json.errors.json").read_text())
    assert report["source"]["name"] == "bad.json" and len(report["source"]["sha256"]) == 64
    assert report["policy"] == "standard"
    assert [e["field"] for e in report["errors"]] == ["meeting.chair_role"]
    text = (layout.rejected / "bad.json.errors.txt").read_text()
    assert text.startswith("bad.json: rejected under the standard profile — 1 error to correct")
    assert f"sha256: {report['source']['sha256']}" in text


def test_a_rejected_name_already_taken_gets_a_number(layout: Layout, drop: Drop) -> None:
    drop("bad.json", meeting__chair_role="community_support_worker")
    run_once(layout.root)
    drop("bad.json", meeting__chair_role="community_support_worker", meeting__venue="elsewhere")
    run_once(layout.root)
    assert sorted(p.name for p in layout.rejected.iterdir()) == [
        "bad (2).json",
        "bad (2).json.errors.json",
        "bad (2).json.errors.txt",
        "bad.json",
        "bad.json.errors.json",
        "bad.json.errors.txt",
    ]


def test_files_that_are_not_forms_are_rejected_and_the_rest_still_processed(layout: Layout, drop: Drop) -> None:
    (layout.inbox / "scan.pdf").write_bytes(b"%PDF-1.7 scanned letter")
    (layout.inbox / "empty.docx").write_bytes(b"")
    (layout.inbox / "garbage.xlsx").write_bytes(b"\x00\x01not a workbook" * 50)
    drop("good.json")
    log = run_once(layout.root)
    assert log.counts == {"published": 1, "rejected": 3}
    assert "is a PDF" in (layout.rejected / "scan.pdf.errors.txt").read_text()
    assert "is empty (0 bytes)" in (layout.rejected / "empty.docx.errors.txt").read_text()
    assert (layout.root / FOLDER / "source" / "good.json").is_file()


def test_owner_hidden_temporary_and_sub_folder_files_are_left_alone(layout: Layout, drop: Drop) -> None:
    for name in ("~$good.docx", ".hidden.json", "download.docx.crdownload", "copy.tmp", "form.docx.part"):
        (layout.inbox / name).write_bytes(b"whatever")
    (layout.inbox / "keep").mkdir()
    drop("keep/nested.json")
    before = all_files(layout.root)
    log = run_once(layout.root)
    assert log.counts == {}
    assert all_files(layout.root) == before


def test_the_same_content_again_is_a_note_in_duplicates_never_a_rejection(layout: Layout, drop: Drop) -> None:
    drop("first.json")
    run_once(layout.root)
    drop("again.json")  # identical bytes, another name
    log = run_once(layout.root)
    assert log.counts == {"duplicate": 1}
    assert not layout.rejected.exists() or list(layout.rejected.iterdir()) == []
    assert sorted(p.name for p in layout.duplicates.iterdir()) == ["again.json", "again.json.note.json", "again.json.note.txt"]
    note = (layout.duplicates / "again.json.note.txt").read_text()
    published = json.loads((layout.root / FOLDER / "manifest.json").read_text())["generated_at"]
    sha = json.loads((layout.duplicates / "again.json.note.json").read_text())["source"]["sha256"]
    assert note == (
        "again.json: already published — nothing needs doing.\n"
        f"It is identical to first.json, published on {published[:10]} at {published[11:16]} to {FOLDER}, so it was not processed again.\n"
        "To change those plans, drop a corrected form into the inbox: it replaces them, and the earlier plans are kept.\n"
        f"sha256: {sha}\n"
    )
    assert "reject" not in note.lower() and "error" not in note.lower()
    assert [p.name for p in (layout.root / FOLDER / "source").iterdir()] == ["first.json"]


def test_two_copies_in_one_batch_publish_once(layout: Layout, drop: Drop) -> None:
    drop("a.json")
    drop("b.json")
    log = run_once(layout.root)
    assert log.counts == {"published": 1, "duplicate": 1}


def test_an_amendment_supersedes_and_keeps_the_earlier_plans(layout: Layout, drop: Drop) -> None:
    drop("initial.json")
    run_once(layout.root)
    first = json.loads((layout.root / FOLDER / "manifest.json").read_text())
    drop("initial corrected.json", meeting__venue="Kingswood Civic Centre")
    log = run_once(layout.root)
    assert log.counts == {"amended": 1}
    folder = layout.root / FOLDER
    manifest = json.loads((folder / "manifest.json").read_text())
    superseded = manifest["supersedes"]
    assert superseded["sha256"] == first["source"]["sha256"]
    assert superseded["published_at"] == first["generated_at"]
    assert superseded["path"].startswith("superseded/") and superseded["path"].endswith("Z/")
    kept = folder / superseded["path"]
    assert json.loads((kept / "manifest.json").read_text()) == first
    assert (kept / "source" / "initial.json").is_file()
    assert (folder / "source" / "initial corrected.json").is_file()
    with Ledger.open(layout.root) as ledger:
        current = ledger.meeting_for("CIN-2026-0412", "2026-12-17", "initial")
        assert current is not None and current.sha256 == manifest["source"]["sha256"]


def test_a_fault_in_docgen_rejects_that_form_and_carries_on(layout: Layout, drop: Drop) -> None:
    record = clean_initial()
    record["case"]["reference"] = FAIL_ON_CASE
    drop("faulty.json", record=record)
    drop("fine.json", meeting__venue="Fine Hall")
    log = run_once(layout.root)
    assert log.counts == {"published": 1, "rejected": 1}
    text = (layout.rejected / "faulty.json.errors.txt").read_text()
    assert "docgen could not produce the plan because of a fault in docgen itself (RuntimeError: template exploded)" in text
    assert not any(layout.tmp.iterdir()) and not any(layout.work.iterdir())


def test_a_second_service_on_the_same_root_is_refused(layout: Layout) -> None:
    with (
        Service(layout.root, settings_for_tests(), builder=fake_build_pack),
        pytest.raises(ServiceError, match=r"Another docgen .* is already working on"),
    ):
        Service(layout.root, settings_for_tests(), builder=fake_build_pack).__enter__()
    with Service(layout.root, settings_for_tests(), builder=fake_build_pack):  # free again once the first has stopped
        pass


def test_a_zip_still_growing_waits_in_the_inbox_and_is_read_once_complete(layout: Layout, drop: Drop) -> None:
    form = drop("clean.json")
    data = form.read_bytes()
    form.unlink()
    copying = layout.inbox / "copying.docx"
    copying.write_bytes(b"PK\x03\x04" + b"\x00" * 100)  # a copy under way: no end record yet, and still growing
    settings = settings_for_tests(settle_seconds=0.6, incomplete_after_seconds=3600)
    with Service(layout.root, settings, builder=fake_build_pack) as service:
        service.run_once(max_wait_seconds=0.3)  # gives up while the file is still too new to be read
        assert copying.is_file() and not list(layout.rejected.glob("*"))
        service.log.counts.clear()
        (layout.inbox / "clean.json").write_bytes(data)  # the copy finishes: the whole file, under its own name
        copying.unlink()
        service.run_once()
        assert service.log.counts == {"published": 1}


def test_a_symbolic_link_in_the_inbox_is_left_alone_without_being_called_still_changing(layout: Layout, drop: Drop) -> None:
    target = drop("clean.json")
    link = layout.inbox / "link.json"
    link.symlink_to(target.rename(layout.root / "elsewhere.json"))
    err = io.StringIO()
    log = run_once(layout.root, form_log=FormLog(out=io.StringIO(), err=err, progress=False))
    assert link.is_symlink() and log.counts == {}
    assert "link.json" not in err.getvalue()


def test_a_zip_still_cut_short_once_settled_is_rejected_as_incomplete_by_run_once(layout: Layout) -> None:
    (layout.inbox / "truncated.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 5000)
    log = run_once(layout.root, settings_for_tests(incomplete_after_seconds=3600))  # run --once never leaves it behind
    assert log.counts == {"rejected": 1}
    report = json.loads((layout.rejected / "truncated.docx.errors.json").read_text())
    assert report["errors"][0]["rule"] == "form-incomplete"
    assert report["errors"][0]["message"].startswith("truncated.docx is cut short (the end of the file is missing)")
    assert "will be read" not in report["errors"][0]["message"]  # it sits in rejected/: nothing will read it now
    assert "drop it into the inbox again" in report["errors"][0]["message"]
    assert list(layout.inbox.glob("*.docx")) == []


def test_watch_holds_a_settled_zip_cut_short_until_the_incomplete_window_passes(layout: Layout) -> None:
    cut = layout.inbox / "truncated.docx"
    cut.write_bytes(b"PK\x03\x04" + b"\x00" * 5000)
    with Service(layout.root, settings_for_tests(incomplete_after_seconds=3600), builder=fake_build_pack) as service:
        scan = service.scan()
        assert scan.held == [cut] and scan.ready == []
        assert service.scan(incomplete_after_seconds=0.0).ready == [cut]


def test_watch_holds_json_cut_short_so_a_copy_that_stalls_is_not_rejected(layout: Layout) -> None:
    whole = json.dumps(clean_initial()).encode()
    cut = layout.inbox / "copying.json"
    cut.write_bytes(whole[: len(whole) // 2])
    with Service(layout.root, settings_for_tests(incomplete_after_seconds=3600), builder=fake_build_pack) as service:
        scan = service.scan()
        assert scan.held == [cut] and scan.ready == []
        cut.write_bytes(whole)  # the copy resumes and finishes
        os.utime(cut, (0, 0))
        assert service.scan().ready == [cut]


@pytest.mark.slow
def test_two_workers_publish_a_batch_in_drop_order(layout: Layout, drop: Drop) -> None:
    for n in range(6):
        record = clean_initial()
        record["case"]["reference"] = f"CIN-{n}"
        drop(f"form-{n}.json", record=record)
    drop(
        "form-0 amended.json",
        record={
            **clean_initial(),
            "case": {**clean_initial()["case"], "reference": "CIN-0"},
            "meeting": {**clean_initial()["meeting"], "venue": "Changed"},
        },
    )
    log = run_once(layout.root, settings_for_tests(workers=2))
    assert log.counts == {"published": 6, "amended": 1}
    manifest = json.loads((layout.root / "outbox/CIN-0/2026-12-17-initial/manifest.json").read_text())
    assert manifest["source"]["name"] == "form-0 amended.json"


def test_a_very_long_name_is_shortened_so_its_reports_fit(layout: Layout) -> None:
    name = "minutes " + "x" * 230 + ".pdf"
    (layout.inbox / name).write_bytes(b"%PDF-1.4")
    run_once(layout.root)
    rejected = sorted(p.name for p in layout.rejected.iterdir())
    assert len(rejected) == 3 and all(len(n.encode()) <= 255 for n in rejected)
    assert rejected[0].startswith("minutes xxx") and rejected[0].endswith(".pdf")
    assert rejected[1] == rejected[0] + ".errors.json"


def test_a_file_named_like_the_journal_is_processed_as_any_other(layout: Layout, drop: Drop) -> None:
    drop("journal.json")
    assert run_once(layout.root).counts == {"published": 1}


def test_an_inbox_on_another_file_system_is_copied_then_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from docgen.root import move_file

    source, destination = tmp_path / "form.json", tmp_path / "work" / "form.json"
    source.write_text('{"case": {}}')
    destination.parent.mkdir()

    def cross_device(src: object, dst: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "rename", cross_device)
    move_file(source, destination)
    assert not source.exists()
    assert destination.read_text() == '{"case": {}}'
    assert [p.name for p in destination.parent.iterdir()] == ["form.json"]  # no partial copy left behind


@pytest.mark.slow
def test_a_form_that_kills_its_worker_is_put_aside_and_its_neighbours_published(layout: Layout, drop: Drop) -> None:
    from tests.service.fakes import KILL_ON_CASE

    for reference in ("CIN-1", KILL_ON_CASE, "CIN-2", "CIN-3"):
        record = clean_initial()
        record["case"]["reference"] = reference
        drop(f"{reference}.json", record=record)
    log = run_once(layout.root, settings_for_tests(workers=2))
    assert log.counts == {"published": 3, "rejected": 1}
    text = (layout.rejected / f"{KILL_ON_CASE}.json.errors.txt").read_text()
    assert "building this form stopped docgen's worker process 3 times" in text
    assert sorted(p.name for p in layout.outbox.iterdir()) == ["CIN-1", "CIN-2", "CIN-3"]
    assert not any(layout.work.iterdir()) and not any(layout.tmp.iterdir())


def test_with_one_worker_a_form_that_kills_its_builder_is_put_aside_and_the_service_lives(layout: Layout, drop: Drop) -> None:
    from tests.service.fakes import KILL_ON_CASE

    for reference in (KILL_ON_CASE, "CIN-1"):
        record = clean_initial()
        record["case"]["reference"] = reference
        drop(f"{reference}.json", record=record)
    log = run_once(layout.root, settings_for_tests(workers=1))  # the builder os._exits: a worker dies, never this process
    assert log.counts == {"published": 1, "rejected": 1}
    assert "building this form stopped docgen's worker process 3 times" in (layout.rejected / f"{KILL_ON_CASE}.json.errors.txt").read_text()
    assert sorted(p.name for p in layout.outbox.iterdir()) == ["CIN-1"]


def test_a_rejection_report_says_which_profile_and_settings_file_were_used_and_why(layout: Layout, drop: Drop) -> None:
    (layout.root / "docgen.toml").write_text('policy = "south-gloucestershire"\n', encoding="utf-8")
    record = clean_initial()
    record.pop("policy", None)
    record["meeting"]["chair_role"] = "community_support_worker"
    drop("chair.json", record=record)
    from dataclasses import replace

    from docgen.config import load_settings

    run_once(layout.root, replace(settings_for_tests(), policy=load_settings(layout.root).policy))
    lines = (layout.rejected / "chair.json.errors.txt").read_text(encoding="utf-8").splitlines()
    assert lines[1] == (
        "Profile south-gloucestershire: the policy in docgen.toml, as the form names none. "
        f"Settings file: {(layout.root / 'docgen.toml').absolute()}."
    )
