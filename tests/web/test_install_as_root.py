"""The documented install run as root on a root owned by the service account: everything it makes is that account's, and
``docgen serve`` running as that account signs people in (no HTTP 500 from a file root left behind)."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import site
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import DOCGEN, PASSWORD, REPO, start_server, stop_server

pytestmark = pytest.mark.slow


@pytest.fixture
def service_account() -> Iterator[str]:
    """A throwaway system account, as `useradd --system` makes the docgen one (CI runs the suite as root)."""
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("CI must run this test as root: it makes a system account")
        pytest.skip("needs root to make a system account")
    name = f"dgtest{secrets.token_hex(3)}"
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name], check=True
    )
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], check=False)


def _docgen_as(account: str) -> tuple[list[str], dict[str, str]]:
    """The command that runs docgen as ``account``, and its environment.

    Where this Python lives somewhere the account cannot read (a per-user install under /root), the system's Python of
    the same version runs it, with this one's libraries.
    """
    as_account = ["setpriv", "--reuid", account, "--regid", account, "--init-groups"]
    if subprocess.run([*as_account, sys.executable, "-c", "import pprint"], capture_output=True).returncode == 0:
        return [*as_account, *DOCGEN], {"HOME": "/nonexistent"}
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = shutil.which(version, path="/usr/local/bin:/usr/bin")
    if system is None:
        pytest.skip(f"no {version} that the account {account} may run")
    libraries = os.pathsep.join([str(REPO), *site.getsitepackages()])
    return [*as_account, system, "-m", "docgen"], {"HOME": "/nonexistent", "PYTHONPATH": libraries}


def _as_root(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DOCGEN, *args], input=stdin, capture_output=True, text=True, timeout=300, cwd=REPO)


def test_the_install_run_as_root_leaves_the_service_account_owning_everything(service_account: str) -> None:
    place = Path(tempfile.mkdtemp(prefix="docgen-install-", dir="/tmp"))
    place.chmod(0o755)
    root = place / "docgen"
    try:
        # docs/operations.md, as root: the folder for the account, then init and the first web account without sudo -u
        subprocess.run(["install", "-d", "-o", service_account, "-g", service_account, "-m", "0751", str(root)], check=True)
        made = _as_root("init", str(root), "--policy", "standard")
        assert made.returncode == 0, made.stderr
        settings = root / "docgen.toml"
        settings.write_text(re.sub(r"(?m)^pdf = .*$", "pdf = false", settings.read_text(encoding="utf-8")), encoding="utf-8")
        added = _as_root("users", "add", "admin", "--role", "admin", "--password-stdin", "--root", str(root), stdin=PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
        assert _as_root("run", "--once", "--root", str(root)).returncode == 0
        uid = int(subprocess.run(["id", "-u", service_account], capture_output=True, text=True, check=True).stdout)
        owned_by_root = [p for p in [root, *root.rglob("*")] if p.lstat().st_uid != uid]
        assert owned_by_root == [], "every file the commands made belongs to the service account"

        command, env = _docgen_as(service_account)
        server = start_server(root, command=command, env=env)
        try:
            client = server.sign_in("admin")
            assert client.get("/").status_code == 200
        finally:
            assert stop_server(server) == 0

        # a file an older docgen left root's: serve says so in one line, and the next command run as root hands it back
        os.chown(root / ".docgen" / "users.json", 0, 0)
        os.chmod(root / ".docgen" / "users.json", 0o600)
        refused = subprocess.run(
            [*command, "serve", "--root", str(root)], capture_output=True, text=True, timeout=120, cwd=REPO, env={**os.environ, **env}
        )
        assert refused.returncode == 2
        assert refused.stderr.splitlines() == [
            f"docgen: docgen (running as {service_account}) cannot use {root}/.docgen/users.json (owned by root, mode 0600): "
            f"as root run `chown -R {service_account}: {root}/.docgen` (or run docgen as the account that owns it), then start again."
        ]
        assert _as_root("users", "list", "--root", str(root)).returncode == 0
        assert (root / ".docgen" / "users.json").stat().st_uid == uid
        watch = _as_root("watch", "--root", str(root))
        assert (watch.returncode, watch.stderr.splitlines()) == (
            2,
            [
                f"docgen: {root} belongs to the account {service_account}: run `docgen watch` as that account "
                f"(`sudo -u {service_account} docgen watch --root {root}`, or the systemd unit's User=), never as root."
            ],
        )
    finally:
        shutil.rmtree(place, ignore_errors=True)
