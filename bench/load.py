"""Load driver, run as its own process: concurrent HTTP clients against one running server.

Reads a JSON job from stdin ({base, token, clients, seconds, max_requests, scenario}) and writes
the latencies and error count as JSON to stdout. Every loop stops by itself: after ``seconds`` or
``max_requests`` requests per client, whichever comes first.
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from typing import Any

import httpx


def _report(client: httpx.Client, code: str, rng: random.Random) -> tuple[int, float]:
    """Post a status report on measure ``code``: (unexpected status or 0, seconds of the POST)."""
    current = client.get(f"/api/v1/measures/{code}")
    if current.status_code != 200:
        return current.status_code, 0.0
    body = {
        "status": "in_umsetzung",
        "progress": rng.randint(0, 100),
        "traffic_light": rng.choice(["gruen", "gelb", "rot"]),
        "summary": "Benchmark-Statusbericht",
        "next_steps": "",
        "expected_version": current.json()["version"],
    }
    started = time.perf_counter()
    answer = client.post(f"/api/v1/measures/{code}/status-reports", json=body)
    return (0 if answer.status_code == 201 else answer.status_code), time.perf_counter() - started


def _request(client: httpx.Client, job: dict[str, Any], rng: random.Random, worker: int) -> int:
    """One request of the scenario; its status code when it was not the expected one, else 0.

    ``status_update`` times the POST of a report; ``after_change`` posts a report (untimed) and
    then times a GET, so that every timed read follows a change of the data.
    """
    scenario = job["scenario"]
    kind = scenario["kind"]
    paths = scenario["paths"]
    if kind == "status_update":
        status, seconds = _report(client, paths[worker % len(paths)], rng)
        if not status:
            job["_timings"][worker].append(seconds)
        return status
    if kind == "after_change":
        writes = scenario["writes"]
        status, _seconds = _report(client, writes[worker % len(writes)], rng)
        if status:
            return status
    path = rng.choice(paths)
    started = time.perf_counter()
    if kind == "stream":
        with client.stream("GET", path) as answer:
            for _chunk in answer.iter_bytes():
                pass
            status = answer.status_code
    else:
        status = client.get(path).status_code
    job["_timings"][worker].append(time.perf_counter() - started)
    return 0 if status == 200 else status


def _worker(job: dict[str, Any], worker: int, deadline: float, errors: list[list[int]]) -> None:
    rng = random.Random(job.get("seed", 1) * 1000 + worker)
    headers = {"Authorization": f"Bearer {job['token']}"}
    with httpx.Client(base_url=job["base"], headers=headers, timeout=60.0) as client:
        for sent in range(job["max_requests"]):
            # every client sends at least one request, however late its thread started
            if sent and time.perf_counter() >= deadline:
                break
            try:
                status = _request(client, job, rng, worker)
            except httpx.HTTPError:
                status = -1  # connection failure or timeout
            if status:
                errors[worker].append(status)


def run(job: dict[str, Any]) -> dict[str, Any]:
    clients = int(job["clients"])
    job["_timings"] = [[] for _ in range(clients)]
    errors: list[list[int]] = [[] for _ in range(clients)]
    started = time.perf_counter()
    deadline = started + float(job["seconds"])
    threads = [
        threading.Thread(target=_worker, args=(job, n, deadline, errors)) for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    timings = [t for per_worker in job["_timings"] for t in per_worker]
    statuses: dict[str, int] = {}
    for per_worker in errors:
        for status in per_worker:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "timings": timings,
        "errors": sum(statuses.values()),
        "error_statuses": statuses,
        "elapsed": elapsed,
    }


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout)
