"""The rendered dashboard panels of one process, filed under the data generation.

A panel shows the same to everyone allowed to see the dashboard, so its HTML depends only on the
filters, the print view, the date and time it was computed for and the data. The data is named by
:func:`app.core.generation.current`; any commit that changes portfolio data raises it, so an
entry is never served after a change. The time is part of the key to the minute (the "no
report for 90 days" figure moves with the clock), the date to the day.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from threading import Lock

from markupsafe import Markup

DEFAULT_SIZE = 256


class PanelCache:
    """A small thread-safe LRU map from key to rendered panel."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Markup | None:
        with self._lock:
            html = self._entries.get(key)
            if html is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return html

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
