"""The whole way with the real parts: ``docgen run --once`` with LibreOffice making the PDFs, then ``docgen send`` to a real
SMTP server (STARTTLS, AUTH, ``ca_file``), ``docgen due`` and the print pack."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.pdf.making import find_soffice
from tests.send.helpers import PASSWORD, MailServer, email_toml

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.skipif(find_soffice() is None, reason="needs LibreOffice")]


def _docgen(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCGEN_TEST_SMTP_PASSWORD": PASSWORD}
    return subprocess.run([sys.executable, "-m", "docgen", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


def test_published_with_libreoffice_then_sent_once_and_posted_from_the_print_pack(tmp_path: Path, mail_server: MailServer) -> None:
    root = tmp_path / "root"
    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text(
        'policy = "standard"\npdf = true\nsettle_seconds = 0\n' + email_toml(mail_server.port, mail_server.ca)
    )
    shutil.copy(REPO / "examples/standard/initial-jones.docx", root / "inbox")
    published = _docgen("run", "--once", "--root", str(root))
    assert published.returncode == 0, published.stderr
    [folder] = (root / "outbox").glob("*/*")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["pdf"]["made"], manifest["pdf"]

    sent = _docgen("send", "--root", str(root), "--json")
    assert sent.returncode == 0, sent.stderr
    outcomes = json.loads(sent.stdout)
    emailed = {r["recipient"] for r in manifest["distribution"] if r["delivery"] in ("email", "secure_email")}
    assert {o["recipient"] for o in outcomes} == emailed and {o["status"] for o in outcomes} == {"sent"}
    messages = mail_server.messages()
    assert len(messages) == len(emailed) and all(len(e["rcpt_tos"]) == 1 for _, e in messages)
    for message, _ in messages:
        delivery = {r["delivery"] for r in manifest["distribution"] if r.get("email") == message["To"]}
        pdfs = [PdfReader(io.BytesIO(p.get_content())) for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
        assert pdfs and all(p.is_encrypted == (delivery == {"secure_email"}) for p in pdfs)

    assert json.loads(_docgen("send", "--root", str(root), "--json").stdout) == []
    assert len(mail_server.messages()) == len(emailed)
    due = json.loads(_docgen("due", "--root", str(root), "--json").stdout)
    assert not {d.get("recipient") for d in due if d["kind"] == "copies_due"} & emailed

    posted = {r["recipient"] for r in manifest["distribution"] if r["delivery"] == "post"}
    text = "".join(page.extract_text() for page in PdfReader(folder / "print-pack.pdf").pages)
    for name in posted:
        assert f"Dear {name}," in text
