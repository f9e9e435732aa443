"""The figures the overview and the report show, read from the ledger again only when it changes.

Both read every deadline the ledger holds (60,000 in a large council): they do it once per change of the
ledger, not once per page, and a background thread does it soon after the service writes. The report keeps
its items in date order (``ReportIndex``), so any period is a slice of them.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from docgen.ledger import DueItem
from docgen.ledger.performance import Figures
from docgen.ledger.report_periods import ReportIndex
from docgen.web.models import KIND_WORDS, LedgerAccess

__all__ = ["Overview", "compliance", "keep_warm", "overview"]


@dataclass(frozen=True)
class Overview:
    """What is overdue and upcoming, counted by kind and key worker, with the overdue list first."""

    as_of: dt.date
    overdue: list[DueItem]  # only the first ``shown``, their days late worked out for ``as_of``
    upcoming: list[DueItem]  # only the first 50
    overdue_count: int
    upcoming_count: int
    by_kind: list[tuple[str, int, int]]  # kind words, overdue, upcoming
    by_key_worker: list[tuple[str, int, int]]
    key_workers: list[str]
    shown: int


@dataclass(frozen=True)
class _OpenDeadlines:
    """Every open deadline (by date) and every key worker, as the ledger had them at ``stamp``."""

    stamp: tuple[int, ...]
    items: list[DueItem]
    key_workers: list[str]


_CACHE_LOCK = threading.Lock()
_READING_LOCK = threading.Lock()
_OPEN: dict[Path, _OpenDeadlines] = {}
_OVERVIEWS: dict[tuple[Any, ...], Overview] = {}


def _open_deadlines(access: LedgerAccess) -> _OpenDeadlines:
    """The open deadlines, read again from the ledger only when it has changed (a write by the service or a page)."""
    stamp = access.stamp()
    with _CACHE_LOCK:
        known = _OPEN.get(access.root)
    if known is not None and known.stamp == stamp:
        return known
    with _READING_LOCK:  # the warm-up thread and a page never both read it: the second waits for the first's reading
        known = _OPEN.get(access.root)
        if known is not None and known.stamp == stamp:
            return known
        ledger = access.get()
        # as of the first day there is: nothing is overdue yet, so every item comes back in date order, ready to split
        items = ledger.due(dt.date.min)
        fresh = _OpenDeadlines(stamp, items, sorted({m.key_worker for m in ledger.meetings() if m.key_worker}, key=str.lower))
        with _CACHE_LOCK:
            _OPEN[access.root] = fresh
        return fresh


def overview(
    access: LedgerAccess,
    as_of: dt.date,
    *,
    key_worker: str | None = None,
    case: str | None = None,
    kind: str | None = None,
    shown: int = 100,
) -> Overview:
    """The overview for these filters (the key worker as the ledger matches it: the case's current one, any case of letters)."""
    open_now = _open_deadlines(access)
    key = (access.root, open_now.stamp, as_of, key_worker, case, kind, shown)
    with _CACHE_LOCK:
        cached = _OVERVIEWS.get(key)
    if cached is not None:
        return cached
    worker = (key_worker or "").strip().lower()
    items = [
        i
        for i in open_now.items
        if (not case or i.case_reference == case)
        and (not kind or i.kind == kind)
        and (not worker or (i.key_worker or "").strip().lower() == worker)
    ]
    split = bisect.bisect_left(items, as_of, key=lambda i: i.date)
    overdue, upcoming = items[:split], items[split:]
    result = Overview(
        as_of,
        [replace(i, status="overdue", days_late=(as_of - i.date).days) for i in overdue[:shown]],
        upcoming[:50],
        len(overdue),
        len(upcoming),
        _counts(overdue, upcoming, lambda i: KIND_WORDS.get(i.kind, i.kind)),
        _counts(overdue, upcoming, lambda i: i.key_worker or "Not recorded"),
        open_now.key_workers,
        shown,
    )
    with _CACHE_LOCK:
        if len(_OVERVIEWS) > 512:
            _OVERVIEWS.clear()
        _OVERVIEWS[key] = result
    return result


def keep_warm(access: LedgerAccess, every_seconds: float = 2.0) -> threading.Thread:
    """A background thread that reads the open deadlines and the report's items again soon after the service writes, so no page waits for them."""

    def warm() -> None:
        while True:
            with contextlib.suppress(Exception):  # a locked or missing ledger now is tried again on the next round
                _open_deadlines(access)
                _report_index(access)
            time.sleep(every_seconds)

    thread = threading.Thread(target=warm, name="docgen-web-warm", daemon=True)
    thread.start()
    return thread


def _counts(overdue: list[DueItem], upcoming: list[DueItem], label: Any) -> list[tuple[str, int, int]]:
    late, ahead = Counter(map(label, overdue)), Counter(map(label, upcoming))
    return sorted(((name, late[name], ahead[name]) for name in {*late, *ahead}), key=lambda r: (-r[1], -r[2], r[0].lower()))


_INDEXES: dict[Path, tuple[tuple[int, ...], ReportIndex]] = {}
_INDEX_LOCK = threading.Lock()
_REPORTS: dict[tuple[Any, ...], Figures] = {}


def _report_index(access: LedgerAccess) -> tuple[tuple[int, ...], ReportIndex]:
    """The report's items, read and judged again only when the ledger has changed; one reading at a time."""
    stamp = access.stamp()
    with _INDEX_LOCK:
        known = _INDEXES.get(access.root)
        if known is None or known[0] != stamp:
            known = _INDEXES[access.root] = (stamp, ReportIndex.read(access.get()))
        return known


def compliance(access: LedgerAccess, start: dt.date, end: dt.date, as_of: dt.date) -> Figures:
    """The compliance report's figures (``docgen report``'s) for any period, from items read once per change of the ledger."""
    stamp, index = _report_index(access)
    key = (access.root, stamp, start, end, as_of)
    with _CACHE_LOCK:
        cached = _REPORTS.get(key)
    if cached is not None:
        return cached
    figures = index.figures(start, end, as_of)
    with _CACHE_LOCK:
        if len(_REPORTS) > 64:
            _REPORTS.clear()
        _REPORTS[key] = figures
    return figures
