"""Pure arithmetic of cost sharing and funding, in integer cents.

Nothing here touches the database. The service feeds plain numbers in and gets plain numbers back,
so the rules can be proven by property-based tests.

Rules:

* **Largest remainder (Hare–Niemeyer).** An amount is split by integer weights: every party gets
  the floor of its exact share, and the cents left over go, one each, to the parties with the
  largest remainders. Ties are broken by the larger weight, then by the order the parties were
  given in (the service passes municipalities sorted by slug), so the result is deterministic.
  The shares always add up to the amount and each differs from the exact share by less than a cent.
* **Cost keys.** ``equal`` weighs every participant 1, ``population`` by inhabitants, ``custom``
  by the share in basis points (1/100 %), which must add up to exactly 100,00 %.
* **Funding.** See :func:`plan_grant_funding` (a grant's total, split over measure-years by
  largest remainder) and :func:`split_funding` (a measure-year's funding over lines and
  municipalities, largest remainder again).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from app.core.enums import CostKeyKind
from app.core.errors import ValidationFailed
from app.core.formatting import fmt_percent_bp

K = TypeVar("K", bound=Hashable)

FULL_SHARE_BP = 10000


def split_largest_remainder(amount: int, weights: Sequence[tuple[K, int]]) -> dict[K, int]:
    """Split ``amount`` (cents, >= 0) among the keys in proportion to their weights.

    ``weights`` is an ordered sequence of ``(key, weight)``; its order is the last tie-break.
    Parties with weight 0 get nothing. Raises ``ValueError`` for a negative amount, negative
    weights, duplicate keys or when all weights are zero (there is nobody to carry the amount).
    """
    if amount < 0:
        raise ValueError("amount must not be negative")
    keys = [key for key, _ in weights]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate keys")
    if any(weight < 0 for _, weight in weights):
        raise ValueError("weights must not be negative")
    total = sum(weight for _, weight in weights)
    if total <= 0:
        raise ValueError("the weights add up to zero")
    shares: dict[K, int] = {}
    remainders: list[tuple[int, int, int, K]] = []
    for position, (key, weight) in enumerate(weights):
        quotient, remainder = divmod(amount * weight, total)
        shares[key] = quotient
        # Sort key: larger remainder first, then larger weight, then the given order.
        remainders.append((-remainder, -weight, position, key))
    leftover = amount - sum(shares.values())
    # leftover < number of parties with a non-zero remainder, so weight-0 parties never get a cent.
    for _, _, _, key in sorted(remainders, key=lambda item: item[:3])[:leftover]:
        shares[key] += 1
    return shares


@dataclass(frozen=True)
class Party:
    """A participating municipality as the cost key sees it."""

    municipality_id: int
    slug: str
    population: int
    share_bp: int | None


def validate_custom_shares(parties: Sequence[Party]) -> None:
    """Custom keys: every participant has a share and the shares sum to exactly 100,00 %."""
    errors: dict[str, str] = {}
    for party in parties:
        if party.share_bp is None:
            errors[f"share_{party.slug}"] = "Bitte einen Anteil in Prozent angeben."
        elif not 0 <= party.share_bp <= FULL_SHARE_BP:
            errors[f"share_{party.slug}"] = "Der Anteil muss zwischen 0 und 100 % liegen."
    if errors:
        raise ValidationFailed(errors)
    total = sum(party.share_bp or 0 for party in parties)
    if total != FULL_SHARE_BP:
        raise ValidationFailed(
            {
                "shares": (
                    f"Die Anteile ergeben zusammen {fmt_percent_bp(total)}; "
                    "sie müssen genau 100,00 % ergeben."
                )
            }
        )


def check_custom_key(shares_bp: Mapping[int, int | None], participant_ids: Sequence[int]) -> None:
    """Only participants may carry a share; raises ``ValidationFailed`` (German) otherwise."""
    outsiders = [mid for mid, bp in shares_bp.items() if bp and mid not in participant_ids]
    if outsiders:
        raise ValidationFailed(
            {"shares": "Nur beteiligte Kommunen können einen Kostenanteil tragen."}
        )


def key_weights(cost_key: str, parties: Sequence[Party]) -> list[tuple[int, int]]:
    """Weights of the participants (by municipality id) for a measure's cost key."""
    if not parties:
        raise ValidationFailed({"participants": "Die Maßnahme hat keine beteiligten Kommunen."})
    ordered = sorted(parties, key=lambda party: party.slug)
    if cost_key == CostKeyKind.equal:
        return [(party.municipality_id, 1) for party in ordered]
    if cost_key == CostKeyKind.population:
        if sum(party.population for party in ordered) <= 0:
            raise ValidationFailed(
                {"cost_key": "Für die Beteiligten ist keine Einwohnerzahl erfasst."}
            )
        return [(party.municipality_id, party.population) for party in ordered]
    if cost_key == CostKeyKind.custom:
        validate_custom_shares(ordered)
        return [(party.municipality_id, party.share_bp or 0) for party in ordered]
    raise ValidationFailed({"cost_key": f"Unbekannter Kostenschlüssel „{cost_key}“."})


