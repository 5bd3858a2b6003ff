"""``python -m bench.plot OUT.png RESULTS.json …``: p95 latency against data size as a PNG.

One line per scenario on log-log axes; the x value is the number of measures in each results
file; the rows of 8 clients are drawn. Needs matplotlib (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt

MARKERS = ["o", "s", "^", "v", "D", "P", "X", "*", "h"]


def points(
    files: list[Path], database: str, clients: int = 8
) -> dict[str, list[tuple[float, float]]]:
    lines: dict[str, list[tuple[float, float]]] = {}
    for path in files:
        report: dict[str, Any] = json.loads(path.read_text())
        measures = float(report["dataset"][database]["measure"])
        for row in report["results"]:
            if row["database"] == database and row["p95_ms"] and row["clients"] == clients:
                lines.setdefault(row["name"], []).append((measures, float(row["p95_ms"])))
    return {name: sorted(pts) for name, pts in lines.items()}


def plot(out: Path, files: list[Path], database: str = "postgresql") -> None:
    fig, ax = plt.subplots(figsize=(9, 5.5), dpi=110)
    for index, (name, pts) in enumerate(sorted(points(files, database).items())):
        xs, ys = zip(*pts, strict=True)
        ax.plot(xs, ys, marker=MARKERS[index % len(MARKERS)], label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("measures in the database")
    ax.set_ylabel("p95 latency (ms)")
    ax.set_title(f"p95 latency against data size ({database}, log-log)")
    ax.grid(True, which="both", color="#dddddd", linewidth=0.6)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


if __name__ == "__main__":
    plot(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
