"""The web app's guards on their own: sign-in throttling, signed sessions, listening rules, settings, upload names, charts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from docgen.config import load_settings
from docgen.errors import ConfigError
from docgen.settings.web import WebSettings, load_web_settings
from docgen.web import sessions as sessions_module
from docgen.web import throttle as throttle_module
from docgen.web.charts import line_chart, progress_chart
from docgen.web.inbox import safe_name
from docgen.web.server import check_listening
from docgen.web.sessions import Sessions
from docgen.web.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(throttle_module.time, "monotonic", fake)
    monkeypatch.setattr(sessions_module.time, "monotonic", fake)
    return fake


def test_throttle_reserves_each_check_so_an_account_gets_its_limit_in_the_window_and_no_more(clock: Clock) -> None:
    throttle = LoginThrottle(per_account=3, per_address=100, window_seconds=900)
    tickets = [throttle.reserve("amy", f"10.0.0.{n}") for n in range(5)]  # five at once, none answered yet
    assert [wait == 0 for wait, _ in tickets] == [True, True, True, False, False]
    assert tickets[3] == (900, None)  # until the oldest check leaves the window
    assert throttle.reserve("AMY", "10.0.0.9")[1] is None  # the account, from any address, in any case
    assert throttle.reserve("bob", "10.0.0.1")[1] is not None  # other accounts are not held up
    clock.now += 901
    wait, ticket = throttle.reserve("amy", "10.0.0.1")
    assert wait == 0 and ticket is not None
    throttle.succeeded("amy", "10.0.0.1", ticket)  # the real user signed in: the account starts afresh
    assert all(throttle.reserve("amy", "10.0.0.1")[1] is not None for _ in range(3))


def test_throttle_limits_an_address_trying_many_accounts(clock: Clock) -> None:
    throttle = LoginThrottle(per_account=5, per_address=4, window_seconds=900)
    for name in ("a", "b", "c", "d"):
        assert throttle.reserve(name, "10.9.9.9")[1] is not None
    assert throttle.reserve("e", "10.9.9.9") == (900, None)
    assert throttle.reserve("e", "10.0.0.1")[1] is not None
    clock.now += 901
    assert throttle.reserve("e", "10.9.9.9")[1] is not None  # checks older than the window are forgotten


def test_sessions_end_ten_hours_after_sign_in_however_active(clock: Clock) -> None:
    store = Sessions(b"k" * 32, idle_seconds=1800)
    session = store.start("amy")
    for _ in range(20):  # busy every 29 minutes (never idle for the 30), for 9 hours 40 minutes
        clock.now += 29 * 60
        assert store.find(session.id) is not None
    clock.now += 29 * 60  # 10 hours 9 minutes after signing in
    assert store.find(session.id) is None


def test_sessions_are_signed_rotate_and_expire_when_idle(clock: Clock) -> None:
    store = Sessions(b"k" * 32, idle_seconds=1800)
    first = store.start("amy")
    signed = store.sign(first.id)
    assert store.unsign(signed) == first.id
    assert store.unsign(signed[:-1] + "x") is None and store.unsign("nonsense") is None and store.unsign(None) is None
    assert Sessions(b"other key" * 4, 1800).unsign(signed) is None
    second = store.start("amy", replacing=first.id)
    assert second.id != first.id and store.find(first.id) is None
    clock.now += 1799
    assert store.find(second.id) is not None  # each request restarts the idle clock
    clock.now += 1801
    assert store.find(second.id) is None
    assert store.csrf_ok("x", store.csrf_token("x")) and not store.csrf_ok("y", store.csrf_token("x")) and not store.csrf_ok(None, "")


def test_listening_anywhere_but_loopback_needs_tls_or_a_proxy() -> None:
    check_listening("127.0.0.1", WebSettings())
    check_listening("::1", WebSettings())
    check_listening("0.0.0.0", WebSettings(tls_cert="c.pem", tls_key="k.pem"))
    check_listening("0.0.0.0", WebSettings(trusted_proxy="10.0.0.5"))
    with pytest.raises(ConfigError, match=r"will not listen on 192\.168\.1\.4 without encryption"):
        check_listening("192.168.1.4", WebSettings())


def test_web_settings_are_read_from_their_table_and_checked(tmp_path: Path) -> None:
    (tmp_path / "docgen.toml").write_text('policy = "standard"\n[web]\nidle_minutes = 15\ntrusted_proxy = "10.0.0.5"\n')
    assert load_web_settings(tmp_path) == WebSettings(idle_minutes=15.0, trusted_proxy="10.0.0.5")
    assert load_settings(tmp_path).policy == "standard"  # the [web] table is not the inbox service's business
    for bad, says in [
        ("tls_cert = 'c.pem'", "tls_cert and tls_key go together"),
        ("trusted_proxy = 'proxy.council'", "must be the proxy's IP address"),
        ("idle_minutes = 0", "idle_minutes must be a number above 0"),
        ("colour = 'blue'", "settings docgen does not know: colour"),
    ]:
        (tmp_path / "docgen.toml").write_text(f"[web]\n{bad}\n")
        with pytest.raises(ConfigError, match=says):
            load_web_settings(tmp_path)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("plan.docx", "plan.docx"), ("../../etc/passwd", "passwd"), ("C:\\Users\\amy\\form.docx", "form.docx"), (".hidden.docx", "hidden.docx"),
     ("~$lock.docx", "lock.docx"), ("a\x00b<c>.xlsx", "a_b_c_.xlsx"), ("..", "upload"), ("CON.docx", "CON_.docx"),
     ("nul.xlsx", "nul_.xlsx"), ("com1.docx", "com1_.docx"), ("plan\u202excod.docx", "plan_xcod.docx"), ("a\u2066b\u200f.xlsx", "a_b_.xlsx")],
)
def test_upload_names_keep_the_file_name_only(sent: str, kept: str) -> None:
    assert safe_name(sent) == kept


def test_scaling_chart_spaces_points_by_date_on_a_fixed_scale() -> None:
    chart = line_chart([(dt.date(2026, 1, 1), 2), (dt.date(2026, 1, 11), 10), (dt.date(2026, 1, 31), 0)], low=0, high=10, label="Scaling")
    assert chart is not None
    (x0, y0, *_), (x1, y1, *_), (x2, y2, *_) = chart.points
    assert (x0, x2) == (chart.left, chart.right) and x1 == pytest.approx(chart.left + (chart.right - chart.left) / 3)
    assert (y1, y2) == (chart.top, chart.bottom) and y0 == pytest.approx(chart.bottom - 0.2 * (chart.bottom - chart.top))
    assert line_chart([], low=0, high=10, label="x") is None


def test_progress_chart_stacks_each_meetings_objectives_on_one_scale_and_says_it_in_words() -> None:
    from docgen.web.pages import make_templates

    rows = progress_chart([("Initial 2026-01-01", {}), ("Review 2026-03-01", {"achieved": 1, "progressing": 2}), ("Review 2026-05-01", {"achieved": 4})])
    assert [r.label for r in rows] == ["Review 2026-03-01", "Review 2026-05-01"]  # an initial meeting records no progress
    first, second = rows
    assert [(w, css, n) for _, w, css, n, _ in first.segments] == [(105.0, "app-chart__achieved", 1), (210.0, "app-chart__progressing", 2)]
    assert first.segments[1][0] == 200 + 105.0 and second.segments[0][1] == 420.0
    svg = make_templates().from_string('{% from "chart.html" import progress %}{{ progress(rows, "p") }}').render(rows=rows)
    assert "Objectives by progress at each meeting: Review 2026-03-01: 1 achieved, 2 progressing; Review 2026-05-01: 4 achieved" in svg
    assert progress_chart([("Initial", {})]) == []


def test_serve_refuses_a_folder_that_is_not_a_root_and_an_address_beyond_loopback(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from docgen.cli import main

    missing = CliRunner().invoke(main, ["serve", "--root", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    (tmp_path / "inbox").mkdir()
    exposed = CliRunner().invoke(main, ["serve", "--root", str(tmp_path), "--host", "10.1.2.3"])
    assert exposed.exit_code == 2 and "will not listen on 10.1.2.3 without encryption" in exposed.output
