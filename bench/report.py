"""``python -m bench.report [results.json]``: the results as Markdown tables (for docs/)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DEFAULT = Path(__file__).resolve().parent / "results" / "latest.json"


def _value(value: Any) -> str:
    return "–" if value is None else str(value)


def table(report: dict[str, Any]) -> str:
    """One line per scenario and database: p50/p95 per client count, errors, peak RSS."""
    rows = list(report["floor"]) + list(report["results"])
    counts = sorted({int(r["clients"]) for r in rows})
    head = "| scenario | database |"
    rule = "|---|---|"
    for clients in counts:
        noun = "client" if clients == 1 else "clients"
        head += f" {clients} {noun} p50 / p95 ms | rps |"
        rule += "---:|---:|"
    head += " errors | peak RSS MB |"
    rule += "---:|---:|"
    grouped: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault((row["name"], row["database"]), {})[int(row["clients"])] = row
    lines = [head, rule]
    for (name, database), by_clients in grouped.items():
        line = f"| {name} | {database} |"
        errors: list[str] = []
        peak = 0.0
        for clients in counts:
            row = by_clients.get(clients)
            if row is None:
                line += " – | – |"
                continue
            line += f" {_value(row['p50_ms'])} / {_value(row['p95_ms'])} | {row['rps']} |"
            if row["errors"]:
                detail = ", ".join(f"{k}: {v}" for k, v in row["error_statuses"].items())
                errors.append(f"{clients} cl: {row['errors']} ({detail})")
            peak = max(peak, float(row["server_peak_rss_mb"]))
        line += f" {'; '.join(errors) or 0} | {peak} |"
        lines.append(line)
    return "\n".join(lines)


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    print(table(json.loads(path.read_text())))
