"""Start-up recovery: whatever a killed service had in hand is finished or redone, and no original is ever lost."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from docgen.root import SOURCE_DIR, TEMP_PREFIX, Layout, make_dir
from docgen.service.journal import JOURNAL_NAME, Journal
from docgen.service.publish import LedgerLike, finish_publication, finish_rejection, unique_name
from docgen.settings.service import Settings
from docgen.validate_file import file_sha256

__all__ = ["recover"]

log = logging.getLogger("docgen.service.recovery")


def recover(
    layout: Layout, settings: Settings, ledger: LedgerLike, *, leave_if: Callable[[Exception], bool] | None = None
) -> list[tuple[Path, Journal]]:
    """Brings every claim under ``.docgen/work/`` to a clean state; returns the claims whose form must be processed again.

    Decided from what is on disk, not only from the journal's stage (the crash may have come between a
    rename and the journal update):

    - the original still in ``work/<id>/``: nothing was published; drop the build and redo the form;
    - the original in the build's ``source/``: not yet published; undo any superseding, put it back, redo;
    - the original in the published folder: finish it (manifest, ledger);
    - the original in ``inbox/rejected/``: finish the rejection (ledger);
    - still ``claiming`` and nowhere here: the rename never happened, the file is still in the inbox.

    A claim whose recovery fails with an error ``leave_if`` accepts (a disk still full) is left as it is for later.
    """
    redo: list[tuple[Path, Journal]] = []
    if layout.work.is_dir():
        for claim_dir in sorted(p for p in layout.work.iterdir() if p.is_dir()):
            journal = Journal.load(claim_dir)
            if journal is None:
                _return_strays(layout, claim_dir, settings)
                continue
            try:
                if _recover_claim(layout, claim_dir, journal, settings, ledger):
                    if journal.sha256 is None:  # killed between the claim and hashing it
                        journal.sha256 = file_sha256(claim_dir / journal.name)
                    journal.advance(claim_dir, "claimed", settings.file_mode)
                    redo.append((claim_dir, journal))
            except Exception as exc:
                if leave_if is None or not leave_if(exc):
                    raise
    _clean_tmp(layout, settings, keep={journal.claim_id for _, journal in redo})
    return redo


def _recover_claim(layout: Layout, claim_dir: Path, journal: Journal, settings: Settings, ledger: LedgerLike) -> bool:
    original = claim_dir / journal.name
    build = layout.tmp / journal.claim_id
    target = layout.root / journal.target if journal.target else None
    if original.exists():
        _undo_build(build, journal, target, original, settings)
        _drop_unfinished_reports(layout, journal)
        log.warning("recovering %s: it was claimed but not finished; processing it again", journal.name)
        return True
    if (build / SOURCE_DIR / journal.name).exists():
        _undo_build(build, journal, target, original, settings)
        log.warning("recovering %s: its plans were built but not published; processing it again", journal.name)
        return True
    if journal.stage == "claiming":
        shutil.rmtree(claim_dir, ignore_errors=True)  # the file never left the inbox
        return False
    if (
        journal.stage == "rejecting"
        and journal.rejected_name
        and (layout.set_aside_folder(journal.outcome) / journal.rejected_name).exists()
    ):
        log.warning("recovering %s: finishing its rejection", journal.name)
        finish_rejection(layout, claim_dir, journal, ledger)
        return False
    if target is not None and (target / SOURCE_DIR / journal.name).exists():
        log.warning("recovering %s: finishing its publication in %s", journal.name, journal.target)
        finish_publication(layout, claim_dir, journal, ledger, settings)
        return False
    log.error(
        "recovering %s: the original is not where docgen left it (stage %s); the claim is kept in %s for a person to look at",
        journal.name,
        journal.stage,
        claim_dir,
    )
    return False


def _undo_build(build: Path, journal: Journal, target: Path | None, original: Path, settings: Settings) -> None:
    """Puts a superseded folder back in the outbox and the original back in its claim, then drops the build."""
    if journal.superseded and target is not None and (build / journal.superseded).is_dir() and not target.exists():
        os.replace(build / journal.superseded, target)
    source = build / SOURCE_DIR / journal.name
    if source.exists() and not original.exists():
        os.replace(source, original)
    shutil.rmtree(build, ignore_errors=True)
    journal.target = journal.superseded = journal.manifest = None
    journal.stage = "claimed"


def _drop_unfinished_reports(layout: Layout, journal: Journal) -> None:
    """Reports written for a rejection that never moved its original (a full disk stopped it) go: the redo writes them again."""
    name, folder = journal.rejected_name, layout.set_aside_folder(journal.outcome)
    if name and not (folder / name).exists():
        for suffix in (".errors.json", ".errors.txt", ".note.txt", ".note.json"):
            (folder / f"{name}{suffix}").unlink(missing_ok=True)


def _return_strays(layout: Layout, folder: Path, settings: Settings) -> None:
    """A folder without a journal (or a build without a claim): any file in it goes back to the inbox, then it goes."""
    for base, _dirs, files in os.walk(folder):
        for name in files:
            if name == JOURNAL_NAME or name.startswith(TEMP_PREFIX):  # the journal, or a temp file of a write cut short
                continue
            make_dir(layout.inbox, settings.dir_mode)
            back = layout.inbox / unique_name(layout.inbox, name)
            os.replace(os.path.join(base, name), back)
            log.warning("recovery: returned %s to the inbox", back.name)
    shutil.rmtree(folder, ignore_errors=True)


def _clean_tmp(layout: Layout, settings: Settings, keep: set[str]) -> None:
    """Removes builds nobody owns; an original found in one goes back to the inbox first."""
    if not layout.tmp.is_dir():
        return
    for build in layout.tmp.iterdir():
        if build.name in keep or (layout.work / build.name).is_dir():
            continue
        if (build / SOURCE_DIR).is_dir():
            _return_strays(layout, build / SOURCE_DIR, settings)
        shutil.rmtree(build, ignore_errors=True)
