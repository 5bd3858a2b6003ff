"""``python -m bench.plot OUT.svg RESULTS.json …``: p95 latency against data size as an SVG.

A dependency-free line chart (log-log) with one line per scenario; the x value is the number of
measures in each results file. Written as SVG because no PNG renderer (kaleido, matplotlib) is
installed in the project's environment.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 760, 460, 70, 200, 40, 50
COLOURS = ["#1b6ac9", "#d1495b", "#2e8540", "#edae49", "#6a4c93", "#00798c", "#8c564b", "#333"]


def _points(files: list[Path], database: str) -> dict[str, list[tuple[float, float]]]:
    lines: dict[str, list[tuple[float, float]]] = {}
    for path in files:
        report: dict[str, Any] = json.loads(path.read_text())
        measures = float(report["dataset"][database]["measure"])
        for row in report["results"]:
            if row["database"] == database and row["p95_ms"]:
                lines.setdefault(row["name"], []).append((measures, float(row["p95_ms"])))
    return {name: sorted(points) for name, points in lines.items()}


def svg(files: list[Path], database: str = "postgresql") -> str:
    lines = _points(files, database)
    xs = [x for points in lines.values() for x, _ in points]
    ys = [y for points in lines.values() for _, y in points]
    x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + (math.log10(x) - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return TOP + plot_h - (math.log10(y) - y0) / (y1 - y0) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="14">p95 latency against data size '
        f"({escape(database)}, log-log)</text>",
    ]
    for e in range(x0, x1 + 1):
        out.append(
            f'<line x1="{px(10**e):.1f}" y1="{TOP}" x2="{px(10**e):.1f}" '
            f'y2="{TOP + plot_h}" stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{px(10**e):.1f}" y="{TOP + plot_h + 18}" '
            f'text-anchor="middle">{10**e:,}</text>'
        )
    for e in range(y0, y1 + 1):
        out.append(
            f'<line x1="{LEFT}" y1="{py(10**e):.1f}" x2="{LEFT + plot_w}" '
            f'y2="{py(10**e):.1f}" stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{py(10**e) + 4:.1f}" text-anchor="end">{10**e:g} ms</text>'
        )
    out.append(
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 10}" text-anchor="middle">'
        "measures in the database</text>"
    )
    for n, (name, points) in enumerate(sorted(lines.items())):
        colour = COLOURS[n % len(COLOURS)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in points:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        ly = TOP + 16 * n + 8
        out.append(
            f'<line x1="{WIDTH - RIGHT + 15}" y1="{ly}" x2="{WIDTH - RIGHT + 35}" '
            f'y2="{ly}" stroke="{colour}" stroke-width="2"/>'
        )
        out.append(f'<text x="{WIDTH - RIGHT + 40}" y="{ly + 4}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.write_text(svg([Path(p) for p in sys.argv[2:]]))
    print(target)
