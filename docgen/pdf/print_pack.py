"""``print-pack.pdf``: everything to print for one meeting, in the order it goes into envelopes and hands.

For each ``post`` recipient a cover letter on the council's letterhead — their name and address placed
in the window of a DL envelope (``docgen.pdf.cover_letters``), the date, what is enclosed — then their
documents; then each ``hand`` copy behind a short covering note. Every page carries "page i of n" of
its recipient's bundle, so a bundle that comes apart can be put back together.

The covering pages are Word documents made into PDFs by the same LibreOffice as the plans, and the
pack is merged keeping every document's tags (``docgen.pdf.merge``): like every PDF docgen makes,
it is tagged, in British English, titled, and PDF/A-2b.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path
from typing import Any

import pikepdf

from docgen.manifest import DistributionRow, DocumentEntry, Manifest
from docgen.pdf.cover_letters import Envelope, write_covers
from docgen.pdf.letterhead import Letterhead, letterhead_for
from docgen.pdf.making import Converter
from docgen.pdf.merge import Pages, merge_pack
from docgen.pdf.page_numbers import number_pages, write_page_numbers
from docgen.profiles import Profile

__all__ = ["PRINT_PACK", "Envelope", "add_print_pack", "build_print_pack", "envelopes", "print_pack_entry"]

log = logging.getLogger(__name__)

PRINT_PACK = "print-pack.pdf"
_WORK = ".print-pack"  # the covering pages while they are made, inside the meeting's folder; gone afterwards


def envelopes(distribution: list[DistributionRow], out_dir: Path) -> list[Envelope]:
    """Post recipients first, then hand copies, each with the PDFs of their documents, in distribution order."""
    grouped: dict[tuple[str, str, str, str], list[str]] = {}
    for row in distribution:
        if row.get("delivery") in ("post", "hand"):
            key = (str(row["recipient"]), str(row.get("role") or ""), str(row["delivery"]), str(row.get("address") or ""))
            pdf = Path(str(row["document"])).with_suffix(".pdf").name
            if (out_dir / pdf).is_file():
                grouped.setdefault(key, []).append(pdf)
    found = [Envelope(r, role, d, a, tuple(dict.fromkeys(docs))) for (r, role, d, a), docs in grouped.items()]
    return sorted(found, key=lambda e: e.delivery != "post")


def _page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def _labels(bundles: list[Envelope], pages: list[int], about: dict[str, Any]) -> list[str]:
    """ "Page i of n" of each page of each bundle, with the recipient and the case, in the order of the pack."""
    return [
        f"{envelope.recipient}, case {about['case_reference']}: page {number} of {count}"
        for envelope, count in zip(bundles, pages, strict=True)
        for number in range(1, count + 1)
    ]


def _one_by_one(
    bundles: list[Envelope],
    head: Letterhead,
    about: dict[str, Any],
    today: dt.date,
    pages: list[int],
    converter: Converter,
    timeout: float,
    work: Path,
) -> tuple[list[Path | Pages], Pages]:
    """Each bundle's covering pages as a document of its own, and the page numbers counting them as they came out."""
    covers = [write_covers([e], head, about, today, work / f"cover-{n}.docx") for n, e in enumerate(bundles, start=1)]
    made = converter(covers, work, timeout)
    counts = [_page_count(made[cover]) + n for cover, n in zip(covers, pages, strict=True)]
    numbers = write_page_numbers(_labels(bundles, counts, about), work / "page-numbers.docx")
    laid_out = converter([numbers], work, timeout)[numbers]
    return [made[cover] for cover in covers], Pages(laid_out, 0, sum(counts))


