"""Fixtures for the sending tests: a throw-away CA (once per session) and a real SMTP server process per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.send.helpers import PASSWORD, MailServer, make_ca, start_server


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """ca.pem, server.pem and server.key for 127.0.0.1, made by the tests."""
    return make_ca(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def mail_server(tmp_path: Path, certs: dict[str, Path]) -> Iterator[MailServer]:
    """aiosmtpd in its own process on a free loopback port, STARTTLS and AUTH required."""
    server = start_server(tmp_path / "mail", certs)
    yield server
    server.stop()


@pytest.fixture
def smtp_password(monkeypatch: pytest.MonkeyPatch) -> str:
    """The password, in the variable the test settings name."""
    monkeypatch.setenv("DOCGEN_TEST_SMTP_PASSWORD", PASSWORD)
    return PASSWORD
