"""Forms mangled at random (cut, bytes flipped, XML torn) are read or refused, never a crash."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from docgen.errors import DocgenError
from docgen.forms import read_form
from tests.conftest import load_record
from tests.forms.test_contract_forms import _docx_form, _xlsx_form

VARIANTS = 40


def _mangle_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    choice = rng.randrange(3)
    if choice == 0:
        return bytes(out[: rng.randrange(1, len(out))])
    if choice == 1:
        for _ in range(rng.randint(1, 20)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    start = rng.randrange(len(out))
    return bytes(out[:start] + out[start + rng.randint(1, 2000) :])


def _mangle_parts(data: bytes, rng: random.Random) -> bytes:
    """A well-formed zip whose XML parts are torn or edited: exercises the readers, not just the zip checks."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.endswith(".xml") and rng.random() < 0.5:
                content = _mangle_bytes(content, rng)
            out.writestr(item, content)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_mangled_forms_never_crash_the_reader(kind: str, tmp_path: Path) -> None:
    record = load_record()
    original = _docx_form(record, tmp_path / "f.docx") if kind == "docx" else _xlsx_form(record, tmp_path / "f.xlsx", names=True)
    data = original.read_bytes()
    rng = random.Random(20261102)
    crashes = []
    for number in range(VARIANTS):
        mangled = (_mangle_bytes if number % 2 else _mangle_parts)(data, rng)
        path = tmp_path / f"mangled-{number}.{kind}"
        path.write_bytes(mangled)
        try:
            read_form(path)
        except DocgenError:
            pass
        except Exception as exc:  # any other exception is a traceback in the service
            crashes.append(f"{path.name}: {type(exc).__name__}: {exc}")
    assert crashes == []
