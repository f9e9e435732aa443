"""Starting ``unoserver`` (PyPI) on a LibreOffice of its own: the Python that has ``uno``, free ports, a private profile.

unoserver's server half imports LibreOffice's ``uno`` bridge, which Debian ships for its own Python
(``python3-uno`` in ``/usr/lib/python3/dist-packages``), not for docgen's virtual environment. So the
server runs under the first Python that can import ``uno``, and finds the unoserver package installed
with docgen through a small folder of links put first on its ``PYTHONPATH``; docgen itself only talks
to it over XML-RPC (``unoserver.client.UnoClient``).
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
from importlib import metadata
from pathlib import Path

__all__ = ["find_soffice", "free_port", "server_command", "server_environment", "uno_python", "unoserver_path"]

#: Pythons that may have LibreOffice's ``uno`` module, best first ($DOCGEN_UNO_PYTHON wins)
UNO_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python", "/opt/libreoffice/program/python")


def find_soffice() -> str | None:
    """The LibreOffice program on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody is listening on now (other LibreOffices run beside docgen's)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def unoserver_path(folder: Path) -> Path:
    """``folder`` made into a ``PYTHONPATH`` entry holding only unoserver (package and metadata), linked from docgen's install."""
    dist = metadata.distribution("unoserver")
    tops = {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith("..")}
    folder.mkdir(parents=True, exist_ok=True)
    for top in sorted(t for t in tops if t == "unoserver" or t.endswith(".dist-info")):
        link = folder / top
        if not link.exists():
            link.symlink_to(Path(str(dist.locate_file(top))).resolve())
    return folder


@functools.cache
def uno_python(shim: Path) -> str | None:
    """The first Python that imports both ``uno`` and unoserver's server (through ``shim``), or None."""
    candidates = [os.environ.get("DOCGEN_UNO_PYTHON"), *UNO_PYTHONS, sys.executable]
    for python in dict.fromkeys(c for c in candidates if c):
        if not os.access(python, os.X_OK):
            continue
        try:
            probe = subprocess.run(
                [python, "-c", "import uno, unoserver.server"],
                env=server_environment(shim),
                capture_output=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return python
    return None


def server_environment(shim: Path) -> dict[str, str]:
    """The server's environment: unoserver found first, Debian's ``uno`` beside it for a Python of the same version."""
    extra = [str(shim)]
    if Path("/usr/lib/python3/dist-packages/uno.py").is_file():
        extra.append("/usr/lib/python3/dist-packages")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(extra)}


#: runs the server (its arguments after docgen's process id) and ends its whole process group, LibreOffice included,
#: if docgen goes without stopping it (killed, or crashed): nothing is left running for nobody
_GUARD = """
import os, signal, subprocess, sys
docgen = int(sys.argv[1])
signal.signal(signal.SIGTERM, lambda *_: None)  # docgen tells the whole group; the guard waits for the server to finish
server = subprocess.Popen(sys.argv[2:])
while server.poll() is None:
    if os.getppid() != docgen:
        os.killpg(0, signal.SIGKILL)
    try:
        server.wait(1)
    except subprocess.TimeoutExpired:
        pass
sys.exit(server.returncode if server.returncode >= 0 else 128 - server.returncode)
"""


def server_command(python: str, soffice: str, profile: Path, port: int, uno_port: int) -> list[str]:
    """The command line of one unoserver: XML-RPC on ``port``, LibreOffice's UNO socket on ``uno_port``, its own profile;
    under a guard that ends them all if docgen is killed."""
    return [
        python,
        "-c",
        _GUARD,
        str(os.getpid()),
        python,
        "-m",
        "unoserver.server",
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        "--uno-interface",
        "127.0.0.1",
        "--uno-port",
        str(uno_port),
        "--user-installation",
        str(profile),
        "--executable",
        soffice,
        "--quiet",
    ]
