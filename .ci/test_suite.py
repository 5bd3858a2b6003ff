"""Everything `make test` runs after the set-up, with a summary of what ran and how long it took.

Steps: ruff check, ruff format --check, mypy, import-linter (floors and cycles), the suite on
SQLite, the suite on PostgreSQL (when IKZ_TEST_DATABASE_URL is set; both include the judges that
push: hostile input and concurrent writers on a live server), the browser suite (Playwright +
Chromium, axe-core, the Nu Html Checker, schemathesis). Every step runs even when an earlier one
failed, so one run shows all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKERS = os.environ.get("IKZ_TEST_WORKERS", "2")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@dataclass
class Step:
    name: str
    ok: bool = True
    seconds: float = 0.0
    detail: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)


steps: list[Step] = []
totals = {"passed": 0, "failed": 0, "skipped": 0}


def banner(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def run_tool(name: str, command: list[str]) -> None:
    banner(name)
    started = time.monotonic()
    code = subprocess.call(command, cwd=ROOT)
    steps.append(
        Step(
            name,
            ok=code == 0,
            seconds=time.monotonic() - started,
            detail="ok" if code == 0 else f"FAILED (exit {code})",
        )
    )


def junit_counts(path: Path) -> dict[str, int]:
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    if not path.exists():
        return counts
    for suite in ET.parse(path).getroot().iter("testsuite"):
        tests = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        counts["failed"] += failed
        counts["skipped"] += skipped
        counts["passed"] += tests - failed - skipped
    return counts


def junit_outcomes(path: Path) -> dict[str, str]:
    outcomes: dict[str, str] = {}
    if not path.exists():
        return outcomes
    for case in ET.parse(path).getroot().iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        if case.find("failure") is not None or case.find("error") is not None:
            outcomes[name] = "failed"
        elif case.find("skipped") is not None:
            outcomes[name] = "skipped"
        else:
            outcomes[name] = "passed"
    return outcomes


def run_pytest(name: str, args: list[str], env: dict[str, str] | None = None) -> Step:
    banner(name)
    with tempfile.TemporaryDirectory(prefix="ikz-junit-") as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [
            str(BIN / "python"),
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
            *args,
        ]
        started = time.monotonic()
        code = subprocess.call(command, cwd=ROOT, env={**os.environ, **(env or {})})
        counts = junit_counts(junit)
        outcomes = junit_outcomes(junit)
    step = Step(name, seconds=time.monotonic() - started, counts=counts, outcomes=outcomes)
    if code == 5:  # pytest: no tests collected
        step.detail = "no tests collected"
    elif code != 0:
        step.ok = False
        step.detail = f"FAILED (pytest exit {code})"
    for key in totals:
        totals[key] += counts[key]
    steps.append(step)
    return step


def judge_figures(log: Path) -> list[str]:
    if not log.exists():
        return []
    axe_pages = axe_roles = vnu_docs = fuzz_ops = fuzz_cases = 0
    stateful = read_only = hostile = hostile_bad = races = race_requests = 0
    sideways = sideways_bad = marks = marks_bad = 0
    printed: list[str] = []
    lighthouse: list[str] = []
    reports = report_pages = 0
    slowest = 0.0
    for line in log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["judge"] == "schemathesis-stateful":
            stateful += entry["cases"]
        elif entry["judge"] == "schemathesis-read-only":
            read_only += entry["cases"]
        elif entry["judge"] == "hostile":
            hostile += entry["requests"]
            hostile_bad += entry["failures"]
        elif entry["judge"] == "race":
            races += 1
            race_requests += entry["requests"]
            slowest = max(slowest, float(entry.get("slowest", 0.0)))
        elif entry["judge"] == "sideways":
            sideways += entry["pages"]
            sideways_bad += entry["failures"]
        elif entry["judge"] == "chart-marks":
            marks += entry["marks"]
            marks_bad += entry["failures"]
        elif entry["judge"] == "print":
            printed.append(f"{entry['url']} {entry['pages']} S.")
        elif entry["judge"] == "lighthouse":
            lighthouse.append(
                f"{entry['url']} P{entry['performance']}/A{entry['accessibility']}"
                f"/BP{entry['best_practices']}"
            )
        elif entry["judge"] == "report":
            reports += 1
            report_pages += entry["pages"]
        if entry["judge"] == "axe":
            axe_pages += entry["pages"]
            axe_roles += 1
        elif entry["judge"] == "vnu":
            vnu_docs += entry["documents"]
        elif entry["judge"] == "schemathesis":
            fuzz_ops += entry["operations"]
            fuzz_cases += entry["cases"]
    return [
        f"  axe-core (WCAG 2.1 A/AA)   {axe_pages} page checks, {axe_roles} roles incl. anonymous",
        f"  Nu Html Checker            {vnu_docs} distinct pages validated",
        f"  schemathesis               {fuzz_cases} cases over {fuzz_ops} API operations",
        f"  schemathesis stateful      {stateful} linked calls; as read-only user {read_only} "
        "writes, each refused",
        f"  hostile input              {hostile} requests over every form, JSON, path and "
        f"query parameter, {hostile_bad} failures",
        f"  concurrent writers         {races} races, {race_requests} requests on a live "
        f"two-worker server, slowest {slowest:.1f} s",
        f"  no sideways scroll         {sideways} page views at 1366 and 390 px, "
        f"{sideways_bad} failures",
        f"  chart marks                {marks} bars and markers looked at, {marks_bad} invisible",
        f"  print (A4)                 {'; '.join(printed) or 'not run'}",
        f"  Lighthouse (mobile)        {'; '.join(lighthouse) or 'not run'}",
        f"  Sachstandsbericht          {reports} PDFs read back ({report_pages} A4 pages), "
        "budget equal to the API to the cent",
    ]


def main() -> int:
    python = str(BIN / "python")
    run_tool("ruff check", [python, "-m", "ruff", "check", "."])
    run_tool("ruff format --check", [python, "-m", "ruff", "format", "--check", "."])
    run_tool("mypy (strict on app/)", [python, "-m", "mypy"])
    run_tool("import-linter (floors, no cycles)", [str(BIN / "lint-imports")])

    parallel = ["-n", WORKERS] if WORKERS not in ("0", "1") else []
    judge_log = Path(tempfile.mkdtemp(prefix="ikz-judges-")) / "judges.jsonl"
    run_pytest(
        "pytest on SQLite (unit, integration, packaging)",
        ["-m", "not e2e", "--ignore=tests/e2e", *parallel],
        env={"IKZ_TEST_DATABASE_URL": "", "IKZ_JUDGE_LOG": str(judge_log)},
    )

    pg_url = os.environ.get("IKZ_TEST_DATABASE_URL", "")
    pg_note = ""
    if pg_url:
        # Each worker migrates a database of its own (tests/conftest.py).
        run_pytest(
            "pytest on PostgreSQL",
            ["-m", "not e2e and not slow", "--ignore=tests/e2e", *parallel],
            env={"IKZ_JUDGE_LOG": str(judge_log)},
        )
    else:
        pg_note = "PostgreSQL pass skipped: IKZ_TEST_DATABASE_URL not set"
        banner(pg_note)
        steps.append(Step("pytest on PostgreSQL", detail="SKIPPED (IKZ_TEST_DATABASE_URL not set)"))

    if not Path("/usr/bin/chromium").exists() and not os.environ.get("IKZ_CHROMIUM"):
        note = "browser tests skipped: /usr/bin/chromium not found (apt-get install chromium)"
        if IN_CI:
            note = "/usr/bin/chromium missing in CI: the browser tests will fail"
        banner(note)
    e2e = run_pytest(
        "e2e: browser journeys, axe, HTML validation, schemathesis, print, charts",
        ["tests/e2e", "-m", "not lighthouse", *parallel],
        env={"IKZ_JUDGE_LOG": str(judge_log)},
    )
    # Alone: Lighthouse measures performance on this machine's CPU.
    lighthouse = run_pytest(
        "Lighthouse (mobile): /login, /, /massnahmen, /dashboard",
        ["tests/e2e", "-m", "lighthouse"],
        env={"IKZ_JUDGE_LOG": str(judge_log)},
    )
    figures = judge_figures(judge_log)
    planted = {
        k: v
        for k, v in {**e2e.outcomes, **lighthouse.outcomes}.items()
        if "test_judges_catch_faults" in k or "planted" in k
    }
    if planted:
        caught = sum(v == "passed" for v in planted.values())
        figures.append(
            f"  planted faults             {caught} of {len(planted)} checks show the judges "
            "catch them (unlabeled input, invalid tag, 500 route, wrong response shape, "
            "sideways scroll, invisible bars, cut print, Lighthouse)"
        )
    shutil.rmtree(judge_log.parent, ignore_errors=True)

    print("\n" + "=" * 78)
    print("IKZ-Portfolio – test summary")
    print("=" * 78)
    for step in steps:
        if step.counts:
            c = step.counts
            what = f"{c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped"
            if step.detail:
                what += f" – {step.detail}"
        else:
            what = step.detail
        seconds = f"{step.seconds:6.1f} s" if step.seconds else "       "
        print(f"{'ok ' if step.ok else 'XX '} {step.name:<58} {seconds}  {what}")
    if figures:
        print("judges inside the e2e step:")
        print("\n".join(figures))
    if pg_note:
        print(pg_note)
    print("=" * 78)
    failed_steps = [step.name for step in steps if not step.ok]
    if failed_steps:
        print("FAILED: " + "; ".join(failed_steps))
    print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 1 if failed_steps else 0


if __name__ == "__main__":
    sys.exit(main())
