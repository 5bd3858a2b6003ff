"""The rendered dashboard panels of one process, filed under the data generation.

A panel shows the same to everyone allowed to see the dashboard, so its HTML depends only on the
filters, the print view, the day it was computed for and the data. The data is named by
:func:`app.core.generation.current`, a row in the database: any commit that changes portfolio
data raises it, so no process (of however many application servers share the database) serves
an entry after a change. Time-dependent figures ("overdue", "no report for 90 days") are counted
in whole days, so the day is the only clock in the key.

Of several threads missing the same entry, one computes it while the others wait for it and then
take it from the cache (single flight): a change or midnight costs one computation per entry
and process, not one per waiting request.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

from markupsafe import Markup

DEFAULT_SIZE = 256


class PanelCache:
    """A small thread-safe LRU map from key to rendered panel."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = Lock()
        # key -> the lock of the thread computing it
        self._flights: dict[Hashable, Lock] = {}
        self.hits = 0
        self.misses = 0
        self.computed = 0

    def get(self, key: Hashable) -> Markup | None:
        with self._lock:
            html = self._entries.get(key)
            if html is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return html

    def compute(self, key: Hashable, make: Callable[[], Markup]) -> Markup:
        """The entry ``key``; when missing, made by ``make`` in one thread while the others
        asking for it wait (if ``make`` fails, the next waiting thread tries)."""
        html = self.get(key)
        if html is not None:
            return html
        with self._lock:
            flight = self._flights.setdefault(key, Lock())
        try:
            with flight:
                with self._lock:
                    html = self._entries.get(key)
                if html is None:
                    html = make()
                    self.put(key, html)
                    with self._lock:
                        self.computed += 1
                return html
        finally:
            with self._lock:
                if self._flights.get(key) is flight and not flight.locked():
                    del self._flights[key]

    def put(self, key: Hashable, html: Markup) -> None:
        with self._lock:
            self._entries[key] = html
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
