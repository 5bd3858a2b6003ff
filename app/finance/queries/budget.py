"""Budget views of the finance domain: a municipality's share per year, and over all years.

Keyword-only, take the session and the acting user, check permissions, never commit. Every
figure comes from the stored shares of :mod:`app.finance.ledger`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from app.accounts.permissions import Principal, can_read, require
from app.core.enums import BudgetKind
from app.core.errors import ValidationFailed
from app.core.rules import shown
from app.core.timeutil import today
from app.finance.queries import lookups as queries
from app.finance.queries.shares import Share, compute_shares
from app.municipalities import queries as municipality_queries
from app.municipalities.models import Municipality

MIN_YEAR = 2000
MAX_YEAR = 2100


@dataclass(frozen=True)
class BudgetRow:
    """One municipality's share of one budget line, ready for a table, the API or a file."""

    municipality_slug: str
    municipality_name: str
    year: int
    measure_code: str
    measure_title: str
    example: bool
    category: str
    kind: str
    produkt: str | None
    sachkonto: str | None
    investment_number: str | None
    gross_cents: int
    approved_cents: int | None
    actual_cents: int | None
    funding_cents: int
    net_cents: int
    line_id: int = 0
    carryover_cents: int | None = None
    # where the Produkt comes from: "massnahme" (given to the measure), "kostenart" (the cost
    # category's default of the mapping), None (not mapped)
    produkt_source: str | None = None

    @property
    def mapped(self) -> bool:
        return self.produkt is not None and self.sachkonto is not None


@dataclass
class Totals:
    gross_cents: int = 0
    funding_cents: int = 0
    net_cents: int = 0
    approved_cents: int = 0
    actual_cents: int = 0

    def add(self, row: BudgetRow) -> None:
        self.gross_cents += row.gross_cents
        self.funding_cents += row.funding_cents
        self.net_cents += row.net_cents
        self.approved_cents += row.approved_cents or 0
        self.actual_cents += row.actual_cents or 0


@dataclass
class BudgetTotals:
    all: Totals = field(default_factory=Totals)
    investiv: Totals = field(default_factory=Totals)
    konsumtiv: Totals = field(default_factory=Totals)

    @classmethod
    def of(cls, rows: Iterable[BudgetRow]) -> BudgetTotals:
        totals = cls()
        for row in rows:
            totals.all.add(row)
            (totals.investiv if row.kind == BudgetKind.investiv else totals.konsumtiv).add(row)
        return totals


@dataclass(frozen=True)
class MeasureSummary:
    """A measure's figures for one municipality and year (the Haushalt page's main table)."""

    code: str
    title: str
    example: bool
    totals: BudgetTotals
    produkte: list[str]
    sachkonten: list[str]
    investment_number: str | None
    unmapped: int


@dataclass
class BudgetReport:
    municipality: Municipality | None
    year: int | None
    rows: list[BudgetRow]
    totals: BudgetTotals
    # German notes on measures whose costs could not be shared (code → reason)
    issues: dict[str, str]

    @property
    def unmapped_rows(self) -> list[BudgetRow]:
        return [row for row in self.rows if not row.mapped]

    def measures(self) -> list[MeasureSummary]:
        grouped: dict[str, list[BudgetRow]] = defaultdict(list)
        for row in self.rows:
            grouped[row.measure_code].append(row)
        result = []
        for code, rows in grouped.items():
            result.append(
                MeasureSummary(
                    code=code,
                    title=rows[0].measure_title,
                    example=rows[0].example,
                    totals=BudgetTotals.of(rows),
                    produkte=sorted({r.produkt for r in rows if r.produkt}),
                    sachkonten=sorted({r.sachkonto for r in rows if r.sachkonto}),
                    investment_number=next(
                        (r.investment_number for r in rows if r.investment_number), None
                    ),
                    unmapped=sum(1 for r in rows if not r.mapped),
                )
            )
        return result


def resolve_filters(
    *, session: Session, municipality: str | None, year: int | None
) -> tuple[Municipality | None, int | None]:
    """Check the query's municipality slug and year; German errors for the API and pages."""
    errors: dict[str, str] = {}
    found: Municipality | None = None
    if municipality:
        found = municipality_queries.municipality_by_slug(session, municipality)
        if found is None:
            slugs = ", ".join(m.slug for m in municipality_queries.municipalities(session))
            errors["municipality"] = (
                f"Unbekannte Kommune „{shown(municipality)}“ (bekannt: {slugs})."
            )
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        errors["year"] = f"Das Haushaltsjahr muss zwischen {MIN_YEAR} und {MAX_YEAR} liegen."
    if errors:
        raise ValidationFailed(errors, message=" ".join(errors.values()))
    return found, year


