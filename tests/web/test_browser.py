"""A member of staff in a real browser (headless Chromium): sign in, find an overdue copy, open the case, download a plan,
upload a form that a running ``docgen watch`` publishes, record a copy sent; axe-core on every main page; keyboard only."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import DOCGEN, PASSWORD, REPO, Server, overdue_record, root_copy, start_server, stop_server

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: DOCGEN_SCREENSHOTS=docs/images writes the README's pictures
SHOTS = os.environ.get("DOCGEN_SCREENSHOTS")

if not Path(CHROMIUM).exists():  # pragma: no cover - scripts/system-packages.sh installs it
    pytest.skip("Chromium is not installed (scripts/system-packages.sh installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def site(published_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, subprocess.Popen[str]]]:
    """A root with a rejected form, ``docgen serve`` and ``docgen watch`` both running on it."""
    root = root_copy(published_root, tmp_path_factory.mktemp("browser"), settings="settle_seconds = 0.5\nrescan_seconds = 2\n")
    bad = overdue_record("WEB-REJECTED-1")
    bad["meeting"]["chair_role"] = "community_support_worker"
    (root / "inbox" / "rejected-form.json").write_text(json.dumps(bad), encoding="utf-8")
    watch = subprocess.Popen([*DOCGEN, "watch", "--root", str(root)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    server = start_server(root)
    deadline = time.monotonic() + 60
    while not (root / "inbox" / "rejected" / "rejected-form.json.errors.json").exists():
        assert time.monotonic() < deadline, "docgen watch did not reject the bad form"
        time.sleep(0.2)
    yield server, watch
    assert stop_server(server) == 0
    watch.send_signal(signal.SIGTERM)
    assert watch.wait(timeout=60) == 0


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole module."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(page: Any, server: Server, name: str = "admin") -> None:
    """Signs in through the page, as a person would."""
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/")


def axe_problems(page: Any) -> list[str]:
    """Serious and critical WCAG 2.2 AA violations axe-core finds on the page."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    assert len(result["passes"]) > 10, "axe-core did not check the page"
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"] if v["impact"] in ("serious", "critical")]


def shoot(page: Any, name: str, tmp: Path) -> None:
    page.screenshot(path=str(tmp / f"{name}.png"), full_page=True)
    if SHOTS:
        page.evaluate("window.scrollTo(0, 0)")  # the top of the page, as a reader first sees it
        Path(REPO / SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(REPO / SHOTS / f"web-{name}.png"), full_page=False)


