"""The dashboard's panels: key figures, budget, funding, deadlines, approvals and timeline.

Counts come from SQL aggregations (:mod:`app.pages.dashboard.queries`). Money comes from the finance
ledger's stored shares (summed in SQL) and :func:`app.finance.funding.grant_overviews`, so a
figure here equals the same figure on the Haushalt page, the measure page and the API.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar
from urllib.parse import urlencode

from sqlmodel import Session

from app.accounts.permissions import Principal, can_read, require
from app.core.enums import BudgetKind, MeasureStatus
from app.core.errors import ValidationFailed
from app.core.formatting import german_sort_key
from app.core.rules import parse_int, shown
from app.core.timeutil import today
from app.finance.queries import lookups as finance_queries
from app.finance.queries import shares as ledger
from app.finance.queries.budget import Totals, default_year, plan_years
from app.finance.queries.funding import GrantOverview, grant_overviews
from app.municipalities import queries as municipality_queries
from app.municipalities.models import Municipality
from app.pages.dashboard import queries
from app.pages.dashboard.queries import FieldProgress, Scope, TimelineMeasure, TimelineMilestone
from app.portfolio.queries import action_fields, current_strategy, stale_cutoff
from app.risks import queries as risk_queries

T = TypeVar("T")

PANELS = (
    "kennzahlen",
    "fortschritt",
    "status",
    "budget",
    "foerderung",
    "zeitplan",
    "wirkung",
    "risiken",
)
TIMELINE_LIMIT = 25
# With more municipalities in view, the per-municipality panels show this many (the busiest).
MUNICIPALITY_LIMIT = 20
DEADLINE_LIMIT = 6
ALL_MUNICIPALITIES = "alle"


@dataclass(frozen=True)
class Filters:
    """Validated filters; ``year`` is the budget year (given or the default plan year)."""

    municipality: Municipality | None
    field_code: str
    year: int
    year_given: bool

    def list_url(self, **extra: str) -> str:
        """The measures list filtered like the dashboard, plus ``extra`` parameters."""
        return "/massnahmen?" + urlencode(self.query(**extra))

    def query(self, **extra: str) -> dict[str, str]:
        """The filters as query parameters (``kommune=alle`` for the whole IKZ: without the
        parameter, pages open on the user's own municipality)."""
        params: dict[str, str] = {"kommune": ALL_MUNICIPALITIES}
        if self.municipality is not None:
            params["kommune"] = self.municipality.slug
        if self.field_code:
            params["feld"] = self.field_code
        if self.year_given:
            params["jahr"] = str(self.year)
        params.update(extra)
        return params

    @property
    def key(self) -> tuple[int | None, str, int, bool]:
        """What tells two filter settings apart (for caches)."""
        municipality_id = int(self.municipality.id or 0) if self.municipality else None
        return (municipality_id, self.field_code, self.year, self.year_given)

    @property
    def scope(self) -> Scope:
        return Scope(
            municipality_id=self.municipality.id if self.municipality else None,
            field_code=self.field_code,
            year=self.year if self.year_given else None,
        )


def _municipalities(
    session: Session, known: Sequence[Municipality] | None
) -> Sequence[Municipality]:
    return known if known is not None else municipality_queries.municipalities(session)


def default_scope(session: Session, actor: Principal, kommune: str | None) -> str:
    """The slug the dashboard shows: the given one, "" for the whole IKZ (``alle`` or empty),
    and the user's own municipality when none is given."""
    if kommune is None:
        choices = municipality_queries.municipality_choices(session)
        home = actor.home_municipality(choice.id for choice in choices)
        return next((c.slug for c in choices if c.id == home), "")
    return "" if kommune == ALL_MUNICIPALITIES else kommune


def resolve(
    *, session: Session, actor: Principal | None, kommune: str, feld: str, jahr: str
) -> Filters:
    """Read the query's filters; unknown values are a German 422, not a silent default."""
    require(can_read(actor), "Bitte melden Sie sich an.")
    errors: dict[str, str] = {}
    municipality = None
    if kommune:
        municipality = municipality_queries.municipality_by_slug(session, kommune)
        if municipality is None:
            errors["kommune"] = f"Unbekannte Kommune „{shown(kommune)}“."
    strategy = current_strategy(session)
    if feld and (
        strategy is None or not queries.field_exists(session, int(strategy.id or 0), feld)
    ):
        errors["feld"] = f"Unbekanntes Handlungsfeld „{shown(feld)}“."
    year: int | None = None
    if jahr:
        parsed = parse_int(jahr)
        if parsed is not None and 2000 <= parsed <= 2100:
            year = parsed
        else:
            errors["jahr"] = "Das Jahr muss zwischen 2000 und 2100 liegen."
    if errors:
        raise ValidationFailed(errors, message=" ".join(errors.values()))
    return Filters(
        municipality=municipality,
        field_code=feld,
        year=year if year is not None else default_year(session=session),
        year_given=year is not None,
    )


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    href: str | None = None
    note: str = ""
    level: str = ""  # "", "warn", "critical"


@dataclass(frozen=True)
class Deadline:
    on: date
    text: str
    grant_title: str
    overdue: bool


@dataclass
class KeyFigures:
    status_counts: dict[str, int]
    light_counts: dict[str, int]
    overdue_milestones: int
    overdue_measures: int
    stale_reports: int
    pending: list[tuple[Municipality, int]]
    # municipalities left out of ``pending`` (only when more than MUNICIPALITY_LIMIT are shown)
    pending_hidden: int
    total: int = 0


def _by_municipality(
    session: Session, filters: Filters, memo: dict[str, object] | None
) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """The status matrix's counts and the open decisions, computed once per ``memo``."""
    if memo is not None and "by_municipality" in memo:
        found: tuple[dict[int, dict[str, int]], dict[int, int]] = memo["by_municipality"]  # type: ignore[assignment]
        return found
    result = queries.counts_by_municipality(session, filters.scope)
    if memo is not None:
        memo["by_municipality"] = result
    return result


def key_figures(
    *,
    session: Session,
    filters: Filters,
    on: date | None = None,
    municipalities: Sequence[Municipality] | None = None,
    memo: dict[str, object] | None = None,
) -> KeyFigures:
    """``on`` is the day the deadlines and the 90 days without a report are counted from;
    ``municipalities`` all of them, when the caller has them already."""
    on = on or today()
    scope = filters.scope
    status_counts = queries.counts_by_status(session, scope)
    light_counts = queries.counts_by_light(session, scope)
    overdue, overdue_measures = queries.overdue_milestones(session, scope, on)
    stale = queries.stale_report_count(session, scope, stale_cutoff(on))
    _, pending_by_id = _by_municipality(session, filters, memo)
    munis = _municipalities(session, municipalities)
    shown = [m for m in munis if filters.municipality is None or m.id == filters.municipality.id]
    return KeyFigures(
        status_counts={s.value: status_counts.get(s.value, 0) for s in MeasureStatus},
        light_counts=light_counts,
        overdue_milestones=overdue,
        overdue_measures=overdue_measures,
        stale_reports=stale,
        pending=_busiest(
            [(m, pending_by_id.get(int(m.id or 0), 0)) for m in shown], key=lambda count: count
        ),
        pending_hidden=max(0, len(shown) - MUNICIPALITY_LIMIT),
        total=sum(status_counts.values()),
    )


@dataclass
class YearBudget:
    year: int
    investiv: Totals = field(default_factory=Totals)
    konsumtiv: Totals = field(default_factory=Totals)
    all: Totals = field(default_factory=Totals)


@dataclass
class BudgetPanel:
    year: int
    selected: YearBudget
    by_year: list[YearBudget]
    issues: dict[str, str]


def budget_panel(*, session: Session, actor: Principal | None, filters: Filters) -> BudgetPanel:
    """The municipality's (or the whole IKZ's) shares per year, summed from the ledger in SQL."""
    require(can_read(actor), "Bitte melden Sie sich an.")
    municipality_id = int(filters.municipality.id or 0) if filters.municipality else None
    measures = (
        queries.scoped_measure_select(Scope(field_code=filters.field_code))
        if filters.field_code
        else None
    )
    years = sorted(set(plan_years(session=session)) | {filters.year})
    by_year = {year: YearBudget(year) for year in years}
    for sums in ledger.sums_by_year_and_kind(
        session, municipality_id=municipality_id, measures=measures
    ):
        entry = by_year.setdefault(sums.year, YearBudget(sums.year))
        for target in (
            entry.all,
            entry.investiv if sums.kind == BudgetKind.investiv else entry.konsumtiv,
        ):
            target.gross_cents += sums.gross_cents
            target.funding_cents += sums.funding_cents
            target.net_cents += sums.gross_cents - sums.funding_cents
            target.approved_cents += sums.approved_cents
            target.actual_cents += sums.actual_cents
    issues = ledger.issues(session, municipality_id=municipality_id)
    labels = finance_queries.measure_labels(session, list(issues))
    return BudgetPanel(
        year=filters.year,
        selected=by_year[filters.year],
        by_year=[by_year[y] for y in sorted(by_year)],
        issues={labels[mid][0]: text for mid, text in sorted(issues.items())},
    )


@dataclass
class FundingPanel:
    grants: list[GrantOverview]
    granted_cents: int
    drawn_cents: int
    remaining_cents: int
    deadlines: list[Deadline]


def funding_panel(
    *, session: Session, actor: Principal | None, filters: Filters, on: date | None = None
) -> FundingPanel:
    """Grants covering a measure in scope, their sums, and the next deadlines."""
    on = on or today()
    overviews = grant_overviews(session=session, actor=actor, on=on)
    if filters.municipality is not None or filters.field_code:
        ids = queries.scoped_measure_ids(
            session, Scope(filters.scope.municipality_id, filters.field_code)
        )
        overviews = [o for o in overviews if any(m.id in ids for m in o.measures)]
    deadlines: list[Deadline] = []
    for overview in overviews:
        title = overview.grant.title
        for proof in overview.proofs:
            if proof.submitted_on is None:
                deadlines.append(
                    Deadline(proof.due_on, f"{proof.title} fällig", title, proof.due_on < on)
                )
        if overview.grant.period_end >= on:
            deadlines.append(
                Deadline(overview.grant.period_end, "Ende des Bewilligungszeitraums", title, False)
            )
    deadlines.sort(key=lambda d: (d.on, d.text))
    return FundingPanel(
        grants=overviews,
        granted_cents=sum(o.grant.max_cents for o in overviews),
        drawn_cents=sum(o.drawn_cents for o in overviews),
        remaining_cents=sum(o.remaining_cents for o in overviews),
        deadlines=deadlines[:DEADLINE_LIMIT],
    )


@dataclass
class Timeline:
    measures: list[TimelineMeasure]
    milestones: dict[int, list[TimelineMilestone]]


def timeline(*, session: Session, filters: Filters) -> Timeline:
    measures = queries.timeline_measures(session, filters.scope, TIMELINE_LIMIT)
    grouped: dict[int, list[TimelineMilestone]] = defaultdict(list)
    for milestone in queries.timeline_milestones(session, [m.id for m in measures]):
        grouped[milestone.measure_id].append(milestone)
    return Timeline(measures=measures, milestones=dict(grouped))


def field_progress(*, session: Session, filters: Filters) -> list[FieldProgress]:
    strategy = current_strategy(session)
    if strategy is None or strategy.id is None:
        return []
    return queries.progress_by_field(session, filters.scope, strategy.id)


def status_matrix(
    *,
    session: Session,
    filters: Filters,
    municipalities: Sequence[Municipality] | None = None,
    memo: dict[str, object] | None = None,
) -> tuple[list[tuple[Municipality, dict[str, int]]], int]:
    """Measures per municipality and status, and how many municipalities were left out."""
    counts, _ = _by_municipality(session, filters, memo)
    munis = _municipalities(session, municipalities)
    shown = [m for m in munis if filters.municipality is None or m.id == filters.municipality.id]
    matrix = [
        (m, {s.value: counts.get(int(m.id or 0), {}).get(s.value, 0) for s in MeasureStatus})
        for m in shown
    ]
    return _busiest(matrix, key=lambda by_status: sum(by_status.values())), max(
        0, len(matrix) - MUNICIPALITY_LIMIT
    )


def _busiest(
    items: list[tuple[Municipality, T]], *, key: Callable[[T], int]
) -> list[tuple[Municipality, T]]:
    """All items in their order, or, beyond MUNICIPALITY_LIMIT, the ones with the largest key
    (ties by name), in their order."""
    if len(items) <= MUNICIPALITY_LIMIT:
        return items
    ranked = sorted(items, key=lambda item: (-key(item[1]), german_sort_key(item[0].name)))
    keep = {id(item) for item in ranked[:MUNICIPALITY_LIMIT]}
    return [item for item in items if id(item) in keep]


def filter_options(
    *, session: Session, municipalities: Sequence[Municipality] | None = None
) -> dict[str, object]:
    strategy = current_strategy(session)
    return {
        "municipalities": _municipalities(session, municipalities),
        "fields": action_fields(session, strategy.id) if strategy and strategy.id else [],
        "years": plan_years(session=session),
    }


def risk_matrix(
    *, session: Session, filters: Filters, on: date | None = None
) -> risk_queries.Matrix:
    """The open risks of the measures in view (municipality and action field; risks belong to
    no Haushaltsjahr) per cell of the 5 × 5 matrix, at their current rating."""
    scope = Scope(
        municipality_id=filters.municipality.id if filters.municipality else None,
        field_code=filters.field_code,
    )
    return risk_queries.matrix(session, queries.scoped_measure_select(scope), on)


def risk_list_url(filters: Filters, **extra: str) -> str:
    """The risk list narrowed like the dashboard (municipality, action field) plus ``extra``."""
    params = {key: value for key, value in filters.query().items() if key != "jahr"}
    return "/risiken?" + urlencode(params | extra)
