"""The databases and the application server of a benchmark run, and the server's memory.

* SQLite: a file in the run's working directory.
* PostgreSQL: a throw-away cluster on loopback (``initdb`` from :data:`PG_BIN`, run as the
  ``postgres`` user when started as root, ``fsync=off``), or, with ``--pg-url``, a database of
  that name on a running server, dropped and created afresh (or kept with ``--reuse``).
* The server: ``ikz serve`` with ``IKZ_ENV=production`` in a subprocess, stopped by its process
  id (SIGTERM, then SIGKILL after 20 s).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SECRET = "bench-" + "x" * 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ikz(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ikz {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


@contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    yield f"sqlite:///{workdir / 'bench.sqlite3'}"


@contextmanager
def postgres_cluster(workdir: Path) -> Iterator[str]:
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


def existing_database_has_data(url: str) -> bool:
    """Whether the database ``url`` exists and holds a generated portfolio."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            ).first()
    finally:
        admin.dispose()
    if found is None:
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return bool(
                connection.execute(
                    text(
                        "SELECT to_regclass('municipality') IS NOT NULL AND EXISTS "
                        "(SELECT 1 FROM municipality WHERE slug = 'bench-001')"
                    )
                ).scalar()
            )
    finally:
        engine.dispose()


@contextmanager
def postgres_named(url: str, *, reuse: bool) -> Iterator[str]:
    """The database ``url`` on a running server: made afresh, unless ``reuse`` keeps it. It is
    left in place afterwards (``--reuse`` runs on it again without generating)."""
    if not reuse:
        parsed = make_url(url)
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(
                    text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
                )
                connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        finally:
            admin.dispose()
    yield url


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
    """Resident memory of the process and all its descendants, in MB."""
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


def show_server_errors(log_path: Path, kind: str, log: object) -> None:
    """Print the distinct exception lines the server logged (the cause of any 5xx)."""
    seen: dict[str, int] = {}
    for line in log_path.read_text(errors="replace").splitlines():
        if "Error:" in line or "Exception:" in line:
            seen[line.strip()[:200]] = seen.get(line.strip()[:200], 0) + 1
    for line, count in sorted(seen.items(), key=lambda item: -item[1])[:5]:
        log(f"[{kind}] server log ({count}x): {line}")  # type: ignore[operator]
