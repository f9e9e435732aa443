"""The moves that finish a claimed form: publish its plan pack (superseding an earlier one) or reject it with reports.

Every step is a rename on one filesystem, journalled first, so a crash between any two leaves a state
that ``recovery`` can finish or undo. Order matters: reports before the rejected original, the original
into the build before publishing, ``manifest.json`` last, the ledger after the manifest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from docgen.manifest import Manifest
from docgen.root import PRIVATE_DIR, SOURCE_DIR, SUPERSEDED_DIR, Layout, make_dir, write_atomically
from docgen.service.faults import crash_point
from docgen.service.journal import Journal
from docgen.settings.service import Settings
from docgen.validation import Report

__all__ = [
    "DuplicateNote",
    "LedgerLike",
    "adopt_group",
    "apply_modes",
    "publish",
    "read_manifest",
    "reject",
    "set_aside_duplicate",
    "unique_name",
    "write_manifest",
]


class LedgerLike(Protocol):
    """The part of ``docgen.ledger.Ledger`` the service uses."""

    def file_seen(self, sha256: str) -> Any: ...

    def record_file(self, *, sha256: str, name: str, outcome: str, where: str, detail: str | None = None) -> None: ...

    def publish_meeting(self, manifest: Manifest, *, record: dict[str, Any] | None = None) -> None: ...


def write_manifest(out_dir: Path, manifest: Manifest) -> None:
    """``docgen.render.manifest_file.write_manifest`` (atomic: temp file + rename)."""
    try:
        from docgen.render.manifest_file import write_manifest as render_write_manifest
    except ImportError:  # the renderer is optional for the service's own unit tests
        write_atomically(out_dir / "manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        return
    render_write_manifest(out_dir, manifest)


def read_manifest(folder: Path) -> Manifest | None:
    """A published folder's manifest, or None when it has none (or it cannot be read)."""
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return cast(Manifest, data) if isinstance(data, dict) else None  # as the file holds it: readers ``.get`` what may be missing


def apply_modes(folder: Path, settings: Settings) -> None:
    """Gives every generated file ``file_mode`` and every folder ``dir_mode`` (plans hold sensitive data).

    ``private/`` (the PDF pack passwords) keeps its owner-only modes: it must stay tighter than the plans.
    """
    os.chmod(folder, settings.dir_mode)
    for base, dirs, files in os.walk(folder):
        if base == str(folder):
            dirs[:] = [name for name in dirs if name != PRIVATE_DIR]
        for name in dirs:
            os.chmod(os.path.join(base, name), settings.dir_mode)
        for name in files:
            os.chmod(os.path.join(base, name), settings.file_mode)


def adopt_group(path: Path, folder: Path) -> None:
    """Gives ``path`` (and all under it) the group of ``folder`` when that folder has the setgid bit, as new files there would get.

    Files docgen moves in by renaming keep the service's own group; without this, staff reading
    ``outbox/`` or ``inbox/rejected/`` through the folder's group could not open what docgen put there.
    """
    try:
        info = folder.stat()
    except OSError:
        return
    if not info.st_mode & stat.S_ISGID:
        return
    targets = [path, *path.rglob("*")] if path.is_dir() else [path]
    for target in targets:
        if target.is_symlink():
            continue
        with contextlib.suppress(PermissionError):  # the service account is not in that group: modes alone apply
            os.chown(target, -1, info.st_gid)
        if target.is_dir():  # chown clears nothing, but keep new sub-folders inheriting the group as well
            with contextlib.suppress(PermissionError):
                os.chmod(target, stat.S_IMODE(target.stat().st_mode) | stat.S_ISGID)


def unique_name(folder: Path, name: str, taken: Callable[[str], bool] | None = None) -> str:
    """``name``, or ``stem (2).ext``, ``stem (3).ext``... — the first that is free in ``folder``."""
    is_taken = taken or (lambda candidate: (folder / candidate).exists())
    if not is_taken(name):
        return name
    stem, dot, ext = name.rpartition(".")
    if not stem:  # no extension (or a name starting with the only dot)
        stem, dot, ext = name, "", ""
    n = 2
    while True:
        candidate = f"{stem} ({n}){dot}{ext}"
        if not is_taken(candidate):
            return candidate
        n += 1


