"""The warm converter: one LibreOffice kept running under unoserver, supervised, turning each .docx into a tagged PDF/A-2b.

Shaped like Gotenberg's LibreOffice module. A ``WarmConverter`` owns one unoserver process and the
LibreOffice under it (one process group, its own profile folder and free ports) and starts it again
after ``restart_after`` conversions, when a conversion overruns its hard timeout, when it fails its
health check after being idle (LibreOffice can go deaf), and when it has died. The queue in front of
several of them is ``docgen.pdf.converter_queue.Converters``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import threading
import time
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docgen.errors import ConverterError, ConverterUnavailableError
from docgen.pdf.unoserver import find_soffice, free_port, server_command, server_environment, uno_python

__all__ = ["FILTER_OPTIONS", "PDF_EXPORT", "WarmConverter"]

log = logging.getLogger(__name__)

#: LibreOffice's PDF export settings: a structure tree (tags) and PDF/A-2b
PDF_EXPORT: dict[str, Any] = {"UseTaggedPDF": True, "SelectPdfVersion": 2, "ExportBookmarks": True}
FILTER_OPTIONS = [f"{name}={str(value).lower()}" for name, value in PDF_EXPORT.items()]
START_TIMEOUT = 90.0  # unoserver waits 7 s before it serves; a busy two-core machine needs more
STOP_GRACE = 5.0  # seconds between TERM and KILL
HEALTH_TIMEOUT = 10.0


class _TimeoutTransport(xmlrpc.client.Transport):
    """XML-RPC over HTTP that gives up after ``timeout`` seconds instead of waiting for ever."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: Any) -> Any:
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


