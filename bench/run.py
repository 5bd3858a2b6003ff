"""Benchmark runner: builds a database, starts the real server, drives it from another process.

For each database (SQLite file, throw-away PostgreSQL cluster on loopback) the runner
1. runs the real migrations and seed (``ikz db upgrade``, ``ikz seed --demo-users``, development
   mode) and adds the synthetic portfolio (bench.generate),
2. creates an API token for ``admin`` and starts ``ikz serve`` with IKZ_ENV=production,
3. runs every scenario with concurrent clients in a separate process (bench.load) while it
   polls the server's resident memory, and
4. stops the server (and the PostgreSQL cluster) by their process ids.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine

from bench.generate import Dataset, generate

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SECRET = "bench-" + "x" * 40


@dataclass
class Options:
    scale: float
    seed: int
    seconds: float
    clients: int
    max_requests: int
    databases: list[str]
    workers: int = 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ikz(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ikz {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


@contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    yield f"sqlite:///{workdir / 'bench.sqlite3'}"


@contextmanager
def postgres_database(workdir: Path) -> Iterator[str]:
    """A throw-away cluster on loopback, owned by the postgres user when run as root."""
    data = workdir / "pg"
    data.mkdir()
    workdir.chmod(0o755)
    port = free_port()
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]

    def as_pg(*cmd: str) -> None:
        subprocess.run([*prefix, *cmd], cwd=workdir, check=True, capture_output=True, timeout=120)

    as_pg(str(PG_BIN / "initdb"), "-D", str(data), "-U", "ikz", "--auth=trust", "-E", "UTF8")
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB"
    )
    as_pg(
        str(PG_BIN / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(data / "log"),
        "-w",
        "-o",
        options,
        "start",
    )
    try:
        as_pg(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "ikz", "bench")
        yield f"postgresql+psycopg://ikz@127.0.0.1:{port}/bench"
    finally:
        as_pg(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")


def prepare(url: str, options: Options, log: Any) -> tuple[Dataset, str]:
    env = {**os.environ, "IKZ_DATABASE_URL": url, "IKZ_ENV": "development"}
    _ikz(env, "db", "upgrade")
    _ikz(env, "seed", "--demo-users")
    engine = create_engine(url)
    try:
        dataset = generate(engine, scale=options.scale, seed=options.seed, log=log)
    finally:
        engine.dispose()
    token = _ikz(env, "token", "create", "admin").strip().splitlines()[-1].strip()
    return dataset, token


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            pids.extend(_tree(int(child)))
    return pids


def rss_mb(pid: int) -> float:
    total = 0
    for member in _tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class MemoryWatch:
    """Polls the server's resident memory (process and children) every 50 ms."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(0.05)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def server(url: str, workers: int, log_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {
        **os.environ,
        "IKZ_DATABASE_URL": url,
        "IKZ_ENV": "production",
        "IKZ_SECRET_KEY": SECRET,
        "IKZ_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [
            *[sys.executable, "-m", "app", "serve", "--host", "127.0.0.1"],
            *["--port", str(port), "--workers", str(workers)],
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log_path.open("wb"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError("server exited during start-up")
            try:
                if httpx.get(f"{base}/healthz/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("server did not answer within 30 s")
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def scenarios(dataset: Dataset, options: Options) -> list[dict[str, Any]]:
    rng = random.Random(options.seed)
    synthetic = max(1, dataset.counts.get("municipality", 8) - 4)
    slugs = ["erbach", "michelstadt", "oberzent", "brombachtal"]
    slugs += [f"bench-{n:03d}" for n in rng.sample(range(1, synthetic + 1), min(synthetic, 16))]
    n_measures = max(1, dataset.counts.get("measure", 20) - 20)
    codes = [f"BM-{n:05d}" for n in rng.sample(range(1, n_measures + 1), min(n_measures, 64))]
    # Each status-update client reports on its own measure: no optimistic-locking conflicts.
    own = [f"BM-{n:05d}" for n in range(1, min(n_measures, options.clients) + 1)]
    years = [2025, 2026, 2027]
    return [
        {"name": "floor", "kind": "get", "paths": ["/healthz/live"]},
        {"name": "dashboard", "kind": "get", "paths": ["/dashboard"]},
        {"name": "home_tasks", "kind": "get", "paths": ["/"]},
        {
            "name": "dashboard_municipality",
            "kind": "get",
            "paths": [f"/dashboard?kommune={s}" for s in slugs],
        },
        # Every timed view follows a status report: the panels are computed, not cached.
        {
            "name": "dashboard_after_change",
            "kind": "after_change",
            "paths": ["/dashboard"],
            "writes": own,
        },
        {
            "name": "measures_list",
            "kind": "get",
            "paths": [
                f"/massnahmen?kommune={s}&status={st}"
                for s in slugs
                for st in ("in_umsetzung", "geplant")
            ],
        },
        {"name": "measure_page", "kind": "get", "paths": [f"/massnahmen/{c}" for c in codes]},
        {"name": "status_update", "kind": "status_update", "paths": own},
        {
            "name": "haushalt_xlsx",
            "kind": "stream",
            "paths": [f"/haushalt/export.xlsx?kommune={s}&jahr={y}" for s in slugs for y in years],
        },
        {
            "name": "multiyear_xlsx",
            "kind": "stream",
            "paths": [f"/haushalt/export-mehrjahr.xlsx?kommune={s}" for s in slugs],
        },
        {
            "name": "budget_api",
            "kind": "get",
            "paths": [f"/api/v1/budget?municipality={s}&year={y}" for s in slugs for y in years],
        },
    ]


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile in ms, rounded; None when no request completed."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[index], 2)


def _ms(value: float | None) -> str:
    return "       – ms" if value is None else f"{value:>8.1f} ms"


# Seconds of the single-client pass that measures each scenario's own service time.
SINGLE_SECONDS = 8.0


def drive(
    base: str,
    token: str,
    scenario: dict[str, Any],
    options: Options,
    *,
    clients: int | None = None,
    seconds: float | None = None,
) -> dict[str, Any]:
    job = {
        "base": base,
        "token": token,
        "clients": clients or options.clients,
        "seconds": seconds or options.seconds,
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


def bench_database(kind: str, options: Options, log: Any) -> tuple[Dataset, list[dict[str, Any]]]:
    workdir = Path(tempfile.mkdtemp(prefix="ikz-bench-"))
    database = sqlite_database if kind == "sqlite" else postgres_database
    results: list[dict[str, Any]] = []
    try:
        with database(workdir) as url:
            log(f"[{kind}] generating scale {options.scale} (seed {options.seed}) …")
            dataset, token = prepare(url, options, log)
            log(f"[{kind}] {dataset.counts} in {dataset.seconds} s")
            log_path = workdir / "server.log"
            with server(url, options.workers, log_path) as (base, process):
                with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as c:
                    for scenario in scenarios(dataset, options):  # warm-up: one request each
                        if scenario["kind"] != "status_update":
                            c.get(scenario["paths"][0], timeout=120)
                floor_p50 = None
                for scenario in scenarios(dataset, options):
                    with MemoryWatch(process.pid) as memory:
                        outcome = drive(base, token, scenario, options)
                    timings = [t * 1000 for t in outcome["timings"]]
                    # The same scenario with one client: its service time without queueing.
                    single_seconds = min(SINGLE_SECONDS, options.seconds)
                    single = drive(
                        base, token, scenario, options, clients=1, seconds=single_seconds
                    )
                    alone = [t * 1000 for t in single["timings"]]
                    p50 = percentile(timings, 50)
                    if scenario["name"] == "floor":
                        floor_p50 = p50
                    row = {
                        "name": scenario["name"],
                        "database": kind,
                        "requests": len(timings),
                        "p50_ms": p50,
                        "p95_ms": percentile(timings, 95),
                        "p99_ms": percentile(timings, 99),
                        "rps": round(len(timings) / outcome["elapsed"], 1),
                        "errors": outcome["errors"],
                        "error_statuses": outcome["error_statuses"],
                        "ratio_to_floor": round(p50 / floor_p50, 1) if p50 and floor_p50 else None,
                        "server_peak_rss_mb": round(memory.peak, 1),
                        "single_client_p50_ms": percentile(alone, 50),
                        "single_client_p95_ms": percentile(alone, 95),
                        "single_client_errors": single["errors"],
                        "clients": options.clients,
                        "seconds": options.seconds,
                    }
                    results.append(row)
                    log(
                        f"[{kind}] {row['name']:<22} p50 {_ms(row['p50_ms'])} "
                        f"p95 {_ms(row['p95_ms'])}  p99 {_ms(row['p99_ms'])} "
                        f"{row['rps']:>7.1f} rps  errors {row['errors']} "
                        f"{row['error_statuses'] or ''} "
                        f"x{row['ratio_to_floor']}  rss {row['server_peak_rss_mb']} MB  "
                        f"1 client: p50 {_ms(row['single_client_p50_ms'])} "
                        f"p95 {_ms(row['single_client_p95_ms'])}"
                    )
            _show_server_errors(log_path, kind, log)
        return dataset, results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _show_server_errors(log_path: Path, kind: str, log: Any) -> None:
    """Print the distinct exception lines the server logged (the cause of any 5xx)."""
    seen: dict[str, int] = {}
    for line in log_path.read_text(errors="replace").splitlines():
        if "Error:" in line or "Exception:" in line:
            seen[line.strip()[:200]] = seen.get(line.strip()[:200], 0) + 1
    for line, count in sorted(seen.items(), key=lambda item: -item[1])[:5]:
        log(f"[{kind}] server log ({count}x): {line}")


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
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


def run(options: Options, output: Path | None, log: Any = print) -> dict[str, Any]:
    started = time.perf_counter()
    origin = source()  # before the run: it rewrites files under bench/results
    datasets: dict[str, Any] = {}
    results: list[dict[str, Any]] = []
    for kind in options.databases:
        dataset, rows = bench_database(kind, options, log)
        datasets[kind] = {
            "scale": dataset.scale,
            "seed": dataset.seed,
            "generation_seconds": dataset.seconds,
            **dataset.counts,
        }
        results.extend(rows)
    floor = {r["database"]: r for r in results if r["name"] == "floor"}
    report = {
        "dataset": datasets,
        "results": [r for r in results if r["name"] != "floor"],
        "floor": floor,
        "machine": machine(),
        "source": origin,
        "options": {
            "scale": options.scale,
            "seed": options.seed,
            "seconds_per_scenario": options.seconds,
            "clients": options.clients,
            "max_requests_per_client": options.max_requests,
            "server_workers": options.workers,
        },
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2) + "\n")
    return report
