"""``docgen.toml``'s PDF settings: "auto" by default, true or false, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.config import load_settings
from docgen.errors import ConfigError
from docgen.settings.service import Settings


def test_pdf_is_auto_unless_docgen_toml_says_otherwise(tmp_path: Path) -> None:
    assert Settings().pdf == "auto" and load_settings(tmp_path).pdf == "auto"
    for text, value in (('pdf = "auto"', "auto"), ("pdf = true", True), ("pdf = false", False)):
        (tmp_path / "docgen.toml").write_text(text + "\n")
        assert load_settings(tmp_path).pdf == value and type(load_settings(tmp_path).pdf) is type(value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('pdf = "yes"', "In docgen.toml, pdf must be \"auto\", true or false, not 'yes'."),
        ("pdf = 1", 'In docgen.toml, pdf must be "auto", true or false, not 1.'),
        ("pdf_restart_after = 0", "In docgen.toml, pdf_restart_after must be at least 1."),
        ("pdf_idle_check_seconds = -1", "In docgen.toml, pdf_idle_check_seconds must not be negative."),
    ],
)
def test_a_pdf_setting_docgen_cannot_use_is_refused_with_what_it_may_be(tmp_path: Path, text: str, says: str) -> None:
    (tmp_path / "docgen.toml").write_text(text + "\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path)
    assert str(raised.value) == says
