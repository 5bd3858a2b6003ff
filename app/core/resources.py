"""Locate the data folders (templates, migrations, seed) in a checkout and in an installed wheel.

In the repository they sit at the top level next to ``app/``; the wheel carries them as the data
packages ``ikz_data.<name>``. Looking in the checkout first keeps editable installs working.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_APP_DIR = Path(__file__).resolve().parent.parent
_SOURCE_ROOT = _APP_DIR.parent


def resource_dir(name: str) -> Path:
    """Return the directory of the data folder ``name`` (templates, migrations or seed)."""
    candidate = _SOURCE_ROOT / name
    if candidate.is_dir() and (_SOURCE_ROOT / "pyproject.toml").is_file():
        return candidate
    spec = importlib.util.find_spec(f"ikz_data.{name}")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"data folder {name!r} not found")
    return Path(next(iter(spec.submodule_search_locations)))


STATIC_DIR = _APP_DIR / "static"
