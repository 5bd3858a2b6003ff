"""The wheel carries everything the application needs: it installs, migrates and seeds on its own.

Built from this checkout (with the front-end assets built into app/static first), installed into a
new virtual environment, and run from a temporary folder outside the source tree. The new venv
borrows the already installed dependencies from the project's venv through a path entry, so the
test needs no registry, while ``app`` itself can only come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "app" / "static" / "vendor" / "htmx" / "htmx.min.js").exists():
        pytest.fail("app/static is not built: run `make assets` before building the wheel")
    # Build from a clean copy (as the Dockerfile does): setuptools reuses a build/ folder in the
    # checkout, which would smuggle files deleted since into the wheel.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("app", "templates", "migrations", "seed"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    out = tmp_path_factory.mktemp("dist")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        cwd=out,
    )
    wheels = list(out.glob("ikz_portfolio-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_contains_templates_migrations_seed_and_static_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ikz_data/templates/base.html" in names
    assert "ikz_data/templates/pages/barrierefreiheit.html" in names
    assert any(n.startswith("ikz_data/migrations/versions/") and n.endswith(".py") for n in names)
    assert "ikz_data/migrations/env.py" in names
    assert any(n.startswith("ikz_data/seed/") and n.endswith((".yaml", ".yml")) for n in names)
    assert "app/static/vendor/htmx/htmx.min.js" in names
    assert "app/static/vendor/kern/kern.min.css" in names
    assert not [n for n in names if n.startswith(("tests/", "node_modules/"))]
    for folder in ("templates", "migrations", "seed"):
        files = {
            f"ikz_data/{folder}/{path.relative_to(ROOT / folder).as_posix()}"
            for path in (ROOT / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }
        assert not sorted(files - names), f"files of {folder}/ missing from the wheel"
    packages = {
        str(init.parent.relative_to(ROOT))
        for init in (ROOT / "app").rglob("__init__.py")
        if "static" not in init.parts
    }
    missing = sorted(p for p in packages if f"{p}/__init__.py" not in names)
    assert not missing, f"packages missing from the wheel (add them in pyproject.toml): {missing}"


def test_installed_wheel_migrates_seeds_and_serves_outside_the_source_tree(
    wheel: Path, tmp_path: Path
) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            cwd=tmp_path,
        ).strip()
    )
    # Dependencies from the project's venv, appended after the new venv's own site-packages.
    (site / "_ikz_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        cwd=tmp_path,
    )

    work = tmp_path / "betrieb"
    work.mkdir()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        IKZ_DATABASE_URL=f"sqlite:///{work / 'ikz.sqlite3'}",
        IKZ_ENV="development",
        PATH=f"{env_dir / 'bin'}:{env.get('PATH', '')}",
    )
    ikz = str(env_dir / "bin" / "ikz")

    located = _run([str(python), "-c", "import app; print(app.__file__)"], cwd=work, env=env)
    assert Path(located.strip()).is_relative_to(env_dir), located
    _run([ikz, "db", "upgrade"], cwd=work, env=env)
    _run([ikz, "seed"], cwd=work, env=env)
    _run([ikz, "seed"], cwd=work, env=env)  # a second run must succeed and change nothing

    probe = textwrap.dedent(
        """
        from fastapi.testclient import TestClient
        from app.main import create_app

        with TestClient(create_app()) as client:
            start = client.get("/")
            assert start.status_code == 200, start.status_code
            for town in ("Erbach", "Michelstadt", "Oberzent", "Brombachtal"):
                assert town in start.text, town
            assert client.get("/barrierefreiheit").status_code == 200
            assert "Impressum" in client.get("/impressum").text
            assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200
            assert client.get("/healthz").json()["database"] == "ok"
        print("served")
        """
    )
    assert _run([str(python), "-c", probe], cwd=work, env=env).strip().endswith("served")
