"""``docgen rebuild-ledger`` on a root of many cases: ``.venv/bin/python bench/rebuild.py [--cases N]`` (``make bench`` runs it).

The root is made as the service leaves it: each case has an initial meeting and a review published (manifest, source
form and the journal's note of each, with its record), a visit recorded and a copy sent. The ledger is then deleted and
made again by ``docgen rebuild-ledger`` in a fresh process; ``docgen due --json`` must give what it gave before.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
TARGET_S = 60.0


def busy_root(root: Path, cases: int) -> None:
    """``cases`` cases published into ``root`` as the service would leave them, with a visit and a sent copy each."""
    from docgen.deadlines import meeting_deadlines
    from docgen.ledger import Ledger, Visit
    from docgen.profiles import shipped
    from docgen.render.manifest_file import write_manifest

    initial = json.loads((EXAMPLES / "standard" / "initial-jones.json").read_text(encoding="utf-8"))
    source = EXAMPLES / "standard" / "initial-jones.docx"
    profile = shipped().load("standard")
    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text("pdf = false\n", encoding="utf-8")
    with Ledger.open(root) as ledger:
        for n in range(cases):
            reference = f"BENCH-{n:05d}"
            for kind, date, next_review in (("initial", "2026-12-17", "2027-02-11"), ("review", "2027-02-11", "2027-04-08")):
                record = json.loads(json.dumps(initial))
                record["case"]["reference"] = reference
                record["meeting"].update(type=kind, date=date, next_review_date=next_review)
                folder = root / "outbox" / reference / f"{date}-{kind}"
                (folder / "source").mkdir(parents=True)
                shutil.copyfile(source, folder / "source" / f"{kind}.docx")
                manifest = {
                    "source": {"name": f"{kind}.docx", "sha256": hashlib.sha256(f"{n}-{kind}".encode()).hexdigest()},
                    "policy": "standard",
                    "case_reference": reference,
                    "meeting": {"type": kind, "date": date, "folder": f"{date}-{kind}"},
                    "documents": [{"path": f"source/{kind}.docx", "kind": "source", "child": None}],
                    "deadlines": [d.to_json() for d in meeting_deadlines(record, profile)],
                    "distribution": [],
                    "generated_at": f"{date}T17:00:00+00:00",
                }
                write_manifest(folder, manifest)
                ledger.publish_meeting(manifest, record=record)
            ledger.record_visits([Visit(reference, "C1", dt.date(2027, 1, 20), True)], source="bench")
            [review] = [m for m in ledger.meetings(reference) if m.meeting_type == "review"]
            ledger.mark_copies_sent(review.id, [("Sarah Jones", None, dt.date(2027, 2, 12), "bench")])


def _due(root: Path) -> str:
    command = [sys.executable, "-m", "docgen", "due", "--root", str(root), "--as-of", "2027-03-01", "--json"]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=600).stdout


def rebuild_lines(cases: int) -> list[str]:
    """Times ``docgen rebuild-ledger`` on ``cases`` cases; one markdown line saying how long and whether ``due`` came back the same."""
    with tempfile.TemporaryDirectory(prefix="docgen-bench-rebuild-") as tmp:
        root = Path(tmp) / "root"
        busy_root(root, cases)
        before = _due(root)
        journal_mb = (root / "journal" / "facts.jsonl").stat().st_size / 1e6
        for name in ("ledger.sqlite3", "ledger.sqlite3-wal", "ledger.sqlite3-shm"):
            (root / ".docgen" / name).unlink(missing_ok=True)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "docgen", "rebuild-ledger", "--root", str(root)], check=True, capture_output=True, timeout=3600
        )
        seconds = time.perf_counter() - started
        same = _due(root) == before
    verdict = "met" if seconds < TARGET_S else "NOT met"
    return [
        f"`docgen rebuild-ledger` with {cases:,} cases (an initial meeting and a review each, a visit and a sent copy; "
        f"journal of facts {journal_mb:.1f} MB; a fresh process): {seconds:.1f} s (target < {TARGET_S:g} s: {verdict}); "
        f"`docgen due --json` afterwards {'identical' if same else 'DIFFERENT'}."
    ]


def main() -> None:
    """Prints the line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases in the root (default 2000)")
    print("\n".join(rebuild_lines(parser.parse_args().cases)))


if __name__ == "__main__":
    main()
