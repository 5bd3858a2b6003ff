"""``python -m bench.report [results.json]``: the results as a Markdown table (for docs/)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent / "results" / "latest.json"


def table(report: dict[str, object]) -> str:
    rows = list(report["floor"].values()) + list(report["results"])  # type: ignore[attr-defined]
    lines = [
        "| scenario | database | requests | p50 ms | p95 ms | p99 ms | rps | errors "
        "| ratio to floor (p50) | server peak RSS MB | 1 client p50 ms | 1 client p95 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    order = {"sqlite": 0, "postgresql": 1}
    for row in sorted(rows, key=lambda r: order.get(r["database"], 9)):
        statuses = row.get("error_statuses") or {}
        errors = str(row["errors"])
        if statuses:
            errors += " (" + ", ".join(f"{k}: {v}" for k, v in statuses.items()) + ")"
        row = {k: ("–" if v is None else v) for k, v in row.items()}
        lines.append(
            f"| {row['name']} | {row['database']} | {row['requests']} | {row['p50_ms']} "
            f"| {row['p95_ms']} | {row['p99_ms']} | {row['rps']} | {errors} "
            f"| {row['ratio_to_floor']} | {row['server_peak_rss_mb']} "
            f"| {row.get('single_client_p50_ms', '–')} | {row.get('single_client_p95_ms', '–')} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    print(table(json.loads(path.read_text())))
