"""A built pack's PDFs: the Word documents' PDF copies, each recipient's merged pack and the print pack, added to its manifest."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from docgen.manifest import Manifest
from docgen.pdf.making import Converter, libreoffice_converter, make_pdfs
from docgen.pdf.print_pack import print_pack_entry
from docgen.pdf.unoserver import find_soffice
from docgen.profiles import Profile

__all__ = ["add_pdfs"]


def add_pdfs(
    out_dir: Path, manifest: Manifest, *, profile: Profile, encrypt_email: bool, timeout: float, converter: Converter | None = None
) -> None:
    """Adds the PDFs and packs of a built pack's Word documents to ``out_dir`` and its ``manifest`` (``documents``, ``pdf``); the print
    pack's cover letters are on ``profile``'s letterhead."""
    words = [d for d in manifest["documents"] if str(d["path"]).endswith(".docx")]
    if converter is None and find_soffice() is not None:
        converter = libreoffice_converter
    print_pack = None
    if converter is not None:  # the copies to post or hand over, behind their cover letters
        print_pack = partial(print_pack_entry, out_dir, manifest, profile=profile, converter=converter, timeout=timeout)
    made = make_pdfs(
        out_dir, words, manifest["distribution"], encrypt_email=encrypt_email, timeout=timeout, converter=converter, alongside=print_pack
    )
    manifest["documents"].extend(made.documents)
    manifest["pdf"] = {"made": made.problem is None, "problem": made.problem, "passwords_file": made.passwords_file}
    if made.alongside is not None:
        manifest["documents"].append(made.alongside)
