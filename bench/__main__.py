"""``python -m bench [--quick] [--scale S] …``: generate, serve, measure, write results."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.run import Options, run

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small smoke run (< 2 minutes)")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = Hessen (421 Kommunen)")
    parser.add_argument("--seed", type=int, default=421)
    parser.add_argument("--seconds", type=float, default=60.0, help="per scenario")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--max-requests", type=int, default=100_000, help="per client")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--db", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--output", type=Path, default=None, help="JSON file for the results")
    args = parser.parse_args()
    if args.quick:
        args.scale, args.seconds, args.clients = 0.002, 1.5, 8
    output = args.output or RESULTS / ("quick.json" if args.quick else "latest.json")
    options = Options(
        scale=args.scale,
        seed=args.seed,
        seconds=args.seconds,
        clients=args.clients,
        max_requests=args.max_requests,
        workers=args.workers,
        databases=[d.strip() for d in args.db.split(",") if d.strip()],
    )
    report = run(options, output)
    rows = report["results"]
    errors = sum(r["errors"] for r in rows)
    # A scenario without a single completed request counts as the slowest.
    worst = max(rows, key=lambda r: float("inf") if r["p95_ms"] is None else r["p95_ms"])
    measures = {k: v.get("measure") for k, v in report["dataset"].items()}
    print(
        f"bench: {len(rows)} scenario runs on {','.join(options.databases)}, measures {measures}, "
        f"errors {errors}, slowest p95 {worst['name']}/{worst['database']} {worst['p95_ms']} ms, "
        f"{report['total_seconds']} s -> {output}"
    )


if __name__ == "__main__":
    main()
