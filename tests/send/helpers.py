"""For the sending tests: a throw-away CA, a real SMTP server process, and a root with a published meeting."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from docgen.ledger.store import Ledger
from docgen.render.manifest_file import write_manifest
from tests.pdf.test_pdf import FakeConverter
from tests.render.helpers import make_pack

SERVER_SCRIPT = Path(__file__).with_name("smtp_server.py")
USER, PASSWORD = "cin-plans", "s3cret-pass"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca(folder: Path) -> dict[str, Path]:
    """A CA, and a certificate it signed for 127.0.0.1 and localhost: ca.pem, server.pem, server.key."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("docgen test CA"))
        .issuer_name(_name("docgen test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


@dataclass
class MailServer:
    """A running SMTP server process and the messages it has taken."""

    process: subprocess.Popen[str]
    port: int
    spool: Path
    ca: Path

    def messages(self) -> list[tuple[EmailMessage, dict[str, Any]]]:
        """Every message taken so far, in order, with its envelope."""
        found = sorted(self.spool.glob("*.eml"), key=lambda p: int(p.stem))
        return [
            (
                email.message_from_bytes(p.read_bytes(), policy=email.policy.default),  # type: ignore[arg-type]
                json.loads(p.with_suffix(".json").read_text()),
            )
            for p in found
        ]

    def stop(self) -> None:
        """Ends the server process."""
        self.process.terminate()
        self.process.wait(timeout=10)


def start_server(
    tmp: Path,
    certs: dict[str, Path],
    *,
    reject: tuple[str, ...] = (),
    defer: tuple[str, ...] = (),
    hang_up_at_rcpt: tuple[str, ...] = (),
    hang_up_after_data: tuple[str, ...] = (),
    implicit_tls: bool = False,
) -> MailServer:
    """Starts ``smtp_server.py`` on a free loopback port and waits until it listens."""
    spool = tmp / "spool"
    spool.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(SERVER_SCRIPT), "--spool", str(spool), "--cert", str(certs["cert"]), "--key", str(certs["key"])]
    command += ["--user", USER, "--password", PASSWORD]
    for address in reject:
        command += ["--reject", address]
    for address in defer:
        command += ["--defer", address]
    for address in hang_up_at_rcpt:
        command += ["--hang-up-at-rcpt", address]
    for address in hang_up_after_data:
        command += ["--hang-up-after-data", address]
    if implicit_tls:
        command.append("--implicit-tls")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("PORT "), f"the SMTP server did not start: {line!r}"
    return MailServer(process, int(line.split()[1]), spool, certs["ca"])


def email_toml(port: int, ca: Path | None, **extra: Any) -> str:
    """An ``[email]`` table for the test server; ``extra`` adds or replaces settings."""
    settings: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "starttls",
        "from": "CIN plans <cin-plans@council.example>",
        "username": USER,
        "password_env": "DOCGEN_TEST_SMTP_PASSWORD",
        "ca_file": str(ca or ""),
        "retries": 2,
        "timeout_seconds": 10,
        **extra,
    }
    return "[email]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())


@dataclass
class Published:
    """A root with one or more published meetings."""

    root: Path
    manifests: list[dict[str, Any]] = field(default_factory=list)

    def folder(self, index: int = 0) -> Path:
        m = self.manifests[index]
        return self.root / "outbox" / m["case_reference"] / m["meeting"]["folder"]


def publish(root: Path, record: dict[str, Any], *, pdf: bool = True, sha256: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Builds the meeting's pack straight into ``root/outbox`` (PDFs by a fake converter) and records it in the ledger.

    ``sha256`` stands for the form's content: another one publishes an amendment of the same meeting.
    """
    (root / "inbox").mkdir(parents=True, exist_ok=True)
    folder = root / "outbox" / record["case"]["reference"] / f"{record['meeting']['date']}-{record['meeting']['type']}"
    if folder.exists():
        shutil.rmtree(folder)  # an amendment's folder is made afresh (the service keeps the earlier one aside)
    manifest = make_pack(record, folder, pdf=pdf, converter=FakeConverter() if pdf else None, **kwargs)
    if sha256:
        manifest["source"]["sha256"] = sha256
    write_manifest(folder, manifest)
    with Ledger.open(root) as ledger:
        ledger.publish_meeting(manifest, record=record)
    return manifest


def many_recipients(record: dict[str, Any], count: int) -> dict[str, Any]:
    """The record with ``count`` professionals who each get their copy by email (and no one else by email)."""
    for person in record["participants"]:
        if person.get("delivery") in ("email", "secure_email"):
            person["delivery"], person["address"] = "post", "1 Test Street, Bristol BS1 1AA"
            person.pop("email", None)
    record["key_worker"].pop("email", None)
    record["participants"] += [
        {
            "name": f"Practitioner {n}",
            "role": "professional",
            "agency": "Test Agency",
            "attended": True,
            "contribution": "verbal",
            "delivery": "email",
            "email": f"practitioner{n}@agency.example",
        }
        for n in range(1, count + 1)
    ]
    return record
