"""Grants (Zuwendungen): overview, warnings, drawdowns (Mittelabrufe).

Warnings:

* the funding period ends within 90 days (or has ended) while planned funding is not yet drawn;
* a proof of use (Verwendungsnachweis) is due within 30 days or overdue and not yet submitted;
* the maximum exceeds rate × eligible costs (saved before that was refused).

"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.accounts.permissions import Principal, can_read, require
from app.core.formatting import fmt_date, fmt_money
from app.core.timeutil import today
from app.finance.allocation import grant_cap
from app.finance.models import Drawdown, FundingProgramme, Grant, ProofOfUse
from app.finance.queries import lookups as queries
from app.finance.queries.shares import funding_by_grant
from app.municipalities import queries as municipality_queries
from app.municipalities.models import Municipality
from app.portfolio.models import Measure

PERIOD_WARNING_DAYS = 90
PROOF_WARNING_DAYS = 30


@dataclass(frozen=True)
class FundingWarning:
    grant_id: int
    level: str  # "warn" or "critical"
    text: str


@dataclass(frozen=True)
class GrantOverview:
    grant: Grant
    programme: FundingProgramme | None
    applicant: Municipality | None
    measures: list[Measure]
    planned_funding_cents: int
    drawn_cents: int
    received_cents: int
    proofs: list[ProofOfUse]
    drawdowns: list[Drawdown]
    warnings: list[FundingWarning]

    @property
    def limit_cents(self) -> int:
        """What may be drawn in all: the lower of the maximum and rate × eligible costs."""
        return min(self.grant.max_cents, grant_cap(self.grant.rate_bp, self.grant.eligible_cents))

    @property
    def remaining_cents(self) -> int:
        """What may still be drawn (never negative)."""
        return max(self.limit_cents - self.drawn_cents, 0)

    @property
    def undrawn_planned_cents(self) -> int:
        """Planned funding not drawn yet."""
        return max(self.planned_funding_cents - self.drawn_cents, 0)


def grant_warnings(
    grant: Grant,
    *,
    planned_funding_cents: int,
    drawn_cents: int,
    proofs: list[ProofOfUse],
    on: date,
) -> list[FundingWarning]:
    gid = int(grant.id or 0)
    warnings: list[FundingWarning] = []
    cap = grant_cap(grant.rate_bp, grant.eligible_cents)
    if grant.max_cents > cap:
        warnings.append(
            FundingWarning(
                gid,
                "critical",
                f"Der Höchstbetrag von {fmt_money(grant.max_cents)} übersteigt Fördersatz × "
                f"zuwendungsfähige Ausgaben ({fmt_money(cap)}); abrufbar und geplant sind "
                f"höchstens {fmt_money(cap)}. Bitte den Bescheid prüfen und die Zuwendung "
                "berichtigen.",
            )
        )
    undrawn = planned_funding_cents - drawn_cents
    days_left = (grant.period_end - on).days
    if undrawn > 0 and days_left < 0:
        warnings.append(
            FundingWarning(
                gid,
                "critical",
                f"Der Bewilligungszeitraum ist am {fmt_date(grant.period_end)} abgelaufen; "
                f"{fmt_money(undrawn)} der geplanten Förderung sind nicht abgerufen.",
            )
        )
    elif undrawn > 0 and days_left <= PERIOD_WARNING_DAYS:
        warnings.append(
            FundingWarning(
                gid,
                "warn",
                f"Der Bewilligungszeitraum endet am {fmt_date(grant.period_end)} "
                f"(in {days_left} Tagen); {fmt_money(undrawn)} sind noch nicht abgerufen.",
            )
        )
    for proof in proofs:
        if proof.submitted_on is not None:
            continue
        due_in = (proof.due_on - on).days
        if due_in < 0:
            warnings.append(
                FundingWarning(
                    gid,
                    "critical",
                    f"{proof.title} war am {fmt_date(proof.due_on)} fällig und ist überfällig.",
                )
            )
        elif due_in <= PROOF_WARNING_DAYS:
            warnings.append(
                FundingWarning(
                    gid,
                    "warn",
                    f"{proof.title} ist am {fmt_date(proof.due_on)} fällig (in {due_in} Tagen).",
                )
            )
    return warnings


def grant_overviews(
    *, session: Session, actor: Principal | None, on: date | None = None
) -> list[GrantOverview]:
    """All grants with what is planned, drawn and due (the /foerderung page)."""
    require(can_read(actor), "Bitte melden Sie sich an.")
    on = on or today()
    planned = funding_by_grant(session)
    drawn = queries.drawn_by_grant(session)
    received = queries.received_by_grant(session)
    programmes = queries.programmes(session)
    covered = queries.grant_measure_ids(session)
    munis = {int(m.id or 0): m for m in municipality_queries.municipalities(session)}
    proofs_by_grant: dict[int, list[ProofOfUse]] = {}
    for proof in queries.proofs_of_use(session):
        proofs_by_grant.setdefault(proof.grant_id, []).append(proof)
    result = []
    for grant in queries.grants(session):
        gid = int(grant.id or 0)
        proofs = proofs_by_grant.get(gid, [])
        measures = sorted(
            queries.measures_by_id(session, covered.get(gid, [])).values(), key=lambda m: m.code
        )
        result.append(
            GrantOverview(
                grant=grant,
                programme=programmes.get(grant.programme_id),
                applicant=munis.get(grant.applicant_municipality_id),
                measures=measures,
                planned_funding_cents=planned.get(gid, 0),
                drawn_cents=drawn.get(gid, 0),
                received_cents=received.get(gid, 0),
                proofs=proofs,
                drawdowns=list(queries.drawdowns(session, gid)),
                warnings=grant_warnings(
                    grant,
                    planned_funding_cents=planned.get(gid, 0),
                    drawn_cents=drawn.get(gid, 0),
                    proofs=proofs,
                    on=on,
                ),
            )
        )
    return result


def warnings_for_measure(
    *, session: Session, actor: Principal | None, measure_id: int, on: date | None = None
) -> list[FundingWarning]:
    """Warnings of the grants that cover a measure (shown on the measure page)."""
    return [
        warning
        for overview in grant_overviews(session=session, actor=actor, on=on)
        if any(m.id == measure_id for m in overview.measures)
        for warning in overview.warnings
    ]
