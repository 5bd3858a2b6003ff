"""``python -m bench [--quick] [--only a,b] [--scale S] …``: generate, serve, measure, write.

Results go to ``bench/results/``."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.run import Options, run
from bench.scenarios import names

RESULTS = Path(__file__).resolve().parent / "results"


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small smoke run (< 2 minutes)")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = Hessen (421 Kommunen)")
    parser.add_argument("--seed", type=int, default=421)
    parser.add_argument("--seconds", type=float, default=20.0, help="per scenario and client count")
    parser.add_argument(
        "--clients", default="1,8", help="client counts, each a run of its own (default 1,8)"
    )
    parser.add_argument(
        "--only", default="", help=f"scenarios to run (comma-separated): {', '.join(names())}"
    )
    parser.add_argument("--max-requests", type=int, default=100_000, help="per client")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--db", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument(
        "--pg-url",
        default="",
        help="PostgreSQL: this database on a running server (made afresh) instead of a "
        "throw-away cluster",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --pg-url: keep a portfolio generated there before (migrated, not regenerated)",
    )
    parser.add_argument("--output", type=Path, default=None, help="JSON file for the results")
    args = parser.parse_args()
    if args.quick:
        args.scale, args.seconds = 0.002, 1.0
    output = args.output or RESULTS / ("quick.json" if args.quick else "latest.json")
    options = Options(
        scale=args.scale,
        seed=args.seed,
        seconds=args.seconds,
        clients=[int(c) for c in _list(args.clients)],
        max_requests=args.max_requests,
        workers=args.workers,
        databases=_list(args.db),
        only=_list(args.only),
        pg_url=args.pg_url,
        reuse=args.reuse,
    )
    report = run(options, output)
    rows = report["results"]
    errors = sum(r["errors"] for r in rows)
    # A scenario without a single completed request counts as the slowest.
    worst = max(rows, key=lambda r: float("inf") if r["p95_ms"] is None else r["p95_ms"])
    measures = {k: v.get("measure") for k, v in report["dataset"].items()}
    print(
        f"bench: {len(rows)} scenario runs on {','.join(options.databases)}, measures {measures}, "
        f"errors {errors}, slowest p95 {worst['name']}/{worst['database']}/{worst['clients']} "
        f"clients {worst['p95_ms']} ms, load {report['load_average']['at_start'][0]}–"
        f"{report['load_average']['during_max']}, {report['total_seconds']} s -> {output}"
    )


if __name__ == "__main__":
    main()
