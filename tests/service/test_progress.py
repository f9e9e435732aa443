"""What the service prints per form: plain lines, JSON lines, or a progress bar on a terminal."""

from __future__ import annotations

import io
import json

from docgen.service.form_log import FormLog


def test_one_plain_line_per_form() -> None:
    out = io.StringIO()
    log = FormLog(out=out, err=io.StringIO(), progress=False)
    log.form("jones.docx", "published", 412.4, "outbox/CIN-1/2026-12-17-initial", "1 warning")
    log.form("scan.pdf", "rejected", 3.0, "inbox/rejected/scan.pdf", "form-not-a-form")
    assert out.getvalue().splitlines() == [
        "jones.docx published 412ms -> outbox/CIN-1/2026-12-17-initial (1 warning)",
        "scan.pdf rejected 3ms -> inbox/rejected/scan.pdf (form-not-a-form)",
    ]
    assert log.summary() == "1 published, 1 rejected"
    log.form("jones copy.docx", "duplicate", 3.0, "inbox/duplicates/jones copy.docx")
    assert log.summary() == "1 already published (nothing to do), 1 published, 1 rejected"


def test_json_lines_for_log_shippers() -> None:
    out = io.StringIO()
    log = FormLog(json_log=True, out=out, err=io.StringIO())
    log.form("jones.docx", "duplicate", 12.6, "inbox/duplicates/jones.docx", "form-duplicate")
    log.event("stopped")
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert {k: first[k] for k in ("name", "outcome", "ms", "where", "detail")} == {
        "name": "jones.docx",
        "outcome": "duplicate",
        "ms": 13,
        "where": "inbox/duplicates/jones.docx",
        "detail": "form-duplicate",
    }
    assert first["time"].endswith("+00:00")
    assert second["event"] == "stopped"


class Terminal(io.StringIO):
    """Text written to what claims to be a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_progress_bar_on_a_terminal_instead_of_lines() -> None:
    out, err = io.StringIO(), Terminal()
    log = FormLog(out=out, err=err)  # chosen because stderr is a terminal
    log.start_batch(3)
    for name in ("a.docx", "b.docx", "c.docx"):
        log.form(name, "published", 100.0)
    log.end_batch()
    assert out.getvalue() == ""
    assert "3/3" in err.getvalue()
    assert log.counts == {"published": 3}
    assert FormLog(out=out, err=io.StringIO()).progress is False  # piped: plain lines
