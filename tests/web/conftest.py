"""Fixtures for the web app: a root with published meetings (some overdue), accounts, and a real ``docgen serve`` process on a free port."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from docgen.web.accounts import Accounts

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
DOCGEN = [sys.executable, "-m", "docgen"]
PASSWORD = "correct horse battery staple"
#: name, role, key worker name (the example forms' key workers)
ACCOUNTS = [
    ("admin", "admin", ""),
    ("manager", "manager", ""),
    ("tokafor", "worker", "Tom Okafor"),
    ("mbell", "worker", "Marcus Bell"),
    ("victim", "worker", "Nobody"),
]
MARKUP = '<script>alert("x")</script><b>bold</b> {{ 7*7 }} {% if true %}jinja{% endif %}'
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def shifted(value: Any, days: int) -> Any:
    """A record with every ISO date moved by ``days`` (so its deadlines fall where a test needs them)."""
    if isinstance(value, dict):
        return {k: shifted(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [shifted(v, days) for v in value]
    if isinstance(value, str) and _DATE.match(value):
        return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
    return value


def overdue_record(reference: str, days_ago: int = 40) -> dict[str, Any]:
    """The Jones initial meeting held ``days_ago`` days ago under a new reference: its copies are overdue today."""
    record = json.loads((EXAMPLES / "standard" / "initial-jones.json").read_text(encoding="utf-8"))
    meeting = dt.date.fromisoformat(record["meeting"]["date"])
    record = shifted(record, (dt.date.today() - dt.timedelta(days=days_ago) - meeting).days)
    record["case"]["reference"] = reference
    return record


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def docgen(*args: str, stdin: str | None = None, root: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Runs the real ``docgen`` command."""
    extra = ["--root", str(root)] if root else []
    return subprocess.run([*DOCGEN, *args, *extra], input=stdin, capture_output=True, text=True, timeout=300, cwd=REPO)


def make_root(folder: Path, web_settings: str = "", settings: str = "") -> Path:
    """A root with four published meetings (two with overdue copies, one with markup in its text) and the accounts above."""
    inbox = folder / "inbox"
    inbox.mkdir(parents=True)
    (folder / "docgen.toml").write_text(f'policy = "standard"\n{settings}\n[web]\n{web_settings}\n', encoding="utf-8")
    (inbox / "overdue-jones.json").write_text(json.dumps(overdue_record("WEB-OVERDUE-1")), encoding="utf-8")
    markup = overdue_record("WEB-MARKUP-1", days_ago=20)
    markup["participants"][0]["name"] = MARKUP
    markup["key_worker"]["name"] = "Marcus Bell"
    (inbox / "markup.json").write_text(json.dumps(markup), encoding="utf-8")
    for example in ("standard/initial-jones.json", "standard/review-patel.json"):
        (inbox / Path(example).name).write_bytes((EXAMPLES / example).read_bytes())
    ran = docgen("run", "--once", root=folder)
    assert ran.returncode == 0, ran.stderr
    assert not list((inbox / "rejected").glob("*.errors.txt")), [p.read_text() for p in (inbox / "rejected").glob("*.errors.txt")]
    accounts = Accounts(folder)  # `docgen users` itself is tested in test_users.py
    for name, role, key_worker in ACCOUNTS:
        accounts.add(name, role, PASSWORD, key_worker)
    return folder


@dataclass
class Server:
    """A running ``docgen serve``."""

    url: str
    root: Path
    process: subprocess.Popen[str]

    def client(self, **kwargs: Any) -> httpx.Client:
        """A fresh HTTP client (its own cookies) for this server."""
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=30, **kwargs)

    def sign_in(self, name: str, password: str = PASSWORD, **kwargs: Any) -> httpx.Client:
        """A client signed in through the sign-in form, as a browser would."""
        client = self.client(**kwargs)
        response = sign_in(client, name, password)
        assert response.status_code == 303, response.text
        return client

    def audit(self) -> list[dict[str, Any]]:
        """The audit log's entries, oldest first."""
        path = self.root / ".docgen" / "audit.log"
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Response:
    """Posts the sign-in form with the page's CSRF token."""
    page = client.get("/login")
    return client.post("/login", data={"username": name, "password": password, "csrf_token": csrf_token(page.text)})


def start_server(
    root: Path, *extra: str, scheme: str = "http", env: dict[str, str] | None = None, command: Sequence[str] = tuple(DOCGEN)
) -> Server:
    """Starts ``docgen serve`` as a real process on a free port and waits until ``/healthz`` answers.

    ``command`` runs docgen (another account's: ``setpriv --reuid … python -m docgen``).
    """
    port = free_port()
    process = subprocess.Popen(
        [*command, "serve", "--root", str(root), "--port", str(port), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    url = f"{scheme}://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"docgen serve stopped: {process.stdout.read() if process.stdout else ''}")
        try:
            if httpx.get(f"{url}/healthz", verify=False, timeout=2).status_code == 200:
                return Server(url, root, process)
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("docgen serve did not answer /healthz within 60 s")


def stop_server(server: Server) -> int:
    """Stops the server as systemd would (SIGTERM) and returns its exit code."""
    server.process.send_signal(signal.SIGTERM)
    try:
        return server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        raise


@pytest.fixture(scope="session")
def published_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A root made once per test run by the real ``docgen run --once``: copy it (``root_copy``) before changing anything."""
    return make_root(tmp_path_factory.mktemp("published") / "root")


def root_copy(published: Path, folder: Path, web_settings: str = "", settings: str = "") -> Path:
    """A copy of the published root with its own settings."""
    root = folder / "root"
    shutil.copytree(published, root)
    (root / "docgen.toml").write_text(f'policy = "standard"\n{settings}\n[web]\n{web_settings}\n', encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def web_root(published_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A root for this test module (the sign-in window kept short, 3 seconds, so the throttling test is quick)."""
    settings = "login_attempts_per_account = 3\nlogin_window_minutes = 0.05\n"
    return root_copy(published_root, tmp_path_factory.mktemp("web"), settings)


@pytest.fixture(scope="module")
def server(web_root: Path) -> Iterator[Server]:
    """``docgen serve`` running on the module's root."""
    running = start_server(web_root)
    yield running
    assert stop_server(running) == 0


def copy_record(record: dict[str, Any]) -> dict[str, Any]:
    """A deep copy."""
    return copy.deepcopy(record)
