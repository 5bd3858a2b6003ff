"""Downloads built in a temporary file and sent from it, a few at a time per process.

A spreadsheet export is written row by row into a temporary file (XlsxWriter's
``constant_memory``), so a process holds a few rows of it in memory, not the whole workbook, and
the file is sent in chunks and removed once sent. :class:`ExportSlots` lets at most
``max_concurrent_exports`` exports of one process be built at once; a further one waits up to
``export_wait_seconds`` for its turn and is otherwise answered 503 with ``Retry-After`` (a German
message), rather than piling up until clients time out.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from app.core.errors import Busy

BUSY_MESSAGE = (
    "Gerade werden zu viele Exporte gleichzeitig erstellt. Bitte versuchen Sie es in einigen "
    "Sekunden noch einmal."
)


class ExportSlots:
    """A per-process limit of exports being built at the same time."""

    def __init__(self, limit: int, wait_seconds: float) -> None:
        self.limit = max(1, limit)
        self.wait_seconds = max(0.0, wait_seconds)
        self._slots = threading.BoundedSemaphore(self.limit)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot while the block runs; Busy (503) if none frees up in time."""
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise Busy(BUSY_MESSAGE, retry_after=max(1, round(self.wait_seconds) or 5))
        try:
            yield
        finally:
            self._slots.release()


def _remove(path: str) -> None:
    Path(path).unlink(missing_ok=True)


def file_download(
    slots: ExportSlots, write: Callable[[str], object], *, media_type: str, filename: str
) -> FileResponse:
    """``write(path)`` fills a temporary file inside a slot; the answer sends and removes it."""
    with slots.slot():
        handle, path = tempfile.mkstemp(prefix="ikz-export-", suffix=Path(filename).suffix)
        os.close(handle)
        try:
            write(path)
        except BaseException:
            _remove(path)
            raise
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        background=BackgroundTask(_remove, path),
    )
