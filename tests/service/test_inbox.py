"""Which inbox files are picked up, and when a drop counts as settled."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from pathlib import Path

import pytest

from docgen.service.filters import Disposition, InboxFilter
from docgen.service.settle import SettleTracker, looks_cut_short

INBOX = Path("/srv/docgen/inbox")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CIN-0412 initial.docx", Disposition.FORM),
        ("review.XLSX", Disposition.FORM),
        ("record.json", Disposition.FORM),
        ("~$N-0412 initial.docx", Disposition.IGNORE),  # Word's owner file beside an open document
        ("~$view.xlsx", Disposition.IGNORE),
        (".hidden.docx", Disposition.IGNORE),
        (".~lock.review.xlsx#", Disposition.IGNORE),  # LibreOffice's lock file
        ("download.docx.crdownload", Disposition.IGNORE),
        ("form.docx.part", Disposition.IGNORE),
        ("form.partial", Disposition.IGNORE),
        ("copying.tmp", Disposition.IGNORE),
        ("Thumbs.db", Disposition.IGNORE),
        ("scan.pdf", Disposition.NOT_A_FORM),  # rejected with a report, never stranded
        ("old form.doc", Disposition.NOT_A_FORM),
        ("notes.txt", Disposition.NOT_A_FORM),
    ],
)
def test_filter_decides_from_the_name(name: str, expected: Disposition) -> None:
    assert InboxFilter(INBOX)(INBOX / name) is expected


def test_filter_ignores_everything_in_sub_folders() -> None:
    inbox_filter = InboxFilter(INBOX)
    assert inbox_filter(INBOX / "rejected" / "form.docx") is Disposition.IGNORE
    assert inbox_filter(INBOX / "archive" / "2026" / "form.json") is Disposition.IGNORE
    assert inbox_filter(Path("/elsewhere/form.docx")) is Disposition.IGNORE


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_file_already_quiet_for_the_settle_time_is_settled_at_once(tmp_path: Path) -> None:
    path = tmp_path / "form.json"
    path.write_text("{}")
    clock = Clock(time.time() + 5)  # the file last changed 5 seconds "ago"
    tracker = SettleTracker(2.0, clock)
    tracker.observe(path)
    assert tracker.is_settled(path)


def test_a_growing_file_settles_only_once_it_stops_changing(tmp_path: Path) -> None:
    path = tmp_path / "form.docx"
    path.write_bytes(b"PK\x03\x04 first half")
    clock = Clock(time.time() - 100)  # behind the file's own times: only what the tracker watches counts
    tracker = SettleTracker(2.0, clock)
    tracker.observe(path)
    assert not tracker.is_settled(path)
    assert 1.9 < tracker.wait_left(path) <= 2.0
    clock.now += 1.5
    with open(path, "ab") as handle:  # the copy goes on: the clock starts again
        handle.write(b" second half")
    tracker.observe(path)
    clock.now += 1.0
    tracker.observe(path)
    assert not tracker.is_settled(path)
    clock.now += 1.1
    tracker.observe(path)
    assert tracker.is_settled(path)


def test_a_file_whose_copy_kept_an_old_mtime_is_still_judged_by_its_ctime(tmp_path: Path) -> None:
    path = tmp_path / "form.docx"
    path.write_bytes(b"data")
    os.utime(path, (1_000_000_000, 1_000_000_000))  # as Explorer or `cp -p` would leave it
    tracker = SettleTracker(2.0, Clock(time.time()))
    tracker.observe(path)
    assert not tracker.is_settled(path)  # ctime says it was written just now


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>" * 200)
    return buffer.getvalue()


def test_a_zip_without_its_end_record_looks_cut_short(tmp_path: Path) -> None:
    whole = _docx_bytes()
    complete, half, text = tmp_path / "whole.docx", tmp_path / "half.docx", tmp_path / "r.json"
    complete.write_bytes(whole)
    half.write_bytes(whole[: len(whole) // 2])
    text.write_text("{}")
    assert looks_cut_short(half)
    assert not looks_cut_short(complete)
    assert not looks_cut_short(text)


def test_json_that_stops_part_way_looks_cut_short_and_broken_json_does_not(tmp_path: Path) -> None:
    record = {
        "case": {"reference": "CIN-1", "note": 'say "hi" \\ {[ é'},
        "children": [{"id": "C1", "attended": True, "n": -1.5e3}],
        "x": None,
    }
    whole = json.dumps(record, ensure_ascii=False).encode()
    path = tmp_path / "record.json"
    for end in range(1, len(whole)):
        path.write_bytes(whole[:end])
        assert looks_cut_short(path), whole[:end]
    path.write_bytes(whole)
    assert not looks_cut_short(path)
    for broken in (b"[1, 2]] not json", b"{not json", b'{"case": {"reference": tru}', b"this is not json {"):
        path.write_bytes(broken)  # broken, but not by missing its end: rejected at once
        assert not looks_cut_short(path), broken
    path.write_bytes(b"")
    assert not looks_cut_short(path)