class WarmConverter:
    """One supervised unoserver + LibreOffice; ``convert`` never takes longer than ``timeout`` seconds (plus a restart)."""

    def __init__(
        self,
        workdir: Path,
        shim: Path,
        *,
        timeout: float = 120.0,
        restart_after: int = 100,
        idle_check_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.workdir = workdir
        self.shim = shim
        self.timeout = timeout
        self.restart_after = restart_after
        self.idle_check_after = idle_check_after
        self.health_timeout = HEALTH_TIMEOUT
        self.clock = clock
        self.starts = 0  # how many LibreOffices this converter has started, the first included
        self.conversions = 0  # since the last start
        self._process: subprocess.Popen[bytes] | None = None
        self._port = 0
        self._ready = False  # answered since its last start
        self._last_used = 0.0
        self._lock = threading.Lock()

    # -- the process ------------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """The unoserver process (leader of the group LibreOffice runs in), while running."""
        return self._process.pid if self._process is not None and self._process.poll() is None else None

    def start(self) -> None:
        """Starts unoserver and LibreOffice without waiting for them (``wait_ready`` does)."""
        soffice = find_soffice()
        if soffice is None:
            raise ConverterUnavailableError(
                "LibreOffice is not installed, so no PDFs can be made: install it (Debian: libreoffice-writer-nogui "
                "and python3-uno), or set pdf = false in docgen.toml"
            )
        python = uno_python(self.shim)
        if python is None:
            raise ConverterUnavailableError(
                "LibreOffice's Python bridge (uno) is missing, so no PDFs can be made: install python3-uno "
                "(scripts/system-packages.sh does), or set pdf = false in docgen.toml"
            )
        self.workdir.mkdir(mode=0o700, parents=True, exist_ok=True)
        profile = self.workdir / "profile"
        shutil.rmtree(profile, ignore_errors=True)  # a fresh profile each start: a crash can leave one locked or broken
        self._port, uno_port = free_port(), free_port()
        while uno_port == self._port:
            uno_port = free_port()
        with (self.workdir / "unoserver.log").open("ab") as output:
            self._process = subprocess.Popen(
                server_command(python, soffice, profile, self._port, uno_port),
                env=server_environment(self.shim),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # LibreOffice's processes join the group, so a kill ends them all
            )
        self.starts += 1
        self.conversions = 0
        self._ready = False

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Waits until the converter answers its health check; starts it again if it died starting (a port taken meanwhile)."""
        if self._process is None:
            self.start()
        deadline = self.clock() + timeout
        tries = 1
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                if tries >= 3:
                    raise ConverterUnavailableError(
                        f"LibreOffice will not start (it {_how_it_stopped(self._process.returncode)}; see "
                        f"{self.workdir / 'unoserver.log'}): check it is installed correctly, or set pdf = false in docgen.toml"
                    )
                tries += 1
                self.start()
            elif self.healthy(timeout=2.0):
                self._last_used = self.clock()
                self._ready = True
                return
            if self.clock() >= deadline:
                self._kill()
                raise ConverterUnavailableError(
                    f"LibreOffice did not start within {timeout:g} seconds: the machine may be overloaded; "
                    "docgen tries again with the next form"
                )
            time.sleep(0.2)

    def healthy(self, timeout: float | None = None) -> bool:
        """True when LibreOffice answers through unoserver within ``timeout`` seconds (it lists its filters)."""
        timeout = self.health_timeout if timeout is None else timeout
        if self._process is None or self._process.poll() is not None:
            return False
        proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self._port}", transport=_TimeoutTransport(timeout), allow_none=True)
        try:
            info = proxy.info()
        except (OSError, xmlrpc.client.Error):
            return False
        return isinstance(info, dict) and "api" in info

    def stop(self) -> None:
        """Stops unoserver and LibreOffice: TERM, then KILL after a grace period; removes the profile."""
        with self._lock:
            self._kill(grace=STOP_GRACE)
            shutil.rmtree(self.workdir / "profile", ignore_errors=True)

    def _kill(self, grace: float = 0.0) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if grace and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(grace)
        with contextlib.suppress(ProcessLookupError):  # LibreOffice may outlive unoserver: end the whole group
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def _restart(self, why: str) -> None:
        log.warning("LibreOffice %s: starting it again", why)
        self._kill()
        self.start()
        self.wait_ready()

    def _ensure_ready(self) -> None:
        """Gotenberg's rules: dead or never started, worn (N conversions), or deaf after idling → a fresh LibreOffice."""
        if self._process is None or not self._ready:
            self.wait_ready()
        elif self._process.poll() is not None:
            self._restart(f"had stopped ({_how_it_stopped(self._process.returncode)})")
        elif self.conversions >= self.restart_after:
            log.info("LibreOffice made %d PDFs: starting a fresh one", self.conversions)
            self._kill()
            self.wait_ready()
        elif self.clock() - self._last_used >= self.idle_check_after and not self.healthy():
            self._restart("did not answer after being idle")

    # -- converting -------------------------------------------------------------------------------

    def convert(self, source: Path, target: Path) -> None:
        """Writes ``target``, the PDF of ``source``, whole or not at all; raises ``ConverterError`` (LibreOffice is then restarted)."""
        with self._lock:
            self._ensure_ready()
            partial = target.with_name(f".{target.stem}.partial.pdf")
            try:
                self._call(source, partial)
                with partial.open("rb") as made:
                    if made.read(5) != b"%PDF-":
                        raise ConverterError(f"LibreOffice did not make a PDF of {source.name}")
            except (ConverterError, OSError) as exc:
                partial.unlink(missing_ok=True)
                self._kill()  # whatever went wrong, the next conversion gets a fresh LibreOffice
                if isinstance(exc, ConverterError):
                    raise
                raise ConverterError(f"LibreOffice did not make a PDF of {source.name}: {exc}") from exc
            finally:
                self._last_used = self.clock()
            self.conversions += 1
            os.replace(partial, target)

    def _call(self, source: Path, partial: Path) -> None:
        """unoserver's own client, on a thread of its own, so that a conversion that never returns is cut off."""
        from unoserver.client import UnoClient

        client = UnoClient("127.0.0.1", str(self._port))
        failure: list[BaseException] = []

        def run() -> None:
            try:
                # no tables of contents to update: refreshing the layout twice first costs a fifth of the time
                client.convert(inpath=str(source), outpath=str(partial), filter_options=FILTER_OPTIONS, update_index=False)
            except BaseException as exc:  # handed to the waiting thread
                failure.append(exc)

        worker = threading.Thread(target=run, name="docgen-pdf", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            self._kill()  # the blocked call ends with the process; the daemon thread is not waited for
            raise ConverterError(f"LibreOffice did not convert {source.name} within {self.timeout:g} seconds and was stopped")
        if failure:
            exc = failure[0]
            if self._process is not None and self._process.poll() is not None:
                raise ConverterError(f"LibreOffice stopped while converting {source.name}") from exc
            raise ConverterError(f"LibreOffice could not convert {source.name}: {exc}") from exc


def _how_it_stopped(returncode: int | None) -> str:
    """How a process ended, in words: killed by which signal (a negative return code), else its exit code."""
    if returncode is not None and returncode < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-returncode).name}"
        return f"was killed by signal {-returncode}"
    return f"stopped with exit code {returncode}"
