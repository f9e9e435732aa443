"""Benchmark of the staff web app: ``make bench-web`` (``.venv/bin/python bench/web.py [--cases N] [--requests R] [--users U]``).

Builds a ledger of N cases (default 2,000), each with two meetings and about 30 deadlines (60,000 or
more in all) through the ledger's own ``publish_meeting``, starts ``docgen serve`` as a real process on a free port, signs in through the sign-in
form with a real HTTP client (httpx), then measures:

- every page, R times each (default 40) one after another: median and 95th percentile in milliseconds;
  the overview with a new filter each time as well as repeated (it is cached until the ledger changes);
- U users at once (default 20), each signed in on their own, each fetching the main pages in turn:
  errors (anything but 200) and the 95th percentile under that load.

Prints a markdown table and writes it to ``bench/results/web-latest.md``. The goal: every page under
200 ms at the 95th percentile, and no errors with 20 users at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
PASSWORD = "benchmark password"
GOAL_MS = 200.0
KEY_WORKERS = [f"Key Worker {n:02d}" for n in range(40)]


def build_ledger(root: Path, cases: int, recipients: int = 12) -> int:
    """N cases, each an initial meeting and a review 12 weeks on, through the ledger's own ``publish_meeting``; returns the deadline count.

    Each meeting sets its record, its next review, visits every 14 days and a copy for each of ``recipients`` people:
    about 30 deadlines a case, so 2,000 cases hold 60,000 or more, however the ledger counts visits.
    """
    sys.path.insert(0, str(REPO))
    from docgen.ledger import Ledger
    from docgen.web.accounts import Accounts

    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text('policy = "standard"\n', encoding="utf-8")
    today = dt.date.today()
    with Ledger.open(root) as ledger:
        for n in range(cases):
            reference = f"BENCH-{n:05d}"
            initial = today - dt.timedelta(days=90 + n % 200)
            for number, (kind, held) in enumerate((("initial", initial), ("review", initial + dt.timedelta(days=84)))):
                if held > today:
                    continue
                folder = f"{held.isoformat()}-{kind}"

                def after(days: int, held: dt.date = held) -> str:
                    return (held + dt.timedelta(days=days)).isoformat()

                manifest = {
                    "source": {"name": f"{reference}-{kind}.docx", "sha256": f"{n:060x}{number:04x}"},
                    "policy": "standard",
                    "case_reference": reference,
                    "case": {"plan_start_date": initial.isoformat(), "referral_date": (initial - dt.timedelta(days=30)).isoformat()},
                    "meeting": {"type": kind, "date": held.isoformat(), "folder": folder, "visit_frequency_days": 14},
                    "key_worker": {"name": KEY_WORKERS[n % len(KEY_WORKERS)]},
                    "children": ["C1", "C2"],
                    "warnings": [],
                    "documents": [{"path": "plan-C1.docx", "kind": "plan", "child": "C1"}, {"path": "meeting-record.docx", "kind": "meeting_record", "child": None}],
                    "deadlines": [
                        {"kind": "record_due", "date": after(7), "section": "procedure 3.1", "description": "Record of Planning Meeting"},
                        {"kind": "copies_due", "date": after(14), "section": "procedure 3.3", "description": "Copies of the plan"},
                        {"kind": "next_review", "date": after(84), "section": "procedure 4.1", "description": "Review meeting"},
                        *({"kind": "visit", "date": after(14 * v), "section": "procedure 5.2", "description": f"Statutory visit {v}"} for v in range(1, 6)),
                    ],
                    "distribution": [
                        {"recipient": f"Person {r} of {reference}", "role": "parent", "document": "plan-C1.docx", "delivery": "email", "due": after(14)}
                        for r in range(recipients)
                    ],
                    "generated_at": f"{held.isoformat()}T12:00:00+00:00",
                }
                ledger.publish_meeting(manifest)
                out = root / "outbox" / reference / folder
                out.mkdir(parents=True)
                (out / "plan-C1.docx").write_bytes(b"PK" + os.urandom(20000))
        count = len(ledger.deadlines())
    Accounts(root).add("bench", "admin", PASSWORD)
    return count


def meeting_folder(n: int) -> str:
    """The folder of case ``n``'s initial meeting."""
    return f"{(dt.date.today() - dt.timedelta(days=90 + n % 200)).isoformat()}-initial"


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def signed_in(url: str) -> httpx.Client:
    """A client signed in through the sign-in form."""
    client = httpx.Client(base_url=url, timeout=30)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def p95(values: list[float]) -> float:
    """The 95th percentile."""
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def timed(client: httpx.Client, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(path)
    return (time.perf_counter() - started) * 1000, response.status_code


def pages(cases: int) -> list[tuple[str, Any]]:
    """Each page, as a name and a function from the request number to its path."""
    today = dt.date.today()
    return [
        ("GET /healthz", lambda n: "/healthz"),
        ("GET /login", lambda n: "/login"),
        ("overview, same filters", lambda n: "/"),
        ("overview, a new key worker each time", lambda n: f"/?key_worker=Key+Worker+{n % 40:02d}"),
        ("overview, a new as-of day each time", lambda n: f"/?as_of={(today + dt.timedelta(days=n + 1)).isoformat()}"),
        ("overview, one case", lambda n: f"/?case=BENCH-{(n * 37) % cases:05d}"),
        ("overview, one kind", lambda n: "/?kind=copies_due"),
        ("case page", lambda n: f"/cases/BENCH-{(n * 53) % cases:05d}"),
        ("document download", lambda n: f"/cases/BENCH-{(n * 53) % cases:05d}/{meeting_folder((n * 53) % cases)}/plan-C1.docx"),
        ("find a case", lambda n: "/cases"),
        ("rejected forms", lambda n: "/rejected"),
        ("upload form", lambda n: "/upload"),
        ("report, same period", lambda n: "/report"),
        ("report, a new period each time", lambda n: f"/report?from={(today - dt.timedelta(days=100 + n)).isoformat()}"),
        ("forms", lambda n: "/forms"),
        ("audit log", lambda n: "/audit"),
    ]


def concurrent(url: str, users: int, rounds: int, cases: int) -> tuple[list[float], int, int]:
    """``users`` clients at once, each fetching the main pages ``rounds`` times; latencies, errors, requests."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    clients = [signed_in(url) for _ in range(users)]
    barrier = threading.Barrier(users)

    def user(number: int, client: httpx.Client) -> None:
        nonlocal errors
        barrier.wait()
        for r in range(rounds):
            for path in ("/", f"/cases/BENCH-{(number * 97 + r) % cases:05d}", f"/?key_worker=Key+Worker+{(number + r) % 40:02d}", "/rejected"):
                try:
                    ms, status = timed(client, path)
                except httpx.HTTPError:
                    ms, status = 0.0, 0
                with lock:
                    latencies.append(ms)
                    errors += status != 200

    threads = [threading.Thread(target=user, args=(n, c)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, users * rounds * 4


def main() -> None:
    """Builds the ledger, starts the server, measures, prints and saves the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=40, help="requests per page (default 40)")
    parser.add_argument("--users", type=int, default=20, help="users at once (default 20)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the main pages per concurrent user (default 5)")
    parser.add_argument("--report-requests", type=int, default=10, help="report periods worked out afresh (default 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docgen-web-bench-") as temp:
        root = Path(temp) / "root"
        started = time.perf_counter()
        deadlines = build_ledger(root, args.cases)
        print(f"ledger: {args.cases} cases, {deadlines} deadlines, built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "docgen", "serve", "--root", str(root), "--port", str(port)], cwd=REPO)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            client = signed_in(url)
            rows = []
            for name, path in pages(args.cases):
                first, status = timed(client, path(0))
                assert status == 200, (name, status)
                count = args.report_requests if name.startswith("report, a new period") else args.requests
                times = [timed(client, path(n))[0] for n in range(1, count + 1)]
                rows.append((name, first, statistics.median(times), p95(times)))
            latencies, errors, total = concurrent(url, args.users, args.rounds, args.cases)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    lines = [
        f"Web app on {platform.node()} ({os.cpu_count()} CPUs), {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: "
        f"{args.cases} cases, {deadlines} deadlines; {args.requests} requests per page after a first one; goal p95 < {GOAL_MS:.0f} ms",
        "",
        "| page | first (ms) | median (ms) | p95 (ms) | under goal |",
        "|---|---:|---:|---:|---|",
        *(f"| {name} | {first:.0f} | {median:.0f} | {high:.0f} | {'yes' if high < GOAL_MS else 'NO'} |" for name, first, median, high in rows),
        "",
        f"{args.users} users at once, {total} requests: {errors} errors, median {statistics.median(latencies):.0f} ms, p95 {p95(latencies):.0f} ms.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "web-latest.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
