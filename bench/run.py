"""Benchmark of the inbox service: ``make bench`` (``.venv/bin/python bench/run.py [--forms N] [--workers W]``).

Measures, in one run on this machine:

- ``docgen run --once`` over N realistic forms (copies of the example Word and Excel forms, each
  with its own case reference) with 1 worker and with W workers: wall time, forms/s, peak RSS;
- the floor: the bare libraries doing the same job in one process — python-docx reading the
  controls (openpyxl for the Excel forms), docxtpl rendering each plan and the meeting record from
  the same templates, openpyxl writing the distribution list — for the same forms;
- the latency from a drop settling to its ``manifest.json`` under ``docgen watch`` (PDF off);
- ``docgen send``: messages per second to a local SMTP server (``bench/send.py``).
- with LibreOffice installed, the PDF figures of ``bench/pdf_bench.py``: latency with PDFs against a warm
  one-shot ``soffice``, and documents per second over a batch (``--no-pdf`` skips them);
- ``docgen case REF`` and ``docgen forms --case REF`` against a ledger holding ``--cases`` cases (default
  2,000), each with an initial meeting and a review (``--case-history-only`` runs just these);
- ``docgen rebuild-ledger`` on a root of ``--cases`` cases (``bench/rebuild.py``, which also runs alone).

Each of the three runs is repeated (`--repeat`, default 3, interleaved) and the median wall time
reported. Every measurement is a fresh process (interpreter start and imports included on both sides), and
its peak RSS comes from ``os.wait4`` for that process. Prints a markdown table and writes it to
``bench/results/latest.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
RESULTS = REPO / "bench" / "results"
#: the example forms the benchmark copies, with the record each was filled from
SOURCES = [
    "standard/initial-jones.docx",
    "standard/review-patel.xlsx",
    "south-gloucestershire/initial-hughes.docx",
    "south-gloucestershire/closure-brennan.xlsx",
]
TARGETS = {"single_vs_floor": 1.5, "latency_s": 1.0, "case_s": 0.5, "forms_case_s": 1.0}


def make_forms(folder: Path, count: int, first: int = 0) -> list[Path]:
    """Writes ``count`` forms into ``folder``: the examples in turn, each given a new case reference (so every one is new content)."""
    folder.mkdir(parents=True, exist_ok=True)
    forms = []
    for n in range(first, first + count):
        source = EXAMPLES / SOURCES[n % len(SOURCES)]
        old = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))["case"]["reference"]
        new = f"BENCH-{n:04d}"
        target = folder / f"{new}-{source.name}"
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename.endswith(".xml"):
                    data = data.replace(old.encode(), new.encode())
                out.writestr(item, data)
        forms.append(target)
    return forms


def record_for(form: Path) -> dict[str, Any]:
    """The canonical record a benchmark form was made from (with its new case reference)."""
    reference = form.name[: len("BENCH-0000")]
    original = form.name[len("BENCH-0000-") :]
    source = next(EXAMPLES / s for s in SOURCES if s.endswith(original))
    record: dict[str, Any] = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))
    record["case"]["reference"] = reference
    return record


# -- the floor: bare libraries, one process ----------------------------------------------------------


def floor(forms_dir: Path, out_dir: Path) -> None:
    """Reads every form with python-docx/openpyxl, renders each plan and the meeting record with docxtpl, writes the distribution list with openpyxl."""
    import docx
    import jinja2
    import openpyxl
    from docx.oxml.ns import qn
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    from docgen.deadlines import meeting_deadlines
    from docgen.profiles import shipped
    from docgen.render.context import child_plan_context, meeting_record_context
    from docgen.render.documents import TEMPLATE_DIR

    def jinja_environment() -> SandboxedEnvironment:  # the bare library: a new sandbox for each document
        return SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)

    today = dt.date.today()
    for form in sorted(forms_dir.iterdir()):
        if form.suffix == ".docx":  # python-docx reading the controls
            body = docx.Document(str(form)).element.body
            values = {}
            for sdt in body.iter(qn("w:sdt")):
                tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
                if tag is not None:
                    values[tag.get(qn("w:val"))] = "".join(t.text or "" for t in sdt.iter(qn("w:t")))
        else:
            workbook = openpyxl.load_workbook(str(form), data_only=True)
            values = {
                f"{ws.title}!{c.coordinate}": c.value
                for ws in workbook.worksheets
                for row in ws.iter_rows()
                for c in row
                if c.value is not None
            }
        assert values
        record = record_for(form)
        profile = shipped().load(record.get("policy") or "standard")
        deadlines = meeting_deadlines(record, profile)
        folder = out_dir / form.stem
        folder.mkdir(parents=True)
        for child in record["children"]:
            context = child_plan_context(
                record, child["id"], deadlines, procedure=profile.title, today=today, fields=shipped().reading_catalogue()
            )
            templates = ["plan.docx"] + (["plan-child.docx"] if child.get("plan_format") == "words_and_pictures" else [])
            for n, template in enumerate(templates):
                document = DocxTemplate(str(TEMPLATE_DIR / template))
                document.render(context, jinja_env=jinja_environment())
                document.save(str(folder / f"plan-{child['id']}{'-child' * n}.docx"))
        document = DocxTemplate(str(TEMPLATE_DIR / "meeting-record.docx"))
        context = meeting_record_context(record, deadlines, [], procedure=profile.title, today=today, fields=shipped().reading_catalogue())
        document.render(context, jinja_env=jinja_environment())
        document.save(str(folder / "meeting-record.docx"))
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Recipient", "Role", "Document", "Delivery", "Due", "Sent date"])
        people = [(p.get("name"), p.get("role"), p.get("delivery")) for p in record.get("participants", [])]
        for name, role, delivery in people:
            for child in record["children"]:
                sheet.append([name, role, f"plan-{child['id']}.docx", delivery, str(record["meeting"]["date"]), None])
        workbook.save(str(folder / "distribution.xlsx"))


# -- measuring ------------------------------------------------------------------------------------------


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Runs ``command`` as a fresh process: (wall seconds, peak RSS in MB of it and the children it waited for)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def service_root(base: Path, forms: list[Path], workers: int, settle: float = 0.0) -> Path:
    """A fresh root holding the forms in its inbox; settle 0 because the forms are complete before the run starts."""
    root = base / f"root-{workers}-{time.time_ns()}"
    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text(f'policy = "standard"\npdf = false\nworkers = {workers}\nsettle_seconds = {settle}\n')
    for form in forms:
        shutil.copy(form, root / "inbox" / form.name)
    return root


def check_published(root: Path, count: int) -> None:
    """Stops the benchmark unless every form was published."""
    published = len(list(root.glob("outbox/*/*/manifest.json")))
    if published != count:
        raise SystemExit(f"only {published} of {count} forms were published in {root}")


def latency(base: Path, forms: list[Path], settle: float) -> list[float]:
    """Drops forms one at a time into a watched inbox; seconds from each drop settling to its manifest."""
    root = service_root(base, [], 1, settle)
    service = subprocess.Popen(
        [sys.executable, "-m", "docgen", "watch", "--root", str(root)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert service.stderr is not None
        while "watching" not in service.stderr.readline():  # the watcher is up
            if service.poll() is not None:
                raise SystemExit("docgen watch did not start")
        results = []
        for form in forms:
            staging = root / "inbox" / f".{form.name}.tmp"  # hidden while written: the drop is the rename
            shutil.copy(form, staging)
            os.rename(staging, root / "inbox" / form.name)
            dropped = time.perf_counter()
            reference = form.name[: len("BENCH-0000")]
            while not list((root / "outbox" / reference).glob("*/manifest.json")):
                if time.perf_counter() - dropped > 60:
                    raise SystemExit(f"{form.name} was not published within a minute of its drop")
                time.sleep(0.002)
            results.append(time.perf_counter() - dropped - settle)
        return results
    finally:
        service.terminate()
        service.wait(timeout=60)


def pdf_figures(base: Path, forms: list[Path], args: argparse.Namespace) -> list[str]:
    """The PDF rows: two-child drops (every fourth example is initial-jones) under a warm watch, the one-shot, the batch."""
    import pdf_bench

    from docgen.pdf.making import find_soffice

    if find_soffice() is None:
        return ["", "PDFs: not measured (LibreOffice is not installed)."]
    two_child = [make_forms(base / "pdf-drops", 1, first=8000 + 4 * n)[0] for n in range(args.drops)]
    latencies, one_shots, documents = pdf_bench.latency_beside_one_shot(base, two_child, args.settle, args.workers)
    batch = pdf_bench.batch_throughput(base, forms, args.workers)
    return pdf_bench.report(latencies, one_shots, documents, batch, len(forms), args.settle)


# -- a case's history with many cases in the ledger -----------------------------------------------------


def ledger_of_cases(root: Path, cases: int) -> str:
    """A root whose ledger holds ``cases`` cases (an initial meeting and a review each, with records); returns a case in the middle."""
    import hashlib

    from docgen.deadlines import meeting_deadlines
    from docgen.ledger import Ledger
    from docgen.profiles import shipped

    initial = json.loads((EXAMPLES / "standard" / "initial-jones.json").read_text(encoding="utf-8"))
    profile = shipped().load("standard")
    (root / "inbox").mkdir(parents=True)
    with Ledger.open(root) as ledger:
        for n in range(cases):
            for kind, date, next_review in (("initial", "2026-12-17", "2027-02-11"), ("review", "2027-02-11", "2027-04-08")):
                record = json.loads(json.dumps(initial))
                record["case"]["reference"] = f"BENCH-{n:05d}"
                record["meeting"].update(type=kind, date=date, next_review_date=next_review)
                manifest = {
                    "source": {"name": f"{kind}.docx", "sha256": hashlib.sha256(f"{n}-{kind}".encode()).hexdigest()},
                    "policy": "standard",
                    "case_reference": record["case"]["reference"],
                    "meeting": {"type": kind, "date": date, "folder": f"{date}-{kind}"},
                    "deadlines": [d.to_json() for d in meeting_deadlines(record, profile)],
                    "distribution": [],
                    "generated_at": f"{date}T17:00:00+00:00",
                }
                ledger.publish_meeting(manifest, record=record)
    return f"BENCH-{cases // 2:05d}"


def case_history_rows(base: Path, cases: int, repeat: int) -> list[str]:
    """Median wall times of ``docgen case`` and ``docgen forms --case`` (fresh processes) with ``cases`` cases in the ledger."""
    root = base / "many-cases"
    reference = ledger_of_cases(root, cases)
    commands = {
        "case": [sys.executable, "-m", "docgen", "case", reference, "--root", str(root), "--json"],
        "forms_case": [
            sys.executable,
            "-m",
            "docgen",
            "forms",
            "--out",
            str(base / "next-forms"),
            "--case",
            reference,
            "--root",
            str(root),
        ],
    }
    first_forms = measure(commands["forms_case"])[0]  # the root's first: generates the blank forms it keeps under .docgen/forms
    times = {name: statistics.median(measure(command)[0] for _ in range(repeat)) for name, command in commands.items()}
    met = {name: "met" if times[name] < TARGETS[f"{name}_s"] else "NOT met" for name in times}
    return [
        f"With {cases:,} cases in the ledger (an initial meeting and a review each; median of {repeat} fresh processes): "
        f"`docgen case REF --json` {times['case']:.2f} s (target < {TARGETS['case_s']:g} s: {met['case']}); "
        f"`docgen forms --case REF` {times['forms_case']:.2f} s (target < {TARGETS['forms_case_s']:g} s: {met['forms_case']}; "
        f"the first on a root, which also generates the blank forms it keeps, {first_forms:.2f} s).",
    ]


def main() -> None:
    """Runs every measurement and writes the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=24, help="forms per run (default 24)")
    parser.add_argument("--workers", type=int, default=2, help="workers for the parallel run (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the three runs, interleaved; medians reported (default 3)")
    parser.add_argument("--drops", type=int, default=5, help="drops for the latency measurement (default 5)")
    parser.add_argument("--settle", type=float, default=1.0, help="settle_seconds while measuring latency (default 1)")
    parser.add_argument("--messages", type=int, default=40, help="messages for the sending measurement (default 40)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF measurements")
    parser.add_argument("--cases", type=int, default=2000, help="cases in the ledger for the case-history timings (default 2000)")
    parser.add_argument("--case-history-only", action="store_true", help="only time docgen case and docgen forms --case")
    parser.add_argument("--floor-only", nargs=2, metavar=("FORMS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_only:
        floor(Path(args.floor_only[0]), Path(args.floor_only[1]))
        return
    if args.case_history_only:
        with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
            text = "\n".join(case_history_rows(Path(tmp), args.cases, args.repeat)) + "\n"
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "case-history.md").write_text(text, encoding="utf-8")
        print(text)
        return

    load_before = os.getloadavg()[0]  # other work on the machine slows every row alike, the parallel one most
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        base = Path(tmp)
        forms = make_forms(base / "forms", args.forms)
        docgen = [sys.executable, "-m", "docgen", "run", "--once", "--root"]
        runs: dict[str, list[tuple[float, float]]] = {}
        for round_ in range(args.repeat):  # interleaved, so a burst of other load falls on every kind of run alike
            floor_out = base / f"floor-{round_}"
            floor_run = measure([sys.executable, str(Path(__file__).resolve()), "--floor-only", str(base / "forms"), str(floor_out)])
            runs.setdefault("floor", []).append(floor_run)
            for workers in (1, args.workers):
                root = service_root(base, forms, workers)
                runs.setdefault(f"workers={workers}", []).append(measure([*docgen, str(root)]))
                check_published(root, len(forms))
        rows = {name: (statistics.median(s for s, _ in got), max(r for _, r in got)) for name, got in runs.items()}
        drops = make_forms(base / "drops", args.drops, first=9000)  # new references, never seen by the watcher
        latencies = latency(base, drops, args.settle)
        pdf_lines = [] if args.no_pdf else pdf_figures(base, forms, args)
        case_lines = case_history_rows(base, args.cases, args.repeat)
    from rebuild import rebuild_lines  # bench/rebuild.py, beside this file
    from send import send_lines  # bench/send.py, beside this file

    sending = send_lines(args.messages)
    rebuilding = rebuild_lines(args.cases)

    floor_s = rows["floor"][0]
    single_s = rows["workers=1"][0]
    parallel_s = rows[f"workers={args.workers}"][0]
    n = args.forms
    lines = [
        f"Benchmark ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, load average {load_before:.1f} at the start, "
        f"Python {platform.python_version()}, {n} forms: "
        f"the four examples in turn, Word and Excel, PDF off; median of {args.repeat} interleaved rounds)",
        "",
        "| run | wall time | forms/s | × floor | peak RSS |",
        "|---|---|---|---|---|",
    ]
    for name, (seconds, rss) in rows.items():
        label = {"floor": "floor: bare python-docx + docxtpl + openpyxl, one process"}.get(name, f"`docgen run --once`, {name}")
        lines.append(f"| {label} | {seconds:.2f} s | {n / seconds:.1f} | {seconds / floor_s:.2f} | {rss:.0f} MB |")
    lines += [
        "",
        f"Drop-to-manifest latency under `docgen watch` after settling ({len(latencies)} drops, settle {args.settle:g} s): "
        f"median {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s.",
        "",
        f"Targets: 1 worker ≤ {TARGETS['single_vs_floor']}× floor → {single_s / floor_s:.2f}× "
        f"({'met' if single_s / floor_s <= TARGETS['single_vs_floor'] else 'NOT met'}); "
        f"{args.workers} workers faster than the floor → {parallel_s / floor_s:.2f}× ({'met' if parallel_s < floor_s else 'NOT met'}); "
        f"latency ≤ {TARGETS['latency_s']:g} s → max {max(latencies):.2f} s ({'met' if max(latencies) <= TARGETS['latency_s'] else 'NOT met'}).",
        "",
        *case_lines,
        *rebuilding,
        *sending,
        "",
        "Wall times include starting Python and importing the libraries on both sides; `run --once` also checks the templates at start-up, "
        "validates, writes the calendar, manifest and ledger and publishes atomically. Peak RSS is that of the largest single process "
        "(with workers, each worker holds about as much again).",
    ]
    table = "\n".join(lines + pdf_lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