def _fits_with_reports(name: str, limit: int = 255) -> str:
    """``name``, shortened (extension kept) where ``NAME (99).errors.json`` would pass the file-name limit."""
    room = limit - len(".errors.json") - len(" (99)")
    if len(name.encode("utf-8")) <= room:
        return name
    stem, dot, ext = name.rpartition(".")
    if not stem or len(ext) > 16:
        stem, dot, ext = name, "", ""
    keep = room - len(f"{dot}{ext}".encode())
    return stem.encode("utf-8")[:keep].decode("utf-8", "ignore").rstrip() + f"{dot}{ext}"


def _utc_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")


@dataclass(frozen=True)
class DuplicateNote:
    """A drop whose exact content was published before: nothing is wrong and nothing needs doing."""

    name: str
    sha256: str
    seen_name: str | None  # as the earlier manifest gives it
    seen_at: str  # ISO time it was published, "" where unknown
    where: str  # the published folder, relative to the root

    def to_text(self) -> str:
        """The note left beside the file in ``inbox/duplicates/``: where and when it was published; nothing to do."""
        when = f" on {self.seen_at[:10]} at {self.seen_at[11:16]}" if len(self.seen_at) >= 16 else ""
        return (
            f"{self.name}: already published — nothing needs doing.\n"
            f"It is identical to {self.seen_name}, published{when} to {self.where}, so it was not processed again.\n"
            "To change those plans, drop a corrected form into the inbox: it replaces them, and the earlier plans are kept.\n"
            f"sha256: {self.sha256}\n"
        )

    def to_json(self) -> dict[str, Any]:
        """The same as data: ``source``, ``duplicate_of`` {name, published_at, folder}."""
        return {
            "source": {"name": self.name, "sha256": self.sha256},
            "duplicate_of": {"name": self.seen_name, "published_at": self.seen_at or None, "folder": self.where},
        }


