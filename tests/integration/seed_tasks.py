"""What each role's home must list, worked out from the seed's YAML files alone: no query, no
code of the application, only the rules as the issue states them. The home tests compare the
page with this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SEED = Path(__file__).resolve().parents[2] / "seed"
SETTLED = {"abgeschlossen", "verworfen"}
DECIDED = {"zugestimmt", "abgelehnt"}
SLUGS = ("erbach", "michelstadt", "oberzent", "brombachtal")
NAMES = {"erbach": "Erbach", "michelstadt": "Michelstadt", "oberzent": "Oberzent"}
NAMES["brombachtal"] = "Brombachtal"


@dataclass(frozen=True)
class Seed:
    measures: list[dict[str, Any]]
    mappings: dict[str, set[tuple[str, str]]]
    grants: list[dict[str, Any]]
    interval: int


@cache
def seed() -> Seed:
    measures: list[dict[str, Any]] = []
    for path in sorted(SEED.glob("measures*.yaml")):
        measures += yaml.safe_load(path.read_text(encoding="utf-8"))["measures"]
    haushalt = yaml.safe_load((SEED / "haushalt.yaml").read_text(encoding="utf-8"))
    mappings = {
        entry["municipality"]: {(line["category"], line["kind"]) for line in entry["lines"]}
        for entry in haushalt["mappings"]
    }
    funding = yaml.safe_load((SEED / "funding.yaml").read_text(encoding="utf-8"))
    grants = [grant for programme in funding["programmes"] for grant in programme["grants"]]
    strategy = yaml.safe_load((SEED / "strategy.yaml").read_text(encoding="utf-8"))
    interval = strategy["strategies"][0].get("report_interval_days", 30)
    return Seed(measures, mappings, grants, interval)


def involved(measure: dict[str, Any], slugs: set[str]) -> bool:
    return measure["lead"] in slugs or bool(set(measure["participants"]) & slugs)


def running(measure: dict[str, Any]) -> bool:
    return measure["status"] not in SETTLED


def reports_due(slugs: set[str], on: date) -> list[str]:
    """Codes, in the order the home lists them: led first, longest overdue first."""
    found = []
    for m in seed().measures:
        if not (running(m) and involved(m, slugs)):
            continue
        dates = [r["date"] for r in m.get("status_reports", [])]
        due = max(dates) + timedelta(days=seed().interval) if dates else None
        if due is None or due <= on:
            led = m["lead"] in slugs
            found.append(((not led, due or date.min, m["code"]), m["code"]))
    return [code for _key, code in sorted(found)]


def milestones(slugs: set[str], on: date, *, overdue: bool) -> list[tuple[str, str]]:
    """(code, milestone title) of open milestones overdue, or due within 14 days."""
    found = []
    for m in seed().measures:
        if not (running(m) and involved(m, slugs)):
            continue
        for ms in m.get("plan", {}).get("milestones", []):
            due = ms.get("due")
            if due is None or ms.get("done"):
                continue
            hit = due < on if overdue else on <= due <= on + timedelta(days=14)
            if hit:
                found.append((due, m["code"], ms["title"]))
    return [(code, title) for _due, code, title in sorted(found)]


def decisions_open(slugs: set[str]) -> set[tuple[str, str]]:
    """(code, municipality slug) of participants whose council has not decided."""
    found = set()
    for m in seed().measures:
        if not running(m):
            continue
        for slug in set(m["participants"]) & slugs:
            decided = any(
                a["municipality"] == slug and a["result"] in DECIDED for a in m.get("approvals", [])
            )
            if not decided:
                found.add((m["code"], slug))
    return found


def at_risk(slugs: set[str], on: date) -> set[str]:
    return {
        m["code"]
        for m in seed().measures
        if running(m)
        and involved(m, slugs)
        and (m["traffic_light"] == "rot" or m["planned"].get("end", date.max) < on)
    }


def unmapped(slugs: set[str], on: date) -> set[tuple[str, str, str]]:
    """(slug, category, kind) with budget lines from this year on and no mapping."""
    found = set()
    for m in seed().measures:
        for line in m.get("budget", []):
            if line["year"] < on.year:
                continue
            for slug in set(m["participants"]) & slugs:
                if (line["category"], line["kind"]) not in seed().mappings.get(slug, set()):
                    found.add((slug, line["category"], line["kind"]))
    return found


def missing_investment_numbers(slugs: set[str], on: date) -> set[tuple[str, str]]:
    found = set()
    for m in seed().measures:
        numbers = m.get("investment_numbers", {})
        investive = [
            line
            for line in m.get("budget", [])
            if line["kind"] == "investiv" and line["year"] >= on.year
        ]
        if not investive:
            continue
        for slug in set(m["participants"]) & slugs:
            if slug not in numbers:
                found.add((m["code"], slug))
    return found


def actual_above_approved(slugs: set[str], on: date) -> set[tuple[str, int, str, str]]:
    found = set()
    for m in seed().measures:
        if not set(m["participants"]) & slugs:
            continue
        for line in m.get("budget", []):
            approved, actual = line.get("approved"), line.get("actual")
            if approved is None or actual is None or line["year"] < on.year - 1:
                continue
            if float(actual) > float(approved):
                found.add((m["code"], line["year"], line["category"], line["kind"]))
    return found


def proofs_due(slugs: set[str], on: date) -> set[str]:
    """Titles of proofs of use not submitted and due within 30 days (or overdue)."""
    found = set()
    for grant in seed().grants:
        covered = [m for m in seed().measures if m["code"] in grant["measures"]]
        if grant["applicant"] not in slugs and not any(involved(m, slugs) for m in covered):
            continue
        for proof in grant.get("proofs_of_use", []):
            if proof.get("submitted_on") is None and proof["due_on"] <= on + timedelta(days=30):
                found.add(proof["title"])
    return found


def sessions_next(slugs: set[str], on: date, days: int = 28) -> set[tuple[str, date]]:
    """(municipality slug, date) of the planned sessions from ``on`` to ``days`` ahead."""
    councils = yaml.safe_load((SEED / "councils.yaml").read_text(encoding="utf-8"))
    return {
        (entry["municipality"], entry["date"])
        for entry in councils["sessions"]
        if entry["municipality"] in slugs
        and entry.get("status", "geplant") == "geplant"
        and on <= entry["date"] <= on + timedelta(days=days)
    }


def risk_reviews(slugs: set[str], on: date) -> list[tuple[str, str]]:
    """(code, risk title) of the open risks whose review is due within 14 days (or overdue),
    of the responsible municipalities (the lead when the seed names none): overdue first."""
    leads = {m["code"]: m["lead"] for m in seed().measures}
    archived = {m["code"] for m in seed().measures if m.get("archived")}
    found = []
    for path in sorted(SEED.glob("risks*.yaml")):
        for risk in yaml.safe_load(path.read_text(encoding="utf-8"))["risks"]:
            review = risk.get("review")
            if review is None or risk.get("status", "offen") == "geschlossen":
                continue
            if risk["measure"] in archived:
                continue
            if risk.get("municipality", leads[risk["measure"]]) not in slugs:
                continue
            if review <= on + timedelta(days=14):
                found.append((review >= on, review, risk["measure"], risk["title"]))
    return [(code, title) for _later, _review, code, title in sorted(found)]
