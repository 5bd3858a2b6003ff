"""The gross principle: a municipality's share of the portfolio as Haushalt bookings.

Every figure comes from the ledger (:mod:`app.finance.ledger`): the same cents as the budget
API. From each share of a budget line and its funding come the bookings a Kämmerei enters:

* konsumtiv costs: Aufwand (Ergebnishaushalt) and Auszahlung aus laufender
  Verwaltungstätigkeit (Finanzhaushalt), on the Produkt and Sachkonto of the mapping;
* investive costs: Auszahlung für Investitionstätigkeit, and from the next year the
  depreciation (AfA) as Aufwand (:mod:`app.finance.depreciation`);
* the grant as its own income line: for konsumtiv costs Ertrag and Einzahlung aus laufender
  Verwaltungstätigkeit, for investive costs Einzahlung aus Investitionstätigkeit, a Sonderposten
  and its yearly Auflösung as Ertrag;
* the applicant municipality (Oberzent for Starke Heimat Hessen) receives the whole grant and
  forwards the partners' part: it books the partners' part as income and the forwarding as
  Aufwand/Auszahlung (konsumtiv) or Auszahlung für Investitionstätigkeit (investiv; no Ergebnis
  effect, the asset is the partner's). Partners book their part as income from the applicant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from app.core.enums import BudgetKind, HaushaltPurpose
from app.finance.allocation import split_largest_remainder
from app.finance.depreciation import yearly_rates
from app.finance.models import BudgetShare, Grant, GrantFunding, HaushaltAccount
from app.finance.queries.budget import BudgetRow
from app.municipalities.models import Municipality

EH = "Ergebnishaushalt"
FH = "Finanzhaushalt"
LFD = "laufende Verwaltungstätigkeit"
INV = "Investitionstätigkeit"

COSTS = "Kosten"
GRANT = "Zuwendung"
FORWARDED = "Weiterleitung"
AFA = "Abschreibung"
RELEASE = "Auflösung Sonderposten"


@dataclass(frozen=True)
class Booking:
    """One line of the Haushalt: a side of the Ergebnis- or Finanzhaushalt in one year."""

    year: int
    haushalt: str  # Ergebnishaushalt | Finanzhaushalt
    side: str  # Aufwand | Ertrag | Auszahlung | Einzahlung
    area: str  # Finanzhaushalt: laufende Verwaltungstätigkeit | Investitionstätigkeit
    source: str  # Kosten | Zuwendung | Weiterleitung | Abschreibung | Auflösung Sonderposten
    measure_code: str
    measure_title: str
    example: bool
    category: str
    kind: str
    produkt: str | None
    sachkonto: str | None
    investment_number: str | None
    cents: int
    note: str = ""

    @property
    def income(self) -> bool:
        return self.side in ("Ertrag", "Einzahlung")

    @property
    def signed_cents(self) -> int:
        """Income positive, spending negative (for a Saldo)."""
        return self.cents if self.income else -self.cents


@dataclass(frozen=True)
class GrantSource:
    """A grant funding a measure-year, who applied for it, and each municipality's part."""

    grant: Grant
    applicant: Municipality
    parts: dict[int, int]  # municipality id → cents of this grant


@dataclass
class Funding:
    """The ledger's funding of measure-years: per municipality and kind, and per grant."""

    # (measure, year) → municipality id → kind → cents
    by_kind: dict[tuple[int, int], dict[int, dict[str, int]]]
    sources: dict[tuple[int, int], list[GrantSource]]


