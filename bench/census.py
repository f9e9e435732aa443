"""Benchmark of the CIN census export: ``.venv/bin/python bench/census.py [--cases N] [--repeat R]`` (part of ``make bench``).

Builds a ledger of N cases (default 2,000) over a census year: each with an initial meeting and two reviews,
every third one closed, every fifth one reopened after its closure with a new referral, two children each with
their own LA child ID. Then times ``docgen export census`` as a fresh process (interpreter start and imports
included), median of R runs, against the goal of under 5 seconds, and writes the line to
``bench/results/census.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from run import EXAMPLES, RESULTS, measure  # bench/run.py, beside this file

GOAL_S = 5.0
YEAR = 2027


def _meeting(record: dict[str, Any], reference: str, kind: str, date: dt.date, referral: dt.date, start: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
    out = json.loads(json.dumps(record))
    out["case"].update(reference=reference, referral_date=referral.isoformat(), plan_start_date=start.isoformat())
    out["meeting"].update(type=kind, date=date.isoformat(), next_review_date=(date + dt.timedelta(days=84)).isoformat())
    manifest = {
        "source": {"name": f"{kind}.docx", "sha256": hashlib.sha256(f"{reference}-{date}-{kind}".encode()).hexdigest()},
        "policy": "standard",
        "case_reference": reference,
        "meeting": {"type": kind, "date": date.isoformat(), "folder": f"{date}-{kind}"},
        "deadlines": [],
        "distribution": [],
        "generated_at": f"{date}T17:00:00+00:00",
    }
    return manifest, out


def ledger_of_a_year(root: Path, cases: int) -> int:
    """A root whose ledger holds ``cases`` cases across census year 2027; returns the number of meetings."""
    from docgen.ledger import Ledger

    initial = json.loads((EXAMPLES / "standard" / "initial-jones.json").read_text(encoding="utf-8"))
    (root / "inbox").mkdir(parents=True)
    meetings = 0
    with Ledger.open(root) as ledger:
        for n in range(cases):
            reference = f"BENCH-{n:05d}"
            record = json.loads(json.dumps(initial))
            for index, child in enumerate(record["children"]):
                child["la_child_id"] = f"LCS{n:06d}{index}"
            referral = dt.date(2026, 1, 5) + dt.timedelta(days=n % 300)
            start = referral + dt.timedelta(days=21)
            plan = [("initial", start), ("review", start + dt.timedelta(days=84)), ("review", start + dt.timedelta(days=168))]
            if n % 3 == 0:
                plan.append(("closure", start + dt.timedelta(days=200)))
                if n % 5 == 0:
                    again = start + dt.timedelta(days=260)
                    plan += [("initial", again), ("review", again + dt.timedelta(days=84))]
            for kind, date in plan:
                new_referral = referral if date < start + dt.timedelta(days=250) else start + dt.timedelta(days=240)
                new_start = start if date < start + dt.timedelta(days=250) else start + dt.timedelta(days=260)
                manifest, meeting = _meeting(record, reference, kind, date, new_referral, new_start)
                ledger.publish_meeting(manifest, record=meeting)
                meetings += 1
    return meetings


def main() -> None:
    """Builds the ledger, times the export and prints the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases in the ledger (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the export; the median is reported (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docgen-bench-census-") as tmp:
        root = Path(tmp) / "root"
        meetings = ledger_of_a_year(root, args.cases)
        command = [sys.executable, "-m", "docgen", "export", "census", "--year", str(YEAR), "--root", str(root), "--out", str(Path(tmp) / "out")]
        runs = [measure(command) for _ in range(args.repeat)]
        seconds, rss = statistics.median(s for s, _ in runs), max(r for _, r in runs)
        plans = sum(1 for _ in (Path(tmp) / "out" / f"cin-plans-{YEAR}.csv").open(encoding="utf-8")) - 1
    line = (
        f"`docgen export census --year {YEAR}` over {args.cases:,} cases ({meetings:,} meetings, {plans:,} child plans in the year; "
        f"median of {args.repeat} fresh processes): {seconds:.2f} s, peak RSS {rss:.0f} MB "
        f"(goal < {GOAL_S:g} s: {'met' if seconds < GOAL_S else 'NOT met'})."
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "census.md").write_text(line + "\n", encoding="utf-8")
    print(line)


if __name__ == "__main__":
    main()