def reject(
    layout: Layout, claim_dir: Path, journal: Journal, report: Report, settings: Settings, ledger: LedgerLike, outcome: str = "rejected"
) -> str:
    """Puts the original back beside the inbox as ``inbox/rejected/NAME`` with its two reports; returns where it went (relative)."""
    reports = {
        ".errors.json": (json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        ".errors.txt": report.to_text().encode("utf-8"),
    }
    return _set_aside(layout, claim_dir, journal, reports, settings, ledger, outcome)


def set_aside_duplicate(
    layout: Layout, claim_dir: Path, journal: Journal, note: DuplicateNote, settings: Settings, ledger: LedgerLike
) -> str:
    """Moves an already-published drop to ``inbox/duplicates/NAME`` with ``NAME.note.txt``: a note, never a rejection."""
    notes = {
        ".note.txt": note.to_text().encode("utf-8"),
        ".note.json": (json.dumps(note.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    }
    return _set_aside(layout, claim_dir, journal, notes, settings, ledger, "duplicate")


def _set_aside(
    layout: Layout, claim_dir: Path, journal: Journal, reports: dict[str, bytes], settings: Settings, ledger: LedgerLike, outcome: str
) -> str:
    """The original, its reports first, into ``layout.set_aside_folder(outcome)``; returns where it went (relative)."""
    folder = layout.set_aside_folder(outcome)
    original = claim_dir / journal.name
    if journal.rejected_name is None:  # a redo after a crash keeps the name it chose the first time
        name = unique_name(
            folder,
            _fits_with_reports(journal.name),
            lambda n: any((folder / f).exists() for f in (n, *(n + suffix for suffix in reports))),
        )
        journal.advance(claim_dir, "rejecting", settings.file_mode, rejected_name=name, outcome=outcome)
    else:
        journal.advance(claim_dir, "rejecting", settings.file_mode, outcome=outcome)
    assert journal.rejected_name is not None
    name = journal.rejected_name
    crash_point("before-reports")
    make_dir(folder, settings.dir_mode)
    # the reports go first: a crash must never leave an unexplained file set aside
    for suffix, content in reports.items():
        write_atomically(folder / f"{name}{suffix}", content, settings.file_mode)
    crash_point("after-reports")
    os.chmod(original, settings.file_mode)  # the form holds the same sensitive data as the plans
    adopt_group(original, folder)
    os.replace(original, folder / name)
    crash_point("after-reject")
    finish_rejection(layout, claim_dir, journal, ledger)
    return layout.relative(folder / name)


def finish_rejection(layout: Layout, claim_dir: Path, journal: Journal, ledger: LedgerLike) -> None:
    """Records a rejection (or duplicate) in the ledger and drops the claim (also the last step of recovering one)."""
    where = layout.relative(layout.set_aside_folder(journal.outcome) / (journal.rejected_name or journal.name))
    if journal.sha256:
        ledger.record_file(
            sha256=journal.sha256, name=journal.name, outcome=journal.outcome or "rejected", where=where, detail=journal.detail
        )
    crash_point("after-ledger")
    shutil.rmtree(claim_dir, ignore_errors=True)


def publish(layout: Layout, claim_dir: Path, journal: Journal, manifest: Manifest, settings: Settings, ledger: LedgerLike) -> str:
    """Publishes the build in ``.docgen/tmp/<id>/`` as ``outbox/<case>/<date>-<type>/``; returns that folder (relative)."""
    build = layout.tmp / journal.claim_id
    target = layout.meeting_folder(manifest["case_reference"], manifest["meeting"]["date"], manifest["meeting"]["type"])
    if not target.resolve().is_relative_to(layout.outbox.resolve()) or target.parent.parent != layout.outbox:
        raise ValueError(f"refusing to publish outside the outbox: {target}")  # the schema's patterns make this a bug
    manifest = manifest.copy()
    manifest["documents"] = [*manifest.get("documents", []), {"path": f"{SOURCE_DIR}/{journal.name}", "kind": "source", "child": None}]
    journal.advance(claim_dir, "built", settings.file_mode, target=layout.relative(target), manifest=manifest, outcome="published")
    crash_point("after-build")

    make_dir(build / SOURCE_DIR, settings.dir_mode)
    os.replace(claim_dir / journal.name, build / SOURCE_DIR / journal.name)
    apply_modes(build, settings)
    adopt_group(build, layout.outbox)
    journal.advance(claim_dir, "source_moved", settings.file_mode)
    crash_point("after-move-source")

    if target.exists():  # an amendment: the earlier folder goes, whole, into the new one
        earlier: Manifest | dict[str, Any] = read_manifest(target) or {}
        relpath = f"{SUPERSEDED_DIR}/{_utc_stamp()}"
        manifest["supersedes"] = {
            "sha256": (earlier.get("source") or {}).get("sha256"),
            "published_at": earlier.get("generated_at"),
            "path": relpath + "/",
        }
        journal.advance(claim_dir, "superseding", settings.file_mode, superseded=relpath, manifest=manifest, outcome="amended")
        make_dir(build / SUPERSEDED_DIR, settings.dir_mode)
        os.replace(target, build / relpath)
        crash_point("after-supersede")

    make_dir(target.parent, settings.dir_mode)
    os.replace(build, target)
    crash_point("after-publish")
    journal.stage = "published"  # not saved: recovery finds the original in the published folder itself
    crash_point("before-manifest")
    finish_publication(layout, claim_dir, journal, ledger, settings)
    return layout.relative(target)


def finish_publication(layout: Layout, claim_dir: Path, journal: Journal, ledger: LedgerLike, settings: Settings) -> None:
    """Writes the manifest (last file of the folder), then tells the ledger, then drops the claim (also recovery's last step)."""
    assert journal.target is not None and journal.manifest is not None and journal.sha256 is not None
    target = layout.root / journal.target
    if not (target / "manifest.json").exists():
        write_manifest(target, journal.manifest)
        os.chmod(target / "manifest.json", settings.file_mode)
    crash_point("after-manifest")
    journal.stage = "manifest_written"  # not saved: recovery sees the manifest itself
    crash_point("before-ledger")
    ledger.publish_meeting(journal.manifest, record=journal.extra.get("record"))
    ledger.record_file(sha256=journal.sha256, name=journal.name, outcome="published", where=journal.target, detail=journal.detail)
    crash_point("after-ledger")
    shutil.rmtree(claim_dir, ignore_errors=True)
