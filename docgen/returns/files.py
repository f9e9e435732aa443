"""Writing an export's files whole: each is written beside its final name and moved into place, so a reader never sees half a file."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from docgen.errors import DocgenError

__all__ = ["csv_text", "write_whole"]

#: a cell starting with one of these is a formula to a spreadsheet; a leading apostrophe keeps it text
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a header row; text that a spreadsheet would run as a formula is kept as text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue()


def write_whole(path: Path, data: bytes) -> None:
    """Writes ``data`` to ``path`` through a temporary file in the same folder, then moves it into place.

    A folder that cannot be made or written to is a ``DocgenError`` saying which, never a traceback.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise DocgenError(f"cannot write {path.name} into {path.parent} ({exc.strerror or exc}): choose a folder this account may write to") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise DocgenError(f"cannot write {path} ({exc.strerror or exc}): free some space or choose another folder") from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
