"""The queue in front of the warm converters: documents, of one form or several, spread over as many LibreOffices as ``workers`` allows.

One queue for the whole service, first come first served, so that no converter waits while another
form's documents are waiting. A document whose conversion failed (its LibreOffice is then replaced)
is tried once more, on whichever converter is free; only then are the form's PDFs given up, with a
``ConverterError`` naming the documents and the reason, and none of its PDFs kept.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import shutil
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

from docgen.errors import ConverterError, ConverterUnavailableError
from docgen.pdf.unoserver import unoserver_path
from docgen.pdf.warm import WarmConverter

__all__ = ["ATTEMPTS", "Converters"]

log = logging.getLogger(__name__)

#: each document is tried this many times, each further try on a freshly started LibreOffice
ATTEMPTS = 2


class Converters:
    """A queue in front of ``count`` warm converters; called like a one-shot converter: (documents, out_dir, timeout) → PDFs."""

    def __init__(self, count: int, *, timeout: float = 120.0, restart_after: int = 100, idle_check_after: float = 30.0) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="docgen-libreoffice-"))
        shim = unoserver_path(self.base / "python")
        self.converters = [
            WarmConverter(
                self.base / f"converter-{n}", shim, timeout=timeout, restart_after=restart_after, idle_check_after=idle_check_after
            )
            for n in range(max(1, count))
        ]
        self._free: queue.Queue[WarmConverter] = queue.Queue()  # the converters not converting right now
        for converter in self.converters:
            self._free.put(converter)
        self._queue = ThreadPoolExecutor(max_workers=len(self.converters), thread_name_prefix="docgen-converter")

    def start(self, wait: bool = True, warm_up: Path | None = None) -> None:
        """Starts every converter together; with ``wait``, returns once all answer (warm before the first form).

        ``warm_up``: a document each converter converts once started, so that the first form does not pay for
        loading Word import, PDF export, fonts and pictures into LibreOffice.
        """
        for converter in self.converters:
            converter.start()
        if wait:
            self.wait_ready()
            if warm_up is not None:
                threads = [threading.Thread(target=_warm, args=(c, warm_up), name="docgen-warm-up") for c in self.converters]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()

    def wait_ready(self) -> None:
        """Waits until every converter answers."""
        for converter in self.converters:
            converter.wait_ready()

    def close(self) -> None:
        """Lets the queued documents finish, then stops every LibreOffice and removes their profiles."""
        self._queue.shutdown(wait=True)
        for converter in self.converters:
            converter.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> Converters:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def submit(self, document: Path, target: Path) -> Future[Path]:
        """Queues one document: converted to ``target`` by the first free converter, after every document queued before it."""
        return self._queue.submit(self._convert, document, target)

    def _convert(self, document: Path, target: Path) -> Path:
        """One document on a free converter; on failure (that LibreOffice is then replaced) once more, on whichever is free."""
        for attempt in range(1, ATTEMPTS + 1):
            converter = self._free.get()
            try:
                converter.convert(document, target)
                return target
            except ConverterUnavailableError:
                raise
            except ConverterError as exc:
                log.warning("%s", exc)
                if attempt == ATTEMPTS:
                    raise
            finally:
                self._free.put(converter)
        raise AssertionError("unreachable")  # pragma: no cover

    def __call__(self, documents: list[Path], out_dir: Path, timeout: float | None = None) -> dict[Path, Path]:
        """PDFs of ``documents`` in ``out_dir``, spread over the converters; all of them, or a ``ConverterError`` and none."""
        queued = {d: self.submit(d, out_dir / f"{d.stem}.pdf") for d in sorted(documents, key=_size, reverse=True)}  # longest first
        wait(queued.values())
        errors = {d: exc for d, f in queued.items() if (exc := f.exception()) is not None}
        if errors:
            for document, future in queued.items():
                if document not in errors:
                    future.result().unlink(missing_ok=True)
            bug = next((e for e in errors.values() if not isinstance(e, ConverterError)), None)
            if bug is not None:
                raise bug  # a fault in docgen itself, not LibreOffice's: it surfaces as the bug it is
            raise _failure({d: e for d, e in errors.items() if isinstance(e, ConverterError)})
        return {document: queued[document].result() for document in documents}


def _warm(converter: WarmConverter, document: Path) -> None:
    """One conversion nobody waits for the result of; a failure here shows again, with its reason, on a real form."""
    with contextlib.suppress(ConverterError):
        converter.convert(document, converter.workdir / "warm-up.pdf")


def _size(path: Path) -> int:
    """A document's size in bytes (0 if it cannot be read: it fails later, with its reason)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _failure(failed: dict[Path, ConverterError]) -> ConverterError:
    """One error for the form: unavailable if LibreOffice itself was the problem, else which documents failed and why."""
    unavailable = [exc for exc in failed.values() if isinstance(exc, ConverterUnavailableError)]
    if unavailable:
        return ConverterUnavailableError(str(unavailable[0]))
    names = ", ".join(sorted(d.name for d in failed))
    reason = next(iter(failed.values()))
    return ConverterError(f"LibreOffice could not make PDFs of {names}, even after a fresh start ({reason})")