def read_funding(
    session: Session, measure_ids: Sequence[int], municipalities: dict[int, Municipality]
) -> Funding:
    """Funding of the measures' years, attributed to grants.

    A municipality's funding of a measure-year (the ledger's) is split over the grants in
    notice order by largest remainder of what is left, the last grant taking the rest; so each
    grant's parts add up to its funding and each municipality's parts to its own funding.
    """
    by_kind: dict[tuple[int, int], dict[int, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    if not measure_ids:
        return Funding({}, {})
    for measure_id, year, municipality_id, kind, cents in session.execute(
        select_columns(
            col(BudgetShare.measure_id),
            col(BudgetShare.year),
            col(BudgetShare.municipality_id),
            col(BudgetShare.kind),
            col(BudgetShare.funding_cents),
        ).where(col(BudgetShare.measure_id).in_(measure_ids), col(BudgetShare.funding_cents) > 0)
    ).all():
        by_kind[(measure_id, year)][municipality_id][kind] += cents
    grants = {
        int(g.id or 0): g
        for g in session.exec(select(Grant).order_by(col(Grant.notice_date), col(Grant.id)))
    }
    order = {gid: position for position, gid in enumerate(grants)}
    plan: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for grant_id, measure_id, year, cents in session.exec(
        select(
            GrantFunding.grant_id, GrantFunding.measure_id, GrantFunding.year, GrantFunding.cents
        ).where(col(GrantFunding.measure_id).in_(measure_ids))
    ).all():
        if cents:
            plan[(measure_id, year)].append((grant_id, cents))
    sources: dict[tuple[int, int], list[GrantSource]] = {}
    for slot, by_grant in plan.items():
        left = {mid: sum(kinds.values()) for mid, kinds in sorted(by_kind[slot].items())}
        if not left:
            continue
        found = []
        ordered = sorted(by_grant, key=lambda item: order.get(item[0], 0))
        for index, (grant_id, cents) in enumerate(ordered):
            if index == len(ordered) - 1 or sum(left.values()) <= cents:
                parts = dict(left)
            else:
                parts = split_largest_remainder(cents, list(left.items()))
            for mid, part in parts.items():
                left[mid] -= part
            grant = grants[grant_id]
            found.append(GrantSource(grant, municipalities[grant.applicant_municipality_id], parts))
        sources[slot] = found
    return Funding({k: {m: dict(v) for m, v in d.items()} for k, d in by_kind.items()}, sources)


def accounts_of(session: Session, municipality_id: int) -> dict[str, tuple[str, str]]:
    """``purpose → (Produkt, Sachkonto)`` of the municipality's accounts beside the cost lines."""
    rows = session.exec(
        select(HaushaltAccount.purpose, HaushaltAccount.produkt, HaushaltAccount.sachkonto).where(
            HaushaltAccount.municipality_id == municipality_id
        )
    ).all()
    return {purpose: (produkt, sachkonto) for purpose, produkt, sachkonto in rows}


@dataclass(frozen=True)
class _Booker:
    accounts: dict[str, tuple[str, str]]

    def where(self, purpose: HaushaltPurpose) -> tuple[str | None, str | None]:
        found = self.accounts.get(purpose.value)
        return (found[0], found[1]) if found else (None, None)

    def __call__(
        self,
        row: BudgetRow,
        year: int,
        place: tuple[str, str, str],
        source: str,
        cents: int,
        where: tuple[str | None, str | None],
        note: str = "",
    ) -> Booking:
        haushalt, side, area = place
        return Booking(
            year=year,
            haushalt=haushalt,
            side=side,
            area=area,
            source=source,
            measure_code=row.measure_code,
            measure_title=row.measure_title,
            example=row.example,
            category=row.category,
            kind=row.kind,
            produkt=where[0],
            sachkonto=where[1],
            investment_number=row.investment_number,
            cents=cents,
            note=note,
        )


AUFWAND = (EH, "Aufwand", "")
ERTRAG = (EH, "Ertrag", "")
AUS_LFD = (FH, "Auszahlung", LFD)
EIN_LFD = (FH, "Einzahlung", LFD)
AUS_INV = (FH, "Auszahlung", INV)
EIN_INV = (FH, "Einzahlung", INV)


def bookings(
    rows: Sequence[BudgetRow],
    *,
    municipality: Municipality,
    funding: Funding,
    measure_ids: dict[str, int],
    accounts: dict[str, tuple[str, str]],
) -> Iterator[Booking]:
    """The municipality's bookings in every year, from its shares (``rows``, all years)."""
    own_id = int(municipality.id or 0)
    book = _Booker(accounts)
    slots: dict[tuple[int, int], BudgetRow] = {}
    for row in rows:
        mapped = (row.produkt, row.sachkonto)
        slot = (measure_ids[row.measure_code], row.year)
        slots.setdefault(slot, row)
        investive = row.kind == BudgetKind.investiv
        if row.gross_cents and investive:
            yield book(row, row.year, AUS_INV, COSTS, row.gross_cents, mapped)
            afa = book.where(HaushaltPurpose.abschreibung)
            for year, cents in yearly_rates(row.gross_cents, row.year, row.category).items():
                yield book(row, year, AUFWAND, AFA, cents, afa)
        elif row.gross_cents:
            yield book(row, row.year, AUFWAND, COSTS, row.gross_cents, mapped)
            yield book(row, row.year, AUS_LFD, COSTS, row.gross_cents, mapped)
        if not row.funding_cents:
            continue
        note = _grant_note(funding.sources.get(slot, []), own_id)
        if investive:
            income = book.where(HaushaltPurpose.zuwendung_investiv)
            yield book(row, row.year, EIN_INV, GRANT, row.funding_cents, income, note)
            release = book.where(HaushaltPurpose.aufloesung)
            for year, cents in yearly_rates(row.funding_cents, row.year, row.category).items():
                yield book(row, year, ERTRAG, RELEASE, cents, release, note)
        else:
            income = book.where(HaushaltPurpose.zuwendung_konsumtiv)
            yield book(row, row.year, ERTRAG, GRANT, row.funding_cents, income, note)
            yield book(row, row.year, EIN_LFD, GRANT, row.funding_cents, income, note)
    for slot, row in sorted(slots.items(), key=lambda item: (item[0][1], item[1].measure_code)):
        yield from _forwarding(book, row, slot, funding, own_id)


def _grant_note(sources: list[GrantSource], own_id: int) -> str:
    parts = []
    for source in sources:
        via = (
            ""
            if int(source.applicant.id or 0) == own_id
            else f", weitergeleitet von {source.applicant.kind} {source.applicant.name}"
        )
        parts.append(f"Bescheid {source.grant.notice_number}{via}")
    return "; ".join(parts)


def forwarded_by_kind(funding: Funding, slot: tuple[int, int], own_id: int) -> dict[str, int]:
    """What the applicant ``own_id`` forwards to its partners for one measure-year, per kind."""
    result: dict[str, int] = defaultdict(int)
    for municipality_id, kinds in funding.by_kind.get(slot, {}).items():
        if municipality_id == own_id:
            continue
        through_own = sum(
            source.parts.get(municipality_id, 0)
            for source in funding.sources.get(slot, [])
            if int(source.applicant.id or 0) == own_id
        )
        if not through_own:
            continue
        if through_own == sum(kinds.values()):
            split = kinds
        else:
            split = split_largest_remainder(through_own, sorted(kinds.items()))
        for kind, cents in split.items():
            result[kind] += cents
    return {kind: cents for kind, cents in sorted(result.items()) if cents}


def _forwarding(
    book: _Booker, row: BudgetRow, slot: tuple[int, int], funding: Funding, own_id: int
) -> Iterator[Booking]:
    """The partners' part the applicant receives and forwards (gross principle: both sides)."""
    out = book.where(HaushaltPurpose.weiterleitung)
    note = "Anteil der Partnerkommunen, weitergeleitet"
    for kind, cents in forwarded_by_kind(funding, slot, own_id).items():
        as_kind = replace(row, kind=kind, category="")
        if kind == BudgetKind.investiv:
            income = book.where(HaushaltPurpose.zuwendung_investiv)
            yield book(as_kind, slot[1], EIN_INV, GRANT, cents, income, note)
            yield book(as_kind, slot[1], AUS_INV, FORWARDED, cents, out, note)
        else:
            income = book.where(HaushaltPurpose.zuwendung_konsumtiv)
            yield book(as_kind, slot[1], ERTRAG, GRANT, cents, income, note)
            yield book(as_kind, slot[1], AUFWAND, FORWARDED, cents, out, note)
            yield book(as_kind, slot[1], EIN_LFD, GRANT, cents, income, note)
            yield book(as_kind, slot[1], AUS_LFD, FORWARDED, cents, out, note)
