"""``docgen.toml`` read once for every table, and every table's wrong settings named the same way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docgen.config import load_settings
from docgen.errors import ConfigError
from docgen.settings import read_settings_file
from docgen.settings.sending import EmailSettings, email_settings, load_email_settings
from docgen.settings.service import service_settings
from docgen.settings.web import WebSettings, load_web_settings, web_settings

EMAIL = '[email]\nhost = "smtp.council.example"\nfrom = "CIN plans <cin-plans@council.example>"\n'
LOADERS = {"": load_settings, "web": load_web_settings, "email": load_email_settings}


def _write(root: Path, text: str) -> Path:
    (root / "docgen.toml").write_text(text, encoding="utf-8")
    return root / "docgen.toml"


def test_one_reading_of_the_file_gives_every_table(tmp_path: Path) -> None:
    path = _write(tmp_path, f'policy = "Standard"\nworkers = 3\n{EMAIL}port = 2525\n[web]\nidle_minutes = 15\n')
    file = read_settings_file(tmp_path)
    path.unlink()  # what follows comes from the one reading, not from the disk
    assert (service_settings(file).policy, service_settings(file).workers) == ("standard", 3)
    assert web_settings(file) == WebSettings(idle_minutes=15.0)
    assert email_settings(file) == EmailSettings(
        host="smtp.council.example", port=2525, security="starttls", sender="CIN plans <cin-plans@council.example>"
    )


def test_the_tables_may_also_sit_inside_a_docgen_table(tmp_path: Path) -> None:
    _write(tmp_path, f'[docgen]\nworkers = 2\n[docgen.web]\nidle_minutes = 5\n[docgen.{EMAIL.removeprefix("[")}')
    assert load_settings(tmp_path).workers == 2
    assert load_web_settings(tmp_path).idle_minutes == 5.0
    assert load_email_settings(tmp_path) is not None


@pytest.mark.parametrize("table", ["", "web", "email"])
def test_every_table_names_a_key_it_does_not_know_the_same_way(tmp_path: Path, table: str) -> None:
    header = {"": "", "web": "[web]\n", "email": EMAIL}[table]
    path = _write(tmp_path, f"{header}colour = 'blue'\n")
    with pytest.raises(ConfigError) as raised:
        LOADERS[table](tmp_path)
    place = f"{path} [{table}]" if table else str(path)
    assert str(raised.value).startswith(f"{place} has settings docgen does not know: colour. Known: ")
    known = str(raised.value).split("Known: ")[1].removesuffix(".").split(", ")
    assert known == sorted(known) and "colour" not in known


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("workers = 'many'", "In docgen.toml, workers must be a whole number, not 'many'."),
        ("[web]\nmax_connections = 'many'", "In docgen.toml [web], max_connections must be a whole number of at least 1, not 'many'."),
        (f"{EMAIL}retries = 'many'", "In docgen.toml [email], retries must be a whole number of at least 0, not 'many'."),
        ("encrypt_email_pdfs = 'yes'", "In docgen.toml, encrypt_email_pdfs must be true or false, not 'yes'."),
        ("file_mode = 'rw-r-----'", "In docgen.toml, file_mode must be permissions in octal digits, such as \"640\", not 'rw-r-----'."),
        ("[web]\ntls_cert = 'c.pem'\ntls_key = 'k.pem'", "In docgen.toml [web], tls_cert 'c.pem' is not a file: give the path of the server's certificate (PEM)."),
        ("web = 5", "In docgen.toml, web must be a table: start it with a line [web]."),
    ],
)
def test_a_wrong_value_is_named_with_its_table_and_what_it_may_be(tmp_path: Path, text: str, says: str) -> None:
    _write(tmp_path, text + "\n")
    table = "email" if "[email]" in text else "web" if "web" in text else ""
    with pytest.raises(ConfigError) as raised:
        LOADERS[table](tmp_path)
    assert str(raised.value) == says


def test_a_file_toml_cannot_parse_is_refused_by_every_table_alike(tmp_path: Path) -> None:
    path = _write(tmp_path, "workers = \n")
    for load in LOADERS.values():
        with pytest.raises(ConfigError, match=f"^{re.escape(str(path))} cannot be read: .*Correct it or remove it to use the defaults.$"):
            load(tmp_path)
