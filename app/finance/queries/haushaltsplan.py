"""The Haushaltsplan view of one municipality and budget year: what its Kämmerei books.

Built from the ledger (the same cents as ``GET /api/v1/budget``) and :mod:`.bookings`:

* the bookings of the year under the gross principle, the Ergebnis- and Finanzhaushalt, and
  a summary per Produkt × Sachkonto over the years of the Finanzplanung;
* the Finanzplanung: five years from the budget year (HGO § 101, with § 114h for the
  Doppik), gross, grant and net, plus every later year that still carries depreciation,
  Auflösung or Folgekosten;
* Haushaltsreste and Übertragungen of the year's lines, with the lines whose Ist exceeds the
  Ansatz and their Deckungsvorschlag;
* Verpflichtungsermächtigungen, the municipality's share of each payment year;
* completeness flags and the Stand/Freigabe block (approvals of the municipality's body).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from app.accounts.permissions import Principal
from app.core.enums import HaushaltPurpose
from app.core.errors import ValidationFailed
from app.core.timeutil import today
from app.finance.queries import haushalt_rows as rows_module
from app.finance.queries.bookings import (
    AFA,
    EH,
    FH,
    INV,
    LFD,
    RELEASE,
    Booking,
    accounts_of,
    bookings,
    read_funding,
)
from app.finance.queries.budget import BudgetRow, budget_report
from app.finance.queries.haushalt_rows import ApprovalState, CommitmentRow, Flag, RestRow
from app.municipalities import queries as municipality_queries
from app.municipalities.models import Municipality

PLAN_YEARS = 5  # the budget year and four planning years


@dataclass(frozen=True)
class PlanYear:
    """One column of the Finanzplanung (the municipality's shares, in cents)."""

    year: int
    gross_cents: int
    funding_cents: int
    investiv_net_cents: int
    konsumtiv_net_cents: int
    depreciation_cents: int
    release_cents: int
    commitment_cents: int
    carried_in_cents: int
    in_plan: bool  # one of the five years; later years only show what runs on

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.funding_cents


@dataclass(frozen=True)
class SummaryRow:
    """A Produkt × Sachkonto of one side of the Haushalt, per year."""

    haushalt: str
    side: str
    area: str
    produkt: str | None
    sachkonto: str | None
    by_year: dict[int, int]


@dataclass
class HaushaltPlan:
    municipality: Municipality
    year: int
    years: list[int]
    rows: list[BudgetRow]
    bookings: list[Booking]
    plan: list[PlanYear]
    summary: list[SummaryRow]
    reste: list[RestRow]
    commitments: list[CommitmentRow]
    flags: list[Flag]
    approvals: list[ApprovalState]
    issues: dict[str, str]
    exported_on: date = field(default_factory=today)
    data_state: datetime | None = None

    def year_bookings(self) -> list[Booking]:
        """The bookings of the budget year, Ergebnishaushalt first, then by measure."""
        return sorted(
            (b for b in self.bookings if b.year == self.year),
            key=lambda b: (
                SIDE_ORDER.get((b.haushalt, b.side, b.area), 9),
                b.measure_code,
                b.source,
                b.kind,
                b.category,
            ),
        )

    def sides(self, haushalt: str) -> list[tuple[str, str, int]]:
        """``(side, area, cents)`` of the budget year in the Ergebnis- or Finanzhaushalt."""
        sums: dict[tuple[str, str], int] = defaultdict(int)
        for booking in self.year_bookings():
            if booking.haushalt == haushalt:
                sums[(booking.side, booking.area)] += booking.cents
        order = {"Ertrag": 0, "Aufwand": 1, "Einzahlung": 0, "Auszahlung": 1}
        keys = sorted(sums, key=lambda k: (k[1] != LFD, k[1], order.get(k[0], 2)))
        return [(side, area, sums[(side, area)]) for side, area in keys]

    def balance(self, haushalt: str) -> int:
        return sum(b.signed_cents for b in self.year_bookings() if b.haushalt == haushalt)


def _years(year: int, later: Iterable[int]) -> list[int]:
    plan = list(range(year, year + PLAN_YEARS))
    return plan + sorted({y for y in later if y >= year + PLAN_YEARS})


def haushalt_plan(
    *,
    session: Session,
    actor: Principal | None,
    municipality: str,
    year: int,
    data_state: datetime | None = None,
) -> HaushaltPlan:
    """Everything the Kämmerei of ``municipality`` books for ``year`` and plans after it."""
    whole = budget_report(session=session, actor=actor, municipality=municipality)
    if whole.municipality is None:
        raise ValidationFailed({"municipality": "Bitte eine Kommune wählen."})
    if not 2000 <= year <= 2100:
        raise ValidationFailed({"year": "Das Haushaltsjahr muss zwischen 2000 und 2100 liegen."})
    muni = whole.municipality
    own_id = int(muni.id or 0)
    codes = sorted({row.measure_code for row in whole.rows})
    ids = {code: mid for mid, code in _ids_by_code(session, codes).items()}
    munis = {int(m.id or 0): m for m in municipality_queries.municipalities(session)}
    funding = read_funding(session, sorted(ids.values()), munis)
    accounts = accounts_of(session, own_id)
    all_bookings = list(
        bookings(whole.rows, municipality=muni, funding=funding, measure_ids=ids, accounts=accounts)
    )
    found_commitments = rows_module.commitments(session, own_id, ids, year)
    years = _years(
        year,
        [b.year for b in all_bookings]
        + [y for c in found_commitments for y in c.payments if y >= year],
    )
    rows = [r for r in whole.rows if r.year == year]
    reste = rows_module.reste(session, rows)
    return HaushaltPlan(
        municipality=muni,
        year=year,
        years=years,
        rows=rows,
        bookings=all_bookings,
        plan=_plan(whole.rows, all_bookings, found_commitments, years, year),
        summary=_summary(all_bookings, years),
        reste=reste,
        commitments=found_commitments,
        flags=rows_module.flags(
            rows, reste, [b for b in all_bookings if b.year == year], whole.issues
        ),
        approvals=rows_module.approvals(session, rows, own_id),
        issues=whole.issues,
        data_state=data_state,
    )


def _ids_by_code(session: Session, codes: list[str]) -> dict[int, str]:
    from app.portfolio.models import Measure

    if not codes:
        return {}
    rows = session.exec(select(Measure.id, Measure.code).where(col(Measure.code).in_(codes))).all()
    return {int(mid or 0): code for mid, code in rows}


def _plan(
    rows: list[BudgetRow],
    all_bookings: list[Booking],
    commitments: list[CommitmentRow],
    years: list[int],
    first: int,
) -> list[PlanYear]:
    result = []
    for year in years:
        of_year = [r for r in rows if r.year == year]
        previous = [r for r in rows if r.year == year - 1]
        booked = [b for b in all_bookings if b.year == year]
        result.append(
            PlanYear(
                year=year,
                gross_cents=sum(r.gross_cents for r in of_year),
                funding_cents=sum(r.funding_cents for r in of_year),
                investiv_net_cents=sum(r.net_cents for r in of_year if r.kind == "investiv"),
                konsumtiv_net_cents=sum(r.net_cents for r in of_year if r.kind == "konsumtiv"),
                depreciation_cents=sum(b.cents for b in booked if b.source == AFA),
                release_cents=sum(b.cents for b in booked if b.source == RELEASE),
                commitment_cents=sum(c.payments.get(year, 0) for c in commitments),
                carried_in_cents=sum(r.carryover_cents or 0 for r in previous),
                in_plan=year < first + PLAN_YEARS,
            )
        )
    return result


SIDE_ORDER = {
    (EH, "Ertrag", ""): 0,
    (EH, "Aufwand", ""): 1,
    (FH, "Einzahlung", LFD): 2,
    (FH, "Auszahlung", LFD): 3,
    (FH, "Einzahlung", INV): 4,
    (FH, "Auszahlung", INV): 5,
}


def _summary(all_bookings: list[Booking], years: list[int]) -> list[SummaryRow]:
    wanted = set(years)
    sums: dict[tuple[str, str, str, str, str], dict[int, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    for b in all_bookings:
        if b.year in wanted:
            sums[(b.haushalt, b.side, b.area, b.produkt or "", b.sachkonto or "")][b.year] += (
                b.cents
            )
    keys = sorted(sums, key=lambda k: (SIDE_ORDER.get(k[:3], 9), k[3], k[4]))
    return [SummaryRow(k[0], k[1], k[2], k[3] or None, k[4] or None, dict(sums[k])) for k in keys]


ACCOUNT_PURPOSES = [purpose.value for purpose in HaushaltPurpose]
