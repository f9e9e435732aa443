"""The root's journal of facts: owner-only, appended whole, a line torn by a crash left for later and never misread."""

from __future__ import annotations

from pathlib import Path

from docgen.facts import FACTS_FILE, append_fact, append_facts, journal_size, read_facts


def test_facts_are_appended_whole_and_read_back_in_order(tmp_path: Path) -> None:
    append_fact(tmp_path, "visit", {"case_reference": "CIN-1", "child": "C1", "visit_date": "2026-12-01"})
    append_facts(tmp_path, [("sent_date", {"recipient": "Amy Jones"}), ("sent_date", {"recipient": "Daniel Jones"})])
    path = tmp_path / FACTS_FILE
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    found = list(read_facts(tmp_path))
    assert [(f["kind"], f.get("recipient")) for _, f in found] == [
        ("visit", None),
        ("sent_date", "Amy Jones"),
        ("sent_date", "Daniel Jones"),
    ]
    assert found[-1][0] == journal_size(tmp_path), "each fact comes with the offset just past it"
    assert list(read_facts(tmp_path, found[0][0])) == found[1:], "reading on from a point gives what came after"


def test_a_line_torn_by_a_crash_is_left_until_it_is_whole(tmp_path: Path) -> None:
    append_fact(tmp_path, "visit", {"child": "C1"})
    path = tmp_path / FACTS_FILE
    with path.open("ab") as stream:
        stream.write(b'{"kind": "visit", "child": "C')  # the power went mid-write
    assert [f["child"] for _, f in read_facts(tmp_path)] == ["C1"]
    append_fact(tmp_path, "visit", {"child": "C2"})  # the next fact starts a line of its own
    assert [f["child"] for _, f in read_facts(tmp_path)] == ["C1", "C2"]
    assert list(read_facts(tmp_path / "never-ran")) == []
