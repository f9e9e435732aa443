"""The worker processes that build forms side by side: started warm, replaced when one dies."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from docgen.service.build import ignore_stop_signals

__all__ = ["WorkerPool"]

#: what the forkserver imports once, so that each worker it starts has the building libraries loaded already
FORKSERVER_PRELOAD: tuple[str, ...] = ("docgen.service.build", "docgen.forms", "docgen.validation", "docgen.render")


class WorkerPool:
    """``workers`` processes, made on first use; ``lock_fileno`` is the root lock's descriptor, which forked workers let go of."""

    def __init__(self, workers: int, lock_fileno: Callable[[], int | None]) -> None:
        self.workers = workers
        self.lock_fileno = lock_fileno
        self.pool: ProcessPoolExecutor | None = None

    def get(self) -> ProcessPoolExecutor:
        """The running pool, started now if there is none."""
        if self.pool is None:
            # fork starts workers at once with the libraries already imported; but forking a process that runs
            # threads (the watcher's observer) can copy a lock held mid-operation, so then a clean forkserver
            inherited: int | None = None
            if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
                context: multiprocessing.context.BaseContext = multiprocessing.get_context("fork")
                inherited = self.lock_fileno()
            else:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(list(FORKSERVER_PRELOAD))
            self.pool = ProcessPoolExecutor(
                # even one worker builds apart from the service: a form that kills its builder never kills the service
                max_workers=max(1, self.workers),
                mp_context=context,
                initializer=ignore_stop_signals,
                initargs=(inherited,),
            )
        return self.pool

    def start(self) -> None:
        """Starts the processes now (``watch`` does, before its observer thread: forked workers start warm and safe)."""
        self.get().submit(os.getpid).result()

    def discard(self, broken: ProcessPoolExecutor | None) -> None:
        """Drops the pool after a worker died in it (unless a newer pool has started since)."""
        if self.pool is not None and (broken is None or broken is self.pool):
            self.pool.shutdown(wait=False)
            self.pool = None

    def shutdown(self) -> None:
        """Waits for the workers to finish and stops them."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
