"""The blank forms, generated once and kept: pre-filling a case's next form starts from a copy instead of building one.

Generating the forms is most of the work of ``docgen forms --case``. The copies are kept under a name
made from everything that shapes a form (the schema and profiles, the generators' code, docgen's
version), so a changed schema or generator makes new ones; a folder that cannot be written to just
means generating each time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import zipfile
from importlib import metadata
from pathlib import Path

import docx
from docx.document import Document as DocumentObject
from docx.opc.exceptions import PackageNotFoundError

from docgen.profiles import Profiles
from docgen.schema import SCHEMA_DIR
from docgen.workbooks_text import save_workbook

__all__ = ["blank_forms", "forms_key"]


def forms_key(profiles: Profiles) -> str:
    """A digest of everything a blank form is made from: the schema, the shipped and the council's profiles, the generators."""
    digest = hashlib.sha256()
    with contextlib.suppress(metadata.PackageNotFoundError):
        digest.update(metadata.version("docgen").encode())
    here = Path(__file__).resolve().parent  # read as files: importing the generators (and openpyxl) is what the copies save
    sources = [here / "form_layout.py", here / "generate_docx.py", here / "generate_xlsx.py"]
    council = sorted(profiles.council.glob("*.json")) if profiles.council is not None and profiles.council.is_dir() else []
    for path in [*sorted([*sources, *SCHEMA_DIR.rglob("*.json")]), *council]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _keep(path: Path, data: bytes) -> None:
    """Saves atomically (temporary name, then rename), so a reader never opens half a form; a folder it cannot write is no fault."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def _generated(profiles: Profiles) -> tuple[bytes, bytes]:
    from docgen.blanks.generate_docx import build_docx_form
    from docgen.blanks.generate_xlsx import build_xlsx_form

    word, excel = io.BytesIO(), io.BytesIO()
    build_docx_form(profiles=profiles).save(word)
    save_workbook(build_xlsx_form(profiles=profiles), excel)
    return word.getvalue(), excel.getvalue()


def blank_forms(profiles: Profiles, cache: Path | None = None) -> tuple[DocumentObject, bytes]:
    """A fresh blank Word form (a document) and Excel form (its bytes): from ``cache`` when it holds the current ones, else generated."""
    key = forms_key(profiles) if cache is not None else ""
    word_path, excel_path = (cache / f"blank-{key}.docx", cache / f"blank-{key}.xlsx") if cache is not None else (None, None)
    if word_path is not None and excel_path is not None and word_path.is_file() and excel_path.is_file():
        try:
            return docx.Document(str(word_path)), excel_path.read_bytes()
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, PackageNotFoundError):  # a damaged copy is generated again
            pass
    word, excel = _generated(profiles)
    if word_path is not None and excel_path is not None:
        _keep(word_path, word)
        _keep(excel_path, excel)
    return docx.Document(io.BytesIO(word)), excel