def _rows(
    session: Session, shares: Sequence[Share], municipalities: dict[int, Municipality]
) -> list[BudgetRow]:
    present = sorted({s.municipality_id for s in shares})
    measures = queries.measure_labels(session, sorted({s.measure_id for s in shares}))
    mappings = queries.mappings_of(session, present)
    numbers = queries.investment_numbers_of(session, present)
    produkte = queries.measure_produkte_of(session, present)
    rows = []
    for share in shares:
        municipality = municipalities[share.municipality_id]
        code, title, example = measures[share.measure_id]
        mapping = mappings.get((share.municipality_id, share.category, share.kind))
        own_produkt = produkte.get((share.municipality_id, share.measure_id))
        produkt = own_produkt or (mapping[0] if mapping else None)
        rows.append(
            BudgetRow(
                municipality_slug=municipality.slug,
                municipality_name=municipality.name,
                year=share.year,
                measure_code=code,
                measure_title=title,
                example=example,
                category=share.category,
                kind=share.kind,
                produkt=produkt if mapping else None,
                sachkonto=mapping[1] if mapping else None,
                investment_number=(
                    numbers.get((share.municipality_id, share.measure_id))
                    if share.kind == BudgetKind.investiv
                    else None
                ),
                gross_cents=share.gross_cents,
                approved_cents=share.approved_cents,
                actual_cents=share.actual_cents,
                funding_cents=share.funding_cents,
                net_cents=share.net_cents,
                line_id=share.line_id,
                carryover_cents=share.carryover_cents,
                produkt_source=(
                    None if not mapping else "massnahme" if own_produkt else "kostenart"
                ),
            )
        )
    rows.sort(key=lambda r: (r.municipality_slug, r.year, r.measure_code, r.kind, r.category))
    return rows


def budget_report(
    *,
    session: Session,
    actor: Principal | None,
    municipality: str | None = None,
    year: int | None = None,
) -> BudgetReport:
    """Shares of every budget line, filtered by municipality slug and/or year."""
    require(can_read(actor), "Bitte melden Sie sich an.")
    found, year = resolve_filters(session=session, municipality=municipality, year=year)
    ledger = compute_shares(
        session,
        municipality_id=int(found.id or 0) if found else None,
        years=[year] if year is not None else None,
    )
    munis = {int(m.id or 0): m for m in municipality_queries.municipalities(session)}
    rows = _rows(session, ledger.shares, munis)
    labels = queries.measure_labels(session, list(ledger.issues))
    return BudgetReport(
        municipality=found,
        year=year,
        rows=rows,
        totals=BudgetTotals.of(rows),
        issues={labels[mid][0]: text for mid, text in ledger.issues.items()},
    )


def plan_years(*, session: Session) -> list[int]:
    """All strategy years plus every other year that has budget lines, ascending."""
    years = set(queries.years_with_lines(session))
    period = queries.strategy_years(session)
    if period:
        years.update(range(period[0], period[1] + 1))
    return sorted(years)


def default_year(*, session: Session) -> int:
    """This year if it is a plan year, else the nearest plan year."""
    years = plan_years(session=session)
    current = today().year
    if not years or current in years:
        return current
    return min(years, key=lambda y: (abs(y - current), y))


@dataclass(frozen=True)
class MultiYearRow:
    code: str
    title: str
    example: bool
    net_by_year: dict[int, int]


@dataclass
class MultiYearReport:
    """The mittelfristige Finanzplanung: a municipality's shares, all plan years side by side."""

    municipality: Municipality
    years: list[int]
    measures: list[MultiYearRow]
    totals_by_year: dict[int, BudgetTotals]
    reports: dict[int, BudgetReport]


def multi_year_report(
    *, session: Session, actor: Principal | None, municipality: str
) -> MultiYearReport:
    whole = budget_report(session=session, actor=actor, municipality=municipality)
    assert whole.municipality is not None
    years = plan_years(session=session)
    by_year: dict[int, list[BudgetRow]] = defaultdict(list)
    for row in whole.rows:
        by_year[row.year].append(row)
    net: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    titles: dict[str, tuple[str, bool]] = {}
    for row in whole.rows:
        net[row.measure_code][row.year] += row.net_cents
        titles[row.measure_code] = (row.measure_title, row.example)
    reports = {
        y: BudgetReport(
            municipality=whole.municipality,
            year=y,
            rows=by_year.get(y, []),
            totals=BudgetTotals.of(by_year.get(y, [])),
            issues=whole.issues,
        )
        for y in years
    }
    return MultiYearReport(
        municipality=whole.municipality,
        years=years,
        measures=[
            MultiYearRow(code, titles[code][0], titles[code][1], dict(net[code]))
            for code in sorted(net)
        ],
        totals_by_year={y: reports[y].totals for y in years},
        reports=reports,
    )