def build_print_pack(
    out_dir: Path,
    distribution: list[DistributionRow],
    head: Letterhead,
    about: dict[str, Any],
    *,
    today: dt.date,
    converter: Converter,
    timeout: float = 120.0,
) -> DocumentEntry | None:
    """Writes ``out_dir/print-pack.pdf`` (see the module's note) and returns its manifest entry; None when nothing goes by post or hand.

    ``about`` holds ``case_reference``, ``meeting_date``, ``next_review`` and ``key_worker`` {name, role, phone, email}.
    ``converter`` makes the covering pages into PDFs; if it fails (``ConverterError``) no print pack is left.
    """
    bundles = envelopes(distribution, out_dir)
    if not bundles:
        return None
    work = out_dir / _WORK
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        documents = [[out_dir / d for d in e.documents] for e in bundles]
        pages = [sum(_page_count(path) for path in bundle) for bundle in documents]
        # one conversion: the covering pages, one page each (they are written to fit), then the page numbers
        printing = write_covers(bundles, head, about, today, work / "printing.docx", _labels(bundles, [1 + n for n in pages], about))
        made = converter([printing], work, timeout)[printing]
        covers: list[Path | Pages]
        if _page_count(made) == len(bundles) + len(bundles) + sum(pages):
            covers = [Pages(made, n) for n in range(len(bundles))]
            labels = Pages(made, len(bundles), len(bundles) + sum(pages))
        else:  # a covering page ran on: each cover on its own, then the page numbers counted again
            covers, labels = _one_by_one(bundles, head, about, today, pages, converter, timeout, work)
        sources: list[Path | Pages] = [part for cover, bundle in zip(covers, documents, strict=True) for part in (cover, *bundle)]
        with pikepdf.open(labels.path) as laid_out:
            numbers = list(laid_out.pages)[labels.first : labels.first + labels.count]
            merge_pack(
                sources,
                out_dir / PRINT_PACK,
                title=f"Print pack, case {about['case_reference']}",
                finish=lambda pack: number_pages(pack, numbers),
            )
    except BaseException:
        (out_dir / PRINT_PACK).unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "path": PRINT_PACK,
        "kind": "print_pack",
        "child": None,
        "recipients": [{"recipient": e.recipient, "delivery": e.delivery, "documents": list(e.documents)} for e in bundles],
    }


def print_pack_entry(
    out_dir: Path, manifest: Manifest, *, profile: Profile, converter: Converter, timeout: float = 120.0, today: dt.date | None = None
) -> DocumentEntry | None:
    """Makes ``print-pack.pdf`` for a meeting whose PDFs are made, on its ``profile``'s letterhead; returns its manifest entry.

    A ``ConverterError`` is raised like any other PDF's: the form is kept to drop in again. A document's PDF that cannot
    be read leaves no print pack (None), with a warning, and the plans are published: staff print the copies from their PDFs.
    """
    next_review = next((d.get("date") for d in manifest.get("deadlines", []) if d.get("kind") == "next_review"), None)
    about: dict[str, Any] = {
        "case_reference": manifest["case_reference"],
        "meeting_date": manifest["meeting"]["date"],
        "next_review": next_review,
        "key_worker": manifest.get("key_worker") or {},
    }
    about["glossary"] = profile.glossary
    try:
        return build_print_pack(
            out_dir,
            manifest["distribution"],
            letterhead_for(profile),
            about,
            today=today or dt.date.today(),
            converter=converter,
            timeout=timeout,
        )
    except (OSError, ValueError, pikepdf.PdfError) as exc:  # a document's PDF that cannot be read; LibreOffice's failures propagate
        log.warning("print-pack.pdf was not made (%s): print the copies to post from their PDFs.", exc)
        return None


def add_print_pack(
    out_dir: Path, manifest: Manifest, *, profile: Profile, converter: Converter, timeout: float = 120.0, today: dt.date | None = None
) -> None:
    """``print_pack_entry``, listed in ``manifest``'s documents."""
    entry = print_pack_entry(out_dir, manifest, profile=profile, converter=converter, timeout=timeout, today=today)
    if entry is not None:
        manifest["documents"].append(entry)
