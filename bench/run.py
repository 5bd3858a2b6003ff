"""Benchmark runner: builds a database, starts the real server, drives it from another process.

For each database (SQLite file, PostgreSQL) the runner
1. runs the real migrations and seed (``ikz db upgrade``, ``ikz seed --demo-users``, development
   mode) and adds the synthetic portfolio (bench.generate), unless ``--reuse`` finds one,
2. creates an API token for ``admin`` and starts ``ikz serve`` with IKZ_ENV=production,
3. runs every chosen scenario once per client count (1 and 8 by default) in a separate process
   (bench.load) while it polls the server's resident memory and notes the load average, and
4. stops the server (and a throw-away PostgreSQL cluster) by their process ids.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine

from bench import server as servers
from bench.generate import Dataset, count_rows, generate
from bench.scenarios import scenarios

ROOT = servers.ROOT


@dataclass
class Options:
    scale: float
    seed: int
    seconds: float
    clients: list[int]
    max_requests: int
    databases: list[str]
    workers: int = 2
    only: list[str] = field(default_factory=list)
    pg_url: str = ""
    reuse: bool = False


def prepare(url: str, options: Options, log: Callable[[str], None]) -> tuple[Dataset, str]:
    env = {**os.environ, "IKZ_DATABASE_URL": url, "IKZ_ENV": "development"}
    reused = (
        options.reuse and url.startswith("postgresql") and servers.existing_database_has_data(url)
    )
    servers.ikz(env, "db", "upgrade")
    engine = create_engine(url)
    try:
        if reused:
            log("  reusing the generated portfolio in the database (migrated to head)")
            dataset = Dataset(scale=options.scale, seed=options.seed)
            with engine.connect() as conn:
                dataset.counts = count_rows(
                    conn,
                    [
                        *(
                            "municipality",
                            "measure",
                            "participation",
                            "council_deliberation",
                            "milestone",
                        ),
                        *("budget_line", "budget_share", "status_report", "audit_event"),
                    ],
                )
        else:
            servers.ikz(env, "seed", "--demo-users")
            dataset = generate(engine, scale=options.scale, seed=options.seed, log=log)
    finally:
        engine.dispose()
    token = servers.ikz(env, "token", "create", "admin").strip().splitlines()[-1].strip()
    return dataset, token


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile in ms, rounded; None when no request completed."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[index], 2)


def _ms(value: float | None) -> str:
    return "       – ms" if value is None else f"{value:>8.1f} ms"


def drive(
    base: str, token: str, scenario: dict[str, Any], options: Options, clients: int
) -> dict[str, Any]:
    job = {
        "base": base,
        "token": token,
        "clients": clients,
        "seconds": options.seconds,
        "max_requests": options.max_requests,
        "seed": options.seed,
        "scenario": scenario,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=options.seconds + 300,
        check=True,
    )
    return dict(json.loads(done.stdout))


def _chosen(all_scenarios: list[dict[str, Any]], options: Options) -> list[dict[str, Any]]:
    if not options.only:
        return all_scenarios
    unknown = set(options.only) - {s["name"] for s in all_scenarios}
    if unknown:
        raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return [s for s in all_scenarios if s["name"] == "floor" or s["name"] in options.only]


def _database(kind: str, workdir: Path, options: Options) -> Any:
    if kind == "sqlite":
        return servers.sqlite_database(workdir)
    if options.pg_url:
        return servers.postgres_named(options.pg_url, reuse=options.reuse)
    return servers.postgres_cluster(workdir)


def warm_up(base: str, token: str, chosen: list[dict[str, Any]], workers: int) -> None:
    """One request per scenario; the cached dashboards every path in every worker.

    The panel cache lives in each worker process, and which worker accepts a connection is the
    kernel's choice: each path is asked ``4 × workers`` times, each on a connection of its own
    (``Connection: close``), ``workers`` at once. Otherwise a short run of a cached scenario
    would time the first computation of each path (which the ``…_after_change`` scenarios
    measure) instead of the cache. A warm-up answer other than 200 stops the run.
    """
    headers = {"Authorization": f"Bearer {token}", "Connection": "close"}
    with httpx.Client(base_url=base, headers=headers) as client:
        for scenario in chosen:
            if scenario["kind"] == "status_update":
                continue
            cached = scenario["kind"] == "get" and scenario["name"].startswith("dashboard")
            paths = list(dict.fromkeys(scenario["paths"])) if cached else scenario["paths"][:1]
            repeats = 4 * workers if cached else 1
            with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                for response in pool.map(
                    lambda path: client.get(path, timeout=120), paths * repeats
                ):
                    if response.status_code != 200:
                        raise RuntimeError(
                            f"warm-up {response.request.url}: HTTP {response.status_code}"
                        )


def bench_database(
    kind: str, options: Options, log: Callable[[str], None]
) -> tuple[Dataset, list[dict[str, Any]], dict[str, Any]]:
    workdir = Path(tempfile.mkdtemp(prefix="ikz-bench-"))
    results: list[dict[str, Any]] = []
    facts: dict[str, Any] = {}
    try:
        with _database(kind, workdir, options) as url:
            log(f"[{kind}] generating scale {options.scale} (seed {options.seed}) …")
            dataset, token = prepare(url, options, log)
            log(f"[{kind}] {dataset.counts} in {dataset.seconds} s")
            log_path = workdir / "server.log"
            chosen = _chosen(scenarios(dataset, options.seed, max(options.clients)), options)
            with servers.server(url, options.workers, log_path) as (base, process):
                warm_up(base, token, chosen, options.workers)
                facts["server_idle_rss_mb"] = round(servers.rss_mb(process.pid), 1)
                floor_p50: dict[int, float | None] = {}
                for scenario in chosen:
                    for clients in options.clients:
                        row = _measure(base, token, scenario, options, clients, process.pid)
                        row["database"] = kind
                        if scenario["name"] == "floor":
                            floor_p50[clients] = row["p50_ms"]
                        floor = floor_p50.get(clients)
                        p50 = row["p50_ms"]
                        row["ratio_to_floor"] = round(p50 / floor, 1) if p50 and floor else None
                        results.append(row)
                        log(
                            f"[{kind}] {row['name']:<36} {clients:>2} cl  p50 {_ms(p50)} "
                            f"p95 {_ms(row['p95_ms'])}  p99 {_ms(row['p99_ms'])} "
                            f"{row['rps']:>7.1f} rps  errors {row['errors']} "
                            f"{row['error_statuses'] or ''} rss {row['server_peak_rss_mb']} MB  "
                            f"load {row['load_before']}→{row['load_after']}"
                        )
            servers.show_server_errors(log_path, kind, log)
        return dataset, results, facts
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _measure(
    base: str, token: str, scenario: dict[str, Any], options: Options, clients: int, pid: int
) -> dict[str, Any]:
    load_before = round(os.getloadavg()[0], 2)
    with servers.MemoryWatch(pid) as memory:
        outcome = drive(base, token, scenario, options, clients)
    timings = [t * 1000 for t in outcome["timings"]]
    return {
        "name": scenario["name"],
        "clients": clients,
        "requests": len(timings),
        "p50_ms": percentile(timings, 50),
        "p95_ms": percentile(timings, 95),
        "p99_ms": percentile(timings, 99),
        "max_ms": round(max(timings), 2) if timings else None,
        "rps": round(len(timings) / outcome["elapsed"], 1),
        "errors": outcome["errors"],
        "error_statuses": outcome["error_statuses"],
        "server_peak_rss_mb": round(memory.peak, 1),
        "seconds": options.seconds,
        "load_before": load_before,
        "load_after": round(os.getloadavg()[0], 2),
    }


def machine() -> dict[str, Any]:
    cpu = ""
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with suppress(OSError):
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def source() -> dict[str, Any]:
    """The commit the figures come from, and whether tracked files (other than earlier results)
    differed from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {}
    return {"commit": commit, "modified": bool(changes)}


