"""The queue in front of the warm converters: a form's documents spread over as many LibreOffices as ``workers`` allows.

A document whose conversion failed (its LibreOffice is then restarted) is tried once more, on whichever
converter is free; only then are the form's PDFs given up, with a ``ConverterError`` naming the documents
and the reason, and none of its PDFs kept.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import shutil
import tempfile
import threading
from pathlib import Path

from docgen.errors import ConverterError, ConverterUnavailableError
from docgen.render.converter import WarmConverter
from docgen.render.unoserver import unoserver_path

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
            WarmConverter(self.base / f"converter-{n}", shim, timeout=timeout, restart_after=restart_after, idle_check_after=idle_check_after)
            for n in range(max(1, count))
        ]

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
        """Stops every LibreOffice and removes their profiles."""
        for converter in self.converters:
            converter.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> Converters:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __call__(self, documents: list[Path], out_dir: Path, timeout: float | None = None) -> dict[Path, Path]:
        """PDFs of ``documents`` in ``out_dir``, spread over the converters; all of them, or a ``ConverterError`` and none."""
        pending: queue.Queue[tuple[Path, int]] = queue.Queue()
        for document in sorted(documents, key=_size, reverse=True):  # longest first: the converters finish together
            pending.put((document, 1))
        made: dict[Path, Path] = {}
        failed: dict[Path, ConverterError] = {}

        def work(converter: WarmConverter) -> None:
            while True:
                try:
                    document, attempt = pending.get_nowait()
                except queue.Empty:
                    return
                target = out_dir / f"{document.stem}.pdf"
                try:
                    converter.convert(document, target)
                    made[document] = target
                except ConverterUnavailableError as exc:
                    failed[document] = exc
                    return
                except ConverterError as exc:
                    log.warning("%s", exc)
                    if attempt < ATTEMPTS:
                        pending.put((document, attempt + 1))
                    else:
                        failed[document] = exc

        threads = [threading.Thread(target=work, args=(c,), name="docgen-converter") for c in self.converters[: len(documents)]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        while not pending.empty():  # every converter became unavailable with documents still queued
            failed.setdefault(pending.get_nowait()[0], ConverterUnavailableError("LibreOffice is unavailable"))
        if failed:
            for pdf in made.values():
                pdf.unlink(missing_ok=True)
            raise _failure(failed)
        return {document: made[document] for document in documents}


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
