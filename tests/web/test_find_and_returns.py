"""Finding a case by a child's name or LA child ID, the children on the case page, and the returns on the report page.

Against the real ``docgen serve`` (httpx): the search is a POST (no name ever in a URL), signed in and audited;
managers download the CIN census and SSD files.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from xml.etree import ElementTree as ET

import httpx
import pytest

from tests.returns.ssd_fields import SSD_FIELDS
from tests.web.conftest import Server, csrf_token


@pytest.fixture(scope="module")
def mbell(server: Server) -> Iterator[httpx.Client]:
    client = server.sign_in("mbell")  # Marcus Bell: key worker of CIN-2026-0388 and WEB-MARKUP-1
    yield client
    client.close()


@pytest.fixture(scope="module")
def manager(server: Server) -> Iterator[httpx.Client]:
    client = server.sign_in("manager")
    yield client
    client.close()


def search(client: httpx.Client, query: str, token: str | None = None) -> httpx.Response:
    token = token if token is not None else csrf_token(client.get("/cases").text)
    return client.post("/cases/search", data={"query": query, "csrf_token": token})


def found(html: str) -> list[str]:
    return re.findall(r'<td class="govuk-table__cell"><a class="govuk-link" href="/cases/([^"]+)">', html)


def test_a_childs_name_finds_their_cases_a_workers_own_first(server: Server, mbell: httpx.Client) -> None:
    response = search(mbell, "amy jon")
    assert response.status_code == 200 and response.url.path == "/cases/search"
    assert found(response.text) == ["WEB-MARKUP-1", "CIN-2026-0412", "WEB-OVERDUE-1"]  # his own case first
    assert "Amy Jones (C1, LA child ID LCS700106)" in response.text and "Leo Jones" not in response.text
    assert "(not your case)" in response.text
    entry = server.audit()[-1]
    assert entry["user"] == "mbell" and entry["action"] == "case_search"
    assert "3 case(s) found" in entry["what"] and "amy" not in entry["what"].lower()  # what was asked stays out of the log


def test_an_la_child_id_or_a_reference_finds_the_case(mbell: httpx.Client) -> None:
    by_id = search(mbell, "lcs700108")
    assert found(by_id.text) == ["CIN-2026-0388"] and "Riya Patel (C1, LA child ID LCS700108)" in by_id.text
    assert found(search(mbell, "CIN-2026-0388").text) == ["CIN-2026-0388"]
    nothing = search(mbell, "Nobody Here")
    assert found(nothing.text) == [] and "0 cases found" in nothing.text


def test_the_search_needs_sign_in_its_token_and_some_text(server: Server, mbell: httpx.Client) -> None:
    with server.client() as anonymous:
        response = anonymous.post("/cases/search", data={"query": "Jones"})
        assert response.status_code in (303, 401) and "Jones" not in response.text
    assert search(mbell, "Jones", token="forged").status_code == 403
    empty = search(mbell, "  ")
    assert empty.status_code == 400 and "Enter a child&#39;s name, LA child ID or a case reference" in empty.text


def test_the_case_page_names_the_children_with_their_la_child_id(mbell: httpx.Client) -> None:
    page = mbell.get("/cases/CIN-2026-0388").text
    assert "Riya Patel (C1): LA child ID LCS700108" in page and "Arjun Patel (C2): LA child ID LCS700109" in page


def test_a_manager_downloads_the_census_files_for_a_chosen_year(server: Server, manager: httpx.Client) -> None:
    report = manager.get("/report").text
    assert 'action="/returns/census"' in report and 'href="/returns/ssd?table=plans"' in report
    xml = manager.get("/returns/census", params={"year": "2027", "file": "xml"})
    assert xml.status_code == 200 and 'filename="cin-plans-2027.xml"' in xml.headers["content-disposition"]
    message = ET.fromstring(xml.content)
    assert message.findtext("Header/CollectionDetails/ReferenceDate") == "2027-03-31"
    ids = {c.findtext("ChildIdentifiers/LAchildID") for c in message.iterfind("Children/Child")}
    assert {"LCS700106", "LCS700107", "LCS700108", "LCS700109"} <= ids
    rows = list(csv.DictReader(io.StringIO(manager.get("/returns/census", params={"year": "2027", "file": "csv"}).text)))
    assert {r["case_reference"] for r in rows} >= {"CIN-2026-0412", "CIN-2026-0388"}
    assert server.audit()[-1]["what"] == "cin-plans-2027.csv"
    bad = manager.get("/returns/census", params={"year": "27", "file": "xml"})
    assert bad.status_code == 400 and "four digits" in bad.text


def test_a_manager_downloads_the_ssd_tables(manager: httpx.Client) -> None:
    for table, name in (("plans", "ssd_cin_plans"), ("visits", "ssd_cin_visits")):
        response = manager.get("/returns/ssd", params={"table": table})
        assert response.status_code == 200 and f'filename="{name}.csv"' in response.headers["content-disposition"]
        assert next(csv.reader(io.StringIO(response.text))) == SSD_FIELDS[name]


def test_a_worker_cannot_download_the_returns(mbell: httpx.Client) -> None:
    assert mbell.get("/returns/census", params={"year": "2027", "file": "xml"}).status_code == 403
    assert mbell.get("/returns/ssd", params={"table": "plans"}).status_code == 403