@dataclass(frozen=True)
class GrantTerms:
    """What a grant promises: rate, eligible costs, maximum and the years of its funding period."""

    grant_id: int
    rate_bp: int
    eligible_cents: int
    max_cents: int
    first_year: int
    last_year: int


@dataclass(frozen=True)
class MeasureYearCost:
    """Planned gross cost of one covered measure in one year (``order`` sorts measures)."""

    measure_id: int
    year: int
    order: str
    gross_cents: int


def grant_cap(rate_bp: int, eligible_cents: int) -> int:
    """Rate × eligible costs, to the cent (rounded down): what a grant can give at most."""
    return eligible_cents * rate_bp // FULL_SHARE_BP


def plan_grant_funding(
    terms: GrantTerms,
    costs: Sequence[MeasureYearCost],
    already_funded: Mapping[tuple[int, int], int] | None = None,
) -> dict[tuple[int, int], int]:
    """Funding of one grant per ``(measure_id, year)``.

    Rule: measure-years inside the funding period are taken in order of year, then measure order.
    Each uses up eligible costs (at most what remains of ``eligible_cents`` and at most its own
    still unfunded gross cost; other grants' funding, passed in ``already_funded``, is deducted
    first). Each gets ``rate × eligible costs used`` exactly (fractions of a cent included) until
    ``max_cents`` is reached; the later ones get nothing. The grant's total is rounded down once
    and split over the measure-years by largest remainder in proportion to those exact amounts.
    So the total is exact to the cent (a fully used 405.000 € at 90 % gives 364.500,00 €, not a
    cent less through rounding per year), and no measure-year gets more than its eligible
    costs.
    """
    funded = dict(already_funded or {})
    used: list[tuple[tuple[int, int], int]] = []
    eligible_left = terms.eligible_cents
    in_period = [c for c in costs if terms.first_year <= c.year <= terms.last_year]
    for cost in sorted(in_period, key=lambda c: (c.year, c.order, c.measure_id)):
        slot = (cost.measure_id, cost.year)
        unfunded = max(cost.gross_cents - funded.get(slot, 0), 0)
        eligible = min(unfunded, eligible_left)
        eligible_left -= eligible
        if eligible:
            used.append((slot, eligible))
    # Each measure-year's exact funding (in 1/10000 cent): rate × eligible, until the maximum
    # is reached; the grant's total is rounded down once and split by these weights.
    weights: list[tuple[tuple[int, int], int]] = []
    room = terms.max_cents * FULL_SHARE_BP
    for slot, eligible in used:
        weight = min(eligible * terms.rate_bp, room)
        room -= weight
        if weight:
            weights.append((slot, weight))
    total = sum(weight for _, weight in weights) // FULL_SHARE_BP
    if total <= 0:
        return {}
    return {
        slot: amount for slot, amount in split_largest_remainder(total, weights).items() if amount
    }


def split_funding(
    funding: int,
    line_gross: Sequence[tuple[K, int]],
    shares: Mapping[K, Mapping[int, int]],
) -> dict[K, dict[int, int]]:
    """Distribute a measure-year's funding over its lines and then over the municipalities.

    First to the lines in proportion to their gross amounts, then each line's part to the
    municipalities in proportion to their gross shares of that line. As each part is at most the
    amount it is split by, no municipality receives more funding than its gross share: a net share
    is never negative. Raises ``ValueError`` when the funding exceeds the lines' gross total.
    """
    total = sum(amount for _, amount in line_gross)
    if funding > total:
        raise ValueError("funding exceeds the gross cost")
    result: dict[K, dict[int, int]] = {key: dict.fromkeys(shares[key], 0) for key, _ in line_gross}
    if funding == 0 or total == 0:
        return result
    per_line = split_largest_remainder(funding, line_gross)
    for key, line_funding in per_line.items():
        if line_funding == 0:
            continue
        result[key] = split_largest_remainder(line_funding, list(shares[key].items()))
    return result
