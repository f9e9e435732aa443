"""Benchmark of ``docgen send``: messages per second to a real local SMTP server (STARTTLS, AUTH), two PDFs each.

Run by ``bench/run.py`` (``make bench``), or alone: ``.venv/bin/python bench/send.py [--messages N]``. One meeting
with N email recipients, each getting both children's plans (PDF, made by a stand-in converter so LibreOffice is
not measured), sent once by ``send_copies`` in this process (the sending alone) and once more by the
``docgen send`` command in a fresh process (start-up and imports included).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET = 20.0  # messages per second


def measure_send(base: Path, messages: int) -> dict[str, float]:
    """Seconds and messages/s: in process (the sending) and as a command (with start-up)."""
    from docgen.send.batch import send_copies
    from docgen.settings.sending import load_email_settings
    from tests.conftest import clean_initial
    from tests.send.helpers import PASSWORD, email_toml, make_ca, many_recipients, publish, start_server

    certs = make_ca(base / "certs")
    server = start_server(base / "mail", certs)
    os.environ["DOCGEN_TEST_SMTP_PASSWORD"] = PASSWORD
    try:
        figures: dict[str, float] = {}
        for how in ("library", "command"):
            root = base / f"root-{how}"
            publish(root, many_recipients(clean_initial(), messages))
            (root / "docgen.toml").write_text(email_toml(server.port, certs["ca"]))
            started = time.perf_counter()
            if how == "library":
                settings = load_email_settings(root)
                assert settings is not None
                run = send_copies(root, settings)
                sent = sum(r.status == "sent" for r in run.results)
            else:
                done = subprocess.run([sys.executable, "-m", "docgen", "send", "--root", str(root), "--json"], capture_output=True, text=True, cwd=REPO)
                sent = done.stdout.count('"status": "sent"')
            seconds = time.perf_counter() - started
            assert sent == messages, f"only {sent} of {messages} sent"
            figures[how] = seconds
        assert len(server.messages()) == 2 * messages
    finally:
        server.stop()
    return figures


def send_lines(messages: int) -> list[str]:
    """The benchmark's lines for the results table."""
    with tempfile.TemporaryDirectory(prefix="docgen-bench-send-") as tmp:
        figures = measure_send(Path(tmp), messages)
    library = messages / figures["library"]
    return [
        f"`docgen send` to a local aiosmtpd server (STARTTLS, AUTH, one connection), {messages} messages with 2 PDF attachments and an "
        f"invitation each: {library:.1f} messages/s sending ({figures['library']:.2f} s), "
        f"{messages / figures['command']:.1f} messages/s for the whole command with start-up ({figures['command']:.2f} s). "
        f"Target ≥ {TARGET:g} messages/s → {'met' if library >= TARGET else 'NOT met'}.",
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=40, help="messages per run (default 40)")
    print("\n".join(send_lines(parser.parse_args().messages)))
