""" "Änderungen seit <Baseline>": what moved between a baseline and now, for one municipality or
the whole IKZ. A pure comparison of two sets of measure states (:mod:`app.councils.baselines`).

Budgets are the municipality's share (planned, gross) per year, or the whole amount for the IKZ;
funding likewise.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from app.councils.baselines import State

STOPPED = ("zurueckgestellt", "verworfen")


@dataclass(frozen=True)
class MeasureRef:
    code: str
    title: str


@dataclass(frozen=True)
class StatusChange:
    code: str
    title: str
    before: str
    after: str


@dataclass(frozen=True)
class LightChange:
    code: str
    title: str
    before: str
    after: str


@dataclass(frozen=True)
class MilestoneMove:
    code: str
    measure_title: str
    title: str
    before: date | None
    after: date | None

    @property
    def days(self) -> int | None:
        """Days the due date moved (positive: later)."""
        if self.before is None or self.after is None:
            return None
        return (self.after - self.before).days


@dataclass(frozen=True)
class BudgetChange:
    code: str
    title: str
    year: int
    before_cents: int
    after_cents: int
    funding_before_cents: int
    funding_after_cents: int

    @property
    def delta_cents(self) -> int:
        return self.after_cents - self.before_cents

    @property
    def funding_delta_cents(self) -> int:
        return self.funding_after_cents - self.funding_before_cents


@dataclass(frozen=True)
class YearTotal:
    year: int
    before_cents: int
    after_cents: int

    @property
    def delta_cents(self) -> int:
        return self.after_cents - self.before_cents


@dataclass
class Changes:
    added: list[MeasureRef] = field(default_factory=list)
    removed: list[MeasureRef] = field(default_factory=list)
    started: list[StatusChange] = field(default_factory=list)
    finished: list[StatusChange] = field(default_factory=list)
    stopped: list[StatusChange] = field(default_factory=list)
    lights: list[LightChange] = field(default_factory=list)
    milestones: list[MilestoneMove] = field(default_factory=list)
    budgets: list[BudgetChange] = field(default_factory=list)
    totals: list[YearTotal] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.started
            or self.finished
            or self.stopped
            or self.lights
            or self.milestones
            or self.budgets
        )

    @property
    def count(self) -> int:
        return sum(
            len(items)
            for items in (
                self.added,
                self.removed,
                self.started,
                self.finished,
                self.stopped,
                self.lights,
                self.milestones,
                self.budgets,
            )
        )


def in_scope(state: State, municipality_id: int | None) -> bool:
    return (
        municipality_id is None
        or state["lead"] == municipality_id
        or municipality_id in state["parts"]
    )


def _budget(state: State, municipality_id: int | None) -> dict[int, tuple[int, int]]:
    """year → (planned gross, funding) of the municipality (or of all)."""
    result: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for muni, year, gross, funding in state["budget"]:
        if municipality_id is None or muni == municipality_id:
            result[year][0] += gross
            result[year][1] += funding
    return {year: (values[0], values[1]) for year, values in result.items()}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def compare(
    before: dict[int, State], after: dict[int, State], municipality_id: int | None
) -> Changes:
    """What changed from ``before`` (a baseline's states) to ``after`` (now)."""
    then = {mid: s for mid, s in before.items() if in_scope(s, municipality_id)}
    now = {mid: s for mid, s in after.items() if in_scope(s, municipality_id)}
    changes = Changes()
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for mid in sorted(set(then) | set(now), key=lambda m: (now.get(m) or then[m])["code"]):
        old, new = then.get(mid), now.get(mid)
        current = new or old
        assert current is not None
        ref = MeasureRef(current["code"], current["title"])
        old_budget = _budget(old, municipality_id) if old else {}
        new_budget = _budget(new, municipality_id) if new else {}
        for year, (gross, _funding) in old_budget.items():
            totals[year][0] += gross
        for year, (gross, _funding) in new_budget.items():
            totals[year][1] += gross
        if old is None:
            changes.added.append(ref)
            continue
        if new is None:
            changes.removed.append(ref)
            continue
        _status(changes, ref, old, new)
        if old["light"] != new["light"]:
            changes.lights.append(LightChange(ref.code, ref.title, old["light"], new["light"]))
        _milestones(changes, ref, old, new)
        for year in sorted(set(old_budget) | set(new_budget)):
            was = old_budget.get(year, (0, 0))
            is_ = new_budget.get(year, (0, 0))
            if was != is_:
                changes.budgets.append(
                    BudgetChange(ref.code, ref.title, year, was[0], is_[0], was[1], is_[1])
                )
    changes.totals = [
        YearTotal(year, values[0], values[1]) for year, values in sorted(totals.items())
    ]
    return changes


def _status(changes: Changes, ref: MeasureRef, old: State, new: State) -> None:
    before, after = old["status"], new["status"]
    if before == after:
        return
    change = StatusChange(ref.code, ref.title, before, after)
    if after == "abgeschlossen":
        changes.finished.append(change)
    elif after in STOPPED:
        changes.stopped.append(change)
    elif before == "geplant" and after == "in_umsetzung":
        changes.started.append(change)
    elif after == "in_umsetzung":
        changes.started.append(change)  # resumed after it had been stopped


def _milestones(changes: Changes, ref: MeasureRef, old: State, new: State) -> None:
    was = {ms[0]: ms for ms in old["ms"]}
    for ms_id, title, due, _done in new["ms"]:
        if ms_id in was and was[ms_id][2] != due:
            changes.milestones.append(
                MilestoneMove(ref.code, ref.title, title, _day(was[ms_id][2]), _day(due))
            )
