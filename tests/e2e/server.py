"""A real application process on a free loopback port, with its own migrated and seeded database.

The browser tests, the HTML validator and the API fuzzer talk to the application the way a user or
a client does: over HTTP, to ``ikz serve`` in a separate process.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = os.environ.get("IKZ_DEMO_PASSWORD", "demo-passwort")
SLUGS = ("erbach", "michelstadt", "oberzent", "brombachtal")
DEMO_USERS = (
    "admin",
    *(f"{role}.{slug}" for slug in SLUGS for role in ("digital", "hauptamt", "finanzen")),
)
# One user per kind of role (spread over the municipalities) for the per-page judges.
ROLE_USERS = (
    "admin",
    "digital.erbach",
    "hauptamt.michelstadt",
    "finanzen.oberzent",
    "digital.brombachtal",
)

STARTUP_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "app", *args]


@dataclass
class LiveServer:
    """An ``ikz serve`` process and the database behind it (a SQLite file of its own unless
    ``database`` names another one, such as a PostgreSQL database)."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    database: str = ""
    workers: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.workdir / "e2e.sqlite3"

    @property
    def database_url(self) -> str:
        return self.database or f"sqlite:///{self.db_path}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "server.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IKZ_")}
        env.update(
            IKZ_DATABASE_URL=self.database_url,
            IKZ_ENV="development",
            IKZ_SECRET_KEY="e2e-secret-key-only-for-the-browser-tests-0123456789",
            IKZ_DEMO_PASSWORD=DEMO_PASSWORD,
            IKZ_LOG_LEVEL="WARNING",
            PYTHONPATH=str(REPO_ROOT),
        )
        env.update(self.extra_env)
        return env

    def run_cli(self, *args: str) -> str:
        """Run an ``ikz`` command against this server's database; fail loudly with its output."""
        result = subprocess.run(
            _cli(*args),
            cwd=self.workdir,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"`ikz {' '.join(args)}` failed with exit code {result.returncode}:\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def start(self, *, prepare: bool = True) -> LiveServer:
        """Start serving; ``prepare``: migrate and seed the database first (not for a further
        server on a database another one prepared)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        if prepare:
            self.run_cli("db", "upgrade")
            self.run_cli("seed", "--demo-users")
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            _cli(
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
            ),
            cwd=self.workdir,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_healthy()
        return self

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last_error = "no answer"
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"ikz serve exited early:\n{self.log_tail()}")
            try:
                response = httpx.get(f"{self.base_url}/healthz", timeout=2.0)
                if response.status_code == 200 and response.json().get("status") == "ok":
                    return
                last_error = f"HTTP {response.status_code}: {response.text[:200]}"
            except httpx.HTTPError as error:
                last_error = repr(error)
            time.sleep(0.05)  # poll interval, bounded by the deadline above
        self.stop()
        raise RuntimeError(
            f"/healthz not ok after {STARTUP_TIMEOUT:.0f} s ({last_error}):\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        self.process = None

    # --- data from the server's own database -------------------------------------------------

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        """Rows of ``sql`` (placeholders ``?``) read from the server's database."""
        if not self.database:
            with sqlite3.connect(self.db_path) as connection:
                return list(connection.execute(sql, params))
        from sqlalchemy import create_engine, text

        names = {f"p{index}": value for index, value in enumerate(params)}
        for index in range(len(params)):
            sql = sql.replace("?", f":p{index}", 1)
        engine = create_engine(self.database)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(sql), names)]
        finally:
            engine.dispose()

    def display_name(self, username: str) -> str:
        rows = self.query("SELECT display_name FROM user_account WHERE username = ?", username)
        assert rows, f"demo user {username!r} missing in the seeded database"
        return str(rows[0][0])

    def measure_codes(self) -> list[str]:
        return [str(row[0]) for row in self.query("SELECT code FROM measure ORDER BY code")]

    def api_token(self, username: str = "admin") -> str:
        """A fresh API token: from ``ikz token create`` (last line), else written into the DB."""
        try:
            output = self.run_cli("token", "create", username)
            token = output.strip().splitlines()[-1].strip()
            if token:
                return token
        except RuntimeError:
            pass
        token = secrets.token_urlsafe(32)
        digest = hashlib.sha256(token.encode()).hexdigest()
        with sqlite3.connect(self.db_path) as connection:
            user_id = connection.execute(
                "SELECT id FROM user_account WHERE username = ?", (username,)
            ).fetchone()[0]
            connection.execute(
                "INSERT INTO api_token (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
                (user_id, "e2e", digest, datetime.now(UTC).isoformat(sep=" ")),
            )
        return token
