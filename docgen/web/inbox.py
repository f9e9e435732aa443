"""The inbox as the web app sees it: rejected forms and their reports, and forms sent through the browser.

An upload is written under ``.docgen/tmp/`` (the root's own file system), given the same first checks as any
drop (size, what the file really is, a zip's limits), then renamed into ``inbox/`` in one step, so the service
never sees half a file. What became of it is then read from the ledger by the file's sha256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from docgen.errors import FormError
from docgen.facts import append_fact, read_facts
from docgen.file_names import safe_file_name
from docgen.forms.safety import open_package, sniff
from docgen.ledger import SeenFile
from docgen.root import STATE_DIR, Layout
from docgen.service.filters import InboxFilter

__all__ = ["RejectedForm", "Upload", "mark_dealt_with", "receive_upload", "rejected_file", "rejected_forms"]

DEALT_WITH_PATH = Path(STATE_DIR) / "web-dealt-with.json"


@dataclass(frozen=True)
class RejectedForm:
    """A form in ``inbox/rejected/`` with its report."""

    name: str
    sha256: str
    rejected_at: dt.datetime
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    has_original: bool
    dealt_with: dict[str, str] | None  # who marked it and when


def _dealt_with(root: Path) -> dict[str, dict[str, str]]:
    path = root / DEALT_WITH_PATH
    if path.is_file():
        found: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
        return found
    # .docgen/ lost (or never had one): the marks are facts in the root's journal too
    return {
        str(fact["name"]): {"sha256": str(fact.get("sha256") or ""), "by": str(fact.get("by") or ""), "at": str(fact.get("at") or "")}
        for _, fact in read_facts(root)
        if fact["kind"] == "dealt_with" and fact.get("name")
    }


def rejected_forms(root: Path) -> list[RejectedForm]:
    """Every rejected form with a report, newest first."""
    folder = Layout(root).rejected
    if not folder.is_dir():
        return []
    dealt = _dealt_with(root)
    forms = []
    for report in folder.glob("*.errors.json"):
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        name = report.name.removesuffix(".errors.json")
        sha = str((data.get("source") or {}).get("sha256") or "")
        marked = dealt.get(name)
        rejected_at = dt.datetime.fromtimestamp(report.stat().st_mtime, dt.UTC)
        if not (marked and marked.get("sha256") == sha):
            marked = _corrected(root, name, sha, rejected_at)
        forms.append(
            RejectedForm(
                name,
                sha,
                rejected_at,
                list(data.get("errors") or []),
                list(data.get("warnings") or []),
                (folder / name).is_file(),
                marked if marked and marked.get("sha256") == sha else None,
            )
        )
    return sorted(forms, key=lambda f: f.rejected_at, reverse=True)


def _corrected(root: Path, name: str, sha256: str, rejected_at: dt.datetime) -> dict[str, str] | None:
    """Dealt with by a corrected copy of the same name published since it was rejected; None where there is none."""
    from docgen.ledger import Ledger
    from docgen.ledger.connection import LEDGER_PATH

    if not (root / LEDGER_PATH).is_file():
        return None
    with Ledger.open(root) as ledger:
        published = ledger.published_since(name, rejected_at)
    if published is None or published.sha256 == sha256:
        return None
    return {"sha256": sha256, "by": "a corrected copy, published", "at": published.at}


def rejected_file(root: Path, name: str) -> Path | None:
    """The original of a rejected form listed on the page (a name only, never a path); None for anything else."""
    for form in rejected_forms(root):
        if form.name == name and form.has_original:
            return Layout(root).rejected / form.name
    return None


def mark_dealt_with(root: Path, name: str, by: str) -> bool:
    """Notes that someone dealt with a rejected form (this version of it); False if there is no such form."""
    form = next((f for f in rejected_forms(root) if f.name == name), None)
    if form is None:
        return False
    dealt = _dealt_with(root)
    dealt[name] = {"sha256": form.sha256, "by": by, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    append_fact(root, "dealt_with", {"name": name, "sha256": form.sha256, "by": by})
    path = root / DEALT_WITH_PATH
    handle, temp = tempfile.mkstemp(prefix=".dealt-", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(dealt, stream, indent=2)
    os.replace(temp, path)
    return True


@dataclass(frozen=True)
class Upload:
    """A form sent through the browser: where it went in the inbox, or the report saying why it was refused."""

    name: str
    sha256: str
    size: int
    refused: str | None = None  # the report's sentence: what the file is and what to do


def safe_name(name: str) -> str:
    """The file's own name, without folders, characters a file share cannot hold, or a name Windows reserves."""
    return safe_file_name(safe_file_name(name, fallback="").lstrip(".~$"), fallback="upload")  # no hidden or Office lock-file names


def receive_upload(root: Path, name: str, stream: IO[bytes], limit: int) -> Upload:
    """Copies an uploaded file into the inbox atomically after the checks any drop gets; ``limit`` caps what is read at all."""
    layout = Layout(root)
    name = safe_name(name)
    workdir = Path(tempfile.mkdtemp(prefix="upload-", dir=_tmp(layout)))
    try:
        held = workdir / name
        digest, size = hashlib.sha256(), 0
        with open(held, "wb") as out:
            while block := stream.read(1 << 20):
                size += len(block)
                if size > limit:
                    break
                digest.update(block)
                out.write(block)
        refused = _refusal(held, name, size, limit)
        if refused:
            return Upload(name, digest.hexdigest(), size, refused)
        layout.inbox.mkdir(parents=True, exist_ok=True)
        target = layout.inbox / name
        if target.exists():  # never overwrite a drop nobody has read yet
            target = layout.inbox / f"{Path(name).stem}-{secrets.token_hex(3)}{Path(name).suffix}"
        os.chmod(held, 0o640)
        os.rename(held, target)
        return Upload(target.name, digest.hexdigest(), size)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _tmp(layout: Layout) -> Path:
    layout.tmp.mkdir(parents=True, exist_ok=True)
    return layout.tmp


def _refusal(held: Path, name: str, size: int, limit: int) -> str | None:
    """The report sentence for a file no drop would get past, or None."""
    if size > limit:
        return f"{name} is larger than {limit // (1024 * 1024)} MB, far larger than any meeting form: check it is the right file and upload it again."
    from docgen.service.filters import Disposition

    if InboxFilter(held.parent)(held) is not Disposition.FORM:
        return f"{name} is not a Word (.docx) or Excel (.xlsx) meeting form: fill in the current form (download it from Forms) and upload that."
    try:
        if sniff(held) == "zip":
            with open_package(held):
                pass
    except FormError as exc:
        return str(exc)
    return None


def outcome_of(seen: SeenFile | None) -> str:
    """What became of an uploaded file, in a word: waiting, published, rejected, duplicate or ledger_update."""
    return seen.outcome if seen else "waiting"
