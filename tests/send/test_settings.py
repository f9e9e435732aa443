"""``[email]`` in docgen.toml: each wrong setting is named, passwords stay out of the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.config import load_settings
from docgen.errors import ConfigError
from docgen.settings.sending import EmailSettings, load_email_settings, smtp_password

GOOD = """
[email]
host = "smtp.council.example"
port = 587
security = "starttls"
from = "CIN plans <cin-plans@council.example>"
username = "cin-plans"
password_env = "DOCGEN_SMTP_PASSWORD"
ca_file = ""
send_on_publish = false
"""


def _root(tmp_path: Path, text: str) -> Path:
    (tmp_path / "inbox").mkdir(exist_ok=True)
    (tmp_path / "docgen.toml").write_text('policy = "standard"\n' + text)
    return tmp_path


def test_the_example_in_the_design_is_read_and_leaves_the_other_settings_alone(tmp_path: Path) -> None:
    root = _root(tmp_path, GOOD)
    assert load_email_settings(root) == EmailSettings(
        host="smtp.council.example", port=587, security="starttls", sender="CIN plans <cin-plans@council.example>", username="cin-plans"
    )
    assert load_settings(root).policy == "standard"  # [email] is not an unknown setting of docgen.toml


def test_no_email_table_means_sending_is_not_set_up(tmp_path: Path) -> None:
    assert load_email_settings(_root(tmp_path, "")) is None
    result = CliRunner().invoke(main, ["send", "--root", str(tmp_path)])
    assert result.exit_code == 2 and "has no [email] settings" in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("port = 587", 'port = "587"'), "In docgen.toml [email], port must be a whole number of at least 1, not '587'."),
        (('security = "starttls"', 'security = "tls"'), 'In docgen.toml [email], security must be "starttls" or "ssl", not \'tls\'.'),
        (
            ('security = "starttls"', 'security = "none"'),
            "security = \"none\" is only allowed to a loopback address, not 'smtp.council.example'",
        ),
        (('from = "CIN plans <cin-plans@council.example>"', 'from = "CIN plans"'), "In docgen.toml [email], from must be an email address"),
        (('ca_file = ""', 'ca_file = "missing.pem"'), "In docgen.toml [email], ca_file 'missing.pem' is not a file"),
        (("send_on_publish = false", 'send_on_publish = "yes"'), "send_on_publish must be true or false, not 'yes'."),
        (("port = 587", "port = 587\nprot = 25"), "docgen.toml [email] has settings docgen does not know: prot. Known: ca_file, from, host,"),
        (('password_env = "DOCGEN_SMTP_PASSWORD"', 'password = "hunter2"'), "docgen.toml holds an email password: remove it from the file"),
    ],
)
def test_a_wrong_setting_is_named_and_exits_2(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    root = _root(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError, match=None) as caught:
        load_email_settings(root)
    assert message in str(caught.value)
    result = CliRunner().invoke(main, ["send", "--root", str(root), "--dry-run"])
    assert result.exit_code == 2 and message in result.output
    assert "hunter2" not in result.output


def test_none_is_allowed_to_a_loopback_address_only(tmp_path: Path) -> None:
    root = _root(tmp_path, GOOD.replace('security = "starttls"', 'security = "none"').replace("smtp.council.example", "127.0.0.1"))
    settings = load_email_settings(root)
    assert settings is not None and settings.security == "none" and not settings.verified_tls


def test_the_password_comes_only_from_the_named_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_email_settings(_root(tmp_path, GOOD))
    assert settings is not None
    monkeypatch.delenv("DOCGEN_SMTP_PASSWORD", raising=False)
    with pytest.raises(ConfigError, match="put it in the environment variable DOCGEN_SMTP_PASSWORD"):
        smtp_password(settings)
    monkeypatch.setenv("DOCGEN_SMTP_PASSWORD", "pa55")
    assert smtp_password(settings) == "pa55"


def test_the_email_block_docgen_init_writes_works_once_uncommented(tmp_path: Path) -> None:
    from docgen.new_root import settings_text

    text = settings_text("standard")
    start = text.index("# [email]")
    uncommented = text[:start] + "".join(line.removeprefix("# ") + "\n" for line in text[start:].splitlines())
    (tmp_path / "inbox").mkdir()
    (tmp_path / "docgen.toml").write_text(uncommented)
    assert load_email_settings(tmp_path) == EmailSettings(
        host="smtp.council.example", port=587, security="starttls", sender="CIN plans <cin-plans@council.example>", username="cin-plans"
    )
    assert load_settings(tmp_path).policy == "standard"
