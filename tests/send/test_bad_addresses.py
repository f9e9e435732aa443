"""A bad address that reached a published meeting fails that meeting's copies alone: the real ``docgen send`` and SMTP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import clean_initial
from tests.send.helpers import PASSWORD, MailServer, email_toml, publish

REPO = Path(__file__).resolve().parents[2]
SPY = "spy@evil.example"

pytestmark = pytest.mark.slow


def _send(root: Path) -> tuple[subprocess.CompletedProcess[str], dict[tuple[str, str], dict[str, str]]]:
    env = {**os.environ, "DOCGEN_TEST_SMTP_PASSWORD": PASSWORD}
    done = subprocess.run(
        [sys.executable, "-m", "docgen", "send", "--root", str(root), "--json"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    return done, {(r["case_reference"], r["recipient"]): r for r in json.loads(done.stdout or "[]")}


def test_a_line_break_in_an_address_fails_that_copy_and_every_other_meeting_is_sent(tmp_path: Path, mail_server: MailServer) -> None:
    root = tmp_path / "root"
    bad = clean_initial()
    bad["case"]["reference"] = "AAA-BAD-1"
    good = clean_initial()
    good["case"]["reference"] = "ZZZ-GOOD-1"
    manifest = publish(root, bad)
    publish(root, good)
    # as a meeting published before forms were checked for this would have it (the form check now refuses such a form)
    folder = root / "outbox" / "AAA-BAD-1" / manifest["meeting"]["folder"]
    manifest["key_worker"]["email"] = f"tom.okafor@council.example\r\nBcc: {SPY}"
    for row in manifest["distribution"]:
        if row["recipient"] == "Sarah Jones":
            row["email"] = f"sarah.jones@example.org, {SPY}"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (root / "docgen.toml").write_text('policy = "standard"\npdf = true\n' + email_toml(mail_server.port, mail_server.ca))

    done, outcomes = _send(root)
    assert "Traceback" not in done.stderr, done.stderr
    bad_copies = {k: v for k, v in outcomes.items() if k[0] == "AAA-BAD-1"}
    good_copies = {k: v for k, v in outcomes.items() if k[0] == "ZZZ-GOOD-1"}
    assert bad_copies and {v["status"] for v in bad_copies.values()} == {"failed"}
    assert "is not an email address" in bad_copies[("AAA-BAD-1", "Sarah Jones")]["detail"]
    assert "the key worker's email" in bad_copies[("AAA-BAD-1", "Nadia Ali")]["detail"]
    assert len(good_copies) == 4 and {v["status"] for v in good_copies.values()} == {"sent"}
    envelopes = [e for _, e in mail_server.messages()]
    assert sorted(e["rcpt_tos"][0] for e in envelopes) == sorted(v["email"] for v in good_copies.values())
    assert not any(SPY in json.dumps(e) for e in envelopes)

    again, outcomes = _send(root)  # the bad meeting's copies stay due: they fail again, and nothing is sent twice
    assert "Traceback" not in again.stderr and {v["status"] for v in outcomes.values()} == {"failed"}
    assert all(k[0] == "AAA-BAD-1" for k in outcomes)
    assert len(mail_server.messages()) == 4