def test_staff_member_finds_an_overdue_copy_downloads_a_plan_uploads_a_form_and_records_the_copy_sent(
    site: tuple[Server, subprocess.Popen[str]], browser: Any, tmp_path: Path
) -> None:
    server, _ = site
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    sign_in(page, server)
    assert page.locator("h1").inner_text() == "What is due"
    shoot(page, "overview", tmp_path)

    # an overdue copy, first on the page
    overdue = page.locator("#overdue tbody tr", has_text="WEB-OVERDUE-1").filter(has_text="Copy of the plan: Mrs Helen Carter")
    assert overdue.count() == 1
    assert re.search(r"\d+ days late", overdue.inner_text())

    # open the case and download a plan
    overdue.get_by_role("link", name="WEB-OVERDUE-1").click()
    assert page.locator("h1").inner_text() == "WEB-OVERDUE-1"
    with page.expect_download() as download:
        page.locator("a", has_text="plan-C1.docx").first.click()
    saved = tmp_path / "plan.docx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "plan-C1.docx" and saved.read_bytes()[:2] == b"PK"
    shoot(page, "case", tmp_path)

    # record that Mrs Carter was sent her copies: she leaves the overdue list
    chooser = page.get_by_label("Who was sent their copy")
    chooser.select_option(value=chooser.locator("option", has_text="Mrs Helen Carter: ").first.get_attribute("value"))
    page.get_by_label("Date sent").fill(dt.date.today().strftime("%d/%m/%Y"))  # nothing is filled in for you
    page.get_by_role("button", name="Record copy sent").click()
    assert "The copy was recorded as sent" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("link", name="What is due").click()
    assert page.locator("#overdue tbody tr", has_text="WEB-OVERDUE-1").filter(has_text="Mrs Helen Carter").count() == 0
    assert page.locator("#overdue tbody tr", has_text="WEB-OVERDUE-1").filter(has_text="Copy of the plan").count() > 0

    # upload a form; the running docgen watch publishes it
    upload = tmp_path / "upload-form.json"
    upload.write_text(json.dumps(overdue_record("WEB-UPLOAD-1", days_ago=3)), encoding="utf-8")
    page.get_by_role("link", name="Upload a form").click()
    page.get_by_label("Completed form").set_input_files(str(upload))
    page.get_by_role("button", name="Upload").click()
    deadline = time.monotonic() + 60
    while "Published" not in page.locator("#outcome").inner_text():
        assert time.monotonic() < deadline, "the uploaded form was not published by docgen watch"
        time.sleep(0.5)
        page.get_by_role("link", name="Check again").click()
    shoot(page, "upload", tmp_path)
    page.get_by_role("link", name="Open case WEB-UPLOAD-1").click()
    assert page.locator("h1").inner_text() == "WEB-UPLOAD-1"
    assert (server.root / "outbox" / "WEB-UPLOAD-1").is_dir()

    # a rejected form's report, laid out
    page.get_by_role("link", name="Rejected forms").click()
    assert "community support worker" in page.locator("main").inner_text().lower()
    shoot(page, "rejected", tmp_path)
    page.get_by_role("link", name="Report").click()
    shoot(page, "report", tmp_path)
    context.close()


def test_no_serious_or_critical_accessibility_problem_on_any_main_page(site: tuple[Server, subprocess.Popen[str]], browser: Any) -> None:
    server, _ = site
    page = browser.new_page()
    page.goto(f"{server.url}/login")
    problems = {"/login": axe_problems(page)}
    sign_in(page, server)
    for path in ["/", "/cases/WEB-OVERDUE-1", "/cases", "/rejected", "/upload", "/report", "/forms", "/audit", "/nowhere"]:
        page.goto(f"{server.url}{path}")
        problems[path] = axe_problems(page)
    page.goto(f"{server.url}/cases")
    page.get_by_label("A child's name, LA child ID or the case reference").fill("Jones")
    page.get_by_role("button", name="Search").click()
    assert "cases found" in page.locator("main").inner_text()
    problems["/cases/search"] = axe_problems(page)
    assert {p: v for p, v in problems.items() if v} == {}
    page.close()


def test_keyboard_only_skip_link_tab_order_and_visible_focus(site: tuple[Server, subprocess.Popen[str]], browser: Any) -> None:
    server, _ = site
    page = browser.new_page()
    page.goto(f"{server.url}/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => ({cls: document.activeElement.className, text: document.activeElement.textContent.trim(), h: document.activeElement.getBoundingClientRect().height})")
    assert focused["text"] == "Skip to main content" and focused["h"] > 0  # visible once focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main-content"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "username"
    page.keyboard.type("admin")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Sign in"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/")

    # every element the keyboard reaches, in order, shows where focus is
    seen: list[str] = []
    for _ in range(16):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => { const e = document.activeElement;
                 const look = () => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineColor, s.outlineWidth, s.boxShadow, s.backgroundColor, s.color].join('|'); };
                 const focused = look(); e.blur(); const unfocused = look(); e.focus();
                 return {what: e.tagName + ' ' + (e.textContent || e.id).trim().slice(0, 30), marked: focused !== unfocused}; }"""
        )
        assert state["marked"], f"focus does not change how {state['what']} looks"
        seen.append(state["what"])
    assert seen[0] == "A Skip to main content"
    assert seen.index("A What is due") < seen.index("A Find a case") < seen.index("BUTTON Sign out")
    page.close()
