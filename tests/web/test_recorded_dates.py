"""Recording a copy sent or a visit through a real ``docgen serve``: nothing chosen to start with, and a date that
could not have happened (before the meeting or plan, after today) refused with the date as read — nothing recorded."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from docgen.ledger.store import Ledger
from docgen.typed_dates import long_date
from tests.web.conftest import Server, csrf_token, start_server, stop_server

CASE = "WEB-OVERDUE-1"  # its initial meeting was 40 days ago, its copies are overdue


@pytest.fixture(scope="module")
def served(web_root: Path) -> Iterator[Server]:
    running = start_server(web_root)
    yield running
    assert stop_server(running) == 0


@pytest.fixture(scope="module")
def admin(served: Server) -> Iterator[httpx.Client]:
    client = served.sign_in("admin")
    yield client
    client.close()


def _meeting(root: Path) -> tuple[int, dt.date]:
    with Ledger.open(root, create=False) as ledger:
        row = ledger.meetings(CASE)[0]
        return row.id, dt.date.fromisoformat(row.meeting_date)


def _unsent(root: Path, recipient: str) -> int:
    with Ledger.open(root, create=False) as ledger:
        return sum(1 for c in ledger.copies(_meeting(root)[0]) if c["recipient"] == recipient and not c["sent_date"])


def _visits(root: Path) -> int:
    with Ledger.open(root, create=False) as ledger:
        return len(ledger.visits(CASE))


def _select(page: str, name: str) -> str:
    found = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert found, f"no {name} list on the page"
    return found.group(0)


def _copy_value(page: str, recipient: str) -> str:
    options = re.findall(r'<option value="([^"]*)"', _select(page, "copy"))
    return html.unescape(next(v for v in options if f"|{recipient}|" in html.unescape(v)))


def test_the_forms_start_with_no_person_chosen_and_refuse_a_submission_without_one(served: Server, admin: httpx.Client) -> None:
    page = admin.get(f"/cases/{CASE}").text
    for name, prompt in (("copy", "Choose who was sent their copy"), ("child", "Choose the child who was seen")):
        options = re.findall(r"<option([^>]*)>([^<]*)</option>", _select(page, name))
        assert options[0] == (' value="" selected', prompt), "the first option is the prompt, and it is the one chosen"
        assert all("selected" not in attributes for attributes, _ in options[1:]), "no person is chosen for you"
    assert 'name="sent_date" type="text" value=""' in page and 'name="visit_date" type="text" value=""' in page

    before = _unsent(served.root, "Sarah Jones")
    today = dt.date.today().isoformat()
    refused = admin.post(f"/cases/{CASE}/copies", data={"csrf_token": csrf_token(page), "copy": "", "sent_date": today})
    assert refused.status_code == 400 and "Choose who was sent their copy" in refused.text
    no_child = admin.post(f"/cases/{CASE}/visits", data={"csrf_token": csrf_token(page), "child": "", "visit_date": today})
    assert no_child.status_code == 400 and "Choose the child who was seen" in no_child.text
    assert _unsent(served.root, "Sarah Jones") == before


def test_a_sent_date_before_the_meeting_or_after_today_is_refused_and_nothing_recorded(served: Server, admin: httpx.Client) -> None:
    _, held = _meeting(served.root)
    page = admin.get(f"/cases/{CASE}").text
    value = _copy_value(page, "Sarah Jones")
    before = _unsent(served.root, "Sarah Jones")
    assert before > 0
    early = held - dt.timedelta(days=3)
    refused = admin.post(f"/cases/{CASE}/copies", data={"csrf_token": csrf_token(page), "copy": value, "sent_date": f"{early:%d/%m/%Y}"})
    assert refused.status_code == 400
    assert f"The sent date {long_date(early)} is before the meeting on {long_date(held)}" in html.unescape(refused.text)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    late = admin.post(f"/cases/{CASE}/copies", data={"csrf_token": csrf_token(page), "copy": value, "sent_date": tomorrow.isoformat()})
    assert late.status_code == 400 and f"The sent date {long_date(tomorrow)} is after today" in html.unescape(late.text)
    assert _unsent(served.root, "Sarah Jones") == before, "nothing was recorded"

    meant = next(
        (
            held + dt.timedelta(days=n)
            for n in range((dt.date.today() - held).days + 1)
            if (d := held + dt.timedelta(days=n)).day <= 12
            and d.day != d.month
            and not held <= dt.date(d.year, d.day, d.month) <= dt.date.today()
        ),
        None,
    )
    if meant is not None:  # typed month first, read day first: the page says which date would fit
        typed = f"{meant.month}/{meant.day}/{meant.year}"
        swapped = admin.post(f"/cases/{CASE}/copies", data={"csrf_token": csrf_token(page), "copy": value, "sent_date": typed})
        assert swapped.status_code == 400
        assert f"if you meant {long_date(meant)}, the day and month were read the other way round" in html.unescape(swapped.text)
        assert _unsent(served.root, "Sarah Jones") == before

    day = held + dt.timedelta(days=2)
    done = admin.post(f"/cases/{CASE}/copies", data={"csrf_token": csrf_token(page), "copy": value, "sent_date": day.isoformat()})
    assert done.status_code == 303
    assert _unsent(served.root, "Sarah Jones") == 0


def test_a_visit_before_the_plan_started_is_refused_and_nothing_recorded(served: Server, admin: httpx.Client) -> None:
    _, held = _meeting(served.root)  # the initial meeting starts the plan
    page = admin.get(f"/cases/{CASE}").text
    before = _visits(served.root)
    early = held - dt.timedelta(days=10)
    refused = admin.post(f"/cases/{CASE}/visits", data={"csrf_token": csrf_token(page), "child": "C1", "visit_date": early.isoformat()})
    assert refused.status_code == 400
    assert f"The visit date {long_date(early)} is before the plan start on {long_date(held)}" in html.unescape(refused.text)
    assert _visits(served.root) == before
    done = admin.post(f"/cases/{CASE}/visits", data={"csrf_token": csrf_token(page), "child": "C1", "visit_date": held.isoformat()})
    assert done.status_code == 303 and _visits(served.root) == before + 1
