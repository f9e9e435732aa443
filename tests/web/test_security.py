"""The web app's security contract, tested over HTTP against a real ``docgen serve`` process, as an intruder would try it."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from docgen.web.app import create_app
from tests.web.conftest import PASSWORD, Server, csrf_token, docgen, free_port, sign_in, start_server, stop_server

pytestmark = pytest.mark.slow

CASE = "WEB-OVERDUE-1"
FOLDER = f"{(dt.date.today() - dt.timedelta(days=40)).isoformat()}-initial"
SHA = "0" * 64
#: every page and file, with real parameters: signed out, each must answer 303 to /login and show nothing
GET_ROUTES = [
    "/",
    "/cases",
    f"/cases/{CASE}",
    f"/cases/{CASE}/{FOLDER}/meeting-record.docx",
    "/rejected",
    "/rejected/original?name=x.docx",
    "/upload",
    f"/upload/{SHA}",
    "/report",
    "/report.xlsx",
    "/forms",
    "/forms/blank/standard/cin-meeting-form.docx",
    f"/cases/{CASE}/next-meeting/review.docx",
    "/audit",
    "/returns/census?year=2027&file=xml",
    "/returns/ssd?table=plans",
]
POST_ROUTES = ["/logout", f"/cases/{CASE}/copies", f"/cases/{CASE}/visits", f"/cases/{CASE}/pack-passwords", "/rejected/dealt-with", "/upload", "/cases/search"]


def raw_get(server: Server, path: str, cookie: str = "") -> tuple[int, bytes]:
    """A GET with the path sent byte for byte (no client tidying of ``..`` or percent-escapes)."""
    where = urlsplit(server.url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    if cookie:
        connection.putheader("Cookie", cookie)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def test_the_lists_above_cover_every_route_of_the_app(web_root: Path) -> None:
    app = create_app(web_root)
    paths = {getattr(r, "path", "") for r in app.routes} - {"", "/login", "/healthz", "/assets"}
    tested = {p.split("?")[0] for p in GET_ROUTES + POST_ROUTES}
    templates = {"/cases/{reference}", "/cases/{reference}/{folder}/{path:path}", "/upload/{sha256}", "/forms/blank/{policy}/{name}",
                 "/cases/{reference}/copies", "/cases/{reference}/visits", "/cases/{reference}/next-meeting/{name}",
                 "/cases/{reference}/pack-passwords"}
    assert paths - templates <= tested
    assert templates <= paths


def test_healthz_says_ok_and_nothing_else(server: Server) -> None:
    response = httpx.get(f"{server.url}/healthz")
    assert (response.status_code, response.text) == (200, "ok")


@pytest.mark.parametrize("path", GET_ROUTES)
def test_signed_out_every_page_and_file_sends_you_to_sign_in_and_shows_nothing(server: Server, path: str) -> None:
    response = server.client().get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"  # no session cookie: a plain sign-in
    assert CASE not in response.text and "Okafor" not in response.text


def test_signed_out_every_post_is_refused_and_changes_nothing(server: Server) -> None:
    client = server.client()
    before = (server.root / ".docgen" / "ledger.sqlite3").read_bytes()
    for path in POST_ROUTES:
        response = client.post(path, data={"csrf_token": "x", "copy": "1|a|b", "sent_date": "2026-01-01"})
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    assert (server.root / ".docgen" / "ledger.sqlite3").read_bytes() == before


def test_a_post_without_the_csrf_token_is_refused(server: Server) -> None:
    login = server.client().post("/login", data={"username": "admin", "password": PASSWORD})
    assert login.status_code == 403
    client = server.sign_in("admin")
    for path in POST_ROUTES:
        assert client.post(path, data={"copy": "1|a|b", "sent_date": "2026-01-01"}).status_code == 403, path
        assert client.post(path, data={"csrf_token": "forged"}).status_code == 403, path
    assert client.get("/").status_code == 200  # and the refused sign-out did not sign anyone out


def test_a_csrf_token_from_another_browser_is_refused(server: Server) -> None:
    mallory = server.sign_in("mbell")
    token = csrf_token(mallory.get(f"/cases/{CASE}").text)
    victim = server.sign_in("admin")
    response = victim.post(f"/cases/{CASE}/visits", data={"csrf_token": token, "child": "C1", "visit_date": "2026-01-01"})
    assert response.status_code == 403


def test_session_cookie_is_httponly_samesite_strict_and_new_at_every_sign_in(server: Server) -> None:
    client = server.client()
    page = client.get("/login")
    before = client.cookies.get("docgen_session")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_token(page.text)})
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("docgen_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback: a Secure cookie would never come back
    first = client.cookies.get("docgen_session")
    assert first and first != before
    sign_in(client, "admin")
    assert client.cookies.get("docgen_session") != first  # rotated at every sign-in
    old = server.client(cookies={"docgen_session": first})
    assert old.get("/").status_code == 303  # the replaced session is gone
    assert old.get("/").headers["location"] == "/login?signed_out=1"


def test_a_tampered_session_cookie_is_refused(server: Server) -> None:
    client = server.sign_in("admin")
    value = client.cookies["docgen_session"]
    forged = server.client(cookies={"docgen_session": value[:-1] + ("0" if value[-1] != "0" else "1")})
    assert forged.get("/").status_code == 303


def test_every_page_carries_the_security_headers(server: Server) -> None:
    client = server.sign_in("admin")
    for path in ["/login", "/healthz", "/", f"/cases/{CASE}", "/rejected", "/report", "/nowhere", "/assets/govuk/govuk-frontend.min.css"]:
        assert_security_headers(client.get(path).headers, path)


def assert_security_headers(headers: httpx.Headers, path: str) -> None:
    """The headers DESIGN.md asks of every page."""
    assert "frame-ancestors 'none'" in headers["content-security-policy"], path
    assert "script-src 'self'" in headers["content-security-policy"], path
    assert headers["x-content-type-options"] == "nosniff", path
    assert headers["x-frame-options"] == "DENY", path
    assert headers["cache-control"] == "no-store", path


def test_a_fault_in_docgen_shows_a_page_with_the_security_headers_and_nothing_of_the_case(web_root: Path) -> None:
    app = create_app(web_root)

    def broken(request: Request) -> Response:
        raise RuntimeError(f"case {CASE} of Tom Okafor: row 12 of the ledger did not add up")

    app.router.routes.insert(0, Route("/broken", broken))
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    assert sign_in(client, "admin").status_code == 303
    response = client.get("/broken")
    assert response.status_code == 500
    assert_security_headers(response.headers, "/broken")
    assert "Sorry, there is a problem with the service" in response.text and "Try again later." in response.text
    for detail in (CASE, "Okafor", "row 12", "RuntimeError", "Traceback", "test_security.py"):
        assert detail not in response.text


TRAVERSALS = [
    "/cases/{case}/{folder}/../../../docgen.toml",
    "/cases/{case}/{folder}/..%2f..%2f..%2fdocgen.toml",
    "/cases/{case}/{folder}/%2e%2e/%2e%2e/%2e%2e/docgen.toml",
    "/cases/{case}/{folder}/%252e%252e%252f%252e%252e%252f%252e%252e%252fdocgen.toml",
    "/cases/{case}/{folder}/..%5c..%5c..%5cdocgen.toml",
    "/cases/{case}/{folder}/source/../../../../.docgen/users.json",
    "/cases/{case}/{folder}/%2fetc%2fpasswd",
    "/cases/{case}/..%2f..%2f.docgen/users.json",
    "/cases/..%2f.docgen/ledger.sqlite3/x",
    "/cases/{case}/{folder}/manifest.json/..%2f..%2f..%2f.docgen%2fweb-secret",
    "/rejected/original?name=..%2f..%2fdocgen.toml",
    "/rejected/original?name=%252e%252e%252f%252e%252e%252fdocgen.toml",
    "/forms/blank/..%2f..%2f..%2f/docgen.toml",
    "/forms/blank/standard/..%2f..%2f..%2fdocgen.toml",
    "/cases/{case}/next-meeting/..%2f..%2f..%2fdocgen.toml",
    "/cases/..%2f..%2f/next-meeting/review.docx",
    "/assets/..%2f..%2f..%2f..%2fdocgen.toml",
    "/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/docgen.toml",
    "/assets/%252e%252e/%252e%252e/docgen.toml",
]


def test_path_traversal_on_every_file_url_reaches_nothing(server: Server) -> None:
    client = server.sign_in("admin")
    cookie = f"docgen_session={client.cookies['docgen_session']}"
    secrets = [b"correct horse", b"[web]", b"argon2", b"SQLite format", b"root:"]
    for template in TRAVERSALS:
        status, body = raw_get(server, template.format(case=CASE, folder=FOLDER), cookie)
        assert status in (400, 404), (template, status)
        assert not any(s in body for s in secrets), template
    status, body = raw_get(server, f"/cases/{CASE}/{FOLDER}/meeting-record.docx", cookie)
    assert status == 200 and body.startswith(b"PK")  # the listed document itself is served


def test_a_worker_may_open_another_workers_case_and_it_is_audited(server: Server) -> None:
    worker = server.sign_in("mbell")  # Marcus Bell: WEB-OVERDUE-1 is Tom Okafor's
    page = worker.get(f"/cases/{CASE}")
    assert page.status_code == 200
    assert "This is not one of your cases" in page.text
    entry = [e for e in server.audit() if e["user"] == "mbell" and e["action"] == "case_view"][-1]
    assert entry["what"] == f"{CASE} (not their own case)" and entry["address"] == "127.0.0.1"
    own = server.sign_in("tokafor").get(f"/cases/{CASE}")
    assert own.status_code == 200 and "not one of your cases" not in own.text
    assert server.client().get(f"/cases/{CASE}").status_code == 303


def test_a_worker_sees_only_their_own_cases_on_the_overview_and_no_admin_pages(server: Server) -> None:
    worker = server.sign_in("tokafor")
    overview = worker.get("/").text
    assert CASE in overview and "WEB-MARKUP-1" not in overview  # WEB-MARKUP-1 is Marcus Bell's
    for path in ["/rejected", "/upload", "/audit", "/report"]:
        assert worker.get(path).status_code == 403, path
    assert server.sign_in("manager").get("/report").status_code == 200
    assert server.sign_in("manager").get("/audit").status_code == 403


def test_markup_and_template_syntax_in_form_text_are_shown_literally(server: Server) -> None:
    client = server.sign_in("admin")
    for page in (client.get("/cases/WEB-MARKUP-1").text, client.get("/?case=WEB-MARKUP-1").text):
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; {{ 7*7 }} {% if true %}jinja{% endif %}" in page
        assert "<script>alert" not in page and "<b>bold" not in page and " 49 " not in page


def _upload(client: httpx.Client, name: str, data: bytes) -> httpx.Response:
    token = csrf_token(client.get("/upload").text)
    return client.post("/upload", data={"csrf_token": token}, files={"form": (name, io.BytesIO(data), "application/octet-stream")})


def test_a_50_mb_upload_is_refused_with_the_usual_report_and_never_reaches_the_inbox(server: Server) -> None:
    client = server.sign_in("admin")
    response = _upload(client, "huge-form.docx", b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024))
    assert response.status_code == 422
    assert "huge-form.docx is 50.0 MB, larger than any meeting form docgen reads (limit 10 MB)" in response.text
    assert not (server.root / "inbox" / "huge-form.docx").exists()
    assert [e["outcome"] for e in server.audit() if e["action"] == "upload"][-1] == "refused"


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("notes.txt", b"Meeting notes, not a form", "notes.txt is not a Word (.docx) or Excel (.xlsx) meeting form"),
        ("renamed.docx", b"Just some text saved as .docx", "renamed.docx is"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.doc is not a Word (.docx) or Excel (.xlsx) meeting form"),
        ("empty.xlsx", b"", "empty.xlsx is empty (0 bytes)"),
    ],
)
def test_a_file_that_is_not_a_form_is_refused_with_the_usual_report(server: Server, name: str, data: bytes, says: str) -> None:
    response = _upload(server.sign_in("admin"), name, data)
    assert response.status_code == 422 and says in response.text
    assert not (server.root / "inbox" / name).exists()


def test_a_body_beyond_any_form_is_cut_off_before_it_is_read(server: Server) -> None:
    client = server.sign_in("admin")
    response = client.post(
        f"/cases/{CASE}/visits", content=b"x" * (2 * 1024 * 1024), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413


def test_sign_in_is_throttled_per_account_until_the_window_has_passed(server: Server) -> None:
    client = server.client()
    for _ in range(3):
        assert sign_in(client, "victim", "wrong password!").status_code == 401
    refused = sign_in(client, "victim")  # the right password, but the account's three checks are used up
    assert refused.status_code == 429 and "Too many attempts to sign in" in refused.text
    assert sign_in(server.client(), "admin").status_code == 303  # other accounts are not held up
    time.sleep(3.2)  # this root's window is 3 seconds (the default is 15 minutes)
    assert sign_in(client, "victim").status_code == 303
    failures = [e for e in server.audit() if e["user"] == "victim" and e["action"] == "sign_in_failed"]
    assert len(failures) == 3 and all(e["address"] == "127.0.0.1" for e in failures)


def test_sign_ins_and_failures_are_in_the_audit_log_and_only_admins_read_it(server: Server) -> None:
    sign_in(server.client(), "manager", "not the password")
    admin = server.sign_in("admin")
    page = admin.get("/audit")
    assert page.status_code == 200 and "sign in failed" in page.text
    actions = {e["action"] for e in server.audit()}
    assert {"sign_in", "sign_in_failed", "case_view", "download", "upload"} <= actions
    assert (server.root / ".docgen" / "audit.log").stat().st_mode & 0o777 == 0o600
    assert (server.root / ".docgen" / "users.json").stat().st_mode & 0o777 == 0o600


def test_listening_beyond_loopback_needs_tls_or_a_trusted_proxy(web_root: Path) -> None:
    refused = docgen("serve", "--host", "0.0.0.0", "--port", str(free_port()), root=web_root)
    assert refused.returncode == 2
    assert "will not listen on 0.0.0.0 without encryption" in refused.stderr


def test_over_https_the_server_speaks_tls_itself_and_the_cookie_is_secure(web_root: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(web_root, root)
    (root / "docgen.toml").write_text('[web]\ntls_cert = "cert.pem"\ntls_key = "key.pem"\n', encoding="utf-8")
    made = docgen_openssl(root)
    assert made.returncode == 0, made.stderr
    server = start_server(root, "--host", "0.0.0.0", scheme="https")
    try:
        client = server.client(verify=False)
        page = client.get("/login")
        assert page.status_code == 200 and "Secure" in page.headers["set-cookie"]
        response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_token(page.text)})
        assert "Secure" in response.headers["set-cookie"] and response.headers["strict-transport-security"]
        with pytest.raises(httpx.HTTPError):
            httpx.get(server.url.replace("https", "http") + "/healthz", timeout=5)
    finally:
        assert stop_server(server) == 0


def docgen_openssl(root: Path) -> subprocess.CompletedProcess[str]:
    """A self-signed certificate for 127.0.0.1 in the root."""
    return subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
        capture_output=True, text=True, timeout=60,
    )


def test_twenty_users_at_once_get_their_pages_without_errors(server: Server) -> None:
    from concurrent.futures import ThreadPoolExecutor

    clients = [server.sign_in(name) for name in ("admin", "manager", "tokafor", "mbell") * 5]

    def browse(client: httpx.Client) -> list[int]:
        return [client.get(path).status_code for path in ("/", f"/cases/{CASE}", "/forms", f"/cases/{CASE}/{FOLDER}/meeting-record.docx")]

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = [s for result in pool.map(browse, clients) for s in result]
    assert statuses == [200] * 80
