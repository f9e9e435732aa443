"""PDF measurements for ``bench/run.py``: latency under a warm ``docgen watch``, a warm one-shot soffice, batch throughput.

- drop-to-manifest under ``docgen watch`` with PDFs on, for a two-child form (four documents), median of N drops,
  each drop followed by the same form's four documents through one ``soffice --convert-to pdf`` run whose
  profile is already made (a warm one-shot: what each form paid before the warm converter), same export settings;
- documents per second for a batch of forms dropped at once into a warm ``docgen watch``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def watching(root: Path) -> Iterator[subprocess.Popen[str]]:
    """``docgen watch`` on ``root``, yielded once it says it is watching (LibreOffice warm), stopped after."""
    service = subprocess.Popen(
        [sys.executable, "-m", "docgen", "watch", "--root", str(root)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        assert service.stderr is not None
        while "watching" not in service.stderr.readline():
            if service.poll() is not None:
                raise SystemExit("docgen watch did not start")
        yield service
    finally:
        service.terminate()
        service.wait(timeout=120)


def pdf_root(base: Path, name: str, settle: float, workers: int) -> Path:
    """A fresh root with PDFs on."""
    root = base / name
    (root / "inbox").mkdir(parents=True)
    (root / "docgen.toml").write_text(f'policy = "standard"\npdf = true\nworkers = {workers}\nsettle_seconds = {settle}\n')
    return root


def drop(form: Path, inbox: Path) -> None:
    """Copies hidden, then renames into place: the drop is the rename."""
    staging = inbox / f".{form.name}.tmp"
    shutil.copy(form, staging)
    os.rename(staging, inbox / form.name)


def published(root: Path) -> list[dict[str, object]]:
    """The manifests published so far."""
    found = []
    for path in root.glob("outbox/*/*/manifest.json"):
        with contextlib.suppress(ValueError, OSError):
            found.append(json.loads(path.read_text(encoding="utf-8")))
    return found


def wait_for(root: Path, count: int, limit: float = 300.0) -> None:
    """Waits until ``count`` manifests are published."""
    started = time.perf_counter()
    while len(list(root.glob("outbox/*/*/manifest.json"))) < count:
        if time.perf_counter() - started > limit:
            raise SystemExit(f"only {len(published(root))} of {count} forms were published in {root}")
        time.sleep(0.002)


def latency_beside_one_shot(base: Path, forms: list[Path], settle: float, workers: int) -> tuple[list[float], list[float], int]:
    """Drops the forms one at a time into a warm ``docgen watch``, each followed by one warm one-shot ``soffice`` of its documents.

    Interleaved, so that both see the same load from whatever else runs on the machine. Returns the
    latencies (drop settled → manifest, PDFs made), the one-shot wall times, and the documents per form.
    """
    root = pdf_root(base, "latency-pdf", settle, workers)
    command = one_shot_command(base)
    subprocess.run([*command, "--outdir", str(base / "one-shot-profile-made"), str(REPO / "templates" / "plan.docx")], check=True, capture_output=True)
    latencies, one_shots = [], []
    documents = 0
    with watching(root):
        time.sleep(1.0)  # let start-up's own work finish, as a service in use has
        for n, form in enumerate(forms, start=1):
            drop(form, root / "inbox")
            dropped = time.perf_counter()
            wait_for(root, n)
            latencies.append(time.perf_counter() - dropped - settle)
            folder = next(root.glob(f"outbox/{form.name[: len('BENCH-0000')]}/*"))
            words = sorted(str(p) for p in folder.glob("*.docx"))
            if not list(folder.glob("plan-*.pdf")):
                raise SystemExit("docgen watch published without PDFs: is LibreOffice installed?")
            out = base / f"one-shot-{n}"
            started = time.perf_counter()
            subprocess.run([*command, "--outdir", str(out), *words], check=True, capture_output=True, timeout=300)
            one_shots.append(time.perf_counter() - started)
            if len(list(out.glob("*.pdf"))) != len(words):
                raise SystemExit("the one-shot soffice did not convert every document")
            documents = len(words)
    return latencies, one_shots, documents


def one_shot_command(base: Path) -> list[str]:
    """``soffice --convert-to pdf`` with docgen's export settings and a profile of its own, kept between runs (warm)."""
    from docgen.pdf.making import _one_shot_filter, find_soffice

    soffice = find_soffice()
    assert soffice is not None
    profile = (base / "one-shot-profile").as_uri()
    return [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo", "--convert-to", _one_shot_filter()]


def batch_throughput(base: Path, forms: list[Path], workers: int) -> tuple[float, int]:
    """Seconds for a warm ``docgen watch`` to publish every form dropped at once, and the PDFs of documents it made."""
    root = pdf_root(base, "throughput-pdf", 0.0, workers)
    with watching(root):
        time.sleep(1.0)
        staging = base / "throughput-staging"
        staging.mkdir()
        for form in forms:
            shutil.copy(form, staging / form.name)
        started = time.perf_counter()
        for form in forms:
            os.rename(staging / form.name, root / "inbox" / form.name)
        wait_for(root, len(forms))
        elapsed = time.perf_counter() - started
    documents = sum(1 for m in published(root) for d in m["documents"] if isinstance(d, dict) and d.get("kind") == "pdf")  # type: ignore[union-attr]
    return elapsed, documents


def report(latencies: list[float], one_shots: list[float], documents: int, batch: tuple[float, int], forms: int, settle: float) -> list[str]:
    """The PDF section of the benchmark's table."""
    latency, shot = statistics.median(latencies), statistics.median(one_shots)
    seconds, made = batch
    ratio, rate = latency / shot, made / seconds
    return [
        "",
        "PDFs (LibreOffice warm under `docgen watch`, tagged PDF/A-2b; the same export settings for the one-shot):",
        "",
        "| measurement | result |",
        "|---|---|",
        f"| drop-to-manifest under `watch`, two-child form ({documents} documents), PDFs on, after settling ({settle:g} s) | "
        f"median {latency:.2f} s of {len(latencies)} (max {max(latencies):.2f} s) |",
        f"| the same {documents} documents through one warm one-shot `soffice --convert-to pdf` | median {shot:.2f} s of {len(one_shots)} |",
        f"| latency / one-shot | **{ratio:.2f}** (goal ≤ 0.6: {'met' if ratio <= 0.6 else 'NOT met'}) |",
        f"| {forms} forms dropped at once into a warm `watch`: {made} PDFs of documents | {seconds:.1f} s, **{rate:.1f} documents/s** "
        f"(goal ≥ 4: {'met' if rate >= 4 else 'NOT met'}) |",
    ]