def run(
    options: Options, output: Path | None, log: Callable[[str], None] = print
) -> dict[str, Any]:
    started = time.perf_counter()
    origin = source()  # before the run: it rewrites files under bench/results
    load_start = [round(v, 2) for v in os.getloadavg()]
    datasets: dict[str, Any] = {}
    servers_seen: dict[str, Any] = {}
    results: list[dict[str, Any]] = []
    for kind in options.databases:
        dataset, rows, facts = bench_database(kind, options, log)
        datasets[kind] = {
            "scale": dataset.scale,
            "seed": dataset.seed,
            "generation_seconds": dataset.seconds,
            "reused": options.reuse and kind == "postgresql" and bool(options.pg_url),
            **dataset.counts,
        }
        servers_seen[kind] = facts
        results.extend(rows)
    loads = [r["load_before"] for r in results] + [r["load_after"] for r in results]
    report = {
        "dataset": datasets,
        "results": [r for r in results if r["name"] != "floor"],
        "floor": [r for r in results if r["name"] == "floor"],
        "server": servers_seen,
        "machine": machine(),
        "load_average": {
            "at_start": load_start,
            "during_min": min(loads) if loads else None,
            "during_max": max(loads) if loads else None,
            "at_end": [round(v, 2) for v in os.getloadavg()],
        },
        "source": origin,
        "options": {
            "scale": options.scale,
            "seed": options.seed,
            "seconds_per_run": options.seconds,
            "clients": options.clients,
            "max_requests_per_client": options.max_requests,
            "server_workers": options.workers,
            "only": options.only,
            "postgresql": "named database on a running server"
            if options.pg_url
            else "throw-away cluster",
        },
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2) + "\n")
    return report
