"""A new root (``docgen init DIR``) with ``inbox/``, ``outbox/`` and a commented ``docgen.toml`` naming the council's profile."""

from __future__ import annotations

import os
from pathlib import Path

from docgen.config import load_settings
from docgen.errors import ConfigError
from docgen.profiles import DEFAULT_PROFILE, profiles_in
from docgen.root import Layout
from docgen.settings import CONFIG_NAME

__all__ = ["init_root", "settings_text"]


def settings_text(policy: str) -> str:
    """A ``docgen.toml`` with every everyday setting explained, ``policy`` set and the rest at docgen's defaults."""
    return f"""\
# docgen settings for this folder (the root holding inbox/ and outbox/); command-line flags win.
# Every setting is explained in docs/operations.md ("Settings").

policy = "{policy}"    # council profile for forms that name none (`docgen rules` lists each profile's rules)
pdf = "auto"                 # a PDF of every document wherever LibreOffice is installed; true insists, false never
workers = 1                  # processes building plans in parallel for a batch (at most the number of CPUs)
settle_seconds = 2           # a dropped file is read once it has been unchanged this long
observer = "auto"            # "polling" when inbox/ is on a network share
# file_mode = "640"          # permissions of published files (octal): owner reads and writes, group reads;
#                            # accounts, session key and audit log in .docgen/ stay owner-only (600) whatever it says
# dir_mode = "750"           # permissions of published folders
# encrypt_email_pdfs = true  # secure_email packs are AES-256 encrypted, their passwords in private/ (default: as the profile says);
#                            # email recipients get plain PDFs over verified TLS (docs/web.md, "Threat model")

# Emailing the copies (`docgen send`): uncomment and fill in; see docs/sending.md.
# [email]
# host = "smtp.council.example"
# port = 587
# security = "starttls"            # "starttls" or "ssl"
# from = "CIN plans <cin-plans@council.example>"
# username = "cin-plans"
# password_env = "DOCGEN_SMTP_PASSWORD"   # the password is never written here
# ca_file = ""                     # the council's own CA bundle, if it has one
# send_on_publish = false          # true: `docgen watch` emails each meeting's copies once published
"""


def init_root(folder: Path, policy: str | None = None, dir_mode: int = 0o750) -> Path:
    """Makes ``folder`` a root: ``inbox/``, ``outbox/`` and ``docgen.toml``; an existing ``docgen.toml`` is never overwritten."""
    profile = profiles_in(folder).load(policy or DEFAULT_PROFILE).id  # an unknown council stops here, before any folder is made
    config = folder / CONFIG_NAME
    if config.exists():
        raise ConfigError(f"{config} already exists: docgen init never overwrites settings. Edit that file instead.")
    for sub in (folder, Layout(folder).inbox, Layout(folder).outbox):
        if not sub.is_dir():
            sub.mkdir(parents=True, exist_ok=True)
            os.chmod(sub, dir_mode)  # plans hold children's details: not for everyone on the machine
    config.write_text(settings_text(profile), encoding="utf-8")
    load_settings(folder)  # what init writes must read back: a test of the template itself
    return folder
