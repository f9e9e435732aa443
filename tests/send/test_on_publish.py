"""``send_on_publish``: ``docgen watch`` emails a meeting's copies once it is published, in a thread of its own."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from docgen.send.batch import SendResult, SendRun
from docgen.send.on_publish import PublishedSender
from docgen.settings.sending import EmailSettings
from tests.conftest import clean_initial
from tests.send.helpers import PASSWORD, MailServer, email_toml

REPO = Path(__file__).resolve().parents[2]


def _wait_for(check: Callable[[], bool], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_a_slow_mail_server_never_holds_up_publishing(tmp_path: Path) -> None:
    release, started = threading.Event(), threading.Event()
    sent: list[str] = []

    def slow_send(root: Path, settings: EmailSettings, *, case: str) -> SendRun:
        started.set()
        release.wait(10)
        sent.append(case)
        return SendRun([SendResult(case, "m", "r", "e", [], "sent", "<id>", "250")])

    folder = tmp_path / "outbox/CASE-1/2026-12-17-initial"
    folder.mkdir(parents=True)
    log: list[str] = []
    sender = PublishedSender(tmp_path, EmailSettings("127.0.0.1", 25, "none", "a@b.example"), log.append, send=slow_send)
    sender.start()
    sender.submit(folder)  # no manifest yet: nothing is sent before the meeting is published
    (folder / "manifest.json").write_text("{}")
    begun = time.monotonic()
    sender.submit(folder)
    assert time.monotonic() - begun < 0.1 and started.wait(5)
    assert sent == []
    release.set()
    sender.stop()
    assert sent == ["CASE-1"] and log == ["emailed copies of case CASE-1: 1 sent"]


@pytest.mark.slow
def test_watch_emails_the_copies_once_the_meeting_is_published(tmp_path: Path, mail_server: MailServer) -> None:
    root = tmp_path / "root"
    (root / "inbox").mkdir(parents=True)
    settings = 'policy = "standard"\npdf = false\nsettle_seconds = 0.2\n' + email_toml(
        mail_server.port, mail_server.ca, send_on_publish=True
    )
    (root / "docgen.toml").write_text(settings)
    env = {**os.environ, "DOCGEN_TEST_SMTP_PASSWORD": PASSWORD}
    service = subprocess.Popen(
        [sys.executable, "-m", "docgen", "watch", "--root", str(root)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for(lambda: (root / ".docgen" / "lock").exists())
        record: dict[str, Any] = clean_initial()
        (tmp_path / "meeting.json").write_text(json.dumps(record))
        shutil.move(tmp_path / "meeting.json", root / "inbox" / "meeting.json")
        assert _wait_for(lambda: len(mail_server.messages()) == 2), "the email copies arrive without a docgen send"
        assert (root / "outbox/CIN-2026-0412/2026-12-17-initial/manifest.json").is_file()
    finally:
        service.send_signal(signal.SIGTERM)
        out, err = service.communicate(timeout=60)
    assert service.returncode == 0, err
    assert "docgen: emailed copies of case CIN-2026-0412: 2 sent, 2 skipped" in err, out  # PDF is off: the secure email copies wait
    assert sorted(e["rcpt_tos"][0] for _, e in mail_server.messages()) == ["sarah.jones@example.org", "tom.okafor@council.example"]
