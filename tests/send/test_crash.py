"""Exactly once: ``docgen send`` killed (SIGKILL) at every step of a 20-message batch against a real server loses nothing
and sends nothing twice; a message that may have gone is ``uncertain`` and goes again only with ``--resend``."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from docgen.ledger.store import Ledger
from tests.conftest import clean_initial
from tests.send.helpers import PASSWORD, MailServer, email_toml, many_recipients, publish, start_server

CRASHER = Path(__file__).with_name("crashing_send.py")
REPO = Path(__file__).resolve().parents[2]
BATCH = 20
STEPS = ("before_record", "after_record", "after_250", "after_sent", "after_recorded")
#: where the kill lands: every per-message step in the middle of the batch; the two steps that leave a message
#: uncertain also at its first and last message
SCENARIOS = [(step, 11) for step in STEPS] + [(step, n) for step in ("after_record", "after_250") for n in (1, BATCH)]
SCENARIOS.append(("before_workbook", 1))  # the workbook is written once, after the batch


def _docgen(root: Path, *args: str, crash: tuple[str, int] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCGEN_TEST_SMTP_PASSWORD": PASSWORD, "PYTHONPATH": str(REPO)}
    command = (
        [sys.executable, str(CRASHER), *(map(str, crash)), "send", "--root", str(root), "--json", *args]
        if crash
        else [sys.executable, "-m", "docgen", "send", "--root", str(root), "--json", *args]
    )
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, cwd=REPO)


def _addresses(server: MailServer) -> Counter[str]:
    return Counter(envelope["rcpt_tos"][0] for _, envelope in server.messages())


def _message_ids(server: MailServer) -> Counter[str]:
    return Counter(str(message["Message-ID"]) for message, _ in server.messages())


@pytest.mark.slow
def test_killed_at_every_step_nothing_twice_and_nothing_lost(tmp_path: Path, certs: dict[str, Path]) -> None:
    template = tmp_path / "template"
    publish(template, many_recipients(clean_initial(), BATCH))
    everyone = {f"practitioner{n}@agency.example" for n in range(1, BATCH + 1)}
    for step, position in SCENARIOS:
        where = f"{step} of message {position}"
        server = start_server(tmp_path / f"mail-{step}-{position}", certs)
        try:
            root = tmp_path / f"root-{step}-{position}"
            subprocess.run(["cp", "-a", str(template), str(root)], check=True)
            (root / "docgen.toml").write_text(email_toml(server.port, certs["ca"]))
            crashed = _docgen(root, crash=(step, position))
            assert crashed.returncode == -9, f"{where}: {crashed.stderr}"
            if (step, position) == ("after_250", 11):  # before any other run, staff already see the copy to check
                shown = subprocess.run(
                    [sys.executable, "-m", "docgen", "due", "--root", str(root), "--json", "--as-of", "2026-12-18"],
                    capture_output=True,
                    text=True,
                    cwd=REPO,
                    env={**os.environ, "PYTHONPATH": str(REPO)},
                )
                flagged = [d["recipient"] for d in json.loads(shown.stdout) if d.get("sending") == "uncertain"]
                assert flagged == ["Practitioner 11"], f"{where}: {shown.stdout[:500]}"

            after = _docgen(root)
            assert after.returncode == 0, after.stderr
            outcomes = json.loads(after.stdout)
            uncertain = {o["email"] for o in outcomes if o["status"] == "uncertain"}
            got = _addresses(server)
            assert max(got.values()) == 1, f"{where}: a message arrived twice: {got}"
            # none lost: every recipient has their message, or is shown as uncertain for staff to check
            assert set(got) | uncertain == everyone, f"{where}: lost {everyone - set(got) - uncertain}"
            expect_uncertain = step in ("after_record", "after_250")
            assert len(uncertain) == (1 if expect_uncertain else 0), f"{where}: {outcomes}"
            assert {o["status"] for o in outcomes} <= {"sent", "uncertain"}

            again = json.loads(_docgen(root).stdout)
            assert [o["status"] for o in again] == ["uncertain"] * len(uncertain), "without --resend nothing more goes"

            resent = json.loads(_docgen(root, "--resend").stdout)
            assert [(o["email"], o["status"]) for o in resent] == [(e, "sent") for e in sorted(uncertain)]
            assert set(_addresses(server)) == everyone
            assert max(_message_ids(server).values()) <= 2 and len(_message_ids(server)) == BATCH, (
                "a message sent again keeps its Message-ID, so a mail program can tell it is the same one"
            )
            assert json.loads(_docgen(root).stdout) == []
            with Ledger.open(root) as ledger:
                due = {d.recipient for d in ledger.due(dt.date(2026, 12, 18), kind="copies_due")}
            assert not due & {f"Practitioner {n}" for n in range(1, BATCH + 1)}, f"{where}: every copy sent is in the ledger"
            sheet = openpyxl.load_workbook(root / "outbox/CIN-2026-0412/2026-12-17-initial/distribution.xlsx").active
            dated = {row[0].value for row in sheet.iter_rows(min_row=2) if row[10].value is not None}
            assert dated == {f"Practitioner {n}" for n in range(1, BATCH + 1)}, f"{where}: every sent date is in distribution.xlsx"
        finally:
            server.stop()
