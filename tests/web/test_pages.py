"""Each page rendered by the app in-process, asserting what a person reads on it (the security contract is in test_security.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from starlette.testclient import TestClient

from docgen.web.app import create_app
from tests.web.conftest import PASSWORD, csrf_token, overdue_record, root_copy

CASE = "WEB-OVERDUE-1"


@pytest.fixture(scope="module")
def root(published_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return root_copy(published_root, tmp_path_factory.mktemp("pages"))


def signed_in(root: Path, name: str = "admin", **kwargs: object) -> TestClient:
    client = TestClient(create_app(root), follow_redirects=False, **kwargs)  # type: ignore[arg-type]
    page = client.get("/login")
    response = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 303
    return client


@pytest.fixture(scope="module")
def admin(root: Path) -> Iterator[TestClient]:
    with signed_in(root) as client:
        yield client


def h1(html: str) -> str:
    start = html.index("<h1")
    return html[html.index(">", start) + 1 : html.index("</h1>", start)].strip()


def test_sign_in_page_and_a_wrong_password(root: Path) -> None:
    client = TestClient(create_app(root), follow_redirects=False)
    page = client.get("/login")
    assert h1(page.text) == "Sign in" and 'autocomplete="current-password"' in page.text
    wrong = client.post("/login", data={"username": "admin", "password": "nope", "csrf_token": csrf_token(page.text)})
    assert wrong.status_code == 401 and "Enter a correct username and password" in wrong.text
    assert "<title>Error: Sign in" in wrong.text


def test_overview_counts_overdue_first_and_filters(admin: TestClient) -> None:
    page = admin.get("/").text
    assert h1(page) == "What is due"
    assert page.index('id="overdue"') < page.index('id="by-kind"') < page.index('id="upcoming"')
    assert "Copy of the plan: Mrs Helen Carter" in page and "days late" in page
    visits = admin.get("/?kind=visit").text
    overdue = visits.split('id="overdue"')[1].split("</table>")[0]
    assert "Statutory visit" in overdue and "Copy of the plan" not in overdue and "statutory visit only" in visits
    bad = admin.get("/?as_of=someday")
    assert "&#39;someday&#39; is not a date" in bad.text
    later = admin.get("/?as_of=2030-01-01&case=CIN-2026-0412").text
    assert "0 upcoming on 1 January 2030" in later.replace("<strong>", "").replace("</strong>", "")


def test_a_worker_sees_their_own_cases_whatever_the_filter_says(root: Path) -> None:
    with signed_in(root, "tokafor") as worker:
        page = worker.get("/?key_worker=Marcus+Bell").text
        assert "for Tom Okafor" in page and "CIN-2026-0412" in page and "CIN-2026-0388" not in page
        assert 'id="key_worker"' not in page  # no key worker choice for workers


def test_case_page_shows_history_documents_deadlines_and_copies(admin: TestClient) -> None:
    page = admin.get("/cases/CIN-2026-0388").text
    assert h1(page) == "CIN-2026-0388"
    assert "Review meeting, 28 January 2027" in page
    assert 'href="/cases/CIN-2026-0388/2027-01-28-review/plan-C1.docx"' in page
    assert "Scaling score 6 out of 10" in page and "<svg" in page and "6 on 28 Jan 2027" in page
    assert "Record of meeting" in page and "Met" in page
    assert admin.get("/cases/NO-SUCH-CASE").status_code == 404
    assert "There is no case NO-SUCH-CASE" in admin.get("/cases/NO-SUCH-CASE").text


def test_recording_a_visit_shows_it_and_a_bad_date_says_what_to_enter(admin: TestClient) -> None:
    page = admin.get(f"/cases/{CASE}").text
    token = csrf_token(page)
    bad = admin.post(f"/cases/{CASE}/visits", data={"csrf_token": token, "child": "C1", "visit_date": "tomorrow-ish"})
    assert bad.status_code == 400 and "Enter the date of the visit, today or earlier" in bad.text
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert admin.post(f"/cases/{CASE}/visits", data={"csrf_token": token, "child": "C1", "visit_date": future}).status_code == 400
    day = dt.date.today() - dt.timedelta(days=2)
    done = admin.post(f"/cases/{CASE}/visits", data={"csrf_token": token, "child": "C2", "visit_date": day.isoformat(), "seen_alone": "yes"})
    assert done.status_code == 303
    after = admin.get(done.headers["location"]).text
    assert "The visit was recorded" in after
    visits = after.split('id="visits"')[1].split("</table>")[0]
    assert f"{day:%-d %B %Y}</td><td class=\"govuk-table__cell\">C2</td><td class=\"govuk-table__cell\">Yes" in visits


def test_recording_a_copy_sent_meets_that_recipients_copies(admin: TestClient) -> None:
    page = admin.get(f"/cases/{CASE}").text
    value = next(v for v in page.split('value="')[1:] if v.split('"')[0].endswith("|Nadia Ali|")).split('"')[0]
    response = admin.post(f"/cases/{CASE}/copies", data={"csrf_token": csrf_token(page), "copy": value, "sent_date": dt.date.today().isoformat()})
    assert response.status_code == 303
    overdue = admin.get(f"/?case={CASE}").text.split('id="by-kind"')[0]
    assert "Nadia Ali" not in overdue and "Mrs Helen Carter" in overdue


def test_rejected_form_report_and_dealt_with(root: Path, admin: TestClient) -> None:
    rejected = root / "inbox" / "rejected"
    rejected.mkdir(parents=True, exist_ok=True)
    (rejected / "bad.docx").write_bytes(b"PK original")
    report = {
        "source": {"name": "bad.docx", "sha256": "ab" * 32},
        "errors": [{"rule": "r", "field": "meeting.date", "message": "The meeting date is missing", "location": "control meeting.date (Meeting date)", "fix": "Enter the date"}],
        "warnings": [],
    }
    (rejected / "bad.docx.errors.json").write_text(json.dumps(report), encoding="utf-8")
    page = admin.get("/rejected").text
    assert "To deal with (1)" in page and "The meeting date is missing" in page and "control meeting.date (Meeting date)" in page
    assert admin.get("/rejected/original?name=bad.docx").content == b"PK original"
    assert admin.get("/rejected/original?name=bad.docx.errors.json").status_code == 404
    done = admin.post("/rejected/dealt-with", data={"csrf_token": csrf_token(page), "name": "bad.docx"})
    assert done.status_code == 303
    assert "To deal with (0)" in admin.get("/rejected").text and "Dealt with (1)" in admin.get("/rejected").text
    (root / ".docgen" / "web-dealt-with.json").unlink()  # .docgen/ lost: the mark is in the root's journal of facts too
    assert "Dealt with (1)" in admin.get("/rejected").text


def test_an_upload_lands_in_the_inbox_and_its_page_says_it_is_waiting(root: Path, admin: TestClient) -> None:
    data = json.dumps(overdue_record("WEB-PAGES-UPLOAD")).encode()
    token = csrf_token(admin.get("/upload").text)
    response = admin.post("/upload", data={"csrf_token": token}, files={"form": ("../../sneaky name.json", io.BytesIO(data), "application/json")})
    assert response.status_code == 303
    assert (root / "inbox" / "sneaky name.json").read_bytes() == data  # the name only, never a path
    assert not list((root / ".docgen" / "tmp").glob("upload-*"))
    status = admin.get(response.headers["location"]).text
    assert "docgen has not finished reading it yet" in status


def test_report_on_screen_and_as_a_workbook(admin: TestClient, tmp_path: Path) -> None:
    page = admin.get("/report?from=2026-01-01&to=2030-12-31").text
    assert h1(page) == "Timescales report" and "Copies sent on time" in page and "<svg" in page
    workbook = admin.get("/report.xlsx?from=2026-01-01&to=2030-12-31")
    assert workbook.headers["content-disposition"].startswith("attachment")
    (tmp_path / "r.xlsx").write_bytes(workbook.content)
    assert "Summary" in openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames


def test_blank_forms_to_download(admin: TestClient) -> None:
    page = admin.get("/forms").text
    assert 'href="/forms/blank/standard/cin-meeting-form.docx"' in page
    form = admin.get("/forms/blank/south-gloucestershire/cin-meeting-form.xlsx")
    assert form.status_code == 200 and form.content[:2] == b"PK"
    assert admin.get("/forms/blank/nowhere/cin-meeting-form.xlsx").status_code == 404


def test_audit_page_lists_who_did_what(admin: TestClient) -> None:
    admin.get(f"/cases/{CASE}")
    page = admin.get("/audit").text
    assert "case view" in page and CASE in page and "testclient" in page


def test_sessions_end_after_the_idle_timeout(root: Path) -> None:
    app = create_app(root)
    app.state.web.sessions.idle_seconds = 0.2
    client = TestClient(app, follow_redirects=False)
    page = client.get("/login")
    client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_token(page.text)})
    assert client.get("/").status_code == 200
    time.sleep(0.3)
    response = client.get("/")
    assert response.status_code == 303
    assert "We signed you out because you had not used the service for a while" in client.get(response.headers["location"]).text


def test_a_trusted_proxy_names_the_user_and_nobody_else_can(root: Path) -> None:
    from docgen.settings.web import WebSettings

    app = create_app(root, WebSettings(trusted_proxy="10.0.0.5"))
    proxy = TestClient(app, follow_redirects=False, client=("10.0.0.5", 4000))
    assert proxy.get("/", headers={"X-Remote-User": "manager"}).status_code == 200
    assert proxy.get("/", headers={"X-Remote-User": "nobody-known"}).status_code == 303
    assert proxy.get("/").status_code == 303
    intruder = TestClient(app, follow_redirects=False, client=("10.0.0.9", 4000))
    assert intruder.get("/", headers={"X-Remote-User": "admin"}).status_code == 303


def test_removing_an_account_or_changing_its_password_ends_its_sessions(root: Path) -> None:
    from docgen.web.accounts import Accounts

    accounts = Accounts(root)
    accounts.add("temp-worker", "worker", PASSWORD, "Tom Okafor")
    with signed_in(root, "temp-worker") as client:
        assert client.get("/").status_code == 200
        accounts.set_password("temp-worker", "a brand new password")
        assert client.get("/").status_code == 303
    with signed_in(root, "admin") as other, TestClient(create_app(root), follow_redirects=False) as client:
        accounts.set_password("temp-worker", PASSWORD)
        page = client.get("/login")
        client.post("/login", data={"username": "temp-worker", "password": PASSWORD, "csrf_token": csrf_token(page.text)})
        assert client.get("/").status_code == 200
        accounts.remove("temp-worker")
        assert client.get("/").status_code == 303
        assert other.get("/").status_code == 200


def test_an_unreadable_ledger_is_one_sentence_not_a_traceback(published_root: Path, tmp_path: Path) -> None:
    broken = root_copy(published_root, tmp_path)
    for leftover in (broken / ".docgen").glob("ledger.sqlite3*"):
        leftover.unlink()
    (broken / ".docgen" / "ledger.sqlite3").write_bytes(b"this is not a database" * 100)
    with signed_in(broken) as client:
        page = client.get("/")
    assert page.status_code == 503
    assert "cannot be opened" in page.text and "Traceback" not in page.text


@pytest.mark.parametrize("example", ["standard/initial-jones.docx", "standard/review-patel.xlsx"])
def test_a_word_or_excel_form_passes_the_drop_checks_into_the_inbox_unchanged(root: Path, admin: TestClient, example: str) -> None:
    from tests.web.conftest import EXAMPLES

    data = (EXAMPLES / example).read_bytes()
    token = csrf_token(admin.get("/upload").text)
    response = admin.post("/upload", data={"csrf_token": token}, files={"form": (Path(example).name, io.BytesIO(data), "application/octet-stream")})
    assert response.status_code == 303
    assert (root / "inbox" / Path(example).name).read_bytes() == data


def test_the_next_meetings_forms_pre_filled_from_the_case_page(admin: TestClient) -> None:
    page = admin.get(f"/cases/{CASE}").text
    assert f'href="/cases/{CASE}/next-meeting/review.docx"' in page
    form = admin.get(f"/cases/{CASE}/next-meeting/review.xlsx")
    assert form.status_code == 200 and form.content[:2] == b"PK"
    assert form.headers["content-disposition"] == f'attachment; filename="{CASE}-review.xlsx"'
    assert admin.get("/cases/NO-SUCH-CASE/next-meeting/review.docx").status_code == 404
    assert admin.get(f"/cases/{CASE}/next-meeting/initial.docx").status_code == 404


def test_every_page_says_so_while_the_inbox_service_is_paused(published_root: Path, tmp_path: Path) -> None:
    from docgen.service import state
    paused = root_copy(published_root, tmp_path)
    message = "The disk holding the root is full: free some space; docgen carries on by itself"
    state.write_state(paused, state.ServiceState("paused", cause="disk_full", message=message))
    with signed_in(paused) as client:
        for path in ("/", f"/cases/{CASE}", "/forms"):
            assert message in client.get(path).text, path
    state.write_state(paused, state.ServiceState("running"))
    with signed_in(paused) as client:
        assert 'id="paused"' not in client.get("/").text


def test_a_copy_whose_email_is_uncertain_says_so_on_the_case_page(root: Path, admin: TestClient) -> None:
    from docgen.ledger import Ledger
    from docgen.ledger.send_journal import Journal

    with Ledger.open(root) as ledger:
        [meeting] = ledger.meetings(CASE)
        journal = Journal.open(ledger.path)  # as docgen send leaves it when stopped after handing the message over
        journal.start(
            copy_key="web-test", case_reference=CASE, folder=meeting.folder, recipient="Mrs Helen Carter",
            email="h.carter@school.example", documents=("plan-C1.docx",), message_id="<x@council.example>",
        )
        journal.uncertain("web-test", "the connection broke")
        journal.close()
    deadlines = admin.get(f"/cases/{CASE}").text.split('id="deadlines"')[1].split("</table>")[0]
    row = next(r for r in deadlines.split("<tr") if "Mrs Helen Carter" in r)
    assert "Email uncertain: check with them, then docgen send --resend" in row
    assert deadlines.count("Email uncertain") == 1
    overview = admin.get(f"/?case={CASE}").text
    row = next(r for r in overview.split("<tr") if "Mrs Helen Carter" in r)
    assert "Email uncertain" in row, "the overview flags it too"
    report = admin.get("/report?from=2026-01-01&to=2030-12-31").text
    assert "1 emailed copy may not have been sent" in report
    checks = report.split("Emails to check")[1].split("</table>")[0]
    assert CASE in checks and "Mrs Helen Carter" in checks and "h.carter@school.example" not in checks
    workbook = admin.get("/report.xlsx?from=2026-01-01&to=2030-12-31")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content))["Emails to check"]
    assert [c.value for c in sheet[4]][:4] == [CASE, meeting.folder, "Mrs Helen Carter", "h.carter@school.example"]
