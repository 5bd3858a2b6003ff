"""Rows of the Haushaltsplan beside the bookings: Haushaltsreste, Verpflichtungsermächtigungen,
completeness flags and the approvals of the Stand/Freigabe block."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.core.enums import BudgetKind, label
from app.core.errors import ValidationFailed
from app.finance.allocation import key_weights, split_largest_remainder
from app.finance.models import BudgetLine
from app.finance.queries import lookups as queries
from app.finance.queries.bookings import AFA, GRANT, RELEASE, Booking
from app.finance.queries.budget import BudgetRow


@dataclass(frozen=True)
class RestRow:
    """A share of one line of the budget year: Ansatz, Ist, Rest, Übertragung, Überschreitung."""

    row: BudgetRow
    rest_cents: int | None
    excess_cents: int | None
    line_over: bool
    cover_note: str
    line_version: int


@dataclass(frozen=True)
class CommitmentRow:
    measure_code: str
    measure_title: str
    commitment_id: int
    year: int
    category: str
    note: str
    version: int
    amount_cents: int  # the whole VE
    share_cents: int  # the municipality's share
    payments: dict[int, int]  # the municipality's share per payment year


@dataclass(frozen=True)
class Flag:
    kind: str
    measure_code: str
    text: str


@dataclass(frozen=True)
class ApprovalState:
    measure_code: str
    measure_title: str
    body: str
    decided_on: date | None
    drucksache: str
    result: str
    released: bool


def reste(session: Session, rows: list[BudgetRow]) -> list[RestRow]:
    ids = sorted({r.line_id for r in rows})
    lines = (
        {
            int(line.id or 0): line
            for line in session.exec(select(BudgetLine).where(col(BudgetLine.id).in_(ids)))
        }
        if ids
        else {}
    )
    result = []
    for row in rows:
        line = lines[row.line_id]
        both = row.approved_cents is not None and row.actual_cents is not None
        approved, actual = row.approved_cents or 0, row.actual_cents or 0
        result.append(
            RestRow(
                row=row,
                rest_cents=max(approved - actual, 0) if both else None,
                excess_cents=max(actual - approved, 0) if both else None,
                line_over=line.actual_cents is not None
                and line.approved_cents is not None
                and line.actual_cents > line.approved_cents,
                cover_note=line.cover_note,
                line_version=line.version,
            )
        )
    return result


def commitments(
    session: Session, own_id: int, ids: dict[str, int], year: int
) -> list[CommitmentRow]:
    measure_ids = sorted(ids.values())
    codes = {mid: code for code, mid in ids.items()}
    found = queries.commitments_of(session, measure_ids)
    measures = queries.measures_by_id(session, measure_ids)
    parties = queries.parties(session, measure_ids)
    result = []
    for commitment, payments in found:
        measure = measures[commitment.measure_id]
        try:
            weights = key_weights(measure.cost_key, parties.get(commitment.measure_id, []))
        except ValidationFailed:
            continue
        if own_id not in dict(weights):
            continue
        own = {y: split_largest_remainder(cents, weights)[own_id] for y, cents in payments.items()}
        if commitment.year != year and not any(y >= year for y in own):
            continue
        result.append(
            CommitmentRow(
                measure_code=codes[commitment.measure_id],
                measure_title=measure.title,
                commitment_id=int(commitment.id or 0),
                year=commitment.year,
                category=commitment.category,
                note=commitment.note,
                version=commitment.version,
                amount_cents=commitment.amount_cents,
                share_cents=sum(own.values()),
                payments=own,
            )
        )
    return result


def flags(
    rows: list[BudgetRow],
    reste: list[RestRow],
    year_bookings: list[Booking],
    issues: dict[str, str],
) -> list[Flag]:
    flags: list[Flag] = []
    for row in rows:
        what = f"{label(row.category)} ({label(row.kind)})"
        if not row.mapped:
            flags.append(
                Flag("nicht zugeordnet", row.measure_code, f"{what}: kein Produkt/Sachkonto")
            )
        elif row.produkt_source == "kostenart":
            flags.append(
                Flag(
                    "Produkt aus Standard",
                    row.measure_code,
                    f"{what}: Produkt nur aus der Standardzuordnung der Kostenart",
                )
            )
        if row.kind == BudgetKind.investiv and not row.investment_number:
            flags.append(
                Flag("ohne Investitionsnummer", row.measure_code, f"{what}: investiv, ohne Nummer")
            )
    for rest in reste:
        if rest.line_over and not rest.cover_note:
            flags.append(
                Flag(
                    "Ist über Ansatz",
                    rest.row.measure_code,
                    f"{label(rest.row.category)} ({label(rest.row.kind)}): Ist über dem Ansatz, "
                    "ohne Deckungsvorschlag",
                )
            )
    missing = sorted(
        {
            b.source
            for b in year_bookings
            if b.source in (GRANT, AFA, RELEASE, "Weiterleitung") and b.sachkonto is None
        }
    )
    for source in missing:
        flags.append(
            Flag("Konto fehlt", "", f"{source}: kein Produkt/Sachkonto in der Haushaltszuordnung")
        )
    for code, reason in sorted(issues.items()):
        flags.append(Flag("nicht aufgeteilt", code, reason))
    return flags


@dataclass(frozen=True)
class CouncilDecision:
    """What a municipality's council decided on one measure (its decisive beschließend step)."""

    measure_title: str
    body: str = ""
    decided_on: date | None = None
    drucksache: str = ""
    result: str = ""
    released: bool = False


# measure codes and a municipality → the decision of its council per code (codes of measures
# that exist). The council cycle sits a floor above finance; the application factory registers
# its reader here (app.main), as it extends the measure detail.
DecisionReader = Callable[[Session, Sequence[str], int], dict[str, CouncilDecision]]
_decision_readers: list[DecisionReader] = []


def read_decisions_with(reader: DecisionReader) -> None:
    """Use ``reader`` for the Stand/Freigabe block (registered once by the application)."""
    _decision_readers[:] = [reader]


def approvals(session: Session, rows: list[BudgetRow], own_id: int) -> list[ApprovalState]:
    """The decisive council step of the municipality on each measure of the year, in a fixed
    number of queries however many measures."""
    codes = sorted({r.measure_code for r in rows})
    if not _decision_readers:
        raise RuntimeError("No reader of council decisions registered (see app.main).")
    found = _decision_readers[0](session, codes, own_id)
    result = []
    for code in codes:
        decision = found.get(code)
        if decision is None:  # a code from before the format rule: its decisions are not readable
            result.append(ApprovalState(code, "", "", None, "", "", False))
            continue
        result.append(
            ApprovalState(
                measure_code=code,
                measure_title=decision.measure_title,
                body=decision.body,
                decided_on=decision.decided_on,
                drucksache=decision.drucksache,
                result=decision.result,
                released=decision.released,
            )
        )
    return result
