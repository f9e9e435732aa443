"""The report for any period from one reading of the ledger: each measure's items in date order, a period a slice of them.

``docgen report`` reads the ledger for one period (``build_report``). The web app asks for many periods of the
same ledger, so it reads and judges every item once per change of the ledger (``ReportIndex.read``) and answers
each period by bisecting the dates, touching only the items the period takes in. Both judge the items with
the same functions (``judged_items``, ``count``), and give the same figures: the same counts, citations in the
same order, the same late items in the same order.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import accumulate
from operator import attrgetter

from docgen.ledger.performance import COUNTED_ONCE_PASSED, Figures, Judged, LateItem, Measure, Tally, count, empty_measures, judged_items
from docgen.ledger.store import Ledger

__all__ = ["ReportIndex"]

_READING_ORDER = attrgetter("order")
_DATE_ORDER = attrgetter("due", "order")
_LATE_ITEMS_KEPT = 200_000  # late items worked out for as-of days: enough for a few days' worth of a large council


class _Column:
    """One measure's items by date (then reading order), and how many of the first n are still to do."""

    def __init__(self, items: list[Judged]) -> None:
        self.items = sorted(items, key=_DATE_ORDER)
        self.dates = [i.due for i in self.items]
        self.still_to_do = list(accumulate((not i.settled for i in self.items), initial=0))
        self.cites_measure = any(i.cites_measure for i in self.items)


class ReportIndex:
    """Every measure's judged items, read from the ledger once: ``figures`` gives any period's report from them."""

    def __init__(self, items: dict[str, list[Judged]]) -> None:
        self._columns = {measure_id: _Column(found) for measure_id, found in items.items()}
        self._late: dict[tuple[dt.date, str, int], LateItem] = {}  # late items still to do, by as-of day

    @classmethod
    def read(cls, ledger: Ledger) -> ReportIndex:
        """The items as the ledger has them now."""
        return cls(judged_items(ledger))

    def figures(self, start: dt.date, end: dt.date, as_of: dt.date) -> Figures:
        """The figures ``build_report`` gives for deadlines falling due from ``start`` to ``end``, judged on ``as_of``."""
        measures = empty_measures()
        for measure in measures:
            column = self._columns[measure.id]
            low = bisect_left(column.dates, start)
            high = max(low, bisect_right(column.dates, end))  # a period that ends before it starts takes nothing in
            passed = bisect_left(column.dates, as_of, low, high)  # [low, passed): due before the as-of day
            taken = column.items[low:passed]
            if measure.id not in COUNTED_ONCE_PASSED:
                taken += [i for i in column.items[passed:high] if i.settled]
                measure.not_yet_due = column.still_to_do[high] - column.still_to_do[passed]
            taken.sort(key=_READING_ORDER)
            if column.cites_measure:
                for item in taken:  # few (a case's children), and each late item names the citations so far
                    count(measure, item, as_of)
            else:
                self._count_together(measure, taken, as_of)
        return Figures(start, end, as_of, measures)

    def _count_together(self, measure: Measure, taken: list[Judged], as_of: dt.date) -> None:
        """What ``count`` does item by item, for the whole period at once."""
        for section in dict.fromkeys(s for cites in dict.fromkeys(i.cites for i in taken) for s in cites):
            measure.cite(section)
        counted = [i for i in taken if i.counts]
        totals = Counter(i.key_worker for i in counted)  # in the order each key worker is first met, as ``count`` adds them
        on_time = Counter(i.key_worker for i in counted if i.on_time)
        measure.by_key_worker = {name: Tally(total, on_time[name]) for name, total in totals.items()}
        measure.overall = Tally(len(counted), sum(on_time.values()))
        measure.late = [self._late_on(measure.id, i, as_of) for i in counted if not i.on_time]

    def _late_on(self, measure_id: str, item: Judged, as_of: dt.date) -> LateItem:
        """The item's late item as of the day, worked out once per as-of day where its days late run on."""
        assert item.late is not None
        if item.late.done is not None:
            return item.late
        key = (as_of, measure_id, item.order)
        found = self._late.get(key)
        if found is None:
            if len(self._late) > _LATE_ITEMS_KEPT:
                self._late.clear()
            found = self._late[key] = item.late_on(as_of)
        return found
