"""Admission control: at most a fixed number of requests of one process are in the application
at the same time; the others wait their turn on the event loop.

Every request's database work runs in the thread pool, one step after the other (dependencies,
then the route, then the commit). A request waiting for a row lock or the SQLite write lock
holds a thread while it waits. If waiting requests could take every thread, the request holding
the lock would find no thread for its next step and nobody would progress until the lock waits
timed out. Keeping the requests in flight well below the thread pool's size (40 threads) rules
that out: whoever holds a lock always finds a thread. A request that waited for admission longer
than the queue allows gets a German 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Receive, Scope, Send

UNLIMITED_PATHS = ("/static/", "/healthz/live")


class AdmissionLimit:
    """ASGI middleware: a semaphore of ``limit`` places, waited for at most ``queue_seconds``."""

    def __init__(self, app: ASGIApp, *, limit: int, queue_seconds: float) -> None:
        self.app = app
        self.limit = limit
        self.queue_seconds = queue_seconds
        self._places: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._places is None or self._loop is not loop:  # one per event loop
            self._places = asyncio.Semaphore(self.limit)
            self._loop = loop
        return self._places

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(UNLIMITED_PATHS):
            await self.app(scope, receive, send)
            return
        places = self._semaphore()
        try:
            await asyncio.wait_for(places.acquire(), timeout=self.queue_seconds)
        except TimeoutError:
            await _overloaded(scope, send, retry_after=max(1, int(self.queue_seconds / 3)))
            return
        try:
            await self.app(scope, receive, send)
        finally:
            places.release()


async def _overloaded(scope: Scope, send: Send, *, retry_after: int) -> None:
    message = "Der Server ist gerade ausgelastet. Bitte versuchen Sie es gleich noch einmal."
    is_api = str(scope.get("path", "")).startswith("/api/")
    body = (
        json.dumps({"detail": message}).encode()
        if is_api
        else f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Ausgelastet'
        f"</title></head><body><main><h1>Ausgelastet</h1><p>{message}</p></main></body>"
        f"</html>".encode()
    )
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json" if is_api else b"text/html; charset=utf-8"),
                (b"retry-after", str(retry_after).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
